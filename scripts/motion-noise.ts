/**
 * The generator's residual noise, fitted by moments (used by scripts/train-motion.ts): per label and
 * feature, a band-limited AR(1) process — x_t = ρ x_{t−1} + σ√(1 − ρ²) ε_t with its slow part (a Gaussian
 * average over ±1.5 s) removed, so it adds motion within a second or two but never drifts — whose variance
 * and correlation make samples of the decoder's mean plus the noise match the label's training clips in
 * mean spread and frame-to-frame change within 32-frame windows, after the same smoothing as measured curves.
 */
import { HIGH_PASS_SIGMA, highPass } from '../src/motion/generate.js';
import { MEASUREMENT_SMOOTHING } from '../src/motion/motion-dataset.js';
import { FEATURES, smoothFrames } from '../src/motion/motion-features.js';
import { createRandom, type Random } from '../src/motion/random.js';

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

const GRID = [0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99];
let unitCache: { rho: number; v: number; d: number }[] | undefined;

/** Moments of unit band-limited noise, smoothed like measured curves, for a grid of correlations. */
function unitNoise(): { rho: number; v: number; d: number }[] {
  unitCache ??= GRID.map((rho) => {
    const rng = createRandom(1000 + Math.round(rho * 1000));
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
          highPass(raw, HIGH_PASS_SIGMA).map((v) => Float32Array.of(v)),
          MEASUREMENT_SMOOTHING,
        ),
      );
    }
    const m = windowMoments(seqs);
    return { rho, v: m.v[0]!, d: m.d[0]! };
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
): { rho: number[]; sigma: number[] } {
  const r = windowMoments(real);
  const g = windowMoments(Array.from({ length: 8 }, (_, i) => decode(createRandom(seed * 7919 + i))));
  const unit = unitNoise();
  const rho: number[] = [];
  const sigma: number[] = [];
  for (let k = 0; k < FEATURES; k++) {
    const needV = Math.max(0, r.v[k]! - g.v[k]!);
    const needD2 = Math.max(0, r.d[k]! ** 2 - g.d[k]! ** 2);
    if (needV <= 1e-6) {
      rho.push(0.9);
      sigma.push(0);
      continue;
    }
    // The correlation whose change-to-spread ratio matches what is missing, then the scale.
    const want = needD2 / needV;
    const miss = (u: { v: number; d: number }): number => Math.abs(Math.log((u.d * u.d) / u.v / want));
    let best = unit[0]!;
    for (const u of unit) if (miss(u) < miss(best)) best = u;
    rho.push(best.rho);
    sigma.push(Number(Math.sqrt(needV / best.v).toFixed(4)));
  }
  return { rho, sigma };
}
