/**
 * The body engine on synthetic figures: skinning keeps limbs rigid, retargeting keeps the source's
 * proportions, zero motion returns the photo, the background fill carries the surroundings inwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage, type RgbaImage } from '../../src/face/image.js';
import { backgroundPlate } from '../../src/body/fill.js';
import { frameL1, groupCorrelations, keypointScore } from '../../src/body/pose-metrics.js';
import { personMask } from '../../src/body/mask.js';
import { PLACED_SCORE, completeCroppedLegs, requirePerson } from '../../src/body/person.js';
import { prepareBodyScene, renderBody } from '../../src/body/render.js';
import { createRetargeter, limbTransform, segmentTransforms } from '../../src/body/retarget.js';
import { buildRig, skin } from '../../src/body/rig.js';
import { J, clonePose, emptyPose, extendPose, type BodyPose } from '../../src/body/skeleton.js';
import { createPoseSmoother } from '../../src/body/pose-smoother.js';
import { isVivifyError } from '../../src/errors.js';

/** A standing figure in a 160×200 frame, arms hanging a little out from the body. */
function standing(): BodyPose {
  const p = emptyPose();
  const put = (j: number, x: number, y: number): void => {
    p.x[j] = x;
    p.y[j] = y;
    p.score[j] = 0.9;
  };
  put(J.nose, 80, 30);
  put(J.leftEye, 85, 26);
  put(J.rightEye, 75, 26);
  put(J.leftEar, 90, 28);
  put(J.rightEar, 70, 28);
  put(J.leftShoulder, 100, 55);
  put(J.rightShoulder, 60, 55);
  put(J.leftElbow, 112, 85);
  put(J.rightElbow, 48, 85);
  put(J.leftWrist, 118, 112);
  put(J.rightWrist, 42, 112);
  put(J.leftHip, 92, 110);
  put(J.rightHip, 68, 110);
  put(J.leftKnee, 93, 145);
  put(J.rightKnee, 67, 145);
  put(J.leftAnkle, 94, 180);
  put(J.rightAnkle, 66, 180);
  return p;
}

/** The figure painted as a dark silhouette on a light checkerboard (capsules round its bones). */
function painted(p: BodyPose): RgbaImage {
  const img = createImage(160, 200);
  const e = extendPose(p);
  const bones: [number, number, number][] = [
    [17, 18, 22],
    [18, 0, 10],
    [J.leftShoulder, J.leftElbow, 6],
    [J.leftElbow, J.leftWrist, 5],
    [J.rightShoulder, J.rightElbow, 6],
    [J.rightElbow, J.rightWrist, 5],
    [J.leftHip, J.leftKnee, 8],
    [J.leftKnee, J.leftAnkle, 7],
    [J.rightHip, J.rightKnee, 8],
    [J.rightKnee, J.rightAnkle, 7],
  ];
  for (let y = 0; y < 200; y++)
    for (let x = 0; x < 160; x++) {
      const inside = bones.some(([a, b, r]) => {
        const ax = e.x[a]!;
        const ay = e.y[a]!;
        const dx = e.x[b]! - ax;
        const dy = e.y[b]! - ay;
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(x - ax - t * dx, y - ay - t * dy) < r;
      });
      const o = (y * 160 + x) * 4;
      const check = ((x >> 3) + (y >> 3)) % 2 ? 230 : 200;
      img.data[o] = inside ? 40 : check;
      img.data[o + 1] = inside ? 30 : check;
      img.data[o + 2] = inside ? 90 : 150;
      img.data[o + 3] = 255;
    }
  return img;
}

