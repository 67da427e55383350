/**
 * The shape of a batch: a job (what to do, where the results go) and its items (one input each, or one
 * portrait × driver pair), and the code that does one item — the same code whether the item runs in a
 * local worker process or on a machine that took it from a queue.
 */
import type { FaceAnalyzerOptions } from '../analysis/analyzer.js';
import type { NodeFaceAnalyzer } from '../analysis/node/analyze.js';
import { isVivifyError, type VivifyErrorCode } from '../errors.js';
import type { ItemStatus, ManifestRecord } from './store.js';

export type TaskName = 'augment' | 'analyze' | 'scan' | 'animate';

/** One unit of work. */
export interface BatchItem {
  /** Unique within the job; names its outputs and orders the manifest. */
  key: string;
  /** The input as the user would type it (what the manifest shows). */
  source: string;
  /** Absolute path of the input. */
  path: string;
  /** For `animate`: the driving video, and the name of its results. */
  driver?: { source: string; path: string; key: string; name?: string };
}

/** Everything a worker needs to do any item of a job: plain JSON, so it travels to processes and machines. */
export interface JobSpec {
  /** Stable id: a hash of what the job is (task, inputs, settings, output folder). */
  id: string;
  task: TaskName;
  /** Absolute path of the output folder. */
  out: string;
  /** The task's settings, by library key. */
  settings: Record<string, unknown>;
  /** `augment --driving`: the driving clips, with the names that identify them in variant ids. */
  clips?: { source: string; path: string; name: string }[];
}

/** What one item produced: its manifest lines. */
export interface ItemResult {
  status: ItemStatus;
  records: ManifestRecord[];
  /** CPU time the worker spent on it (user + system), for throughput figures. */
  cpuMs?: number;
}

export interface TaskContext {
  /** A face analyzer with these options, created once per worker process and reused. */
  analyzer(options: FaceAnalyzerOptions): Promise<NodeFaceAnalyzer>;
  signal: AbortSignal;
  /** Records a unit of real work (an analysis, a render) in the audit log `VIVIFY_WORK_LOG` names, if any. */
  work(what: string, detail: string): void;
}

export interface Task {
  /** The face analyzer the task uses, loaded before an item's clock starts (model loading is not the item's time). */
  analyzer?(job: JobSpec): FaceAnalyzerOptions;
  /** Does one item: writes its outputs (atomically, under deterministic names) and returns its manifest lines. */
  run(job: JobSpec, item: BatchItem, ctx: TaskContext): Promise<ItemResult>;
  /** After the last item: writes the job's summary files (a scan report) from all manifest lines. */
  finish?(job: JobSpec, records: readonly ManifestRecord[]): Promise<string[]>;
}

/**
 * Errors that say nothing about the item itself — cancelled, the disk, the models, a missing tool — and so
 * are worth another try (elsewhere, later) rather than a "failed" line for the item.
 */
const TRANSIENT: readonly VivifyErrorCode[] = ['E_ABORTED', 'E_OUTPUT', 'E_MODEL_LOAD', 'E_FFMPEG_MISSING', 'E_BUSY'];

/** True for an error that is the item's own (bad input, no face): recorded as its result, never retried. */
export function isItemError(err: unknown): boolean {
  return isVivifyError(err) && !TRANSIENT.includes(err.code);
}

/** The manifest line for an item (or a face or variant of it) that failed or was skipped with `err`. */
export function errorRecord(source: string, err: unknown, extra: Record<string, unknown> = {}): ManifestRecord {
  const code = isVivifyError(err) ? err.code : 'E_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return {
    source,
    ...extra,
    status: code === 'E_NO_FACE' ? 'skipped' : 'failed',
    code,
    reason: (message.split('\n')[0] ?? '').trim() || code,
  };
}

/** The status of an item from its lines: ok if anything was made, skipped if everything was, else failed. */
export function itemStatus(records: readonly ManifestRecord[]): ItemStatus {
  if (records.some((r) => r.status === 'ok')) return 'ok';
  if (records.length && records.every((r) => r.status === 'skipped')) return 'skipped';
  return 'failed';
}
