/**
 * The coordinator of a batch: lists what is left to do (items the journal does not have), has it done —
 * by a local pool of worker processes, or by `vivify worker`s through a queue — journals each finished
 * item, and when none is left writes the manifest, removes what of its own no manifest line accounts for
 * (temporaries of killed writers, outputs of items that failed; see src/batch/outputs.ts), and reports. Run the same job again after any crash
 * and it continues where the journal ends.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VivifyError, throwIfAborted } from '../errors.js';
import { writeAtomically } from '../media/atomic.js';
import type { ListingNote } from './inputs.js';
import type { BatchItem, JobSpec, TaskName } from './job.js';
import { BATCH_OPTIONS } from './options.js';
import { recordedOutputs, recordOutput, sweep } from './outputs.js';
import { ItemCrashed, WorkerPool } from './pool.js';
import { JobStore, MANIFEST, type JournalEntry, type ManifestRecord } from './store.js';
import { TASKS } from './tasks.js';

/** A job ready to run: what the task is, its items, and what the listing reported. */
export interface BatchJob {
  task: TaskName;
  settings: Record<string, unknown>;
  /** What identifies the inputs (resolved paths), so that a different job in the same folder is refused. */
  inputs: Record<string, unknown>;
  items: BatchItem[];
  notes: ListingNote[];
  clips?: JobSpec['clips'];
  /** Things worth telling the user about the job (no inputs found), passed on in the report. */
  warnings?: string[];
}

export interface BatchRunOptions {
  /** Worker processes (local mode). Default: one per core. */
  workers?: number;
  /** Seconds one item may take before its worker is stopped and the item retried. Default 900. */
  itemTimeout?: number;
  /** Tries per item when its worker crashes or times out. Default 3. */
  attempts?: number;
  /** A Redis URL: run the items through a BullMQ queue (see src/batch/queue.ts) instead of locally. */
  queue?: string;
  /** With `queue`: enqueue and return; running the same job again collects the results. */
  detach?: boolean;
  retryFailed?: boolean;
  restart?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
  /** Lines worth telling the user while it runs (retries, waiting for workers). */
  onLog?: (line: string) => void;
}

export interface BatchProgress {
  /** Items finished, of `total`; `before` of them were finished by earlier runs. */
  done: number;
  total: number;
  before: number;
  failed: number;
  skipped: number;
  /** Items being worked on now. */
  active: number;
}

export interface BatchReport {
  out: string;
  /** Absolute path of the manifest (written once every item has a result). */
  manifest?: string;
  /** Other files the task wrote at the end (scan.tsv). */
  extraFiles: string[];
  items: number;
  /** Items finished by this run, and by earlier ones. */
  doneNow: number;
  doneBefore: number;
  /** Items by outcome. */
  ok: number;
  skipped: number;
  failed: number;
  /** Items that failed every try (their worker crashed or timed out each time): the dead-letter list. */
  dead: number;
  /** Manifest lines by status (for augment: one per variant). */
  lines: { ok: number; skipped: number; failed: number };
  /** Skipped and failed lines: source, what, why. */
  problems: { source: string; status: string; reason: string }[];
  /** CPU seconds the workers spent on this run's items. */
  cpuS: number;
  elapsedS: number;
  /** Temporaries of killed writers and unaccounted outputs removed at the end. */
  removed: { temps: number; orphans: number };
  /** Things the user should know that did not stop the job, one line each ("no images found in photos/"). */
  warnings: string[];
  /** True when the items were put on the queue and the run returned without waiting (`detach`). */
  detached: boolean;
  jobId: string;
}

/** What executes pending items: the local pool or a queue. It calls `finished` once per item. */
export interface Executor {
  run(
    job: JobSpec,
    pending: readonly BatchItem[],
    finished: (entry: JournalEntry, cpuMs?: number) => void,
    active: () => void,
  ): Promise<{ detached: boolean }>;
  /** Items in progress (for the progress line). */
  readonly active: number;
  /** Releases what it holds (worker processes, connections); safe to call more than once. */
  close(): Promise<void>;
}

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The stable id of a job: its task, what it reads, its settings and where it writes. */
export function jobId(job: Pick<BatchJob, 'task' | 'settings' | 'inputs'>, out: string): string {
  return createHash('sha1')
    .update(JSON.stringify({ task: job.task, settings: job.settings, inputs: job.inputs, out: path.resolve(out) }))
    .digest('hex')
    .slice(0, 16);
}

