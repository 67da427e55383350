/**
 * Reenactment, end to end in Node: a driving video moves a portrait. Streams frame by frame (decode →
 * analyse the driver → smooth → retarget → render → encode), so memory stays flat for any video length.
 * The per-frame work is the I/O-free core in ../reenactor.ts; this file adds files, ffmpeg and the models.
 */
import { availableParallelism } from 'node:os';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { pickFace } from '../../analysis/pick-face.js';
import { VivifyError } from '../../errors.js';
import type { RgbaImage, VideoFrame } from '../../face/image.js';
import type { FaceResult } from '../../face/types.js';
import { readImage, type ImageInput } from '../../media/image-file.js';
import {
  decodeVideo,
  openVideoWriter,
  planConstantRate,
  probeVideo,
  type ConstantRatePlan,
  type VideoInfo,
  type VideoWriter,
  videoFormatForPath,
} from '../../media/video.js';
import { faceState } from '../../motion/motion.js';
import { resolveOptions, type FaceSelection } from '../../options.js';
import { selectedFaces } from '../../expression/faces.js';
import type { MouthSourceKind } from '../../render/mouth.js';
import { fitSize, resizeImage } from '../../render/resize.js';
import { ANIMATE_OPTIONS, type AnimateSettings } from '../options.js';
import { loadMouthBank } from './mouth-bank-file.js';
import { createWorkerReenactor, type ReenactorSetup } from './render-worker.js';
import { shareOut, splitReenactor } from '../group-reenactor.js';
import { decodeSide, findReference, scaledSize } from './driving.js';
export { DRIVING_FACE_MIN_PX, drivingDecodeSide } from './driving.js';
import {
  createReenactor,
  debugPanel,
  type AsyncReenactor,
  driveReenactor,
  type DriveStats,
  type ReenactedFrame,
  type Reenactor,
} from '../reenactor.js';

export { DEFAULT_ANIMATE_OPTIONS, ANIMATE_OPTIONS, type AnimateSettings } from '../options.js';

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
  /** People (mouth-bank person keys) whose real mouths are not to be used: an evaluation leaves out the reenacted person's own. */
  mouthBankExclude?: readonly string[];
  /** Whether the driving face's own mouth may fill the portrait's (beside the bank's). Default true. */
  mouthFromDriver?: boolean;
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
  /** How many frames took their mouth interior from where ('none': lips closed). */
  mouth: Record<'none' | MouthSourceKind, number>;
  /**
   * The size the driving frames were decoded and analysed at: smaller than the video when its face is
   * larger than the engine needs (see {@link drivingDecodeSide}).
   */
  drivingSize: { width: number; height: number };
  /**
   * Mean milliseconds per output frame: waiting for the decoder (ffmpeg decodes in its own process, so this
   * is only the part it did not hide), analysing the driver, motion + render (on a second thread, beside the
   * analysis), waiting for the encoder, and the whole run (set-up included).
   */
  msPerFrame: { decode: number; analyse: number; render: number; encode: number; total: number };
  /** What was asked for and could not be done, in one line each (e.g. audio asked for a GIF). */
  warnings: string[];
}

/** The library's options beside the definitions (see {@link AnimateOptions}). */
const ANIMATE_EXTRA_KEYS = ['debugGrid', 'onProgress', 'signal', 'analyzer', 'mouthBankExclude', 'mouthFromDriver'];

type Resolved = AnimateSettings &
  Pick<AnimateOptions, 'debugGrid' | 'onProgress' | 'signal' | 'mouthBankExclude' | 'mouthFromDriver'>;

/** Validates `options` against their definitions and fills the defaults. */
export function resolveAnimateOptions(options: AnimateOptions): Resolved {
  return resolveOptions<Resolved>(ANIMATE_OPTIONS, options as Partial<Resolved>, ANIMATE_EXTRA_KEYS);
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
  const analyzer = options.analyzer ?? (await createFaceAnalyzer({ emotion: false, maxFaces: faceCapacity(o.face) }));
  try {
    return await run(source, driving, output, o, analyzer);
  } finally {
    if (!options.analyzer) analyzer.close();
  }
}

/** How many faces an analyzer must find for the face setting `face` (a number, a list, or all). */
export function faceCapacity(face: number | FaceSelection | undefined): number {
  if (face === undefined) return 10;
  if (typeof face === 'number') return Math.max(10, face + 1);
  return face === 'all' ? 100 : Math.max(10, ...face.map((i) => i + 1));
}

