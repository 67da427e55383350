import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { evaluateFiles } from '../../src/eval/reenact-run.js';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, ffmpeg, makeMovingFaceVideo, runCli, tempDir } from '../helpers.js';

function oneLineError(r: { code: number; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('animate'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, re);
}

test('vivify animate writes a video at the source size and the driver’s frame rate, and a debug grid', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'drive.mp4');
  makeMovingFaceVideo(driving, { frames: 10, fps: 10, size: 192 });
  const out = path.join(dir, 'out.mp4');
  const grid = path.join(dir, 'grid.mp4');
  const r = runCli(['animate', '--source', ASTRONAUT, '--driving', driving, '-o', out, '--debug-grid', grid]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /512x512, 10 frames at 10\.00 fps/);
  const info = await probeVideo(out);
  assert.deepEqual([info.width, info.height, info.frameCount, info.fps], [512, 512, 10, 10]);
  const g = await probeVideo(grid);
  assert.equal(g.frameCount, 10);
  assert.ok(g.width > 3 * g.height, 'four panels side by side');
  assert.deepEqual(readdirSync(dir).sort(), ['drive.mp4', 'grid.mp4', 'out.mp4']);
});

test('vivify animate: GIF and PNG-frame outputs, audio kept, a 1-frame driver, a wide driver', async (t) => {
  const dir = tempDir(t);
  const talk = path.join(dir, 'talk.mp4');
  makeMovingFaceVideo(path.join(dir, 'v.mp4'), { frames: 12, fps: 12, size: 160 });
  ffmpeg(
    '-i',
    path.join(dir, 'v.mp4'),
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=300:duration=1',
    '-c:v',
    'copy',
    '-c:a',
    'aac',
    '-shortest',
    talk,
  );
  const small = path.join(dir, 'small.png');
  await sharp(ASTRONAUT).resize(160, 160).png().toFile(small);

  assert.equal(runCli(['animate', '--source', small, '--driving', talk, '-o', path.join(dir, 'a.gif')]).code, 0);
  assert.equal((await probeVideo(path.join(dir, 'a.gif'))).frameCount, 12);
  assert.equal(runCli(['animate', '--source', small, '--driving', talk, '-o', path.join(dir, 'frames')]).code, 0);
  const written = readdirSync(path.join(dir, 'frames'));
  assert.equal(written.filter((f) => /^frame_\d{6}\.png$/.test(f)).length, 12);
  assert.deepEqual(
    written.filter((f) => !f.startsWith('frame_')),
    ['.vivify-frames'],
    'the marker that lets a later run replace the folder',
  );
  assert.equal(
    runCli(['animate', '--source', small, '--driving', talk, '-o', path.join(dir, 'au.mp4'), '--keep-audio']).code,
    0,
  );
  assert.equal((await probeVideo(path.join(dir, 'au.mp4'))).hasAudio, true);

  const one = path.join(dir, 'one.mp4');
  ffmpeg('-i', path.join(dir, 'v.mp4'), '-frames:v', '1', one);
  assert.equal(runCli(['animate', '--source', small, '--driving', one, '-o', path.join(dir, 'one-out.mp4')]).code, 0);
  assert.equal((await probeVideo(path.join(dir, 'one-out.mp4'))).frameCount, 1);

  const wide = path.join(dir, 'wide.mp4');
  ffmpeg('-i', path.join(dir, 'v.mp4'), '-vf', 'pad=400:160:120:0', '-c:v', 'libx264', wide);
  const r = runCli([
    'animate',
    '--source',
    small,
    '--driving',
    wide,
    '-o',
    path.join(dir, 'wide-out.mp4'),
    '--reference',
    'best',
    '--regions',
    'pose,lips',
    '--weights',
    'lips=0.5',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const info = await probeVideo(path.join(dir, 'wide-out.mp4'));
  assert.deepEqual([info.width, info.height], [160, 160]);
});

test('vivify animate on a 4K source keeps the full resolution', async (t) => {
  const dir = tempDir(t);
  const big = path.join(dir, 'big.png');
  await sharp(ASTRONAUT).resize(2160, 2160).extend({ left: 840, right: 840, background: '#808080' }).png().toFile(big);
  const driving = path.join(dir, 'd.mp4');
  makeMovingFaceVideo(driving, { frames: 3, fps: 10, size: 128 });
  const out = path.join(dir, 'o.mp4');
  const r = runCli(['animate', '--source', big, '--driving', driving, '-o', out], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  const info = await probeVideo(out);
  assert.deepEqual([info.width, info.height, info.frameCount], [3840, 2160, 3]);
});

test('vivify animate: bad input gives one line and a non-zero exit, and no output file', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'd.mp4');
  makeMovingFaceVideo(driving, { frames: 4, fps: 10, size: 128 });
  const noFaceVideo = path.join(dir, 'pattern.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=128x128:r=10:d=1', '-c:v', 'libx264', noFaceVideo);
  const wall = path.join(dir, 'wall.png');
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#9a8a7a' } })
    .png()
    .toFile(wall);
  const out = path.join(dir, 'out.mp4');

  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', noFaceVideo, '-o', out]),
    1,
    /no face found in any frame of the driving video/,
  );
  assert.ok(!existsSync(out));
  oneLineError(
    runCli(['animate', '--source', wall, '--driving', driving, '-o', out]),
    1,
    /no face found in .*wall\.png/,
  );
  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', driving, '-o', out, '--face', '2']),
    1,
    /has 1 face; --face 2 does not exist/,
  );
  oneLineError(runCli(['animate', '--source', ASTRONAUT, '--driving', driving]), 2, /needs --output/);
  oneLineError(
    runCli(['animate', '--source', driving, '--driving', driving, '-o', out]),
    2,
    /--source must be an image/,
  );
  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', ASTRONAUT, '-o', out]),
    2,
    /--driving must be a video/,
  );
  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', driving, '-o', out, '--weights', 'nose=2']),
    2,
    /Expected part=weight pairs/,
  );
  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', driving, '-o', out, '--regions', 'ears']),
    2,
    /comma-separated list/,
  );
  oneLineError(
    runCli(['animate', '--source', ASTRONAUT, '--driving', driving, '-o', driving]),
    2,
    /refusing to overwrite the input/,
  );
  writeFileSync(out, 'keep me');
  oneLineError(runCli(['animate', '--source', ASTRONAUT, '--driving', noFaceVideo, '-o', out]), 1, /no face found/);
  assert.equal(readFileSync(out, 'utf8'), 'keep me', 'a failed run leaves an existing output alone');
});

