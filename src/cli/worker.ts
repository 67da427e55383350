import { WORKER_OPTIONS } from '../batch/options.js';
import { runWorker } from '../batch/remote.js';
import { VivifyError } from '../errors.js';
import { visible } from './batch-common.js';
import type { CommandContext } from './context.js';
import { type FlagsOf, defineCommand } from './options.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'do batch items from a Redis queue (distributed augment / batch), on as many machines as you like',
  usage: 'vivify worker --queue redis://host:port [--workers n] [--idle-exit s]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: WORKER_OPTIONS,
  examples: [
    'vivify worker --queue redis://10.0.0.5:6379',
    'vivify worker --queue redis://127.0.0.1:6379 --workers 1 --idle-exit 60',
  ],
});

type WorkerArgs = FlagsOf<typeof workerCommand.options>;

export async function runWorkerCommand(args: WorkerArgs, ctx: CommandContext): Promise<number> {
  if (!args.queue) throw new VivifyError('E_USAGE', `vivify worker needs --queue (usage: ${workerCommand.usage})`);
  const stats = await runWorker(args.queue, {
    workers: args.workers,
    itemTimeout: args['item-timeout'],
    idleExit: args['idle-exit'],
    lockS: args['lock-s'],
    signal: ctx.signal,
    onLog: (line) => ctx.err(visible(line)),
  });
  ctx.out(`worker: ${stats.items} item(s) done, ${stats.failed} tr${stats.failed === 1 ? 'y' : 'ies'} failed`);
  return 0;
}
