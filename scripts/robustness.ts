/**
 * The bad-input sweep: every command of the CLI over every case of the bad-input corpus
 * (scripts/bad-input-corpus.ts), each run under a time limit. A run passes when it ends with a correct
 * result (exit 0) or one line `error: …` and a non-zero exit — never a stack trace, never a hang, never a raw
 * control character on the terminal. Also checks the defects of issue 12 (symbolic-link loops in scan,
 * variable frame rate, leftovers of killed runs, raw bytes in messages). Writes docs/results/robustness.md.
 *
 *   node --import tsx scripts/robustness.ts [--jobs 2] [--timeout 120] [--no-write] [--part corpus|scenarios] [--only NAME]
 *
 * As root, file permissions do not stop reads; the commands then run without the capabilities that let
 * root read anything (setpriv), so an unreadable file is unreadable as it would be for anyone else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine } from '../src/cli/machine.js';
import { probeVideo } from '../src/media/video.js';
import { makeBadInputCorpus, type CorpusCase } from './bad-input-corpus.js';
import {
  SCENARIOS,
  snapshot,
  snapshotChange,
  unreadableOutput,
  type Scenario,
  type ScenarioContext,
} from './robustness-scenarios.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type Outcome = 'ok' | 'error' | 'stack' | 'hang' | 'messy';

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Control characters a terminal could act on (everything below 0x20 but line feed, DEL, C1, bidi overrides). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * What a run did: `ok` (exit 0), `error` (non-zero exit, one line `error: …` on stderr besides progress
 * and warnings), `stack` (a stack trace or "unexpected failure"), `hang` (past the time limit), `messy`
 * (anything else: several error lines, raw control characters, a non-zero exit without a message).
 */
export function classify(r: RunResult): { outcome: Outcome; line: string } {
  if (r.timedOut) return { outcome: 'hang', line: `no result after ${Math.round(r.ms / 1000)} s` };
  const all = `${r.stdout}\n${r.stderr}`;
  if (/unexpected failure|^\s+at .+[:(]\d+:\d+\)?$/m.test(all) || /^\w*Error: /m.test(all))
    return { outcome: 'stack', line: all.split('\n').find((l) => /Error|unexpected/.test(l)) ?? 'stack trace' };
  if (RAW_CONTROL.test(all.replace(/\r?\n/g, '\n')))
    return {
      outcome: 'messy',
      line: `raw control characters in the output: ${JSON.stringify(all.match(RAW_CONTROL)![0])}`,
    };
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  if (r.code === 0) return { outcome: 'ok', line: r.stdout.trim().split('\n').at(-1) ?? '' };
  if (errors.length === 1) return { outcome: 'error', line: errors[0]!.slice(7) };
  return {
    outcome: 'messy',
    line: `exit ${r.code ?? r.signal}, ${errors.length} error lines: ${r.stderr.trim().split('\n').at(-1) ?? ''}`,
  };
}

/** The command prefix: the built CLI, without root's override capabilities when run as root. */
export function cliPrefix(): string[] {
  const node = [process.execPath, path.join(ROOT, 'bin', 'vivify.js')];
  if (process.getuid?.() !== 0) return node;
  const ok = spawnSync('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', 'true']).status === 0;
  return ok ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', ...node] : node;
}

export function runCommand(
  prefix: string[],
  args: string[],
  timeoutMs: number,
  cwd: string,
  signal?: { name: NodeJS.Signals; afterMs: number },
): Promise<RunResult & { stopMs?: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(prefix[0]!, [...prefix.slice(1), ...args], {
      cwd,
      env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d.slice(0, 100_000)));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 100_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the whole group: its worker processes and ffmpeg too
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    let signalledAt: number | undefined;
    const signaller = signal
      ? setTimeout(() => {
          signalledAt = performance.now();
          child.kill(signal.name); // the CLI itself, as a shell's kill would: it must stop its own children
        }, signal.afterMs)
      : undefined;
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      clearTimeout(signaller);
      const now = performance.now();
      const stopMs = signalledAt === undefined ? undefined : now - signalledAt;
      resolve({ code, signal: sig, stdout, stderr, ms: now - started, timedOut, stopMs });
    });
  });
}

