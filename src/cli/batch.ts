import { batchAnalyze, batchAnimate, batchScan, type BatchOptions } from '../batch/jobs.js';
import { BATCH_OPTIONS } from '../batch/options.js';
import { VivifyError } from '../errors.js';
import { optionKey } from '../options.js';
import { ANIMATE_OPTIONS } from '../reenact/options.js';
import { analyzeCommand } from './analyze.js';
import { BATCH_OUTPUT_OPTION, printSummary, withProgress } from './batch-common.js';
import type { CommandContext } from './context.js';
import type { CommandDef, OptionDef } from './options.js';
import { scanCommand } from './scan.js';

const ANALYZE_FLAGS = ['identity', 'emotion', 'max-faces'] as const;
const SCAN_FLAGS = ['samples', 'static-mse', 'min-face-fraction'] as const;

const own: Record<string, OptionDef> = {
  portraits: {
    type: 'string',
    value: 'folder|list',
    description: 'batch animate: the portraits (a folder, a list, or one image)',
  },
  drivers: {
    type: 'string',
    value: 'folder|list',
    description: 'batch animate: the driving clips (a folder, a list, or one video)',
  },
};

/** Which flags belong to which job (the rest are the machinery's, common to all). */
const JOB_FLAGS: Record<string, readonly string[]> = {
  analyze: ANALYZE_FLAGS,
  scan: SCAN_FLAGS,
  animate: ['portraits', 'drivers', ...Object.keys(ANIMATE_OPTIONS)],
};

export const batchCommand: CommandDef = {
  name: 'batch',
  summary: 'whole-dataset jobs on the batch machinery: scan, analyze (per-frame JSON), animate portraits × drivers',
  usage:
    'vivify batch scan <folder|list> -o out/ | vivify batch analyze <folder|list> -o out/ | vivify batch animate --portraits P --drivers D -o out/ [options]',
  positionals: { name: '<scan|analyze|animate> [folder|list]', min: 1, max: 2 },
  options: {
    output: BATCH_OUTPUT_OPTION,
    ...Object.fromEntries(
      ANALYZE_FLAGS.map((f) => [
        f,
        { ...analyzeCommand.options[f]!, description: `batch analyze: ${analyzeCommand.options[f]!.description}` },
      ]),
    ),
    ...Object.fromEntries(
      SCAN_FLAGS.map((f) => [
        f,
        { ...scanCommand.options[f]!, description: `batch scan: ${scanCommand.options[f]!.description}` },
      ]),
    ),
    ...own,
    ...Object.fromEntries(
      Object.entries(ANIMATE_OPTIONS).map(([f, o]) => [
        f,
        { ...o, description: `batch animate: ${o.description}` } as OptionDef,
      ]),
    ),
    ...BATCH_OPTIONS,
  },
  examples: [
    'vivify batch scan ../shared/data/videos -o scan-out/',
    'vivify batch analyze photos/ -o faces/ --identity',
    'vivify batch animate --portraits portraits/ --drivers clips/ -o animated/ --reference best',
    'vivify batch analyze videos.csv -o faces/ --queue redis://10.0.0.5:6379',
  ],
};

function pick(args: Record<string, unknown>, flags: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flags) if (args[f] !== undefined) out[optionKey(f)] = args[f];
  return out;
}

export async function runBatchCommand(
  positionals: string[],
  args: Record<string, unknown>,
  ctx: CommandContext,
): Promise<number> {
  const [job, input] = positionals;
  if (!job || !(job in JOB_FLAGS))
    throw new VivifyError(
      'E_USAGE',
      `vivify batch needs a job: scan, analyze or animate (usage: ${batchCommand.usage})`,
    );
  const out = args.output as string | undefined;
  if (!out) throw new VivifyError('E_USAGE', `vivify batch ${job} needs -o (the output folder)`);
  // A flag of another job given here is a mistake, not something to ignore.
  for (const [other, flags] of Object.entries(JOB_FLAGS)) {
    if (other === job) continue;
    for (const f of flags) {
      if (JOB_FLAGS[job]!.includes(f)) continue;
      const def = batchCommand.options[f]!;
      if (args[f] !== undefined && JSON.stringify(args[f]) !== JSON.stringify(def.default))
        throw new VivifyError('E_USAGE', `--${f} belongs to vivify batch ${other}, not batch ${job}`);
    }
  }
  const machinery = pick(args, Object.keys(BATCH_OPTIONS)) as BatchOptions;
  const common = { ...machinery, signal: ctx.signal };
  let report;
  if (job === 'animate') {
    if (input)
      throw new VivifyError('E_USAGE', 'vivify batch animate takes --portraits and --drivers, not a positional input');
    const { portraits, drivers } = args as { portraits?: string; drivers?: string };
    if (!portraits || !drivers)
      throw new VivifyError(
        'E_USAGE',
        'vivify batch animate needs --portraits and --drivers (folders, lists or files)',
      );
    const o = pick(args, Object.keys(ANIMATE_OPTIONS));
    report = await withProgress('animate', (hooks) =>
      batchAnimate(portraits, drivers, out, { ...o, ...common, ...hooks }),
    );
  } else {
    if (!input)
      throw new VivifyError(
        'E_USAGE',
        `vivify batch ${job} needs an input: a folder, a list (.csv, .jsonl, .txt) or a file`,
      );
    report =
      job === 'scan'
        ? await withProgress('scan', (hooks) =>
            batchScan(input, out, { ...pick(args, SCAN_FLAGS), ...common, ...hooks }),
          )
        : await withProgress('analyze', (hooks) =>
            batchAnalyze(input, out, { ...pick(args, ANALYZE_FLAGS), ...common, ...hooks }),
          );
  }
  return printSummary(`batch ${job}`, report, ctx, { strict: Boolean(args.strict), queue: machinery.queue });
}