test('vivify eval reenact measures a self-reenactment against its ground truth and the static baseline', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'd.mp4');
  makeMovingFaceVideo(driving, { frames: 12, fps: 12, size: 256 });
  const first = path.join(dir, 'first.png');
  ffmpeg('-i', driving, '-frames:v', '1', first);
  const out = path.join(dir, 'out.mp4');
  assert.equal(runCli(['animate', '--source', first, '--driving', driving, '-o', out]).code, 0);
  const json = path.join(dir, 'm.json');
  const r = runCli([
    'eval',
    'reenact',
    '--source',
    first,
    '--driving',
    driving,
    '--result',
    out,
    '--self',
    '--json',
    json,
    '--identity-every',
    '6',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /L1 0\.\d{4}/);
  const m = JSON.parse(readFileSync(json, 'utf8')) as {
    result: { l1: number; akd: number };
    baseline: { l1: number; akd: number };
  };
  assert.ok(m.result.l1 < m.baseline.l1, `result L1 ${m.result.l1} vs static ${m.baseline.l1}`);
  assert.ok(m.result.akd < m.baseline.akd, `result AKD ${m.result.akd} vs static ${m.baseline.akd}`);
  // The library function gives the same figures without a progress callback (it used to count frames only
  // inside the callback's argument, so without one it found "nothing to compare").
  const analyzer = await createFaceAnalyzer();
  try {
    const ev = await evaluateFiles(analyzer, first, driving, out, { mode: 'self', identityEvery: 6 });
    assert.ok(Math.abs(ev.result.l1! - m.result.l1) < 1e-3, `library L1 ${ev.result.l1} vs CLI ${m.result.l1}`);
  } finally {
    analyzer.close();
  }
});
