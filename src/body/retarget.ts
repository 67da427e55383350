/**
 * Retargeting a driver's body motion onto the source's skeleton, and the per-segment transforms that
 * move the rig from the source's pose to the result.
 *
 * Relative mode (the default) transfers motion, not shape: every bone of the source turns by the angle
 * the driver's bone turned since the reference frame, and lengthens or shortens by the same ratio (the
 * foreshortening of a limb that turns towards the camera); the root moves by the driver's root motion,
 * scaled from the driver's size to the source's. A tall source driven by a short driver keeps its own
 * limb lengths. Absolute mode places the source's joints where the driver's are, scaled and moved so
 * that the two reference poses share root and torso length. A bone the driver does not show in a frame
 * holds the motion it last had.
 */
import {
  EXTENDED_COUNT,
  NECK,
  PARENT,
  ROOT,
  SEGMENTS,
  TREE_ORDER,
  extendPose,
  seen,
  torsoLength,
  type BodyPose,
} from './skeleton.js';
import type { SegmentTransforms } from './rig.js';
import { J } from './skeleton.js';

export type RetargetMode = 'relative' | 'absolute';

/** Limits of a bone's length change, as a ratio of its reference length. */
const MIN_STRETCH = 0.3;
const MAX_STRETCH = 1.6;

/** The trunk's bones (spine, shoulders, hips, head) barely change length: their stretch is held to these. */
const MIN_TRUNK_STRETCH = 0.85;
const MAX_TRUNK_STRETCH = 1.15;
const TRUNK: readonly number[] = [NECK, J.leftShoulder, J.rightShoulder, J.leftHip, J.rightHip, J.nose];

/**
 * How far the body moved since the reference: the mean shift of the torso's corners seen in both poses
 * (the shoulders alone for a body seen to the waist), so that a hip at the frame's edge does not shake it.
 */
function anchorShift(R: BodyPose, D: BodyPose): [number, number] | undefined {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (const j of [J.leftShoulder, J.rightShoulder, J.leftHip, J.rightHip]) {
    if (!seen(R, j) || !seen(D, j)) continue;
    sx += D.x[j]! - R.x[j]!;
    sy += D.y[j]! - R.y[j]!;
    n++;
  }
  return n >= 2 ? [sx / n, sy / n] : undefined;
}

/**
 * How far the head rolled since the reference: the turn of the line between the eyes (or the ears). The
 * neck-to-nose direction would also swing when the head only turns left or right, which a 2D skeleton
 * cannot tell from a roll: the eye line barely turns then.
 */
function headRoll(R: BodyPose, D: BodyPose): number | undefined {
  for (const [a, b] of [
    [J.leftEye, J.rightEye],
    [J.leftEar, J.rightEar],
  ] as const) {
    if (![a, b].every((k) => seen(R, k) && seen(D, k))) continue;
    const turn = Math.atan2(D.y[a]! - D.y[b]!, D.x[a]! - D.x[b]!) - Math.atan2(R.y[a]! - R.y[b]!, R.x[a]! - R.x[b]!);
    return Math.atan2(Math.sin(turn), Math.cos(turn));
  }
  return undefined;
}

/** The limbs' chains: root joint, middle joint, end effector (arms, then legs). */
const CHAINS: readonly [number, number, number][] = [
  [J.leftShoulder, J.leftElbow, J.leftWrist],
  [J.rightShoulder, J.rightElbow, J.rightWrist],
  [J.leftHip, J.leftKnee, J.leftAnkle],
  [J.rightHip, J.rightKnee, J.rightAnkle],
];

/**
 * How strongly the hands and feet follow the driver's paths, 0–1 (relative mode). Bone-angle transfer
 * alone keeps the driver's angles: a forearm turned by the same angle on an arm that hangs differently
 * sends the wrist another way. With `reach`, each wrist and ankle aims at a point between where the angle
 * transfer put it and where the driver's own displacement from its shoulder or hip since the reference
 * (scaled by the two limbs' length ratio) would put it; the forearm or shin turns towards that point from
 * the elbow or knee the angle transfer placed, its length kept. Measured (docs/results/body.md): arms on
 * the TED clip follow far better, the Tai Chi clips' no worse; a full two-bone IK that also moved the
 * elbow did better on TED and worse on Tai Chi.
 */
export const DEFAULT_REACH = 0.5;

/** The default retargeting mode (`vivify body --mode`). */
export const DEFAULT_RETARGET_MODE: RetargetMode = 'relative';

