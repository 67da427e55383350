import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readImage } from '../../src/media/image-file.js';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, makeMovingFaceVideo, makeStaticVideo, runCli, tempDir } from '../helpers.js';

/** A known failure: exit code, nothing on stdout that claims success, exactly one line on stderr. */
function assertOneLineError(r: { code: number; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, re);
}

test('vivify analyze <image> prints a summary and writes JSON and an overlay', (t) => {
  const dir = tempDir(t);
  const json = path.join(dir, 'a.json');
  const overlay = path.join(dir, 'a.png');
  const r = runCli(['analyze', ASTRONAUT, '--json', json, '--overlay', overlay]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /512x512, 1 face/);
  assert.match(r.stdout, /yaw -?\d+\.\d° pitch/);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as {
    faces: { landmarks: number[][]; emotion: Record<string, number> }[];
  };
  assert.equal(doc.faces.length, 1);
  assert.equal(doc.faces[0]!.landmarks.length, 478);
  assert.ok(doc.faces[0]!.emotion.happy! > 0.5);
  assert.ok(existsSync(overlay));
  assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'a.png'], 'no temporary files left');
});

test('vivify analyze overlay differs from the input only around the face and its panel', async (t) => {
  const dir = tempDir(t);
  const overlay = path.join(dir, 'o.png');
  assert.equal(runCli(['analyze', ASTRONAUT, '--overlay', overlay, '--no-emotion']).code, 0);
  const a = await readImage(ASTRONAUT);
  const b = await readImage(overlay);
  let changedFar = 0;
  let changedNear = 0;
  for (let y = 0; y < 512; y++) {
    for (let x = 0; x < 512; x++) {
      const p = (y * 512 + x) * 4;
      const changed = Math.abs(a.data[p]! - b.data[p]!) > 3;
      if (!changed) continue;
      if (x > 150 && x < 450 && y > 40 && y < 200) changedNear++;
      else changedFar++;
    }
  }
  assert.ok(changedNear > 2000, `drawn pixels near the face: ${changedNear}`);
  assert.equal(changedFar, 0);
});

test('vivify analyze <video> tracks the face and writes streamed JSON and an MP4 overlay', async (t) => {
  const dir = tempDir(t);
  const video = path.join(dir, 'move.mp4');
  makeMovingFaceVideo(video, { frames: 12, fps: 12, size: 256 });
  const json = path.join(dir, 'v.json');
  const overlay = path.join(dir, 'v.mp4');
  const r = runCli(['analyze', video, '--json', json, '--overlay', overlay]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /12 frames, face in 100\.0%, detector ran on 1 frame/);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { fps: number; frames: { index: number; faces: unknown[] }[] };
  assert.equal(doc.fps, 12);
  assert.deepEqual(
    doc.frames.map((f) => f.index),
    Array.from({ length: 12 }, (_, i) => i),
  );
  const info = await probeVideo(overlay);
  assert.deepEqual([info.width, info.height, info.frameCount, info.fps], [256, 256, 12, 12]);
});

test('vivify analyze: bad input gives one line and a non-zero exit, outputs untouched', (t) => {
  const dir = tempDir(t);
  const text = path.join(dir, 'notes.jpg');
  writeFileSync(text, 'just some text');
  assertOneLineError(runCli(['analyze', text]), 1, /not a readable image/);
  const empty = path.join(dir, 'empty.png');
  writeFileSync(empty, '');
  assertOneLineError(runCli(['analyze', empty]), 1, /empty \(0 bytes\)/);
  assertOneLineError(runCli(['analyze', path.join(dir, 'missing.png')]), 1, /cannot be read|cannot read/);
  assertOneLineError(runCli(['analyze', ASTRONAUT, '--overlay', path.join(dir, 'x.bmp')]), 1, /use a \.png/);
  assertOneLineError(runCli(['analyze', ASTRONAUT, '--max-faces', 'lots']), 2, /Expected an integer for --max-faces/);
  assertOneLineError(runCli(['analyze', ASTRONAUT, '--overlay', ASTRONAUT]), 2, /refusing to overwrite the input/);
  assertOneLineError(runCli(['analyze']), 2, /needs <image\|video>/);
  assertOneLineError(runCli(['dance']), 2, /unknown command "dance"/);
  const json = path.join(dir, 'notes.json');
  const r = runCli(['analyze', text, '--json', json]);
  assert.equal(r.code, 1);
  assert.ok(!existsSync(json), 'no JSON written for an unreadable input');
});

test('vivify analyze on a picture with no face: a complete empty result and a one-line error', async (t) => {
  const dir = tempDir(t);
  const sharp = (await import('sharp')).default;
  const blank = path.join(dir, 'wall.png');
  await sharp({ create: { width: 200, height: 150, channels: 3, background: '#8a7f70' } })
    .png()
    .toFile(blank);
  const json = path.join(dir, 'wall.json');
  const r = runCli(['analyze', blank, '--json', json]);
  assertOneLineError(r, 1, /no face found in/);
  assert.deepEqual((JSON.parse(readFileSync(json, 'utf8')) as { faces: unknown[] }).faces, []);
});

test('vivify --help and <command> --help describe every option', () => {
  const main = runCli(['--help']);
  assert.equal(main.code, 0);
  assert.match(main.stdout, /analyze/);
  assert.match(main.stdout, /scan/);
  const help = runCli(['analyze', '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--json', '--overlay', '--identity', '--no-emotion', '--max-faces'])
    assert.ok(help.stdout.includes(flag), flag);
});

test('vivify scan flags corrupt and static clips and passes a good one', (t) => {
  const dir = tempDir(t);
  makeMovingFaceVideo(path.join(dir, 'good.mp4'), { frames: 24, fps: 12, size: 256 });
  makeStaticVideo(path.join(dir, 'still.mp4'));
  const good = readFileSync(path.join(dir, 'good.mp4'));
  writeFileSync(path.join(dir, 'cut.mp4'), good.subarray(0, Math.floor(good.length * 0.5)));
  writeFileSync(path.join(dir, 'zero.mp4'), '');
  writeFileSync(path.join(dir, 'readme.txt'), 'not a video: ignored inside a folder');
  const report = path.join(dir, 'report.tsv');
  const r = runCli(['scan', dir, '--report', report]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 videos: 1 good, 2 corrupt, 1 static, 0 faceless/);
  const rows = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const status = Object.fromEntries(rows.slice(1).map((c) => [path.basename(c[0]!), c[1]]));
  assert.deepEqual(status, { 'cut.mp4': 'corrupt', 'good.mp4': 'good', 'still.mp4': 'static', 'zero.mp4': 'corrupt' });
  const json = path.join(dir, 'report.json');
  assert.equal(runCli(['scan', path.join(dir, 'good.mp4'), '--report', json]).code, 0);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { videos: { faceFraction: number; fps: number }[] };
  assert.equal(doc.videos[0]!.faceFraction, 1);
  assert.equal(doc.videos[0]!.fps, 12);
  assertOneLineError(runCli(['scan', path.join(dir, 'nothing-here')]), 1, /no such file or folder/);
});
