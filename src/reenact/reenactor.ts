/**
 * The per-frame core of reenactment, free of I/O: frames and driver faces in, rendered frames out. The Node
 * pipeline (node/animate.ts), the evaluation and the web app all drive it through {@link driveReenactor}, so
 * they measure and show the same thing.
 */
import { throwIfAborted } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import type { FaceResult } from '../face/types.js';
import type { FaceTracker } from '../analysis/analyzer.js';
import { ACTION_UNITS, type AuIntensities } from '../face/action-units.js';
import { estimateAUs } from '../analysis/au-estimate.js';
import {
  AU_PART,
  DEFAULT_RETARGET,
  expressionGains,
  expressionPartGains,
  faceState,
  retarget,
  type FaceState,
  type RegionSelection,
  type RetargetOptions,
} from '../motion/motion.js';
import { createSmoother } from '../motion/smooth.js';
import { createSurroundTracker } from '../motion/surround.js';
import { controlMesh, ringsForSource } from '../render/control-mesh.js';
import type { MouthOptions } from '../render/mouth.js';
import { createRenderer, type RenderFrameOutput } from '../render/renderer.js';
import { sideBySide } from '../render/resize.js';
import { DEFAULT_ANIMATE_OPTIONS } from './options.js';

export interface ReenactorOptions {
  motion?: 'relative' | 'absolute';
  regions?: readonly RegionSelection[];
  weights?: RetargetOptions['weights'];
  expressionScale?: number;
  poseScale?: number;
  smooth?: number;
  /** The driver's reference state; default: the first driving frame with a face. */
  reference?: FaceState;
  /**
   * How the region around the face moves. 'head' (default): hair, ears and neck follow the head by a fixed
   * profile that fades out, so shoulders and background stay. 'tracked': everything around the face — hair,
   * shoulders, background, the frame — moves as the driver's does relative to its head (optical flow),
   * which is what self-reenactment of head-following crops such as VoxCeleb's needs.
   */
  surroundings?: 'head' | 'tracked';
  /** Strength of the driver's shading changes carried onto the face (expression ratio image), 0–1. Default 0. */
  detail?: number;
  /**
   * Strength of the learned expression appearance (folds, wrinkles, bulges, shadows) for the driver's action
   * units — measured each frame against its reference frame — on the portrait's own skin, 0–1. Default 1.
   */
  appearance?: number;
  /** The reference frame's image and landmarks, for `detail` when the reference is not the first frame. */
  referenceFrame?: { image: RgbaImage; landmarks: Float32Array };
  /** How a mouth the portrait does not show is filled: the bank of real mouths (drawn without one). */
  mouth?: MouthOptions;
}

export interface ReenactedFrame extends RenderFrameOutput {
  /** The driving frame and face this output belongs to. */
  frame: DrivingFrame;
  face: FaceResult | undefined;
  /** The target head pose and shape that was rendered (undefined while there is no motion yet). */
  target?: FaceState;
}

export interface Reenactor {
  /**
   * Adds the next driving frame (in order) and its face (the driver's largest; `all`, when given, is every
   * face of the frame, for a reenactor of several faces); returns the outputs that are ready, oldest first.
   * Smoothing looks a few frames ahead, so outputs trail the input by `delay` frames; with no driver face
   * the last good motion is held (the source itself before the first face).
   */
  push(frame: DrivingFrame, face: FaceResult | undefined, all?: readonly FaceResult[]): ReenactedFrame[];
  /** Renders what is still waiting at the end of the video. */
  flush(): ReenactedFrame[];
  readonly delay: number;
}

/**
 * A reenactor that works beside its caller (e.g. on another thread): `push` may return before the frame is
 * rendered, with the outputs that are ready by then; `flush` returns all the rest. Outputs come in order.
 */
export interface AsyncReenactor {
  /** As {@link Reenactor.push}. */
  push(frame: DrivingFrame, face: FaceResult | undefined, all?: readonly FaceResult[]): Promise<ReenactedFrame[]>;
  flush(): Promise<ReenactedFrame[]>;
  readonly delay: number;
  /** Milliseconds spent rendering so far (where it runs). */
  readonly renderMs: number;
  close(): Promise<void>;
}

