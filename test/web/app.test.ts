/**
 * The browser app in real Chromium (Debian's package, driven by playwright-core): a production build served
 * on a loopback port, a fake camera playing a real clip, and checks that the live portrait follows the clip,
 * that the studio's sliders change the preview, that timeline errors point at their line, and that the
 * exports are real videos. Needs Chromium (`apt-get install -y chromium`, which .ci/run does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { SPEECH_SAMPLE_RATE as FEATURES_SAMPLE_RATE } from '../../src/analysis/audio-features.js';
import { SPEECH_SAMPLE_RATE } from '../../src/media/audio.js';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES } from '../../src/reenact/options.js';
import { synthesize } from '../../src/speech/node/tts.js';
import { SPEAK_OPTIONS } from '../../src/speech/speak-options.js';
import { pearson } from '../../src/face/stats.js';
import { DATA, HAVE_DATA, ffmpeg, makeMovingFaceVideo } from '../helpers.js';
import { buildWeb, inApp, makeY4m, openApp, serveStatic, waitForApp, type BrowserSession } from './harness.js';

/** What the Speak mode reports of its last render (web/src/speak.ts). */
interface SpokenResult {
  frames: number;
  durationS: number;
  mouthBox: { x: number; y: number; width: number; height: number };
  msPerFrame: number;
  totalMs: number;
}

interface Vivify {
  live(): {
    fps: number;
    frames: number;
    framesWithFace: number;
    state: string;
    lipsync?: { frames: number; fps: number; lagMs: number; renderMs: number; opens: number[] };
  };
  firstPortraitMs(): number | undefined;
  tools(): Record<
    'live' | 'studio',
    { zoom: boolean; split: boolean; holding: boolean; beforeVisible: boolean; faceOffset?: number[] }
  >;
  probe(): { seq: number; driver: number; output: number | null }[];
  portrait(): { name: string; faces: number } | undefined;
  studio(): { renders: number; lastRenderMs: number };
}

let dir: string;
let server: { url: string; close: () => Promise<void> };
let session: BrowserSession;
let page: Page;

const vivify = <T>(fn: (v: Vivify) => T): Promise<T> => inApp(page, fn);

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

