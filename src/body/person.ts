/** What counts as a person to animate, and the one-line refusal when a photo has none. Pure. */
import { VivifyError } from '../errors.js';
import { J, JOINT_COUNT, clonePose, seen, seenCount, torsoLength, type BodyPose } from './skeleton.js';

/** Joints a source must show at least. */
const MIN_SOURCE_JOINTS = 6;

/**
 * Throws E_NO_PERSON unless `pose` shows a body to rig: both shoulders and at least six joints. A body
 * cut off below the waist is accepted (its legs are simply not rigged); a face alone is not.
 */
export function requirePerson(pose: BodyPose, name: string): void {
  const n = seenCount(pose);
  const shoulders = seen(pose, J.leftShoulder) && seen(pose, J.rightShoulder);
  if (n >= MIN_SOURCE_JOINTS && shoulders) return;
  const why = shoulders
    ? `only ${n} of ${JOINT_COUNT} joints seen`
    : `its shoulders are not both seen (${n} of ${JOINT_COUNT} joints)`;
  throw new VivifyError(
    'E_NO_PERSON',
    `no person to animate in ${name}: ${why}; a body seen at least from the head to the waist is needed`,
  );
}

/** Score given to a joint placed by {@link completeCroppedLegs}: just above the floor for "seen". */
export const PLACED_SCORE = 0.31;

/**
 * A photo cut off at the thighs or knees shows legs whose lower joints lie below the frame: MoveNet then
 * sees the hips but not the knees (or the knees but not the ankles). Such a joint is placed straight below
 * its parent, a leg's usual length away (0.9 of the torso's length per bone), when that place is outside
 * the picture — so the visible part of the leg is rigged and follows the driver's thigh instead of staying
 * behind in the background. A joint that should be inside the picture but is not seen is left unseen.
 */
export function completeCroppedLegs(pose: BodyPose, width: number, height: number): BodyPose {
  const out = clonePose(pose);
  const bone = 0.9 * torsoLength(pose);
  if (!(bone > 0)) return out;
  for (const [parent, child] of [
    [J.leftHip, J.leftKnee],
    [J.rightHip, J.rightKnee],
    [J.leftKnee, J.leftAnkle],
    [J.rightKnee, J.rightAnkle],
  ] as const) {
    if (!seen(out, parent) || seen(out, child)) continue;
    const x = out.x[parent]!;
    const y = out.y[parent]! + bone;
    if (y < height && x >= 0 && x < width) continue;
    out.x[child] = x;
    out.y[child] = y;
    out.score[child] = PLACED_SCORE;
  }
  return out;
}

/** A face's box in image pixels (as the face analyzer reports it). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The square crop MoveNet looks at for the person whose face is `face`: centred on the face across, from
 * a little above it down over the body (about eight face heights, the body of an adult standing), so a
 * neighbour beside them is mostly left out and MoveNet takes the person in the middle.
 */
export function cropBelowFace(face: FaceBox, width: number, height: number): { cx: number; cy: number; size: number } {
  const top = Math.max(0, face.y - 0.5 * face.height);
  const size = Math.min(Math.max(width, height), Math.max(8.5 * face.height, 4 * face.width));
  return { cx: face.x + face.width / 2, cy: top + size / 2, size };
}

/** True when the pose's nose (or, without one, its eyes' midpoint) lies in `face` grown by half. */
export function poseHasFace(pose: BodyPose, face: FaceBox): boolean {
  let x: number;
  let y: number;
  if (seen(pose, J.nose)) {
    x = pose.x[J.nose]!;
    y = pose.y[J.nose]!;
  } else if (seen(pose, J.leftEye) && seen(pose, J.rightEye)) {
    x = (pose.x[J.leftEye]! + pose.x[J.rightEye]!) / 2;
    y = (pose.y[J.leftEye]! + pose.y[J.rightEye]!) / 2;
  } else return false;
  const gx = face.width / 2;
  const gy = face.height / 2;
  return x >= face.x - gx && x <= face.x + face.width + gx && y >= face.y - gy && y <= face.y + face.height + gy;
}