/** Runs (or resumes) a batch job into the folder `out`. */
export async function runBatch(job: BatchJob, out: string, options: BatchRunOptions = {}): Promise<BatchReport> {
  const started = performance.now();
  const signal = options.signal ?? new AbortController().signal;
  const items = [...job.items].sort(byKey);
  // Connect to the queue first: a server that cannot be reached leaves nothing behind.
  const executor: Executor = options.queue
    ? await (await import('./queue.js')).queueExecutor(options.queue, { ...options, signal, total: items.length })
    : localExecutor(options, signal);
  const store = await JobStore.open(
    out,
    { task: job.task, spec: { inputs: job.inputs, settings: job.settings } },
    { restart: options.restart },
  ).catch(async (err: unknown) => {
    await executor.close();
    throw err;
  });
  const spec: JobSpec = {
    id: jobId(job, out),
    task: job.task,
    out: store.out,
    settings: job.settings,
    ...(job.clips ? { clips: job.clips } : {}),
  };
  const report: BatchReport = {
    out: store.out,
    extraFiles: [],
    items: items.length,
    doneNow: 0,
    doneBefore: 0,
    ok: 0,
    skipped: 0,
    failed: 0,
    dead: 0,
    lines: { ok: 0, skipped: 0, failed: 0 },
    problems: [],
    cpuS: 0,
    elapsedS: 0,
    removed: { temps: 0, orphans: 0 },
    warnings: [...(job.warnings ?? [])],
    detached: false,
    jobId: spec.id,
  };
  try {
    const pending = items.filter((i) => {
      const s = store.status(i.key);
      return s === undefined || (options.retryFailed && s === 'failed');
    });
    report.doneBefore = items.length - pending.length;
    const manifest = path.join(store.out, MANIFEST);
    // Until every item has a result there is no manifest: an old one would look complete.
    if (pending.length) await fs.rm(manifest, { force: true });

    const progress: BatchProgress = {
      done: report.doneBefore,
      total: items.length,
      before: report.doneBefore,
      failed: 0,
      skipped: 0,
      active: 0,
    };
    const tell = (): void => options.onProgress?.({ ...progress, active: executor.active });
    tell();
    const { detached } = await executor.run(
      spec,
      pending,
      (entry, cpuMs) => {
        if (store.status(entry.key) !== undefined && !(options.retryFailed && store.status(entry.key) === 'failed'))
          return; // a result delivered twice (queues deliver at least once): the first one counts
        store.append(cpuMs === undefined ? entry : { ...entry, cpuMs });
        report.doneNow++;
        report.cpuS += (cpuMs ?? 0) / 1000;
        progress.done++;
        if (entry.status === 'failed') progress.failed++;
        if (entry.status === 'skipped') progress.skipped++;
        tell();
      },
      tell,
    );
    throwIfAborted(signal);
    if (detached) {
      report.detached = true;
      return report;
    }
    const missing = items.filter((i) => store.status(i.key) === undefined);
    if (missing.length)
      throw new VivifyError('E_QUEUE', `${missing.length} item(s) have no result (first: ${missing[0]!.source})`);

    const { records, outputs } = await writeManifest(job, items, store, manifest, report);
    report.manifest = manifest;
    const finish = TASKS[job.task].finish;
    if (finish) report.extraFiles = await finish(spec, records);
    for (const f of report.extraFiles) outputs.add(path.relative(store.out, f));
    const owned = await recordedOutputs(store.out);
    // Outputs an earlier run journaled (and a release that did not list its outputs wrote).
    for (const key of store.keys())
      for (const rec of store.read(key)!.records)
        if (typeof rec.output === 'string') owned.add(path.normalize(rec.output));
    report.removed = await sweep(store.out, outputs, owned);
    return report;
  } finally {
    report.elapsedS = (performance.now() - started) / 1000;
    await executor.close();
    await store.close();
  }
}

/**
 * The manifest: every item's lines and every listing note, in key order, streamed from the journal into
 * `manifest` (atomically), counted into `report`; returns the records a task's finish step reads and the
 * outputs the manifest names.
 */