/** The codec of a file's first audio stream ('' if it has none). */
function audioCodec(file: string): string {
  const r = spawnSync(
    findFfmpeg().ffprobe,
    ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Every frame of a video, cropped to a box (whole pixels, inside the picture), as raw RGB. */
function cropFrames(file: string, box: { x: number; y: number; width: number; height: number }): { frames: Buffer[] } {
  const w = Math.round(box.width / 2) * 2;
  const h = Math.round(box.height / 2) * 2;
  const r = spawnSync(
    findFfmpeg().ffmpeg,
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `crop=${w}:${h}:${Math.round(box.x)}:${Math.round(box.y)}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 28 },
  );
  assert.equal(r.status, 0, r.stderr?.toString());
  const size = w * h * 3;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= r.stdout.length; at += size) frames.push(r.stdout.subarray(at, at + size));
  return { frames };
}

/** The studio preview as raw RGB (a screenshot of the canvas element, or of another element). */
async function preview(selector = '#studio-canvas'): Promise<{ data: Buffer; width: number; height: number }> {
  const png = await page.locator(selector).screenshot();
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

/** Screenshots `selector` until `ok(fraction changed from base)` holds (a worker draws it); the last fraction. */
async function until(
  selector: string,
  base: Buffer,
  ok: (frac: number) => boolean,
  timeoutMs = 10_000,
): Promise<number> {
  const end = Date.now() + timeoutMs;
  let frac = NaN;
  for (;;) {
    const now = await preview(selector);
    frac = now.data.length === base.length ? changed(base, now.data) : 1;
    if (ok(frac) || Date.now() > end) return frac;
    await page.waitForTimeout(200);
  }
}

/**
 * Fraction changed in the left and right halves of two equally sized screenshots of the stage, leaving out
 * the split line and the rows of the Before/After tags (top) and of the split slider (bottom).
 */
function halves(a: { data: Buffer; width: number; height: number }, b: Buffer): [number, number] {
  const w = a.width;
  const part = (left: boolean): number => {
    let n = 0;
    let all = 0;
    for (let i = 0; i < a.data.length; i += 3) {
      const x = (i / 3) % w;
      const y = Math.floor(i / 3 / w);
      if (y < 0.1 * a.height || y > 0.88 * a.height) continue;
      if (x < w / 2 - 4 === left && (left || x > w / 2 + 4)) {
        all++;
        if ([0, 1, 2].some((c) => Math.abs(a.data[i + c]! - b[i + c]!) > 12)) n++;
      }
    }
    return n / all;
  };
  return [part(true), part(false)];
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
      const r = pearson(driver, output);
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
      // And Chromium's own player shows that length and seeks into the middle (with no duration it says Infinity;
      // a blob, as a saved file is, since the test server answers no range requests).
      copyFileSync(file, path.join(dir, 'dist', 'live-recording.webm'));
      const seek = (await page.evaluate(`(async () => {
        const el = document.createElement('video');
        el.muted = true;
        el.src = URL.createObjectURL(await (await fetch('live-recording.webm')).blob());
        await new Promise((ok, fail) => { el.onloadedmetadata = ok; el.onerror = () => fail(new Error('not playable')); });
        const duration = el.duration;
        el.currentTime = 1.2;
        await new Promise((ok) => el.addEventListener('seeked', ok, { once: true }));
        return { duration, at: el.currentTime };
      })()`)) as { duration: number; at: number };
      assert.ok(Math.abs(seek.duration - v.duration) < 0.2, `the player says it lasts ${seek.duration} s`);
      assert.ok(Math.abs(seek.at - 1.2) < 0.05, `seeking to 1.2 s went to ${seek.at} s`);

      await page.click('#camera-button'); // stop
      assert.equal(await page.locator('#camera-button').textContent(), 'Start camera');
    },
  );

  test('first usable portrait: time from opening the page (built app, this machine)', async () => {
    const ms = await vivify((v) => v.firstPortraitMs());
    assert.ok(ms !== undefined);
    console.log(
      `  first usable portrait ${(ms / 1000).toFixed(2)} s after the page opened (models + the astronaut's analysis)`,
    );
    assert.ok(ms < 20_000, `first portrait after ${ms} ms`);
  });

  test('gallery: an example clip drives the live portrait in one click; overlays change the pixels and go again', async () => {
    await page.goto(`${server.url}#live`);
    await waitForApp(page);
    await page.click('[data-example="talk-look.webm"]');
    await page.waitForFunction(() => (window as unknown as { vivify: Vivify }).vivify.live().frames >= 15, undefined, {
      timeout: 60_000,
    });
    assert.equal(await page.locator('#face-badge').textContent(), 'Following talk-look.webm');
    // The bars: the driver's emotions and action units, measured live.
    await page.check('#view-bars');
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#live-bars')!.hidden);
    await page.waitForFunction(
      () => {
        const v = Array.from(document.querySelectorAll('#live-bars .bar-value')).map((e) => e.textContent);
        return v.length === 24 && v.every((t) => t !== '–');
      },
      undefined,
      { timeout: 30_000 },
    );
    const happy = Number(await page.locator('#live-bars .bar-row:nth-of-type(4) .bar-value').textContent());
    assert.ok(happy >= 0 && happy <= 100, `happy ${happy}`);
    await page.uncheck('#view-bars');
    await page.click('#camera-button'); // stop: the last frame stays, and is drawn again when the view changes
    assert.equal(await page.locator('#camera-button').textContent(), 'Start camera');
    const base = await preview('#live-canvas');
    await page.check('#view-portrait-mesh');
    const withMesh = await until('#live-canvas', base.data, (f) => f > 0.002);
    assert.ok(
      withMesh > 0.002 && withMesh < 0.3,
      `the portrait's mesh changed ${(100 * withMesh).toFixed(2)}% of the picture`,
    );
    await page.uncheck('#view-portrait-mesh');
    const back = await until('#live-canvas', base.data, (f) => f < 0.001);
    assert.ok(back < 0.001, `without the mesh ${(100 * back).toFixed(2)}% still differs`);
    // Side by side: the driver (with its mesh and the analysis panel) left of the result; the canvas widens.
    await page.check('#view-driver-mesh');
    await page.selectOption('#view-layout', 'side-by-side');
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLCanvasElement>('#live-canvas')!.getBoundingClientRect().width >
        document.querySelector<HTMLCanvasElement>('#live-canvas')!.getBoundingClientRect().height * 1.4,
    );
    assert.ok(await page.locator('#live-hold').isDisabled(), 'before/after is for the result alone');
    // The driver's mesh and panel: switched off, its pixels go; on again, the same picture comes back.
    await page.waitForTimeout(500);
    const withDriverMesh = await preview('#live-canvas');
    await page.uncheck('#view-driver-mesh');
    const meshGone = await until('#live-canvas', withDriverMesh.data, (f) => f > 0.002);
    assert.ok(
      meshGone > 0.002 && meshGone < 0.5,
      `the driver's mesh changed ${(100 * meshGone).toFixed(2)}% of the picture`,
    );
    await page.check('#view-driver-mesh');
    const meshBack = await until('#live-canvas', withDriverMesh.data, (f) => f < 0.001);
    assert.ok(meshBack < 0.001, `with the driver's mesh again ${(100 * meshBack).toFixed(2)}% differs`);
    await page.selectOption('#view-layout', 'result');
    await page.uncheck('#view-driver-mesh');
    // The no-face note on the stage: a clip without a face.
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'color=c=0x808080:s=320x240:r=25',
      '-t',
      '2',
      '-c:v',
      'libvpx',
      path.join(dir, 'dist', 'wall.webm'),
    );
    await page.evaluate(`window.vivify.drive('${server.url}wall.webm', 'wall.webm')`);
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#live-noface')!.hidden, undefined, {
      timeout: 30_000,
    });
    assert.match((await page.locator('#live-noface').textContent())!, /^No face in wall\.webm/);
    await page.click('#camera-button');
    assert.ok(await page.locator('#live-noface').isHidden());
  });

  test('stage: before/after (hold and split) and face zoom on a studio edit; presets; number fields', async () => {
    await page.goto(`${server.url}#studio`);
    await waitForApp(page);
    await page.click('[data-mode-tab=expression]');
    await nextRender(0);
    const base = await preview('#page-studio .viewport');
    let n = (await vivify((v) => v.studio())).renders;
    await page.click('[data-preset="Big smile"]');
    await nextRender(n);
    assert.equal(await page.inputValue('#emotion-happy-value'), '1.00');
    const edited = await preview('#page-studio .viewport');
    const frac = changed(base.data, edited.data);
    assert.ok(frac > 0.003, `the preset changed ${(100 * frac).toFixed(2)}%`);
    // Hold: the original over the result.
    await page.hover('#studio-hold');
    await page.mouse.down();
    assert.ok((await vivify((v) => v.tools())).studio.beforeVisible);
    const original = await preview('#page-studio .viewport');
    await page.mouse.up();
    assert.equal(original.data.length, base.data.length);
    // The original, not the result; base is the render with every slider at 0, which is the portrait itself
    // (the renderer gives back the source exactly at its own pose and shape).
    const held = changed(base.data, original.data);
    const heldVsEdited = changed(edited.data, original.data);
    assert.ok(held < 0.0005, `while held, ${(100 * held).toFixed(3)}% differs from the unedited render`);
    assert.ok(heldVsEdited > 0.7 * frac, `while held, ${(100 * heldVsEdited).toFixed(2)}% differs from the result`);
    assert.ok(!(await vivify((v) => v.tools())).studio.beforeVisible);
    // Split at the middle: the left half is the original, the right half the result.
    await page.check('#studio-compare');
    await page.fill('#studio-split', '50');
    const split = await preview('#page-studio .viewport');
    const [left, rightOriginal] = halves(split, original.data);
    const [leftEdited, right] = halves(split, edited.data);
    assert.ok(left < 0.002, `left of the split ${(100 * left).toFixed(2)}% differs from the original`);
    assert.ok(right < 0.002, `right of the split ${(100 * right).toFixed(2)}% differs from the result`);
    assert.ok(
      rightOriginal > 0.002 || leftEdited > 0.002,
      `the halves differ from the other picture by only ${(100 * rightOriginal).toFixed(2)}% and ${(100 * leftEdited).toFixed(2)}%`,
    );
    await page.uncheck('#studio-compare');
    // Face zoom: the face fills the view, so the picture is larger than the view.
    await page.check('#studio-zoom');
    const [canvasW, viewW] = await page.evaluate(() => [
      document.querySelector('#studio-canvas')!.getBoundingClientRect().width,
      document.querySelector('#page-studio .viewport')!.getBoundingClientRect().width,
    ]);
    assert.ok(canvasW > 1.5 * viewW, `zoomed picture ${canvasW} px wide in a ${viewW} px view`);
    // The face in the middle of the view, here and in the timeline mode's narrower, taller view.
    for (const mode of ['timeline', 'expression']) {
      const [dx, dy] = (await vivify((v) => v.tools())).studio.faceOffset!;
      assert.ok(Math.hypot(dx!, dy!) < 3, `the zoomed face is ${dx}, ${dy} px from the view's centre`);
      await page.click(`[data-mode-tab=${mode}]`);
      await page.waitForTimeout(300);
    }
    await page.uncheck('#studio-zoom');
    // A number field sets a slider exactly; its reset brings it back to 0.
    n = (await vivify((v) => v.studio())).renders;
    await page.fill('#au-1-value', '3.5');
    await nextRender(n);
    assert.equal(await page.inputValue('#au-1'), '3.5');
    await page.click('#au-1 ~ .reset');
    assert.equal(await page.inputValue('#au-1-value'), '0');
    // The portrait's mesh on the studio preview.
    n = (await vivify((v) => v.studio())).renders;
    await page.click('#expression-reset');
    await nextRender(n);
    const plain = await preview();
    n = (await vivify((v) => v.studio())).renders;
    await page.check('#view-portrait-mesh');
    await nextRender(n);
    const mesh = changed(plain.data, (await preview()).data);
    assert.ok(mesh > 0.01, `the portrait's mesh changed ${(100 * mesh).toFixed(2)}% of the preview`);
    n = (await vivify((v) => v.studio())).renders;
    await page.uncheck('#view-portrait-mesh');
    await nextRender(n);
  });

  test('gallery: an example timeline opens in the editor in one click', async () => {
    await page.click('[data-example="talk-look.txt"]');
    await page.waitForFunction(() =>
      document.querySelector<HTMLTextAreaElement>('#timeline-text')!.value.includes('au 25=2 26=3'),
    );
    assert.equal(await page.getAttribute('[data-mode-tab=timeline]', 'aria-selected'), 'true');
    await page.waitForFunction(() => !(document.querySelector('#timeline-play') as HTMLButtonElement).disabled);
  });

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
    assert.equal(await page.inputValue('#au-26-value'), '4.0');
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
    assert.equal(await page.locator('#timeline-gutter .bad').textContent(), '4');
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

  test('studio: every timeline error is listed; the track seeks, and dragging a keyframe moves its line', async () => {
    await page.goto(`${server.url}#studio`);
    await waitForApp(page);
    await page.click('[data-mode-tab=timeline]');
    await page.fill('#timeline-text', 'duration 2s\nfps 25\nat 0s neutral\nat 1s hapy 0.8\nat 1.5s pose yaw 99\n');
    await page.waitForFunction(() => document.querySelectorAll('#timeline-error li').length === 2);
    const errors = await page.locator('#timeline-error li').allTextContents();
    assert.match(errors[0]!, /^Line 4, column 7: unknown keyframe "hapy"/);
    assert.match(errors[1]!, /^Line 5, column \d+: .*yaw/);
    assert.deepEqual(await page.locator('#timeline-gutter .bad').allTextContents(), ['4', '5']);

    await page.fill('#timeline-text', 'duration 2s\nfps 25\nat 0s neutral\nat 1s happy 0.8, pose yaw 10\n');
    await page.waitForFunction(() => document.querySelector('#timeline-error')!.textContent === '');
    // Markers: line 3 (expression), line 4 (expression and head).
    assert.equal(await page.locator('#timeline-track .track-key').count(), 3);
    const lanes = (await page.locator('#timeline-track .track-lanes').boundingBox())!;
    // A click on the track goes to that moment.
    await page.mouse.click(lanes.x + lanes.width / 2, lanes.y + lanes.height - 4);
    assert.equal(Number(await page.inputValue('#timeline-scrub')), 1);
    // Dragging line 4's marker to three quarters of the track writes its new time into the text.
    const key = (await page.locator('#timeline-track .track-lane[data-row=pose] .track-key').boundingBox())!;
    await page.mouse.move(key.x + key.width / 2, key.y + key.height / 2);
    await page.mouse.down();
    await page.mouse.move(lanes.x + lanes.width * 0.6, key.y + key.height / 2, { steps: 4 });
    await page.mouse.move(lanes.x + lanes.width * 0.75, key.y + key.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() =>
      /^at (?!1s)[\d.]+s happy/m.test(document.querySelector<HTMLTextAreaElement>('#timeline-text')!.value),
    );
    const moved = Number(/^at ([\d.]+)s happy/m.exec(await page.inputValue('#timeline-text'))![1]);
    assert.ok(Math.abs(moved - 1.5) <= 0.041, `the keyframe moved to ${moved} s`);
    assert.equal(Number(await page.inputValue('#timeline-scrub')), moved);
    // The keyboard: Shift+ArrowLeft moves it ten frames (0.4 s at 25 frames/s) earlier.
    await page.waitForFunction(
      (t) =>
        document
          .querySelector('#timeline-track .track-lane[data-row=pose] .track-key')
          ?.getAttribute('title')
          ?.includes(t),
      `at ${moved}s happy`,
    );
    await page.focus('#timeline-track .track-lane[data-row=pose] .track-key');
    await page.keyboard.press('Shift+ArrowLeft');
    const expected = `at ${Number((moved - 0.4).toFixed(3))}s happy`;
    await page.waitForFunction(
      (t) => document.querySelector<HTMLTextAreaElement>('#timeline-text')!.value.includes(t),
      expected,
    );
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
    await page.waitForFunction(() => !(document.querySelector('#video-stage') as HTMLElement).hidden, undefined, {
      timeout: 120_000,
    });
    assert.match((await page.locator('#video-status').textContent())!, /^Done: 24 frames.* It plays on the stage\.$/);
    // The result plays on the stage, over the preview, with the download beside it; the stage tools are off.
    const stage = (await page.locator('#page-studio .viewport').boundingBox())!;
    for (const selector of ['#video-result', '#video-download']) {
      const b = (await page.locator(selector).boundingBox())!;
      assert.ok(
        b.x >= stage.x - 1 && b.y >= stage.y - 1 && b.x + b.width <= stage.x + stage.width + 1,
        `${selector} is at ${JSON.stringify(b)}, the stage at ${JSON.stringify(stage)}`,
      );
      assert.ok(b.y + b.height <= stage.y + stage.height + 1, `${selector} reaches below the stage`);
    }
    assert.ok(await page.locator('#studio-hold').isDisabled());
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#video-result')!;
      return !v.paused && v.currentTime > 0.2;
    });
    const download = page.waitForEvent('download');
    await page.click('#video-download');
    const file = path.join(dir, 'animated.webm');
    await (await download).saveAs(file);
    const v = probeVideo(file);
    assert.equal(v.frames, 24);
    assert.ok(Math.abs(v.duration - 2) < 0.1, `duration ${v.duration}`);
    // Another mode closes it and turns the stage tools on again; coming back shows it again.
    await page.click('[data-mode-tab=expression]');
    assert.ok(!(await page.locator('#video-stage').isVisible()));
    assert.ok(await page.locator('#studio-hold').isEnabled());
    await page.click('[data-mode-tab=video]');
    assert.ok(await page.locator('#video-stage').isVisible());
    await page.click('#video-close');
    assert.ok(await page.locator('#studio-hold').isEnabled());
    assert.ok(await page.locator('#video-show').isVisible());
  });

  test('studio: Speak — an audio file moves the mouth; the WebM has its sound; typed text, the microphone, bad files', async () => {
    // The page resamples to the features' rate, which is the rate the command line decodes at.
    assert.equal(FEATURES_SAMPLE_RATE, SPEECH_SAMPLE_RATE);
    // Speech made here: eSpeak NG in Node says a sentence (the command line's own text to speech).
    const wav = path.join(dir, 'hello.wav');
    await synthesize('Hello there. Look at me, I am talking to you.', wav);
    await page.evaluate(() => (location.hash = '#studio'));
    await page.click('[data-mode-tab=speak]');
    // The options are `vivify speak`'s definitions, read with the command line's parser.
    assert.deepEqual(
      await page.$$eval('#speak-options [data-option]', (els) => els.map((e) => e.getAttribute('data-option'))),
      ['emotion', 'mouth-scale', 'seed', 'fps'].filter((o) => o in SPEAK_OPTIONS),
    );
    // The frame-rate slider sits on its default (a step that does not divide 1–60 from 25 showed 24.89).
    assert.equal(await page.inputValue('#speak-fps'), '25');
    assert.equal(await page.locator('output[for=speak-fps]').textContent(), '25.0');
    await page.fill('#speak-emotion', 'hapy');
    await page.dispatchEvent('#speak-emotion', 'change');
    assert.match((await page.locator('#speak-emotion + .field-error').textContent())!, /hapy/);
    await page.fill('#speak-emotion', '');
    await page.dispatchEvent('#speak-emotion', 'change');

    const status = page.locator('#speak-status');
    const refused = async (file: string, message: string): Promise<void> => {
      await page.setInputFiles('#speak-file', file);
      await page.waitForFunction(() => document.querySelector('#speak-status')!.classList.contains('error'));
      assert.equal(await status.textContent(), message);
      assert.ok(await page.locator('#speak-render').isDisabled());
    };
    const notAudio = path.join(dir, 'notes.txt');
    writeFileSync(notAudio, 'these are not sounds\n');
    await refused(
      notAudio,
      'notes.txt is not audio this browser can decode (try a WAV, MP3, M4A or Ogg file with sound)',
    );
    const silent = path.join(dir, 'silence.wav');
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '1', silent);
    await refused(silent, 'silence.wav is silent (1.0 s of audio, loudest sample 0): there is no speech to follow');

    // Over the browser's 2 minutes: refused in one line (by the length its header states, before decoding).
    const long = path.join(dir, 'long.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=220:r=8000', '-t', '125', long);
    await refused(
      long,
      'long.wav is 2 min 5 s long; the browser takes up to 2 minutes of speech (cut it into parts, or use vivify speak, which takes 10 minutes)',
    );

    const started = Date.now();
    await page.setInputFiles('#speak-file', wav);
    await page.waitForFunction(() => !(document.querySelector('#speak-render') as HTMLButtonElement).disabled);
    assert.match((await status.textContent())!, /^hello\.wav: \d\.\d s of speech/);
    await page.click('#speak-render');
    await page.waitForFunction(() => !(document.querySelector('#speak-stage') as HTMLElement).hidden, undefined, {
      timeout: 120_000,
    });
    const result = (await page.evaluate('window.vivify.speak()')) as SpokenResult;
    assert.match((await status.textContent())!, /^Done: \d+ frames .* with its sound\. It plays on the stage\.$/);
    // The result plays on the stage, where the preview was, with its sound; the download is beside it.
    const stage = (await page.locator('#page-studio .viewport').boundingBox())!;
    const inStage = async (selector: string): Promise<void> => {
      const b = (await page.locator(selector).boundingBox())!;
      const inside =
        b.x >= stage.x - 1 &&
        b.y >= stage.y - 1 &&
        b.x + b.width <= stage.x + stage.width + 1 &&
        b.y + b.height <= stage.y + stage.height + 1;
      assert.ok(inside, `${selector} is at ${JSON.stringify(b)}, the stage at ${JSON.stringify(stage)}`);
    };
    await inStage('#speak-result');
    await inStage('#speak-download');
    const video = (await page.locator('#speak-result').boundingBox())!;
    assert.ok(video.height >= 0.75 * stage.height, `the video is ${video.height} px of the stage's ${stage.height}`);
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement & { webkitAudioDecodedByteCount: number }>('#speak-result')!;
      return !v.paused && !v.muted && v.currentTime > 0.3 && v.webkitAudioDecodedByteCount > 0;
    });
    // The Speak column fits beside it: nothing of it is scrolled away.
    const column = await page.$eval('.mode[data-mode=speak]', (el) => ({
      scroll: el.scrollHeight,
      view: el.clientHeight,
    }));
    assert.ok(column.scroll <= column.view + 1, `the Speak column is ${column.scroll} px tall in ${column.view} px`);
    // The toasts have been read (errors stay until closed, and they lie over this column's foot).
    const toastClose = page.locator('#toasts .toast-close');
    while ((await toastClose.count()) > 0) await toastClose.first().click();
    // Closed, the preview shows again, and the column offers the result back; another mode hides it.
    await page.click('#speak-close');
    assert.ok(await page.locator('#studio-canvas').isVisible());
    assert.ok(!(await page.locator('#speak-stage').isVisible()));
    await page.click('#speak-show');
    assert.ok(await page.locator('#speak-stage').isVisible());
    await page.click('[data-mode-tab=expression]');
    assert.ok(!(await page.locator('#speak-stage').isVisible()));
    assert.ok(await page.$eval('#speak-result', (v) => (v as HTMLVideoElement).paused));
    await page.click('[data-mode-tab=speak]');
    assert.ok(await page.locator('#speak-stage').isVisible());
    // On a phone the stage is above the controls: asking for the result from below brings the stage into view.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.click('#speak-close');
      await page.locator('#speak-show').scrollIntoViewIfNeeded();
      await page.click('#speak-show');
      await page.waitForTimeout(300);
      const phone = (await page.locator('#speak-stage').boundingBox())!;
      assert.ok(phone.width >= 0.8 * 390, `the result is ${phone.width} px wide`);
      assert.ok(phone.y >= 0 && phone.y + phone.height <= 844, `the result is at ${JSON.stringify(phone)}`);
      assert.ok(await page.locator('#speak-download').isVisible());
    } finally {
      await page.setViewportSize({ width: 1360, height: 860 });
    }
    console.log(
      `  speak: ${result.durationS.toFixed(2)} s of speech → ${result.frames} frames in ${(result.totalMs / 1000).toFixed(1)} s (${result.msPerFrame.toFixed(0)} ms a frame rendered and encoded); file to video ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const download = page.waitForEvent('download');
    await page.click('#speak-download');
    const file = path.join(dir, 'speak.webm');
    await (await download).saveAs(file);
    const v = probeVideo(file);
    assert.equal(v.codec, 'vp8');
    assert.equal(v.frames, result.frames);
    assert.equal(result.frames, Math.ceil(result.durationS * 25 - 1e-9));
    assert.ok(Math.abs(v.duration - result.durationS) < 0.1, `the video lasts ${v.duration} s`);
    // The speech is in it, as loud as it went in.
    assert.equal(audioCodec(file), 'opus');
    const level = (f: string): number => {
      const out = spawnSync(
        findFfmpeg().ffmpeg,
        ['-hide_banner', '-i', f, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-'],
        {
          encoding: 'utf8',
        },
      ).stderr;
      return Number(/mean_volume: (-?[\d.]+) dB/.exec(out)![1]);
    };
    assert.ok(Math.abs(level(file) - level(wav)) < 1.5, `sound ${level(file)} dB, speech ${level(wav)} dB`);
    // The mouth moves: its box changes from frame to frame, far more than a box of the background.
    const box = result.mouthBox;
    const mouth = cropFrames(file, box);
    const corner = cropFrames(file, { ...box, x: 4, y: 4 });
    const steps = mouth.frames.slice(1).map((f, i) => changed(mouth.frames[i]!, f));
    const moving = steps.filter((c) => c > 0.02).length;
    const spread = Math.max(...mouth.frames.map((f) => changed(mouth.frames[0]!, f)));
    const still = Math.max(...corner.frames.map((f) => changed(corner.frames[0]!, f)));
    console.log(
      `  speak: mouth box changed between ${moving} of ${steps.length} frame pairs, up to ${(100 * spread).toFixed(0)}% from the first frame; the corner ${(100 * still).toFixed(2)}%`,
    );
    assert.ok(moving >= steps.length / 4, `the mouth changed between only ${moving} of ${steps.length} frame pairs`);
    assert.ok(spread > 0.2, `the mouth changed at most ${(100 * spread).toFixed(1)}% from the first frame`);
    // (The corner changes a little: VP8's compression noise on the flag's stripes.)
    assert.ok(
      still < spread / 4,
      `the corner changed ${(100 * still).toFixed(2)}%, the mouth ${(100 * spread).toFixed(2)}%`,
    );

    // Typed text, spoken in the browser by eSpeak NG; a script the voice cannot read is refused.
    await page.fill('#speak-text', 'Good morning.');
    await page.click('#speak-say');
    await page.waitForFunction(
      () => /^the spoken text: /.test(document.querySelector('#speak-status')!.textContent!),
      undefined,
      { timeout: 60_000 },
    );
    assert.ok(!(await page.locator('#speak-render').isDisabled()));
    await page.fill('#speak-text', 'Доброе утро');
    await page.click('#speak-say');
    await page.waitForFunction(() => document.querySelector('#speak-status')!.classList.contains('error'));
    assert.equal(
      await status.textContent(),
      'Could not speak the text: the text is in Cyrillic script, which the voice en-us (English (America)) does not read: choose a voice for its language',
    );
    // The fake microphone (Chromium's beeps): a recording is speech to animate.
    await page.click('#speak-record');
    await page.waitForFunction(
      () => Number.parseFloat(document.querySelector('#speak-record-time')!.textContent!) >= 1.2,
    );
    await page.click('#speak-record');
    await page.waitForFunction(() => !(document.querySelector('#speak-render') as HTMLButtonElement).disabled);
    assert.match((await status.textContent())!, /^the recording: \d\.\d s of speech/);
  });

  test("live: lip-sync to the microphone opens and closes the mouth with the fake microphone's beeps", async () => {
    await page.evaluate(() => (location.hash = '#live'));
    await page.waitForFunction(() => !(document.querySelector('#lipsync-button') as HTMLButtonElement).disabled);
    await page.click('#lipsync-button');
    await page.waitForFunction(
      () => ((window as unknown as { vivify: Vivify }).vivify.live().lipsync?.frames ?? 0) >= 40,
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    // The picture changes as the mouth moves, and only about the face.
    const now = await preview('#live-canvas');
    // The mouth is closed between the beeps (most frames) and opens fully only now and then; screenshots of
    // the worker-drawn canvas catch an open mouth after 11–15 s on this machine (4 runs): any change of the
    // mouth (0.05% of the picture; it covers about 0.6% when wide open) counts, within 30 s.
    const moved = await until('#live-canvas', now.data, (f) => f > 0.0005, 30_000);
    const stats = (await vivify((v) => v.live())).lipsync!;
    const open = Math.max(...stats.opens);
    const closed = stats.opens.filter((o) => o < 0.05).length;
    console.log(
      `  lip-sync: ${stats.frames} frames (${stats.fps.toFixed(1)} a second), the mouth ${Math.round(stats.lagMs)} ms behind the newest microphone sample (mean over 2 s), render ${stats.renderMs.toFixed(0)} ms; jaw drop up to ${open.toFixed(2)}, closed in ${closed} of ${stats.opens.length} frames; ${(100 * moved).toFixed(2)}% of the picture changed`,
    );
    assert.equal((await vivify((v) => v.live())).state, 'lipsync');
    assert.ok(open > 0.3, `the mouth opened at most ${open.toFixed(2)}`);
    assert.ok(closed >= 5, `the mouth closed in only ${closed} frames (between the beeps)`);
    assert.ok(moved > 0.0005 && moved < 0.1, `the picture changed ${(100 * moved).toFixed(2)}%`);
    assert.ok(stats.lagMs > 100 && stats.lagMs < 1000, `lag ${stats.lagMs} ms`);
    assert.match(
      (await page.locator('#face-badge').textContent())!,
      /^Lip-sync: the mouth follows the voice \d+ ms behind$/,
    );
    await page.click('#lipsync-button');
    assert.equal((await vivify((v) => v.live())).state, 'idle');
    assert.equal(await page.locator('#lipsync-button').textContent(), 'Lip-sync to microphone');
    // The microphone tap is an AudioWorklet: no deprecated audio node (Chromium warns for a ScriptProcessorNode).
    assert.deepEqual(
      session.warnings.filter((w) => /deprecated/i.test(w)),
      [],
    );
  });

  test('a static host that compresses its files (gzip, compressed Content-Length): the models load, progress ≤ 100%', async () => {
    const gz = await serveStatic(path.join(dir, 'dist'), { gzip: true });
    const other = await openApp('about:blank', { allowCamera: false });
    try {
      // Every text the model status shows, from the first one on.
      await other.page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { statusTexts: string[] }).statusTexts = seen;
        new MutationObserver(() => {
          const t = document.querySelector('#model-status')?.textContent;
          if (t && seen.at(-1) !== t) seen.push(t);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await other.page.goto(`${gz.url}#live`);
      await waitForApp(other.page);
      const texts = await other.page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
      const percents = texts.flatMap((t) => /(\d+)%/.exec(t)?.[1] ?? []).map(Number);
      assert.ok(percents.length > 0, `no progress shown: ${texts.join(' | ')}`);
      console.log(`  gzip host: ${percents.length} progress steps, highest ${Math.max(...percents)}%; ${texts.at(-1)}`);
      assert.ok(Math.max(...percents) <= 100, `progress went to ${Math.max(...percents)}%`);
      assert.match(texts.at(-1)!, /^Face models ready/);
      assert.deepEqual(other.errors, []);
    } finally {
      await other.close();
      await gz.close();
    }
  });

  for (const size of [
    { width: 390, height: 844 },
    { width: 768, height: 1024 },
  ]) {
    test(`small screens: at ${size.width}×${size.height} the stage comes first and fills the width; controls in a drawer`, async () => {
      const small = await openApp(`${server.url}#live`, { viewport: size });
      try {
        await waitForApp(small.page);
        const box = (await small.page.locator('#page-live .viewport').boundingBox())!;
        assert.ok(box.width >= 0.8 * size.width, `the stage is ${box.width} of ${size.width} px wide`);
        assert.ok(box.y < 0.3 * size.height, `the stage starts at ${box.y} px`);
        assert.ok(!(await small.page.locator('#gallery').isVisible()), 'the controls wait in the drawer');
        await small.page.click('#drawer-button');
        await small.page.click('[data-example="smile-turn.webm"]');
        // The drawer closes, so the result is seen at once.
        await small.page.waitForFunction(() => !document.body.classList.contains('drawer-open'));
        await small.page.waitForFunction(
          () => (window as unknown as { vivify: Vivify }).vivify.live().frames >= 5,
          undefined,
          { timeout: 60_000 },
        );
        assert.deepEqual(small.errors, []);
      } finally {
        await small.close();
      }
    });
  }

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
    // Also where the eye is: a toast by the stage (the portrait panel may be scrolled away or in the drawer).
    assert.equal(
      await page.locator('#toasts .toast.error').textContent(),
      'No face found in wall.png. Choose a picture where a face is clearly visible. Still using astronaut.png.×',
    );
    assert.deepEqual(session.errors, []);
  });
});
