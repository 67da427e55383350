/**
 * Whole-body animation in the browser: builds the app, serves it on a loopback port, and in headless Chromium
 * drives a full-length photo from ../shared/data (human_person-celeste.jpg, 476×512 in the app) with a Tai Chi
 * clip (lia_taichi_driving1.mp4, 256², at its 10 frames/s) in the studio's Video file mode, as a user does:
 * frame by frame (seek, MoveNet in the analysis worker, the body engine in the render worker, VP8 encoding).
 * Reports frames/s end to end and the milliseconds per frame of the render worker, the analysis worker and the
 * page (seeking the video and grabbing the frame).
 *
 *   npm run bench:web-body [-- --seconds 10 --start 30 --runs 1]
 *
 * Needs Chromium (Debian: apt-get install chromium; or VIVIFY_CHROMIUM=/path) and ../shared/data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DATA, ffmpeg } from '../test/helpers.js';
import { buildWeb, openApp, serveStatic, waitForApp } from '../test/web/harness.js';
import { machine } from './machine.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    start: { type: 'string', default: '30' },
    runs: { type: 'string', default: '1' },
  },
});
const PHOTO = path.join(DATA, 'images', 'human_person-celeste.jpg');
const TAICHI = path.join(DATA, 'videos', 'lia_taichi_driving1.mp4');
if (!existsSync(PHOTO) || !existsSync(TAICHI)) throw new Error(`the body photo and clip are not in ${DATA}`);

interface Report {
  body: boolean;
  frames: number;
  seconds: number;
  found: number;
  renderMs?: number;
  analyseMs?: number;
  grabMs?: number;
}

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-web-body-'));
try {
  console.log(`machine: ${machine()}; headless Chromium, software GPU (SwiftShader)`);
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const clip = path.join(dir, 'taichi.mp4');
  ffmpeg('-ss', values.start, '-i', TAICHI, '-t', values.seconds, '-an', '-pix_fmt', 'yuv420p', clip);
  console.log(`driver: lia_taichi_driving1.mp4 from ${values.start} s, ${values.seconds} s at 10 frames/s (256²)`);
  await buildWeb(path.join(dir, 'dist'));
  const server = await serveStatic(path.join(dir, 'dist'));
  try {
    const s = await openApp(`${server.url}#studio`);
    try {
      const page = s.page;
      await waitForApp(page, 180_000);
      await page.setInputFiles('#portrait-file', PHOTO);
      await page.waitForFunction(
        () =>
          (window as unknown as { vivify: { portrait(): { name: string } | undefined } }).vivify.portrait()?.name ===
          'human_person-celeste.jpg',
      );
      await page.click('[data-mode-tab=video]');
      await page.setInputFiles('#video-file', clip);
      await page.fill('#video-fps', '10');
      await page.dispatchEvent('#video-fps', 'change');
      for (let run = 0; run < Number(values.runs); run++) {
        await page.waitForFunction(() => !(document.querySelector('#video-animate') as HTMLButtonElement).disabled);
        const before = await page.evaluate(
          () => (window as unknown as { vivify: { video(): Report | undefined } }).vivify.video()?.seconds,
        );
        await page.click('#video-animate');
        await page.waitForFunction(
          (b) => {
            const r = (window as unknown as { vivify: { video(): Report | undefined } }).vivify.video();
            return r !== undefined && r.seconds !== b;
          },
          before,
          { timeout: 600_000, polling: 500 },
        );
        const r = await page.evaluate(() => (window as unknown as { vivify: { video(): Report } }).vivify.video());
        if (!r.body) throw new Error('the photo was not animated as a whole body');
        console.log(
          `run ${run + 1}: ${r.frames} frames in ${r.seconds.toFixed(1)} s = ${(r.frames / r.seconds).toFixed(2)} frames/s end to end; render worker ${r.renderMs?.toFixed(1)} ms/frame, analysis worker ${r.analyseMs?.toFixed(1)}, page seek and grab ${r.grabMs?.toFixed(1)}; ${r.frames - r.found} frames without a person; load average ${loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')}`,
        );
      }
      if (s.errors.length) console.log(`page errors: ${s.errors.join('; ')}`);
    } finally {
      await s.close();
    }
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
