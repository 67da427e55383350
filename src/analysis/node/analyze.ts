/**
 * Node wiring for the face analyzer: models from the installed @vladmandic/human, inputs of any kind, and
 * analysis of image and video files into the JSON documents `vivify analyze` writes.
 */
import { promises as fs } from 'node:fs';
import { writeAtomically } from '../../media/atomic.js';
import { readImage, type ImageInput } from '../../media/image-file.js';
import { decodeVideo, probeVideo, type VideoInfo } from '../../media/video.js';
import type { RgbaImage, VideoFrame } from '../../face/image.js';
import {
  createFaceAnalyzerWith,
  type AnalyzeOptions,
  type FaceAnalyzer,
  type FaceAnalyzerOptions,
  type FrameAnalysis,
} from '../analyzer.js';
import { faceToJSON } from '../serialize.js';
import { fileModelLoader, humanModelDir, wasmDir } from './load-models.js';
import type { FaceResult } from '../../face/types.js';

export interface NodeFaceAnalyzer extends Omit<FaceAnalyzer, 'analyze'> {
  /** All faces in an image (a path, encoded bytes or RGBA pixels), largest first. */
  analyze(image: ImageInput, options?: AnalyzeOptions): Promise<FaceResult[]>;
}

/**
 * Creates a face analyzer backed by Human's models on tfjs's WebAssembly backend.
 *
 * @example
 * import { createFaceAnalyzer } from 'vivify';
 * const analyzer = await createFaceAnalyzer();
 * const faces = await analyzer.analyze('portrait.jpg');
 * console.log(faces[0]?.pose.yawDeg);
 * analyzer.close();
 */
export async function createFaceAnalyzer(
  options: FaceAnalyzerOptions & { modelDir?: string } = {},
): Promise<NodeFaceAnalyzer> {
  const { modelDir, ...rest } = options;
  const core = await createFaceAnalyzerWith(
    { loadModel: fileModelLoader(modelDir ?? humanModelDir()), wasmPath: wasmDir() },
    rest,
  );
  return {
    ...core,
    options: core.options,
    async analyze(image: ImageInput, call?: AnalyzeOptions) {
      const rgba: RgbaImage = await readImage(image);
      return core.analyze(rgba, call);
    },
  };
}

/** What {@link analyzeVideoFile} measured along a video. */
export interface VideoAnalysisStats {
  info: VideoInfo;
  frames: number;
  framesWithFace: number;
  /** Frames that ran the detector (the rest were tracked). */
  detections: number;
  yawRangeDeg: [number, number];
  pitchRangeDeg: [number, number];
  /** Milliseconds spent analysing, in total. */
  analyseMs: number;
  warnings: string[];
}

/**
 * Analyses a still image file and, with `json`, writes the document `vivify analyze --json` writes (every
 * face with all landmarks), atomically.
 */
export async function analyzeImageFile(
  input: string,
  analyzer: NodeFaceAnalyzer,
  options: { json?: string } = {},
): Promise<{ image: RgbaImage; faces: FaceResult[]; ms: number }> {
  const image = await readImage(input);
  const started = performance.now();
  const faces = await analyzer.analyze(image);
  const ms = performance.now() - started;
  if (options.json) {
    const doc = { input, kind: 'image', width: image.width, height: image.height, faces: faces.map(faceToJSON) };
    await writeAtomically(options.json, (tmp) => fs.writeFile(tmp, JSON.stringify(doc)));
  }
  return { image, faces, ms };
}

/**
 * Analyses a video frame by frame with tracking, streaming: with `json`, writes the per-frame document of
 * `vivify analyze --json` as it goes (atomically: it appears only when complete); `onFrame` sees every frame
 * and its faces (to draw an overlay, report progress).
 */
export async function analyzeVideoFile(
  input: string,
  analyzer: NodeFaceAnalyzer,
  options: {
    json?: string;
    signal?: AbortSignal;
    onFrame?: (frame: VideoFrame, result: FrameAnalysis) => Promise<void> | void;
  } = {},
): Promise<VideoAnalysisStats> {
  const info = await probeVideo(input);
  const tracker = analyzer.createTracker();
  const stats: VideoAnalysisStats = {
    info,
    frames: 0,
    framesWithFace: 0,
    detections: 0,
    yawRangeDeg: [Infinity, -Infinity],
    pitchRangeDeg: [Infinity, -Infinity],
    analyseMs: 0,
    warnings: [],
  };
  const frames = decodeVideo(input, { signal: options.signal, onWarning: (w) => stats.warnings.push(w) });
  const body = async (emit?: (chunk: string) => Promise<void>): Promise<void> => {
    let first = true;
    for await (const frame of frames) {
      const t0 = performance.now();
      const result = await tracker.next(frame);
      stats.analyseMs += performance.now() - t0;
      stats.frames++;
      const face: FaceResult | undefined = result.faces[0];
      if (face) {
        stats.framesWithFace++;
        stats.yawRangeDeg = [
          Math.min(stats.yawRangeDeg[0], face.pose.yawDeg),
          Math.max(stats.yawRangeDeg[1], face.pose.yawDeg),
        ];
        stats.pitchRangeDeg = [
          Math.min(stats.pitchRangeDeg[0], face.pose.pitchDeg),
          Math.max(stats.pitchRangeDeg[1], face.pose.pitchDeg),
        ];
      }
      if (emit) {
        const rec = {
          index: result.index,
          timestampMs: Number(result.timestampMs.toFixed(3)),
          detected: result.detected,
          faces: result.faces.map(faceToJSON),
        };
        await emit(`${first ? '' : ',\n'}${JSON.stringify(rec)}`);
        first = false;
      }
      await options.onFrame?.(frame, result);
    }
  };
  if (options.json) {
    await writeAtomically(options.json, async (tmp) => {
      const fh = await fs.open(tmp, 'w');
      try {
        const header = {
          input,
          kind: 'video',
          width: info.width,
          height: info.height,
          fps: info.fps,
          durationS: info.durationS,
        };
        await fh.write(`${JSON.stringify(header).slice(0, -1)},"frames":[\n`);
        await body(async (chunk) => {
          await fh.write(chunk);
        });
        await fh.write(`]}\n`);
      } finally {
        await fh.close();
      }
    });
  } else {
    await body();
  }
  stats.detections = tracker.detections;
  return stats;
}
