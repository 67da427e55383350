/**
 * The queue's coordinator (`vivify augment … --queue redis://…`; queue.ts describes distributed mode): it
 * registers its batch in Redis, puts every unfinished item on the batch's queue and collects the results
 * into the folder's journal, waiting for a server that goes away for a while and giving up on it, with one
 * clear line, if it stays away.
 */
import { hostname } from 'node:os';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { VivifyError, throwIfAborted } from '../errors.js';
import type { BatchItem, ItemResult, JobSpec } from './job.js';
import {
  batchKey,
  connectRedis,
  itemJobId,
  queueName,
  REGISTRY,
  sleep,
  triesOf,
  where,
  type ItemData,
} from './redis.js';
import { BATCH_OPTIONS } from './options.js';
import { withoutPassword } from './redis-url.js';
import type { BatchRunOptions, Executor } from './run.js';
import type { JournalEntry } from './store.js';

/** How long the coordinator waits for a Redis server that went away before it gives up (its results are kept). */
const REDIS_GONE_MS = 60_000;

type CoordinatorOptions = BatchRunOptions & { signal: AbortSignal; total: number };

/** The coordinator's side: put items on the batch's queue, collect their results. */
export async function queueExecutor(url: string, options: CoordinatorOptions): Promise<Executor> {
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
      const batch = new QueuedBatch(conn, url, options, job, pending, finished, (n) => {
        active = n;
        changed();
      });
      const watch = watchServer(conn, url, options);
      const work = batch.collect();
      work.catch(() => undefined); // when the race below is lost to `stopped`, its end does not matter
      try {
        return await Promise.race([work, watch.stopped]);
      } catch (err) {
        throwIfAborted(options.signal);
        throw watch.stopping() ?? err;
      } finally {
        watch.dispose();
        // Closing talks to the server: not when it is gone.
        if (!watch.stopping()) await batch.queue.close().catch(() => undefined);
      }
    },
  };
}

/**
 * A server that goes away: said once, and given up on (with one clear line) if it stays away. Commands wait
 * for the server to come back, so the run stops by racing them: `stopped` rejects when the run must stop.
 */
function watchServer(
  conn: Redis,
  url: string,
  options: CoordinatorOptions,
): { stopped: Promise<never>; stopping(): VivifyError | undefined; dispose(): void } {
  const log = options.onLog ?? (() => undefined);
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
  return {
    stopped,
    stopping: () => stopping,
    dispose() {
      clearTimeout(goneTimer);
      conn.off('close', onClose);
      conn.off('ready', onReady);
      options.signal.removeEventListener('abort', onAbort);
    },
  };
}

