/**
 * The motion model: every face is a head pose (a similarity transform) and a shape in the canonical face
 * frame (identity + expression). Retargeting moves the source's pose and shape by the driver's — its changes
 * from a reference frame (relative) or its own values (absolute) — and the result is projected back into
 * the source image. Pure functions on typed arrays.
 */
import { CANONICAL_FACE, estimatePose, toCanonicalFrame } from '../face/measures.js';
import { applySimilarity, multiply3, scaleRotation, transpose3, type Similarity } from '../face/pose.js';
import { GROUPS, LANDMARK_COUNT, LEFT_IRIS, LM, MESH_POINTS, RIGHT_IRIS } from '../face/topology.js';
import type { FaceResult } from '../face/types.js';
import { expressionBasis } from '../face/expression-basis.js';
import type { ActionUnit } from '../face/action-units.js';
import { expandLidClosure, lidOpeningRatio, transferLidOpening } from './lid-transfer.js';

/** A face as the motion model sees it. */
export interface FaceState {
  pose: Similarity;
  /** 478 × xyz in the canonical frame: identity shape + expression. */
  canon: Float32Array;
  /** Offsets of the renderer's ring vertices (hair, neck, background) in the head frame, xy pairs (see surround.ts). */
  surround?: Float32Array;
}

export function faceState(face: Pick<FaceResult, 'landmarks' | 'pose'>): FaceState {
  return {
    pose: { rotation: face.pose.rotation, translation: face.pose.translation, scale: face.pose.scale },
    canon: toCanonicalFrame(face.landmarks, face.pose),
  };
}

/** Decomposes raw landmarks (fits the pose first). */
export function stateFromLandmarks(landmarks: Float32Array): FaceState {
  return faceState({ landmarks, pose: estimatePose(landmarks) });
}

/** Landmarks in image pixels (x, y) and depth (z) for a state. */
export function projectState(state: FaceState): Float32Array {
  return applySimilarity(state.pose, state.canon);
}

export type Region = 'pose' | 'eyes' | 'brows' | 'lips';
export type RegionSelection = 'all' | 'pose' | 'expression' | 'eyes' | 'brows' | 'lips';

export interface RetargetOptions {
  /** relative: apply the driver's changes from its reference frame; absolute: take its pose and expression. */
  mode: 'relative' | 'absolute';
  /** What to transfer. Default ['all'] (pose and every part of the expression). */
  regions: readonly RegionSelection[];
  /** Per-part weights of the expression, multiplied with `expressionScale`. Default 1 each. */
  weights: Partial<Record<'eyes' | 'brows' | 'lips' | 'other', number>>;
  /** Multiplies expression motion. Default 1. */
  expressionScale: number;
  /** Multiplies head rotation, translation and scale changes. Default 1. */
  poseScale: number;
}

export const DEFAULT_RETARGET: RetargetOptions = {
  mode: 'relative',
  regions: ['all'],
  weights: {},
  expressionScale: 1,
  poseScale: 1,
};

/**
 * Soft membership of every landmark in the expression parts, from its place on the canonical face:
 * lips (everything below the nose base, so the jaw follows the mouth), eyes (lids, the skin around them,
 * irises), brows, and the rest (cheeks, nose). The four sum to 1 at every point.
 */
