/**
 * Live frame rate of the browser app in headless Chromium: builds the app, serves it on a loopback port,
 * feeds Chromium's fake camera a 512² clip at 30 frames/s (LivePortrait's d0 driving clip from
 * ../shared/data, or, without it, the astronaut panned by ffmpeg), drives the bundled 512×512 astronaut,
 * and reports output frames/s and the mean analysis and render milliseconds per frame, per backend. With
 * ../shared/data it also runs two faces at once (issue 19): a 512×256 group photo of two portraits side by side
 * with All faces chosen, the fake camera playing two real speakers side by side (640×320, 25 frames/s): the
 * test's group (test/web/group.test.ts).
 *
 *   npm run bench:web [-- --backends wasm,webgl --runs one,all --seconds 20 --warmup 6]
 *
 * Needs Chromium (Debian: apt-get install chromium; or VIVIFY_CHROMIUM=/path). On a software-only GPU
 * (SwiftShader, as in headless servers) the WebGL backend is very slow: it is measured for the record.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { ASTRONAUT, DATA, ffmpeg, HAVE_DATA } from '../test/helpers.js';
import {
  buildWeb,
  GROUP_PORTRAITS,
  GROUP_SPEAKERS,
  makeGroupPhoto,
  makeSpeakersClip,
  makeY4m,
  openApp,
  serveStatic,
  waitForApp,
} from '../test/web/harness.js';
import { machine } from './machine.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgl' },
    /** `one`: the astronaut, one face; `all`: two faces at once (needs ../shared/data). */
    runs: { type: 'string', default: 'one,all' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '6' },
    query: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);

interface Totals {
  outputs: number;
  analyseMs: number;
  renderMs: number;
}
interface Snapshot {
  now: number;
  frames: number;
  framesWithFace: number;
  totals: Totals;
  state: string;
}

/** Opens the app on `url` with the fake camera `camera`, runs `prepare`, starts the camera and measures. */
async function measure(url: string, camera: string, label: string, prepare?: (page: Page) => Promise<void>) {
  const s = await openApp(url, { camera });
  try {
    const loadStart = Date.now();
    await waitForApp(s.page, 180_000);
    const loadS = (Date.now() - loadStart) / 1000;
    await prepare?.(s.page);
    await s.page.click('#camera-button');
    const snap = (): Promise<Snapshot> =>
      s.page.evaluate(() => {
        const live = (window as unknown as { vivify: { live(): Omit<Snapshot, 'now'> } }).vivify.live();
        return { now: performance.now(), ...live };
      });
    await s.page.waitForTimeout(warmup * 1000);
    const a = await snap();
    await s.page.waitForTimeout(seconds * 1000);
    const b = await snap();
    if (b.state !== 'running') throw new Error(`the live page is ${b.state}`);
    const outputs = b.totals.outputs - a.totals.outputs;
    const frames = b.frames - a.frames;
    const fps = outputs / ((b.now - a.now) / 1000);
    const per = (k: keyof Totals): number => (b.totals[k] - a.totals[k]) / Math.max(1, frames);
    console.log(
      `${label}: ${fps.toFixed(1)} frames/s over ${seconds} s (${outputs} frames); analysis ${per('analyseMs').toFixed(1)} ms/frame, render ${per('renderMs').toFixed(1)} ms/frame; ${frames - (b.framesWithFace - a.framesWithFace)} frames without a face; models + portrait ready in ${loadS.toFixed(1)} s`,
    );
    console.log(`  load average after: ${loadavg()[0]!.toFixed(1)}`);
    if (s.errors.length) console.log(`  page errors: ${s.errors.join('; ')}`);
  } finally {
    await s.close();
  }
}

/** The astronaut's camera clip: LivePortrait's d0, or without ../shared/data the astronaut panned. */
function singleCamera(camera: string): string {
  const clip = path.join(DATA, 'videos', 'lp_d0.mp4');
  if (existsSync(clip)) {
    makeY4m(clip, camera, { size: 512, seconds: 3.1, fps: 30 });
    return 'lp_d0.mp4 (512², 30 fps, looped)';
  }
  const mp4 = path.join(path.dirname(camera), 'pan.mp4');
  ffmpeg(
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-vf',
    "crop=360:360:x='70+40*sin(n/9)':y='20',scale=512:512,format=yuv420p",
    '-frames:v',
    '90',
    '-r',
    '30',
    mp4,
  );
  makeY4m(mp4, camera, { size: 512, seconds: 3, fps: 30 });
  return 'the astronaut panned (512², 30 fps, looped; ../shared/data is missing)';
}

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-web-'));
try {
  console.log(`machine: ${machine()}; headless Chromium, software GPU (SwiftShader)`);
  console.log(`load average before: ${loadavg()[0]!.toFixed(1)} (other jobs on the machine slow every figure)`);
  const runs = values.runs.split(',');
  const camera = path.join(dir, 'camera.y4m');
  if (runs.includes('one')) {
    console.log(`one face: camera ${singleCamera(camera)}; portrait: assets/astronaut.png (512×512)`);
  }
  const group = runs.includes('all') && HAVE_DATA;
  const groupCamera = path.join(dir, 'two-speakers.y4m');
  const groupPhoto = path.join(dir, 'group.png');
  if (group) {
    makeSpeakersClip(groupCamera);
    await makeGroupPhoto(groupPhoto);
    console.log(
      `two faces: camera ${GROUP_SPEAKERS.join(' | ')} side by side (640×320, 25 fps, 3.1 s looped); portrait: ${GROUP_PORTRAITS.join(' | ')} cropped around their faces, side by side (512×256), All faces`,
    );
  } else if (runs.includes('all')) console.log('two faces: skipped (../shared/data is missing)');
  await buildWeb(path.join(dir, 'dist'));
  const server = await serveStatic(path.join(dir, 'dist'));
  try {
    for (const backend of values.backends.split(',')) {
      const url = `${server.url}?backend=${backend}${values.query}#live`;
      if (runs.includes('one')) await measure(url, camera, `${backend}, one face`);
      if (group) {
        await measure(url, groupCamera, `${backend}, two faces`, async (page) => {
          await page.setInputFiles('#portrait-file', groupPhoto);
          await page.waitForFunction(
            () =>
              (window as unknown as { vivify: { portrait(): { name: string } | undefined } }).vivify.portrait()
                ?.name === 'group.png',
            undefined,
            { timeout: 60_000 },
          );
          await page.selectOption('#face-select', 'all');
        });
      }
    }
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