interface Planned {
  case: string;
  command: string;
  args: string[];
  /** Extra check of a correct result, given the run (returns a problem, or undefined). */
  check?: (r: RunResult, out: string) => Promise<string | undefined> | string | undefined;
  issue12?: string;
  /** A scenario of the second sweep (issue 23): its item and what it is. */
  issue23?: string;
  skipped?: boolean;
}

/** The commands tried on each kind of case; `T` is a fresh output folder per run. */
function plan(cases: CorpusCase[], dir: string): Planned[] {
  const portrait = path.join(dir, 'ok', 'portrait.png');
  const driver = path.join(dir, 'ok', 'driver.mp4');
  const timeline = path.join(dir, 'ok', 'timeline.txt');
  const out: Planned[] = [];
  const p = (c: CorpusCase, command: string, args: string[], extra: Partial<Planned> = {}): void =>
    void out.push({ case: c.name, command, args, ...extra });
  for (const c of cases) {
    if (c.folderOnly) continue;
    const f = c.file;
    if (c.kind === 'image') {
      p(c, 'analyze', ['analyze', f], {
        check: (r) => {
          if (r.code !== 0) return undefined;
          // An animated GIF is read as the video it is: a face in its frames.
          if (/frames, face in (\d+(\.\d+)?)%/.test(r.stdout))
            return Number(/face in (\d+(\.\d+)?)%/.exec(r.stdout)![1]) > 0 ? undefined : r.stdout.split('\n')[0];
          const want = c.name === 'two-faces.jpg' ? 2 : 1;
          const m = /(\d+) faces?/.exec(r.stdout);
          return m && Number(m[1]) === want ? undefined : `expected ${want} face(s): ${r.stdout.split('\n')[0]}`;
        },
      });
      p(c, 'edit', ['edit', '--source', f, '-o', 'T/e.png', '--au', '12=2']);
      p(c, 'animate', ['animate', '--source', f, '--driving', driver, '-o', 'T/a.mp4']);
      p(c, 'script', ['script', '--source', f, '--timeline', timeline, '-o', 'T/s.mp4']);
      p(c, 'eval reenact', ['eval', 'reenact', '--source', f, '--driving', driver, '--result', driver]);
      p(c, 'scan', ['scan', f]);
      p(c, 'augment', ['augment', f, '-o', 'T/aug', '--emotions', 'happy']);
      p(c, 'batch analyze', ['batch', 'analyze', f, '-o', 'T/ba']);
      p(c, 'batch scan', ['batch', 'scan', f, '-o', 'T/bs']);
      p(c, 'batch animate', ['batch', 'animate', '--portraits', f, '--drivers', driver, '-o', 'T/bn']);
    } else if (c.kind === 'video') {
      p(c, 'analyze', ['analyze', f]);
      p(c, 'edit', ['edit', '--source', f, '-o', 'T/e.png', '--au', '12=2']);
      p(c, 'animate', ['animate', '--source', portrait, '--driving', f, '-o', 'T/a.mp4'], {
        ...(c.name === 'vfr.mp4'
          ? {
              issue12: 'variable frame rate: the output keeps the driver’s timing',
              check: async (r, t) => {
                if (r.code !== 0) return undefined;
                const [src, res] = await Promise.all([probeVideo(f), probeVideo(path.join(t, 'a.mp4'))]);
                const ratio = res.durationS / src.durationS;
                return Math.abs(ratio - 1) <= 0.05
                  ? undefined
                  : `output lasts ${res.durationS.toFixed(2)} s for a ${src.durationS.toFixed(2)}-s driver (${res.frameCount} frames at ${res.fps.toFixed(2)} fps)`;
              },
            }
          : {}),
      });
      p(c, 'script', ['script', '--source', f, '--timeline', timeline, '-o', 'T/s.mp4']);
      p(c, 'eval reenact', ['eval', 'reenact', '--source', portrait, '--driving', f, '--result', f]);
      p(c, 'scan', ['scan', f], {
        ...(c.name === 'vfr.mp4'
          ? {
              issue12: 'a VFR clip whose frames all decode is not corrupt',
              check: (r) => (/1 good/.test(r.stdout) ? undefined : `scan says: ${r.stdout.trim().split('\n').at(-1)}`),
            }
          : {}),
      });
      p(c, 'augment', ['augment', portrait, '-o', 'T/aug', '--driving', f]);
      p(c, 'batch analyze', ['batch', 'analyze', f, '-o', 'T/ba']);
      p(c, 'batch scan', ['batch', 'scan', f, '-o', 'T/bs']);
      p(c, 'batch animate', ['batch', 'animate', '--portraits', portrait, '--drivers', f, '-o', 'T/bn']);
    } else if (c.kind === 'folder' && c.name === 'loops/') {
      p(c, 'scan', ['scan', f], {
        issue12: 'scan of a folder with symbolic-link loops: no hang, the clip once',
        check: (r) => (/^1 videos?:/m.test(r.stdout) ? undefined : `scan says: ${r.stdout.trim().split('\n').at(-1)}`),
      });
      p(c, 'analyze', ['analyze', f]);
      p(c, 'augment', ['augment', f, '-o', 'T/aug', '--emotions', 'happy'], {
        check: (r) => (/1 items? — 1 done/.test(r.stdout) ? undefined : `augment says: ${r.stdout.split('\n')[0]}`),
      });
      p(c, 'batch analyze', ['batch', 'analyze', f, '-o', 'T/ba'], {
        check: (r) =>
          /2 items — 2 done/.test(r.stdout) ? undefined : `batch analyze says: ${r.stdout.split('\n')[0]}`,
      });
      p(c, 'batch scan', ['batch', 'scan', f, '-o', 'T/bs'], {
        check: (r) => (/1 item — 1 done/.test(r.stdout) ? undefined : `batch scan says: ${r.stdout.split('\n')[0]}`),
      });
      p(c, 'batch animate', ['batch', 'animate', '--portraits', f, '--drivers', f, '-o', 'T/bn']);
    } else if (c.kind === 'folder' && c.name === 'leftovers/') {
      const leftoverCheck = (r: RunResult): string | undefined => {
        if (r.code !== 0) return undefined;
        const left = readdirSync(f).filter((n) => n.startsWith('.vivify-tmp-'));
        return left.length ? `leftovers still there after a successful run: ${left.join(', ')}` : undefined;
      };
      p(c, 'animate', ['animate', '--source', portrait, '--driving', driver, '-o', path.join(f, 'out.mp4')], {
        issue12: 'a successful run removes the leftovers of killed runs to the same output',
        check: leftoverCheck,
      });
    } else if (c.kind === 'timeline') {
      p(c, 'script', ['script', '--source', portrait, '--timeline', f, '-o', 'T/s.mp4'], {
        ...(c.name === 'garbage.txt' ? { issue12: 'garbage timeline: control characters escaped in the message' } : {}),
      });
      p(c, 'analyze', ['analyze', f]);
    } else if (c.kind === 'list') {
      p(c, 'augment', ['augment', f, '-o', 'T/aug', '--emotions', 'happy']);
      p(c, 'batch analyze', ['batch', 'analyze', f, '-o', 'T/ba']);
      p(c, 'batch scan', ['batch', 'scan', f, '-o', 'T/bs']);
      p(c, 'batch animate', ['batch', 'animate', '--portraits', f, '--drivers', driver, '-o', 'T/bn']);
    }
  }
  // The queue commands, with a server that is not there and an address that is not one.
  const none = { name: '(no input)' } as CorpusCase;
  p(none, 'worker', ['worker', '--queue', 'redis://127.0.0.1:1', '--idle-exit', '5']);
  p(none, 'worker', ['worker', '--queue', 'not a url']);
  p(none, 'status', ['status', '--queue', 'redis://127.0.0.1:1']);
  p(none, 'status', ['status', path.join(dir, 'no-such-folder')]);
  p(none, 'augment', ['augment', portrait, '-o', 'T/aug', '--emotions', 'happy', '--queue', 'redis://127.0.0.1:1']);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '2' },
      timeout: { type: 'string', default: '120' },
      write: { type: 'boolean', default: true },
      'no-write': { type: 'boolean', default: false },
      only: { type: 'string' },
      part: { type: 'string', default: 'all' },
    },
  });
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'vivify-sweep-'));
  try {
    const cases = await makeBadInputCorpus(dir);
    const runs = plan(cases, dir).filter(
      (r) => values.part !== 'scenarios' && (!values.only || r.case === values.only || r.command === values.only),
    );
    const prefix = cliPrefix();
    const timeoutMs = Number(values.timeout) * 1000;
    console.log(
      `machine: ${machine()}; ${cases.length} cases, ${runs.length} runs, ${values.jobs} at a time, ${values.timeout} s each at most${prefix[0] === 'setpriv' ? '; as root without read-anything capabilities' : ''}`,
    );
    const results: (Planned & { outcome: Outcome; line: string; ms: number; problem?: string; stdout: string })[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= runs.length) return;
        const run = runs[i]!;
        const t = path.join(dir, 'runs', String(i));
        mkdirSync(t, { recursive: true });
        const args = run.args.map((a) => (a.startsWith('T/') ? path.join(t, a.slice(2)) : a));
        const r = await runCommand(prefix, args, timeoutMs, t);
        const { outcome, line } = classify(r);
        const problem = outcome === 'ok' || outcome === 'error' ? await run.check?.(r, t) : undefined;
        results[i] = { ...run, outcome, line, ms: r.ms, problem, stdout: r.stdout.slice(0, 2000) };
        const mark = outcome === 'ok' || outcome === 'error' ? (problem ? '✗' : '✓') : '✗';
        console.log(
          `${mark} ${outcome.padEnd(5)} ${run.command.padEnd(13)} ${run.case.padEnd(26)} ${(problem ?? line).slice(0, 120)}`,
        );
        rmSync(t, { recursive: true, force: true });
      }
    };
    await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
    const count = (o: Outcome): number => results.filter((r) => r.outcome === o).length;
    const wrong = results.filter((r) => r.problem);
    console.log(
      `${results.length} runs: ${count('ok')} ok, ${count('error')} one-line errors, ${count('stack')} stack traces, ${count('hang')} hangs, ${count('messy')} messy; ${wrong.length} wrong results`,
    );
    const scenarios = await runScenarios(
      SCENARIOS.filter(
        (s) => values.part !== 'corpus' && (!values.only || s.name === values.only || s.command === values.only),
      ),
      dir,
      prefix,
      timeoutMs,
    );
    results.push(...scenarios);
    if (values.write && !values['no-write'] && !values.only && values.part === 'all') {
      writeFileSync(
        path.join(ROOT, 'docs', 'results', 'robustness.md'),
        report(cases, results, prefix[0] === 'setpriv', values),
      );
      console.log('wrote docs/results/robustness.md');
    }
  } finally {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

type Result = Planned & { outcome: Outcome; line: string; ms: number; problem?: string; stdout: string };

/**
 * The issue-23 scenarios, one at a time (some send signals and time the stop): each in a fresh folder with
 * its own set-up; a problem when a protected path changed, the exit is not what the case expects, an output
 * of a successful run does not read back, or a signalled run did not stop in time with the shell's status.
 */
async function runScenarios(list: Scenario[], dir: string, prefix: string[], timeoutMs: number): Promise<Result[]> {
  const ctx: ScenarioContext = {
    portrait: path.join(dir, 'ok', 'portrait.png'),
    driver: path.join(dir, 'ok', 'driver.mp4'),
    timeline: path.join(dir, 'ok', 'timeline.txt'),
    cli: (args, cwd) => runCommand(prefix, args, timeoutMs, cwd),
  };
  const out: Result[] = [];
  for (const [i, s] of list.entries()) {
    const t = path.join(dir, 'scenarios', String(i));
    mkdirSync(t, { recursive: true });
    const base: Planned = { case: s.name, command: s.command, args: [], issue23: `${s.item}: ${s.what}` };
    try {
      const skip = await s.setup?.(t, ctx);
      if (skip) {
        console.log(`- skip  ${s.command.padEnd(13)} ${s.name.padEnd(26)} ${skip}`);
        out.push({ ...base, outcome: 'ok', line: `skipped: ${skip}`, ms: 0, stdout: '', skipped: true });
        continue;
      }
      const protect = (s.protect ?? []).map((p) => path.join(t, p));
      const before = protect.map((p) => snapshot(p));
      const args = s.args(t, ctx);
      const sig = s.signal ? { name: s.signal.name, afterMs: s.signal.afterMs } : undefined;
      const r = await runCommand(prefix, args, timeoutMs, t, sig);
      const { outcome, line } = classify(r);
      const problems: string[] = [];
      protect.forEach((p, k) => {
        const change = snapshotChange(before[k]!, snapshot(p));
        if (change) problems.push(`user data lost: ${change}`);
      });
      if (s.signal && r.stopMs !== undefined) {
        if (r.code !== s.signal.exitCode)
          problems.push(`exit ${r.code ?? r.signal} after ${s.signal.name}, not ${s.signal.exitCode}`);
        if (r.stopMs > 1000) problems.push(`took ${(r.stopMs / 1000).toFixed(1)} s to stop after ${s.signal.name}`);
      } else if (s.expect !== 'either' && (outcome === 'ok') !== (s.expect === 'ok'))
        problems.push(s.expect === 'ok' ? `refused: ${line}` : `exit 0 where a refusal was due: ${line}`);
      if (r.code === 0)
        for (const o of s.outputs ?? []) {
          const bad = await unreadableOutput(path.join(t, o));
          if (bad) problems.push(`exit 0 with a broken output: ${bad}`);
        }
      if (outcome === 'ok' || outcome === 'error') {
        const extra = await s.check?.(r, t);
        if (extra) problems.push(extra);
      }
      const problem = problems.length ? problems.join('; ') : undefined;
      const mark = (outcome === 'ok' || outcome === 'error') && !problem ? '✓' : '✗';
      console.log(
        `${mark} ${outcome.padEnd(5)} ${s.command.padEnd(13)} ${s.name.padEnd(26)} ${(problem ?? line).slice(0, 120)}`,
      );
      out.push({ ...base, args, outcome, line, ms: r.ms, problem, stdout: r.stdout.slice(0, 2000) });
    } finally {
      s.teardown?.(t);
      spawnSync('chmod', ['-R', 'u+rwX', t]);
      rmSync(t, { recursive: true, force: true });
    }
  }
  return out;
}

function report(
  cases: CorpusCase[],
  results: (Planned & { outcome: Outcome; line: string; ms: number; problem?: string; stdout: string })[],
  dropped: boolean,
  values: { jobs?: string; timeout?: string },
): string {
  const count = (o: Outcome): number => results.filter((r) => r.outcome === o).length;
  const corpus = results.filter((r) => !r.issue23);
  const scenarios = results.filter((r) => r.issue23);
  const commands = [...new Set(corpus.map((r) => r.command))];
  const cell = (r: (typeof results)[number] | undefined): string => {
    if (!r) return '';
    if (r.problem) return '✗ wrong';
    // A batch job finishes (exit 0) and reports the input it could not use in its manifest.
    const counts = / (\d+) done, (\d+) skipped, (\d+) failed/.exec(r.stdout);
    if (r.outcome === 'ok' && counts && counts[1] === '0') return '✓ reported';
    return { ok: '✓ ok', error: '✓ error', stack: '✗ **stack**', hang: '✗ **hang**', messy: '✗ messy' }[r.outcome];
  };
  const byCase = [...new Set(corpus.map((r) => r.case))];
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const wrong = results.filter((r) => r.problem || !['ok', 'error'].includes(r.outcome));
  const issue12 = results.filter((r) => r.issue12);
  return `# Robustness: the bad-input sweep

Generated by \`node --import tsx scripts/robustness.ts\` on ${machine()}: the bad-input corpus
(\`scripts/bad-input-corpus.ts\`, ${cases.length} cases made from the public-domain astronaut with sharp, ffmpeg and the
file system) through every command of the CLI, ${values.jobs} runs at a time, each stopped after ${values.timeout} s.
A run passes with a correct result (exit 0) or one line \`error: …\` and a non-zero exit; it fails with a stack
trace, a hang, raw control characters in its output, or a wrong result where one is checked.${dropped ? ' The sweep ran as root without the capabilities that let root read any file (`setpriv --bounding-set -dac_override,-dac_read_search`), so the file with permissions 000 is unreadable as it is for any other user.' : ''}

**${results.length} runs (${corpus.length} over the corpus, ${scenarios.length} scenarios): ${count('ok')} correct results, ${count('error')} one-line errors, ${count('stack')} stack traces, ${count('hang')} hangs, ${count('messy')} messy outputs; ${results.filter((r) => r.problem).length} wrong results.**

## Cases

| case | what it is |
|---|---|
${cases.map((c) => `| \`${esc(c.name)}\` | ${esc(c.what)}${c.folderOnly ? ' (reached through folder runs: augment, batch)' : ''} |`).join('\n')}

