/**
 * Whole bodies in the browser (the studio's Video file mode) in real Chromium: a full-length photo from
 * ../shared/data driven by a Tai Chi clip cut at test time renders as `vivify body` would — one output frame
 * per driving frame, the picture changing, and the result's arms (found by MoveNet in Node on the WebM's
 * frames) moving with the driver's. Also: Auto leaves a waist-up portrait to the face engine, a face with no
 * body is refused in one line, and a photo of two people takes the larger and says so. Needs Chromium and the
 * data folder (skipped without it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { animateBody } from '../../src/body/node/animate.js';
import { groupCorrelations } from '../../src/body/pose-metrics.js';
import { createBodyDetector } from '../../src/body/node/load-models.js';
import type { BodyPose } from '../../src/body/skeleton.js';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { decodeVideo } from '../../src/media/video.js';
import { DATA, HAVE_DATA, ffmpeg } from '../helpers.js';
import { buildWeb, openApp, serveStatic, waitForApp, type BrowserSession } from './harness.js';

const PHOTO = path.join(DATA, 'images', 'human_person-celeste.jpg');
const TAICHI = path.join(DATA, 'videos', 'lia_taichi_driving1.mp4');
/** The clip's liveliest arms (MoveNet's wrists over 3-s windows): 40–43 s, 30 frames at its 10 frames/s. */
const CLIP = { start: 40, seconds: 3, fps: 10 };

let dir: string;
let server: { url: string; close: () => Promise<void> };
let session: BrowserSession;
let page: Page;

/** The video file's frames as RGBA images (ffmpeg), with its size. */
function frames(file: string): { width: number; height: number; data: Uint8ClampedArray }[] {
  const { ffprobe, ffmpeg: bin } = findFfmpeg();
  const p = spawnSync(ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  const [width, height] = p.stdout.trim().split(',').map(Number) as [number, number];
  const r = spawnSync(bin, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    maxBuffer: 1 << 29,
  });
  assert.equal(r.status, 0, r.stderr?.toString());
  const size = width * height * 4;
  const out = [];
  for (let at = 0; at + size <= r.stdout.length; at += size)
    out.push({ width, height, data: new Uint8ClampedArray(r.stdout.subarray(at, at + size)) });
  return out;
}

/** Fraction of pixels whose colour differs by more than 12 levels in some channel. */
function changed(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if ([0, 1, 2].some((k) => Math.abs(a[i + k]! - b[i + k]!) > 12)) n++;
  return n / (a.length / 4);
}

async function usePortrait(file: string): Promise<void> {
  const name = path.basename(file);
  await page.setInputFiles('#portrait-file', file);
  await page.waitForFunction(
    (n) =>
      (window as unknown as { vivify: { portrait(): { name: string } | undefined } }).vivify.portrait()?.name === n,
    name,
    { timeout: 30_000 },
  );
}

/** The Animate menu's line about the portrait, once it has looked for a body. */
async function subjectNote(): Promise<string> {
  await page.waitForFunction(
    () => {
      const t = document.querySelector('#video-subject-note')!.textContent!;
      return t !== '' && !t.startsWith('Looking');
    },
    undefined,
    { timeout: 60_000 },
  );
  return (await page.locator('#video-subject-note').textContent())!;
}

