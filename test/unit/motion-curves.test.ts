/** Pure pieces of generated motion: the seeded generator, curve measures, episodes, the frame features. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtwDistance, shiftedDistance, twoSampleAccuracy, windowFeatures } from '../../src/generate/curve-metrics.js';
import { ACTION_UNITS } from '../../src/face/action-units.js';
import { findEpisodes, phasesOf } from '../../src/generate/episodes.js';
import { findBlinks } from '../../src/generate/dataset.js';
import {
  emotionCoordinates,
  emotionVector,
  EXPRESSIVE_EMOTIONS,
  featureAUs,
  featureFrame,
  FEATURES,
  resample,
  smoothFrames,
} from '../../src/generate/features.js';
import { createRandom } from '../../src/generate/random.js';

test('the seeded generator repeats for a seed, differs between seeds, and forks independently', () => {
  const a = createRandom(7);
  const b = createRandom(7);
  const c = createRandom(8);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.next()),
  );
  // A fork depends on the seed and its label only, not on how much the parent has drawn.
  const f1 = createRandom(7).fork('blinks').next();
  const p = createRandom(7);
  p.next();
  p.normal();
  assert.equal(p.fork('blinks').next(), f1);
  assert.notEqual(createRandom(7).fork('latent').next(), f1);
  // Normal deviates: mean ≈ 0, variance ≈ 1.
  const r = createRandom(1);
  const v = Array.from({ length: 20000 }, () => r.normal());
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  const s2 = v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
  assert.ok(Math.abs(m) < 0.03 && Math.abs(s2 - 1) < 0.05, `mean ${m}, variance ${s2}`);
});

const seq = (f: (t: number) => number[], n: number): number[][] => Array.from({ length: n }, (_, t) => f(t));

test('DTW: zero for identical sequences, symmetric, small for a time-warped copy, larger for another shape', () => {
  const a = seq((t) => [Math.sin(t / 5), Math.cos(t / 7)], 60);
  const warped = seq((t) => [Math.sin((t * 0.8) / 5), Math.cos((t * 0.8) / 7)], 75);
  const other = seq((t) => [Math.cos(t / 3), 0.5], 60);
  assert.equal(dtwDistance(a, a), 0);
  assert.ok(Math.abs(dtwDistance(a, other) - dtwDistance(other, a)) < 1e-12);
  assert.ok(
    dtwDistance(a, warped) < 0.1 * dtwDistance(a, other),
    `${dtwDistance(a, warped)} vs ${dtwDistance(a, other)}`,
  );
});

test('a time-shifted copy is found at its shift; a different sequence is not close at any shift', () => {
  const base = seq((t) => [Math.sin(t / 4), Math.sin(t / 9)], 100);
  const shifted = base.slice(7).concat(base.slice(0, 7));
  const s = shiftedDistance(base, shifted, 20);
  assert.equal(s.shift, -7);
  assert.ok(s.distance < 1e-9);
  const other = seq((t) => [Math.cos(t / 2.5), Math.sin(t / 13)], 100);
  assert.ok(shiftedDistance(base, other, 20).distance > 0.3);
});

test('the two-sample classifier sits near chance for one distribution and near 1 for two', () => {
  const rng = createRandom(5);
  const rows = (shift: number, group: string, n: number): { features: number[]; group: string }[] =>
    Array.from({ length: n }, (_, i) => ({
      features: windowFeatures(seq(() => [rng.normal() + shift, rng.normal()], 16)),
      group: `${group}${i % 10}`,
    }));
  const same = twoSampleAccuracy(rows(0, 'a', 200), rows(0, 'b', 200));
  const apart = twoSampleAccuracy(rows(0, 'a', 200), rows(1.5, 'b', 200));
  assert.ok(same > 0.35 && same < 0.65, `same distribution: ${same}`);
  assert.ok(apart > 0.9, `shifted distribution: ${apart}`);
});

test('episodes: a rise and fall is found with its phases; a flat or one-way track has none', () => {
  // Emotion 1 rises from 0.1 to 0.9 over 10 frames, holds 20, falls over 15.
  const track = Array.from({ length: 80 }, (_, t) => {
    const v =
      t < 10
        ? 0.1
        : t < 20
          ? 0.1 + (0.8 * (t - 10)) / 10
          : t < 40
            ? t === 30
              ? 0.92
              : 0.9
            : t < 55
              ? 0.9 - (0.8 * (t - 40)) / 15
              : 0.1;
    return Float32Array.of(0.05, v, 0);
  });
  const eps = findEpisodes(track);
  assert.equal(eps.length, 1);
  const ep = eps[0]!;
  assert.equal(ep.emotion, 1);
  assert.ok(ep.start >= 0 && ep.start <= 10 && ep.end >= 55, JSON.stringify(ep));
  const p = phasesOf(track.slice(ep.start, ep.end + 1).map((f) => f[1]!));
  assert.equal(p.onset, 20 - ep.start, JSON.stringify(p));
  assert.ok(p.hold >= 20 && p.hold <= 22 && p.offset >= 13, JSON.stringify(p));
  assert.deepEqual(findEpisodes(Array.from({ length: 50 }, () => Float32Array.of(0.5, 0.5, 0.5))), []);
  assert.deepEqual(findEpisodes(Array.from({ length: 50 }, (_, t) => Float32Array.of(t / 50, 0, 0))), []);
});

test('blinks: short dips of the closure are found, a long closure is not a blink', () => {
  const c = new Array<number>(100).fill(0.05);
  for (let t = 20; t < 26; t++) c[t] = 0.6;
  for (let t = 50; t < 80; t++) c[t] = 0.7;
  const b = findBlinks(c);
  assert.equal(b.length, 1);
  assert.equal(b[0]!.start, 20);
  assert.equal(b[0]!.frames, 6);
});

test('feature frames keep both sides of every AU but the blink, with head and gaze', () => {
  const row = ACTION_UNITS.flatMap((au, k) => [k * 0.1, au === 12 ? 2 : k * 0.05]);
  const f = featureFrame(row, [1, 2, 3], [0.1, -0.2]);
  assert.equal(f.length, FEATURES);
  const back = featureAUs(f);
  assert.ok(Math.abs(back.left[12]! - row[2 * ACTION_UNITS.indexOf(12)]!) < 1e-6);
  assert.ok(Math.abs(back.right[12]! - 2) < 1e-6);
  assert.equal(back.left[45], undefined);
  assert.deepEqual(
    Array.from(f.slice(-5)).map((v) => Math.round(v * 10) / 10),
    [1, 2, 3, 0.1, -0.2],
  );
});

test('emotion coordinates recover the emotion intensities that made an AU frame', () => {
  // The coordinates are in the edit's apexes (emotionVector: what `vivify edit --emotion X=1` applies).
  for (const e of EXPRESSIVE_EMOTIONS) {
    const row = emotionVector(e).map((v) => 0.7 * v);
    const c = emotionCoordinates(row);
    const k = EXPRESSIVE_EMOTIONS.indexOf(e);
    assert.ok(
      c[k]! > 0.55 && c.every((v, j) => j === k || v < c[k]! / 2),
      `${e}: ${c.map((v) => v.toFixed(2)).join(' ')}`,
    );
  }
});

test('resampling keeps the duration; smoothing keeps constants and flattens noise', () => {
  const frames = Array.from({ length: 30 }, (_, t) => Float32Array.of(t));
  const r = resample(frames, 30, 25);
  assert.equal(r.length, 25);
  assert.ok(Math.abs(r[10]![0]! - 12) < 1e-6);
  const flat = smoothFrames(
    Array.from({ length: 20 }, () => Float32Array.of(3)),
    2,
  );
  assert.ok(flat.every((f) => Math.abs(f[0]! - 3) < 1e-6));
  const rng = createRandom(2);
  const noisy = Array.from({ length: 200 }, () => Float32Array.of(rng.normal()));
  const sd = (v: Float32Array[]): number => Math.sqrt(v.reduce((s, f) => s + f[0]! ** 2, 0) / v.length);
  assert.ok(sd(smoothFrames(noisy, 2)) < 0.5 * sd(noisy));
});
