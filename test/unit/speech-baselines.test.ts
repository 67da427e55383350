import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fitRidge,
  laggedCorrelation,
  pooledCrossCorrelation,
  solveSpd,
  zscore,
} from '../../src/eval/speech-baselines.js';

/** A deterministic pseudo-random series in [−1, 1). */
function noise(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

test('zscore: zero mean, unit spread; a constant series gives zeros', () => {
  const z = zscore([1, 2, 3, 4, 5]);
  assert.ok(Math.abs(z.reduce((a, b) => a + b, 0)) < 1e-12);
  assert.ok(Math.abs(z.reduce((a, b) => a + b * b, 0) / z.length - 1) < 1e-12);
  assert.deepEqual(zscore([3, 3, 3]), [0, 0, 0]);
});

test('laggedCorrelation and pooledCrossCorrelation find a known delay', () => {
  const a = noise(400, 7);
  const b = a.map((_, t) => a[t - 3] ?? 0); // b follows a by three frames
  assert.ok(laggedCorrelation(a, b, 3) > 0.99);
  assert.ok(Math.abs(laggedCorrelation(a, b, 0)) < 0.2);
  const c = noise(300, 11);
  const xc = pooledCrossCorrelation(
    [
      { a, b },
      { a: c, b: c.map((_, t) => c[t - 3] ?? 0) },
    ],
    5,
  );
  assert.equal(xc.length, 11);
  assert.equal(xc.reduce((p, q) => (q.r > p.r ? q : p)).lag, 3);
});

test('solveSpd solves a symmetric positive definite system', () => {
  const A = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
  const w = solveSpd(A, Float64Array.from([1, 2, 3]));
  for (let i = 0; i < 3; i++) {
    const row = A[3 * i]! * w[0]! + A[3 * i + 1]! * w[1]! + A[3 * i + 2]! * w[2]!;
    assert.ok(Math.abs(row - [1, 2, 3][i]!) < 1e-9);
  }
});

test('fitRidge recovers a target built from the features one frame ahead, and only its mean under a huge penalty', () => {
  const f0 = noise(500, 3);
  const f1 = noise(500, 5);
  const features = f0.map((v, t) => [v, f1[t]!]);
  // target[t] = 2·f0[t+1] − f1[t] (+ 0.5): needs the column choice and the look-ahead.
  const target = features.map((_, t) => 2 * (f0[t + 1] ?? f0[t]!) - f1[t]! + 0.5);
  const m = fitRidge([{ features, target }], { before: 1, after: 1, lambda: 1e-6 });
  const p = m.predict(features);
  const err = Math.max(...p.map((v, t) => Math.abs(v - target[t]!)).slice(0, -1));
  assert.ok(err < 1e-4, `largest error ${err}`);
  const noAhead = fitRidge([{ features, target }], { before: 1, after: 0, lambda: 1e-6 });
  const e2 = noAhead.predict(features).map((v, t) => Math.abs(v - target[t]!));
  assert.ok(Math.max(...e2) > 0.5, 'without look-ahead the target cannot be matched');
  const flat = fitRidge([{ features, target }], { before: 1, after: 1, lambda: 1e9, columns: [0] });
  const targetMean = target.reduce((a, b) => a + b, 0) / target.length;
  const spread = Math.max(...flat.predict(features).map((v) => Math.abs(v - targetMean)));
  assert.ok(spread < 0.01, `a huge penalty leaves the intercept alone (the target's mean), off by ${spread}`);
});
