/**
 * Whole-body animation, end to end in Node: a full-length photo moved by a driving video or a skeleton
 * file. Streams frame by frame (decode → body keypoints → smooth → retarget → skin and render → encode),
 * so memory stays flat for any length. The per-frame work is the pure engine in this folder; this file
 * adds files, ffmpeg and the model.
 */
import { promises as fs } from 'node:fs';
import { VivifyError, throwIfAborted } from '../../errors.js';
import type { RgbaImage } from '../../face/image.js';
import { readImage } from '../../media/image-file.js';
import { decodeVideo, openVideoWriter, probeVideo, videoFormatForPath, type VideoWriter } from '../../media/video.js';
import { fitSize, resizeImage } from '../../render/resize.js';
import { createBodyDetector } from './load-models.js';
import type { BodyDetector } from '../movenet.js';
import { resolveBodyOptions, smoothingCutoffHz, type BodyOptions } from '../options.js';
import { bodyDebugGrid, drawRig } from '../skeleton-overlay.js';
import { createHeadMotion } from '../face.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import type { FaceTracker } from '../../analysis/analyzer.js';
import type { FaceResult } from '../../face/types.js';
import { prepareBodyScene, type BodyScene } from '../render.js';
import {
  createBodyRenderInline,
  createBodyRenderWorker,
  type BodyRenderWorker,
  type BodyRendered,
} from './render-worker.js';
import { createRetargeter } from '../retarget.js';
import { parseSkeletonJson } from '../skeleton-file.js';
import { seenCount, type BodyPose } from '../skeleton.js';
import { createPoseSmoother } from '../pose-smoother.js';
import { chooseBodyPerson, type BodyPerson } from '../source.js';
import { trackBody } from '../track.js';

export interface AnimateBodyOptions extends Partial<BodyOptions> {
  /** Also write source with rig | driver with skeleton | result | result with the filled background marked. */
  debugGrid?: string;
  onProgress?: (p: { frame: number; total: number }) => void;
  signal?: AbortSignal;
  /**
   * Render on a worker thread beside decoding and keypoints (default true); false renders in this thread.
   */
  renderThread?: boolean;
  /** A detector to reuse (not closed). Default: one is created and closed. */
  detector?: BodyDetector;
}

export interface AnimateBodyReport {
  output: string;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Joints MoveNet saw in the source (of 17). */
  sourceJoints: number;
  /** Faces found in the photo (several: the largest person, or --person N, was animated). */
  people: number;
  /** True when the face engine re-rendered the face (head turn, expression); false: it moved with the rig. */
  faceEngine: boolean;
  /** Driving frames whose face was seen large enough to carry its expression (`head: 'expression'`). */
  expressionFrames: number;
  /** Driving frames with fewer than 5 joints seen: their bones held their last motion. */
  framesWithoutPerson: number;
  /**
   * Mean ms per frame: decoding and driver keypoints, render (on its own thread, beside the rest), encode,
   * and the whole run.
   */
  msPerFrame: { analyse: number; render: number; encode: number; total: number };
  warnings: string[];
}

/** One driving frame: the pose, and the picture when the driver is a video. */
interface Driven {
  pose: BodyPose;
  picture?: RgbaImage;
  /** The driver's largest face, when its expression is followed (`head: 'expression'`). */
  face?: FaceResult;
}

interface Driver {
  fps: number;
  total: number;
  /** A still for the debug grid when the driver has no pictures. */
  blank: RgbaImage;
  hasAudio: boolean;
  frames: AsyncGenerator<Driven>;
  reference(index: number): Promise<BodyPose>;
}

/** The source photo at the working size: its scene, pose, face and what was chosen or left out. */
export interface BodySource extends BodyPerson {
  scene: BodyScene;
}

export interface BodySourceOptions {
  /** Longest side of the working size. */
  size: number;
  /** A clean background plate (path). */
  background?: string;
  /** Which person, by face size (1: the largest). Default 1. */
  person?: number;
  /** Finds the faces: people to choose from, and the face the face engine re-renders. Without it: neither. */
  faces?: Pick<NodeFaceAnalyzer, 'analyze'>;
}

/**
 * The source photo at the working size, the person to animate in it (the largest, or `person`, when
 * several faces show several people), their pose, face and prepared scene.
 */
