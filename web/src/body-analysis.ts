/**
 * The analysis worker's body side: MoveNet Lightning (fetched from the app's models/ folder, as the face
 * models are, on first use) finds the person to animate in the portrait — the same choice as `vivify body`
 * (chooseBodyPerson) — and tracks the driving video's body with the command line's own tracker (trackBody:
 * MoveNet on about half the frames, the frames between interpolated when the body barely moved). Poses go
 * to the render worker over the analysis → render port.
 */
import {
  type BodyDetector,
  chooseBodyPerson,
  createBodyDetectorWith,
  type FaceAnalyzer,
  fetchModelLoader,
  isFullLength,
  jointsInPicture,
  type ModelBackend,
  type RgbaImage,
  seenCount,
  trackBody,
  VivifyError,
} from '../../src/engine.js';
import type { AnalysisEvent, AnalysisRequest, BodyFrame, BodyPersonResult } from './protocol.js';

export interface BodyAnalysisContext {
  modelsUrl: string;
  wasmUrl: string;
  backend: ModelBackend;
  analyzer: () => FaceAnalyzer;
  render: () => MessagePort;
  post(e: AnalysisEvent): void;
}

type Numbered = RgbaImage & { seq: number };

/** Frames handed over one message at a time, read by trackBody as an async stream. */
class FrameFeed implements AsyncIterable<Numbered> {
  private readonly queue: Numbered[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;

  push(frame: Numbered): void {
    this.queue.push(frame);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Numbered> {
    for (;;) {
      const f = this.queue.shift();
      if (f) yield f;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}

/** What a message about another person says in the page (the command line names its flag). */
const PICK_ANOTHER = 'the Person control picks another; 1 is the largest';

export function bodyAnalysis(ctx: BodyAnalysisContext): {
  handle(msg: Extract<AnalysisRequest, { type: `body-${string}` }>, pixels: (b: ImageBitmap) => RgbaImage): void;
  person(msg: Extract<AnalysisRequest, { type: 'body-person' }>): Promise<BodyPersonResult>;
} {
  let detector: Promise<BodyDetector> | undefined;
  const bodyDetector = (): Promise<BodyDetector> => {
    detector ??= createBodyDetectorWith({
      loadModel: () => fetchModelLoader(ctx.modelsUrl)('movenet-lightning'),
      wasmPath: ctx.wasmUrl,
      backend: ctx.backend,
    });
    // A failed load is tried again the next time.
    detector.catch(() => (detector = undefined));
    return detector;
  };
  let drive: FrameFeed | undefined;

  const begin = (id: number, expression: boolean): void => {
    drive?.end();
    const feed = new FrameFeed();
    drive = feed;
    const faces = expression ? ctx.analyzer().createTracker() : undefined;
    void (async () => {
      // MoveNet's busy time (trackBody waits for frames in between), reported with each frame.
      let busy = 0;
      const timed = <T>(run: () => T): T => {
        const t0 = performance.now();
        try {
          return run();
        } finally {
          busy += performance.now() - t0;
        }
      };
      const d = await bodyDetector();
      const detector: BodyDetector = {
        detect: (image, crop) => timed(() => d.detect(image, crop)),
        detectStill: (image) => timed(() => d.detectStill(image)),
        createTracker: () => {
          const t = d.createTracker();
          return { next: (frame) => timed(() => t.next(frame)) };
        },
        close: () => d.close(),
      };
      for await (const { frame, pose } of trackBody(feed, detector)) {
        // The driver's face, for its expression (`--head expression`): the face tracker on the same frame.
        const t0 = performance.now();
        const face = faces ? (await faces.next(frame, { emotion: false })).faces[0] : undefined;
        busy += performance.now() - t0;
        ctx.render().postMessage({ type: 'body-frame', id, seq: frame.seq, pose, face } satisfies BodyFrame);
        ctx.post({ type: 'body-tracked', id, seq: frame.seq, person: seenCount(pose) >= 5, ms: busy });
        busy = 0;
      }
    })().catch((err: unknown) =>
      ctx.post({ type: 'error', id, message: err instanceof Error ? err.message : String(err) }),
    );
  };

  return {
    async person(msg) {
      const d = await bodyDetector();
      try {
        const p = chooseBodyPerson(msg.image, d, {
          name: msg.name,
          person: msg.person,
          faces: msg.faces,
          pickAnother: PICK_ANOTHER,
        });
        return {
          ok: true,
          pose: p.pose,
          fullLength: isFullLength(p.pose, msg.image.width, msg.image.height),
          joints: jointsInPicture(p.pose, msg.image.width, msg.image.height),
          faceLandmarks: p.face?.landmarks,
          people: p.people,
          warnings: p.warnings,
        };
      } catch (err) {
        if (!(err instanceof VivifyError)) throw err;
        return { ok: false, message: err.message.replace(/^--person (\d+)/, 'Person $1') };
      }
    },
    handle(msg, pixels) {
      if (msg.type === 'body-begin') begin(msg.id, msg.expression);
      else if (msg.type === 'body-track') drive?.push({ ...pixels(msg.bitmap), seq: msg.seq });
      else if (msg.type === 'body-end') {
        drive?.end();
        drive = undefined;
      }
    },
  };
}
