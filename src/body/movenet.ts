/**
 * Body keypoints from MoveNet Lightning (the model @vladmandic/human ships): COCO-17 joints with a
 * confidence each, for still images (two passes: the whole frame, then a crop around the person) and for
 * video (the crop follows the last frame's pose). Platform-neutral: RGBA pixels in, a model loader given.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { VivifyError } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import { initBackend, type ModelBackend } from '../analysis/models.js';
import { JOINT_COUNT, emptyPose, poseBox, seenCount, type BodyPose } from './skeleton.js';

const INPUT = 192;

/** Loads MoveNet's artifacts (Node reads them from @vladmandic/human's models folder). */
export type BodyModelLoader = () => Promise<tf.io.ModelArtifacts>;

export interface BodyDetectorRuntime {
  loadModel: BodyModelLoader;
  wasmPath: string;
  backend?: ModelBackend;
}

/** A square region of an image in pixels: centre and side. */
export interface SquareCrop {
  cx: number;
  cy: number;
  size: number;
}

export interface BodyDetector {
  /** The pose of the most prominent person; `crop` restricts the search (default: the whole image). */
  detect(image: RgbaImage, crop?: SquareCrop): BodyPose;
  /** Whole image, then again on a crop around the person found: better joints on small figures. */
  detectStill(image: RgbaImage): BodyPose;
  /** A tracker for video: each frame is cropped around the previous frame's pose. */
  createTracker(): { next(frame: RgbaImage): BodyPose };
  close(): void;
}

/** The crop that holds the whole image (letterboxed square). */
function wholeImage(image: RgbaImage): SquareCrop {
  return { cx: image.width / 2, cy: image.height / 2, size: Math.max(image.width, image.height) };
}

/**
 * The crop around a pose: the seen joints' box, grown by half its larger side and squared (MoveNet's own
 * tracking crops the same way); undefined when too few joints are seen.
 */
export function cropAround(p: BodyPose, image: RgbaImage): SquareCrop | undefined {
  const box = poseBox(p, 5);
  if (!box) return undefined;
  const side = Math.max(box[2] - box[0], box[3] - box[1]);
  const size = Math.min(Math.max(side * 1.5, 64), Math.max(image.width, image.height) * 1.2);
  return { cx: (box[0] + box[2]) / 2, cy: (box[1] + box[3]) / 2, size };
}

/** The crop resampled to MoveNet's 192×192 RGB input (outside the image: black), bilinear. */
function cropInput(image: RgbaImage, crop: SquareCrop): Int32Array {
  const out = new Int32Array(INPUT * INPUT * 3);
  const { width: w, height: h, data: d } = image;
  const s = crop.size / INPUT;
  const left = crop.cx - crop.size / 2;
  const top = crop.cy - crop.size / 2;
  const xs = new Int32Array(INPUT);
  const wxs = new Float32Array(INPUT);
  for (let x = 0; x < INPUT; x++) {
    const fx = left + (x + 0.5) * s - 0.5;
    xs[x] = Math.floor(fx);
    wxs[x] = fx - xs[x]!;
  }
  // A tap outside the image reads black.
  const tap = (xx: number, yy: number, k: number): number =>
    xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : d[(yy * w + xx) * 4 + k]!;
  for (let y = 0; y < INPUT; y++) {
    const fy = top + (y + 0.5) * s - 0.5;
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    for (let x = 0; x < INPUT; x++) {
      const x0 = xs[x]!;
      const wx = wxs[x]!;
      const o = (y * INPUT + x) * 3;
      const w00 = (1 - wx) * (1 - wy);
      const w10 = wx * (1 - wy);
      const w01 = (1 - wx) * wy;
      const w11 = wx * wy;
      for (let k = 0; k < 3; k++)
        out[o + k] = Math.round(
          w00 * tap(x0, y0, k) + w10 * tap(x0 + 1, y0, k) + w01 * tap(x0, y0 + 1, k) + w11 * tap(x0 + 1, y0 + 1, k),
        );
    }
  }
  return out;
}

/** MoveNet's output (y, x, score per joint, in the crop's unit square) as a pose in image pixels. */
function poseFromOutput(raw: Float32Array, crop: SquareCrop, image: RgbaImage): BodyPose {
  const p = emptyPose();
  const left = crop.cx - crop.size / 2;
  const top = crop.cy - crop.size / 2;
  for (let j = 0; j < JOINT_COUNT; j++) {
    const x = left + raw[j * 3 + 1]! * crop.size;
    const y = top + raw[j * 3]! * crop.size;
    p.x[j] = x;
    p.y[j] = y;
    // A joint placed outside the frame is a guess: it counts as not seen.
    const inside = x >= 0 && y >= 0 && x < image.width && y < image.height;
    p.score[j] = inside ? raw[j * 3 + 2]! : 0;
  }
  return p;
}

function run(model: GraphModel, input: Int32Array): Float32Array {
  const t = tf.tidy(() => model.execute(tf.tensor(input, [1, INPUT, INPUT, 3], 'int32')) as tf.Tensor);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Creates a body detector on tfjs (wasm by default).
 *
 * @example
 * const body = await createBodyDetectorWith({ loadModel, wasmPath });
 * const pose = body.detectStill(image);
 */
export async function createBodyDetectorWith(runtime: BodyDetectorRuntime): Promise<BodyDetector> {
  await initBackend(runtime.wasmPath, runtime.backend ?? 'wasm');
  let model: GraphModel;
  try {
    const artifacts = await runtime.loadModel();
    model = await loadGraphModel({ load: () => Promise.resolve(artifacts) });
  } catch (cause) {
    throw new VivifyError('E_MODEL_LOAD', `could not load the MoveNet body model: ${(cause as Error).message}`, {
      cause,
    });
  }
  const detect = (image: RgbaImage, crop: SquareCrop = wholeImage(image)): BodyPose =>
    poseFromOutput(run(model, cropInput(image, crop)), crop, image);
  const detectStill = (image: RgbaImage): BodyPose => {
    const first = detect(image);
    const crop = cropAround(first, image);
    if (!crop) return first;
    const second = detect(image, crop);
    return seenCount(second) >= seenCount(first) ? second : first;
  };
  return {
    detect,
    detectStill,
    createTracker() {
      let last: BodyPose | undefined;
      return {
        next(frame: RgbaImage): BodyPose {
          const crop = last ? cropAround(last, frame) : undefined;
          let p = crop ? detect(frame, crop) : detectStill(frame);
          // Lost the person in the crop: look at the whole frame again.
          if (crop && seenCount(p) < 5) p = detectStill(frame);
          last = p;
          return p;
        },
      };
    },
    close() {
      model.dispose();
    },
  };
}
