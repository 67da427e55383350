/**
 * The per-frame core of scripted animation, free of I/O: a timeline frame (AUs, gaze, blink, head pose)
 * applied to the portrait's own face state. `vivify script`, the web studio and generated motion render
 * what it returns.
 */
import { applyAUs } from '../face/action-units.js';
import { closeLids } from '../face/lids.js';
import { eulerToRotation, multiply3 } from '../face/pose.js';
import { LEFT_IRIS, LM, RIGHT_IRIS } from '../face/topology.js';
import type { FaceState } from '../motion/motion.js';
import type { TimelineFrame } from './timeline.js';

/** The face state for one timeline frame: the portrait's own, with AUs, gaze, blink and pose applied. */
export function scriptedState(source: FaceState, f: TimelineFrame): FaceState {
  let canon = applyAUs(source.canon, f.aus);
  if (f.gaze.x || f.gaze.y) {
    for (const [iris, outer, inner] of [
      [LEFT_IRIS, LM.leftEyeOuter, LM.leftEyeInner],
      [RIGHT_IRIS, LM.rightEyeOuter, LM.rightEyeInner],
    ] as const) {
      const w = Math.hypot(canon[3 * outer]! - canon[3 * inner]!, canon[3 * outer + 1]! - canon[3 * inner + 1]!);
      for (const i of iris) {
        canon[3 * i]! += f.gaze.x * w;
        canon[3 * i + 1]! += f.gaze.y * w;
      }
    }
  }
  if (f.blink > 0) canon = closeLids(canon, f.blink, f.blink);
  const rotation = multiply3(eulerToRotation(f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg), source.pose.rotation);
  return { pose: { ...source.pose, rotation }, canon };
}
