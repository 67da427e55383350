/** What counts as a person to animate, and the one-line refusal when a photo has none. Pure. */
import { VivifyError } from '../errors.js';
import { J, JOINT_COUNT, seen, seenCount, type BodyPose } from './skeleton.js';

/** Joints a source must show at least. */
export const MIN_SOURCE_JOINTS = 6;

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
