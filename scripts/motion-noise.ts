/**
 * The generator's residual noise, fitted by moments (used by scripts/train-motion.ts): per label and
 * feature, a band-limited process — an AR(1) x_t = ρ x_{t−1} + σ√(1 − ρ²) ε_t or Gaussian-smoothed white
 * noise, with its slow part (a Gaussian average over ±1.5 s) removed, so it adds motion within a second or
 * two but never drifts — whose variance
 * and correlation make samples of the decoder's mean plus the noise match the label's training clips in
 * mean spread and frame-to-frame change within 32-frame windows, after the same smoothing as measured curves.
 */
import { HIGH_PASS_SIGMA, highPass, smoothSeries } from '../src/generate/generate.js';
import { MEASUREMENT_SMOOTHING } from '../src/generate/dataset.js';
import { FEATURES, smoothFrames } from '../src/generate/features.js';
import { createRandom, type Random } from '../src/generate/random.js';

const W = 32;

/** Per feature: mean within-window variance and mean absolute frame-to-frame change over 32-frame windows. */
export function windowMoments(seqs: readonly Float32Array[][]): { v: number[]; d: number[] } {
  const F = seqs[0]![0]!.length;
  const v = new Array<number>(F).fill(0);
  const d = new Array<number>(F).fill(0);
  let n = 0;
  for (const q of seqs) {
    for (let o = 0; o + W <= q.length; o += W / 2) {
      n++;
      for (let k = 0; k < F; k++) {
        let m = 0;
        for (let t = 0; t < W; t++) m += q[o + t]![k]! / W;
        let vv = 0;
        let dd = 0;
        for (let t = 0; t < W; t++) {
          vv += (q[o + t]![k]! - m) ** 2 / W;
          if (t) dd += Math.abs(q[o + t]![k]! - q[o + t - 1]![k]!) / (W - 1);
        }
        v[k]! += vv;
        d[k]! += dd;
      }
    }
  }
  return { v: v.map((x) => x / Math.max(1, n)), d: d.map((x) => x / Math.max(1, n)) };
}

/**
 * The family of unit processes the fit picks from, from rough to smooth: AR(1)s (speech-like jitter) and
 * Gaussian-smoothed white noise (head turns and gaze shifts are smooth within their second or two; an
 * AR(1), even of correlation 0.99, is far rougher than they are).
 */
const GRID: { rho: number; smooth: number }[] = [
  ...[0.99, 0.98, 0.97, 0.95, 0.93, 0.9, 0.85, 0.8, 0.7, 0.5, 0.3, 0].map((rho) => ({ rho, smooth: 0 })),
  ...[0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8].map((smooth) => ({ rho: 0, smooth })),
];
let unitCache: { rho: number; smooth: number; v: number; d: number }[] | undefined;

/** Moments of unit band-limited noise, smoothed like measured curves, for every process of the family. */
function unitNoise(): { rho: number; smooth: number; v: number; d: number }[] {
  unitCache ??= GRID.map(({ rho, smooth }) => {
    const rng = createRandom(1000 + Math.round(rho * 1000) + Math.round(smooth * 100) * 7);
    const seqs: Float32Array[][] = [];
    for (let s = 0; s < 60; s++) {
      let x = rng.normal();
      const raw: number[] = [];
      for (let t = 0; t < 144; t++) {
        if (t) x = rho * x + Math.sqrt(1 - rho * rho) * rng.normal();
        raw.push(x);
      }
      seqs.push(
        smoothFrames(
          highPass(smoothSeries(raw, smooth), HIGH_PASS_SIGMA).map((v) => Float32Array.of(v)),
          MEASUREMENT_SMOOTHING,
        ),
      );
    }
    const m = windowMoments(seqs);
    return { rho, smooth, v: m.v[0]!, d: m.d[0]! };
  });
  return unitCache;
}

/**
 * Fits one label's noise. `real`: the label's training sequences (normalised); `decode(rng)`: a 96-frame
 * sample of the decoder's mean for the label (normalised, smoothed).
 */
