/**
 * The queue side of the batch machinery, loaded on first use: BullMQ and its Redis client are only read when
 * a command works with a queue (they take a noticeable time to load).
 */
import type { queueStatus as QueueStatus, runWorker as RunWorker, WorkerOptions } from './queue.js';

export type { WorkerOptions };

/**
 * Takes items of every batch registered on the Redis server at `url` and does them in a local pool of worker
 * processes, until `options.signal` fires (or `idleExit` seconds pass without work).
 *
 * @example
 * const stop = new AbortController();
 * await runWorker('redis://10.0.0.5:6379', { signal: stop.signal, onLog: console.log });
 */
export async function runWorker(url: string, options: WorkerOptions): ReturnType<typeof RunWorker> {
  return (await import('./queue.js')).runWorker(url, options);
}

/** Every batch registered on the Redis server at `url`: counts by state and its dead letters. */
export async function queueStatus(url: string): ReturnType<typeof QueueStatus> {
  return (await import('./queue.js')).queueStatus(url);
}
