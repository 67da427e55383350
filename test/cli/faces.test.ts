/** Several faces of one picture edited at once (`--face all`, `--face 0,2`, `--emotion 0:happy,1:surprised`). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readImage, writeImage } from '../../src/media/image-file.js';
import type { RgbaImage } from '../../src/face/image.js';
import { decodeVideo } from '../../src/media/video.js';
import { ASTRONAUT, ffmpeg, makeMovingFaceVideo, runCli, tempDir } from '../helpers.js';

/** The astronaut twice, side by side, the right one at 80% size (so face 0, the largest, is the left one). */
async function twoFaces(dir: string): Promise<string> {
  const a = await readImage(ASTRONAUT);
  const W = 2 * a.width;
  const img: RgbaImage = { width: W, height: a.height, data: new Uint8ClampedArray(W * a.height * 4) };
  for (let y = 0; y < a.height; y++) {
    img.data.set(a.data.subarray(y * a.width * 4, (y + 1) * a.width * 4), y * W * 4);
    for (let x = 0; x < a.width; x++) {
      // Right half: the astronaut scaled to 0.8 about the half's centre, nearest neighbour; grey around.
      const sx = Math.round((x - a.width / 2) / 0.8 + a.width / 2);
      const sy = Math.round((y - a.height / 2) / 0.8 + a.height / 2);
      const q = ((y * W + a.width + x) * 4) as number;
      if (sx >= 0 && sy >= 0 && sx < a.width && sy < a.height)
        img.data.set(a.data.subarray(4 * (sy * a.width + sx), 4 * (sy * a.width + sx) + 4), q);
      else img.data.set([128, 128, 128, 255], q);
    }
  }
  const file = path.join(dir, 'two.png');
  await writeImage(file, img);
  return file;
}

/** Pixels changed by more than 8 levels in the left and right halves. */
async function changedHalves(source: string, out: string): Promise<[number, number]> {
  const a = await readImage(source);
  const b = await readImage(out);
  const n: [number, number] = [0, 0];
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      const p = 4 * (y * a.width + x);
      if (Math.max(...[0, 1, 2].map((c) => Math.abs(a.data[p + c]! - b.data[p + c]!))) > 8)
        n[x < a.width / 2 ? 0 : 1]++;
    }
  return n;
}

/**
 * Per frame of a video, pixels changed from `source` by more than 40 levels (H.264 itself moves a few) in
 * the left and right halves.
 */
async function changedPerFrame(file: string, source: RgbaImage): Promise<[number, number][]> {
  const out: [number, number][] = [];
  for await (const f of decodeVideo(file)) {
    const n: [number, number] = [0, 0];
    for (let p = 0; p < f.data.length; p += 4) {
      const d = Math.max(...[0, 1, 2].map((c) => Math.abs(f.data[p + c]! - source.data[p + c]!)));
      if (d > 40) n[(p / 4) % f.width < f.width / 2 ? 0 : 1]++;
    }
    out.push(n);
  }
  return out;
}

/** The most pixels any frame changed, per half. */
const mostChanged = (frames: [number, number][]): [number, number] => [
  Math.max(...frames.map((h) => h[0])),
  Math.max(...frames.map((h) => h[1])),
];

test('vivify edit --face all edits every face; n: prefixes give each face its own setting', async (t) => {
  const dir = tempDir(t);
  const src = await twoFaces(dir);
  const all = path.join(dir, 'all.png');
  const r = runCli(['edit', '--source', src, '-o', all, '--face', 'all', '--emotion', 'surprised']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /face 0: target: .*AU26/);
  assert.match(r.stdout, /face 1: target: .*AU26/);
  const [left, right] = await changedHalves(src, all);
  assert.ok(left > 300 && right > 200, `changed ${left} px on the left face, ${right} on the right`);

  // Only face 1 (the smaller, right one), named by its prefix alone.
  const one = path.join(dir, 'one.png');
  const r1 = runCli(['edit', '--source', src, '-o', one, '--emotion', '1:surprised']);
  assert.equal(r1.code, 0, r1.stderr);
  const [l1, r1n] = await changedHalves(src, one);
  assert.equal(l1, 0, 'face 0 is left as it is');
  assert.ok(r1n > 200, `changed ${r1n} px on face 1`);
  // Without --face or prefixes: face 0 only, and the command says how many faces there are.
  const def = path.join(dir, 'default.png');
  const r0 = runCli(['edit', '--source', src, '-o', def, '--emotion', 'surprised']);
  assert.equal(r0.code, 0, r0.stderr);
  assert.match(r0.stdout, /has 2 faces; edited face 0 \(--face all edits every one\)/);
  const [l0, rr0] = await changedHalves(src, def);
  assert.ok(l0 > 300 && rr0 === 0, `changed ${l0} px on face 0 and ${rr0} on face 1`);
});