/** One batch on its queue: what is still open, and the steps of putting items there and collecting them. */
class QueuedBatch {
  readonly queue: Queue<ItemData, ItemResult>;
  private readonly byJobId: Map<string, BatchItem>;
  private readonly open: Set<string>;
  private readonly retried = new Set<string>();
  private readonly attempts: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly conn: Redis,
    private readonly url: string,
    private readonly options: CoordinatorOptions,
    private readonly job: JobSpec,
    private readonly pending: readonly BatchItem[],
    private readonly finished: (entry: JournalEntry, cpuMs?: number) => void,
    private readonly setActive: (n: number) => void,
  ) {
    this.queue = new Queue<ItemData, ItemResult>(queueName(job.id), { connection: conn });
    this.queue.on('error', () => undefined);
    this.byJobId = new Map(pending.map((i) => [itemJobId(i.key), i]));
    this.open = new Set(this.byJobId.keys());
    this.attempts = options.attempts ?? BATCH_OPTIONS.attempts.default;
    this.log = options.onLog ?? (() => undefined);
  }

  /** Puts the open items on the queue and collects results until every item has one (or detaches). */
  async collect(): Promise<{ detached: boolean }> {
    const { queue, open, options, job } = this;
    await this.info({ started: Date.now() });
    await this.harvest();
    await this.enqueue(this.pending.filter((i) => open.has(itemJobId(i.key))));
    if (options.detach) return { detached: true };

    let quietSince = Date.now();
    let hinted = false;
    while (open.size) {
      throwIfAborted(options.signal);
      const got = await this.harvest();
      const counts = await queue.getJobCounts(
        'active',
        'waiting',
        'delayed',
        'prioritized',
        'waiting-children',
        'completed',
        'failed',
      );
      await this.restore(counts);
      const active = counts.active ?? 0;
      this.setActive(active);
      await this.info();
      if (got || active) quietSince = Date.now();
      if (!hinted && Date.now() - quietSince > 15_000) {
        hinted = true;
        const workers = await queue.getWorkersCount().catch(() => 0);
        this.log(
          workers
            ? `${workers} worker(s) are connected to this batch but none has taken an item for 15 s (are they busy with another batch, or cannot they read the files?)`
            : `no worker has taken an item for 15 s: start \`vivify worker --queue ${withoutPassword(this.url)}\` on the machines that should do the work`,
        );
      }
      if (!got) await sleep(500, options.signal);
    }
    // Every item has its result in the journal: the batch leaves Redis.
    await queue.obliterate({ force: true }).catch(() => undefined);
    await this.conn.srem(REGISTRY, job.id);
    await this.conn.del(batchKey(job.id));
    return { detached: false };
  }

  /** The batch's entry in Redis (what `vivify progress` shows); registered again every time. */
  private async info(extra: Record<string, string | number> = {}): Promise<void> {
    const { conn, job, options } = this;
    await conn.hset(batchKey(job.id), {
      queue: queueName(job.id),
      task: job.task,
      out: job.out,
      total: options.total,
      done: options.total - this.open.size,
      coordinator: `${hostname()} pid ${process.pid}`,
      updated: Date.now(),
      ...extra,
    });
    // Registered again every time: a server restarted without its data has forgotten the batch, and
    // workers find batches here.
    await conn.sadd(REGISTRY, job.id);
  }

  private async enqueue(items: readonly BatchItem[]): Promise<void> {
    const { job, attempts } = this;
    for (let i = 0; i < items.length; i += 500) {
      await this.queue.addBulk(
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
  }

  /** The journal entry of an item that failed every try (a dead letter). */
  private deadEntry(j: Job<ItemData, ItemResult>): JournalEntry {
    const item = this.byJobId.get(j.id!)!;
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
  }

  /** Journals what finished: completed jobs (then removed from Redis) and dead letters (kept there). */
  private async harvest(): Promise<number> {
    const { queue, open, byJobId } = this;
    let got = 0;
    for (;;) {
      const done = (await queue.getJobs(['completed'], 0, 199, true)) as Job<ItemData, ItemResult>[];
      for (const j of done) {
        const item = j && byJobId.get(j.id!);
        if (item && open.has(j.id!)) {
          const rv = j.returnvalue;
          this.finished({ key: item.key, status: rv.status, records: rv.records, attempts: triesOf(j) }, rv.cpuMs);
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
      if (this.options.retryFailed && !this.retried.has(j.id!)) {
        this.retried.add(j.id!);
        await j.retry('failed').catch(() => undefined);
        continue;
      }
      this.finished(this.deadEntry(j), 0);
      open.delete(j.id!);
      got++;
    }
    return got;
  }

  /**
   * Items the server no longer has (it was restarted without persistence, or flushed): put on the queue
   * again from the journal's point of view — every item without a result. Their finished files are still
   * in the folder, so doing them again costs an analysis each, not their renders.
   */
  private async restore(counts: Record<string, number>): Promise<void> {
    const { open, byJobId, queue } = this;
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
    this.log(
      `Redis at ${where(this.url)} lost ${lost.length} item(s) of this batch (restarted without persistence, or flushed?): putting them on the queue again`,
    );
    await this.enqueue(lost);
  }
}
