/**
 * The browser app in real Chromium (Debian's package, driven by playwright-core): a production build served
 * on a loopback port, a fake camera playing a real clip, and checks that the live portrait follows the clip,
 * that the studio's sliders change the preview, that timeline errors point at their line, and that the
 * exports are real videos. Needs Chromium (`apt-get install -y chromium`, which .ci/run does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES } from '../../src/reenact/options.js';
import { DATA, HAVE_DATA, ffmpeg, makeMovingFaceVideo } from '../helpers.js';
import { buildWeb, correlation, makeY4m, openApp, serveStatic, waitForApp, type BrowserSession } from './harness.js';

interface Vivify {
  live(): { fps: number; frames: number; framesWithFace: number; state: string };
  probe(): { seq: number; driver: number; output: number | null }[];
  portrait(): { name: string; faces: number } | undefined;
  studio(): { renders: number; lastRenderMs: number };
}

let dir: string;
let server: { url: string; close: () => Promise<void> };
let session: BrowserSession;
let page: Page;

const vivify = <T>(fn: (v: Vivify) => T): Promise<T> =>
  page.evaluate(
    (src) =>
      (new Function('v', `return (${src})(v)`) as (v: unknown) => T)((window as unknown as { vivify: unknown }).vivify),
    fn.toString(),
  );

/** Number of frames and duration of a video file, from ffprobe. */
function probeVideo(file: string): { frames: number; duration: number; codec: string; width: number } {
  const r = spawnSync(
    findFfmpeg().ffprobe,
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,width,nb_read_frames:format=duration',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    streams: { codec_name: string; width: number; nb_read_frames: string }[];
    format: { duration: string };
  };
  return {
    frames: Number(j.streams[0]!.nb_read_frames),
    duration: Number(j.format.duration),
    codec: j.streams[0]!.codec_name,
    width: j.streams[0]!.width,
  };
}

/** The studio preview as raw RGB (a screenshot of the canvas element). */
async function preview(): Promise<{ data: Buffer; width: number; height: number }> {
  const png = await page.locator('#studio-canvas').screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Fraction of pixels whose colour differs by more than 12 levels in some channel. */
function changed(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i]! - b[i]!) > 12 || Math.abs(a[i + 1]! - b[i + 1]!) > 12 || Math.abs(a[i + 2]! - b[i + 2]!) > 12)
      n++;
  }
  return n / (a.length / 3);
}

async function nextRender(before: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { vivify: Vivify }).vivify.studio().renders > n, before, {
    timeout: 30_000,
  });
}