test('vivify edit with faces that do not exist or are not chosen: one-line errors, no output', async (t) => {
  const dir = tempDir(t);
  const src = await twoFaces(dir);
  const out = path.join(dir, 'out.png');
  for (const [args, re] of [
    [['--emotion', '2:happy'], /has 2 faces; face 2 does not exist/],
    [['--face', '0', '--emotion', '1:happy'], /the settings name face 1, which --face 0 does not choose/],
    [['--face', '0,0', '--emotion', 'happy'], /face 0 is named twice/],
    [['--face', 'some', '--emotion', 'happy'], /Expected all, a face number/],
    [['--emotion', '0:hapy'], /Expected name=intensity pairs/],
  ] as const) {
    const r = runCli(['edit', '--source', src, '-o', out, ...args]);
    assert.notEqual(r.code, 0, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
  }
  assert.equal((await import('node:fs')).existsSync(out), false);
});

test('vivify animate --face all moves every face with the driver; --face 1 only that one', async (t) => {
  const dir = tempDir(t);
  const src = await twoFaces(dir);
  const driving = path.join(dir, 'drive.mp4');
  makeMovingFaceVideo(driving, { frames: 16, fps: 8 });
  const source = await readImage(src);
  const halves = (file: string): Promise<[number, number][]> => changedPerFrame(file, source);
  const all = path.join(dir, 'all.mp4');
  const r = runCli(['animate', '--source', src, '--driving', driving, '-o', all, '--face', 'all']);
  assert.equal(r.code, 0, r.stderr);
  const both = await halves(all);
  assert.equal(both.length, 16);
  const [maxLeft, maxRight] = mostChanged(both);
  assert.ok(maxLeft > 500 && maxRight > 300, `most changed: ${maxLeft} px left, ${maxRight} px right`);

  const one = path.join(dir, 'one.mp4');
  const r1 = runCli(['animate', '--source', src, '--driving', driving, '-o', one, '--face', '1']);
  assert.equal(r1.code, 0, r1.stderr);
  const right = await halves(one);
  const leftOnly = Math.max(...right.map((h) => h[0]));
  assert.ok(leftOnly < 0.1 * maxLeft, `face 0 stays: ${leftOnly} px changed on the left`);
  assert.ok(Math.max(...right.map((h) => h[1])) > 300, 'face 1 moves');

  const bad = runCli([
    'animate',
    '--source',
    src,
    '--driving',
    driving,
    '-o',
    path.join(dir, 'x.mp4'),
    '--face',
    '0,5',
  ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr.trim(), /^error: .*has 2 faces; face 5 does not exist/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('vivify animate with two faces in the driver: each portrait face follows its own, by position or --map', async (t) => {
  const dir = tempDir(t);
  const src = await twoFaces(dir);
  // Driver: a moving astronaut on the left, a still one on the right.
  const moving = path.join(dir, 'moving.mp4');
  makeMovingFaceVideo(moving, { frames: 12, fps: 6 });
  const driving = path.join(dir, 'two.mp4');
  ffmpeg(
    '-i',
    moving,
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-filter_complex',
    '[1:v]crop=320:320:60:10,scale=256:256[still];[0:v][still]hstack=inputs=2,format=yuv420p',
    '-frames:v',
    '12',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    driving,
  );
  const source = await readImage(src);
  const motion = async (file: string): Promise<[number, number]> => mostChanged(await changedPerFrame(file, source));
  // By position: the left face (face 0) follows the moving left driver, the right one the still one.
  const byPosition = path.join(dir, 'position.mp4');
  const r = runCli(['animate', '--source', src, '--driving', driving, '-o', byPosition, '--face', 'all']);
  assert.equal(r.code, 0, r.stderr);
  const [l, rr] = await motion(byPosition);
  assert.ok(l > 500 && rr < 0.2 * l, `by position: ${l} px move on the left, ${rr} on the right`);
  // Swapped.
  const swapped = path.join(dir, 'swapped.mp4');
  const r2 = runCli([
    'animate',
    '--source',
    src,
    '--driving',
    driving,
    '-o',
    swapped,
    '--face',
    'all',
    '--map',
    '0:1,1:0',
  ]);
  assert.equal(r2.code, 0, r2.stderr);
  const [l2, rr2] = await motion(swapped);
  assert.ok(rr2 > 300 && l2 < 0.2 * rr2, `swapped: ${l2} px move on the left, ${rr2} on the right`);
  // A mapped face the selection does not hold.
  const bad = runCli([
    'animate',
    '--source',
    src,
    '--driving',
    driving,
    '-o',
    path.join(dir, 'x.mp4'),
    '--face',
    '0',
    '--map',
    '1:0',
  ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr.trim(), /^error: --map names face 1, which --face 0 does not choose$/);
});