/** A reenactment ready to run: the (resized) source and its face, the reenactor, and the driving video. */
export interface PreparedReenactment {
  source: RgbaImage;
  sourceFace: FaceResult;
  /** The reenactor, on this thread (created on first use). */
  readonly reenactor: Reenactor;
  /** What it is made from, e.g. to make one on another thread ({@link createWorkerReenactor}). */
  setup: ReenactorSetup;
  info: VideoInfo;
  /**
   * The constant rate the driver is read at: its own, or `fps`; a variable rate is resampled by time so
   * the output keeps the driver's timing (see planConstantRate).
   */
  rate: ConstantRatePlan;
  /** Index of the driving frame used as reference (-1: the first with a face). */
  referenceFrame: number;
  /** Size the driving frames are decoded at (the video's own, or smaller: see {@link drivingDecodeSide}). */
  drivingSize: { width: number; height: number };
  /** The driving frames, decoded at `rate` and at `drivingSize`. */
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
  // The bank of real mouths decodes on libuv's threads while the source and the driver are analysed here.
  const bank = o.mouth === 'bank' ? loadMouthBank() : undefined;
  bank?.catch(() => undefined); // awaited below; not an unhandled rejection if set-up fails first
  let source: RgbaImage = await readImage(sourceInput);
  if (o.size) {
    const s = fitSize(source.width, source.height, o.size);
    source = resizeImage(source, s.width, s.height);
  }
  const info = await probeVideo(driving);
  const rate = await planConstantRate(driving, o.fps);
  const scaled = o.size ? { size: o.size, width: source.width, height: source.height } : undefined;
  if (typeof o.face !== 'number')
    throw new RangeError('prepareReenactment prepares one face; animate() animates several (face: [0, 2] or "all")');
  const sourceFace = pickFace(await analyzer.analyze(source, { identity: outputs.identity }), o.face, label, scaled);
  const maxSide = await decodeSide(driving, info, o, analyzer, sourceFace, rate.decodeFps);
  const ref = await findReference(driving, o, analyzer, faceState(sourceFace), rate.decodeFps, maxSide);
  const setup: ReenactorSetup = {
    source,
    sourceFace,
    options: {
      motion: o.motion,
      regions: o.regions,
      weights: o.weights,
      expressionScale: o.expressionScale,
      poseScale: o.poseScale,
      smooth: o.smooth,
      surroundings: o.surroundings,
      detail: o.detail,
      appearance: o.appearance,
      reference: ref.reference,
      referenceFrame: ref.frame,
      mouth: bank ? { bank: await bank, bankExclude: o.mouthBankExclude, driver: o.mouthFromDriver } : undefined,
    },
    occlusion: outputs.occlusion ?? false,
  };
  let reenactor: Reenactor | undefined;
  return {
    source,
    sourceFace,
    setup,
    get reenactor() {
      return (reenactor ??= createReenactor(setup.source, setup.sourceFace, setup.options, setup.occlusion));
    },
    info,
    rate,
    referenceFrame: ref.referenceFrame,
    drivingSize: maxSide === undefined ? { width: info.width, height: info.height } : scaledSize(info, maxSide),
    frames: (maxFrames) => decodeVideo(driving, { fps: rate.decodeFps, signal: o.signal, maxFrames, maxSide }),
  };
}

