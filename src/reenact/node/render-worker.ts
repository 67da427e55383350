/**
 * The reenactor on its own thread (Node worker_threads): while the main thread decodes and analyses driving
 * frame n + 1, the worker smooths, retargets and renders frame n, so a 2-core machine keeps both cores busy.
 * Same per-frame core (createReenactor) and the same results, in the same order, as the in-thread reenactor.
 *
 * This file is both the main-thread side ({@link createWorkerReenactor}) and, when loaded in a worker, the
 * worker's message loop.
 */
import { startModuleWorker } from '../../media/module-worker.js';
import type { Worker } from 'node:worker_threads';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RgbaImage } from '../../face/image.js';
import type { FaceResult } from '../../face/types.js';
import type { FaceState } from '../../motion/motion.js';
import { createSmoother } from '../../motion/smooth.js';
import { createGroupReenactor } from '../group-reenactor.js';
import { DEFAULT_ANIMATE_OPTIONS } from '../options.js';
import {
  createReenactor,
  type AsyncReenactor,
  type DrivingFrame,
  type ReenactedFrame,
  type Reenactor,
  type ReenactorOptions,
} from '../reenactor.js';

/** What the worker needs to build its reenactor. */
export interface ReenactorSetup {
  source: RgbaImage;
  sourceFace: FaceResult;
  options: ReenactorOptions;
  occlusion: boolean;
  /**
   * Several faces of the source at once (sourceFace and options above are ignored): each face with its
   * options and which driver face drives it (see ../group-reenactor.ts).
   */
  group?: { sourceFace: FaceResult; options: ReenactorOptions; rank: number; driver?: number }[];
  /** The number of faces in the whole group when `group` is only some of them (ranks count among all). */
  groupSize?: number;
}

/** The reenactor a setup describes: one face's, or a group's. */
function reenactorFor(setup: ReenactorSetup): Reenactor {
  if (!setup.group) return createReenactor(setup.source, setup.sourceFace, setup.options, setup.occlusion);
  return createGroupReenactor(
    setup.source,
    setup.group.map((m) => ({
      reenactor: createReenactor(setup.source, m.sourceFace, m.options, setup.occlusion),
      rank: m.rank,
      driver: m.driver,
    })),
    setup.groupSize,
  );
}

/** One rendered frame as it crosses back: the frame and face stay on the main thread. */
interface Rendered {
  image: RgbaImage;
  occlusion?: Float32Array;
  motion?: Float32Array;
  mouth: ReenactedFrame['mouth'];
  target?: FaceState;
  changed?: ReenactedFrame['changed'];
}

type Request =
  { push: { frame: DrivingFrame; face: FaceResult | undefined; all?: readonly FaceResult[] } } | { flush: true };
type Reply = { rendered: Rendered[]; renderMs: number } | { error: string };

const MARK = 'vivify-render-worker';
/** Pushes answered out of order at most: bounds the frames held in flight (memory) without stalling. */
const MAX_IN_FLIGHT = 2;

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === MARK) {
  const setup = (workerData as { setup: ReenactorSetup }).setup;
  let reenactor: Reenactor | undefined;
  const port = parentPort!;
  port.on('message', (req: Request) => {
    try {
      reenactor ??= reenactorFor(setup);
      const t0 = performance.now();
      const out = 'push' in req ? reenactor.push(req.push.frame, req.push.face, req.push.all) : reenactor.flush();
      const renderMs = performance.now() - t0;
      const rendered: Rendered[] = out.map((r) => ({
        image: r.image,
        occlusion: r.occlusion,
        motion: r.motion,
        mouth: r.mouth,
        target: r.target,
        changed: r.changed,
      }));
      // The rendered pixels move to the main thread; the source image (frames before the first face) is
      // still needed here, so it is copied instead.
      const transfer = rendered.flatMap((r) => [
        ...(r.image.data === setup.source.data ? [] : [r.image.data.buffer as ArrayBuffer]),
        ...(r.occlusion ? [r.occlusion.buffer as ArrayBuffer] : []),
        ...(r.motion ? [r.motion.buffer as ArrayBuffer] : []),
      ]);
      port.postMessage({ rendered, renderMs } satisfies Reply, [...new Set(transfer)]);
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } satisfies Reply);
    }
  });
}

/** Starts the worker: the compiled module, or — running from TypeScript sources (tests, benches) — via tsx. */
function startWorker(setup: ReenactorSetup): Worker {
  return startModuleWorker(import.meta.url, { role: MARK, setup });
}

/**
 * A reenactor that renders on a worker thread. `push` hands the frame over and returns the frames rendered
 * so far (waiting only when more than a couple are in flight); `flush` waits for the rest. Frames and faces
 * are copied to the worker, so the caller keeps its own; rendered images come back without a copy.
 */
export async function createWorkerReenactor(setup: ReenactorSetup): Promise<AsyncReenactor> {
  const worker = startWorker(setup);
  worker.unref();
  /** Pushed frames whose output has not come back yet, oldest first. */
  const pending: { frame: DrivingFrame; face: FaceResult | undefined }[] = [];
  const replies: Reply[] = [];
  let waiting: ((r: Reply) => void) | undefined;
  let failed: Error | undefined;
  let asked = 0;
  let answered = 0;
  let renderMs = 0;
  const delay = createSmoother(setup.options.smooth ?? DEFAULT_ANIMATE_OPTIONS.smooth).delay;
  worker.on('message', (r: Reply) => {
    answered++;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(r);
    } else replies.push(r);
  });
  const fail = (err: Error): void => {
    failed ??= err;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w({ error: err.message });
    }
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (answered < asked) fail(new Error(`the render worker stopped (exit code ${code})`));
  });
  const next = (): Promise<Reply> => {
    const r = replies.shift();
    if (r) return Promise.resolve(r);
    if (failed) return Promise.resolve({ error: failed.message });
    return new Promise((resolve) => (waiting = resolve));
  };
  const take = (r: Reply): ReenactedFrame[] => {
    if ('error' in r) throw new Error(`render worker: ${r.error}`);
    renderMs += r.renderMs;
    return r.rendered.map((x) => {
      const { frame, face } = pending.shift()!;
      return { ...x, frame, face };
    });
  };
  const ask = (req: Request): void => {
    if (failed) throw failed;
    asked++;
    worker.postMessage(req);
  };
  return {
    delay,
    get renderMs() {
      return renderMs;
    },
    async push(frame, face, all) {
      pending.push({ frame, face });
      // Every face only when the worker drives several: a single face's worker needs none of them.
      ask({ push: { frame, face, all: setup.group ? all : undefined } });
      const out: ReenactedFrame[] = [];
      while (asked - answered > MAX_IN_FLIGHT || replies.length > 0) out.push(...take(await next()));
      return out;
    },
    async flush() {
      ask({ flush: true });
      const out: ReenactedFrame[] = [];
      while (answered < asked || replies.length > 0) out.push(...take(await next()));
      return out;
    },
    async close() {
      await worker.terminate();
    },
  };
}
