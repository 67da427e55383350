/**
 * Several faces at once in the browser app (issue 19): a group photo of two real portraits side by side, made at
 * test time from ../shared/data, with **All faces** chosen; Chromium's fake camera plays two real speakers side
 * by side. Each portrait face must follow the camera face mapped to it (by position, left to right): the
 * correlation over time between the camera face's mouth opening and the re-analysed output face's ≥ 0.8. The
 * Video file mode animates both faces from a two-speaker video. Needs Chromium and ../shared/data.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { pearson } from '../../src/face/stats.js';
import { HAVE_DATA } from '../helpers.js';
import {
  buildWeb,
  inApp,
  makeGroupPhoto,
  makeSpeakersClip,
  openApp,
  serveStatic,
  waitForApp,
  type BrowserSession,
} from './harness.js';

interface Probe {
  seq: number;
  drivers?: number[];
  outputs?: number[] | null;
}
interface Vivify {
  live(): { fps: number; frames: number; framesWithFace: number; state: string };
  probe(): Probe[];
  portrait(): { name: string; faces: number } | undefined;
  video(): { frames: number; found: number } | undefined;
}

let dir: string;
let server: { url: string; close: () => Promise<void> };
let session: BrowserSession;
let page: Page;

const vivify = <T>(fn: (v: Vivify) => T): Promise<T> => inApp(page, fn);

/** The camera face that drives portrait face `rank` of `count` among `found`, by position (group-reenactor.ts). */
const driverOf = (rank: number, count: number, found: number): number =>
  count <= 1 ? 0 : Math.round((rank * (found - 1)) / (count - 1));

