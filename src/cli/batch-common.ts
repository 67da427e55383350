/** What the batch commands share on the command line: the output option, progress, and the summary. */
import { isVivifyError, printable, VivifyError } from '../errors.js';
import type { BatchProgress, BatchReport } from '../batch/run.js';
import { withoutPassword } from '../batch/redis-url.js';
import type { CommandContext } from './context.js';
import type { OptionDef } from './options.js';
import { createProgress, type Progress } from './progress.js';

/** File names and reasons as one visible line: control characters written as escapes (see `printable`). */
export const visible = printable;

export const BATCH_OUTPUT_OPTION: OptionDef = {
  type: 'string',
  short: 'o',
  value: 'folder',
  description:
    'Output folder: the results, manifest.jsonl (one line per result) and .vivify/ (the job state that lets the same command resume)',
};

/** Progress callbacks for a batch: a bar with rate and ETA over items, and log lines above it. */
function batchProgress(label: string): {
  onProgress: (p: BatchProgress) => void;
  onLog: (line: string) => void;
  done: (summary: string) => void;
} {
  let bar: Progress | undefined;
  let last: BatchProgress | undefined;
  return {
    onProgress(p) {
      last = p;
      bar ??= createProgress(label, p.total, process.stderr, { base: p.before });
      const parts = [`items`];
      if (p.active) parts.push(`${p.active} working`);
      if (p.failed) parts.push(`${p.failed} failed`);
      bar.update(p.done, parts.join(', '));
    },
    onLog(line) {
      if (bar) bar.log(visible(line));
      else process.stderr.write(`${visible(line)}\n`);
    },
    done(summary) {
      (bar ?? createProgress(label, last?.total ?? 0)).done(summary);
    },
  };
}

/** Runs a batch function with progress; a cancel says what is kept. */
export async function withProgress(
  label: string,
  run: (hooks: Pick<ReturnType<typeof batchProgress>, 'onProgress' | 'onLog'>) => Promise<BatchReport>,
): Promise<BatchReport> {
  const p = batchProgress(label);
  let report: BatchReport;
  try {
    report = await run({ onProgress: p.onProgress, onLog: p.onLog });
  } catch (err) {
    if (isVivifyError(err, 'E_ABORTED'))
      throw new VivifyError(
        'E_ABORTED',
        'cancelled: finished items are kept; run the same command again to continue where it stopped',
      );
    throw err;
  }
  p.done(
    report.detached
      ? 'queued'
      : `${report.doneNow} item${report.doneNow === 1 ? '' : 's'} this run (${report.doneBefore} before)`,
  );
  return report;
}

/** Prints the end of a batch: counts, the problems (up to `limit`), where the manifest is. Returns the exit status. */
export function printSummary(
  name: string,
  report: BatchReport,
  ctx: CommandContext,
  options: { strict: boolean; queue?: string; unit?: string },
  limit = 20,
): number {
  for (const w of report.warnings) ctx.err(`warning: ${visible(w)}`);
  if (report.detached) {
    ctx.out(
      `${name}: ${report.items - report.doneBefore} item(s) on the queue, ${report.doneBefore} already done; run the same command again to collect the results (\`vivify status --queue ${withoutPassword(options.queue ?? '')}\` shows progress)`,
    );
    return 0;
  }
  const unit = options.unit ?? 'lines';
  const l = report.lines;
  ctx.out(
    `${name}: ${report.items} item${report.items === 1 ? '' : 's'} — ${report.ok} done, ${report.skipped} skipped, ${report.failed} failed${report.dead ? ` (${report.dead} gave up after retries)` : ''}; ${unit}: ${l.ok} written, ${l.skipped} skipped, ${l.failed} failed`,
  );
  if (report.doneBefore) ctx.out(`  resumed: ${report.doneBefore} item(s) were already done`);
  for (const p of report.problems.slice(0, limit)) {
    // Reasons often begin with the file's name: say it once.
    const reason = p.reason.startsWith(`${p.source}: `)
      ? p.reason.slice(p.source.length + 2)
      : p.reason.startsWith(`${p.source} `)
        ? p.reason.slice(p.source.length + 1)
        : p.reason;
    ctx.out(`  ${p.status.padEnd(7)} ${visible(p.source)}: ${visible(reason)}`);
  }
  if (report.problems.length > limit) ctx.out(`  … and ${report.problems.length - limit} more (see the manifest)`);
  const cleaned = report.removed.temps + report.removed.orphans;
  if (cleaned)
    ctx.out(
      `  removed ${report.removed.temps} temporary file(s) of interrupted writers and ${report.removed.orphans} output(s) no result accounts for`,
    );
  if (report.manifest) ctx.out(`wrote ${report.manifest}`);
  for (const f of report.extraFiles) ctx.out(`wrote ${f}`);
  return options.strict && report.failed ? 1 : 0;
}
