/**
 * Action-unit estimation: the face model's AU fields (src/face/action-units.ts) run backwards. The shape
 * change from a neutral reference is fitted with non-negative intensities on the AUs' response fields —
 * what the landmark models report of each rendered AU (src/analysis/au-response.ts, measured by
 * scripts/calibrate-aus.ts) — so the intensities are the ones the renderer must apply to reproduce the face.
 */
import { ACTION_UNITS, AU_MAX, auFields, type ActionUnit, type AuField } from '../face/action-units.js';
import { expressionBasis } from '../face/expression-basis.js';
import { mouthAperture } from '../face/measures.js';
import { MESH_POINTS } from '../face/topology.js';
import { responseFields } from './au-response.js';

export interface AuEstimate {
  /** Mean of the two sides, 0–5. */
  intensity: Record<ActionUnit, number>;
  left: Record<ActionUnit, number>;
  right: Record<ActionUnit, number>;
  /** RMS of what the AUs do not explain, canonical units per point. */
  residual: number;
  /**
   * The lips are apart (inner-lip gap ≥ {@link LIPS_APART} of the mouth's width): teeth or the mouth's
   * interior show, which the warp cannot cover again, so edits leave the mouth's actions as they are.
   */
  lipsApart?: boolean;
}

/** Inner-lip gap over inner mouth width above which the lips count as apart. */
const LIPS_APART = 0.08;

/**
 * AU intensities of a face from its canonical shape and a neutral reference of the same person: the shape
 * change is fitted by least squares on the 34 one-sided fields, box-constrained (an exact active-set solve,
 * intensities clamped to [0, 5]). Only the 468 mesh points are used; irises move with gaze, not AUs.
 * Without a neutral reference the change is taken from the average face and first projected onto the
 * learned within-person expression subspace, which removes most of what makes faces differ from each
 * other (see docs/expression.md).
 */
export interface EstimateOptions {
  /**
   * Fit with the response fields — how the landmark models report each action (measured by
   * scripts/calibrate-aus.ts: some are under-reported, some read partly as motion elsewhere) — so the
   * intensities of an analysed face match the intensities the renderer applies. Default true; false fits
   * the AU fields themselves, the exact inverse of applyAUs on meshes.
   */
  calibrated?: boolean;
}

export function estimateAUs(canon: Float32Array, neutral?: Float32Array, options: EstimateOptions = {}): AuEstimate {
  const calibrated = (options.calibrated ?? true) && responseFields() !== undefined;
  const F = calibrated ? responseFields()! : auFields();
  const n = F.length;
  const D = MESH_POINTS * 3;
  let delta = new Float64Array(D);
  if (neutral) {
    for (let i = 0; i < D; i++) delta[i] = canon[i]! - neutral[i]!;
  } else {
    // No neutral face of this person: measure from the average face, keeping only the part of the
    // difference that lies in the within-person expression subspace (identity mostly lies outside it).
    const basis = expressionBasis();
    const d = basis.reconstruct(basis.project(canon));
    delta = Float64Array.from(d);
  }
  // Normal equations: G a = b with G = FᵀF (fixed, built once), b = Fᵀδ, fields in intensity-1 units.
  const G = gram(F, calibrated);
  const max = AU_MAX;
  const b = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const fp = F[p]!.field;
    let s = 0;
    for (let i = 0; i < D; i++) s += fp[i]! * delta[i]!;
    b[p] = s / max;
  }
  const a = boxLeastSquares(G, b, n, max);
  // What the fit leaves: δ minus the fields at the fitted intensities.
  const left = Float64Array.from(delta);
  for (let p = 0; p < n; p++) {
    const k = a[p]! / max;
    if (k === 0) continue;
    const fp = F[p]!.field;
    for (let i = 0; i < D; i++) left[i]! -= k * fp[i]!;
  }
  let res = 0;
  for (let i = 0; i < D; i++) res += left[i]! ** 2;
  const leftAUs = {} as Record<ActionUnit, number>;
  const rightAUs = {} as Record<ActionUnit, number>;
  const intensity = {} as Record<ActionUnit, number>;
  F.forEach((f, p) => ((f.side === 'left' ? leftAUs : rightAUs)[f.au] = a[p]!));
  for (const au of ACTION_UNITS) intensity[au] = (leftAUs[au] + rightAUs[au]) / 2;
  return {
    intensity,
    left: leftAUs,
    right: rightAUs,
    residual: Math.sqrt(res / MESH_POINTS),
    lipsApart: mouthAperture(canon).open >= LIPS_APART,
  };
}

const gramCache = new Map<readonly AuField[], Float64Array>();
/**
 * FᵀF of the fields in intensity-1 units. For the response fields a small ridge is added: some AUs show the
 * landmark models little (the cheek raiser), and the ridge keeps noise from reading as much of them.
 */
