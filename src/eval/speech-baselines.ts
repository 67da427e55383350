/**
 * Simple references for the audio → mouth model (scripts/speech-baselines.ts, docs/results/speech.md):
 * lagged correlation, the cross-correlation pooled over clips, and ridge regression on a context of
 * audio-feature frames. Pure: numbers in, numbers out.
 */
import { pearsonOrZero } from './speech-metrics.js';

/** The series standardised to zero mean and unit spread (all zeros when it is constant). */
export function zscore(v: ArrayLike<number>): number[] {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i]! / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[i]! - m) ** 2 / n;
  const sd = Math.sqrt(s);
  return Array.from({ length: n }, (_, i) => (sd > 0 ? (v[i]! - m) / sd : 0));
}

/** Correlation of `a[t]` with `b[t + lag]` over the frames both have. */
export function laggedCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, lag: number): number {
  const x: number[] = [];
  const y: number[] = [];
  for (let t = Math.max(0, -lag); t < a.length && t + lag < b.length; t++) {
    x.push(a[t]!);
    y.push(b[t + lag]!);
  }
  return pearsonOrZero(x, y);
}

/**
 * Cross-correlation of `a[t]` with `b[t + lag]` pooled over clips (each series standardised on its own,
 * every frame pair weighing the same), for each lag in −maxLag … maxLag.
 */
export function pooledCrossCorrelation(
  pairs: readonly { a: ArrayLike<number>; b: ArrayLike<number> }[],
  maxLag: number,
): { lag: number; r: number }[] {
  const z = pairs.map((p) => ({ a: zscore(p.a), b: zscore(p.b) }));
  const out: { lag: number; r: number }[] = [];
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let s = 0;
    let n = 0;
    for (const { a, b } of z)
      for (let t = Math.max(0, -lag); t < a.length && t + lag < b.length; t++) {
        s += a[t]! * b[t + lag]!;
        n++;
      }
    out.push({ lag, r: n ? s / n : 0 });
  }
  return out;
}

/** A clip for ridge regression: per-frame feature rows and the per-frame target. */
export interface RidgeClip {
  features: readonly ArrayLike<number>[];
  target: ArrayLike<number>;
}

export interface RidgeOptions {
  /** Frames of context before and after the predicted frame (edge frames repeat past the ends). */
  before: number;
  after: number;
  /** Feature columns used (all when omitted). */
  columns?: readonly number[];
  /** L2 penalty on the weights (not on the intercept). */
  lambda: number;
}

/** The row of stacked context features (and a trailing 1) for frame t of a clip. */
function contextRow(
  f: readonly ArrayLike<number>[],
  t: number,
  o: RidgeOptions,
  cols: readonly number[],
): Float64Array {
  const width = o.before + o.after + 1;
  const x = new Float64Array(width * cols.length + 1);
  for (let k = -o.before; k <= o.after; k++) {
    const row = f[Math.max(0, Math.min(f.length - 1, t + k))]!;
    const at = (k + o.before) * cols.length;
    cols.forEach((c, i) => (x[at + i] = row[c]!));
  }
  x[x.length - 1] = 1;
  return x;
}

/** Solves (A) w = b for a symmetric positive definite A (row-major, D × D) by Cholesky factorisation. */
export function solveSpd(A: Float64Array, b: Float64Array): Float64Array {
  const D = b.length;
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j]!;
      for (let k = 0; k < j; k++) s -= L[i * D + k]! * L[j * D + k]!;
      L[i * D + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * D + j]!;
    }
  const z = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * D + k]! * z[k]!;
    z[i] = s / L[i * D + i]!;
  }
  const w = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * w[k]!;
    w[i] = s / L[i * D + i]!;
  }
  return w;
}

export interface RidgeModel {
  options: RidgeOptions;
  weights: Float64Array;
  predict(features: readonly ArrayLike<number>[]): number[];
}

/** Fits ridge regression of the target on the features' context window, over all frames of all clips. */
export function fitRidge(clips: readonly RidgeClip[], options: RidgeOptions): RidgeModel {
  const F = clips[0]?.features[0]?.length ?? 0;
  const cols = options.columns ?? Array.from({ length: F }, (_, i) => i);
  const D = (options.before + options.after + 1) * cols.length + 1;
  const XtX = new Float64Array(D * D);
  const Xty = new Float64Array(D);
  for (const c of clips)
    for (let t = 0; t < c.features.length; t++) {
      const x = contextRow(c.features, t, options, cols);
      for (let i = 0; i < D; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        Xty[i]! += xi * c.target[t]!;
        for (let j = i; j < D; j++) XtX[i * D + j]! += xi * x[j]!;
      }
    }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) XtX[i * D + j] = XtX[j * D + i]!;
  for (let i = 0; i < D - 1; i++) XtX[i * D + i]! += options.lambda;
  const weights = solveSpd(XtX, Xty);
  return {
    options,
    weights,
    predict(features) {
      return features.map((_, t) => {
        const x = contextRow(features, t, options, cols);
        let s = 0;
        for (let i = 0; i < D; i++) s += x[i]! * weights[i]!;
        return s;
      });
    },
  };
}