export function fitNoise(
  real: readonly Float32Array[][],
  decode: (rng: Random) => Float32Array[],
  seed: number,
): { rho: number[]; sigma: number[]; smooth: number[] } {
  const r = windowMoments(real);
  const g = windowMoments(Array.from({ length: 8 }, (_, i) => decode(createRandom(seed * 7919 + i))));
  const unit = unitNoise();
  const rho: number[] = [];
  const sigma: number[] = [];
  const smooth: number[] = [];
  for (let k = 0; k < FEATURES; k++) {
    const needV = Math.max(0, r.v[k]! - g.v[k]!);
    const needD2 = Math.max(0, r.d[k]! ** 2 - g.d[k]! ** 2);
    if (needV <= 1e-6) {
      rho.push(0.9);
      sigma.push(0);
      smooth.push(0);
      continue;
    }
    // The process whose change-to-spread ratio matches what is missing, then the scale.
    const want = Math.max(1e-6, needD2) / needV;
    const miss = (u: { v: number; d: number }): number => Math.abs(Math.log((u.d * u.d) / u.v / want));
    let best = unit[0]!;
    for (const u of unit) if (miss(u) < miss(best)) best = u;
    rho.push(best.rho);
    smooth.push(best.smooth);
    sigma.push(Number(Math.sqrt(needV / best.v).toFixed(4)));
  }
  return { rho, sigma, smooth };
}

/**
 * Corrects a fitted noise by simulation: samples with the noise (`sample(rng)`, normalised) against the
 * label's real sequences, `rounds` times. Each feature's process moves to the one of the family whose
 * change-to-spread ratio is off by the factor the samples' ratio is off from the real one, and its scale
 * is multiplied by √(real / sampled within-window variance) (at most a factor of 2 either way per round).
 * The fit adds the decoder's and the noise's moments as if independent and Gaussian; this makes what is
 * sampled match what was recorded.
 */
export function calibrateNoise(
  noise: { rho: number[]; sigma: number[]; smooth: number[] },
  real: readonly Float32Array[][],
  sample: (rng: Random) => Float32Array[],
  seed: number,
  rounds = 4,
): void {
  const r = windowMoments(real);
  const unit = unitNoise();
  const ratio = (u: { v: number; d: number }): number => (u.d * u.d) / u.v;
  for (let round = 0; round < rounds; round++) {
    const g = windowMoments(Array.from({ length: 8 }, (_, i) => sample(createRandom(seed * 104729 + i))));
    for (let k = 0; k < FEATURES; k++) {
      if (!(noise.sigma[k]! > 0) || !(g.v[k]! > 1e-9) || !(r.v[k]! > 1e-9)) continue;
      const cur = unit.find((u) => u.rho === noise.rho[k] && u.smooth === noise.smooth[k]) ?? unit[0]!;
      const want = ratio(cur) * (ratio({ v: r.v[k]!, d: r.d[k]! }) / Math.max(1e-9, ratio({ v: g.v[k]!, d: g.d[k]! })));
      let next = cur;
      for (const u of unit) if (Math.abs(Math.log(ratio(u) / want)) < Math.abs(Math.log(ratio(next) / want))) next = u;
      const f = Math.min(2, Math.max(0.5, Math.sqrt((r.v[k]! / g.v[k]!) * (cur.v / next.v))));
      noise.rho[k] = next.rho;
      noise.smooth[k] = next.smooth;
      noise.sigma[k] = Number((noise.sigma[k]! * f).toFixed(4));
    }
  }
}

/**
 * The level the samples miss: per feature, the mean of the label's real sequences minus the mean of the
 * samples (`sample(rng)`, normalised, with the fitted noise). Latents drawn from the prior are not quite
 * the ones the training clips were encoded to, so the decoder's mean drifts from the label's level (idle
 * samples kept their lips together — AU25 0.1 against the clips' 0.5); generation adds it back.
 */
export function levelOffset(
  real: readonly Float32Array[][],
  sample: (rng: Random) => Float32Array[],
  seed: number,
  samples = 16,
): number[] {
  const F = real[0]![0]!.length;
  const r = new Array<number>(F).fill(0);
  const g = new Array<number>(F).fill(0);
  let nr = 0;
  let ng = 0;
  for (const q of real) {
    for (const f of q) {
      nr++;
      f.forEach((v, k) => (r[k]! += v));
    }
  }
  for (let i = 0; i < samples; i++) {
    for (const f of sample(createRandom(seed * 15485863 + i))) {
      ng++;
      f.forEach((v, k) => (g[k]! += v));
    }
  }
  return r.map((v, k) => Number((v / Math.max(1, nr) - g[k]! / Math.max(1, ng)).toFixed(4)));
}

