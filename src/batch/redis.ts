/**
 * What the queue's coordinator (queue-coordinator.ts) and workers (queue.ts) share: the names of a batch's
 * keys and queue in Redis, the id of an item's queue job, a checked connection, and small helpers.
 */
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { VivifyError } from '../errors.js';
import type { BatchItem, JobSpec } from './job.js';

export const REGISTRY = 'vivify:batches';
export const batchKey = (id: string): string => `vivify:batch:${id}`;
export const queueName = (id: string): string => `vivify-${id}`;
/** The queue job id of an item: derived from its key (BullMQ ids may not contain ":" nor look like integers). */
export const itemJobId = (key: string): string => `i${createHash('sha1').update(key).digest('hex').slice(0, 24)}`;

export interface ItemData {
  job: JobSpec;
  item: BatchItem;
}

export function where(url: string): string {
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
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
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

/**
 * Tries an item took: the times a worker started it (a worker killed mid-item gives it up without failing
 * it, so it is started again without counting as a failed attempt), at least the failed attempts.
 */
export function triesOf(j: Job): number {
  return Math.max(1, j.attemptsStarted ?? 0, j.attemptsMade);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
