/**
 * Distributed mode: the same items and the same item code, through a BullMQ queue on Redis.
 *
 * - The coordinator (`vivify augment … --queue redis://…`) registers its batch in Redis, puts every
 *   unfinished item on the batch's own queue (`vivify-<job id>`; one BullMQ job per item, its id derived
 *   from the item's key, so putting it there twice is a no-op), and collects results: each completed job's
 *   return value (the item's manifest lines) goes into the folder's journal, then the job is removed from
 *   Redis. Killed, it leaves the queue as it is; run again, it collects what finished meanwhile and waits
 *   for the rest.
 * - Workers (`vivify worker --queue redis://…`, on any number of machines that see the same files at the
 *   same paths) find batches in the registry and do their items in a local pool of worker processes. A
 *   crashed item is retried by BullMQ with exponential backoff; one that fails every try stays in the
 *   queue's failed set — the dead-letter list — and is journaled as failed. A worker that is killed loses
 *   its claim when its lock expires, and another worker takes the item over.
 * - `vivify progress --queue redis://…` prints every batch's state from any machine.
 */
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { ItemResult } from './job.js';
import { WORKER_OPTIONS } from './options.js';
import { WorkerPool } from './pool.js';
import { batchKey, connectRedis, queueName, REGISTRY, sleep, where, type ItemData } from './redis.js';

export { queueExecutor } from './queue-coordinator.js';

export interface WorkerOptions {
  workers?: number;
  itemTimeout?: number;
  /** Exit after this many seconds without work; 0 runs until stopped. */
  idleExit?: number;
  /** Seconds before an item claimed by a worker that stopped answering goes to another. Default 30. */
  lockS?: number;
  signal: AbortSignal;
  onLog?: (line: string) => void;
}

/** How often workers look for items whose worker stopped answering: a fifth of the lock, 1–5 s. */
function stalledIntervalMs(lockMs: number): number {
  return Math.round(Math.min(5000, Math.max(1000, lockMs / 5)));
}

/** `vivify worker`: takes items of every registered batch and does them in a local pool. */
export async function runWorker(url: string, options: WorkerOptions): Promise<{ items: number; failed: number }> {
  const conn = await connectRedis(url);
  const pool = new WorkerPool({
    size: options.workers,
    itemTimeoutMs: (options.itemTimeout ?? WORKER_OPTIONS['item-timeout'].default) * 1000,
  });
  const workers = new Map<string, Worker<ItemData, ItemResult>>();
  const lockMs = (options.lockS ?? WORKER_OPTIONS['lock-s'].default) * 1000;
  const stats = { items: 0, failed: 0 };
  let busy = 0;
  let lastWork = Date.now();
  const log = options.onLog ?? (() => undefined);
  const processor = async (j: Job<ItemData, ItemResult>): Promise<ItemResult> => {
    busy++;
    const started = performance.now();
    try {
      const result = await pool.run(j.data.job, j.data.item);
      stats.items++;
      const lines = result.records.length;
      log(
        `${result.status.padEnd(7)} ${j.data.item.source}${j.data.item.driver ? ` × ${j.data.item.driver.source}` : ''} (${lines} line${lines === 1 ? '' : 's'}, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      return result;
    } catch (err) {
      stats.failed++;
      log(`retry   ${j.data.item.source}: ${(err as Error).message.split('\n')[0]} (try ${j.attemptsMade + 1})`);
      throw err;
    } finally {
      busy--;
      lastWork = Date.now();
    }
  };
  let away = false;
  const onClose = (): void => {
    if (away || options.signal.aborted) return;
    away = true;
    log(`lost the connection to Redis at ${where(url)}: waiting for it`);
  };
  const onReady = (): void => {
    if (!away) return;
    away = false;
    log(`Redis at ${where(url)} is back`);
  };
  conn.on('close', onClose);
  conn.on('ready', onReady);
  const refresh = async (): Promise<void> => {
    const ids = new Set(await conn.smembers(REGISTRY));
    for (const id of ids) {
      if (workers.has(id)) continue;
      const w = new Worker<ItemData, ItemResult>(queueName(id), processor, {
        connection: conn,
        concurrency: pool.size,
        lockDuration: lockMs,
        // A killed worker's item is noticed by a check that runs every `stalledInterval` and moves an item
        // whose lock expired, if the check before had already seen it: with checks often, the item moves
        // on shortly after its lock expires (at most --lock-s after the kill), not two intervals later.
        stalledInterval: stalledIntervalMs(lockMs),
        maxStalledCount: 3,
      });
      w.on('error', () => undefined);
      workers.set(id, w);
      const out = await conn.hget(batchKey(id), 'out');
      log(`joined batch ${id}${out ? ` (${out})` : ''}`);
    }
    for (const [id, w] of workers) {
      if (ids.has(id)) continue;
      workers.delete(id);
      await w.close();
    }
  };
  try {
    log(`worker ${hostname()} pid ${process.pid}: ${pool.size} process(es), waiting for items on ${where(url)}`);
    // While the server is away its commands wait for it: a stop does not.
    const stopped = new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (!options.signal.aborted) {
      await Promise.race([refresh(), stopped]);
      if (options.idleExit && busy === 0 && Date.now() - lastWork > options.idleExit * 1000) {
        log(`no work for ${options.idleExit} s: exiting`);
        break;
      }
      await sleep(1000, options.signal);
    }
  } finally {
    conn.off('close', onClose);
    conn.off('ready', onReady);
    const closing = Promise.all([...workers.values()].map((w) => w.close(true).catch(() => undefined)));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await pool.close();
    conn.disconnect();
  }
  return stats;
}

/** The state of every batch registered on the Redis server, for `vivify progress`. */
export async function queueStatus(url: string): Promise<
  {
    id: string;
    task: string;
    out: string;
    total: number;
    done: number;
    counts: Record<string, number>;
    coordinator: string;
    updatedMsAgo: number;
    deadLetters: { source: string; reason: string; tries: number }[];
  }[]
> {
  const conn = await connectRedis(url);
  try {
    const out = [];
    for (const id of (await conn.smembers(REGISTRY)).sort()) {
      const h = await conn.hgetall(batchKey(id));
      const queue = new Queue<ItemData, ItemResult>(queueName(id), { connection: conn });
      try {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
        const failed = (await queue.getJobs(['failed'], 0, 99, true)) as Job<ItemData, ItemResult>[];
        out.push({
          id,
          task: h.task ?? '?',
          out: h.out ?? '?',
          total: Number(h.total ?? 0),
          done: Number(h.done ?? 0),
          counts,
          coordinator: h.coordinator ?? '?',
          updatedMsAgo: Date.now() - Number(h.updated ?? 0),
          deadLetters: failed.filter(Boolean).map((j) => ({
            source: j.data.item.source,
            reason: (j.failedReason ?? '').split('\n')[0]!,
            tries: j.attemptsMade,
          })),
        });
      } finally {
        await queue.close();
      }
    }
    return out;
  } finally {
    conn.disconnect();
  }
}
