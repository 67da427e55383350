/**
 * The body skeleton Vivify works with: COCO-17 keypoints (MoveNet's order) in image pixels with a
 * confidence per joint, plus the kinematic tree used for retargeting and the bones the rig binds to.
 * Pure data and small geometry helpers.
 */

/** COCO-17 joint names, in index order (MoveNet, OpenPose-COCO, MMPose). */
export const JOINTS = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
] as const;

export const JOINT_COUNT = 17;

/** Joint indices by name. */
export const J = Object.fromEntries(JOINTS.map((n, i) => [n, i])) as Record<(typeof JOINTS)[number], number>;

/**
 * One person's pose in one frame: `x`, `y` in image pixels and `score` (0–1) per joint. A joint the
 * estimator did not see (or a skeleton file left out) has score 0.
 */
export interface BodyPose {
  x: Float32Array;
  y: Float32Array;
  score: Float32Array;
}

/** Confidence below which a joint counts as missing. */
export const MIN_JOINT_SCORE = 0.3;

export function emptyPose(): BodyPose {
  return { x: new Float32Array(JOINT_COUNT), y: new Float32Array(JOINT_COUNT), score: new Float32Array(JOINT_COUNT) };
}

export function clonePose(p: BodyPose): BodyPose {
  return { x: new Float32Array(p.x), y: new Float32Array(p.y), score: new Float32Array(p.score) };
}

export function seen(p: BodyPose, j: number, min = MIN_JOINT_SCORE): boolean {
  return p.score[j]! >= min;
}

/** Midpoint of two joints (score: the smaller of theirs). */
export function midpoint(p: BodyPose, a: number, b: number): { x: number; y: number; score: number } {
  return {
    x: (p.x[a]! + p.x[b]!) / 2,
    y: (p.y[a]! + p.y[b]!) / 2,
    score: Math.min(p.score[a]!, p.score[b]!),
  };
}

/** Virtual joints appended after the 17: the hips' midpoint (the root) and the shoulders' (the neck). */
export const ROOT = 17;
export const NECK = 18;
export const EXTENDED_COUNT = 19;

/** A pose with the two virtual joints appended (x, y, score over 19 joints). */
export function extendPose(p: BodyPose): BodyPose {
  const e: BodyPose = {
    x: new Float32Array(EXTENDED_COUNT),
    y: new Float32Array(EXTENDED_COUNT),
    score: new Float32Array(EXTENDED_COUNT),
  };
  e.x.set(p.x);
  e.y.set(p.y);
  e.score.set(p.score);
  const root = midpoint(p, J.leftHip, J.rightHip);
  const neck = midpoint(p, J.leftShoulder, J.rightShoulder);
  e.x[ROOT] = root.x;
  e.y[ROOT] = root.y;
  e.score[ROOT] = root.score;
  e.x[NECK] = neck.x;
  e.y[NECK] = neck.y;
  e.score[NECK] = neck.score;
  return e;
}

/**
 * Parent of each extended joint in the kinematic tree (−1: the root). The neck hangs from the root, the
 * head's points from the nose, the limbs from shoulders and hips.
 */
export const PARENT: readonly number[] = [
  NECK, // nose
  J.nose, // leftEye
  J.nose, // rightEye
  J.leftEye, // leftEar
  J.rightEye, // rightEar
  NECK, // leftShoulder
  NECK, // rightShoulder
  J.leftShoulder, // leftElbow
  J.rightShoulder, // rightElbow
  J.leftElbow, // leftWrist
  J.rightElbow, // rightWrist
  ROOT, // leftHip
  ROOT, // rightHip
  J.leftHip, // leftKnee
  J.rightHip, // rightKnee
  J.leftKnee, // leftAnkle
  J.rightKnee, // rightAnkle
  -1, // root
  ROOT, // neck
];

/** Joints ordered so that every parent comes before its children. */
export const TREE_ORDER: readonly number[] = (() => {
  const order: number[] = [];
  const visit = (j: number): void => {
    order.push(j);
    PARENT.forEach((p, c) => {
      if (p === j) visit(c);
    });
  };
  visit(ROOT);
  return order;
})();

