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
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { withoutPassword } from './redis-url.js';
import { VivifyError, throwIfAborted } from '../errors.js';
import type { BatchItem, ItemResult, JobSpec } from './job.js';
import { WorkerPool } from './pool.js';
import type { BatchRunOptions, Executor } from './run.js';
import type { JournalEntry } from './store.js';

const REGISTRY = 'vivify:batches';
const batchKey = (id: string): string => `vivify:batch:${id}`;
const queueName = (id: string): string => `vivify-${id}`;
/** The queue job id of an item: derived from its key (BullMQ ids may not contain ":" nor look like integers). */
const itemJobId = (key: string): string => `i${createHash('sha1').update(key).digest('hex').slice(0, 24)}`;

interface ItemData {
  job: JobSpec;
  item: BatchItem;
}

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 6379}`;
}

/** The database number a Redis URL names (`redis://host:6379/3`), 0 when it names none. */
function dbOf(url: string): number {
  const m = /^\/(\d+)$/.exec(new URL(url).pathname);
  return m ? Number(m[1]) : 0;
}

/**
 * Connects to Redis, failing with one clear line if it cannot be reached within `timeoutMs`, refuses the
 * password (or wants one), or has no database of the URL's number.
 */
async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // What the server said (a refused password) comes as an error event; the connect then fails with
  // "Connection is closed", which says nothing.
  let said: Error | undefined;
  probe.on('error', (err: Error) => (said ??= err));
  try {
    try {
      await probe.connect();
      await probe.ping();
    } catch (cause) {
      const reason = (said ?? (cause as Error)).message.split('\n')[0]!;
      const auth = /^(WRONGPASS|NOAUTH)\b/.exec(reason)?.[1];
      if (auth === 'WRONGPASS')
        throw new VivifyError(
          'E_QUEUE',
          `Redis at ${where(url)} refused the password (WRONGPASS): check the user and password in the URL (redis://user:password@host:port)`,
          { cause },
        );
      if (auth === 'NOAUTH' || /^ERR AUTH\b/.test(reason))
        throw new VivifyError(
          'E_QUEUE',
          `Redis at ${where(url)} wants a password (NOAUTH): give it in the URL, redis://:password@host:port`,
          { cause },
        );
      throw new VivifyError(
        'E_QUEUE',
        `cannot reach Redis at ${where(url)} (${reason}): is redis-server running there?`,
        { cause },
      );
    }
    const db = dbOf(url);
    if (db) {
      // ioredis selects the database on connecting, and carries on in database 0 when that fails.
      try {
        await probe.select(db);
      } catch (cause) {
        const n = await probe
          .config('GET', 'databases')
          .then((r) => Number((r as string[])[1]))
          .catch(() => NaN);
        throw new VivifyError(
          'E_QUEUE',
          `Redis at ${where(url)} has no database ${db}${Number.isFinite(n) ? ` (it has ${n}: 0 to ${n - 1})` : ''}: give another number at the end of the URL`,
          { cause },
        );
      }
    }
  } finally {
    probe.disconnect();
  }
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  conn.on('error', () => undefined); // ioredis reconnects by itself; commands wait for it
  return conn;
}

/** How long the coordinator waits for a Redis server that went away before it gives up (its results are kept). */
const REDIS_GONE_MS = 60_000;