/** The standard deviation of `value(t)` (t in 0..length) within each window of `W` frames (stride W / 2). */
function windowSds(length: number, value: (t: number) => number, W: number): number[] {
  const out: number[] = [];
  for (let o = 0; o + W <= length; o += W / 2) {
    let m = 0;
    for (let t = 0; t < W; t++) m += value(o + t) / W;
    let v = 0;
    for (let t = 0; t < W; t++) v += (value(o + t) - m) ** 2 / W;
    out.push(Math.sqrt(v));
  }
  return out;
}

/** Per feature: the squared coefficient of variation, over 32-frame windows, of each window's spread. */
export function windowSpreadVariation(seqs: readonly Float32Array[][]): number[] {
  const F = seqs[0]![0]!.length;
  return Array.from({ length: F }, (_, k) => {
    const l = seqs.flatMap((q) => windowSds(q.length, (t) => q[t]![k]!, W));
    const m = l.reduce((a, b) => a + b, 0) / Math.max(1, l.length);
    const v = l.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, l.length);
    return m > 1e-9 ? v / (m * m) : 0;
  });
}

/**
 * Fits the activity gains' spreads τ (one per feature group, src/generate/generate.ts ACTIVITY_GROUPS): how
 * much more the spread varies from window to window in the real sequences than in the samples. A
 * log-normal gain of log-sd τ multiplies 1 + CV² of the spread by e^{τ²}, so τ² = log((1 + CV²real) /
 * (1 + CV²samples)), averaged over each group's features that carry noise.
 */
export function fitActivity(
  real: readonly Float32Array[][],
  sample: (rng: Random) => Float32Array[],
  groups: readonly [number, number][],
  sigma: readonly number[],
  seed: number,
): number[] {
  const r = windowSpreadVariation(real);
  const g = windowSpreadVariation(Array.from({ length: 12 }, (_, i) => sample(createRandom(seed * 6151 + i))));
  return groups.map(([from, to]) => {
    let sum = 0;
    let n = 0;
    for (let k = from; k < to; k++) {
      if (!(sigma[k]! > 0)) continue;
      sum += Math.max(0, Math.log((1 + r[k]!) / (1 + g[k]!)));
      n++;
    }
    return n ? Number(Math.min(1, Math.sqrt(sum / n)).toFixed(4)) : 0;
  });
}

/** Frames of the windows the head's sway is fitted on: 4 s, as the talking figures measure head motion. */
const SWAY_WINDOW = 100;

/**
 * Fits the head's sway (src/generate/sample-features.ts, `slow`): per feature of `features`, the scale of
 * smooth unit noise (`unit(rng, frames)`) which, added to the samples (`sample(rng)`, normalised, with the
 * fitted residual), makes their mean spread within 4-s windows that of the label's real sequences — found
 * by bisection on fixed draws. 0 where the samples already move as much, or no real sequence is 4 s long.
 * Many samples: the activity gain drawn once per sample makes some samples far busier than others (with 8,
 * the mean spread of the head varies by a fifth from one set of seeds to another).
 */
export function fitSway(
  real: readonly Float32Array[][],
  sample: (rng: Random) => Float32Array[],
  unit: (rng: Random, frames: number) => number[],
  features: readonly number[],
  seed: number,
  samples = 48,
): number[] {
  const base = Array.from({ length: samples }, (_, i) => sample(createRandom(seed * 7727 + i)));
  const slow = new Array<number>(base[0]![0]!.length).fill(0);
  const meanOf = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
  for (const k of features) {
    const target = meanOf(real.flatMap((q) => windowSds(q.length, (t) => q[t]![k]!, SWAY_WINDOW)));
    const column = base.map((q) => Float64Array.from(q, (f) => f[k]!));
    const noise = base.map((q, i) => unit(createRandom(seed * 3571 + 97 * k + i), q.length));
    const spread = (scale: number): number =>
      meanOf(column.flatMap((c, i) => windowSds(c.length, (t) => c[t]! + scale * noise[i]![t]!, SWAY_WINDOW)));
    if (!(target > spread(0))) continue;
    let lo = 0;
    let hi = 1;
    while (spread(hi) < target && hi < 64) hi *= 2;
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      if (spread(mid) < target) lo = mid;
      else hi = mid;
    }
    slow[k] = Number(((lo + hi) / 2).toFixed(4));
  }
  return slow;
}