function gram(F: readonly AuField[], ridge: boolean): Float64Array {
  const hit = gramCache.get(F);
  if (hit) return hit;
  const n = F.length;
  const D = MESH_POINTS * 3;
  const G = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = p; q < n; q++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += F[p]!.field[i]! * F[q]!.field[i]!;
      G[p * n + q] = G[q * n + p] = s / (AU_MAX * AU_MAX);
    }
  }
  if (ridge) {
    let mean = 0;
    for (let p = 0; p < n; p++) mean += G[p * n + p]! / n;
    for (let p = 0; p < n; p++) G[p * n + p]! += AU_RIDGE * mean;
  }
  gramCache.set(F, G);
  return G;
}

/** Ridge weight, relative to the mean response energy per unit intensity. */
export const AU_RIDGE = 0.02;

/**
 * min ½aᵀGa − bᵀa subject to 0 ≤ a ≤ max, exactly, by an active-set method: the AUs not held at a bound are
 * solved for together (a Cholesky solve of G restricted to them, the held ones fixed); a step that would cross
 * a bound stops there and holds that AU; when the free AUs' solution lies inside the box, a held AU whose
 * gradient points into the box is released (the one that gains most first), until none is — the
 * Karush–Kuhn–Tucker conditions. G is small (one row per AU and side) and positive definite, so this ends in
 * a few dozen solves. Cyclic coordinate descent, used before, needed over a thousand sweeps on a real face
 * (the AU fields overlap, so single-coordinate steps crawl) and stopped short of the minimum.
 */
function boxLeastSquares(G: Float64Array, b: Float64Array, n: number, max: number): Float64Array {
  const a = new Float64Array(n);
  /** 0: free; −1: held at 0; +1: held at max. Start with every AU held at 0 (the feasible origin). */
  const held = new Int8Array(n).fill(-1);
  const solution = new Float64Array(n);
  // Gradients below this are rounding, not a direction to move in (releasing on them can cycle).
  let tolerance = 0;
  for (let p = 0; p < n; p++) tolerance = Math.max(tolerance, Math.abs(b[p]!) * 1e-9);
  for (let iter = 0; iter < 10 * n; iter++) {
    // Solve for the free AUs with the held ones at their bounds.
    const free: number[] = [];
    for (let p = 0; p < n; p++) if (held[p] === 0) free.push(p);
    solveFree(G, b, n, a, free, solution);
    // Step from a towards the free solution, as far as the box allows.
    let t = 1;
    let blocking = -1;
    for (const p of free) {
      const target = solution[p]!;
      const s = target < 0 ? a[p]! / (a[p]! - target) : target > max ? (max - a[p]!) / (target - a[p]!) : 1;
      if (s < t) [t, blocking] = [s, p];
    }
    for (const p of free) a[p] = Math.max(0, Math.min(max, a[p]! + t * (solution[p]! - a[p]!)));
    if (blocking >= 0) {
      // Held at the bound its solution lay beyond.
      held[blocking] = solution[blocking]! < 0 ? -1 : 1;
      a[blocking] = held[blocking] === -1 ? 0 : max;
      continue;
    }
    // Inside the box: release the held AU whose gradient most wants into it, if any.
    let release = -1;
    let most = tolerance;
    for (let p = 0; p < n; p++) {
      if (held[p] === 0) continue;
      let g = -b[p]!;
      for (let q = 0; q < n; q++) g += G[p * n + q]! * a[q]!;
      const gain = held[p] === -1 ? -g : g;
      if (gain > most) [most, release] = [gain, p];
    }
    if (release < 0) return a;
    held[release] = 0;
  }
  return a;
}

/**
 * Into `out` (at the indices `free`): the minimiser of ½aᵀGa − bᵀa over the free AUs, the others fixed at
 * their values in `a` — G_FF x = b_F − G_FH a_H, by Cholesky (G is positive definite, so is G_FF).
 */
function solveFree(
  G: Float64Array,
  b: Float64Array,
  n: number,
  a: Float64Array,
  free: readonly number[],
  out: Float64Array,
): void {
  const m = free.length;
  if (m === 0) return;
  const L = new Float64Array(m * m);
  const r = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p = free[i]!;
    let v = b[p]!;
    for (let q = 0; q < n; q++) if (!free.includes(q)) v -= G[p * n + q]! * a[q]!;
    r[i] = v;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[free[i]! * n + free[j]!]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      L[i * m + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * m + j]!;
    }
  }
  // L y = r, then Lᵀ x = y.
  for (let i = 0; i < m; i++) {
    let s = r[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * r[k]!;
    r[i] = s / L[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = r[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * r[k]!;
    r[i] = s / L[i * m + i]!;
  }
  for (let i = 0; i < m; i++) out[free[i]!] = r[i]!;
}
