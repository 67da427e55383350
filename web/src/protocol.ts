/**
 * Messages between the page and its two workers. The analysis worker runs the face models (tfjs, wasm or
 * webgl); the render worker runs the engine (reenactor, face editor, scripted timeline) and draws into
 * OffscreenCanvases. Analysed frames go from the analysis worker straight to the render worker over a
 * MessagePort, so the analysis of frame n + 1 runs while frame n renders.
 */
import type {
  EditSpec,
  FaceResult,
  ModelBackend,
  ReenactorOptions,
  RgbaImage,
  SpeakEmotion,
} from '../../src/engine.js';

/** Frames of the live camera, or of a video file being animated. */
export type Stream = 'live' | 'file';

export type AnalysisRequest =
  | { type: 'init'; backend: ModelBackend; modelsUrl: string; wasmUrl: string; render: MessagePort }
  | { type: 'portrait'; id: number; bitmap: ImageBitmap }
  | {
      type: 'track';
      stream: Stream;
      seq: number;
      bitmap: ImageBitmap;
      timestampMs: number;
      mirror?: boolean;
      /** Also measure the driver's emotion and action units (for the live bars). */
      measures?: boolean;
    }
  | { type: 'reset'; stream: Stream };

export type AnalysisEvent =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'ready'; backend: ModelBackend; loadMs: number }
  | { type: 'portrait'; id: number; image: RgbaImage; faces: FaceResult[] }
  | { type: 'tracked'; stream: Stream; seq: number; ms: number; found: boolean }
  | { type: 'probe'; seq: number; driver: number; output: number | null }
  | { type: 'error'; message: string; id?: number };

/** Analysis worker → render worker. */
export type AnalysedFrame = {
  type: 'frame';
  stream: Stream;
  seq: number;
  frame: RgbaImage & { timestampMs: number };
  face: FaceResult | undefined;
  analyseMs: number;
};

/** Render worker → analysis worker: an output frame to re-analyse (test probe). */
export type ProbeRequest = { type: 'probe'; seq: number; image: RgbaImage; driver: number };

export type CanvasName = 'live' | 'studio';

/**
 * What the live canvas shows: the result, the driver (the analysed camera frame) or both side by side; and
 * the overlays of what the tracker sees: the driver's mesh (on the driver) and the portrait's mesh (on the
 * result, as rendered; on the studio preview, as analysed).
 */
export interface ViewSettings {
  layout: 'result' | 'driver' | 'side-by-side';
  driverMesh: boolean;
  portraitMesh: boolean;
}

/** The driver's measures of one live frame, for the bars. */
export interface DriverMeasures {
  emotion?: Record<string, number>;
  aus?: Record<number, number>;
}

/** What the Speak mode renders with (the `vivify speak` options it shows, by library key). */
export interface SpeakRenderOptions {
  seed: number;
  fps: number;
  mouthScale: number;
  emotion?: SpeakEmotion;
}

/** A box in portrait pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type RenderRequest =
  | { type: 'init'; analysis: MessagePort; live: OffscreenCanvas; studio: OffscreenCanvas; modelsUrl: string }
  | { type: 'source'; image: RgbaImage; face: FaceResult }
  | { type: 'live-options'; options: ReenactorOptions }
  | { type: 'view'; view: ViewSettings }
  | { type: 'recalibrate' }
  | { type: 'probe'; on: boolean }
  | { type: 'edit'; id: number; spec: EditSpec }
  | { type: 'timeline'; text: string }
  | { type: 'timeline-frame'; id: number; timeS: number }
  | { type: 'timeline-export'; id: number }
  | { type: 'png'; id: number; canvas: CanvasName }
  | { type: 'file-begin'; id: number; options: ReenactorOptions; fps: number; frames: number }
  | { type: 'file-end'; id: number }
  | { type: 'file-cancel' }
  | {
      type: 'speak';
      id: number;
      /** Mono speech at SPEECH_SAMPLE_RATE (what the features read). */
      samples: Float32Array;
      /** The same speech at an Opus rate, for the video's sound track. */
      sound: { samples: Float32Array; sampleRate: number };
      options: SpeakRenderOptions;
    }
  | { type: 'speak-cancel'; id: number }
  /** Live lip-sync: the microphone moves the portrait's mouth (speech model, short look-ahead). */
  | { type: 'lipsync-start'; id: number; mouthScale: number }
  /** Microphone samples at SPEECH_SAMPLE_RATE, as they come. */
  | { type: 'lipsync-audio'; samples: Float32Array }
  | { type: 'lipsync-stop' };

export type RenderEvent =
  | {
      type: 'rendered';
      seq: number;
      ms: number;
      outputs: number;
      mouth: string;
      delay: number;
      found: boolean;
      measures?: DriverMeasures;
    }
  | { type: 'drawn'; id: number; ms: number }
  | { type: 'ack'; id: number }
  | { type: 'png'; id: number; blob: Blob }
  | { type: 'export-progress'; id: number; frame: number; total: number }
  | { type: 'video'; id: number; blob: Blob; frames: number; mimeType: string }
  | { type: 'file-frame'; seq: number; ms: number }
  | {
      type: 'lipsync-frame';
      /** Render time, milliseconds. */
      ms: number;
      /**
       * How far the shown mouth is behind the newest microphone sample, milliseconds: the model's look-ahead
       * and the feature windows (audio time), plus the time since that sample reached the worker.
       */
      lagMs: number;
      /** Jaw drop (AU26, 0–5) shown. */
      open: number;
    }
  | { type: 'speak-progress'; id: number; stage: 'features' | 'sound' | 'render'; done: number; total: number }
  | {
      type: 'spoken';
      id: number;
      blob: Blob;
      frames: number;
      fps: number;
      durationS: number;
      /** False where the browser cannot encode Opus: the video is silent. */
      withSound: boolean;
      /** The portrait's mouth (its lips grown by half their size each way). */
      mouthBox: Box;
      /** Render time per frame, milliseconds (encoding included). */
      msPerFrame: number;
    }
  | { type: 'error'; message: string; id?: number };
