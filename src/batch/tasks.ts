/**
 * The batch tasks — augment, analyze, scan, animate — and {@link runItem}, which every worker (a local
 * process, or a machine that took the item from a queue) calls for one item. An item's own failure (bad
 * input, no face) becomes its manifest line; anything else is thrown, for the caller to retry.
 */
import { appendFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ANALYZER_OPTIONS, type FaceAnalyzerOptions } from '../analysis/analyzer.js';
import {
  analyzeImageFile,
  analyzeVideoFile,
  createFaceAnalyzer,
  type NodeFaceAnalyzer,
} from '../analysis/node/analyze.js';
import { scanToTsv, scanVideo, type ScanOptions, type ScanRow } from '../dataset/scan.js';
import { writeAtomically } from '../media/atomic.js';
import { mediaKind } from '../media/kind.js';
import { probeVideo } from '../media/video.js';
import { animate, faceCapacity, type AnimateOptions } from '../reenact/node/animate.js';
import { augmentAnalyzer, runAugment } from './augment.js';
import { outputPath } from './inputs.js';
import { recordOutput } from './outputs.js';
import {
  errorRecord,
  isItemError,
  type BatchItem,
  type ItemResult,
  type JobSpec,
  type Task,
  type TaskContext,
  type TaskName,
} from './job.js';
import type { ManifestRecord } from './store.js';

const r = (v: number, digits: number): number => Number(v.toFixed(digits));

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** `batch analyze`: one JSON document per image or video, as `vivify analyze --json` writes it. */
const analyzeOptions = (job: JobSpec): FaceAnalyzerOptions => {
  const s = job.settings as { identity?: boolean; emotion?: boolean; maxFaces?: number };
  const d = DEFAULT_ANALYZER_OPTIONS;
  return {
    identity: s.identity ?? d.identity,
    emotion: s.emotion ?? d.emotion,
    actionUnits: true,
    maxFaces: s.maxFaces ?? d.maxFaces,
  };
};

const analyzeTask: Task = {
  analyzer: analyzeOptions,
  async run(job, item, ctx) {
    const rel = `${outputPath(item.key)}.json`;
    const file = path.join(job.out, rel);
    const head = { source: item.source, status: 'ok' as const, output: rel };
    // A document already there is complete (written atomically): read it instead of analysing again.
    const done = await readJson(file);
    if (done?.kind === 'image' && Array.isArray(done.faces))
      return {
        status: 'ok',
        records: [{ ...head, kind: 'image', width: done.width, height: done.height, faces: done.faces.length }],
      };
    const kind = await mediaKind(item.path);
    const analyzer = await ctx.analyzer(analyzeOptions(job));
    ctx.work('analyze', item.key);
    recordOutput(job.out, rel);
    if (kind === 'image') {
      const { image, faces } = await analyzeImageFile(item.path, analyzer, { json: file });
      return {
        status: 'ok',
        records: [{ ...head, kind: 'image', width: image.width, height: image.height, faces: faces.length }],
      };
    }
    const stats = await analyzeVideoFile(item.path, analyzer, { json: file, signal: ctx.signal });
    return {
      status: 'ok',
      records: [
        {
          ...head,
          kind: 'video',
          width: stats.info.width,
          height: stats.info.height,
          fps: r(stats.info.fps, 3),
          frames: stats.frames,
          faceFraction: r(stats.frames ? stats.framesWithFace / stats.frames : 0, 4),
          ...(stats.warnings.length ? { warnings: stats.warnings } : {}),
        },
      ],
    };
  },
};

/** `batch scan`: the dataset checks of `vivify scan`, one manifest line per video, and scan.tsv at the end. */
const scanTask: Task = {
  analyzer: () => ({ emotion: false, maxFaces: 5 }),
  async run(job, item, ctx) {
    const s = job.settings as ScanOptions;
    const analyzer = await ctx.analyzer(scanTask.analyzer!(job));
    ctx.work('scan', item.key);
    const result = await scanVideo(item.path, analyzer, { ...s, signal: ctx.signal });
    const { file: _file, status, ...rest } = result;
    return { status: 'ok', records: [{ source: item.source, status: 'ok', verdict: status, ...rest }] };
  },
  async finish(job, records) {
    const rows = records
      .filter((rec) => rec.status === 'ok' && typeof rec.verdict === 'string')
      .map((rec): ScanRow => ({ ...rec, file: rec.source, status: rec.verdict }));
    const file = path.join(job.out, 'scan.tsv');
    recordOutput(job.out, 'scan.tsv');
    await writeAtomically(file, (tmp) => fs.writeFile(tmp, scanToTsv(rows)));
    return [file];
  },
};

