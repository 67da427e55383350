import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_FACE, eyeApertures } from '../../src/face/measures.js';
import { eulerToRotation, rotationToEuler, scaleRotation } from '../../src/face/pose.js';
import { closeLids, setLidOpening } from '../../src/face/lids.js';
import { expandLidClosure, LID_CLOSURE_GAIN } from '../../src/motion/lid-transfer.js';
import { DEFAULT_RETARGET, expressionGains, PART_WEIGHTS, retarget, type FaceState } from '../../src/motion/motion.js';
import { createSmoother, smoothingRadius } from '../../src/motion/smooth.js';

const state = (yaw = 0, canon = CANONICAL_FACE, tx = 100): FaceState => ({
  pose: { rotation: eulerToRotation(yaw, 0, 0), translation: [tx, 120, 0], scale: 50 },
  canon: Float32Array.from(canon),
});

test('retargeting with a driver that does not move returns the source unchanged', () => {
  const source = state(
    10,
    CANONICAL_FACE.map((v, i) => v + (i % 7) * 0.001),
    300,
  );
  const driver = state(-20);
  const t = retarget(source, driver, driver, DEFAULT_RETARGET);
  t.canon.forEach((v, i) => assert.ok(Math.abs(v - source.canon[i]!) < 1e-6));
  t.pose.rotation.forEach((v, i) => assert.ok(Math.abs(v - source.pose.rotation[i]!) < 1e-9));
  assert.deepEqual(t.pose.translation, source.pose.translation);
});

test('relative pose: the source turns by the driver’s change, from its own starting pose', () => {
  const source = state(10);
  const ref = state(-5);
  const drv = state(15);
  const t = retarget(source, ref, drv, DEFAULT_RETARGET);
  assert.ok(Math.abs(rotationToEuler(t.pose.rotation).yawDeg - 30) < 1e-6);
  const half = retarget(source, ref, drv, { ...DEFAULT_RETARGET, poseScale: 0.5 });
  assert.ok(Math.abs(rotationToEuler(half.pose.rotation).yawDeg - 20) < 1e-6);
  const still = retarget(source, ref, drv, { ...DEFAULT_RETARGET, regions: ['expression'] });
  assert.ok(Math.abs(rotationToEuler(still.pose.rotation).yawDeg - 10) < 1e-6);
});

test('region weights: only the selected parts move, with the given weight', () => {
  const src = state();
  const ref = state();
  const moved = Float32Array.from(CANONICAL_FACE);
  for (let i = 0; i < moved.length; i += 3) moved[i + 1]! += 0.1; // every point down by 0.1
  const drv = { ...state(), canon: moved };
  const lips = retarget(src, ref, drv, { ...DEFAULT_RETARGET, regions: ['lips'], weights: { lips: 0.5 } });
  const chin = 152;
  const browMid = 105;
  assert.ok(
    Math.abs(lips.canon[3 * chin + 1]! - CANONICAL_FACE[3 * chin + 1]! - 0.05 * PART_WEIGHTS.lips[chin]!) < 1e-6,
  );
  assert.ok(Math.abs(lips.canon[3 * browMid + 1]! - CANONICAL_FACE[3 * browMid + 1]!) < 0.002, 'brows stay');
  const gains = expressionGains({ ...DEFAULT_RETARGET, weights: { brows: 0 } });
  assert.ok(gains[browMid]! < 0.2 && gains[chin]! > 0.9);
});

test('part weights sum to one everywhere', () => {
  for (let i = 0; i < 478; i++) {
    const s = PART_WEIGHTS.eyes[i]! + PART_WEIGHTS.brows[i]! + PART_WEIGHTS.lips[i]! + PART_WEIGHTS.other[i]!;
    assert.ok(Math.abs(s - 1) < 1e-5, `point ${i}: ${s}`);
  }
});