export const PART_WEIGHTS: Readonly<Record<'eyes' | 'brows' | 'lips' | 'other', Float32Array>> = (() => {
  const c = CANONICAL_FACE;
  const y = (i: number): number => c[3 * i + 1]!;
  const eyePts = [
    ...GROUPS.rightEyeUpper0,
    ...GROUPS.rightEyeLower0,
    ...GROUPS.rightEyeUpper1,
    ...GROUPS.rightEyeLower1,
    ...GROUPS.leftEyeUpper0,
    ...GROUPS.leftEyeLower0,
    ...GROUPS.leftEyeUpper1,
    ...GROUPS.leftEyeLower1,
  ];
  const browPts = [
    ...GROUPS.rightEyebrowUpper,
    ...GROUPS.rightEyebrowLower,
    ...GROUPS.leftEyebrowUpper,
    ...GROUPS.leftEyebrowLower,
  ];
  const near = (i: number, set: readonly number[], sigma: number): number => {
    let d2 = Infinity;
    for (const j of set) d2 = Math.min(d2, (c[3 * i]! - c[3 * j]!) ** 2 + (c[3 * i + 1]! - c[3 * j + 1]!) ** 2);
    return Math.exp(-d2 / (2 * sigma * sigma));
  };
  const noseBase = y(LM.noseBottom);
  const out = {
    eyes: new Float32Array(LANDMARK_COUNT),
    brows: new Float32Array(LANDMARK_COUNT),
    lips: new Float32Array(LANDMARK_COUNT),
    other: new Float32Array(LANDMARK_COUNT),
  };
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const lips = 1 / (1 + Math.exp(-(y(i) - noseBase - 0.04) / 0.03));
    const eyes = i >= MESH_POINTS ? 1 : near(i, eyePts, 0.06);
    const brows = near(i, browPts, 0.05);
    const raw = { lips, eyes: eyes * (1 - lips), brows: brows * (1 - lips) * (1 - eyes) };
    const other = Math.max(0, 1 - raw.lips - raw.eyes - raw.brows);
    const sum = raw.lips + raw.eyes + raw.brows + other;
    out.lips[i] = raw.lips / sum;
    out.eyes[i] = raw.eyes / sum;
    out.brows[i] = raw.brows / sum;
    out.other[i] = other / sum;
  }
  return out;
})();

/** The expression gain of each part (eyes, brows, lips, other) from the selected regions and weights. */
export function expressionPartGains(options: RetargetOptions): Record<ExpressionPart, number> {
  const sel = new Set(options.regions);
  const all = sel.has('all') || sel.has('expression');
  const part = (name: ExpressionPart): number => {
    const on = all || (name !== 'other' && sel.has(name));
    return on ? (options.weights[name] ?? 1) * options.expressionScale : 0;
  };
  return { eyes: part('eyes'), brows: part('brows'), lips: part('lips'), other: part('other') };
}

export type ExpressionPart = 'eyes' | 'brows' | 'lips' | 'other';

/** The part of the face each action unit belongs to (for per-part weights of AU-driven effects). */
export const AU_PART: Record<ActionUnit, ExpressionPart> = {
  1: 'brows',
  2: 'brows',
  4: 'brows',
  5: 'eyes',
  6: 'eyes',
  7: 'eyes',
  9: 'other',
  10: 'lips',
  12: 'lips',
  14: 'lips',
  15: 'lips',
  17: 'lips',
  20: 'lips',
  23: 'lips',
  25: 'lips',
  26: 'lips',
  45: 'eyes',
};

/** Per-landmark expression gain from the selected regions and weights. */
export function expressionGains(options: RetargetOptions): Float32Array {
  const g = expressionPartGains(options);
  const out = new Float32Array(LANDMARK_COUNT);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    out[i] =
      PART_WEIGHTS.eyes[i]! * g.eyes +
      PART_WEIGHTS.brows[i]! * g.brows +
      PART_WEIGHTS.lips[i]! * g.lips +
      PART_WEIGHTS.other[i]! * g.other;
  }
  return out;
}

function transfersPose(options: RetargetOptions): boolean {
  return options.regions.includes('all') || options.regions.includes('pose');
}

/**
 * The target state for one driving frame. `reference` is the driver's reference frame (relative mode);
 * in absolute mode it is unused for the expression and the head takes the driver's rotation.
 */
