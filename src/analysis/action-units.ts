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
 * change is fitted by non-negative least squares on the 34 one-sided fields (accelerated projected gradient,
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
  const b = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const fp = F[p]!.field;
    for (let i = 0; i < D; i++) b[p]! += (fp[i]! / AU_MAX) * delta[i]!;
  }
  const a = boxLeastSquares(G, b, n, AU_MAX);
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
  for (const au of ACTION_UNITS) intensity[au] = (left[au] + right[au]) / 2;
  return {
    intensity,
    left,
    right,
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
    for (let p = 0; p < n; p++) G[p * n + p]! += RIDGE * mean;
  }
  gramCache.set(F, G);
  return G;
}

/** Ridge weight, relative to the mean response energy per unit intensity. */
const RIDGE = 0.02;

/**
 * min ½aᵀGa − bᵀa subject to 0 ≤ a ≤ max, by cyclic coordinate descent: each AU in turn set to its exact
 * minimiser given the others, clamped to the box (projected Gauss–Seidel). G is small (one row per AU and
 * side) and positive definite, so this converges to the unique minimiser in tens of sweeps of n² work —
 * where projected gradient with a Gershgorin step needed thousands of iterations (a third of a frame's
 * render time in reenactment, which estimates the driver's AUs every frame).
 */
function boxLeastSquares(G: Float64Array, b: Float64Array, n: number, max: number): Float64Array {
  const a = new Float64Array(n);
  for (let sweep = 0; sweep < 1000; sweep++) {
    let change = 0;
    for (let p = 0; p < n; p++) {
      const gpp = G[p * n + p]!;
      if (!(gpp > 0)) continue;
      let g = -b[p]!;
      for (let q = 0; q < n; q++) g += G[p * n + q]! * a[q]!;
      const v = Math.max(0, Math.min(max, a[p]! - g / gpp));
      change = Math.max(change, Math.abs(v - a[p]!));
      a[p] = v;
    }
    if (change < 1e-9) break;
  }
  return a;
}
