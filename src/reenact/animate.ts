/**
 * Reenactment, end to end in Node: a driving video moves a portrait. Streams frame by frame (decode →
 * analyse the driver → smooth → retarget → render → encode), so memory stays flat for any video length.
 * The per-frame work is the I/O-free core in reenactor.ts; this file adds files, ffmpeg and the models.
 */
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../analysis/node.js';
import { pickFace } from '../analysis/pick-face.js';
import { VivifyError, throwIfAborted } from '../errors.js';
import type { RgbaImage, VideoFrame } from '../face/image.js';
import type { FaceResult } from '../face/types.js';
import { readImage, type ImageInput } from '../media/image.js';
import {
  decodeVideo,
  openVideoWriter,
  planConstantRate,
  probeVideo,
  type ConstantRatePlan,
  type VideoInfo,
  type VideoWriter,
} from '../media/video.js';
import { faceState, stateDistance, type FaceState } from '../motion/motion.js';
import { resolveOptions } from '../options.js';
import { fitSize, resizeImage } from '../render/resize.js';
import { ANIMATE_OPTIONS, type AnimateSettings } from './options.js';
import {
  createReenactor,
  debugPanel,
  driveReenactor,
  type DriveStats,
  type ReenactedFrame,
  type Reenactor,
} from './reenactor.js';

export { DEFAULT_ANIMATE_OPTIONS, ANIMATE_OPTIONS, type AnimateSettings } from './options.js';

/**
 * Options of {@link animate}. Every setting is defined once in `ANIMATE_OPTIONS` (src/reenact/options.ts),
 * which also gives the command line its flags and the web app its controls; the defaults are there.
 */
export interface AnimateOptions extends Partial<AnimateSettings> {
  /** Also write a side-by-side debug video: source | driving | occlusion map | result. */
  debugGrid?: string;
  onProgress?: (p: { frame: number; total: number }) => void;
  signal?: AbortSignal;
  /** A face analyzer to reuse (it is not closed). Default: one is created and closed. */
  analyzer?: NodeFaceAnalyzer;
}

export interface AnimateReport {
  output: string;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Driving frames with no face: the last good motion was held for them. */
  framesWithoutFace: number;
  /** Index of the driving frame used as reference (-1: the first with a face). */
  referenceFrame: number;
  /** How many frames took their mouth interior from where. */
  mouth: Record<'none' | 'driver' | 'source' | 'synthesised', number>;
  /** Mean milliseconds per frame spent analysing the driver and rendering (decode and encode run in ffmpeg). */
  msPerFrame: { analyse: number; render: number; total: number };
}

type Resolved = AnimateSettings & Pick<AnimateOptions, 'debugGrid' | 'onProgress' | 'signal'>;

