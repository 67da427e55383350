/**
 * The driving video's side of a reenactment: the size to decode it at (no more pixels than the engine
 * uses), frame N for `--reference N`, and the reference frame closest to the portrait for
 * `--reference best`.
 */
import type { NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { isVivifyError, VivifyError, throwIfAborted } from '../../errors.js';
import type { RgbaImage, VideoFrame } from '../../face/image.js';
import type { FaceResult } from '../../face/types.js';
import { decodeVideo, type DecodeOptions, type VideoInfo } from '../../media/video.js';
import { faceState, stateDistance, type FaceState } from '../../motion/motion.js';

/** What the driving side needs of the resolved options. */
interface DrivingChoice {
  reference: 'first' | 'best' | number;
  signal?: AbortSignal;
}

/**
 * The driver's face is decoded at no less than this size (the larger side of its landmark box, pixels), nor
 * smaller than the portrait's face: the mesh model sees a face at 128 px (192-px input for 1.5× the face),
 * the iris model an eye at under 30 px, and the mouth interior is drawn at the portrait's face size — more
 * driver pixels than that change nothing but the time spent decoding, moving and sampling them.
 */
export const DRIVING_FACE_MIN_PX = 256;
/** Driving videos whose longer side is at most this are decoded as they are, without looking first. */
const DRIVING_PROBE_ABOVE_PX = 640;

/**
 * The longer side to decode a driving video at, or undefined for its own size: scaled down (never up) so
 * its face (larger side of the landmark box, `drivingFacePx`) is max({@link DRIVING_FACE_MIN_PX},
 * `sourceFacePx`) — when that saves at least a quarter of each side. In self-reenactment the portrait is
 * the video's own frame, so the video keeps its size.
 */
export function drivingDecodeSide(
  video: { width: number; height: number },
  drivingFacePx: number,
  sourceFacePx: number,
): number | undefined {
  const s = Math.max(DRIVING_FACE_MIN_PX, sourceFacePx) / drivingFacePx;
  if (!(s < 0.75)) return undefined;
  return Math.max(2, Math.round(Math.max(video.width, video.height) * s));
}

/** The size {@link decodeVideo} gives a video scaled to `maxSide` (aspect kept, even sides). */
export function scaledSize(
  info: { width: number; height: number },
  maxSide: number,
): { width: number; height: number } {
  const s = maxSide / Math.max(info.width, info.height);
  return {
    width: Math.max(2, Math.round((info.width * s) / 2) * 2),
    height: Math.max(2, Math.round((info.height * s) / 2) * 2),
  };
}

/** Looks at the driver's first frame (large videos only) to choose the size to decode it at. */
export async function decodeSide(
  driving: string,
  info: VideoInfo,
  o: DrivingChoice,
  analyzer: NodeFaceAnalyzer,
  sourceFace: FaceResult,
  fps: string | undefined,
): Promise<number | undefined> {
  if (Math.max(info.width, info.height) <= DRIVING_PROBE_ABOVE_PX) return undefined;
  const frames =
    typeof o.reference === 'number'
      ? referenceFrame(driving, o.reference, { fps, signal: o.signal })
      : decodeVideo(driving, { maxFrames: 1, fps, signal: o.signal });
  for await (const frame of frames) {
    const face = (await analyzer.analyze(frame, { emotion: false }))[0];
    if (!face) return undefined;
    const px = (f: FaceResult): number => Math.max(f.box.width, f.box.height);
    return drivingDecodeSide(frame, px(face), px(sourceFace));
  }
  return undefined;
}

/** Frame `n` of the driving video, for `--reference n`; a usage error when the video is shorter. */
async function* referenceFrame(
  driving: string,
  n: number,
  options: Omit<DecodeOptions, 'frames'>,
): AsyncGenerator<VideoFrame> {
  try {
    yield* decodeVideo(driving, { ...options, frames: [n] });
  } catch (err) {
    throw isVivifyError(err, 'E_VIDEO_EMPTY') ? pastTheEnd(driving, n) : err;
  }
}

function pastTheEnd(driving: string, n: number): VivifyError {
  return new VivifyError(
    'E_USAGE',
    `--reference ${n}: the driving video ${driving} has no frame ${n} (frames are numbered from 0)`,
  );
}

/**
 * The driver's reference: the first frame with a face (left to the reenactor, which takes it while
 * streaming), the frame closest to the source in pose and expression, or frame N — with its image and
 * landmarks, which the shading detail measures from.
 */
export async function findReference(
  driving: string,
  o: DrivingChoice,
  analyzer: NodeFaceAnalyzer,
  source: FaceState,
  fps: string | undefined,
  maxSide: number | undefined,
): Promise<{ reference?: FaceState; referenceFrame: number; frame?: { image: RgbaImage; landmarks: Float32Array } }> {
  if (o.reference === 'first') return { referenceFrame: -1 };
  if (typeof o.reference === 'number') {
    for await (const frame of referenceFrame(driving, o.reference, { fps, signal: o.signal, maxSide })) {
      const face = (await analyzer.analyze(frame, { emotion: false }))[0];
      if (!face) throw new VivifyError('E_NO_FACE', `reference frame ${o.reference} of ${driving} has no face`);
      return {
        reference: faceState(face),
        referenceFrame: o.reference,
        frame: { image: frame, landmarks: face.landmarks },
      };
    }
    throw pastTheEnd(driving, o.reference);
  }
  // 'best': one pass over the driver, keeping only the closest frame.
  const tracker = analyzer.createTracker();
  let best: { state: FaceState; index: number; d: number; image: RgbaImage; landmarks: Float32Array } | undefined;
  for await (const frame of decodeVideo(driving, { fps, signal: o.signal, maxSide })) {
    throwIfAborted(o.signal);
    const face = (await tracker.next(frame, { emotion: false })).faces[0];
    if (!face) continue;
    const state = faceState(face);
    const d = stateDistance(state, source);
    if (!best || d < best.d) best = { state, index: frame.index, d, image: frame, landmarks: face.landmarks };
  }
  if (!best) throw new VivifyError('E_NO_FACE', `no face found in any frame of the driving video ${driving}`);
  return {
    reference: best.state,
    referenceFrame: best.index,
    frame: { image: best.image, landmarks: best.landmarks },
  };
}
