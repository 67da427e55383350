/**
 * Action-unit estimation: the face model's AU fields (src/face/action-units.ts) run backwards. The shape
 * change from a neutral reference is fitted with non-negative intensities, then corrected for how the
 * landmark models respond to each action (AU_RESPONSE, measured by scripts/calibrate-aus.ts).
 */
import { ACTION_UNITS, AU_MAX, auFields, type ActionUnit } from '../face/action-units.js';
import { expressionBasis } from '../face/expression-basis.js';
import { MESH_POINTS } from '../face/topology.js';
import { AU_RESPONSE } from './au-calibration-data.js';

export interface AuEstimate {
  /** Mean of the two sides, 0–5. */
  intensity: Record<ActionUnit, number>;
  left: Record<ActionUnit, number>;
  right: Record<ActionUnit, number>;
  /** RMS of what the AUs do not explain, canonical units per point. */
  residual: number;
}

/**
 * AU intensities of a face from its canonical shape and a neutral reference of the same person: the shape
 * change is fitted by non-negative least squares on the 34 one-sided fields (accelerated projected gradient,
 * intensities clamped to [0, 5]). Only the 468 mesh points are used; irises move with gaze, not AUs.
 * Without a neutral reference the change is taken from the average face and first projected onto the
 * learned within-person expression subspace, which removes most of what makes faces differ from each
 * other (see docs/expression.md).
 */
export interface EstimateOptions {
  /**
   * Correct for how the landmark models respond to each action (AU_RESPONSE, measured by
   * scripts/calibrate-aus.ts: some are under-reported, some read partly as others), so the intensities of
   * an analysed face match the intensities the renderer applied. Default true; false gives the exact
   * inverse of applyAUs on meshes.
   */
  calibrated?: boolean;
}

export function estimateAUs(canon: Float32Array, neutral?: Float32Array, options: EstimateOptions = {}): AuEstimate {
  const F = auFields();
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
  const G = gram();
  const b = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const fp = F[p]!.field;
    for (let i = 0; i < D; i++) b[p]! += (fp[i]! / AU_MAX) * delta[i]!;
  }
  const a = projectedGradientNnls(G, b, n, AU_MAX);
  let res = 0;
  for (let i = 0; i < D; i++) {
    let fit = 0;
    for (let p = 0; p < n; p++) fit += (a[p]! / AU_MAX) * F[p]!.field[i]!;
    res += (delta[i]! - fit) ** 2;
  }
  const left = {} as Record<ActionUnit, number>;
  const right = {} as Record<ActionUnit, number>;
  const intensity = {} as Record<ActionUnit, number>;
  F.forEach((f, p) => ((f.side === 'left' ? left : right)[f.au] = a[p]!));
  if ((options.calibrated ?? true) && AU_RESPONSE.length === ACTION_UNITS.length) {
    for (const side of [left, right]) {
      const t = invertResponse(ACTION_UNITS.map((au) => side[au]));
      ACTION_UNITS.forEach((au, k) => (side[au] = t[k]!));
    }
  }
  for (const au of ACTION_UNITS) intensity[au] = (left[au] + right[au]) / 2;
  return { intensity, left, right, residual: Math.sqrt(res / MESH_POINTS) };
}

/** The true intensities t ≥ 0 whose response AU_RESPONSE·t best matches the measured ones. */
function invertResponse(measured: number[]): Float64Array {
  const K = measured.length;
  const G = new Float64Array(K * K);
  const b = new Float64Array(K);
  for (let p = 0; p < K; p++) {
    for (let j = 0; j < K; j++) b[p]! += AU_RESPONSE[j]![p]! * measured[j]!;
    for (let q = 0; q < K; q++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += AU_RESPONSE[j]![p]! * AU_RESPONSE[j]![q]!;
      G[p * K + q] = s;
    }
  }
  return projectedGradientNnls(G, b, K, AU_MAX);
}

let gramCache: Float64Array | undefined;
function gram(): Float64Array {
  if (gramCache) return gramCache;
  const F = auFields();
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
  gramCache = G;
  return G;
}

/** min ½aᵀGa − bᵀa subject to 0 ≤ a ≤ max, by projected gradient descent with a Lipschitz step. */
function projectedGradientNnls(G: Float64Array, b: Float64Array, n: number, max: number): Float64Array {
  // Step 1/L with L ≥ the largest eigenvalue (Gershgorin bound).
  let L = 0;
  for (let p = 0; p < n; p++) {
    let row = 0;
    for (let q = 0; q < n; q++) row += Math.abs(G[p * n + q]!);
    L = Math.max(L, row);
  }
  const step = 1 / (L || 1);
  let a = new Float64Array(n);
  let y = new Float64Array(n);
  let t = 1;
  for (let it = 0; it < 3000; it++) {
    // Accelerated (FISTA) projected gradient.
    const next = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      let g = -b[p]!;
      for (let q = 0; q < n; q++) g += G[p * n + q]! * y[q]!;
      next[p] = Math.max(0, Math.min(max, y[p]! - step * g));
    }
    const t2 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let change = 0;
    for (let p = 0; p < n; p++) {
      y[p] = next[p]! + ((t - 1) / t2) * (next[p]! - a[p]!);
      change += Math.abs(next[p]! - a[p]!);
    }
    a = next;
    t = t2;
    if (change < 1e-7) break;
  }
  y = a;
  return y;
}