/** `batch animate`: every portrait animated by every driving clip. */
const animateTask: Task = {
  analyzer: (job) => ({ emotion: false, maxFaces: faceCapacity((job.settings as AnimateOptions).face) }),
  async run(job, item, ctx) {
    const driver = item.driver!;
    const portrait = item.key.split('\u0000')[0]!;
    const rel = `${outputPath(portrait)}/${outputPath(driver.name ?? driver.key)}.mp4`;
    const file = path.join(job.out, rel);
    const head = { source: item.source, driving: driver.source, status: 'ok' as const, output: rel };
    const exists = await fs.stat(file).then(
      (st) => st.isFile() && st.size > 0,
      () => false,
    );
    if (exists) {
      const info = await probeVideo(file);
      return {
        status: 'ok',
        records: [{ ...head, frames: info.frameCount, fps: r(info.fps, 3), width: info.width, height: info.height }],
      };
    }
    const s = job.settings as AnimateOptions;
    const analyzer = await ctx.analyzer(animateTask.analyzer!(job));
    ctx.work('animate', `${item.key} ${driver.key}`);
    recordOutput(job.out, rel);
    const report = await animate(item.path, driver.path, file, { ...s, analyzer, signal: ctx.signal });
    return {
      status: 'ok',
      records: [
        {
          ...head,
          frames: report.frames,
          fps: r(report.fps, 3),
          width: report.width,
          height: report.height,
          framesWithoutFace: report.framesWithoutFace,
        },
      ],
    };
  },
};

export const TASKS: Readonly<Record<TaskName, Task>> = {
  augment: { run: runAugment, analyzer: augmentAnalyzer },
  analyze: analyzeTask,
  scan: scanTask,
  animate: animateTask,
};

/** Loads what the job's items need (the face models) before the first item's clock starts. */
export async function prepareTask(job: JobSpec, ctx: TaskContext): Promise<void> {
  const options = TASKS[job.task].analyzer?.(job);
  if (options) await ctx.analyzer(options);
}

/**
 * Does one item of `job`: the task's work, with the item's own failures turned into its manifest line.
 * Throws for failures that are not the item's (cancelled, disk, models), which the caller retries.
 */
export async function runItem(job: JobSpec, item: BatchItem, ctx: TaskContext): Promise<ItemResult> {
  const cpu = process.cpuUsage();
  let result: ItemResult;
  try {
    result = await TASKS[job.task].run(job, item, ctx);
  } catch (err) {
    if (!isItemError(err)) throw err;
    const rec = errorRecord(item.source, err, item.driver ? { driving: item.driver.source } : {});
    result = { status: rec.status, records: [rec] };
  }
  const used = process.cpuUsage(cpu);
  result.cpuMs = Math.round((used.user + used.system) / 1000);
  return result;
}

/** A task context for one process: analyzers created on first use and kept, an optional work log. */
export function processContext(signal: AbortSignal): TaskContext & { close(): void } {
  const analyzers = new Map<string, Promise<NodeFaceAnalyzer>>();
  const log = process.env.VIVIFY_WORK_LOG;
  return {
    signal,
    analyzer(options: FaceAnalyzerOptions) {
      const key = JSON.stringify(options);
      let a = analyzers.get(key);
      if (!a) {
        a = createFaceAnalyzer(options);
        a.catch(() => analyzers.delete(key));
        analyzers.set(key, a);
      }
      return a;
    },
    work(what, detail) {
      if (!log) return;
      // Written before the work starts, synchronously: work cut short by a kill is counted too. One short
      // line per append keeps lines whole with several processes writing.
      try {
        appendFileSync(log, `${process.pid}\t${what}\t${JSON.stringify(detail)}\n`);
      } catch {
        /* an audit log that cannot be written does not stop the work */
      }
    },
    close() {
      for (const a of analyzers.values()) void a.then((x) => x.close()).catch(() => undefined);
      analyzers.clear();
    },
  };
}

export type { ManifestRecord };
