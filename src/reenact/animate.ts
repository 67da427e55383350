/**
 * Reenactment, end to end: a driving video moves a portrait. Streams frame by frame (decode → analyse the
 * driver → smooth → retarget → render → encode), so memory stays flat for any video length.
 */
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../analysis/node.js';
import type { FaceResult } from '../analysis/types.js';
import { VivifyError, outOfRange, throwIfAborted } from '../errors.js';
import { readImage, type ImageInput } from '../media/image.js';
import type { RgbaImage } from '../media/types.js';
import { decodeVideo, openVideoWriter, planConstantRate, probeVideo, type VideoWriter } from '../media/video.js';
import {
  DEFAULT_RETARGET,
  expressionGains,
  faceState,
  retarget,
  stateDistance,
  type FaceState,
  type RegionSelection,
  type RetargetOptions,
} from '../motion/motion.js';
import { createSmoother } from '../motion/smooth.js';
import { createRenderer, type RenderFrameOutput } from '../render/renderer.js';
import { controlMesh, ringsForSource } from '../render/control-mesh.js';
import { createSurroundTracker } from '../motion/surround.js';
import { fitSize, resizeImage, sideBySide } from '../render/resize.js';

export interface AnimateOptions {
  /** relative (default): the portrait keeps its own face and takes the driver's changes; absolute: takes the driver's pose and expression. */
  motion?: 'relative' | 'absolute';
  /** The driving frame the changes are measured from: 'first' (default), 'best' (closest to the source in pose and expression), or a frame index. */
  reference?: 'first' | 'best' | number;
  /** What moves: any of all (default), pose, expression, eyes, brows, lips. */
  regions?: readonly RegionSelection[];
  /** Per-part expression weights, e.g. { brows: 0, lips: 0.7 }. */
  weights?: RetargetOptions['weights'];
  /** Multiplies expression motion. Default 1. */
  expressionScale?: number;
  /** Multiplies head motion. Default 1. */
  poseScale?: number;
  /** Temporal smoothing of the driving signal, 0 (off) … 1 (strong): a Savitzky–Golay fit over ±1…4 frames (look-ahead, no lag). Default 0.5 (±2 frames). */
  smooth?: number;
  /** See {@link ReenactorOptions.surroundings}. Default 'head'. */
  surroundings?: 'head' | 'tracked';
  /** Strength of the driver's shading changes (wrinkles, lighting) carried onto the face, 0–1. Default 0. */
  detail?: number;
  /** Which face of the source to animate, 0 = largest (default). */
  face?: number;
  /** Copy the driving video's audio. Default false. */
  keepAudio?: boolean;
  /** Output frame rate. Default: the driving video's (a variable rate becomes a constant one, timing kept: see planConstantRate). */
  fps?: number;
  /** Longest side of the output in pixels. Default: the source's own size. */
  size?: number;
  /** Also write a side-by-side debug video: source | driving | occlusion map | result. */
  debugGrid?: string;
  onProgress?: (p: { frame: number; total: number }) => void;
  signal?: AbortSignal;
  /** A face analyzer to reuse (it is not closed). Default: one is created and closed. */
  analyzer?: NodeFaceAnalyzer;
}

export const DEFAULT_ANIMATE_OPTIONS = {
  motion: 'relative',
  reference: 'first',
  regions: ['all'],
  weights: {},
  expressionScale: 1,
  poseScale: 1,
  smooth: 0.5,
  surroundings: 'head',
  detail: 0,
  face: 0,
  keepAudio: false,
} as const;

export interface AnimateReport {
  output: string;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Driving frames with no face: the last good motion was held for them. */
  framesWithoutFace: number;
  /** Index of the driving frame used as reference. */
  referenceFrame: number;
  /** How many frames took their mouth interior from where. */
  mouth: Record<'none' | 'driver' | 'source' | 'synthesised', number>;
  /** Mean milliseconds per frame spent analysing the driver and rendering (decode and encode run in ffmpeg). */
  msPerFrame: { analyse: number; render: number; total: number };
}

/**
 * Animates `source` (a portrait) with the head and face motion of the `driving` video and writes `output`
 * (.mp4, .gif or a folder of PNG frames).
 *
 * @example
 * const report = await animate('portrait.jpg', 'driving.mp4', 'out.mp4', { reference: 'best' });
 * console.log(report.frames, report.msPerFrame.total);
 */
