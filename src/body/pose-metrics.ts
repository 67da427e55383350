/**
 * The full-body measures of the first-order-motion papers, for self-reenactment (the clip's frame 0 as
 * the source, the clip as the driver, so the clip is the ground truth): L1 (mean absolute RGB difference,
 * 0–1), AKD (average keypoint distance, px, between the body keypoints found in the result and in the real
 * frame, over joints found in both) and MKR (missing keypoint rate: joints found in the real frame but not
 * in the result). For cross-identity, the correlation over time of each joint group's motion in the
 * driver and in the result. Pure.
 */
import type { RgbaImage } from '../face/image.js';
import { pearson } from '../face/stats.js';
import { J, JOINT_COUNT, MIN_JOINT_SCORE, type BodyPose } from './skeleton.js';

/** Mean absolute RGB difference of two same-size images, 0–1. */
export function frameL1(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new RangeError(
      `Expected images of one size for frameL1 but received ${a.width}x${a.height} and ${b.width}x${b.height}`,
    );
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4)
    s +=
      Math.abs(a.data[i]! - b.data[i]!) +
      Math.abs(a.data[i + 1]! - b.data[i + 1]!) +
      Math.abs(a.data[i + 2]! - b.data[i + 2]!);
  return s / ((a.data.length / 4) * 3 * 255);
}

/** Running AKD and MKR over frames. */
export interface KeypointScore {
  add(real: BodyPose, result: BodyPose): void;
  /** Mean distance in px over joints found in both (NaN when none were). */
  akd(): number;
  /** Share of the joints found in the real frames that the result's analysis missed, 0–1. */
  mkr(): number;
}

export function keypointScore(min = MIN_JOINT_SCORE): KeypointScore {
  let dist = 0;
  let both = 0;
  let real = 0;
  let missed = 0;
  return {
    add(r, g) {
      for (let j = 0; j < JOINT_COUNT; j++) {
        if (r.score[j]! < min) continue;
        real++;
        if (g.score[j]! < min) {
          missed++;
          continue;
        }
        dist += Math.hypot(r.x[j]! - g.x[j]!, r.y[j]! - g.y[j]!);
        both++;
      }
    },
    akd: () => (both ? dist / both : NaN),
    mkr: () => (real ? missed / real : NaN),
  };
}

/** Joint groups for the cross-identity correlation. */
const JOINT_GROUPS: Readonly<Record<string, readonly number[]>> = {
  arms: [J.leftElbow, J.rightElbow, J.leftWrist, J.rightWrist],
  legs: [J.leftKnee, J.rightKnee, J.leftAnkle, J.rightAnkle],
  torso: [J.leftShoulder, J.rightShoulder, J.leftHip, J.rightHip],
  head: [J.nose],
};

/**
 * Per joint group, how well the result's motion follows the driver's: the Pearson correlation of their
 * joint coordinates over time, pooled over the group's joints and both axes (each joint's x and y series
 * centred on its own mean over the frames where the joint is found in both, then all of the group's series
 * joined), so that the joints and directions that really move weigh most and a joint that barely moves
 * adds little but its noise. Undefined for a group with fewer than three such frames or no motion.
 */
export function groupCorrelations(driver: BodyPose[], result: BodyPose[]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const [name, joints] of Object.entries(JOINT_GROUPS)) {
    const a: number[] = [];
    const b: number[] = [];
    for (const j of joints)
      for (const axis of ['x', 'y'] as const) {
        const da: number[] = [];
        const db: number[] = [];
        driver.forEach((d, t) => {
          const g = result[t];
          if (!g || d.score[j]! < MIN_JOINT_SCORE || g.score[j]! < MIN_JOINT_SCORE) return;
          da.push(d[axis][j]!);
          db.push(g[axis][j]!);
        });
        if (da.length < 3) continue;
        const ma = da.reduce((s, v) => s + v, 0) / da.length;
        const mb = db.reduce((s, v) => s + v, 0) / db.length;
        for (let i = 0; i < da.length; i++) {
          a.push(da[i]! - ma);
          b.push(db[i]! - mb);
        }
      }
    // Fewer than 3 joint positions, or a group that does not move (deviations of 1e-6 px² in all), has none.
    const r = a.length < 3 ? NaN : pearson(a, b, 1e-6);
    out[name] = Number.isNaN(r) ? undefined : r;
  }
  return out;
}