export async function loadBodySource(
  file: string,
  detector: BodyDetector,
  options: BodySourceOptions,
): Promise<BodySource> {
  const original = await readImage(file);
  let image = original;
  if (Math.max(image.width, image.height) > options.size) {
    const { width, height } = fitSize(image.width, image.height, options.size);
    image = resizeImage(image, width, height);
  }
  const plate = options.background === undefined ? undefined : await loadPlate(options.background, image);
  // Faces are found at the photo's full resolution (small faces of a full-length photo), then scaled.
  const faces = options.faces ? await options.faces.analyze(original) : undefined;
  const person = chooseBodyPerson(image, detector, {
    name: file,
    person: options.person,
    faces,
    scale: image.width / original.width,
  });
  return { ...person, scene: prepareBodyScene(image, person.pose, { plate }) };
}

/** Largest difference of aspect ratio (relative) between a background plate and the photo. */
const PLATE_ASPECT_TOLERANCE = 0.02;

/** A background plate read and scaled to the photo's working size; one that is not its shape is refused. */
async function loadPlate(file: string, photo: RgbaImage): Promise<RgbaImage> {
  const plate = await readImage(file);
  const a = plate.width / plate.height;
  const b = photo.width / photo.height;
  if (Math.abs(a / b - 1) > PLATE_ASPECT_TOLERANCE)
    throw new VivifyError(
      'E_USAGE',
      `--background ${file} is ${plate.width}x${plate.height}, not the photo's shape (${photo.width}x${photo.height} as scaled): a plate must show the same view`,
    );
  return plate.width === photo.width && plate.height === photo.height
    ? plate
    : resizeImage(plate, photo.width, photo.height);
}

async function videoDriver(
  file: string,
  detector: BodyDetector,
  o: BodyOptions,
  timing: number[],
  faces?: FaceTracker,
): Promise<Driver> {
  const info = await probeVideo(file);
  const cutoff = smoothingCutoffHz(o.smooth);
  async function* frames(): AsyncGenerator<Driven> {
    const smoother = cutoff ? createPoseSmoother({ minCutoffHz: cutoff }) : undefined;
    // Decoding is timed with the keypoints: the tracker pulls frames one ahead.
    const tracked = trackBody(decodeVideo(file), detector);
    for (;;) {
      const t0 = performance.now();
      const next = await tracked.next();
      if (next.done) break;
      const { frame, pose: raw } = next.value;
      const pose = smoother ? smoother.next(raw, 1 / info.fps) : raw;
      const face = faces ? (await faces.next(frame)).faces[0] : undefined;
      timing[0]! += performance.now() - t0;
      yield { pose, picture: frame, face };
    }
  }
  return {
    fps: info.fps,
    total: info.frameCount,
    hasAudio: info.hasAudio,
    blank: { width: info.width, height: info.height, data: new Uint8ClampedArray(info.width * info.height * 4) },
    frames: frames(),
    async reference(index) {
      for await (const f of decodeVideo(file, { frames: [index] })) return detector.detectStill(f);
      throw new VivifyError('E_USAGE', `--reference ${index} is past the end of ${file}`);
    },
  };
}

async function skeletonDriver(file: string, o: BodyOptions): Promise<Driver> {
  const seq = parseSkeletonJson(await fs.readFile(file, 'utf8'), file);
  const cutoff = smoothingCutoffHz(o.smooth);
  async function* frames(): AsyncGenerator<Driven> {
    const smoother = cutoff ? createPoseSmoother({ minCutoffHz: cutoff }) : undefined;
    for (const p of seq.frames) yield { pose: smoother ? smoother.next(p, 1 / seq.fps) : p };
  }
  const w = Math.round(seq.width);
  const h = Math.round(seq.height);
  return {
    fps: seq.fps,
    total: seq.frames.length,
    hasAudio: false,
    blank: { width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(255) },
    frames: frames(),
    reference(index) {
      const p = seq.frames[index];
      if (!p) throw new VivifyError('E_USAGE', `--reference ${index} is past the end of ${file}`);
      return Promise.resolve(p);
    },
  };
}

/** True when `file` is a skeleton sequence (by its name: .json). */
export function isSkeletonFile(file: string): boolean {
  return file.toLowerCase().endsWith('.json');
}

/**
 * Moves the person in `source` (a full-length or half-length photo) as the person in `driving` (a video,
 * or a skeleton sequence as JSON) moves, and writes the result.
 *
 * @example
 * const report = await animateBody('person.jpg', 'taichi.mp4', 'out.mp4', { mode: 'relative' });
 */
