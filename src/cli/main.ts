/**
 * The `vivify` command line: dispatches to one command per file. Known failures (VivifyError, and
 * argument errors of the form "Expected X for Y but received Z") print one line and exit non-zero;
 * anything else is a bug and prints its stack.
 */
import { ioFailureReason, printable, quote, VivifyError } from '../errors.js';
import { analyzeCommand, runAnalyze } from './analyze.js';
import { animateCommand, runAnimate } from './animate.js';
import { augmentCommand, runAugment } from './augment.js';
import { batchCommand, runBatchCommand } from './batch.js';
import { bodyCommand, runBody } from './body.js';
import { editCommand, runEdit } from './edit.js';
import { evalCommand, runEval } from './eval.js';
import type { CommandContext } from './context.js';
import {
  formatHelp,
  isFlagsOf,
  parseCommand,
  type CommandDef,
  type FlagsOf,
  type OptionDef,
  type TypedCommandDef,
} from './options.js';
import { runScan, scanCommand } from './scan.js';
import { generateCommand, runGenerate } from './generate.js';
import { runScript, scriptCommand } from './script.js';
import { runSpeak, speakCommand } from './speak.js';
import { runStatus, statusCommand } from './status.js';
import { runWorkerCommand, workerCommand } from './worker.js';

export interface Command {
  def: CommandDef;
  run(positionals: string[], options: Record<string, unknown>, ctx: CommandContext): Promise<number>;
}

/** A command whose run receives the flags its own definitions type (checked against them at the door). */
function command<O extends Record<string, OptionDef>>(
  def: TypedCommandDef<O>,
  run: (positionals: string[], flags: FlagsOf<O>, ctx: CommandContext) => Promise<number>,
): Command {
  return {
    def,
    run: (positionals, options, ctx) => {
      if (!isFlagsOf(def, options))
        throw new Error(`vivify ${def.name} received options it does not define: ${Object.keys(options).join(', ')}`);
      return run(positionals, options, ctx);
    },
  };
}

export const COMMANDS: Command[] = [
  command(analyzeCommand, (p, o, c) => runAnalyze(p[0]!, o, c)),
  command(animateCommand, (_p, o, c) => runAnimate(o, c)),
  command(bodyCommand, (_p, o, c) => runBody(o, c)),
  command(editCommand, (_p, o, c) => runEdit(o, c)),
  command(scriptCommand, (_p, o, c) => runScript(o, c)),
  command(generateCommand, (_p, o, c) => runGenerate(o, c)),
  command(speakCommand, (_p, o, c) => runSpeak(o, c)),
  command(evalCommand, (p, o, c) => runEval(p, o, c)),
  command(scanCommand, (p, o, c) => runScan(p, o, c)),
  { def: augmentCommand, run: (p, o, c) => runAugment(p[0]!, o, c) },
  { def: batchCommand, run: (p, o, c) => runBatchCommand(p, o, c) },
  command(workerCommand, (_p, o, c) => runWorkerCommand(o, c)),
  { def: statusCommand, run: (p, o, c) => runStatus(p, o, c) },
];

const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.def.name.length)) + 2;
  return [
    `vivify ${VERSION} — bring still portraits to life`,
    '',
    'Usage: vivify <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.def.name.padEnd(width)}${c.def.summary}`),
    '',
    "Run `vivify <command> --help` for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.def.name === name);
  if (!command)
    throw new VivifyError(
      'E_USAGE',
      `unknown command ${quote(name)} (commands: ${COMMANDS.map((c) => c.def.name).join(', ')})`,
    );
  const { positionals, options } = parseCommand(command.def, rest);
  if (options.help) {
    process.stdout.write(formatHelp(command.def));
    return 0;
  }
  const controller = new AbortController();
  // First Ctrl-C / SIGTERM: cancel cleanly (outputs in progress are removed). If the command has not
  // stopped within 3 s, or a second signal comes, exit at once. The exit status is the shell's for the
  // signal: 130 for SIGINT, 143 for SIGTERM.
  const onSignal = (signal: NodeJS.Signals): void => {
    abortExitCode = signal === 'SIGTERM' ? 143 : 130;
    if (controller.signal.aborted) process.exit(abortExitCode);
    controller.abort();
    setTimeout(() => process.exit(abortExitCode), 3000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await command.run(positionals, options, {
      out: (l) => process.stdout.write(`${printable(l)}\n`),
      err: (l) => process.stderr.write(`${printable(l)}\n`),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit status of a run cancelled by a signal: 128 + the signal's number. */
let abortExitCode = 130;

/** Exit status for an error, and whether it is a known (one-line) failure. */
function describeError(err: unknown): { code: number; line?: string } {
  if (err instanceof VivifyError)
    return { code: err.code === 'E_USAGE' ? 2 : err.code === 'E_ABORTED' ? abortExitCode : 1, line: err.message };
  if ((err instanceof TypeError || err instanceof RangeError) && err.message.startsWith('Expected ')) {
    return { code: 2, line: err.message };
  }
  const reason = ioFailureReason(err);
  if (reason) {
    const file = (err as NodeJS.ErrnoException).path;
    return { code: 1, line: file ? `${file}: ${reason}` : reason };
  }
  return { code: 70 };
}

/** Runs the CLI and sets the process exit code; never throws. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    const { code, line } = describeError(err);
    const clear = process.stderr.isTTY ? '\r\x1b[2K' : '';
    if (line) process.stderr.write(`${clear}error: ${printable(line)}\n`);
    else
      process.stderr.write(
        `${clear}vivify: unexpected failure (a bug, please report it):\n${(err as Error)?.stack ?? String(err)}\n`,
      );
    process.exitCode = code;
  }
}