export interface Retargeter {
  /** The source's pose (19 extended joints) moved as the driver moved from its reference frame. */
  next(driver: BodyPose): BodyPose;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * @example
 * const rt = createRetargeter(sourcePose, driverPoses[0], 'relative');
 * const target = rt.next(driverPoses[t]);
 */
export function createRetargeter(
  source: BodyPose,
  reference: BodyPose,
  mode: RetargetMode = DEFAULT_RETARGET_MODE,
  reach = DEFAULT_REACH,
): Retargeter {
  const S = extendPose(source);
  const R = extendPose(reference);
  const scale = torsoLength(reference) > 0 ? torsoLength(source) / torsoLength(reference) : 1;
  // Last known turn (radians) and stretch per bone, held while the driver does not show it.
  const turn = new Float32Array(EXTENDED_COUNT);
  const stretch = new Float32Array(EXTENDED_COUNT).fill(1);
  const rootShift = [0, 0];
  return {
    next(driver) {
      const D = extendPose(driver);
      const T: BodyPose = { x: new Float32Array(S.x), y: new Float32Array(S.y), score: new Float32Array(S.score) };
      const shift = anchorShift(R, D);
      if (shift) {
        rootShift[0] = shift[0] * scale;
        rootShift[1] = shift[1] * scale;
      }
      T.x[ROOT] = S.x[ROOT]! + rootShift[0]!;
      T.y[ROOT] = S.y[ROOT]! + rootShift[1]!;
      for (const j of TREE_ORDER) {
        const p = PARENT[j]!;
        if (p < 0) continue;
        const vx = S.x[j]! - S.x[p]!;
        const vy = S.y[j]! - S.y[p]!;
        const bone = [j, p];
        if (bone.every((k) => seen(D, k) && seen(R, k))) {
          const dx = D.x[j]! - D.x[p]!;
          const dy = D.y[j]! - D.y[p]!;
          const rx = R.x[j]! - R.x[p]!;
          const ry = R.y[j]! - R.y[p]!;
          turn[j] = j === J.nose ? (headRoll(R, D) ?? 0) : Math.atan2(dy, dx) - Math.atan2(ry, rx);
          const [lo, hi] = TRUNK.includes(j) ? [MIN_TRUNK_STRETCH, MAX_TRUNK_STRETCH] : [MIN_STRETCH, MAX_STRETCH];
          stretch[j] = clamp(Math.hypot(dx, dy) / (Math.hypot(rx, ry) || 1), lo, hi);
        }
        const c = Math.cos(turn[j]!) * stretch[j]!;
        const s = Math.sin(turn[j]!) * stretch[j]!;
        T.x[j] = T.x[p]! + c * vx - s * vy;
        T.y[j] = T.y[p]! + s * vx + c * vy;
      }
      if (mode === 'absolute') placeAbsolute(T, S, R, D, scale);
      else if (reach > 0) for (const chain of CHAINS) followEnd(T, S, R, D, chain, reach);
      return T;
    },
  };
}

/**
 * Turns a limb's lower bone (forearm, shin) towards the driver's path for its end (see
 * {@link DEFAULT_REACH}), its length and the middle joint kept.
 */
function followEnd(
  T: BodyPose,
  S: BodyPose,
  R: BodyPose,
  D: BodyPose,
  [a, m, e]: readonly [number, number, number],
  reach: number,
): void {
  if (![a, m, e].every((k) => seen(S, k) && seen(R, k) && seen(D, k))) return;
  const limb = (P: BodyPose): number =>
    Math.hypot(P.x[m]! - P.x[a]!, P.y[m]! - P.y[a]!) + Math.hypot(P.x[e]! - P.x[m]!, P.y[e]! - P.y[m]!);
  const k = limb(S) / (limb(R) || 1);
  const wantX = T.x[a]! + S.x[e]! - S.x[a]! + k * (D.x[e]! - D.x[a]! - (R.x[e]! - R.x[a]!));
  const wantY = T.y[a]! + S.y[e]! - S.y[a]! + k * (D.y[e]! - D.y[a]! - (R.y[e]! - R.y[a]!));
  const tx = T.x[e]! + reach * (wantX - T.x[e]!);
  const ty = T.y[e]! + reach * (wantY - T.y[e]!);
  const bone = Math.hypot(T.x[e]! - T.x[m]!, T.y[e]! - T.y[m]!);
  const dx = tx - T.x[m]!;
  const dy = ty - T.y[m]!;
  const d = Math.hypot(dx, dy);
  if (!(d > 1e-6)) return;
  T.x[e] = T.x[m]! + (dx / d) * bone;
  T.y[e] = T.y[m]! + (dy / d) * bone;
}

/** Absolute mode: every joint the driver shows goes where the driver's is (scaled about the reference root). */
function placeAbsolute(T: BodyPose, S: BodyPose, R: BodyPose, D: BodyPose, scale: number): void {
  if (!seen(R, ROOT)) return;
  for (let j = 0; j < EXTENDED_COUNT; j++) {
    if (!seen(D, j)) continue;
    T.x[j] = S.x[ROOT]! + (D.x[j]! - R.x[ROOT]!) * scale;
    T.y[j] = S.y[ROOT]! + (D.y[j]! - R.y[ROOT]!) * scale;
  }
}

/** The affine map that takes segment a0→b0 onto a1→b1: turned, stretched along its length, width kept. */
export function limbTransform(
  a0x: number,
  a0y: number,
  b0x: number,
  b0y: number,
  a1x: number,
  a1y: number,
  b1x: number,
  b1y: number,
): number[] {
  const l0 = Math.hypot(b0x - a0x, b0y - a0y) || 1;
  const l1 = Math.hypot(b1x - a1x, b1y - a1y) || 1;
  const s = clamp(l1 / l0, MIN_STRETCH, MAX_STRETCH);
  const [u0x, u0y] = [(b0x - a0x) / l0, (b0y - a0y) / l0];
  const [u1x, u1y] = [(b1x - a1x) / l1, (b1y - a1y) / l1];
  // M = s·u1·u0ᵀ + n1·n0ᵀ with n = (−u_y, u_x).
  const a = s * u1x * u0x + u1y * u0y;
  const b = s * u1x * u0y - u1y * u0x;
  const d = s * u1y * u0x - u1x * u0y;
  const e = s * u1y * u0y + u1x * u0x;
  return [a, b, a1x - a * a0x - b * a0y, d, e, a1y - d * a0x - e * a0y];
}

/** Least-squares affine map taking points (xs, ys) onto (xt, yt); undefined with fewer than 3 points. */
function fitAffine(pts: [number, number, number, number][]): number[] | undefined {
  if (pts.length < 3) return undefined;
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const rx = [0, 0, 0];
  const ry = [0, 0, 0];
  for (const [x, y, tx, ty] of pts) {
    const v = [x, y, 1];
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 3; k++) m[i * 3 + k]! += v[i]! * v[k]!;
      rx[i]! += v[i]! * tx;
      ry[i]! += v[i]! * ty;
    }
  }
  const sx = solve3(m, rx);
  const sy = solve3(m, ry);
  return sx && sy ? [...sx, ...sy] : undefined;
}