export async function animateBody(
  source: string,
  driving: string,
  output: string,
  options: AnimateBodyOptions = {},
): Promise<AnimateBodyReport> {
  const { debugGrid, onProgress, signal, detector: given, renderThread = true, ...rest } = options;
  const o = resolveBodyOptions(rest);
  const started = performance.now();
  const detector = given ?? (await createBodyDetector());
  const writers: VideoWriter[] = [];
  let worker: BodyRenderWorker | undefined;
  let faces: NodeFaceAnalyzer | undefined;
  try {
    // The driver first: a malformed skeleton file is refused before any model runs.
    const timing = [0, 0, 0];
    const skeleton = isSkeletonFile(driving);
    const driver = skeleton ? await skeletonDriver(driving, o) : undefined;
    // Faces count the people in the photo and give the face engine its face.
    faces = await createFaceAnalyzer({ emotion: false });
    const src = await loadBodySource(source, detector, {
      size: o.size,
      background: o.background,
      person: o.person,
      faces,
    });
    const { scene, pose: sourcePose } = src;
    const face = o.head === 'off' ? undefined : src.face;
    const drive =
      driver ??
      (await videoDriver(
        driving,
        detector,
        o,
        timing,
        face && o.head === 'expression' ? faces.createTracker() : undefined,
      ));
    const warnings: string[] = [...src.warnings];
    if (o.head === 'expression' && skeleton)
      warnings.push('--head expression: a skeleton file shows no face; the head turns only');
    if (o.keepAudio && (!drive.hasAudio || videoFormatForPath(output) !== 'mp4'))
      warnings.push('--keep-audio: the driver has no audio or the output is not .mp4; written without audio');
    const audioFrom = o.keepAudio && drive.hasAudio && videoFormatForPath(output) === 'mp4' ? driving : undefined;
    const out = await openVideoWriter(output, { fps: drive.fps, audioFrom });
    writers.push(out);
    const grid = debugGrid ? await openVideoWriter(debugGrid, { fps: drive.fps }) : undefined;
    if (grid) writers.push(grid);
    const rigView = drawRig(scene.source, scene.rig);
    let reference = o.reference === 'first' ? undefined : await drive.reference(o.reference);
    let retarget = reference && createRetargeter(sourcePose, reference, o.mode, o.reach);
    worker = renderThread ? createBodyRenderWorker(scene, face) : createBodyRenderInline(scene, face);
    const head = face && createHeadMotion(face, o.head);
    /** The driving pictures and poses of frames still in flight, for the debug grid. */
    const inFlight: Driven[] = [];
    let frames = 0;
    let missing = 0;
    const emit = async (r: BodyRendered): Promise<void> => {
      const t2 = performance.now();
      await out.write(r.image);
      const d = inFlight.shift();
      if (grid && d)
        await grid.write(bodyDebugGrid(rigView, d.picture ?? drive.blank, d.pose, r.image, r.revealed!, 256));
      timing[2]! += performance.now() - t2;
      // Counted apart from the call: `onProgress?.(…)` skips its arguments when there is no callback.
      frames++;
      onProgress?.({ frame: frames, total: drive.total });
    };
    // Rendering runs on a worker thread while this one decodes and finds the next frame's keypoints.
    for await (const d of drive.frames) {
      throwIfAborted(signal);
      if (seenCount(d.pose) < 5) missing++;
      reference ??= d.pose;
      retarget ??= createRetargeter(sourcePose, d.pose, o.mode, o.reach);
      if (grid) inFlight.push(d);
      const job = { target: retarget.next(d.pose), face: head?.next(d.pose, reference, d.face), revealed: !!grid };
      for (const r of await worker.push(job)) await emit(r);
    }
    for (const r of await worker.flush()) await emit(r);
    timing[1] = worker.renderMs;
    if (frames === 0) throw new VivifyError('E_VIDEO_EMPTY', `${driving} has no frames`);
    for (const w of writers.splice(0)) await w.close();
    const per = (ms: number): number => ms / frames;
    return {
      output,
      frames,
      fps: drive.fps,
      width: scene.source.width,
      height: scene.source.height,
      sourceJoints: seenCount(sourcePose),
      people: src.people,
      faceEngine: !!face,
      expressionFrames: head?.expressionFrames ?? 0,
      framesWithoutPerson: missing,
      msPerFrame: {
        analyse: per(timing[0]!),
        render: per(timing[1]!),
        encode: per(timing[2]!),
        total: per(performance.now() - started),
      },
      warnings,
    };
  } finally {
    for (const w of writers) await w.abort().catch(() => undefined);
    await worker?.close();
    faces?.close();
    if (!given) detector.close();
  }
}