export async function animate(
  source: ImageInput,
  driving: string,
  output: string,
  options: AnimateOptions = {},
): Promise<AnimateReport> {
  const o = resolveAnimateOptions(options);
  const analyzer =
    options.analyzer ?? (await createFaceAnalyzer({ emotion: false, maxFaces: Math.max(10, o.face + 1) }));
  try {
    return await run(source, driving, output, o, analyzer);
  } finally {
    if (!options.analyzer) analyzer.close();
  }
}

type Resolved = Omit<Required<AnimateOptions>, 'debugGrid' | 'fps' | 'size' | 'onProgress' | 'signal' | 'analyzer'> &
  Pick<AnimateOptions, 'debugGrid' | 'fps' | 'size' | 'onProgress' | 'signal'>;

export function resolveAnimateOptions(options: AnimateOptions): Resolved {
  const o = {
    ...DEFAULT_ANIMATE_OPTIONS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Resolved;
  if (o.motion !== 'relative' && o.motion !== 'absolute') throw outOfRange('relative or absolute', 'motion', o.motion);
  if (!(o.reference === 'first' || o.reference === 'best' || (Number.isInteger(o.reference) && o.reference >= 0))) {
    throw outOfRange('first, best or a frame index ≥ 0', 'reference', o.reference);
  }
  for (const k of ['expressionScale', 'poseScale'] as const)
    if (!(o[k] >= 0 && o[k] <= 5)) throw outOfRange('a number in [0, 5]', k, o[k]);
  if (!(o.smooth >= 0 && o.smooth <= 1)) throw outOfRange('a number in [0, 1]', 'smooth', o.smooth);
  if (!(o.detail >= 0 && o.detail <= 1)) throw outOfRange('a number in [0, 1]', 'detail', o.detail);
  if (o.surroundings !== 'head' && o.surroundings !== 'tracked')
    throw outOfRange('head or tracked', 'surroundings', o.surroundings);
  if (!Number.isInteger(o.face) || o.face < 0) throw outOfRange('an integer ≥ 0', 'face', o.face);
  if (o.fps !== undefined && !(o.fps > 0 && o.fps <= 240)) throw outOfRange('a frame rate in (0, 240]', 'fps', o.fps);
  if (o.size !== undefined && !(Number.isInteger(o.size) && o.size >= 16 && o.size <= 8192))
    throw outOfRange('an integer in [16, 8192]', 'size', o.size);
  return o;
}

/** The chosen face of a still, or a typed error naming what was found. */
export function pickFace(faces: FaceResult[], index: number, what: string): FaceResult {
  if (faces.length === 0) throw new VivifyError('E_NO_FACE', `no face found in ${what}`);
  const f = faces[index];
  if (!f)
    throw new VivifyError(
      'E_FACE_INDEX',
      `${what} has ${faces.length} face${faces.length === 1 ? '' : 's'}; --face ${index} does not exist (faces are numbered from 0, largest first)`,
    );
  return f;
}

async function run(
  sourceInput: ImageInput,
  driving: string,
  output: string,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
): Promise<AnimateReport> {
  const label = typeof sourceInput === 'string' ? sourceInput : 'the source image';
  let source: RgbaImage = await readImage(sourceInput);
  if (o.size) {
    const s = fitSize(source.width, source.height, o.size);
    source = resizeImage(source, s.width, s.height);
  }
  const info = await probeVideo(driving);
  const rate = await planConstantRate(driving, o.fps);
  const srcFace = pickFace(await analyzer.analyze(source), o.face, label);
  const { reference, referenceFrame } = await findReference(driving, o, analyzer, faceState(srcFace), rate.decodeFps);
  const reenactor = createReenactor(source, srcFace, { ...o, reference }, Boolean(o.debugGrid));
  const fps = rate.fps;
  const total = rate.frameCount;

  let writer: VideoWriter | undefined;
  let grid: VideoWriter | undefined;
  const report: AnimateReport = {
    output,
    frames: 0,
    fps,
    width: source.width,
    height: source.height,
    framesWithoutFace: 0,
    referenceFrame,
    mouth: { none: 0, driver: 0, source: 0, synthesised: 0 },
    msPerFrame: { analyse: 0, render: 0, total: 0 },
  };
  const started = performance.now();
  try {
    writer = await openVideoWriter(output, {
      fps: rate.fpsRational,
      audioFrom: o.keepAudio && info.hasAudio ? driving : undefined,
    });
    if (o.debugGrid) grid = await openVideoWriter(o.debugGrid, { fps: rate.fpsRational });
    const tracker = analyzer.createTracker();
    const emit = async (r: ReenactedFrame): Promise<void> => {
      report.mouth[r.mouth]++;
      await writer!.write(r.image);
      if (grid) await grid.write(debugPanel(source, r.frame, r.occlusion, r.image));
      report.frames++;
      o.onProgress?.({ frame: report.frames, total });
    };
    for await (const frame of decodeVideo(driving, { fps: rate.decodeFps, signal: o.signal })) {
      throwIfAborted(o.signal);
      const t0 = performance.now();
      const { faces } = await tracker.next(frame, { emotion: false });
      const t1 = performance.now();
      const ready = reenactor.push(frame, faces[0]);
      const t2 = performance.now();
      if (!faces[0]) report.framesWithoutFace++;
      report.msPerFrame.analyse += t1 - t0;
      report.msPerFrame.render += t2 - t1;
      for (const r of ready) await emit(r);
    }
    const t3 = performance.now();
    const rest = reenactor.flush();
    report.msPerFrame.render += performance.now() - t3;
    for (const r of rest) await emit(r);
    if (report.frames === report.framesWithoutFace) {
      throw new VivifyError('E_NO_FACE', `no face found in any frame of the driving video ${driving}`);
    }
    await writer.close();
    await grid?.close();
  } catch (err) {
    await writer?.abort();
    await grid?.abort();
    throw err;
  }
  const n = Math.max(1, report.frames);
  report.msPerFrame = {
    analyse: report.msPerFrame.analyse / n,
    render: report.msPerFrame.render / n,
    total: (performance.now() - started) / n,
  };
  return report;
}

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
  /** The reference frame's image and landmarks, for `detail` when the reference is not the first frame. */
  referenceFrame?: { image: RgbaImage; landmarks: Float32Array };
}

