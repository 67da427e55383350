import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_FACE, eyeApertures, mouthAperture } from '../../src/face/measures.js';
import { LM } from '../../src/face/topology.js';
import { ACTION_UNITS, applyAUs, auFields, bothSides } from '../../src/face/action-units.js';
import { AU_RIDGE, estimateAUs } from '../../src/analysis/au-estimate.js';
import { responseFields } from '../../src/analysis/au-response.js';
import { emotionAUs, EMOTION_NAMES } from '../../src/emotion/emotion.js';

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

test('the estimate is the box-constrained least-squares optimum, with AUs held at both bounds', () => {
  // A face asked for more than the maximum of some AUs, less than nothing of others, plus noise: the fit must
  // hold those at 5 and 0 and be stationary in the rest (Karush–Kuhn–Tucker), to rounding.
  const neutral = CANONICAL_FACE.map((v, i) => v + Math.sin(i) * 0.01);
  const moved = applyAUs(neutral, bothSides({ 12: 5, 26: 3, 1: 2 }));
  const extra = applyAUs(neutral, bothSides({ 12: 2, 4: 1 }));
  const canon = moved.map(
    (v, i) => v + (extra[i]! - neutral[i]!) - (i % 7 === 0 ? 0.002 : 0) + Math.cos(i * 1.7) * 0.001,
  );
  const e = estimateAUs(canon, neutral, { calibrated: false });
  const fields = auFields();
  const D = 468 * 3;
  const fit = new Float64Array(D);
  for (const f of fields)
    for (let i = 0; i < D; i++) fit[i]! += ((f.side === 'left' ? e.left : e.right)[f.au] / 5) * f.field[i]!;
  let atMax = 0;
  let atZero = 0;
  for (const f of fields) {
    const a = (f.side === 'left' ? e.left : e.right)[f.au];
    // d(SSE)/da, per unit intensity.
    let g = 0;
    for (let i = 0; i < D; i++) g -= (2 / 5) * f.field[i]! * (canon[i]! - neutral[i]! - fit[i]!);
    if (a >= 5 - 1e-12) {
      atMax++;
      assert.ok(g <= 1e-7, `AU${f.au} ${f.side} at 5 wants to fall: ${g}`);
    } else if (a <= 1e-12) {
      atZero++;
      assert.ok(g >= -1e-7, `AU${f.au} ${f.side} at 0 wants to rise: ${g}`);
    } else assert.ok(Math.abs(g) < 1e-7, `AU${f.au} ${f.side} at ${a} is not stationary: ${g}`);
  }
  assert.ok(atMax >= 2 && atZero >= 2, `bounds held: ${atMax} at 5, ${atZero} at 0`);
});

test('with the calibrated response fields too, the estimate meets the optimality conditions of its ridge fit', () => {
  // The fields overlap strongly here (one AU reads partly as another), where coordinate descent crawled: it
  // stopped after a thousand sweeps short of the minimum. The estimate must be the minimiser of
  // ½aᵀ(FᵀF + ridge)a − (Fᵀδ)ᵀa over 0 ≤ a ≤ 5 (intensity-1 units), to rounding.
  const F = responseFields()!;
  const neutral = CANONICAL_FACE.map((v, i) => v + Math.sin(i) * 0.01);
  const moved = applyAUs(neutral, bothSides({ 25: 1.5, 6: 1, 1: 0.5 }));
  // Rough noise, as a tracker's: a hash of the index in (−1, 1), 0.003 canonical units.
  const canon = moved.map((v, i) => v + ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.003);
  const e = estimateAUs(canon, neutral);
  const D = 468 * 3;
  const n = F.length;
  const a = F.map((f) => (f.side === 'left' ? e.left : e.right)[f.au]);
  const dot = (u: Float32Array, v: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < D; i++) s += u[i]! * v[i]!;
    return s;
  };
  const G = F.map((f) => F.map((g) => dot(f.field, g.field) / 25));
  const ridge = (AU_RIDGE * G.reduce((s, row, p) => s + row[p]!, 0)) / n;
  const delta = Float64Array.from({ length: D }, (_, i) => canon[i]! - neutral[i]!);
  let worst = 0;
  F.forEach((f, p) => {
    const g = G[p]!.reduce((s, v, q) => s + v * a[q]!, 0) + ridge * a[p]! - dot(f.field, delta) / 5;
    // At 0 the gradient may only point up, at 5 only down; between, it vanishes.
    const violation = a[p]! <= 0 ? Math.max(0, -g) : a[p]! >= 5 ? Math.max(0, g) : Math.abs(g);
    worst = Math.max(worst, violation);
  });
  // (Coordinate descent, the solver before, left 4e-12 here.)
  assert.ok(worst < 1e-14, `largest violation of the optimality conditions: ${worst}`);
});
