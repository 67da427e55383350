/**
 * Body tracking over video with the model on about half the frames (src/body/track.ts): a scripted
 * detector whose person moves slowly, then jumps, stands in for MoveNet.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbaImage } from '../../src/face/image.js';
import type { BodyDetector } from '../../src/body/movenet.js';
import { JOINT_COUNT, emptyPose, type BodyPose } from '../../src/body/skeleton.js';
import { interpolateIfSmooth, trackBody } from '../../src/body/track.js';

/** A 200-px figure (box side) whose every joint sits at (x0 + 10 j, 20 + 10 j), x0 given per frame. */
function figure(x0: number, score = 0.9): BodyPose {
  const p = emptyPose();
  for (let j = 0; j < JOINT_COUNT; j++) {
    p.x[j] = x0 + 10 * j;
    p.y[j] = 20 + 12 * j;
    p.score[j] = score;
  }
  return p;
}

/** Frames that carry their index in the first byte; the detector reads it back and counts its calls. */
function scripted(xOf: (i: number) => number): { detector: BodyDetector; calls: number[] } {
  const calls: number[] = [];
  const look = (im: RgbaImage): BodyPose => {
    calls.push(im.data[0]!);
    return figure(xOf(im.data[0]!));
  };
  const detector: BodyDetector = {
    detect: look,
    detectStill: look,
    createTracker: () => ({ next: look }),
    close() {},
  };
  return { detector, calls };
}

async function* frames(n: number): AsyncGenerator<RgbaImage> {
  for (let i = 0; i < n; i++) yield { width: 4, height: 4, data: new Uint8ClampedArray(64).fill(i) };
}

test('slow motion: the model sees the key frames only and the frames between are their means', async () => {
  const { detector, calls } = scripted((i) => 100 + i); // 1 px a frame: under 3% of a 192-px box over 2 frames
  const out = [];
  for await (const t of trackBody(frames(9), detector)) out.push(t);
  assert.deepEqual(
    out.map((t) => t.frame.data[0]),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.deepEqual(calls, [0, 2, 4, 6, 8]);
  for (const t of out) {
    assert.equal(t.analysed, t.frame.data[0]! % 2 === 0);
    assert.ok(Math.abs(t.pose.x[3]! - (100 + t.frame.data[0]! + 30)) < 1e-4, `frame ${t.frame.data[0]}`);
  }
});

test('a fast move: the frame between two keys far apart is analysed itself', async () => {
  // Still, then a 60-px jump between frames 4 and 5.
  const { detector, calls } = scripted((i) => (i < 5 ? 100 : 160));
  const out = [];
  for await (const t of trackBody(frames(8), detector)) out.push(t);
  assert.equal(out.length, 8);
  // Keys 0, 2, 4, 6; frame 5 lies between 4 (x 100) and 6 (x 160): analysed; 7, the last, has no key after it.
  assert.deepEqual(calls, [0, 2, 4, 6, 5, 7]);
  assert.equal(out[5]!.analysed, true);
  assert.equal(out[5]!.pose.x[0], 160);
  assert.equal(out[3]!.analysed, false);
  assert.equal(out[3]!.pose.x[0], 100);
});

test('skipTolerance 0 analyses every frame', async () => {
  const { detector, calls } = scripted((i) => 100 + i);
  let n = 0;
  for await (const t of trackBody(frames(5), detector, { skipTolerance: 0 })) {
    assert.equal(t.analysed, true);
    n++;
  }
  assert.equal(n, 5);
  assert.deepEqual(calls, [0, 1, 2, 3, 4]);
});

test('interpolation refuses a surely seen joint that vanishes, and lets an unsure one flicker', () => {
  const a = figure(100);
  const b = figure(101);
  b.score[9] = 0.1; // a wrist seen surely (0.9) in a, gone in b
  assert.equal(interpolateIfSmooth(a, b, 5), undefined);
  const c = figure(100);
  c.score[9] = 0.35; // seen, unsure
  const d = figure(101);
  d.score[9] = 0.2;
  const m = interpolateIfSmooth(c, d, 5)!;
  assert.ok(m, 'interpolated');
  assert.ok(m.score[9]! < 0.3, 'the flickering joint counts as missing');
  assert.equal(m.x[0], 100.5);
  assert.equal(interpolateIfSmooth(figure(100), figure(110), 5), undefined, 'moved 10 px, tolerance 5');
});