export interface ReenactedFrame extends RenderFrameOutput {
  /** The driving frame and face this output belongs to. */
  frame: RgbaImage & { index?: number; timestampMs?: number };
  face: FaceResult | undefined;
  /** The target head pose and shape that was rendered (undefined while there is no motion yet). */
  target?: FaceState;
}

export interface Reenactor {
  /**
   * Adds the next driving frame (in order) and its face; returns the outputs that are ready, oldest first.
   * Smoothing looks a few frames ahead, so outputs trail the input by `delay` frames; with no driver face
   * the last good motion is held (the source itself before the first face).
   */
  push(frame: RgbaImage & { index?: number; timestampMs?: number }, face: FaceResult | undefined): ReenactedFrame[];
  /** Renders what is still waiting at the end of the video. */
  flush(): ReenactedFrame[];
  readonly delay: number;
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
    expressionScale: options.expressionScale ?? 1,
    poseScale: options.poseScale ?? 1,
  };
  const gains = expressionGains(retargetOptions);
  const renderer = createRenderer(source, srcState, sourceFace.landmarks);
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
        detail: options.detail ?? 0,
        driverReference: refFrame,
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

/** The driver's reference state: the first frame with a face (filled in while streaming), the closest to the source, or frame N. */
async function findReference(
  driving: string,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
  source: FaceState,
  fps: string | undefined,
): Promise<{ reference?: FaceState; referenceFrame: number }> {
  if (o.reference === 'first') return { referenceFrame: -1 };
  if (typeof o.reference === 'number') {
    for await (const frame of decodeVideo(driving, { frames: [o.reference], fps, signal: o.signal })) {
      const face = (await analyzer.analyze(frame, { emotion: false }))[0];
      if (!face) throw new VivifyError('E_NO_FACE', `reference frame ${o.reference} of ${driving} has no face`);
      return { reference: faceState(face), referenceFrame: o.reference };
    }
    throw new VivifyError('E_USAGE', `the driving video has no frame ${o.reference} (reference)`);
  }
  // 'best': one pass over the driver, keeping only the closest state.
  const tracker = analyzer.createTracker();
  let best: { state: FaceState; index: number; d: number } | undefined;
  for await (const frame of decodeVideo(driving, { fps, signal: o.signal })) {
    const face = (await tracker.next(frame, { emotion: false })).faces[0];
    if (!face) continue;
    const state = faceState(face);
    const d = stateDistance(state, source);
    if (!best || d < best.d) best = { state, index: frame.index, d };
  }
  if (!best) throw new VivifyError('E_NO_FACE', `no face found in any frame of the driving video ${driving}`);
  return { reference: best.state, referenceFrame: best.index };
}

function debugPanel(
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