test('a limb transform turns a segment onto its target and keeps the limb one width', () => {
  // Segment (0,0)→(10,0) onto (5,5)→(5,20): turned 90°, stretched 1.5× along its length.
  const m = limbTransform(0, 0, 10, 0, 5, 5, 5, 20);
  const apply = (x: number, y: number): [number, number] => [
    m[0]! * x + m[1]! * y + m[2]!,
    m[3]! * x + m[4]! * y + m[5]!,
  ];
  assert.deepEqual(
    apply(0, 0).map((v) => Math.round(v * 1e6) / 1e6),
    [5, 5],
  );
  assert.deepEqual(
    apply(10, 0).map((v) => Math.round(v * 1e6) / 1e6),
    [5, 20],
  );
  // A point 3 px beside the segment stays 3 px beside it.
  const [x, y] = apply(5, 3);
  assert.ok(Math.abs(Math.hypot(x - 5, y - 12.5) - 3) < 1e-6, `${x},${y}`);
  // A stretch beyond 1.6× is held there (a limb cannot grow without bound).
  const far = limbTransform(0, 0, 10, 0, 0, 0, 40, 0);
  assert.ok(Math.abs(far[0]! * 10 + far[2]! - 16) < 1e-6);
});

test('skinning moves a rigid forearm without changing its length', () => {
  const src = standing();
  const img = painted(src);
  const rig = buildRig(personMask(img, src), src);
  // Raise the left forearm: the wrist turns 90° about the elbow.
  const target = extendPose(src);
  const ex = target.x[J.leftElbow]!;
  const ey = target.y[J.leftElbow]!;
  const len = Math.hypot(target.x[J.leftWrist]! - ex, target.y[J.leftWrist]! - ey);
  target.x[J.leftWrist] = ex + len;
  target.y[J.leftWrist] = ey;
  const moved = skin(rig, segmentTransforms(src, target));
  // Vertices bound (almost) wholly to the forearm keep their distances to each other.
  const forearm = 3;
  const ids: number[] = [];
  for (let v = 0; v < rig.rest.length / 2; v++)
    if (rig.boneIndex[v * 3] === forearm && rig.boneWeight[v * 3]! > 0.999) ids.push(v);
  assert.ok(ids.length >= 6, `forearm vertices: ${ids.length}`);
  let worst = 0;
  for (const a of ids)
    for (const b of ids) {
      const d0 = Math.hypot(rig.rest[2 * a]! - rig.rest[2 * b]!, rig.rest[2 * a + 1]! - rig.rest[2 * b + 1]!);
      const d1 = Math.hypot(moved[2 * a]! - moved[2 * b]!, moved[2 * a + 1]! - moved[2 * b + 1]!);
      worst = Math.max(worst, Math.abs(d1 - d0));
    }
  assert.ok(worst < 0.01, `largest change of a distance on the forearm: ${worst} px`);
  // And the forearm did move: its vertices now lie to the right of the elbow, not below it.
  const meanDx = ids.reduce((s, v) => s + moved[2 * v]! - ex, 0) / ids.length;
  assert.ok(meanDx > len / 3, `forearm's mean x offset from the elbow ${meanDx}`);
});

test('with no motion the rendered frame is the photo', () => {
  const src = standing();
  const img = painted(src);
  const scene = prepareBodyScene(img, src);
  const rt = createRetargeter(src, src);
  const frame = renderBody(scene, rt.next(src)).image;
  assert.ok(frameL1(frame, img) < 0.0025, `L1 ${frameL1(frame, img)}`);
});

test('relative retargeting keeps the source bone lengths when a smaller driver moves', () => {
  const src = standing();
  // The driver: the same figure at 60% size, elsewhere in its frame; it then raises its left arm.
  const small = (p: BodyPose): BodyPose => {
    const q = clonePose(p);
    for (let j = 0; j < 17; j++) {
      q.x[j] = 20 + p.x[j]! * 0.6;
      q.y[j] = 10 + p.y[j]! * 0.6;
    }
    return q;
  };
  const ref = small(src);
  const moved = clonePose(ref);
  moved.x[J.leftWrist] = moved.x[J.leftElbow]! + 16;
  moved.y[J.leftWrist] = moved.y[J.leftElbow]!;
  const t = createRetargeter(src, ref).next(moved);
  const len = (p: BodyPose, a: number, b: number): number => Math.hypot(p.x[a]! - p.x[b]!, p.y[a]! - p.y[b]!);
  const forearm = len(src, J.leftElbow, J.leftWrist);
  const driverStretch = 16 / len(ref, J.leftElbow, J.leftWrist);
  assert.ok(Math.abs(len(t, J.leftElbow, J.leftWrist) - forearm * driverStretch) < 1e-3);
  assert.ok(Math.abs(len(t, J.leftShoulder, J.leftElbow) - len(src, J.leftShoulder, J.leftElbow)) < 1e-3);
  // The forearm points the way the driver's does (to the right).
  assert.ok(t.x[J.leftWrist]! - t.x[J.leftElbow]! > 0.9 * len(t, J.leftElbow, J.leftWrist));
  // Nothing else moved: the root stays where the source's is.
  assert.ok(Math.abs(t.y[17]! - extendPose(src).y[17]!) < 1e-3);
});

