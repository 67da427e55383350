/**
 * Face measurements from landmarks: head pose against the canonical face, and eye, mouth and gaze
 * measures taken in the canonical (head) frame so they do not change with head pose or distance.
 */
import { CANONICAL_FACE } from './canonical-data.js';
import { applySimilarity, fitSimilarity, invertSimilarity, rotationToEuler, type Similarity } from './pose.js';
import { GROUPS, LANDMARK_COUNT, LM, RIGID_POINTS } from './topology.js';
import type { EyeApertures, Gaze, HeadPose, MouthAperture } from './types.js';

export { CANONICAL_FACE };

/** Fits the canonical face to the landmarks' rigid points: the head pose. */
export function estimatePose(landmarks: Float32Array): HeadPose {
  const t = fitSimilarity(CANONICAL_FACE, landmarks, RIGID_POINTS);
  const fitted = applySimilarity(t, CANONICAL_FACE);
  let err = 0;
  for (const i of RIGID_POINTS) {
    for (let k = 0; k < 3; k++) err += (fitted[3 * i + k]! - landmarks[3 * i + k]!) ** 2;
  }
  return {
    ...rotationToEuler(t.rotation),
    rotation: t.rotation,
    translation: t.translation,
    scale: t.scale,
    fitErrorRms: Math.sqrt(err / RIGID_POINTS.length) / t.scale,
  };
}

export function poseToSimilarity(pose: HeadPose): Similarity {
  return { rotation: pose.rotation, translation: pose.translation, scale: pose.scale };
}

/** Landmarks moved into the canonical frame (pose removed): identity shape + expression. */
export function toCanonicalFrame(landmarks: Float32Array, pose: HeadPose): Float32Array {
  return applySimilarity(invertSimilarity(poseToSimilarity(pose)), landmarks);
}

const dist = (p: Float32Array, a: number, b: number): number =>
  Math.hypot(p[3 * a]! - p[3 * b]!, p[3 * a + 1]! - p[3 * b + 1]!, p[3 * a + 2]! - p[3 * b + 2]!);

/** Upper/lower lid pairs across each eye, inner to outer third. */
const RIGHT_LID_PAIRS: [number, number][] = [
  [160, 144],
  [159, 145],
  [158, 153],
];
const LEFT_LID_PAIRS: [number, number][] = [
  [387, 373],
  [386, 374],
  [385, 380],
];

/** Eye aspect ratio (Soukupová & Čech): mean lid gap over corner-to-corner width. ~0.3 open, < 0.1 closed. */
export function eyeApertures(canon: Float32Array): EyeApertures {
  const ear = (pairs: [number, number][], outer: number, inner: number): number =>
    pairs.reduce((s, [a, b]) => s + dist(canon, a, b), 0) / pairs.length / dist(canon, outer, inner);
  return {
    right: ear(RIGHT_LID_PAIRS, LM.rightEyeOuter, LM.rightEyeInner),
    left: ear(LEFT_LID_PAIRS, LM.leftEyeOuter, LM.leftEyeInner),
  };
}

const MOUTH_PAIRS: [number, number][] = [
  [82, 87],
  [13, 14],
  [312, 317],
];

/** Inner-lip gap over mouth width, and the mouth-corner distance in canonical units. */
export function mouthAperture(canon: Float32Array): MouthAperture {
  const gap = MOUTH_PAIRS.reduce((s, [a, b]) => s + dist(canon, a, b), 0) / MOUTH_PAIRS.length;
  const width = dist(canon, LM.mouthRight, LM.mouthLeft);
  return { open: gap / dist(canon, LM.innerMouthRight, LM.innerMouthLeft), width };
}

/** Eyeball radius as a fraction of the eye's corner-to-corner width (≈ 12 mm over ≈ 28 mm). */
const EYEBALL_RADIUS = 0.42;

function irisOffset(
  canon: Float32Array,
  iris: number,
  outer: number,
  inner: number,
  upper: readonly number[],
  lower: readonly number[],
): [number, number] {
  const width = Math.abs(canon[3 * outer]! - canon[3 * inner]!) || 1e-6;
  const cx = (canon[3 * outer]! + canon[3 * inner]!) / 2;
  // Vertical centre: midway between the lids' mean heights at the eye's middle (the corners sit low).
  const mid = (pts: readonly number[]): number => pts.reduce((s, i) => s + canon[3 * i + 1]!, 0) / pts.length;
  const cy = (mid(upper) + mid(lower)) / 2;
  return [(canon[3 * iris]! - cx) / width, (canon[3 * iris + 1]! - cy) / width];
}

/** Iris position within each eye, and the equivalent eyeball rotation (see {@link Gaze}). */
export function gaze(canon: Float32Array): Gaze {
  const left = irisOffset(
    canon,
    LM.leftIrisCenter,
    LM.leftEyeOuter,
    LM.leftEyeInner,
    GROUPS.leftEyeUpper0.slice(2, 5),
    GROUPS.leftEyeLower0.slice(3, 6),
  );
  const right = irisOffset(
    canon,
    LM.rightIrisCenter,
    LM.rightEyeOuter,
    LM.rightEyeInner,
    GROUPS.rightEyeUpper0.slice(2, 5),
    GROUPS.rightEyeLower0.slice(3, 6),
  );
  const mx = (left[0] + right[0]) / 2;
  const my = (left[1] + right[1]) / 2;
  const deg = (v: number): number => (Math.asin(Math.max(-1, Math.min(1, v / EYEBALL_RADIUS))) * 180) / Math.PI;
  // Canonical x points to the subject's left = the image's right for a frontal face, like yaw.
  return { left, right, yawDeg: deg(mx), pitchDeg: deg(my) };
}

/** Landmark bounding box, clamped to the image. */
export function landmarkBox(
  lm: Float32Array,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    x0 = Math.min(x0, lm[3 * i]!);
    x1 = Math.max(x1, lm[3 * i]!);
    y0 = Math.min(y0, lm[3 * i + 1]!);
    y1 = Math.max(y1, lm[3 * i + 1]!);
  }
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(width, x1);
  y1 = Math.min(height, y1);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
