/**
 * Evaluation runs on files: one reenactment result against its driving video, or a whole self-/cross-
 * reenactment job rendered and measured in memory (the suite's unit of work).
 */
import type { NodeFaceAnalyzer } from '../analysis/node/analyze.js';
import { VivifyError, throwIfAborted } from '../errors.js';
import { readImage } from '../media/image-file.js';
import type { RgbaImage } from '../face/image.js';
import { decodeVideo, planConstantRate } from '../media/video.js';
import { prepareReenactment, type AnimateOptions } from '../reenact/node/animate.js';
import { pickFace } from '../analysis/pick-face.js';
import { driveReenactor, type DriveStats } from '../reenact/reenactor.js';
import { createReenactEvaluator, type ReenactEvaluation } from './reenact.js';
import { cropAroundFace } from '../render/resize.js';
import path from 'node:path';
import { actorOf } from '../dataset/actors.js';

export interface EvalFileOptions {
  mode: 'self' | 'cross';
  identityEvery?: number;
  signal?: AbortSignal;
  onFrame?: (n: number) => void;
  /** Evaluate at most this many frames. */
  maxFrames?: number;
}

/** Evaluates a result video against the driving video it was made from (frames paired in order, at the rate `animate` used). */
export async function evaluateFiles(
  analyzer: NodeFaceAnalyzer,
  sourcePath: string,
  drivingPath: string,
  resultPath: string,
  options: EvalFileOptions,
): Promise<ReenactEvaluation & { warnings: string[] }> {
  const source = await readImage(sourcePath);
  const sourceFace = pickFace(await analyzer.analyze(source, { identity: true }), 0, sourcePath);
  const evaluator = createReenactEvaluator(analyzer, {
    mode: options.mode,
    source,
    sourceFace,
    identityEvery: options.identityEvery,
  });
  const driverTracker = analyzer.createTracker();
  // The driver's frames as `vivify animate` read them (a variable frame rate resampled), so frames pair up.
  const { decodeFps } = await planConstantRate(drivingPath);
  const drv = decodeVideo(drivingPath, { fps: decodeFps, signal: options.signal, maxFrames: options.maxFrames })[
    Symbol.asyncIterator
  ]();
  const res = decodeVideo(resultPath, { signal: options.signal, maxFrames: options.maxFrames })[Symbol.asyncIterator]();
  const warnings: string[] = [];
  let n = 0;
  try {
    while (true) {
      const [d, r] = await Promise.all([drv.next(), res.next()]);
      if (d.done || r.done) {
        if (!d.done || !r.done)
          warnings.push(`the result and the driving video differ in length; compared the first ${n} frames`);
        break;
      }
      throwIfAborted(options.signal);
      if (options.mode === 'self' && (d.value.width !== r.value.width || d.value.height !== r.value.height)) {
        throw new VivifyError(
          'E_USAGE',
          `self-reenactment compares pixels, but the result is ${r.value.width}x${r.value.height} and the driving video ${d.value.width}x${d.value.height}`,
        );
      }
      const face = (await driverTracker.next(d.value, { emotion: false })).faces[0];
      await evaluator.add(d.value, face, r.value);
      n++;
      options.onFrame?.(n);
    }
  } finally {
    await drv.return?.();
    await res.return?.();
  }
  if (n === 0) throw new VivifyError('E_VIDEO_EMPTY', 'nothing to compare: a video has no frames');
  return { ...evaluator.finish(), warnings };
}

export interface ReenactJob {
  kind: 'self' | 'cross';
  /** Driving video path. */
  driving: string;
  /** Source image path (cross); for self the driving video's first frame is the source. */
  source?: string;
  maxFrames?: number;
  identityEvery?: number;
  /** Reenactment settings, as for `animate` (defaults: animate's). */
  reenact?: Omit<AnimateOptions, 'analyzer' | 'signal' | 'onProgress' | 'debugGrid'>;
  /** Name of the reenactment configuration being measured (for reports). */
  config?: string;
}

export interface ReenactJobResult extends ReenactEvaluation {
  job: ReenactJob;
  msPerFrame: number;
}

/** Renders and evaluates one reenactment in memory (no encoding), for the evaluation suite. */
export async function runReenactJob(
  analyzer: NodeFaceAnalyzer,
  job: ReenactJob,
  signal?: AbortSignal,
): Promise<ReenactJobResult> {
  let source: RgbaImage;
  if (job.kind === 'cross') {
    if (!job.source) throw new VivifyError('E_USAGE', 'a cross-reenactment job needs a source image');
    // Sources are compared at one face size: a 512×512 crop with the face about 45% of its width.
    const full = await readImage(job.source);
    source = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, job.source).box);
  } else {
    let first: RgbaImage | undefined;
    for await (const f of decodeVideo(job.driving, { maxFrames: 1, signal })) first = f;
    if (!first) throw new VivifyError('E_VIDEO_EMPTY', `${job.driving} has no frames`);
    source = first;
  }
  // The same preparation and driving loop as `vivify animate`, so the suite measures what users get.
  // Self-reenactment never uses the person's own real mouths (the bank holds frames of these very clips).
  const exclude = job.kind === 'self' ? [actorOf(`videos/${path.basename(job.driving)}`)] : undefined;
  const prepared = await prepareReenactment(
    source,
    job.driving,
    { ...job.reenact, signal, mouthBankExclude: exclude },
    analyzer,
    {
      identity: true,
    },
  );
  const evaluator = createReenactEvaluator(analyzer, {
    mode: job.kind,
    source: prepared.source,
    sourceFace: prepared.sourceFace,
    identityEvery: job.identityEvery,
  });
  const stats: DriveStats = { frames: 0, framesWithoutFace: 0, analyseMs: 0, renderMs: 0 };
  const started = performance.now();
  const frames = prepared.frames(job.maxFrames);
  for await (const r of driveReenactor(frames, analyzer.createTracker(), prepared.reenactor, stats, signal)) {
    await evaluator.add(r.frame, r.face, r.image);
  }
  const msPerFrame = (performance.now() - started) / Math.max(1, stats.frames);
  return { job, ...evaluator.finish(), msPerFrame };
}
