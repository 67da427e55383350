/**
 * Body keypoints over a video, with MoveNet run on about half the frames: every other frame is a key
 * frame the model sees; the frame between two keys takes the mean of their poses when the body barely
 * moved between them (no joint farther than {@link DEFAULT_SKIP_TOLERANCE} of the body's size, none
 * appearing or vanishing), and is analysed itself otherwise. Over two frames at video rates, a joint that
 * moves that little moves along a nearly straight line, so the mean lies within a pixel or two of what the
 * model finds — about the model's own jitter. Fast moves are analysed on every frame. Platform-neutral:
 * frames in, poses out, one frame of look-ahead.
 */
import { cropAround, type BodyDetector } from './movenet.js';
import { JOINT_COUNT, emptyPose, poseBox, seen, seenCount, type BodyPose } from './skeleton.js';
import type { RgbaImage } from '../face/image.js';

/**
 * Largest joint move between two key frames, as a share of the pose's larger box side, for which the
 * frame between them is interpolated instead of analysed.
 */
const DEFAULT_SKIP_TOLERANCE = 0.03;

/** A joint this sure in one key frame and missing in the other makes the frame between them analysed. */
const SURE_SCORE = 0.5;

export interface TrackOptions {
  /** See {@link DEFAULT_SKIP_TOLERANCE}; 0 analyses every frame. */
  skipTolerance?: number;
}

export interface TrackedFrame<F extends RgbaImage> {
  frame: F;
  pose: BodyPose;
  /** True when the model saw this frame; false when its pose was interpolated from its neighbours. */
  analysed: boolean;
}

/**
 * The mean of two poses when every joint seen in both moved at most `tolerancePx` between them and none
 * seen surely (score ≥ 0.5) in one is missing in the other; undefined otherwise. A joint seen in only one
 * (unsure) keeps that one's place and the lower score, so it counts as missing.
 */
export function interpolateIfSmooth(a: BodyPose, b: BodyPose, tolerancePx: number): BodyPose | undefined {
  const out = emptyPose();
  for (let j = 0; j < JOINT_COUNT; j++) {
    const sa = seen(a, j);
    const sb = seen(b, j);
    out.score[j] = Math.min(a.score[j]!, b.score[j]!);
    if (!sa || !sb) {
      // A joint at the edge of seen (scores about the threshold) flickers; one seen surely does not vanish.
      if (Math.max(a.score[j]!, b.score[j]!) >= SURE_SCORE) return undefined;
      out.x[j] = sa ? a.x[j]! : b.x[j]!;
      out.y[j] = sa ? a.y[j]! : b.y[j]!;
      continue;
    }
    const d = Math.hypot(a.x[j]! - b.x[j]!, a.y[j]! - b.y[j]!);
    if (!(d <= tolerancePx)) return undefined;
    out.x[j] = (a.x[j]! + b.x[j]!) / 2;
    out.y[j] = (a.y[j]! + b.y[j]!) / 2;
  }
  return out;
}

/** The tolerance in pixels for a pose: `share` of its seen joints' larger box side (0 without a box). */
function skipTolerancePx(p: BodyPose, share: number): number {
  const box = poseBox(p, 5);
  return box ? share * Math.max(box[2] - box[0], box[3] - box[1]) : 0;
}

/**
 * MoveNet on one frame, cropped around a pose near it in time (the whole frame when that crop loses the
 * person).
 */
export function detectNear(detector: BodyDetector, frame: RgbaImage, near: BodyPose): BodyPose {
  const crop = cropAround(near, frame);
  const p = crop ? detector.detect(frame, crop) : undefined;
  return p && seenCount(p) >= 5 ? p : detector.detectStill(frame);
}

/**
 * The body pose of every frame of `frames`, in order (see the file's comment for which frames the model
 * sees).
 *
 * @example
 * for await (const { frame, pose } of trackBody(decodeVideo('taichi.mp4'), detector)) draw(frame, pose);
 */
export async function* trackBody<F extends RgbaImage>(
  frames: AsyncIterable<F>,
  detector: BodyDetector,
  options: TrackOptions = {},
): AsyncGenerator<TrackedFrame<F>> {
  const share = options.skipTolerance ?? DEFAULT_SKIP_TOLERANCE;
  const tracker = detector.createTracker();
  let key: BodyPose | undefined;
  let pending: F | undefined;
  for await (const frame of frames) {
    if (!key || share <= 0) {
      key = tracker.next(frame);
      yield { frame, pose: key, analysed: true };
      continue;
    }
    if (!pending) {
      pending = frame;
      continue;
    }
    const between = pending;
    pending = undefined;
    const last = key;
    // The tracker crops around the last pose it returned: the key two frames back is close enough.
    const next = tracker.next(frame);
    const mean = interpolateIfSmooth(last, next, skipTolerancePx(last, share));
    if (mean) yield { frame: between, pose: mean, analysed: false };
    else yield { frame: between, pose: detectNear(detector, between, last), analysed: true };
    key = next;
    yield { frame, pose: next, analysed: true };
  }
  if (pending) yield { frame: pending, pose: tracker.next(pending), analysed: true };
}
