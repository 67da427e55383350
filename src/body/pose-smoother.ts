/**
 * Temporal smoothing of body keypoints: a One-Euro filter per joint coordinate (Casiez et al. 2012:
 * strong smoothing while a joint rests, little lag while it moves fast), with the confidence of each
 * joint respected — a joint that drops below the confidence floor holds its last smoothed place (its
 * score stays low, so later steps know it is a guess) and restarts its filter when it is seen again.
 */
import { JOINT_COUNT, MIN_JOINT_SCORE, clonePose, type BodyPose } from './skeleton.js';

export interface PoseSmootherOptions {
  /** Cut-off frequency at rest, Hz (lower: smoother). Default 1.5. */
  minCutoffHz?: number;
  /** How fast the cut-off rises with speed (per pixel per second of motion). Default 0.02. */
  beta?: number;
  /** Cut-off of the speed estimate, Hz. Default 1. */
  derivativeCutoffHz?: number;
}

const DEFAULT_SMOOTHER_OPTIONS: Required<PoseSmootherOptions> = {
  minCutoffHz: 1.5,
  beta: 0.02,
  derivativeCutoffHz: 1,
};

const alpha = (cutoffHz: number, dtS: number): number => {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtS);
};

interface Channel {
  value: number;
  speed: number;
  live: boolean;
}

function filter(c: Channel, x: number, dtS: number, o: Required<PoseSmootherOptions>): number {
  if (!c.live) {
    c.value = x;
    c.speed = 0;
    c.live = true;
    return x;
  }
  const raw = (x - c.value) / dtS;
  c.speed += alpha(o.derivativeCutoffHz, dtS) * (raw - c.speed);
  const cutoff = o.minCutoffHz + o.beta * Math.abs(c.speed);
  c.value += alpha(cutoff, dtS) * (x - c.value);
  return c.value;
}

export interface PoseSmoother {
  /** The smoothed pose for the next frame, `dtS` seconds after the last. */
  next(pose: BodyPose, dtS: number): BodyPose;
}

/**
 * A streaming smoother (no look-ahead, so no delay).
 *
 * @example
 * const s = createPoseSmoother();
 * for (const p of poses) draw(s.next(p, 1 / fps));
 */
export function createPoseSmoother(options: PoseSmootherOptions = {}): PoseSmoother {
  const o = { ...DEFAULT_SMOOTHER_OPTIONS, ...options };
  const channels: Channel[] = Array.from({ length: JOINT_COUNT * 2 }, () => ({ value: 0, speed: 0, live: false }));
  let held: BodyPose | undefined;
  return {
    next(pose, dtS) {
      const dt = dtS > 0 ? dtS : 1 / 30;
      const out = clonePose(pose);
      for (let j = 0; j < JOINT_COUNT; j++) {
        const cx = channels[2 * j]!;
        const cy = channels[2 * j + 1]!;
        if (pose.score[j]! < MIN_JOINT_SCORE) {
          if (held) {
            out.x[j] = held.x[j]!;
            out.y[j] = held.y[j]!;
          }
          cx.live = cy.live = false;
          continue;
        }
        out.x[j] = filter(cx, pose.x[j]!, dt, o);
        out.y[j] = filter(cy, pose.y[j]!, dt, o);
      }
      held = out;
      return out;
    },
  };
}
