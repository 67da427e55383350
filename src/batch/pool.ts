/**
 * A pool of worker processes, one per core by default, each doing one item at a time (src/batch/child.ts).
 * Processes rather than threads: an item that crashes its worker — a decoder fault, memory exhausted, a
 * `kill -9` — takes down only that process, which the pool replaces; and a worker can be killed on its own
 * when an item runs past its time limit. The pool reports such failures; retrying is the caller's choice
 * (the local coordinator retries with backoff, a queue worker leaves it to the queue).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VivifyError } from '../errors.js';
import type { FromChild, ToChild } from './child.js';
import type { BatchItem, ItemResult, JobSpec } from './job.js';

/** A worker process died or was killed while doing an item, or the item ran past its time limit. */
export class WorkerLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerLost';
  }
}

/** An unexpected error inside the task (a bug, or a transient failure such as a full disk). */
export class ItemCrashed extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'ItemCrashed';
    this.code = code;
  }
}

export interface PoolOptions {
  /** Worker processes. Default: one per CPU core. */
  size?: number;
  /** Kill a worker whose item takes longer than this. Default: no limit. */
  itemTimeoutMs?: number;
}

interface Pending {
  job: JobSpec;
  item: BatchItem;
  resolve: (r: ItemResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  busy?: Pending & { id: number; timer?: NodeJS.Timeout; timedOut?: boolean };
  stderr: string[];
}

/** Time a new worker may take to load the models before an item's own limit applies. */
const STARTUP_MS = 300_000;

const CHILD = (() => {
  const self = fileURLToPath(import.meta.url);
  return path.join(path.dirname(self), `child${path.extname(self)}`);
})();

export class WorkerPool {
  readonly size: number;
  private readonly timeoutMs: number;
  private readonly slots = new Set<Slot>();
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers that died before becoming ready, in a row: a broken installation, not a bad item. */
  private failedStarts = 0;

  constructor(options: PoolOptions = {}) {
    this.size = options.size ?? availableParallelism();
    this.timeoutMs = options.itemTimeoutMs ?? 0;
  }

  /** Process ids of the live workers. */
  get pids(): number[] {
    return [...this.slots].map((s) => s.child.pid!).filter(Boolean);
  }

  /** Items being worked on now. */
  get active(): number {
    return [...this.slots].filter((s) => s.busy).length;
  }

  /** Does `item` in a worker process. Rejects with {@link WorkerLost} or {@link ItemCrashed}. */
  run(job: JobSpec, item: BatchItem): Promise<ItemResult> {
    if (this.closed) return Promise.reject(new VivifyError('E_ABORTED', 'the worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (!slot.ready || slot.busy) continue;
      const next = this.waiting.shift();
      if (!next) return;
      const id = this.nextId++;
      slot.busy = { ...next, id };
      // Until the worker says the item's work has started, it may be loading models: a longer limit.
      this.arm(slot, Math.max(this.timeoutMs, STARTUP_MS));
      const msg: ToChild = { type: 'run', id, job: next.job, item: next.item };
      slot.child.send(msg);
    }
    const wanted = Math.min(this.size, this.waiting.length + this.active);
    while (this.slots.size < wanted) this.spawn();
  }

  /** Kills the slot's worker if its item is still going after `ms` (0: no limit). */
  private arm(slot: Slot, ms: number): void {
    const busy = slot.busy;
    if (!busy || this.timeoutMs <= 0) return;
    clearTimeout(busy.timer);
    busy.timer = setTimeout(() => {
      if (slot.busy !== busy) return;
      busy.timedOut = true;
      slot.child.kill('SIGKILL');
    }, ms);
  }

  private spawn(): void {
    const child = fork(CHILD, [], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: process.env,
    });
    const slot: Slot = { child, ready: false, stderr: [] };
    this.slots.add(slot);
    child.stdout?.resume();
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      slot.stderr.push(...lines.filter((l) => l.trim()));
      if (slot.stderr.length > 20) slot.stderr.splice(0, slot.stderr.length - 20);
    });
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.failedStarts = 0;
        this.pump();
        return;
      }
      const busy = slot.busy;
      if (!busy || busy.id !== m.id) return;
      if (m.type === 'started') return this.arm(slot, this.timeoutMs);
      clearTimeout(busy.timer);
      slot.busy = undefined;
      if (m.type === 'result') busy.resolve(m.result);
      else busy.reject(new ItemCrashed(m.error.message, m.error.code));
      this.pump();
    });
    child.on('error', () => undefined); // followed by 'exit'
    child.on('exit', (code, signal) => {
      this.slots.delete(slot);
      const busy = slot.busy;
      slot.busy = undefined;
      if (!slot.ready) this.failedStarts++;
      if (busy) {
        clearTimeout(busy.timer);
        const how = busy.timedOut
          ? `took longer than ${Math.round(this.timeoutMs / 1000)} s (its worker was stopped)`
          : `its worker process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`;
        const last = slot.stderr.filter((l) => !/^\s+at /.test(l)).pop();
        busy.reject(new WorkerLost(`${how}${last && !busy.timedOut ? ` (${last.trim().slice(0, 200)})` : ''}`));
      }
      if (this.closed) return;
      if (this.failedStarts >= 3) {
        const last = slot.stderr.pop();
        const err = new VivifyError(
          'E_MODEL_LOAD',
          `worker processes fail to start${last ? `: ${last.trim().slice(0, 200)}` : ''}`,
        );
        for (const p of this.waiting.splice(0)) p.reject(err);
        return;
      }
      this.pump();
    });
  }

  /** Stops every worker (an item in progress is rejected) and waits for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.waiting.splice(0)) p.reject(new VivifyError('E_ABORTED', 'operation was cancelled'));
    const exits = [...this.slots].map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          s.child.once('exit', () => resolve());
          s.child.kill('SIGTERM');
          setTimeout(() => s.child.kill('SIGKILL'), 2000).unref();
        }),
    );
    await Promise.all(exits);
  }
}
