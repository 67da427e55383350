/**
 * The body renderer on its own thread (Node worker_threads): while the main thread decodes driving frame
 * n + 1 and finds its keypoints, the worker skins and renders frame n, so a 2-core machine keeps both cores
 * busy. Same per-frame core ({@link renderBody}), same results, same order as rendering in the thread.
 *
 * This file is both the main-thread side ({@link createBodyRenderWorker}) and, when loaded in a worker,
 * the worker's message loop.
 */
import { startModuleWorker } from '../../media/module-worker.js';
import type { Worker } from 'node:worker_threads';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RgbaImage } from '../../face/image.js';
import { createBodyFaceRenderer, type BodyFace, type BodyFaceMotion } from '../face.js';
import { renderBody, type BodyRenderState, type BodyScene } from '../render.js';
import type { BodyPose } from '../skeleton.js';

/** One frame to render: the target pose and, when the face engine re-renders the face, its motion. */
export interface BodyRenderJob {
  target: BodyPose;
  face?: BodyFaceMotion;
  /** Also send back the mask of revealed background (for the debug grid). */
  revealed?: boolean;
}

export interface BodyRendered {
  image: RgbaImage;
  revealed?: Uint8Array;
}

type Reply = { rendered: BodyRendered; ms: number } | { error: string };

const MARK = 'vivify-body-render-worker';
/** Frames in flight at most: bounds memory without stalling either thread. */
const MAX_IN_FLIGHT = 2;

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === MARK) {
  const { scene, face } = workerData as { scene: BodyScene; face?: BodyFace };
  const state: BodyRenderState = {};
  const faces = face && createBodyFaceRenderer(scene.source, face);
  const port = parentPort!;
  port.on('message', (job: BodyRenderJob) => {
    try {
      const t0 = performance.now();
      const appearance = faces && job.face ? faces.render(job.face) : undefined;
      const frame = renderBody(scene, job.target, state, appearance);
      const rendered: BodyRendered = { image: frame.image, revealed: job.revealed ? frame.revealed : undefined };
      const ms = performance.now() - t0;
      const transfer = [frame.image.data.buffer as ArrayBuffer];
      if (rendered.revealed) transfer.push(rendered.revealed.buffer as ArrayBuffer);
      port.postMessage({ rendered, ms } satisfies Reply, transfer);
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies Reply);
    }
  });
}

/** Starts the worker: the compiled module, or — running from TypeScript sources (tests, benches) — via tsx. */
function startWorker(scene: BodyScene, face: BodyFace | undefined): Worker {
  return startModuleWorker(import.meta.url, { role: MARK, scene, face });
}

export interface BodyRenderWorker {
  /**
   * Hands a frame over; resolves with the frames rendered by then, oldest first (waiting only while more
   * than a couple are in flight).
   */
  push(job: BodyRenderJob): Promise<BodyRendered[]>;
  /** Waits for every frame still in flight. */
  flush(): Promise<BodyRendered[]>;
  /** Milliseconds spent rendering so far, on the worker. */
  readonly renderMs: number;
  close(): Promise<void>;
}

/**
 * A body renderer on a worker thread for `scene` (copied to it once) and, to re-render the face with the
 * face engine, the person's face.
 *
 * @example
 * const worker = await createBodyRenderWorker(scene);
 * for (const r of await worker.push({ target })) await out.write(r.image);
 */
export function createBodyRenderWorker(scene: BodyScene, face?: BodyFace): BodyRenderWorker {
  const worker = startWorker(scene, face);
  worker.unref();
  const replies: Reply[] = [];
  let waiting: ((r: Reply) => void) | undefined;
  let failed: Error | undefined;
  let asked = 0;
  let answered = 0;
  let renderMs = 0;
  const deliver = (r: Reply): void => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(r);
    } else replies.push(r);
  };
  worker.on('message', (r: Reply) => {
    answered++;
    deliver(r);
  });
  const fail = (err: Error): void => {
    failed ??= err;
    deliver({ error: err.message });
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (answered < asked) fail(new Error(`the body render worker stopped (exit code ${code})`));
  });
  const next = (): Promise<Reply> => {
    const r = replies.shift();
    if (r) return Promise.resolve(r);
    if (failed) return Promise.resolve({ error: failed.message });
    return new Promise((resolve) => (waiting = resolve));
  };
  const take = (r: Reply): BodyRendered => {
    if ('error' in r) throw new Error(`body render worker: ${r.error}`);
    renderMs += r.ms;
    return r.rendered;
  };
  const drain = async (keep: number): Promise<BodyRendered[]> => {
    const out: BodyRendered[] = [];
    while (asked - answered > keep || replies.length > 0) out.push(take(await next()));
    return out;
  };
  return {
    get renderMs() {
      return renderMs;
    },
    push(job) {
      if (failed) return Promise.reject(failed);
      asked++;
      worker.postMessage(job);
      return drain(MAX_IN_FLIGHT);
    },
    flush: () => drain(0),
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * The same interface rendering in this thread (for one core, or where worker threads are unwelcome): each
 * push renders at once.
 */
export function createBodyRenderInline(scene: BodyScene, face?: BodyFace): BodyRenderWorker {
  const state: BodyRenderState = {};
  const faces = face && createBodyFaceRenderer(scene.source, face);
  let renderMs = 0;
  return {
    get renderMs() {
      return renderMs;
    },
    push(job) {
      const t0 = performance.now();
      const appearance = faces && job.face ? faces.render(job.face) : undefined;
      const frame = renderBody(scene, job.target, state, appearance);
      renderMs += performance.now() - t0;
      return Promise.resolve([{ image: frame.image, revealed: job.revealed ? frame.revealed : undefined }]);
    },
    flush: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
}
