/**
 * Messages between the page and its two workers. The analysis worker runs the face models (tfjs, wasm or
 * webgl); the render worker runs the engine (reenactor, face editor, scripted timeline) and draws into
 * OffscreenCanvases. Analysed frames go from the analysis worker straight to the render worker over a
 * MessagePort, so the analysis of frame n + 1 runs while frame n renders.
 */
import type {
  BodyPose,
  EditSpec,
  FaceResult,
  ModelBackend,
  ReenactorOptions,
  RgbaImage,
  SpeakEmotion,
} from '../../src/engine.js';

/** Frames of the live camera, or of a video file being animated. */
export type Stream = 'live' | 'file';

/**
 * A model file the page started to download for the analysis worker while that worker's script still loads: its
 * response with the body unread (handed over as a stream), or `failed` when the page could not fetch it or hand
 * it over (the worker then fetches it itself).
 */
export type PrefetchedFile =
  | { url: string; status: number; headers: [string, string][]; body: ReadableStream<Uint8Array> }
  | { url: string; failed: true };

export type AnalysisRequest =
  | {
      type: 'init';
      backend: ModelBackend;
      modelsUrl: string;
      wasmUrl: string;
      render: MessagePort;
      /** The model files' URLs the page is downloading: each comes as a 'prefetched' message. */
      prefetching: string[];
    }
  /** Taken as soon as it arrives, not queued behind the init that waits for it. */
  | { type: 'prefetched'; file: PrefetchedFile }
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
  | { type: 'reset'; stream: Stream }
  /** The person to animate in the portrait (MoveNet, loaded on first use), as `vivify body` chooses. */
  | { type: 'body-person'; id: number; image: RgbaImage; faces: FaceResult[]; person: number; name: string }
  /** A body drive starts: its frames come as 'body-track', in order, then 'body-end'. */
  | { type: 'body-begin'; id: number; expression: boolean }
  | { type: 'body-track'; seq: number; bitmap: ImageBitmap }
  | { type: 'body-end' };

/** The portrait's person, as the body analysis found it (or why there is none). */
export type BodyPersonResult =
  | {
      ok: true;
      pose: BodyPose;
      /** Both hips and a knee seen inside the picture (isFullLength): Auto animates the whole body. */
      fullLength: boolean;
      /** Joints seen inside the picture, of 17. */
      joints: number;
      /** The face the face engine re-renders (landmarks at the portrait's size), when there is one. */
      faceLandmarks?: Float32Array;
      people: number;
      warnings: string[];
    }
  | { ok: false; message: string };

export type AnalysisEvent =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'ready'; backend: ModelBackend; loadMs: number }
  | { type: 'portrait'; id: number; image: RgbaImage; faces: FaceResult[] }
  | { type: 'tracked'; stream: Stream; seq: number; ms: number; found: boolean }
  /**
   * Test probe: the driver's and the re-analysed output's mouth opening; with all faces animated, also every
   * camera face's and every output face's, each left to right (`outputs` only when as many faces as the
   * portrait's were found).
   */
  | {
      type: 'probe';
      seq: number;
      driver: number;
      output: number | null;
      drivers?: number[];
      outputs?: number[] | null;
    }
  | { type: 'body-person'; id: number; result: BodyPersonResult }
  /** A driving frame's body keypoints are found (`person`: five joints or more seen). */
  /** `ms`: the analysis worker's busy time for it (MoveNet, and the face tracker for `--head expression`). */
  | { type: 'body-tracked'; id: number; seq: number; person: boolean; ms: number }
  | { type: 'error'; message: string; id?: number };

/** Analysis worker → render worker. */
export type AnalysedFrame = {
  type: 'frame';
  stream: Stream;
  seq: number;
  frame: RgbaImage & { timestampMs: number };
  face: FaceResult | undefined;
  /** Every face tracked in the frame (face is the first): all faces of a portrait are driven from them. */
  faces: FaceResult[];
  analyseMs: number;
};

/** Analysis worker → render worker: a driving frame's body pose (and its face, when its expression is followed). */
export type BodyFrame = {
  type: 'body-frame';
  /** The drive's id ('body-begin'): a cancelled drive's last frames are not taken for the next one's. */
  id: number;
  seq: number;
  pose: BodyPose;
  face: FaceResult | undefined;
};

/** Render worker → analysis worker: an output frame to re-analyse (test probe). */
export type ProbeRequest = {
  type: 'probe';
  seq: number;
  image: RgbaImage;
  driver: number;
  /** With all faces animated: every camera face's mouth opening, left to right, and the portrait's face count. */
  group?: { drivers: number[]; faces: number };
};

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

/** What a body drive renders with: the `vivify body` options the Video file mode shows, by library key. */
export interface BodyDriveOptions {
  mode: 'relative' | 'absolute';
  smooth: number;
  reach: number;
  head: 'off' | 'turn' | 'expression';
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
  /**
   * The portrait and its chosen face; `group`: all its faces, animated at once in Live and the Video file mode
   * (the studio's other modes use `face`).
   */
  | { type: 'source'; image: RgbaImage; face: FaceResult; group?: FaceResult[] }
  /** A portrait without a face but with a whole person (the Video file mode's body only): shown, not edited. */
  | { type: 'picture'; image: RgbaImage }
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
  /** A body drive: the portrait's pixels, its person's pose and face, the `vivify body` options shown. */
  | {
      type: 'body-begin';
      id: number;
      image: RgbaImage;
      pose: BodyPose;
      faceLandmarks?: Float32Array;
      options: BodyDriveOptions;
      fps: number;
    }
  | { type: 'body-end'; id: number }
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
