import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_FACE, eyeApertures, mouthAperture } from '../../src/face/measures.js';
import { LM } from '../../src/face/topology.js';
import { ACTION_UNITS, applyAUs, auFields, bothSides } from '../../src/face/action-units.js';
import { estimateAUs } from '../../src/analysis/action-units.js';
import { emotionAUs, EMOTION_NAMES } from '../../src/motion/emotion.js';

const y = (c: Float32Array, i: number): number => c[3 * i + 1]!;
const x = (c: Float32Array, i: number): number => c[3 * i]!;

test('each AU moves the face the way FACS describes', () => {
  const c = CANONICAL_FACE;
  const at = (au: number, v = 5): Float32Array => applyAUs(c, bothSides({ [au]: v } as never));
  assert.ok(y(at(1), LM.rightBrowInner) < y(c, LM.rightBrowInner) - 0.05, 'AU1 raises the inner brow');
  assert.ok(y(at(2), LM.rightBrowOuter) < y(c, LM.rightBrowOuter) - 0.05, 'AU2 raises the outer brow');
  assert.ok(
    y(at(4), LM.rightBrowInner) > y(c, LM.rightBrowInner) + 0.03 &&
      x(at(4), LM.rightBrowInner) > x(c, LM.rightBrowInner),
    'AU4 lowers and gathers the brows',
  );
  assert.ok(eyeApertures(at(5)).left > eyeApertures(c).left * 1.2, 'AU5 widens the eye');
  assert.ok(eyeApertures(at(45)).right < 0.05, 'AU45 closes the eye');
  assert.ok(
    y(at(12), LM.mouthRight) < y(c, LM.mouthRight) - 0.05 && x(at(12), LM.mouthRight) < x(c, LM.mouthRight) - 0.05,
    'AU12 pulls the corner up and out',
  );
  assert.ok(y(at(15), LM.mouthRight) > y(c, LM.mouthRight) + 0.04, 'AU15 pulls the corner down');
  assert.ok(mouthAperture(at(26)).open > mouthAperture(c).open + 0.2, 'AU26 opens the mouth');
  assert.ok(Math.abs(y(at(26), LM.upperLipInner) - y(c, LM.upperLipInner)) < 0.01, 'the jaw drop leaves the upper lip');
  assert.ok(y(at(26), LM.chin) > y(c, LM.chin) + 0.15, 'the chin drops');
});

test('one-sided AUs move one side only; fields compose by adding', () => {
  const wink = applyAUs(CANONICAL_FACE, { left: { 45: 5 }, right: {} });
  assert.ok(
    eyeApertures(wink).left < 0.05 && Math.abs(eyeApertures(wink).right - eyeApertures(CANONICAL_FACE).right) < 1e-6,
  );
  const both = applyAUs(CANONICAL_FACE, bothSides({ 12: 2, 26: 3 }));
  const sum = applyAUs(applyAUs(CANONICAL_FACE, bothSides({ 12: 2 })), bothSides({ 26: 3 }));
  both.forEach((v, i) => assert.ok(Math.abs(v - sum[i]!) < 1e-6));
  assert.equal(auFields().length, ACTION_UNITS.length * 2);
});

test('on meshes, estimation inverts synthesis exactly', () => {
  const neutral = CANONICAL_FACE.map((v, i) => v + Math.sin(i) * 0.01); // some identity shape
  const values = { 1: 2, 6: 1.5, 12: 4, 26: 2.5 } as const;
  const e = estimateAUs(applyAUs(neutral, bothSides(values)), neutral, { calibrated: false });
  for (const au of ACTION_UNITS) {
    const want = (values as Record<number, number>)[au] ?? 0;
    assert.ok(Math.abs(e.intensity[au] - want) < 0.05, `AU${au}: ${e.intensity[au]} vs ${want}`);
  }
  assert.ok(e.residual < 1e-3);
});

test('learned emotions are sensible: smiles for happy and contempt (one-sided), brows for surprise', () => {
  const happy = emotionAUs('happy', 1);
  assert.ok((happy.left[12] ?? 0) > 1 && (happy.right[12] ?? 0) > 1);
  const contempt = emotionAUs('contempt', 1);
  assert.ok(Math.abs((contempt.left[12] ?? 0) - (contempt.right[12] ?? 0)) > 1, 'contempt is one-sided');
  const surprised = emotionAUs('surprised', 1);
  assert.ok((surprised.left[1] ?? 0) > 1 && (surprised.left[2] ?? 0) > 0.5);
  assert.deepEqual(emotionAUs('neutral', 1), { left: {}, right: {} });
  assert.equal(EMOTION_NAMES.length, 8);
});