describe('browser app', { timeout: 240_000 }, () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vivify-web-'));
    await buildWeb(path.join(dir, 'dist'));
    server = await serveStatic(path.join(dir, 'dist'));
    let camera: string | undefined;
    if (HAVE_DATA) {
      // LivePortrait's d0 driving clip: the mouth opens wide and closes again, twice.
      camera = path.join(dir, 'camera.y4m');
      makeY4m(path.join(DATA, 'videos', 'lp_d0.mp4'), camera, { size: 384, seconds: 3.1, fps: 25 });
    }
    session = await openApp(`${server.url}?probe=1#live`, { camera });
    page = session.page;
    await waitForApp(page);
  });

  after(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('live: the motion controls are the option definitions, read with the command line parser', async () => {
    const controls = await page.$$eval('#live-options [data-option]', (els) =>
      els.map((e) => [e.getAttribute('data-option'), e.tagName.toLowerCase(), e.getAttribute('type')]),
    );
    assert.deepEqual(
      controls.map((c) => c[0]),
      [...REENACTOR_OPTION_NAMES],
    );
    for (const [flag, tag, type] of controls) {
      const spec = ANIMATE_OPTIONS[flag as (typeof REENACTOR_OPTION_NAMES)[number]];
      const expected = spec.type === 'number' ? 'range' : 'choices' in spec ? 'select' : 'text';
      assert.equal(tag === 'select' ? 'select' : type, expected, `--${flag}`);
    }
    await page.fill('#live-regions', 'mouth');
    await page.dispatchEvent('#live-regions', 'change');
    assert.equal(
      await page.locator('#live-regions + .field-error').textContent(),
      'Expected a comma-separated list of all, pose, expression, eyes, brows, lips for --regions but received "mouth"',
    );
    await page.fill('#live-regions', 'all');
    await page.dispatchEvent('#live-regions', 'change');
    assert.equal(await page.locator('#live-regions + .field-error').textContent(), '');
  });

  test(
    'live: the portrait follows the fake camera (mouth opening, camera vs re-analysed output, r ≥ 0.8)',
    { skip: !HAVE_DATA && 'no ../shared/data' },
    async () => {
      assert.equal(
        await page.locator('#live-overlay .overlay-title').textContent(),
        'Your portrait, moved by your face',
      );
      await page.click('#camera-button');
      await page.waitForFunction(
        () => (window as unknown as { vivify: Vivify }).vivify.probe().filter((p) => p.output !== null).length >= 60,
        undefined,
        { timeout: 150_000, polling: 500 },
      );
      const pairs = (await vivify((v) => v.probe())).filter((p) => p.output !== null);
      const live = await vivify((v) => v.live());
      const driver = pairs.map((p) => p.driver);
      const output = pairs.map((p) => p.output!);
      const spread = Math.max(...driver) - Math.min(...driver);
      const r = correlation(driver, output);
      console.log(
        `  live: ${pairs.length} probed frames, camera mouth ${Math.min(...driver).toFixed(2)}–${Math.max(...driver).toFixed(2)}, r = ${r.toFixed(3)}; ${live.fps.toFixed(1)} frames/s with the probe on`,
      );
      assert.ok(spread > 0.1, `the camera clip's mouth should open and close (range ${spread.toFixed(3)})`);
      assert.ok(r >= 0.8, `mouth-opening correlation ${r.toFixed(3)} < 0.8`);
      assert.equal(live.state, 'running');
      assert.ok(
        live.framesWithFace > 0.9 * live.frames,
        `face found in ${live.framesWithFace} of ${live.frames} frames`,
      );
      assert.equal(await page.locator('#face-badge').textContent(), 'Following');

      // Record two seconds of the live output.
      await page.click('#record-button');
      await page.waitForTimeout(2500);
      const download = page.waitForEvent('download');
      await page.click('#record-button');
      const file = path.join(dir, 'live.webm');
      await (await download).saveAs(file);
      const v = probeVideo(file);
      assert.ok(v.frames >= 10, `the recording has ${v.frames} frames`);
      assert.equal(v.width, 512);
      // A length players can show and seek in (the browser's recorder writes none; the app adds it).
      assert.ok(v.duration >= 2 && v.duration <= 6, `the recording says it lasts ${v.duration} s`);

      await page.click('#camera-button'); // stop
      assert.equal(await page.locator('#camera-button').textContent(), 'Start camera');
    },
  );

  test('studio: an action-unit slider changes the preview, and reset brings it back', async () => {
    await page.goto(`${server.url}#studio`);
    await waitForApp(page);
    await page.click('[data-mode-tab=expression]');
    await nextRender(0);
    const base = await preview();
    let n = (await vivify((v) => v.studio())).renders;
    await page.fill('#au-26', '4'); // jaw drop
    await nextRender(n);
    const edited = await preview();
    const frac = changed(base.data, edited.data);
    assert.ok(frac > 0.003 && frac < 0.2, `AU26 = 4 changed ${(100 * frac).toFixed(2)}% of the preview`);
    assert.equal(await page.locator('#au-26 + output').textContent(), '4.0');
    n = (await vivify((v) => v.studio())).renders;
    await page.click('#expression-reset');
    await nextRender(n);
    const back = changed(base.data, (await preview()).data);
    assert.ok(back < 0.001, `after reset ${(100 * back).toFixed(2)}% of the preview still differs`);
  });

  test('studio: timeline errors point at their line; the export is a video of the right length', async () => {
    await page.click('[data-mode-tab=timeline]');
    await page.fill('#timeline-text', 'duration 2s\nfps 25\nat 0s neutral\nat 1s hapy 0.8\n');
    await page.waitForFunction(() => document.querySelector('#timeline-error')!.textContent !== '');
    assert.match((await page.locator('#timeline-error').textContent())!, /^Line 4, column 7: unknown keyframe "hapy"/);
    assert.equal(await page.locator('#timeline-gutter .bad').textContent(), '4\n');
    assert.ok(await page.locator('#timeline-export').isDisabled());

    await page.fill('#timeline-text', 'duration 2s\nfps 25\nat 0s neutral\nat 1s happy 0.8, pose yaw 10\n');
    await page.waitForFunction(() => document.querySelector('#timeline-error')!.textContent === '');
    const n = (await vivify((v) => v.studio())).renders;
    await page.fill('#timeline-scrub', '1');
    await nextRender(n);
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.click('#timeline-export');
    const file = path.join(dir, 'script.webm');
    await (await download).saveAs(file);
    const v = probeVideo(file);
    assert.equal(v.frames, 50);
    assert.ok(Math.abs(v.duration - 2) < 0.05, `duration ${v.duration}`);
    assert.equal(v.width, 512);
  });

  test('studio: a timeline with generated motion (idle, generate) plays with the shipped motion models', async () => {
    await page.click('[data-mode-tab=timeline]');
    await page.fill('#timeline-text', 'duration 3s\nfps 25\nat 0s idle\nat 1s generate happy 1.5s seed 2\n');
    await page.waitForFunction(() => document.querySelector('#timeline-error')!.textContent === '');
    const at = async (fraction: number): Promise<Buffer> => {
      const n = (await vivify((v) => v.studio())).renders;
      await page.fill('#timeline-scrub', String(fraction));
      await nextRender(n);
      return (await preview()).data;
    };
    const start = await at(0.05);
    const smile = await at(0.65);
    const frac = changed(start, smile);
    assert.ok(frac > 0.002, `the generated smile changed ${(100 * frac).toFixed(2)}% of the preview`);
  });

  test('studio: a video file animates the portrait into a WebM with one frame per driving frame', async () => {
    const clip = path.join(dir, 'driving.mp4');
    makeMovingFaceVideo(clip, { frames: 24, fps: 12, size: 256 });
    await page.click('[data-mode-tab=video]');
    await page.setInputFiles('#video-file', clip);
    await page.fill('#video-fps', '12');
    await page.dispatchEvent('#video-fps', 'change');
    await page.waitForFunction(() => !(document.querySelector('#video-animate') as HTMLButtonElement).disabled);
    await page.click('#video-animate');
    await page.waitForFunction(() => !(document.querySelector('#video-download') as HTMLElement).hidden, undefined, {
      timeout: 120_000,
    });
    assert.match((await page.locator('#video-status').textContent())!, /^Done: 24 frames/);
    const download = page.waitForEvent('download');
    await page.click('#video-download');
    const file = path.join(dir, 'animated.webm');
    await (await download).saveAs(file);
    const v = probeVideo(file);
    assert.equal(v.frames, 24);
    assert.ok(Math.abs(v.duration - 2) < 0.1, `duration ${v.duration}`);
  });

  test('a portrait without a face is refused with a clear message and the previous one is kept', async () => {
    const grey = path.join(dir, 'wall.png');
    ffmpeg('-f', 'lavfi', '-i', 'color=c=0x808080:s=320x240', '-frames:v', '1', grey);
    await page.setInputFiles('#portrait-file', grey);
    await page.waitForFunction(() => document.querySelector('#portrait-status')!.classList.contains('error'));
    assert.equal(
      await page.locator('#portrait-status').textContent(),
      'No face found in wall.png. Choose a picture where a face is clearly visible. Still using astronaut.png.',
    );
    assert.equal((await vivify((v) => v.portrait()))?.name, 'astronaut.png');
    assert.deepEqual(session.errors, []);
  });
});