## Results

✓ ok: a correct result (exit 0; checked where a check is given); ✓ error: refused with one line \`error: …\` and a
non-zero exit; ✓ reported: a batch job that finished and reports in its manifest, in one line, why it could not use
the input; ✗: a stack trace, a hang, messy output or a wrong result. An empty cell: the command does not take that
kind of input.

| case | ${commands.join(' | ')} |
|---|${commands.map(() => '---').join('|')}|
${byCase.map((c) => `| \`${esc(c)}\` | ${commands.map((cmd) => cell(results.find((r) => r.case === c && r.command === cmd))).join(' | ')} |`).join('\n')}

## Issue 23 scenarios

Each scenario makes its own situation in a fresh folder. ✓ when the user's files and folders it protects are
byte-identical after the run, the exit is what the case calls for (a refusal in one line, or a result that reads
back), and a run sent a signal stopped within a second with the shell's status (130 for SIGINT, 143 for SIGTERM).
**${scenarios.filter((r) => r.problem?.includes('user data lost')).length} runs lost user data; ${scenarios.filter((r) => r.problem?.includes('broken output')).length} exited 0 with a broken output; ${scenarios.filter((r) => r.skipped).length} skipped.**

| scenario | item | what | command | result | message |
|---|---|---|---|---|---|
${scenarios
  .map((r) => {
    const [item, ...what] = r.issue23!.split(': ');
    const result = r.skipped
      ? '– skipped'
      : r.problem || !['ok', 'error'].includes(r.outcome)
        ? `✗ ${esc(r.problem ?? r.outcome)}`
        : `✓ ${r.outcome}`;
    const message = esc(r.line.replace(/\/tmp\/vivify-sweep-[^/ ]+\/scenarios\/\d+\//g, '')).slice(0, 160);
    return `| \`${esc(r.case)}\` | ${item} | ${esc(what.join(': '))} | ${r.command} | ${result} | ${message} |`;
  })
  .join('\n')}

## Issue 12 checks

| case | command | check | result |
|---|---|---|---|
${issue12.map((r) => `| \`${esc(r.case)}\` | ${r.command} | ${esc(r.issue12!)} | ${r.problem || !['ok', 'error'].includes(r.outcome) ? `✗ ${esc(r.problem ?? r.line)}` : '✓'} |`).join('\n')}

## Failures

${wrong.length ? wrong.map((r) => `- \`vivify ${r.command}\` on \`${esc(r.case)}\`: ${r.outcome}${r.problem ? `, ${esc(r.problem)}` : ''} — ${esc(r.line)}`).join('\n') : 'None.'}

## Messages

Every one-line error, as printed (paths shortened to the case's name):

| case | command | message |
|---|---|---|
${results
  .filter((r) => r.outcome === 'error')
  .map(
    (r) =>
      `| \`${esc(r.case)}\` | ${r.command} | ${esc(r.line.replace(/\/tmp\/vivify-sweep-[^/ ]+\/(runs\/\d+\/)?/g, '')).slice(0, 200)} |`,
  )
  .join('\n')}
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
