/**
 * Face analysis behind one interface: detection, 478-point mesh with iris, head pose, apertures, gaze,
 * emotion and (on request) the identity embedding — for still images and, with tracking, for video.
 * Platform-neutral: it takes RGBA pixels and a model loader; `src/index.ts` adds Node's file loading.
 */
import { VivifyError, outOfRange, throwIfAborted } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import { sampleCrop, type RotatedSquare } from './crop.js';
import { estimateAUs } from './au-estimate.js';
import { estimatePose, eyeApertures, gaze, landmarkBox, mouthAperture, toCanonicalFrame } from '../face/measures.js';
import { detectFaces, meshFromRegion, regionFromDetection, regionFromLandmarks, type MeshResult } from './mesh.js';
import {
  initBackend,
  loadModels,
  runModel,
  type ModelArtifactsLoader,
  type ModelBackend,
  type ModelSet,
} from './models.js';
import { EMOTIONS, type Emotion, type FaceResult } from '../face/types.js';

export interface FaceAnalyzerOptions {
  /** Most faces reported per image (largest first). Default 10. */
  maxFaces?: number;
  /** Detector score a candidate needs, 0–1. Default 0.5. */
  minDetectionScore?: number;
  /** Mesh confidence a face needs to be reported (and to keep being tracked), 0–1. Default 0.5. */
  minFaceScore?: number;
  /** Run the 7-class emotion model. Default true. */
  emotion?: boolean;
  /** Compute the 1024-D identity embedding (about 90 ms per face on one core). Default false. */
  identity?: boolean;
  /** Estimate action-unit intensities (a few ms per face). Default false. */
  actionUnits?: boolean;
}

export interface FaceAnalyzerRuntime {
  /** Loads model files by name. */
  loadModel: ModelArtifactsLoader;
  /** Folder or URL of tfjs-backend-wasm's .wasm files. */
  wasmPath: string;
  /** Where the models run. Default 'wasm'; 'webgl' needs '@tensorflow/tfjs-backend-webgl' imported first. */
  backend?: ModelBackend;
}

export const DEFAULT_ANALYZER_OPTIONS: Required<FaceAnalyzerOptions> = {
  maxFaces: 10,
  minDetectionScore: 0.5,
  minFaceScore: 0.5,
  emotion: true,
  identity: false,
  actionUnits: false,
};

