/**
 * A batch worker process: started by the pool (src/batch/pool.ts) with an IPC channel, it does one item at a
 * time with the same code in every mode (runItem) and answers with its manifest lines. It keeps its face
 * analyzers between items, and exits as soon as its parent is gone — a coordinator killed with SIGKILL
 * leaves no worker behind writing files.
 */
import sharp from 'sharp';
import { VivifyError } from '../errors.js';
import type { BatchItem, JobSpec } from './job.js';
import { prepareTask, processContext, runItem } from './tasks.js';

export type ToChild = { type: 'run'; id: number; job: JobSpec; item: BatchItem };
export type FromChild =
  | { type: 'ready' }
  /** The models are loaded and the item's own work begins (its time limit starts now). */
  | { type: 'started'; id: number }
  | { type: 'result'; id: number; result: Awaited<ReturnType<typeof runItem>> }
  | { type: 'error'; id: number; error: { message: string; code?: string; stack?: string } };

// One libvips thread: the pool already runs one process per core.
sharp.concurrency(1);
const controller = new AbortController();
const ctx = processContext(controller.signal);
const send = (m: FromChild): void => {
  if (process.connected) process.send!(m);
};

process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the coordinator decides what stops, and stops us itself.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => process.exit(143));
process.on('message', (m: ToChild) => {
  if (m?.type !== 'run') return;
  prepareTask(m.job, ctx)
    .catch(() => undefined) // a model that does not load fails the item below, with its message
    .then(() => {
      send({ type: 'started', id: m.id });
      return runItem(m.job, m.item, ctx);
    })
    .then(
      (result) => send({ type: 'result', id: m.id, result }),
      (err: unknown) =>
        send({
          type: 'error',
          id: m.id,
          error: {
            message: err instanceof Error ? err.message : String(err),
            code: err instanceof VivifyError ? err.code : undefined,
            stack: err instanceof VivifyError ? undefined : (err as Error)?.stack,
          },
        }),
    );
});
send({ type: 'ready' });