/** The coordinator's side: put items on the batch's queue, collect their results. */
export async function queueExecutor(
  url: string,
  options: BatchRunOptions & { signal: AbortSignal; total: number },
): Promise<Executor> {
  const conn = await connectRedis(url);
  let active = 0;
  return {
    get active() {
      return active;
    },
    async close() {
      conn.disconnect();
    },
    async run(job, pending, finished, changed) {
      const queue = new Queue<ItemData, ItemResult>(queueName(job.id), { connection: conn });
      queue.on('error', () => undefined);
      const byJobId = new Map(pending.map((i) => [itemJobId(i.key), i]));
      const open = new Set(byJobId.keys());
      const attempts = options.attempts ?? 3;
      const log = options.onLog ?? (() => undefined);

      // A server that goes away: said once, and given up on (with one clear line) if it stays away. Commands
      // wait for the server to come back, so the run stops by racing them: `stop` rejects `stopped`.
      let stop!: (err: VivifyError) => void;
      let stopping: VivifyError | undefined;
      const stopped = new Promise<never>((_, reject) => {
        stop = (err) => {
          stopping ??= err;
          reject(err);
        };
      });
      stopped.catch(() => undefined);
      let goneTimer: NodeJS.Timeout | undefined;
      let away = false;
      const onClose = (): void => {
        if (away || stopping) return;
        away = true;
        log(`lost the connection to Redis at ${where(url)}: waiting for it (finished items are kept in the journal)`);
        goneTimer = setTimeout(
          () =>
            stop(
              new VivifyError(
                'E_QUEUE',
                `Redis at ${where(url)} has not answered for ${REDIS_GONE_MS / 1000} s: run the same command again once it is back (finished items are kept)`,
              ),
            ),
          REDIS_GONE_MS,
        );
      };
      const onReady = (): void => {
        if (!away) return;
        away = false;
        clearTimeout(goneTimer);
        log(`Redis at ${where(url)} is back`);
      };
      // Cancelled while the server is away: the commands waiting for it would never return.
      const onAbort = (): void => {
        if (away) stop(new VivifyError('E_ABORTED', 'operation was cancelled'));
      };
      conn.on('close', onClose);
      conn.on('ready', onReady);
      options.signal.addEventListener('abort', onAbort, { once: true });

      const info = async (extra: Record<string, string | number> = {}): Promise<void> => {
        await conn.hset(batchKey(job.id), {
          queue: queueName(job.id),
          task: job.task,
          out: job.out,
          total: options.total,
          done: options.total - open.size,
          coordinator: `${hostname()} pid ${process.pid}`,
          updated: Date.now(),
          ...extra,
        });
        // Registered again every time: a server restarted without its data has forgotten the batch, and
        // workers find batches here.
        await conn.sadd(REGISTRY, job.id);
      };
      const enqueue = async (items: readonly BatchItem[]): Promise<void> => {
        for (let i = 0; i < items.length; i += 500) {
          await queue.addBulk(
            items.slice(i, i + 500).map((item) => ({
              name: job.task,
              data: { job, item },
              opts: {
                jobId: itemJobId(item.key),
                attempts,
                backoff: { type: 'exponential', delay: 1000 },
                removeOnComplete: false,
                removeOnFail: false,
              },
            })),
          );
        }
      };
      const work = (async (): Promise<{ detached: boolean }> => {
        await info({ started: Date.now() });

        const deadEntry = (j: Job<ItemData, ItemResult>): JournalEntry => {
          const item = byJobId.get(j.id!)!;
          const tries = triesOf(j);
          return {
            key: item.key,
            status: 'failed',
            dead: true,
            attempts: tries,
            records: [
              {
                source: item.source,
                ...(item.driver ? { driving: item.driver.source } : {}),
                status: 'failed',
                code: 'E_WORKER_LOST',
                reason: `gave up after ${tries} tries: ${(j.failedReason ?? 'unknown').split('\n')[0]}`,
              },
            ],
          };
        };
        /** Journals what finished: completed jobs (then removed from Redis) and dead letters (kept there). */
        const harvest = async (): Promise<number> => {
          let got = 0;
          for (;;) {
            const done = (await queue.getJobs(['completed'], 0, 199, true)) as Job<ItemData, ItemResult>[];
            for (const j of done) {
              const item = j && byJobId.get(j.id!);
              if (item && open.has(j.id!)) {
                const rv = j.returnvalue;
                finished({ key: item.key, status: rv.status, records: rv.records, attempts: triesOf(j) }, rv.cpuMs);
                open.delete(j.id!);
                got++;
              }
              // Journaled (now or by an earlier run): Redis need not keep it.
              if (j) await j.remove().catch(() => undefined);
            }
            if (done.length < 200) break;
          }
          const failed = (await queue.getJobs(['failed'], 0, -1, true)) as Job<ItemData, ItemResult>[];
          for (const j of failed) {
            if (!j || !open.has(j.id!)) continue;
            if (options.retryFailed && !retried.has(j.id!)) {
              retried.add(j.id!);
              await j.retry('failed').catch(() => undefined);
              continue;
            }
            finished(deadEntry(j), 0);
            open.delete(j.id!);
            got++;
          }
          return got;
        };
        const retried = new Set<string>();
        /**
         * Items the server no longer has (it was restarted without persistence, or flushed): put on the queue
         * again from the journal's point of view — every item without a result. Their finished files are
         * still in the folder, so doing them again costs an analysis each, not their renders.
         */
        const restore = async (counts: Record<string, number>): Promise<void> => {
          const there = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
          if (there >= open.size) return;
          const ids = [...open];
          const lost: BatchItem[] = [];
          for (let i = 0; i < ids.length; i += 200) {
            const states = await Promise.all(ids.slice(i, i + 200).map((id) => queue.getJobState(id)));
            states.forEach((st, k) => {
              if (st === 'unknown') lost.push(byJobId.get(ids[i + k]!)!);
            });
          }
          if (!lost.length) return;
          log(
            `Redis at ${where(url)} lost ${lost.length} item(s) of this batch (restarted without persistence, or flushed?): putting them on the queue again`,
          );
          await enqueue(lost);
        };

        await harvest();
        await enqueue(pending.filter((i) => open.has(itemJobId(i.key))));
        if (options.detach) return { detached: true };

        let quietSince = Date.now();
        let hinted = false;
        while (open.size) {
          throwIfAborted(options.signal);
          const got = await harvest();
          const counts = await queue.getJobCounts(
            'active',
            'waiting',
            'delayed',
            'prioritized',
            'waiting-children',
            'completed',
            'failed',
          );
          await restore(counts);
          active = counts.active ?? 0;
          changed();
          await info();
          if (got || active) quietSince = Date.now();
          if (!hinted && Date.now() - quietSince > 15_000) {
            hinted = true;
            const workers = await queue.getWorkersCount().catch(() => 0);
            log(
              workers
                ? `${workers} worker(s) are connected to this batch but none has taken an item for 15 s (are they busy with another batch, or cannot they read the files?)`
                : `no worker has taken an item for 15 s: start \`vivify worker --queue ${withoutPassword(url)}\` on the machines that should do the work`,
            );
          }
          if (!got) await sleep(500, options.signal);
        }
        // Every item has its result in the journal: the batch leaves Redis.
        await queue.obliterate({ force: true }).catch(() => undefined);
        await conn.srem(REGISTRY, job.id);
        await conn.del(batchKey(job.id));
        return { detached: false };
      })();
      work.catch(() => undefined); // when the race below is lost to `stopped`, its end does not matter
      try {
        return await Promise.race([work, stopped]);
      } catch (err) {
        throwIfAborted(options.signal);
        throw stopping ?? err;
      } finally {
        clearTimeout(goneTimer);
        conn.off('close', onClose);
        conn.off('ready', onReady);
        options.signal.removeEventListener('abort', onAbort);
        // Closing talks to the server: not when it is gone.
        if (!stopping) await queue.close().catch(() => undefined);
      }
    },
  };
}

/**
 * Tries an item took: the times a worker started it (a worker killed mid-item gives it up without failing
 * it, so it is started again without counting as a failed attempt), at least the failed attempts.
 */
function triesOf(j: Job): number {
  return Math.max(1, j.attemptsStarted ?? 0, j.attemptsMade);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

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
  const pool = new WorkerPool({ size: options.workers, itemTimeoutMs: (options.itemTimeout ?? 900) * 1000 });
  const workers = new Map<string, Worker<ItemData, ItemResult>>();
  const lockMs = (options.lockS ?? 30) * 1000;
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