describe('browser app: all faces at once', { timeout: 400_000, skip: !HAVE_DATA && 'no ../shared/data' }, () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vivify-web-group-'));
    await buildWeb(path.join(dir, 'dist'));
    server = await serveStatic(path.join(dir, 'dist'));
    const camera = path.join(dir, 'two-speakers.y4m');
    makeSpeakersClip(camera);
    await makeGroupPhoto(path.join(dir, 'group.png'));
    session = await openApp(`${server.url}?probe=1#live`, { camera });
    page = session.page;
    await waitForApp(page);
    await page.setInputFiles('#portrait-file', path.join(dir, 'group.png'));
    await page.waitForFunction(
      () => (window as unknown as { vivify: Vivify }).vivify.portrait()?.name === 'group.png',
      undefined,
      { timeout: 60_000 },
    );
  });

  after(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the face menu offers All faces; choosing it says what it does', async () => {
    assert.equal((await vivify((v) => v.portrait()))?.faces, 2);
    assert.ok(await page.locator('#face-row').isVisible());
    const options = await page.$$eval('#face-select option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    assert.deepEqual(options, ['0', '1', 'all']);
    await page.selectOption('#face-select', 'all');
    assert.match((await page.locator('#portrait-status').textContent())!, /2 faces, all 2 at once/);
  });

  /**
   * Probes until `count` more output frames have both faces measured; per portrait face (left to right), the
   * correlation of its mouth opening with its camera face's and with the other camera face's.
   */
  async function follow(label: string, count: number): Promise<{ own: number; other: number }[]> {
    const before = (await vivify((v) => v.probe())).length;
    await page.waitForFunction(
      ({ from, n }) =>
        (window as unknown as { vivify: Vivify }).vivify
          .probe()
          .slice(from)
          .filter((p) => p.outputs && p.drivers?.length === 2).length >= n,
      { from: before, n: count },
      { timeout: 240_000, polling: 500 },
    );
    const probes = (await vivify((v) => v.probe())).slice(before);
    const pairs = probes.filter((p) => p.outputs && p.drivers?.length === 2);
    const live = await vivify((v) => v.live());
    const faces = [0, 1].map((rank) => {
      const mine = driverOf(rank, 2, 2);
      const output = pairs.map((p) => p.outputs![rank]!);
      const driver = pairs.map((p) => p.drivers![mine]!);
      return {
        own: pearson(driver, output),
        other: pearson(
          pairs.map((p) => p.drivers![1 - mine]!),
          output,
        ),
        range: `${Math.min(...driver).toFixed(2)}–${Math.max(...driver).toFixed(2)}`,
      };
    });
    console.log(
      `  all faces, live, ${label}: ${pairs.length} probed frames of ${probes.length}; ${live.fps.toFixed(1)} frames/s with the probe on\n${faces
        .map(
          (f, rank) =>
            `    face ${rank} from the left: r = ${f.own.toFixed(3)} with its camera face (mouth ${f.range}), ${f.other.toFixed(3)} with the other`,
        )
        .join('\n')}`,
    );
    assert.equal(live.state, 'running');
    assert.ok(
      live.framesWithFace > 0.9 * live.frames,
      `faces found in ${live.framesWithFace} of ${live.frames} frames`,
    );
    return faces;
  }

  test('live: each portrait face follows its camera face (mouth opening, r ≥ 0.8 per face with Smooth 0)', async () => {
    await page.click('#camera-button');
    // The default smoothing looks ahead two output frames: at the few frames/s of a loaded 2-core machine that is
    // ±0.4 s of a fast talker's mouth, so its face follows it only loosely; but each face follows its own speaker.
    for (const [rank, f] of (await follow('Smooth 0.5 (default)', 60)).entries()) {
      assert.ok(f.own > f.other, `face ${rank} follows the other camera face more than its own`);
      assert.ok(f.own >= 0.3, `face ${rank}: mouth-opening correlation ${f.own.toFixed(3)} < 0.3`);
    }
    // Smooth 0 (the lowest latency; the calibration is kept): each face follows its camera face's mouth closely.
    await page.fill('#live-smooth', '0');
    await page.dispatchEvent('#live-smooth', 'change');
    await page.waitForTimeout(1000);
    for (const [rank, f] of (await follow('Smooth 0', 60)).entries()) {
      assert.ok(f.own >= 0.8, `face ${rank}: mouth-opening correlation ${f.own.toFixed(3)} < 0.8`);
    }
    await page.click('#camera-button'); // stop
  });

  test('video file: All faces animates both faces, one frame per driving frame', async () => {
    const clip = path.join(dir, 'two-speakers.mp4');
    makeSpeakersClip(clip, { side: 256, seconds: 2, fps: 12 });
    // The suite's group photo, All faces chosen (again: this test may run alone), in the studio.
    await page.evaluate(() => (location.hash = '#studio'));
    await page.selectOption('#face-select', 'all');
    await page.click('[data-mode-tab=video]');
    await page.setInputFiles('#video-file', clip);
    await page.fill('#video-fps', '12');
    await page.dispatchEvent('#video-fps', 'change');
    await page.waitForFunction(() => !(document.querySelector('#video-animate') as HTMLButtonElement).disabled);
    await page.click('#video-animate');
    await page.waitForFunction(() => !(document.querySelector('#video-stage') as HTMLElement).hidden, undefined, {
      timeout: 180_000,
    });
    const status = (await page.locator('#video-status').textContent())!;
    console.log(`  all faces, video file: ${status}`);
    assert.match(status, /^Done: 24 frames.*; 0 without a face/);
    // Both faces move: in each half of the result (one face each), many pixels change from frame to frame.
    const download = page.waitForEvent('download');
    await page.click('#video-download');
    const file = path.join(dir, 'all-faces.webm');
    await (await download).saveAs(file);
    const r = spawnSync(findFfmpeg().ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
      maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 0, r.stderr?.toString());
    const [w, h] = [512, 256];
    const frames = r.stdout.length / (w * h);
    assert.equal(frames, 24);
    /** Per half, per frame: the share of its pixels more than 12 levels from the previous frame's. */
    const shares = [0, 1].map((half) =>
      Array.from({ length: frames - 1 }, (_, k) => {
        let n = 0;
        for (let y = 0; y < h; y++)
          for (let x = half * 256; x < (half + 1) * 256; x++) {
            const i = y * w + x;
            if (Math.abs(r.stdout[(k + 1) * w * h + i]! - r.stdout[k * w * h + i]!) > 12) n++;
          }
        return n / (256 * h);
      }),
    );
    const halves = shares.map((s) => s.filter((x) => x > 0.002).length);
    console.log(
      `  all faces, video file: frames whose left / right half changed (> 0.2% of its pixels): ${halves.join(' / ')} of 23; median share ${shares.map((s) => (100 * s.sort((a, b) => a - b)[11]!).toFixed(2)).join('% / ')}%`,
    );
    for (const [half, moved] of halves.entries())
      assert.ok(moved >= 12, `half ${half} changed in ${moved} of 23 frames`);
  });
});