/** Validates `options` against their definitions and fills the defaults. */
export function resolveAnimateOptions(options: AnimateOptions): Resolved {
  return resolveOptions<Resolved>(ANIMATE_OPTIONS, options as Partial<Resolved>);
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

/** A reenactment ready to run: the (resized) source and its face, the reenactor, and the driving video. */
export interface PreparedReenactment {
  source: RgbaImage;
  sourceFace: FaceResult;
  reenactor: Reenactor;
  info: VideoInfo;
  /**
   * The constant rate the driver is read at: its own, or `fps`; a variable rate is resampled by time so
   * the output keeps the driver's timing (see planConstantRate).
   */
  rate: ConstantRatePlan;
  /** Index of the driving frame used as reference (-1: the first with a face). */
  referenceFrame: number;
  /** The driving frames, decoded at `rate`. */
  frames(maxFrames?: number): AsyncIterable<VideoFrame>;
}

/**
 * Reads the source, finds its face and the driver's reference, and sets up the reenactor — the part that
 * `animate` and the evaluation share, so they run the same loop on the same settings.
 */
export async function prepareReenactment(
  sourceInput: ImageInput,
  driving: string,
  options: AnimateOptions,
  analyzer: NodeFaceAnalyzer,
  outputs: { occlusion?: boolean; identity?: boolean } = {},
): Promise<PreparedReenactment> {
  const o = resolveAnimateOptions(options);
  const label = typeof sourceInput === 'string' ? sourceInput : 'the source image';
  let source: RgbaImage = await readImage(sourceInput);
  if (o.size) {
    const s = fitSize(source.width, source.height, o.size);
    source = resizeImage(source, s.width, s.height);
  }
  const info = await probeVideo(driving);
  const rate = await planConstantRate(driving, o.fps);
  const sourceFace = pickFace(await analyzer.analyze(source, { identity: outputs.identity }), o.face, label);
  const ref = await findReference(driving, o, analyzer, faceState(sourceFace), rate.decodeFps);
  const reenactor = createReenactor(
    source,
    sourceFace,
    { ...o, reference: ref.reference, referenceFrame: ref.frame },
    outputs.occlusion ?? false,
  );
  return {
    source,
    sourceFace,
    reenactor,
    info,
    rate,
    referenceFrame: ref.referenceFrame,
    frames: (maxFrames) => decodeVideo(driving, { fps: rate.decodeFps, signal: o.signal, maxFrames }),
  };
}

async function run(
  sourceInput: ImageInput,
  driving: string,
  output: string,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
): Promise<AnimateReport> {
  const prepared = await prepareReenactment(sourceInput, driving, o, analyzer, { occlusion: Boolean(o.debugGrid) });
  const { source, info, rate } = prepared;
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
    referenceFrame: prepared.referenceFrame,
    mouth: { none: 0, driver: 0, source: 0, synthesised: 0 },
    msPerFrame: { analyse: 0, render: 0, total: 0 },
  };
  const stats: DriveStats = { frames: 0, framesWithoutFace: 0, analyseMs: 0, renderMs: 0 };
  const started = performance.now();
  try {
    writer = await openVideoWriter(output, {
      fps: rate.fpsRational,
      audioFrom: o.keepAudio && info.hasAudio ? driving : undefined,
    });
    if (o.debugGrid) grid = await openVideoWriter(o.debugGrid, { fps: rate.fpsRational });
    const tracker = analyzer.createTracker();
    for await (const r of driveReenactor(prepared.frames(), tracker, prepared.reenactor, stats, o.signal)) {
      report.mouth[r.mouth]++;
      await writer.write(r.image);
      if (grid) await grid.write(debugPanel(source, r.frame, r.occlusion, r.image));
      report.frames++;
      o.onProgress?.({ frame: report.frames, total });
    }
    if (stats.frames === stats.framesWithoutFace) {
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
  report.framesWithoutFace = stats.framesWithoutFace;
  report.msPerFrame = {
    analyse: stats.analyseMs / n,
    render: stats.renderMs / n,
    total: (performance.now() - started) / n,
  };
  return report;
}

/**
 * The driver's reference: the first frame with a face (left to the reenactor, which takes it while
 * streaming), the frame closest to the source in pose and expression, or frame N — with its image and
 * landmarks, which the shading detail measures from.
 */
async function findReference(
  driving: string,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
  source: FaceState,
  fps: string | undefined,
): Promise<{ reference?: FaceState; referenceFrame: number; frame?: { image: RgbaImage; landmarks: Float32Array } }> {
  if (o.reference === 'first') return { referenceFrame: -1 };
  if (typeof o.reference === 'number') {
    for await (const frame of decodeVideo(driving, { frames: [o.reference], fps, signal: o.signal })) {
      const face = (await analyzer.analyze(frame, { emotion: false }))[0];
      if (!face) throw new VivifyError('E_NO_FACE', `reference frame ${o.reference} of ${driving} has no face`);
      return {
        reference: faceState(face),
        referenceFrame: o.reference,
        frame: { image: frame, landmarks: face.landmarks },
      };
    }
    throw new VivifyError('E_USAGE', `the driving video has no frame ${o.reference} (reference)`);
  }
  // 'best': one pass over the driver, keeping only the closest frame.
  const tracker = analyzer.createTracker();
  let best: { state: FaceState; index: number; d: number; image: RgbaImage; landmarks: Float32Array } | undefined;
  for await (const frame of decodeVideo(driving, { fps, signal: o.signal })) {
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

export type { ReenactedFrame };