test('a driver joint that disappears holds its last motion', () => {
  const src = standing();
  const rt = createRetargeter(src, src);
  const up = clonePose(src);
  up.x[J.rightWrist] = src.x[J.rightElbow]! - 20;
  up.y[J.rightWrist] = src.y[J.rightElbow]!;
  const a = rt.next(up);
  const gone = clonePose(up);
  gone.score[J.rightWrist] = 0;
  const b = rt.next(gone);
  assert.ok(Math.abs(a.x[J.rightWrist]! - b.x[J.rightWrist]!) < 1e-4);
});

test('the person mask finds the painted figure and the fill hides it', () => {
  const src = standing();
  const img = painted(src);
  const mask = personMask(img, src);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < mask.alpha.length; i++) {
    const body = img.data[i * 4 + 2] === 90;
    const on = mask.alpha[i]! > 0.5;
    if (body && on) tp++;
    else if (on) fp++;
    else if (body) fn++;
  }
  // Nothing of the figure is lost; the background taken with it (where the skeleton's shape prior is
  // wider than this thin figure) stays small.
  const iou = tp / (tp + fp + fn);
  assert.ok(fn < 0.01 * tp, `${fn} figure pixels missed`);
  assert.ok(iou > 0.8, `IoU ${iou.toFixed(3)}`);
  const plate = backgroundPlate(img, mask);
  let dark = 0;
  for (let i = 0; i < mask.alpha.length; i++) if (plate.data[i * 4 + 2]! < 120) dark++;
  assert.ok(dark < 20, `${dark} pixels of the figure left in the plate`);
});

test('smoothing removes jitter of a still joint and holds a lost one', () => {
  const s = createPoseSmoother({ minCutoffHz: 1 });
  const p = standing();
  let spread = 0;
  let last = 0;
  for (let i = 0; i < 60; i++) {
    const q = clonePose(p);
    q.x[J.nose] = 80 + (i % 2 ? 2 : -2);
    const out = s.next(q, 1 / 25);
    if (i > 20) spread = Math.max(spread, Math.abs(out.x[J.nose]! - 80));
    last = out.x[J.nose]!;
  }
  assert.ok(spread < 1, `jitter left: ${spread}`);
  const lost = clonePose(p);
  lost.score[J.nose] = 0;
  lost.x[J.nose] = 0;
  assert.ok(Math.abs(s.next(lost, 1 / 25).x[J.nose]! - last) < 1e-6);
});

test('no person: a pose without both shoulders is refused in one line', () => {
  const p = standing();
  p.score[J.leftShoulder] = 0.1;
  assert.throws(
    () => requirePerson(p, 'face.jpg'),
    (e: unknown) => isVivifyError(e, 'E_NO_PERSON') && !e.message.includes('\n') && e.message.includes('face.jpg'),
  );
  assert.doesNotThrow(() => requirePerson(standing(), 'ok.jpg'));
});