describe('browser app: whole bodies in the Video file mode', { skip: !HAVE_DATA, timeout: 400_000 }, () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vivify-web-body-'));
    await buildWeb(path.join(dir, 'dist'));
    server = await serveStatic(path.join(dir, 'dist'));
    session = await openApp(`${server.url}#studio`);
    page = session.page;
    await waitForApp(page);
    await page.click('[data-mode-tab=video]');
    const clip = path.join(dir, 'taichi.mp4');
    ffmpeg('-ss', String(CLIP.start), '-i', TAICHI, '-t', String(CLIP.seconds), '-an', '-pix_fmt', 'yuv420p', clip);
    await page.setInputFiles('#video-file', clip);
    await page.fill('#video-fps', String(CLIP.fps));
    await page.dispatchEvent('#video-fps', 'change');
  });

  after(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Auto leaves a waist-up portrait (the astronaut) to the face engine', async () => {
    assert.match(await subjectNote(), /^A person seen to the waist, not full length: the video moves the face/);
  });

  test('a face without a body: Whole body is refused in one line', async () => {
    const face = path.join(dir, 'face.png');
    await sharp(path.join(DATA, 'images', 'deepface_img1.jpg'))
      .extract({ left: 300, top: 300, width: 800, height: 800 })
      .toFile(face);
    await usePortrait(face);
    await page.selectOption('#video-subject', 'body');
    assert.match(await subjectNote(), /^No body to animate: no person to animate in face\.png: .*head to the waist/);
    await page.waitForFunction(() => !(document.querySelector('#video-animate') as HTMLButtonElement).disabled);
    await page.click('#video-animate');
    await page.waitForFunction(() => /^Could not animate/.test(document.querySelector('#video-status')!.textContent!));
    assert.match(
      (await page.locator('#video-status').textContent())!,
      /^Could not animate: no person to animate in face\.png/,
    );
    await page.selectOption('#video-subject', 'auto');
  });

  test('a photo of two people: the larger is animated, and the page says so', async () => {
    const two = path.join(dir, 'two.jpg');
    const left = await sharp(PHOTO).resize({ height: 800 }).toBuffer();
    const right = await sharp(path.join(DATA, 'images', 'human_person-linda.jpg'))
      .resize({ height: 640 })
      .toBuffer();
    const lw = (await sharp(left).metadata()).width!;
    const rw = (await sharp(right).metadata()).width!;
    await sharp({ create: { width: lw + rw, height: 800, channels: 3, background: '#ffffff' } })
      .composite([
        { input: left, left: 0, top: 0 },
        { input: right, left: lw, top: 160 },
      ])
      .jpeg()
      .toFile(two);
    await usePortrait(two);
    assert.match(await subjectNote(), /two\.jpg shows 2 people: animating the largest/);
    // The Person control (`--person`; with The whole body chosen) takes the other one: the portrait is looked at again.
    await page.selectOption('#video-subject', 'body');
    await page.fill('#body-person', '2');
    await page.dispatchEvent('#body-person', 'change');
    assert.match(await subjectNote(), /two\.jpg shows 2 people: animating person 2 by face size/);
    await page.fill('#body-person', '3');
    await page.dispatchEvent('#body-person', 'change');
    assert.match(
      await subjectNote(),
      /^No body to animate: Person 3: two\.jpg shows 2 faces \(people are counted by their faces\)\.$/,
    );
    await page.fill('#body-person', '1');
    await page.dispatchEvent('#body-person', 'change');
    await page.selectOption('#video-subject', 'auto');
  });

  test('a full-length photo without a face found (the Tai Chi still): accepted for the body, animated', async () => {
    await usePortrait(path.join(DATA, 'images', 'lia_taichi_subject1.png'));
    assert.match(
      (await page.locator('#portrait-status').textContent())!,
      /^lia_taichi_subject1\.png: 256×256, no face found but a whole person: the Studio's Video file mode animates the body/,
    );
    assert.match(
      await subjectNote(),
      /^A full-length person \(\d+ of 17 joints\): the video moves the whole body; no face found/,
    );
    // Live needs a face: its camera stays off.
    assert.ok(await page.locator('#camera-button').isDisabled());
    await page.click('#video-animate');
    await page.waitForFunction(() => !(document.querySelector('#video-stage') as HTMLElement).hidden, undefined, {
      timeout: 300_000,
    });
    assert.match(
      (await page.locator('#video-status').textContent())!,
      /^Done: 30 frames in .*, whole body; 0 without a person; no face found on the person/,
    );
    // The face mode is refused for it, in one line.
    await page.selectOption('#video-subject', 'face');
    await page.click('#video-animate');
    await page.waitForFunction(() => /^Could not animate/.test(document.querySelector('#video-status')!.textContent!));
    assert.equal(
      await page.locator('#video-status').textContent(),
      'Could not animate: the face engine found no face in this portrait: choose Auto or The whole body',
    );
    await page.selectOption('#video-subject', 'auto');
  });

  test('a full-length photo: the whole body moves with the driver, one frame per driving frame', async () => {
    await usePortrait(PHOTO);
    assert.match(await subjectNote(), /^A full-length person \(\d+ of 17 joints\): the video moves the whole body[;.]/);
    await page.click('#video-animate');
    await page.waitForFunction(() => !(document.querySelector('#video-stage') as HTMLElement).hidden, undefined, {
      timeout: 300_000,
    });
    const n = CLIP.seconds * CLIP.fps;
    assert.match(
      (await page.locator('#video-status').textContent())!,
      new RegExp(`^Done: ${n} frames in .*, whole body; 0 without a person(; [^;]*)*\\. It plays on the stage\\.$`),
    );
    const download = page.waitForEvent('download');
    await page.click('#video-download');
    const file = path.join(dir, 'body.webm');
    await (await download).saveAs(file);
    const out = frames(file);
    assert.equal(out.length, n);
    assert.deepEqual([out[0]!.width, out[0]!.height], [476, 512]);
    // The picture changes: the last frame against the first (the reference pose, the photo itself).
    const moved = Math.max(...out.map((f) => changed(out[0]!.data, f.data)));
    assert.ok(moved > 0.02, `at most ${(100 * moved).toFixed(1)}% of the picture changed`);
    // The person moves as the driver does: MoveNet (in Node) on the driver's frames and on the result's.
    const detector = await createBodyDetector();
    try {
      const driver: BodyPose[] = [];
      const clip = path.join(dir, 'taichi.mp4');
      for await (const f of decodeVideo(clip)) driver.push(detector.detectStill(f));
      const result = out.map((f) => detector.detectStill(f));
      assert.equal(driver.length, n);
      const c = groupCorrelations(driver, result);
      assert.ok((c.arms ?? 0) >= 0.6, `arms follow the driver with correlation ${c.arms}`);
      console.log(`# arms ${c.arms?.toFixed(2)}, torso ${c.torso?.toFixed(2)}, head ${c.head?.toFixed(2)}`);
      // The same engine as the command line: `vivify body` on the same photo and clip puts the person's
      // joints where the browser does (MoveNet on both results; the browser decodes and encodes differently).
      const cliOut = path.join(dir, 'cli.mp4');
      const report = await animateBody(PHOTO, clip, cliOut, { detector, renderThread: false });
      assert.deepEqual([report.width, report.height, report.frames], [476, 512, n]);
      const cli = frames(cliOut).map((f) => detector.detectStill(f));
      /** Mean distance of the joints seen in both, px. */
      const apart = (a: BodyPose[], b: BodyPose[]): number => {
        let sum = 0;
        let count = 0;
        a.forEach((p, t) => {
          for (let j = 0; j < 17; j++)
            if (p.score[j]! >= 0.3 && b[t]!.score[j]! >= 0.3) {
              sum += Math.hypot(p.x[j]! - b[t]!.x[j]!, p.y[j]! - b[t]!.y[j]!);
              count++;
            }
        });
        return sum / count;
      };
      const browser = apart(result, cli);
      // Against the person left still (the first frame throughout): how far the command line moved it.
      const still = apart(
        result.map(() => result[0]!),
        cli,
      );
      console.log(
        `# joints: browser vs command line ${browser.toFixed(2)} px; still vs command line ${still.toFixed(2)} px`,
      );
      assert.ok(
        browser < 8 && browser < still / 2,
        `browser ${browser} px from the command line's joints, still ${still}`,
      );
    } finally {
      detector.close();
    }
    assert.deepEqual(session.errors, []);
  });
});
