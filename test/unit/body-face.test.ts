/**
 * The face inside the body (src/body/face.ts): head angles from body keypoints, the target the face engine
 * renders, and the face region rendered and pasted back into the photo.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_YAW_DEG,
  createBodyFaceRenderer,
  createHeadMotion,
  faceRegion,
  faceTarget,
  handOnFace,
  headAngles,
  headTurn,
} from '../../src/body/face.js';
import { poseHasFace, cropBelowFace } from '../../src/body/person.js';
import { J, emptyPose, type BodyPose } from '../../src/body/skeleton.js';
import { rotationToEuler } from '../../src/face/pose.js';
import { portrait } from '../synthetic-face.js';

/** A head: ears 40 px apart at y 100, the nose `dx` right of their midpoint and `dy` below it. */
function head(dx: number, dy: number, ears = true): BodyPose {
  const p = emptyPose();
  const put = (j: number, x: number, y: number, s = 0.9): void => {
    p.x[j] = x;
    p.y[j] = y;
    p.score[j] = s;
  };
  put(J.rightEar, 80, 100, ears ? 0.9 : 0.1);
  put(J.leftEar, 120, 100, ears ? 0.9 : 0.1);
  put(J.rightEye, 92, 95);
  put(J.leftEye, 108, 95);
  put(J.nose, 100 + dx, 100 + dy);
  return p;
}

test('head angles: the nose towards the image right is a positive yaw, lower is a positive pitch', () => {
  const front = headAngles(head(0, 5))!;
  assert.equal(front.pair, 'ears');
  assert.ok(Math.abs(front.yawDeg) < 1e-6);
  const right = headAngles(head(10, 5))!;
  assert.ok(right.yawDeg > 15 && right.yawDeg < 25, `yaw ${right.yawDeg}`);
  const down = headTurn(head(0, 12), head(0, 5))!;
  assert.ok(down.pitchDeg > 5, `pitch ${down.pitchDeg}`);
  assert.ok(Math.abs(down.yawDeg) < 1e-6);
  // Without both ears the eyes are used; turns are measured only between frames read the same way.
  assert.equal(headAngles(head(4, 8, false))!.pair, 'eyes');
  assert.equal(headTurn(head(4, 8, false), head(0, 5)), undefined);
  // A turn past the face engine's range is clamped.
  assert.equal(headTurn(head(60, 5), head(0, 5))!.yawDeg, MAX_YAW_DEG);
  const noNose = head(0, 5);
  noNose.score[J.nose] = 0;
  assert.equal(headAngles(noNose), undefined);
});

test('the face target turns the source head by the driver turn and keeps its tilt and place', () => {
  const face = portrait(60, false, 240);
  const t = faceTarget(face, { yawDeg: 20, pitchDeg: -10 });
  const e = rotationToEuler(t.pose.rotation);
  assert.ok(Math.abs(e.yawDeg - 20) < 1e-6 && Math.abs(e.pitchDeg + 10) < 1e-6 && Math.abs(e.rollDeg) < 1e-6);
  assert.deepEqual(t.pose.translation, face.state.pose.translation);
  assert.equal(t.canon, face.state.canon);
});

test('the face engine renders only the face region: a turn changes the face and nothing outside it', () => {
  const face = portrait(30, false, 240);
  const r = faceRegion(face.landmarks, 240, 240);
  assert.ok(r.width < 240 * 0.8 && r.height < 240 * 0.8, `region ${JSON.stringify(r)}`);
  const renderer = createBodyFaceRenderer(face.image, face);
  assert.equal(renderer.render({ yawDeg: 0, pitchDeg: 0 }), face.image, 'no motion: the photo itself');
  const out = renderer.render({ yawDeg: 25, pitchDeg: 0 });
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < 240; y++)
    for (let x = 0; x < 240; x++) {
      const o = (y * 240 + x) * 4;
      const d = Math.abs(out.data[o]! - face.image.data[o]!) + Math.abs(out.data[o + 2]! - face.image.data[o + 2]!);
      const isIn = x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
      if (isIn) inside += d;
      else outside += d;
    }
  assert.equal(outside, 0);
  assert.ok(inside > 1000, `the face changed (${inside})`);
});

test('head motion holds the last turn while the head is not seen; off never turns', () => {
  const face = portrait(30, false, 240);
  const m = createHeadMotion(face, 'turn');
  const ref = head(0, 5);
  assert.ok(m.next(head(10, 5), ref).yawDeg > 15);
  const lost = head(0, 5);
  lost.score[J.nose] = 0;
  assert.ok(m.next(lost, ref).yawDeg > 15, 'held');
  assert.equal(createHeadMotion(face, 'off').next(head(10, 5), ref).yawDeg, 0);
  assert.equal(m.expressionFrames, 0);
});

test('several people: the crop under a face holds its body, and a pose belongs to the face it has its nose in', () => {
  const box = { x: 100, y: 40, width: 30, height: 36 };
  const c = cropBelowFace(box, 640, 480);
  assert.equal(c.cx, 115);
  assert.ok(c.cy - c.size / 2 <= box.y && c.cy + c.size / 2 >= box.y + 7 * box.height);
  const p = head(0, 5);
  assert.equal(poseHasFace(p, { x: 85, y: 85, width: 30, height: 30 }), true);
  assert.equal(poseHasFace(p, { x: 300, y: 85, width: 30, height: 30 }), false);
});

test('a hand on or beside the face keeps the face engine off it; a hand at the hip does not', () => {
  const face = portrait(30, false, 240);
  // The face's landmarks span about 120 ± 30 px; a wrist at its side, and one far below.
  const p = emptyPose();
  p.x[J.leftWrist] = 160;
  p.y[J.leftWrist] = 110;
  p.score[J.leftWrist] = 0.9;
  assert.equal(handOnFace(p, face.landmarks), true);
  p.y[J.leftWrist] = 235;
  assert.equal(handOnFace(p, face.landmarks), false);
  p.y[J.leftWrist] = 110;
  p.score[J.leftWrist] = 0.1;
  assert.equal(handOnFace(p, face.landmarks), false, 'an unseen wrist');
});