/** The segments the rig binds skin to. Limbs are rigid segments between two joints. */
export type SegmentName =
  | 'torso'
  | 'head'
  | 'leftUpperArm'
  | 'leftForearm'
  | 'rightUpperArm'
  | 'rightForearm'
  | 'leftThigh'
  | 'leftShin'
  | 'rightThigh'
  | 'rightShin';

export interface Segment {
  name: SegmentName;
  /** Extended joint indices of its two ends. */
  from: number;
  to: number;
  /** How far the skin reaches past `to`, as a fraction of the segment's length (hands, feet, the skull). */
  extend: number;
  /** Drawing order: larger is drawn in front (arms over the torso). */
  layer: number;
  /** Index of the segment it hangs from (−1 for the torso). */
  parent: number;
}

export const SEGMENTS: readonly Segment[] = [
  { name: 'torso', from: ROOT, to: NECK, extend: 0, layer: 1, parent: -1 },
  { name: 'head', from: NECK, to: J.nose, extend: 0.6, layer: 2, parent: 0 },
  { name: 'leftUpperArm', from: J.leftShoulder, to: J.leftElbow, extend: 0, layer: 3, parent: 0 },
  { name: 'leftForearm', from: J.leftElbow, to: J.leftWrist, extend: 0.35, layer: 4, parent: 2 },
  { name: 'rightUpperArm', from: J.rightShoulder, to: J.rightElbow, extend: 0, layer: 3, parent: 0 },
  { name: 'rightForearm', from: J.rightElbow, to: J.rightWrist, extend: 0.35, layer: 4, parent: 4 },
  { name: 'leftThigh', from: J.leftHip, to: J.leftKnee, extend: 0, layer: 0, parent: 0 },
  { name: 'leftShin', from: J.leftKnee, to: J.leftAnkle, extend: 0.25, layer: 0, parent: 6 },
  { name: 'rightThigh', from: J.rightHip, to: J.rightKnee, extend: 0, layer: 0, parent: 0 },
  { name: 'rightShin', from: J.rightKnee, to: J.rightAnkle, extend: 0.25, layer: 0, parent: 8 },
];

/** True when segments a and b touch in the skeleton (one hangs from the other, or both from the same one). */
export function segmentsAdjacent(a: number, b: number): boolean {
  if (a === b) return true;
  const sa = SEGMENTS[a]!;
  const sb = SEGMENTS[b]!;
  return sa.parent === b || sb.parent === a;
}

/**
 * The body's scale in pixels: the torso's length (neck to hips), or when the hips are not seen, twice
 * the shoulders' width; 0 when neither is seen.
 */
export function torsoLength(p: BodyPose): number {
  const e = extendPose(p);
  if (seen(e, ROOT) && seen(e, NECK)) return Math.hypot(e.x[NECK]! - e.x[ROOT]!, e.y[NECK]! - e.y[ROOT]!);
  if (seen(p, J.leftShoulder) && seen(p, J.rightShoulder))
    return 2 * Math.hypot(p.x[J.leftShoulder]! - p.x[J.rightShoulder]!, p.y[J.leftShoulder]! - p.y[J.rightShoulder]!);
  return 0;
}

/** Box around the seen joints: [x0, y0, x1, y1], or undefined when fewer than `minJoints` are seen. */
export function poseBox(p: BodyPose, minJoints = 4): [number, number, number, number] | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let n = 0;
  for (let j = 0; j < JOINT_COUNT; j++) {
    if (!seen(p, j)) continue;
    n++;
    x0 = Math.min(x0, p.x[j]!);
    y0 = Math.min(y0, p.y[j]!);
    x1 = Math.max(x1, p.x[j]!);
    y1 = Math.max(y1, p.y[j]!);
  }
  return n >= minJoints ? [x0, y0, x1, y1] : undefined;
}

/** Number of joints seen. */
export function seenCount(p: BodyPose, min = MIN_JOINT_SCORE): number {
  let n = 0;
  for (let j = 0; j < JOINT_COUNT; j++) if (p.score[j]! >= min) n++;
  return n;
}