test('metrics: AKD, MKR and group correlation on known poses', () => {
  const a = standing();
  const b = clonePose(a);
  for (let j = 0; j < 17; j++) b.x[j]! += 3;
  b.score[J.leftAnkle] = 0;
  const k = keypointScore();
  k.add(a, b);
  assert.equal(k.akd(), 3);
  assert.equal(k.mkr(), 1 / 17);
  const drv: BodyPose[] = [];
  const res: BodyPose[] = [];
  for (let t = 0; t < 10; t++) {
    const d = clonePose(a);
    d.x[J.leftWrist] = 100 + t;
    drv.push(d);
    const r = clonePose(a);
    r.x[J.leftWrist] = 300 + 2 * t;
    res.push(r);
  }
  assert.ok(Math.abs(groupCorrelations(drv, res).arms! - 1) < 1e-9);
});

test('legs cut off by the frame get their lower joints below it; a leg hidden inside the frame does not', () => {
  const p = standing();
  for (const j of [J.leftKnee, J.rightKnee, J.leftAnkle, J.rightAnkle]) p.score[j] = 0;
  // A frame that ends just below the hips: the knees would lie outside it.
  const cut = completeCroppedLegs(p, 160, 120);
  assert.equal(cut.score[J.leftKnee], Math.fround(PLACED_SCORE));
  assert.ok(cut.y[J.leftKnee]! >= 120 && cut.x[J.leftKnee] === p.x[J.leftHip]);
  // The ankles hang from knees that were themselves placed: outside too.
  assert.equal(cut.score[J.rightAnkle], Math.fround(PLACED_SCORE));
  // In a tall frame the knees would be inside it: not seen means hidden, and stays so.
  const tall = completeCroppedLegs(p, 160, 400);
  assert.equal(tall.score[J.leftKnee], 0);
});

test('a driver turning its head left or right does not tip the source’s head over', () => {
  const src = standing();
  const turned = clonePose(src);
  // The nose swings 8 px sideways; the eyes stay level (a turn, not a roll).
  turned.x[J.nose]! += 8;
  turned.x[J.leftEye]! += 6;
  turned.x[J.rightEye]! += 6;
  const t = createRetargeter(src, src).next(turned);
  const e = extendPose(src);
  const before = Math.atan2(src.y[J.nose]! - e.y[18]!, src.x[J.nose]! - e.x[18]!);
  const after = Math.atan2(t.y[J.nose]! - t.y[18]!, t.x[J.nose]! - t.x[18]!);
  assert.ok(Math.abs(after - before) < 1e-3, `head turned by ${(((after - before) * 180) / Math.PI).toFixed(1)}°`);
  // A real roll (the eye line tilts by 20°) turns it by as much.
  const rolled = clonePose(src);
  const c = Math.cos((20 * Math.PI) / 180);
  const sn = Math.sin((20 * Math.PI) / 180);
  for (const j of [J.leftEye, J.rightEye]) {
    const dx = src.x[j]! - src.x[J.nose]!;
    const dy = src.y[j]! - src.y[J.nose]!;
    rolled.x[j] = src.x[J.nose]! + c * dx - sn * dy;
    rolled.y[j] = src.y[J.nose]! + sn * dx + c * dy;
  }
  const r = createRetargeter(src, src).next(rolled);
  const roll = Math.atan2(r.y[J.nose]! - r.y[18]!, r.x[J.nose]! - r.x[18]!) - before;
  assert.ok(Math.abs((roll * 180) / Math.PI - 20) < 0.5, `roll ${(roll * 180) / Math.PI}`);
});

test('a forearm lifted off the torso uncovers torso, not the background behind the person', () => {
  const src = standing();
  // The left forearm lies across the belly.
  src.x[J.leftWrist] = 72;
  src.y[J.leftWrist] = 98;
  const img = painted(src);
  const scene = prepareBodyScene(img, src);
  assert.ok(scene.underlay, 'an arm over the torso gives an underlay');
  // The driver lifts that forearm out sideways.
  const lifted = clonePose(src);
  lifted.x[J.leftWrist] = 140;
  lifted.y[J.leftWrist] = 80;
  const frame = renderBody(scene, createRetargeter(src, src).next(lifted)).image;
  // Where the forearm lay (between elbow and wrist, inside the torso), the body's colour shows.
  const at = (x: number, y: number): number => frame.data[(y * 160 + x) * 4 + 2]!;
  const mx = Math.round((112 + 72) / 2);
  const my = Math.round((85 + 98) / 2);
  assert.ok(Math.abs(at(mx, my) - 90) < 20, `blue ${at(mx, my)} where the forearm was (torso 90, background 150)`);
});

