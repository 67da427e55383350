import { parseQueueUrl } from '../batch/options.js';
import { queueStatus } from '../batch/remote.js';
import { readJobState } from '../batch/store.js';
import { VivifyError } from '../errors.js';
import type { CommandContext } from './context.js';
import type { CommandDef } from './options.js';
import { formatDuration } from './progress.js';

export const statusCommand: CommandDef = {
  name: 'status',
  summary: 'progress of batch jobs: of one output folder, or of every batch on a Redis queue (from any machine)',
  usage: 'vivify status <output folder> | vivify status --queue redis://host:port',
  positionals: { name: '[output folder]', min: 0, max: 1 },
  options: {
    queue: {
      type: 'string',
      value: 'redis://host:port',
      description: 'Show every batch on this Redis server: done, working, waiting, retrying, dead letters',
      parse: parseQueueUrl,
    },
  },
  examples: ['vivify status aug/', 'vivify status --queue redis://10.0.0.5:6379'],
};

export async function runStatus(positionals: string[], args: { queue?: string }, ctx: CommandContext): Promise<number> {
  const [out] = positionals;
  if (!out && !args.queue)
    throw new VivifyError('E_USAGE', `vivify status needs an output folder or --queue (usage: ${statusCommand.usage})`);
  if (out) {
    const s = await readJobState(out);
    ctx.out(
      `${out}: ${s.task}, ${s.finished} item(s) finished — ${s.byStatus.ok} done, ${s.byStatus.skipped} skipped, ${s.byStatus.failed} failed${s.dead ? ` (${s.dead} gave up after retries)` : ''}; ${s.complete ? 'complete (manifest.jsonl written)' : s.running ? `running (${s.running})` : 'not complete: run its command again to continue'}`,
    );
  }
  if (args.queue) {
    const batches = await queueStatus(args.queue);
    if (!batches.length) ctx.out(`${args.queue}: no batches`);
    for (const b of batches) {
      const c = b.counts;
      ctx.out(
        `${b.id} ${b.task} → ${b.out}: ${b.done}/${b.total} collected${c.completed ? ` (${c.completed} more finished, for the coordinator to collect)` : ''}, ${c.active ?? 0} working, ${(c.waiting ?? 0) + (c.prioritized ?? 0)} waiting, ${c.delayed ?? 0} to retry, ${c.failed ?? 0} dead-lettered; coordinator ${b.coordinator}, seen ${formatDuration(b.updatedMsAgo / 1000)} ago`,
      );
      for (const d of b.deadLetters) ctx.out(`  dead letter: ${d.source} after ${d.tries} tries: ${d.reason}`);
    }
  }
  return 0;
}