export function retarget(
  source: FaceState,
  reference: FaceState,
  driverIn: FaceState,
  options: RetargetOptions,
  gains = expressionGains(options),
): FaceState {
  // The landmark models report about half of a blink: restore the driver's lid travel first.
  const driver: FaceState = { ...driverIn, canon: expandLidClosure(driverIn.canon, reference.canon) };
  const canon = Float32Array.from(source.canon);
  if (options.mode === 'relative') {
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      const g = gains[i]!;
      if (g === 0) continue;
      for (let k = 0; k < 3; k++) canon[3 * i + k]! += g * (driver.canon[3 * i + k]! - reference.canon[3 * i + k]!);
    }
    // The lid opening as a ratio of the source's own (the displacement alone can make lids cross).
    const lids = transferLidOpening(
      canon,
      source.canon,
      lidOpeningRatio(driver.canon, reference.canon),
      gains[LM.rightEyeTop]!,
    );
    canon.set(lids);
  } else {
    // Expression as coordinates in the learned expression basis, which carries little identity.
    const basis = expressionBasis();
    const delta = basis.reconstruct(basis.subtract(basis.project(driver.canon), basis.project(source.canon)));
    for (let i = 0; i < MESH_POINTS; i++) {
      const g = gains[i]!;
      for (let k = 0; k < 3; k++) canon[3 * i + k]! += g * delta[3 * i + k]!;
    }
    setAbsoluteIrises(canon, source.canon, driver.canon, gains);
  }
  const pose = transfersPose(options) ? retargetPose(source.pose, reference.pose, driver.pose, options) : source.pose;
  let surround: Float32Array | undefined;
  if (driver.surround && transfersPose(options)) {
    const k = options.poseScale;
    surround = driver.surround.map((v, i) => k * (v - (reference.surround?.[i] ?? 0)));
  }
  return { pose, canon, surround };
}

/** Irises in absolute mode: the driver's iris offset within its eye, over its eye width, on the target's eye. */
function setAbsoluteIrises(
  target: Float32Array,
  source: Float32Array,
  driver: Float32Array,
  gains: Float32Array,
): void {
  for (const [iris, outer, inner] of [
    [LEFT_IRIS, LM.leftEyeOuter, LM.leftEyeInner],
    [RIGHT_IRIS, LM.rightEyeOuter, LM.rightEyeInner],
  ] as const) {
    const centre = (c: Float32Array, k: number): number => (c[3 * outer + k]! + c[3 * inner + k]!) / 2;
    const width = (c: Float32Array): number =>
      Math.hypot(c[3 * outer]! - c[3 * inner]!, c[3 * outer + 1]! - c[3 * inner + 1]!);
    const s = width(target) / (width(driver) || 1);
    for (const i of iris) {
      const g = gains[i]!;
      for (let k = 0; k < 2; k++) {
        const want = centre(target, k) + (driver[3 * i + k]! - centre(driver, k)) * s;
        const had = centre(target, k) + (source[3 * i + k]! - centre(source, k));
        target[3 * i + k] = had + g * (want - had);
      }
    }
  }
}

function retargetPose(
  source: Similarity,
  reference: Similarity,
  driver: Similarity,
  options: RetargetOptions,
): Similarity {
  const k = options.poseScale;
  let rotation: number[];
  if (options.mode === 'relative') {
    const delta = multiply3(driver.rotation, transpose3(reference.rotation));
    rotation = multiply3(scaleRotation(delta, k), source.rotation);
  } else {
    rotation = multiply3(scaleRotation(multiply3(driver.rotation, transpose3(source.rotation)), k), source.rotation);
  }
  const scale = source.scale * Math.pow(driver.scale / reference.scale, k);
  const f = (source.scale / reference.scale) * k;
  const translation: [number, number, number] = [
    source.translation[0] + (driver.translation[0] - reference.translation[0]) * f,
    source.translation[1] + (driver.translation[1] - reference.translation[1]) * f,
    source.translation[2] + (driver.translation[2] - reference.translation[2]) * f,
  ];
  return { rotation, scale, translation };
}

/**
 * How different two faces look in pose and expression (for choosing the driving frame closest to the
 * source, FOMM's `find_best_frame`): head-rotation angle in radians plus the RMS landmark distance in
 * canonical units over the expressive points, with identity removed by comparing in the expression basis.
 */
export function stateDistance(a: FaceState, b: FaceState): number {
  const rel = multiply3(a.pose.rotation, transpose3(b.pose.rotation));
  const angle = Math.acos(Math.max(-1, Math.min(1, (rel[0]! + rel[4]! + rel[8]! - 1) / 2)));
  const basis = expressionBasis();
  const d = basis.subtract(basis.project(a.canon), basis.project(b.canon));
  let e = 0;
  for (const v of d) e += v * v;
  return angle + Math.sqrt(e / MESH_POINTS);
}