/** The per-frame core of {@link animate}: smoothing, reference, retargeting and rendering, no I/O. */
export function createReenactor(
  source: RgbaImage,
  sourceFace: FaceResult,
  options: ReenactorOptions = {},
  occlusion = false,
): Reenactor {
  const srcState = faceState(sourceFace);
  const retargetOptions: RetargetOptions = {
    ...DEFAULT_RETARGET,
    mode: options.motion ?? DEFAULT_RETARGET.mode,
    regions: options.regions ?? DEFAULT_RETARGET.regions,
    weights: options.weights ?? {},
    expressionScale: options.expressionScale ?? DEFAULT_ANIMATE_OPTIONS.expressionScale,
    poseScale: options.poseScale ?? DEFAULT_ANIMATE_OPTIONS.poseScale,
  };
  const gains = expressionGains(retargetOptions);
  const partGains = expressionPartGains(retargetOptions);
  const appearance = options.appearance ?? DEFAULT_ANIMATE_OPTIONS.appearance;
  const sourceAUs = retargetOptions.mode === 'absolute' ? estimateAUs(srcState.canon) : undefined;
  /** The driver's AUs the portrait takes on: relative to the reference (or, absolute, to the portrait's own). */
  const driverAUs = (driver: FaceState, reference: FaceState): AuIntensities => {
    const e = sourceAUs ? estimateAUs(driver.canon) : estimateAUs(driver.canon, reference.canon);
    const out: AuIntensities = { left: {}, right: {} };
    for (const au of ACTION_UNITS) {
      const g = partGains[AU_PART[au]];
      out.left[au] = g * (e.left[au] - (sourceAUs?.left[au] ?? 0));
      out.right[au] = g * (e.right[au] - (sourceAUs?.right[au] ?? 0));
    }
    return out;
  };
  const renderer = createRenderer(source, srcState, sourceFace.landmarks, { mouth: options.mouth });
  interface Entry {
    frame: ReenactedFrame['frame'];
    face: FaceResult | undefined;
    state?: FaceState;
  }
  const smoother = createSmoother<Entry>(options.smooth ?? DEFAULT_ANIMATE_OPTIONS.smooth);
  const mesh = controlMesh();
  const surround =
    options.surroundings !== 'tracked'
      ? undefined
      : createSurroundTracker({
          canon: ringsForSource(mesh, srcState.pose, source.width, source.height),
          follow: mesh.ringFollow,
        });
  const queue: Entry[] = [];
  let ref = options.reference;
  let refFrame = options.referenceFrame;
  let held: { state: FaceState; driver: { image: RgbaImage; landmarks: Float32Array } } | undefined;

  const render = (e: Entry): ReenactedFrame => {
    if (e.face && e.state) held = { state: e.state, driver: { image: e.frame, landmarks: e.face.landmarks } };
    if (!held || !ref) {
      return {
        image: source,
        mouth: 'none',
        changed: { x0: 0, y0: 0, x1: 0, y1: 0 },
        occlusion: occlusion ? new Float32Array(source.width * source.height) : undefined,
        frame: e.frame,
        face: e.face,
      };
    }
    const target = retarget(srcState, ref, held.state, retargetOptions, gains);
    return {
      ...renderer.render({
        target,
        driver: held.driver,
        occlusion,
        detail: options.detail ?? DEFAULT_ANIMATE_OPTIONS.detail,
        driverReference: refFrame,
        aus: appearance > 0 ? driverAUs(held.state, ref) : undefined,
        appearance,
      }),
      frame: e.frame,
      face: e.face,
      target,
    };
  };
  const drain = (all: boolean): ReenactedFrame[] => {
    const out: ReenactedFrame[] = [];
    while (queue.length && (all || !queue[0]!.face || queue[0]!.state)) out.push(render(queue.shift()!));
    return out;
  };
  return {
    delay: smoother.delay,
    push(frame, face) {
      const e: Entry = { frame, face };
      queue.push(e);
      if (face) {
        const raw = faceState(face);
        if (surround)
          raw.surround = Float32Array.from(surround.next(frame, { landmarks: face.landmarks, pose: raw.pose }));
        if (!ref) {
          ref = raw;
          refFrame = { image: frame, landmarks: face.landmarks };
        }
        for (const r of smoother.push(raw, e)) r.item.state = r.state;
      }
      return drain(false);
    },
    flush() {
      for (const r of smoother.flush()) r.item.state = r.state;
      return drain(true);
    },
  };
}

/** A driving frame: pixels plus, from a decoder, its index and time. */
export type DrivingFrame = RgbaImage & { index?: number; timestampMs?: number };

/** Running totals of {@link driveReenactor}. */
export interface DriveStats {
  /** Driving frames read. */
  frames: number;
  /** Driving frames with no face: the last good motion was held for them. */
  framesWithoutFace: number;
  /**
   * Milliseconds spent tracking the driver's face, and rendering — for a reenactor working beside the loop
   * ({@link AsyncReenactor}), the time the loop waited for it.
   */
  analyseMs: number;
  renderMs: number;
}

/**
 * The driving loop: tracks the driver's face in each frame, feeds the reenactor, and yields the rendered
 * frames in order (they trail the input by the smoother's look-ahead). `stats` is updated as it goes.
 */
export async function* driveReenactor(
  frames: AsyncIterable<DrivingFrame>,
  tracker: FaceTracker,
  reenactor: Reenactor | AsyncReenactor,
  stats: DriveStats = { frames: 0, framesWithoutFace: 0, analyseMs: 0, renderMs: 0 },
  signal?: AbortSignal,
): AsyncGenerator<ReenactedFrame> {
  for await (const frame of frames) {
    throwIfAborted(signal);
    const t0 = performance.now();
    const { faces } = await tracker.next(frame, { emotion: false });
    const t1 = performance.now();
    const ready = await reenactor.push(frame, faces[0], faces);
    stats.analyseMs += t1 - t0;
    stats.renderMs += performance.now() - t1;
    stats.frames++;
    if (!faces[0]) stats.framesWithoutFace++;
    yield* ready;
  }
  const t = performance.now();
  const rest = await reenactor.flush();
  stats.renderMs += performance.now() - t;
  yield* rest;
}

/** A side-by-side debug panel: source | driving | occlusion map | result. */
export function debugPanel(
  source: RgbaImage,
  driving: RgbaImage,
  occlusion: Float32Array | undefined,
  result: RgbaImage,
): RgbaImage {
  const occ: RgbaImage = {
    width: result.width,
    height: result.height,
    data: new Uint8ClampedArray(result.width * result.height * 4),
  };
  for (let i = 0; i < result.width * result.height; i++) {
    const v = occlusion ? occlusion[i]! * 255 : 0;
    occ.data[4 * i] = v;
    occ.data[4 * i + 1] = v * 0.6;
    occ.data[4 * i + 2] = 0;
    occ.data[4 * i + 3] = 255;
  }
  const h = Math.min(384, result.height) & ~1;
  return sideBySide([source, driving, occ, result], Math.max(2, h));
}