function resolveAnalyzerOptions(options: FaceAnalyzerOptions = {}): Required<FaceAnalyzerOptions> {
  const o = { ...DEFAULT_ANALYZER_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(o.maxFaces) || o.maxFaces < 1) throw outOfRange('an integer ≥ 1', 'maxFaces', o.maxFaces);
  for (const k of ['minDetectionScore', 'minFaceScore'] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw outOfRange('a number in [0, 1]', k, o[k]);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Per-call overrides for {@link FaceAnalyzer.analyze}. */
export interface AnalyzeOptions {
  identity?: boolean;
  emotion?: boolean;
  actionUnits?: boolean;
}

/** One analysed video frame. */
export interface FrameAnalysis {
  index: number;
  timestampMs: number;
  faces: FaceResult[];
  /** True when this frame ran the detector (first frame, or tracking was lost). */
  detected: boolean;
}

/**
 * Follows faces from frame to frame: each frame's mesh is cropped from the previous frame's landmarks,
 * and the detector runs again only when a face's mesh confidence drops (tracking lost) or none is tracked.
 */
export interface FaceTracker {
  /** Analyses the next frame. Frames must come in order and share one size. */
  next(frame: RgbaImage, options?: AnalyzeOptions): Promise<FrameAnalysis>;
  /** Forgets tracked faces: the next frame runs the detector. */
  reset(): void;
  /** Frames so far that ran the detector. */
  readonly detections: number;
}

export interface FaceAnalyzer {
  readonly options: Readonly<Required<FaceAnalyzerOptions>>;
  /** All faces in a still image, largest first; an empty array when there is none. */
  analyze(image: RgbaImage, options?: AnalyzeOptions): Promise<FaceResult[]>;
  createTracker(): FaceTracker;
  /** Analyses a stream of frames with tracking; yields one result per frame, in order. */
  analyzeVideo(
    frames: AsyncIterable<RgbaImage & { index?: number; timestampMs?: number }> | Iterable<RgbaImage>,
    options?: AnalyzeOptions & { signal?: AbortSignal },
  ): AsyncGenerator<FrameAnalysis>;
  /** Identity embedding of the face described by `face` (unit-length 1024-D vector). */
  embed(image: RgbaImage, face: FaceResult): Promise<Float32Array>;
  close(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates an analyzer from a model loader (see `createFaceAnalyzer` in the package root for Node's).
 *
 * @example
 * const analyzer = await createFaceAnalyzerWith({ loadModel, wasmPath }, { identity: true });
 * const [face] = await analyzer.analyze(rgba);
 * console.log(face?.pose.yawDeg, face?.emotion?.happy);
 * analyzer.close();
 */
export async function createFaceAnalyzerWith(
  runtime: FaceAnalyzerRuntime,
  options: FaceAnalyzerOptions = {},
): Promise<FaceAnalyzer> {
  const opts = resolveAnalyzerOptions(options);
  // The model files load while the backend starts (the backend must be ready only to make the models).
  const models = await loadModels(runtime.loadModel, initBackend(runtime.wasmPath, runtime.backend));
  if (opts.identity) await models.faceres();
  let closed = false;
  const check = (image: RgbaImage): void => {
    if (closed) throw new VivifyError('E_USAGE', 'this face analyzer was closed');
    if (!image || !(image.data instanceof Uint8ClampedArray) || image.data.length !== image.width * image.height * 4) {
      throw new TypeError('Expected an RGBA image ({ width, height, data: Uint8ClampedArray }) for image');
    }
  };

  const finish = async (image: RgbaImage, mesh: MeshResult, call: AnalyzeOptions): Promise<FaceResult> => {
    const face = describe(image, mesh);
    if (call.emotion ?? opts.emotion) face.emotion = classifyEmotion(models, image, mesh.region);
    if (call.identity ?? opts.identity) face.embedding = await embedRegion(models, image, mesh.region);
    if (call.actionUnits ?? opts.actionUnits) {
      const e = estimateAUs(toCanonicalFrame(face.landmarks, face.pose));
      face.actionUnits = { intensity: e.intensity, left: e.left, right: e.right };
    }
    return face;
  };

  const detectAll = (image: RgbaImage): MeshResult[] => {
    const found: MeshResult[] = [];
    for (const det of detectFaces(models, image, opts.minDetectionScore, opts.maxFaces)) {
      let mesh = meshFromRegion(models, image, regionFromDetection(det));
      if (mesh.score < opts.minFaceScore) continue;
      // A second pass from the landmarks' own region aligns the crop the way tracking will.
      mesh = meshFromRegion(models, image, regionFromLandmarks(mesh.landmarks));
      if (mesh.score < opts.minFaceScore) continue;
      if (found.some((f) => overlaps(f.region, mesh.region))) continue;
      found.push(mesh);
    }
    // Largest first, by the area of the landmark box inside the image (what a user sees as the face's size).
    const area = (m: MeshResult): number => {
      const b = landmarkBox(m.landmarks, image.width, image.height);
      return b.width * b.height;
    };
    return found.sort((a, b) => area(b) - area(a));
  };

  const analyzer: FaceAnalyzer = {
    options: opts,
    async analyze(image, call = {}) {
      check(image);
      const meshes = detectAll(image);
      const faces: FaceResult[] = [];
      for (const m of meshes) faces.push(await finish(image, m, call));
      return faces;
    },
    createTracker() {
      let tracked: MeshResult[] = [];
      let detections = 0;
      let frameNo = 0;
      return {
        get detections() {
          return detections;
        },
        reset() {
          tracked = [];
        },
        async next(frame, call = {}) {
          check(frame);
          const f = frame as RgbaImage & { index?: number; timestampMs?: number };
          const index = f.index ?? frameNo;
          frameNo = index + 1;
          let detected = false;
          let next: MeshResult[] = [];
          if (tracked.length > 0) {
            next = tracked.map((t) =>
              meshFromRegion(models, frame, steadyRegion(t.region, regionFromLandmarks(t.landmarks))),
            );
            if (next.some((m) => m.score < opts.minFaceScore)) next = [];
          }
          if (next.length === 0) {
            next = detectAll(frame);
            detected = true;
            detections++;
          }
          tracked = next;
          const faces: FaceResult[] = [];
          for (const m of next) faces.push(await finish(frame, m, call));
          return { index, timestampMs: f.timestampMs ?? 0, faces, detected };
        },
      };
    },
    async *analyzeVideo(frames, call = {}) {
      const tracker = analyzer.createTracker();
      for await (const frame of frames as AsyncIterable<RgbaImage>) {
        throwIfAborted(call.signal);
        yield await tracker.next(frame, call);
      }
    },
    async embed(image, face) {
      check(image);
      return embedRegion(models, image, regionFromLandmarks(face.landmarks));
    },
    close() {
      closed = true;
    },
    async [Symbol.asyncDispose]() {
      analyzer.close();
    },
  };
  return analyzer;
}

/**
 * The crop for the next frame: the previous crop moved part of the way towards the one the latest landmarks
 * give — a little when the change is small (landmark noise), all the way when the face really moves.
 * Re-cropping exactly from the last landmarks feeds the mesh model's noise back into its own input and
 * makes the landmarks of a still face oscillate (measured on the astronaut, a 57-px face: 0.014 face
 * units of frame-to-frame acceleration on identical frames; bench/analysis-stability.ts).
 */
function steadyRegion(prev: RotatedSquare, next: RotatedSquare): RotatedSquare {
  const moved = Math.hypot(next.cx - prev.cx, next.cy - prev.cy) / prev.size;
  const resized = Math.abs(Math.log(next.size / prev.size));
  const turned = Math.abs(next.angleRad - prev.angleRad);
  const a = Math.min(1, 0.15 + Math.max(moved / 0.04, resized / 0.06, turned / 0.05));
  return {
    cx: prev.cx + a * (next.cx - prev.cx),
    cy: prev.cy + a * (next.cy - prev.cy),
    size: prev.size * Math.exp(a * Math.log(next.size / prev.size)),
    angleRad: prev.angleRad + a * (next.angleRad - prev.angleRad),
  };
}

function overlaps(a: RotatedSquare, b: RotatedSquare): boolean {
  return Math.hypot(a.cx - b.cx, a.cy - b.cy) < 0.25 * Math.min(a.size, b.size);
}

/** Pose, apertures and gaze for one mesh. */
function describe(image: RgbaImage, mesh: MeshResult): FaceResult {
  const pose = estimatePose(mesh.landmarks);
  const canon = toCanonicalFrame(mesh.landmarks, pose);
  return {
    box: landmarkBox(mesh.landmarks, image.width, image.height),
    score: mesh.score,
    landmarks: mesh.landmarks,
    pose,
    eyes: eyeApertures(canon),
    mouth: mouthAperture(canon),
    gaze: gaze(canon),
  };
}

const EMOTION_INPUT = 64;

/** Human's emotion model: the upright face region, grey, 64×64, values in [-1, 1]. */
function classifyEmotion(models: ModelSet, image: RgbaImage, region: RotatedSquare): Record<Emotion, number> {
  const input = sampleCrop(image, region, EMOTION_INPUT, { channels: 1, scale: 2, offset: -1 });
  const [out] = runModel(models.emotion, input, [1, EMOTION_INPUT, EMOTION_INPUT, 1]);
  const total = EMOTIONS.reduce((s, _, i) => s + Math.max(0, out![i]!), 0) || 1;
  return Object.fromEntries(EMOTIONS.map((e, i) => [e, Math.max(0, out![i]!) / total])) as Record<Emotion, number>;
}

const FACERES_INPUT = 224;

async function embedRegion(models: ModelSet, image: RgbaImage, region: RotatedSquare): Promise<Float32Array> {
  const model = await models.faceres();
  const input = sampleCrop(image, region, FACERES_INPUT, { scale: 255 });
  const outputs = runModel(model, input, [1, FACERES_INPUT, FACERES_INPUT, 3]);
  const emb = outputs.find((o) => o.length === 1024);
  if (!emb) throw new Error('identity model output missing');
  let n = 0;
  for (const v of emb) n += v * v;
  n = Math.sqrt(n) || 1;
  return emb.map((v) => v / n);
}

/** Cosine similarity of two unit-length embeddings, in [-1, 1] (1: same face). */
export function identitySimilarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