async function run(
  sourceInput: ImageInput,
  driving: string,
  output: string,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
): Promise<AnimateReport> {
  // Several faces: one reenactment per face (each prepared as for one), all driven by the driver's face.
  const faces = typeof o.face === 'number' ? [o.face] : await chosenFaces(sourceInput, o.face, o, analyzer);
  for (const k of Object.keys(o.map ?? {}))
    if (!faces.includes(Number(k)))
      throw new VivifyError('E_USAGE', `--map names face ${k}, which --face ${faceText(o.face)} does not choose`);
  if (faces.length > 1 && o.reference !== 'first')
    throw new VivifyError(
      'E_USAGE',
      `--reference ${o.reference} with several faces: each face takes its own driver face's first frame as its reference (leave --reference at first)`,
    );
  const group: PreparedReenactment[] = [];
  for (const face of faces)
    group.push(
      await prepareReenactment(sourceInput, driving, { ...o, face }, analyzer, { occlusion: Boolean(o.debugGrid) }),
    );
  const prepared = group[0]!;
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
    drivingSize: prepared.drivingSize,
    mouth: { none: 0, source: 0, bank: 0, synthesised: 0 },
    msPerFrame: { decode: 0, analyse: 0, render: 0, encode: 0, total: 0 },
    warnings: [],
  };
  if (o.keepAudio && videoFormatForPath(output) !== 'mp4')
    report.warnings.push(
      '--keep-audio: GIF and PNG frames hold no sound, so the audio was left out (write .mp4 to keep it)',
    );
  else if (o.keepAudio && !info.hasAudio)
    report.warnings.push(`--keep-audio: the driving video ${driving} has no audio track`);
  let decodeMs = 0;
  let encodeMs = 0;
  let reenactor: AsyncReenactor | undefined;
  const stats: DriveStats = { frames: 0, framesWithoutFace: 0, analyseMs: 0, renderMs: 0 };
  const started = performance.now();
  try {
    writer = await openVideoWriter(output, {
      fps: rate.fpsRational,
      audioFrom: o.keepAudio && info.hasAudio ? driving : undefined,
    });
    if (o.debugGrid) grid = await openVideoWriter(o.debugGrid, { fps: rate.fpsRational });
    const tracker = analyzer.createTracker();
    const frames = timed(prepared.frames(), (ms) => (decodeMs += ms));
    // Rendering runs on a second thread, beside the decoding and analysis of the next frames.
    if (group.length === 1 && !o.map) reenactor = await createWorkerReenactor(prepared.setup);
    else {
      // The faces, left to right (their ranks serve the default mapping by position), shared out over the
      // render threads (see renderThreads).
      const order = group.map((p, k) => k).sort((a, b) => boxCentre(group[a]!) - boxCentre(group[b]!));
      const members = order.map((k, rank) => ({
        sourceFace: group[k]!.sourceFace,
        options: group[k]!.setup.options,
        rank,
        driver: o.map?.[faces[k]!],
      }));
      const parts = shareOut(
        members,
        (m) => m.sourceFace.box.width * m.sourceFace.box.height,
        renderThreads(members.length),
      );
      reenactor = splitReenactor(
        source,
        await Promise.all(
          parts.map((part) => createWorkerReenactor({ ...prepared.setup, group: part, groupSize: members.length })),
        ),
      );
    }
    for await (const r of driveReenactor(frames, tracker, reenactor, stats, o.signal)) {
      report.mouth[r.mouth]++;
      const t0 = performance.now();
      await writer.write(r.image);
      encodeMs += performance.now() - t0;
      if (grid) await grid.write(debugPanel(source, r.frame, r.occlusion, r.image));
      report.frames++;
      o.onProgress?.({ frame: report.frames, total });
    }
    if (stats.frames === stats.framesWithoutFace) {
      throw new VivifyError('E_NO_FACE', `no face found in any frame of the driving video ${driving}`);
    }
    const t0 = performance.now();
    await writer.close();
    encodeMs += performance.now() - t0;
    await grid?.close();
  } catch (err) {
    await writer?.abort();
    await grid?.abort();
    throw err;
  } finally {
    await reenactor?.close();
  }
  const n = Math.max(1, report.frames);
  report.framesWithoutFace = stats.framesWithoutFace;
  report.msPerFrame = {
    decode: decodeMs / n,
    analyse: stats.analyseMs / n,
    render: (reenactor?.renderMs ?? 0) / n,
    encode: encodeMs / n,
    total: (performance.now() - started) / n,
  };
  return report;
}

/**
 * How many threads render a group's faces: one per core, no more than the faces. The driver's analysis runs
 * beside them on the main thread; on 2 cores, two render threads and the analysis share the cores, where one
 * render thread for every face left the analysis waiting for it (docs/results/group.md).
 */
function renderThreads(faces: number): number {
  return Math.max(1, Math.min(faces, availableParallelism()));
}

const boxCentre = (p: PreparedReenactment): number => p.sourceFace.box.x + p.sourceFace.box.width / 2;
const faceText = (f: number | FaceSelection): string =>
  typeof f === 'number' || f === 'all' ? String(f) : f.join(',');

/** The face numbers a selection names in the (scaled) source, largest first; an error naming a missing face. */
async function chosenFaces(
  sourceInput: ImageInput,
  selection: FaceSelection,
  o: Resolved,
  analyzer: NodeFaceAnalyzer,
): Promise<number[]> {
  const label = typeof sourceInput === 'string' ? sourceInput : 'the source image';
  let source: RgbaImage = await readImage(sourceInput);
  if (o.size) {
    const s = fitSize(source.width, source.height, o.size);
    source = resizeImage(source, s.width, s.height);
  }
  const found = await analyzer.analyze(source);
  pickFace(found, 0, label);
  try {
    return selectedFaces(selection, found.length, label);
  } catch (err) {
    throw new VivifyError('E_FACE_INDEX', (err as Error).message);
  }
}

/** `frames`, calling `onWait` with the milliseconds each step waited for the next frame. */
async function* timed<T>(frames: AsyncIterable<T>, onWait: (ms: number) => void): AsyncGenerator<T> {
  const it = frames[Symbol.asyncIterator]();
  try {
    for (;;) {
      const t0 = performance.now();
      const r = await it.next();
      onWait(performance.now() - t0);
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

export type { ReenactedFrame };
