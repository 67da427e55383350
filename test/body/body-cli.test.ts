/**
 * `vivify body` and `vivify analyze --body` end to end: real clips from ../shared/data (skipped when it is
 * absent), bad input refused in one line, and self-reenactment that beats the static baseline.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { selfReenactBody } from '../../src/body/node/evaluate.js';
import { createBodyDetector } from '../../src/body/node/load-models.js';
import { parseSkeletonJson } from '../../src/body/skeleton-file.js';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, DATA, HAVE_DATA, ffmpeg, runCli, tempDir } from '../helpers.js';

const TED = path.join(DATA, 'videos', 'lia_ted_driving1.mp4');
const TED_PHOTO = path.join(DATA, 'images', 'lia_ted_subject1.png');
const needsData = { skip: !HAVE_DATA && 'needs ../shared/data' };

function oneLineError(r: { code: number; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, re);
}

test(
  'analyze --body writes a skeleton file that drives vivify body; a video drives it too, with a debug grid',
  needsData,
  async (t) => {
    const dir = tempDir(t);
    const clip = path.join(dir, 'ted12.mp4');
    ffmpeg('-i', TED, '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip);
    const skel = path.join(dir, 'ted12.json');
    const a = runCli(['analyze', clip, '--body', '--json', skel, '--overlay', path.join(dir, 'skel.mp4')]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /12 frame\(s\), a person in 12/);
    const seq = parseSkeletonJson(readFileSync(skel, 'utf8'), skel);
    assert.equal(seq.frames.length, 12);
    assert.ok(
      seq.frames.every((p) => p.score.filter((s) => s >= 0.3).length >= 9),
      'most joints seen in every frame',
    );

    const out = path.join(dir, 'from-json.mp4');
    const b = runCli(['body', '--source', TED_PHOTO, '--driving', skel, '-o', out]);
    assert.equal(b.code, 0, b.stderr);
    const info = await probeVideo(out);
    assert.deepEqual([info.width, info.height, info.frameCount], [384, 384, 12]);

    const out2 = path.join(dir, 'from-video.mp4');
    const grid = path.join(dir, 'grid.mp4');
    const c = runCli(['body', '--source', TED_PHOTO, '--driving', clip, '-o', out2, '--debug-grid', grid]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await probeVideo(out2)).frameCount, 12);
    const g = await probeVideo(grid);
    assert.ok(g.width > 3 * g.height, 'four panels side by side');
    assert.deepEqual(readdirSync(dir).sort(), [
      'from-json.mp4',
      'from-video.mp4',
      'grid.mp4',
      'skel.mp4',
      'ted12.json',
      'ted12.mp4',
    ]);
  },
);

test('a skeleton file with NaNs or the wrong joint count is refused in one line, and nothing is written', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'out.mp4');
  const joints = Array.from({ length: 17 }, (_, j) => [10 * j, 5 * j, 0.9]);
  const nan = path.join(dir, 'nan.json');
  writeFileSync(nan, `{"fps": 10, "width": 200, "height": 200, "frames": [{"keypoints": [[NaN, 1, 1]]}]}`);
  oneLineError(
    runCli(['body', '--source', ASTRONAUT, '--driving', nan, '-o', out]),
    1,
    /^error: .*nan\.json: not valid JSON.*NaN/,
  );
  const short = path.join(dir, 'short.json');
  writeFileSync(short, JSON.stringify({ fps: 10, width: 200, height: 200, frames: [{ keypoints: joints.slice(1) }] }));
  oneLineError(
    runCli(['body', '--source', ASTRONAUT, '--driving', short, '-o', out]),
    1,
    /short\.json: frame 0 has 16 joints where coco17 has 17/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['nan.json', 'short.json']);
});

test('no person in the source is one line; an output onto the source is refused', async (t) => {
  const dir = tempDir(t);
  const empty = path.join(dir, 'wall.png');
  await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 120, g: 140, b: 160 } } })
    .png()
    .toFile(empty);
  const skel = path.join(dir, 'one.json');
  const joints = Array.from({ length: 17 }, (_, j) => [10 + j, 20 + j, 0.9]);
  writeFileSync(skel, JSON.stringify({ fps: 10, width: 200, height: 200, frames: [{ keypoints: joints }] }));
  oneLineError(
    runCli(['body', '--source', empty, '--driving', skel, '-o', path.join(dir, 'o.mp4')]),
    1,
    /^error: no person to animate in .*wall\.png: .*a body seen at least from the head to the waist is needed/,
  );
  const clip = path.join(dir, 'wall.mp4');
  ffmpeg('-loop', '1', '-i', empty, '-frames:v', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip);
  oneLineError(
    runCli(['body', '--source', empty, '--driving', clip, '-o', clip]),
    2,
    /^error: refusing to overwrite the input: --output .*wall\.mp4 \(it is --driving/,
  );
});

test('self-reenactment of a real body clip beats the static baseline (L1 and AKD)', needsData, async () => {
  const detector = await createBodyDetector();
  try {
    const r = await selfReenactBody(TED, detector, { maxFrames: 60 });
    assert.equal(r.frames, 60);
    assert.ok(r.result.l1 < r.static.l1, `L1 ${r.result.l1.toFixed(4)} vs static ${r.static.l1.toFixed(4)}`);
    assert.ok(r.result.akd < r.static.akd, `AKD ${r.result.akd.toFixed(2)} vs static ${r.static.akd.toFixed(2)}`);
    assert.ok(r.result.mkr < 0.05, `MKR ${r.result.mkr}`);
  } finally {
    detector.close();
  }
});

test('a background plate that is not the photo’s shape is refused in one line, and nothing is written', async (t) => {
  const dir = tempDir(t);
  const tall = path.join(dir, 'tall.png');
  await sharp({ create: { width: 100, height: 300, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .png()
    .toFile(tall);
  const skel = path.join(dir, 'one.json');
  const joints = Array.from({ length: 17 }, (_, j) => [10 + j, 20 + j, 0.9]);
  writeFileSync(skel, JSON.stringify({ fps: 10, width: 200, height: 200, frames: [{ keypoints: joints }] }));
  const out = path.join(dir, 'o.mp4');
  oneLineError(
    runCli(['body', '--source', ASTRONAUT, '--driving', skel, '-o', out, '--background', tall]),
    2,
    /^error: --background .*tall\.png is 100x300, not the photo's shape/,
  );
  oneLineError(
    runCli(['body', '--source', ASTRONAUT, '--driving', skel, '-o', out, '--background', skel]),
    1,
    /^error: .*one\.json: not a JPEG, PNG or WebP image/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['one.json', 'tall.png']);
});

test(
  'several people: the largest is animated and the CLI says so; --person past the faces found and a face-only portrait are one line each',
  needsData,
  (t) => {
    const dir = tempDir(t);
    const skel = path.join(dir, 'one.json');
    const joints = Array.from({ length: 17 }, (_, j) => [100 + j, 50 + 8 * j, 0.9]);
    writeFileSync(skel, JSON.stringify({ fps: 10, width: 256, height: 256, frames: [{ keypoints: joints }] }));
    const group = path.join(DATA, 'images', 'facerec_two_people.jpg');
    const out = path.join(dir, 'o.mp4');
    const a = runCli(['body', '--source', group, '--driving', skel, '-o', out]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /facerec_two_people\.jpg shows 2 people: animating the largest \(--person N picks another/);
    const b = runCli(['body', '--source', group, '--driving', skel, '-o', path.join(dir, 'p2.mp4'), '--person', '2']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /animating person 2 by face size/);
    oneLineError(
      runCli(['body', '--source', group, '--driving', skel, '-o', path.join(dir, 'p3.mp4'), '--person', '3']),
      2,
      /^error: --person 3: .*shows 2 faces/,
    );
    oneLineError(
      runCli([
        'body',
        '--source',
        path.join(DATA, 'images', 'dlib_Tom_Cruise_avp_2014_4.jpg'),
        '--driving',
        skel,
        '-o',
        path.join(dir, 'face.mp4'),
      ]),
      1,
      /^error: no person to animate in .*Tom_Cruise.*: its shoulders are not both seen/,
    );
    assert.deepEqual(readdirSync(dir).sort(), ['o.mp4', 'one.json', 'p2.mp4']);
  },
);

test(
  'vivify eval body: self-reenactment of a clip beside the static baseline, cross-identity per joint group, JSON',
  needsData,
  (t) => {
    const dir = tempDir(t);
    const clip = path.join(dir, 'ted30.mp4');
    ffmpeg('-i', TED, '-frames:v', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip);
    const json = path.join(dir, 'self.json');
    const a = runCli(['eval', 'body', '--driving', clip, '--json', json]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(
      a.stdout,
      /self-reenactment over 30 frames: L1 0\.\d+ \(static 0\.\d+\), AKD [\d.]+ px \(static [\d.]+\)/,
    );
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      kind: string;
      result: { l1: number };
      static: { l1: number };
    };
    assert.equal(doc.kind, 'self');
    assert.ok(doc.result.l1 < doc.static.l1, `L1 ${doc.result.l1} vs static ${doc.static.l1}`);
    const b = runCli(['eval', 'body', '--source', TED_PHOTO, '--driving', clip, '--max-frames', '20']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(
      b.stdout,
      /20 frames: joint-motion correlation per group: arms -?[\d.]+, legs .*, torso -?[\d.]+, head -?[\d.]+/,
    );
    oneLineError(runCli(['eval', 'body']), 2, /^error: vivify eval body needs --driving/);
  },
);

test(
  '--head expression carries the expression of a driver whose face is large enough; turn re-renders the face',
  needsData,
  (t) => {
    const dir = tempDir(t);
    const clip = path.join(dir, 'talk8.mp4');
    const talk = path.join(DATA, 'videos', 'retalk_face_4.mp4');
    ffmpeg(
      '-i',
      talk,
      '-frames:v',
      '8',
      '-vf',
      'scale=512:512',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      clip,
    );
    const photo = path.join(DATA, 'images', 'human_person-celeste.jpg');
    const a = runCli([
      'body',
      '--source',
      photo,
      '--driving',
      clip,
      '-o',
      path.join(dir, 'e.mp4'),
      '--head',
      'expression',
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(
      a.stdout,
      /face re-rendered by the face engine \(--head expression\), the driver's expression on 8 frame\(s\)/,
    );
    const b = runCli(['body', '--source', photo, '--driving', clip, '-o', path.join(dir, 'o.mp4'), '--head', 'off']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /face moved with the rig \(not re-rendered\)/);
  },
);