function solve3(m: number[], r: number[]): number[] | undefined {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-9) return undefined;
  const inv = [
    e * i - f * h,
    c * h - b * i,
    b * f - c * e,
    f * g - d * i,
    a * i - c * g,
    c * d - a * f,
    d * h - e * g,
    b * g - a * h,
    a * e - b * d,
  ];
  return [0, 1, 2].map((row) => (inv[row * 3]! * r[0]! + inv[row * 3 + 1]! * r[1]! + inv[row * 3 + 2]! * r[2]!) / det);
}

const TORSO_CORNERS = [J.leftShoulder, J.rightShoulder, J.leftHip, J.rightHip];

/**
 * The transform of every rig segment from the source's pose to the target's (both 17 or 19 joints):
 * the torso by an affine fit to its four corners (it may turn and narrow), every limb and the head as a
 * rigid segment that may only stretch along its length. A segment the source does not show follows the
 * one it hangs from.
 */
export function segmentTransforms(source: BodyPose, target: BodyPose): SegmentTransforms {
  const S = extendPose(source);
  const T = target.x.length === EXTENDED_COUNT ? target : extendPose(target);
  const out = new Float32Array(SEGMENTS.length * 6);
  SEGMENTS.forEach((seg, k) => {
    let m: number[] | undefined;
    if (k === 0) {
      const pts = TORSO_CORNERS.filter((j) => seen(S, j)).map(
        (j) => [S.x[j]!, S.y[j]!, T.x[j]!, T.y[j]!] as [number, number, number, number],
      );
      m = fitAffine(pts);
      if (!m && seen(S, ROOT) && seen(S, NECK)) m = limbOf(S, T, ROOT, NECK);
      m ??= [1, 0, 0, 0, 1, 0];
    } else if (seen(S, seg.from) && seen(S, seg.to)) m = limbOf(S, T, seg.from, seg.to);
    else m = Array.from(out.subarray(seg.parent * 6, seg.parent * 6 + 6));
    out.set(m, k * 6);
  });
  return out;
}

function limbOf(S: BodyPose, T: BodyPose, a: number, b: number): number[] {
  return limbTransform(S.x[a]!, S.y[a]!, S.x[b]!, S.y[b]!, T.x[a]!, T.y[a]!, T.x[b]!, T.y[b]!);
}