test('scaleRotation scales the angle about the same axis', () => {
  const R = eulerToRotation(0, 30, 0);
  assert.ok(Math.abs(rotationToEuler(scaleRotation(R, 0.5)).pitchDeg - 15) < 1e-6);
  assert.ok(Math.abs(rotationToEuler(scaleRotation(R, 2)).pitchDeg - 60) < 1e-6);
});

test('closeLids closes the eyes and expandLidClosure restores the lid travel the landmarks under-report', () => {
  const open = eyeApertures(CANONICAL_FACE);
  const closed = eyeApertures(closeLids(CANONICAL_FACE, 1, 0.5));
  assert.ok(closed.right < 0.01 * open.right, `right ${closed.right} vs ${open.right}`);
  assert.ok(closed.left < 0.7 * open.left && closed.left > 0.3 * open.left);
  // A driver whose landmarks say 30% closed is transferred as LID_CLOSURE_GAIN × 30% closed.
  const partly = closeLids(CANONICAL_FACE, 0.3, 0.3);
  const measured = 1 - eyeApertures(partly).left / open.left;
  const expanded = 1 - eyeApertures(expandLidClosure(partly, CANONICAL_FACE)).left / open.left;
  assert.ok(Math.abs(expanded - LID_CLOSURE_GAIN * measured) < 0.02, `measured ${measured}, expanded ${expanded}`);
  assert.equal(expandLidClosure(CANONICAL_FACE, CANONICAL_FACE), CANONICAL_FACE, 'open eyes are left alone');
});

test('a wide-eyed driver’s blink closes a narrow-eyed source by the same ratio, without crossing its lids', () => {
  const pose = state(0).pose;
  // The source squints (half open); the driver's reference is wide open, and it closes to 20% of that.
  const source: FaceState = { pose, canon: closeLids(CANONICAL_FACE, 0.5, 0.5) };
  const reference: FaceState = { pose, canon: Float32Array.from(CANONICAL_FACE) };
  const driver: FaceState = { pose, canon: closeLids(CANONICAL_FACE, 0.8, 0.8) };
  const target = retarget(source, reference, driver, DEFAULT_RETARGET).canon;
  // Signed lid gaps (y points down): every upper margin point stays above its lower-lid point.
  for (const [u, l] of [
    [159, 145],
    [386, 374],
    [160, 144],
    [385, 380],
  ] as const) {
    assert.ok(target[3 * l + 1]! - target[3 * u + 1]! >= -1e-6, `lids cross at ${u}/${l}`);
  }
  const ratio = eyeApertures(target).left / eyeApertures(source.canon).left;
  // The driver's 80% closure is expanded for the under-reporting landmarks (to 97%, the cap).
  assert.ok(ratio < 0.1, `the source eye closes (to ${ratio.toFixed(3)} of its opening)`);
  // A driver widening its eyes widens the source's by the same factor.
  const wide = retarget(
    source,
    reference,
    { pose, canon: setLidOpening(CANONICAL_FACE, CANONICAL_FACE, 1.2, 1.2) },
    DEFAULT_RETARGET,
  );
  const w = eyeApertures(wide.canon).right / eyeApertures(source.canon).right;
  assert.ok(Math.abs(w - 1.2) < 0.03, `widened by ${w.toFixed(3)}`);
});

test('the look-ahead smoother keeps constant input, delays by its radius and flushes every frame', () => {
  assert.equal(smoothingRadius(0), 0);
  assert.equal(smoothingRadius(0.5), 2);
  const s = createSmoother<number>(0.5);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) for (const r of s.push(state(5), i)) out.push(r.item);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const r of s.flush()) out.push(r.item);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const s2 = createSmoother<number>(0.5);
  const yaws: number[] = [];
  for (let i = 0; i < 12; i++)
    for (const r of s2.push(state(i % 2 ? 6 : 4), i)) yaws.push(rotationToEuler(r.state.pose.rotation).yawDeg);
  // Frame-to-frame flicker of ±1° is damped; the mean is kept.
  for (const y of yaws.slice(2)) assert.ok(Math.abs(y - 5) < 0.7, `yaw ${y}`);
});
