import { augment, type AugmentOptions } from '../batch/jobs.js';
import { AUGMENT_OPTIONS, BATCH_OPTIONS } from '../batch/options.js';
import { VivifyError } from '../errors.js';
import { optionKey } from '../options.js';
import { BATCH_OUTPUT_OPTION, printSummary, withProgress } from './batch-common.js';
import type { CommandContext } from './context.js';
import type { CommandDef } from './options.js';

export const augmentCommand: CommandDef = {
  name: 'augment',
  summary: 'multiply a face data set: variants of every face in a folder, with exact labels in a manifest',
  usage:
    'vivify augment <folder|list.csv|list.jsonl> -o out/ (--emotions list [--intensities list] | --aus sets | --poses turns | --driving clips/) [options]',
  positionals: { name: '<folder|list>', min: 1, max: 1 },
  options: { output: BATCH_OUTPUT_OPTION, ...AUGMENT_OPTIONS, ...BATCH_OPTIONS },
  examples: [
    'vivify augment photos/ -o aug/ --emotions happy,sad,angry,surprised,fear,disgusted --intensities 0.5,1',
    'vivify augment photos.csv -o aug/ --aus "12=3;4=2;6=2,12=3" --poses yaw=-15,15 --identity',
    'vivify augment photos/ -o aug/ --driving clips/ --workers 2',
    'vivify augment photos/ -o aug/ --emotions happy --queue redis://10.0.0.5:6379',
  ],
};

/** The library's options from the parsed flags (same definitions, camelCase keys). */
function libraryOptions(args: Record<string, unknown>): AugmentOptions {
  const out: Record<string, unknown> = {};
  for (const flag of [...Object.keys(AUGMENT_OPTIONS), ...Object.keys(BATCH_OPTIONS)])
    if (args[flag] !== undefined) out[optionKey(flag)] = args[flag];
  return out as AugmentOptions;
}

export async function runAugment(input: string, args: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const out = args.output as string | undefined;
  if (!out)
    throw new VivifyError('E_USAGE', `vivify augment needs -o (the output folder; usage: ${augmentCommand.usage})`);
  const options = libraryOptions(args);
  const report = await withProgress('augment', (hooks) =>
    augment(input, out, { ...options, ...hooks, signal: ctx.signal }),
  );
  return printSummary('augment', report, ctx, { strict: Boolean(args.strict), queue: options.queue, unit: 'variants' });
}