async function writeManifest(
  job: BatchJob,
  items: readonly BatchItem[],
  store: JobStore,
  manifest: string,
  report: BatchReport,
): Promise<{ records: ManifestRecord[]; outputs: Set<string> }> {
  const records: ManifestRecord[] = [];
  const outputs = new Set<string>([MANIFEST]);
  const notes = [...job.notes].sort(byKey);
  recordOutput(store.out, MANIFEST);
  await writeAtomically(manifest, async (tmp) => {
    const fh = await fs.open(tmp, 'w');
    try {
      let chunk = '';
      const add = async (rec: ManifestRecord): Promise<void> => {
        chunk += `${JSON.stringify(rec)}\n`;
        report.lines[rec.status]++;
        if (typeof rec.output === 'string') outputs.add(path.normalize(rec.output));
        if (rec.status !== 'ok' && report.problems.length < 10_000)
          report.problems.push({ source: String(rec.source), status: rec.status, reason: rec.reason ?? '' });
        if (TASKS[job.task].finish) records.push(rec);
        if (chunk.length > 1 << 20) {
          await fh.write(chunk);
          chunk = '';
        }
      };
      const note = (n: ListingNote): Promise<void> => add({ source: n.source, status: 'skipped', reason: n.reason });
      let n = 0;
      for (const item of items) {
        while (n < notes.length && notes[n]!.key < item.key) await note(notes[n++]!);
        const entry = store.read(item.key)!;
        report[entry.status]++;
        if (entry.dead) report.dead++;
        for (const rec of entry.records) await add(rec);
      }
      for (const rest of notes.slice(n)) await note(rest);
      await fh.write(chunk);
    } finally {
      await fh.close();
    }
  });
  return { records, outputs };
}

/** Local mode: a pool of worker processes; a crashed or timed-out item is retried with backoff, then given up. */
function localExecutor(options: BatchRunOptions, signal: AbortSignal): Executor {
  const pool = new WorkerPool({
    size: options.workers,
    itemTimeoutMs: (options.itemTimeout ?? BATCH_OPTIONS['item-timeout'].default) * 1000,
  });
  const maxAttempts = options.attempts ?? BATCH_OPTIONS.attempts.default;
  return {
    get active() {
      return pool.active;
    },
    close: () => pool.close(),
    async run(job, pending, finished, active) {
      if (!pending.length) {
        await pool.close();
        return { detached: false };
      }
      const tries = new Map<string, number>();
      const timers = new Set<NodeJS.Timeout>();
      try {
        await new Promise<void>((resolve, reject) => {
          let outstanding = pending.length;
          const one = (): void => {
            if (--outstanding === 0) resolve();
          };
          const onAbort = (): void => reject(new VivifyError('E_ABORTED', 'operation was cancelled'));
          signal.addEventListener('abort', onAbort, { once: true });
          const start = (item: BatchItem): void => {
            if (signal.aborted) return;
            const n = (tries.get(item.key) ?? 0) + 1;
            tries.set(item.key, n);
            pool.run(job, item).then(
              (result) => {
                finished({ key: item.key, status: result.status, records: result.records, attempts: n }, result.cpuMs);
                one();
              },
              (err: Error) => {
                if (signal.aborted) return;
                if (err instanceof VivifyError) return reject(err); // the pool itself cannot work
                const why = err.message.split('\n')[0] ?? String(err);
                if (n < maxAttempts) {
                  const delay = Math.min(30_000, 1000 * 2 ** (n - 1));
                  options.onLog?.(`retrying ${item.source} in ${delay / 1000} s (try ${n} of ${maxAttempts}: ${why})`);
                  const t = setTimeout(() => {
                    timers.delete(t);
                    start(item);
                  }, delay);
                  timers.add(t);
                  active();
                  return;
                }
                const code = err instanceof ItemCrashed ? (err.code ?? 'E_INTERNAL') : 'E_WORKER_LOST';
                finished({
                  key: item.key,
                  status: 'failed',
                  dead: true,
                  attempts: n,
                  records: [
                    {
                      source: item.source,
                      ...(item.driver ? { driving: item.driver.source } : {}),
                      status: 'failed',
                      code,
                      reason: `gave up after ${n} tries: ${why}`,
                    },
                  ],
                });
                one();
              },
            );
          };
          for (const item of pending) start(item);
          active();
        });
      } finally {
        for (const t of timers) clearTimeout(t);
        await pool.close();
      }
      return { detached: false };
    },
  };
}