test('a clean background plate shows where a moving arm was; a plate of another size is refused', () => {
  const src = standing();
  const img = painted(src);
  const plate = createImage(160, 200);
  for (let i = 0; i < plate.data.length; i += 4) plate.data.set([250, 20, 10, 255], i);
  const scene = prepareBodyScene(img, src, { plate });
  // The driver lifts the right arm out sideways and up: its old place, left of the body, is uncovered.
  const lifted = clonePose(src);
  lifted.x[J.rightElbow] = 30;
  lifted.y[J.rightElbow] = 50;
  lifted.x[J.rightWrist] = 10;
  lifted.y[J.rightWrist] = 40;
  const frame = renderBody(scene, createRetargeter(src, src).next(lifted));
  const x = 45;
  const y = 100; // on the right forearm in the photo
  const o = (y * 160 + x) * 4;
  assert.deepEqual([...frame.image.data.subarray(o, o + 3)], [250, 20, 10], 'the plate, where the forearm was');
  assert.equal(frame.revealed[y * 160 + x], 1);
  // Without a plate the same pixel is filled from around the person (the checkerboard's colours).
  const filled = renderBody(prepareBodyScene(img, src), createRetargeter(src, src).next(lifted)).image;
  assert.ok(filled.data[o]! > 150 && filled.data[o + 2]! > 120, `filled ${[...filled.data.subarray(o, o + 3)]}`);
  assert.throws(() => prepareBodyScene(img, src, { plate: createImage(100, 100) }), RangeError);
});

test('reach: a forearm turned the same angle on a differently hanging arm, its wrist follows the driver’s path', () => {
  // The driver's right forearm hangs and then swings out sideways; the source's hangs straight down.
  const src = standing();
  const ref = standing();
  ref.x[J.rightElbow] = 60;
  ref.y[J.rightElbow] = 85;
  ref.x[J.rightWrist] = 75;
  ref.y[J.rightWrist] = 110;
  const moved = clonePose(ref);
  moved.x[J.rightWrist] = 35;
  moved.y[J.rightWrist] = 95;
  const wristMove = (reach: number): [number, number] => {
    const t = createRetargeter(src, ref, 'relative', reach).next(moved);
    return [t.x[J.rightWrist]! - src.x[J.rightWrist]!, t.y[J.rightWrist]! - src.y[J.rightWrist]!];
  };
  const driverMove = [moved.x[J.rightWrist]! - ref.x[J.rightWrist]!, moved.y[J.rightWrist]! - ref.y[J.rightWrist]!];
  const miss = (m: [number, number]): number => Math.hypot(m[0] - driverMove[0]!, m[1] - driverMove[1]!);
  assert.ok(miss(wristMove(1)) < 0.8 * miss(wristMove(0)), `${miss(wristMove(1))} vs ${miss(wristMove(0))}`);
  assert.ok(miss(wristMove(0.5)) < miss(wristMove(0)), 'halfway is still closer');
  // The forearm keeps the length the angle transfer gave it, and the elbow stays where it put it.
  const bone = (p: BodyPose, a: number, b: number): number => Math.hypot(p.x[a]! - p.x[b]!, p.y[a]! - p.y[b]!);
  const t0 = createRetargeter(src, ref, 'relative', 0).next(moved);
  const t1 = createRetargeter(src, ref, 'relative', 1).next(moved);
  assert.ok(
    Math.abs(bone(t1, J.rightElbow, J.rightWrist) - bone(t0, J.rightElbow, J.rightWrist)) < 1e-3,
    'no torn forearm',
  );
  assert.equal(t1.x[J.rightElbow], t0.x[J.rightElbow]);
});
