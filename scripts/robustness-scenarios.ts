/**
 * The second sweep's cases (issue 23): runs that each set up their own situation — a folder, a device or an
 * input at an output path, a full disk, a user's file in a job's folder, a timeline that asks for hours, a
 * signal while work is prepared — and what must hold after them. Every path a scenario protects (the
 * user's files and folders) must be byte-identical after the run, whatever its exit; a run that exits 0
 * must leave outputs that read back; a run sent a signal must stop within a second with the shell's status.
 * Run by scripts/robustness.ts, which reports them in docs/results/robustness.md.
 */
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { findFfmpeg } from '../src/media/ffmpeg.js';
import { probeVideo } from '../src/media/video.js';
import { readImage } from '../src/media/image-file.js';
import type { RunResult } from './robustness.js';

/** A run of the CLI, and for a signalled run the milliseconds from the signal to the exit. */
export type ScenarioRun = RunResult & { stopMs?: number };

export interface ScenarioContext {
  portrait: string;
  driver: string;
  timeline: string;
  /** Runs the CLI (for set-ups that need an earlier job). */
  cli(args: string[], cwd: string): Promise<ScenarioRun>;
}

export interface Scenario {
  /** The case's name in the report (unique). */
  name: string;
  /** The item it checks. */
  item: string;
  what: string;
  command: string;
  /** Makes the situation inside the run's folder `t`; returns a reason to skip it where it cannot be made. */
  setup?(t: string, ctx: ScenarioContext): Promise<string | void> | string | void;
  args(t: string, ctx: ScenarioContext): string[];
  /** Paths under `t` (files or folders) that must be byte-identical after the run. */
  protect?: string[];
  /** Outputs under `t` that a run with exit 0 must leave readable (video, image or JSON). */
  outputs?: string[];
  /** Whether the run must succeed (`ok`), refuse (`error`), or may do either. */
  expect: 'ok' | 'error' | 'either';
  /** Sent once the run has printed a line matching `after` (or after `afterMs`). */
  signal?: { name: 'SIGTERM' | 'SIGINT'; afterMs: number; exitCode: number };
  /** One more check: returns a problem, or undefined. */
  check?(r: ScenarioRun, t: string): Promise<string | undefined> | string | undefined;
  teardown?(t: string): void;
}

/** Every file, folder, link and device under `root` with what it holds, to compare before and after a run. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string): void => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    const key = path.relative(root, p) || '.';
    if (!st) return;
    if (st.isSymbolicLink()) out.set(key, `link → ${readlinkSync(p)}`);
    else if (st.isFile()) out.set(key, createHash('sha1').update(readFileSync(p)).digest('hex'));
    else if (st.isDirectory()) {
      out.set(key, 'folder');
      for (const n of readdirSync(p)) visit(path.join(p, n));
    } else out.set(key, `special ${st.mode.toString(8)} ${st.rdev}`);
  };
  visit(root);
  return out;
}

/** What differs between two snapshots, in one line, or undefined. */
export function snapshotChange(before: Map<string, string>, after: Map<string, string>): string | undefined {
  const changed: string[] = [];
  for (const [k, v] of before) {
    const now = after.get(k);
    if (now === undefined) changed.push(`${k} removed`);
    else if (now !== v) changed.push(`${k} changed`);
  }
  return changed.length ? changed.slice(0, 4).join(', ') : undefined;
}

/** Why an output left by a successful run does not read back, or undefined. */
export async function unreadableOutput(file: string): Promise<string | undefined> {
  if (!existsSync(file)) return `${path.basename(file)} missing`;
  try {
    const ext = path.extname(file).toLowerCase();
    if (ext === '.mp4' || ext === '.gif') {
      const info = await probeVideo(file);
      if (!(info.frameCount > 0)) return `${path.basename(file)} has no frames`;
    } else if (ext === '.png' || ext === '.jpg' || ext === '.webp') await readImage(file);
    else if (ext === '.json') JSON.parse(readFileSync(file, 'utf8'));
    return undefined;
  } catch (err) {
    return `${path.basename(file)} does not read back: ${(err as Error).message.split('\n')[0]}`;
  }
}

const mounted: string[] = [];

/** A tmpfs of `kib` KiB at `dir`, filled to `fillKib` (root only). */
function smallDisk(dir: string, kib: number, fillKib: number): string | void {
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]).status !== 0)
    return 'mounting a tmpfs needs root';
  mounted.push(dir);
  writeFileSync(path.join(dir, 'fill'), Buffer.alloc(fillKib * 1024));
}

function unmount(dir: string): void {
  if (mounted.includes(dir)) spawnSync('umount', ['-l', dir]);
}

/** A timeline asking for `n` keyframes. */
function manyKeyframes(n: number): string {
  const lines = ['fps 10'];
  for (let i = 0; i < n; i++) lines.push(`at ${(i * 0.01).toFixed(2)}s ${i % 2 ? 'happy 0.5' : 'neutral'}`);
  return `${lines.join('\n')}\n`;
}

const servers = new Map<string, number>();

/** A redis-server with a password on a free loopback port, for the run in `t` (undefined: none installed). */
function passwordRedis(t: string): number | string {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const r = spawnSync('redis-server', ['--version']);
  if (r.status !== 0) return 'redis-server is not installed';
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', 's3cret', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  servers.set(t, child.pid!);
  for (let i = 0; i < 50; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), '-a', 's3cret', '--no-auth-warning', 'ping'], {
      encoding: 'utf8',
    });
    if (ping.stdout?.trim() === 'PONG') return port;
    spawnSync('sleep', ['0.1']);
  }
  return 'the redis-server did not start';
}

function stopRedis(t: string): void {
  const pid = servers.get(t);
  if (pid) process.kill(pid, 'SIGKILL');
  servers.delete(t);
}

const ports = new Map<string, number>();

const refusedOneLine = (r: ScenarioRun): string | undefined =>
  r.code === 1 || r.code === 2 ? undefined : `exit ${r.code} (an I/O or usage error exits 1 or 2)`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'folder-at-output (generate)',
    item: '1',
    what: 'an existing folder with the user’s files named as the output (`-o o/p`)',
    command: 'generate',
    setup: (t) => {
      mkdirSync(path.join(t, 'o', 'p', 's'), { recursive: true });
      writeFileSync(path.join(t, 'o', 'p', 'a.jpg'), 'x');
    },
    args: (t, c) => [
      'generate',
      '--source',
      c.portrait,
      '--label',
      'happy',
      '-o',
      path.join(t, 'o', 'p'),
      '--duration',
      '1s',
    ],
    protect: ['o'],
    expect: 'error',
  },
  {
    name: 'folder-at-output (analyze --json)',
    item: '1',
    what: 'a folder named x.json given to `analyze --json`',
    command: 'analyze',
    setup: (t) => {
      mkdirSync(path.join(t, 'x.json'));
      writeFileSync(path.join(t, 'x.json', 'keep'), 'mine');
    },
    args: (t, c) => ['analyze', c.portrait, '--json', path.join(t, 'x.json')],
    protect: ['x.json'],
    expect: 'error',
  },
  {
    name: 'folder-at-output (analyze --overlay)',
    item: '1',
    what: 'a folder with the user’s files named as a video overlay (a folder of frames)',
    command: 'analyze',
    setup: (t) => {
      mkdirSync(path.join(t, 'ov'));
      writeFileSync(path.join(t, 'ov', 'holiday.png'), 'mine');
    },
    args: (t, c) => ['analyze', c.driver, '--overlay', path.join(t, 'ov')],
    protect: ['ov'],
    expect: 'error',
  },
  {
    name: 'folder-at-output (scan --report)',
    item: '1',
    what: 'a folder named r.tsv given to `scan --report`',
    command: 'scan',
    setup: (t) => {
      mkdirSync(path.join(t, 'r.tsv'));
      writeFileSync(path.join(t, 'r.tsv', 'keep'), 'mine');
    },
    args: (t, c) => ['scan', c.driver, '--report', path.join(t, 'r.tsv')],
    protect: ['r.tsv'],
    expect: 'error',
  },
  {
    name: 'frames-folder-rerun',
    item: '1',
    what: 'the same folder of frames written twice: the tool’s own folder (with its marker) is replaced',
    command: 'generate',
    setup: async (t, c) => {
      const r = await c.cli(
        ['generate', '--source', c.portrait, '--label', 'happy', '-o', path.join(t, 'f'), '--duration', '0.4s'],
        t,
      );
      if (r.code !== 0) return `the first run failed: ${r.stderr.trim().split('\n').at(-1)}`;
    },
    args: (t, c) => [
      'generate',
      '--source',
      c.portrait,
      '--label',
      'sad',
      '-o',
      path.join(t, 'f'),
      '--duration',
      '0.2s',
    ],
    expect: 'ok',
    check: (_r, t) => {
      const frames = readdirSync(path.join(t, 'f')).filter((n) => n.endsWith('.png'));
      return frames.length === 5 ? undefined : `${frames.length} frames in the folder, expected the second run's 5`;
    },
  },
  {
    name: 'device-at-output',
    item: '1',
    what: 'a character device (a copy of /dev/full made with mknod) named as the output',
    command: 'edit',
    setup: (t) => {
      if (spawnSync('mknod', [path.join(t, 'full.png'), 'c', '1', '7']).status !== 0)
        symlinkSync('/dev/full', path.join(t, 'full.png'));
    },
    args: (t, c) => ['edit', '--source', c.portrait, '-o', path.join(t, 'full.png'), '--au', '4=3'],
    protect: ['full.png'],
    expect: 'error',
  },
  {
    name: 'input-via-symlink',
    item: '2',
    what: '`--source l.png` (a link to in/victim.png) with `-o in/victim.png`',
    command: 'edit',
    setup: (t, c) => {
      mkdirSync(path.join(t, 'in'));
      writeFileSync(path.join(t, 'in', 'victim.png'), readFileSync(c.portrait));
      symlinkSync(path.join(t, 'in', 'victim.png'), path.join(t, 'l.png'));
    },
    args: (t) => ['edit', '--source', path.join(t, 'l.png'), '-o', path.join(t, 'in', 'victim.png'), '--au', '4=3'],
    protect: ['in', 'l.png'],
    expect: 'error',
  },
  {
    name: 'input-via-hard-link',
    item: '2',
    what: 'the driving video reached through a hard link named as the output',
    command: 'animate',
    setup: (t, c) => {
      writeFileSync(path.join(t, 'd.mp4'), readFileSync(c.driver));
      linkSync(path.join(t, 'd.mp4'), path.join(t, 'same.mp4'));
    },
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      path.join(t, 'd.mp4'),
      '-o',
      path.join(t, 'same.mp4'),
    ],
    protect: ['d.mp4', 'same.mp4'],
    expect: 'error',
  },
  {
    name: 'timeline-via-symlink',
    item: '2',
    what: 'a timeline whose folder is reached through a link, and the output named through the other path',
    command: 'script',
    setup: (t, c) => {
      mkdirSync(path.join(t, 'real'));
      writeFileSync(path.join(t, 'real', 'x.mp4'), readFileSync(c.timeline));
      symlinkSync(path.join(t, 'real'), path.join(t, 'via'));
    },
    args: (t, c) => [
      'script',
      '--source',
      c.portrait,
      '--timeline',
      path.join(t, 'via', 'x.mp4'),
      '-o',
      path.join(t, 'real', 'x.mp4'),
    ],
    protect: ['real'],
    expect: 'error',
  },
  ...(['generate', 'animate', 'script', 'edit', 'analyze --json'] as const).map((command): Scenario => ({
    name: `full-disk (${command})`,
    item: '3',
    what: 'a 512-KiB tmpfs with 16 KiB free',
    command: command.split(' ')[0]!,
    setup: (t) => smallDisk(path.join(t, 'disk'), 512, 496),
    args: (t, c) => {
      const d = path.join(t, 'disk');
      if (command === 'generate')
        return [
          'generate',
          '--source',
          c.portrait,
          '--label',
          'happy',
          '-o',
          path.join(d, 'g.mp4'),
          '--duration',
          '2s',
        ];
      if (command === 'animate')
        return ['animate', '--source', c.portrait, '--driving', c.driver, '-o', path.join(d, 'a.mp4')];
      if (command === 'script')
        return ['script', '--source', c.portrait, '--timeline', c.timeline, '-o', path.join(d, 's.mp4')];
      if (command === 'edit') return ['edit', '--source', c.portrait, '-o', path.join(d, 'e.png'), '--au', '4=3'];
      return ['analyze', c.driver, '--json', path.join(d, 'a.json')];
    },
    protect: ['disk/fill'],
    expect: 'either',
    outputs: [],
    check: (r, t) => {
      const left = readdirSync(path.join(t, 'disk')).filter((n) => n !== 'fill');
      if (r.code !== 0) {
        if (left.length) return `left behind: ${left.join(', ')}`;
        return r.code === 1 && /ENOSPC/.test(r.stderr) ? undefined : `exit ${r.code}, not a one-line ENOSPC error`;
      }
      return left.length === 1 ? unreadableOutput(path.join(t, 'disk', left[0]!)) : `outputs: ${left.join(', ')}`;
    },
    teardown: (t) => unmount(path.join(t, 'disk')),
  })),
  {
    name: 'read-only-folder',
    item: '3',
    what: '`generate --curves ro/c.json` in a read-only file system',
    command: 'generate',
    setup: (t) => {
      const ro = path.join(t, 'ro');
      mkdirSync(ro);
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status !== 0)
        return 'mounting a tmpfs needs root';
      mounted.push(ro);
    },
    args: (t, c) => [
      'generate',
      '--source',
      c.portrait,
      '--label',
      'happy',
      '-o',
      path.join(t, 'g.mp4'),
      '--duration',
      '0.4s',
      '--curves',
      path.join(t, 'ro', 'c.json'),
    ],
    expect: 'error',
    check: (r, t) =>
      refusedOneLine(r) ??
      (/EROFS/.test(r.stderr) ? undefined : 'not reported as a read-only file system') ??
      (existsSync(path.join(t, 'g.mp4')) ? 'the video was written though the run failed' : undefined),
    teardown: (t) => unmount(path.join(t, 'ro')),
  },
  {
    name: 'augment-restart-user-file',
    item: '4',
    what: '`augment --restart` on a job folder where the user added a file and a folder',
    command: 'augment',
    setup: async (t, c) => {
      const r = await c.cli(['augment', c.portrait, '-o', path.join(t, 'aug'), '--emotions', 'happy'], t);
      if (r.code !== 0) return `the first run failed: ${r.stderr.trim().split('\n').at(-1)}`;
      writeFileSync(path.join(t, 'aug', 'notes.txt'), 'the user’s notes');
      mkdirSync(path.join(t, 'aug', 'mine'));
      writeFileSync(path.join(t, 'aug', 'mine', 'photo.jpg'), 'x');
    },
    args: (t, c) => ['augment', c.portrait, '-o', path.join(t, 'aug'), '--emotions', 'sad', '--restart'],
    protect: ['aug/notes.txt', 'aug/mine'],
    expect: 'ok',
  },
  {
    name: 'mask-is-output',
    item: '5',
    what: '`edit --mask` naming the same file as `-o` (spelled differently)',
    command: 'edit',
    args: (t, c) => [
      'edit',
      '--source',
      c.portrait,
      '-o',
      path.join(t, 'e.png'),
      '--mask',
      path.join(t, '.', 'e.png'),
      '--au',
      '4=3',
    ],
    expect: 'error',
  },
  {
    name: 'debug-grid-is-output',
    item: '5',
    what: '`animate --debug-grid` naming the same file as `-o`',
    command: 'animate',
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      c.driver,
      '-o',
      path.join(t, 'a.mp4'),
      '--debug-grid',
      path.join(t, 'a.mp4'),
    ],
    expect: 'error',
  },
  {
    name: 'keyframe-at-10h',
    item: '6',
    what: 'a timeline `at 10:00:00 happy` with no duration',
    command: 'script',
    setup: (t) => writeFileSync(path.join(t, 'late.txt'), 'at 0s neutral\nat 10:00:00 happy\n'),
    args: (t, c) => [
      'script',
      '--source',
      c.portrait,
      '--timeline',
      path.join(t, 'late.txt'),
      '-o',
      path.join(t, 's.mp4'),
    ],
    expect: 'error',
  },
  {
    name: '100k-keyframes',
    item: '7',
    what: 'a timeline of 100,000 keyframes (1000 s)',
    command: 'script',
    setup: (t) => writeFileSync(path.join(t, 'many.txt'), manyKeyframes(100_000)),
    args: (t, c) => [
      'script',
      '--source',
      c.portrait,
      '--timeline',
      path.join(t, 'many.txt'),
      '-o',
      path.join(t, 's.mp4'),
    ],
    expect: 'either',
    signal: { name: 'SIGINT', afterMs: 15_000, exitCode: 130 },
  },
  {
    name: 'generate-segments-sigterm',
    item: '8',
    what: 'a timeline of six `generate … 600s` segments, SIGTERM after 4 s',
    command: 'script',
    setup: (t) =>
      writeFileSync(
        path.join(t, 'gen.txt'),
        `duration 3600s\n${Array.from({ length: 6 }, (_, i) => `at ${i * 600}s generate happy 600s`).join('\n')}\n`,
      ),
    args: (t, c) => [
      'script',
      '--source',
      c.portrait,
      '--timeline',
      path.join(t, 'gen.txt'),
      '-o',
      path.join(t, 's.mp4'),
    ],
    expect: 'either',
    signal: { name: 'SIGTERM', afterMs: 4000, exitCode: 143 },
    check: (_r, t) =>
      readdirSync(t).some((n) => n.endsWith('.mp4') || n.startsWith('.vivify-tmp-')) ? 'output left behind' : undefined,
  },
  {
    name: 'long-output-name',
    item: '9',
    what: 'an output name of 251 bytes (legal; its temporary must be too)',
    command: 'edit',
    args: (t, c) => ['edit', '--source', c.portrait, '-o', path.join(t, `${'n'.repeat(247)}.png`), '--au', '12=2'],
    outputs: [`${'n'.repeat(247)}.png`],
    expect: 'ok',
  },
  {
    name: 'long-output-name (animate)',
    item: '9',
    what: 'a video output name of 255 bytes',
    command: 'animate',
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      c.driver,
      '-o',
      path.join(t, `${'v'.repeat(251)}.mp4`),
    ],
    outputs: [`${'v'.repeat(251)}.mp4`],
    expect: 'ok',
  },
  {
    name: 'emotion-twice',
    item: '10',
    what: '`--emotion sad=0.6,sad=0.6` (must not act as 1.2)',
    command: 'edit',
    args: (t, c) => ['edit', '--source', c.portrait, '-o', path.join(t, 'e.png'), '--emotion', 'sad=0.6,sad=0.6'],
    expect: 'error',
  },
  {
    name: 'au-twice',
    item: '10',
    what: '`--au 12=3,12=0` (the same rule as emotions)',
    command: 'edit',
    args: (t, c) => ['edit', '--source', c.portrait, '-o', path.join(t, 'e.png'), '--au', '12=3,12=0'],
    expect: 'error',
  },
  ...(
    [
      ['wrong-redis-password', 'status', ':wrong@', '', /password|auth/i],
      ['redis-db-out-of-range', 'status', ':s3cret@', '/99', /database|db/i],
    ] as const
  ).map(([name, command, auth, db, message]): Scenario => ({
    name,
    item: '12',
    what: `a queue at \`redis://${auth}127.0.0.1:PORT${db}\` (a server that wants the password s3cret)`,
    command,
    setup: (t) => {
      const port = passwordRedis(t);
      if (typeof port === 'string') return port;
      ports.set(t, port);
    },
    args: (t) => ['status', '--queue', `redis://${auth}127.0.0.1:${ports.get(t)}${db}`],
    expect: 'error',
    check: (r) =>
      message.test(r.stderr) && !/is redis-server running/.test(r.stderr)
        ? undefined
        : `not reported as what it is: ${r.stderr.trim().split('\n').at(-1)}`,
    teardown: (t) => stopRedis(t),
  })),
  {
    name: 'faceless-result',
    item: '13',
    what: '`eval reenact` on a result without a face',
    command: 'eval reenact',
    setup: (t) => {
      const args = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=128x128:rate=10', '-frames:v', '10'];
      args.push('-pix_fmt', 'yuv420p', path.join(t, 'r.mp4'));
      if (spawnSync(findFfmpeg().ffmpeg, args).status !== 0) return 'could not make the faceless clip';
    },
    args: (t, c) => [
      'eval',
      'reenact',
      '--source',
      c.portrait,
      '--driving',
      c.driver,
      '--result',
      path.join(t, 'r.mp4'),
    ],
    expect: 'ok',
    check: (r) => {
      const result = r.stdout.split('static baseline')[0] ?? '';
      if (/ACD 0\.000/.test(result)) return 'ACD 0 (the best score) for a result with no face';
      return /no face/.test(r.stderr) ? undefined : 'the command does not say the result has no face';
    },
  },
  {
    name: 'reference-past-end',
    item: '14',
    what: '`--reference 10` on a 10-frame driver',
    command: 'animate',
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      c.driver,
      '-o',
      path.join(t, 'a.mp4'),
      '--reference',
      '10',
    ],
    expect: 'error',
    check: (r) => (/--reference 10/.test(r.stderr) ? undefined : 'the message does not name --reference'),
  },
  {
    name: 'size-loses-face',
    item: '14',
    what: '`--size 48`: the scaled source is too small for a face',
    command: 'generate',
    args: (t, c) => [
      'generate',
      '--source',
      c.portrait,
      '--label',
      'happy',
      '-o',
      path.join(t, 'g.mp4'),
      '--size',
      '48',
    ],
    expect: 'error',
    check: (r) => (/--size 48/.test(r.stderr) ? undefined : 'the message blames the source, not --size'),
  },
  {
    name: 'sigterm-exit-status',
    item: '14',
    what: 'SIGTERM during `animate` (status 143, like any program killed by SIGTERM)',
    command: 'animate',
    setup: (t, c) => {
      const args = ['-v', 'error', '-stream_loop', '30', '-i', c.driver, '-c', 'copy', path.join(t, 'long.mp4')];
      if (spawnSync(findFfmpeg().ffmpeg, args).status !== 0) return 'could not make the long clip';
    },
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      path.join(t, 'long.mp4'),
      '-o',
      path.join(t, 'a.mp4'),
    ],
    expect: 'either',
    signal: { name: 'SIGTERM', afterMs: 6000, exitCode: 143 },
  },
  {
    name: 'keep-audio-gif',
    item: '14',
    what: '`--keep-audio` with a GIF output',
    command: 'animate',
    args: (t, c) => [
      'animate',
      '--source',
      c.portrait,
      '--driving',
      c.driver,
      '-o',
      path.join(t, 'a.gif'),
      '--keep-audio',
    ],
    outputs: ['a.gif'],
    expect: 'ok',
    check: (r) => (/warning: --keep-audio/.test(r.stderr) ? undefined : '--keep-audio ignored without a word'),
  },
  {
    name: 'empty-input-folder',
    item: '14',
    what: '`augment` on an empty folder',
    command: 'augment',
    setup: (t) => mkdirSync(path.join(t, 'empty')),
    args: (t) => ['augment', path.join(t, 'empty'), '-o', path.join(t, 'aug'), '--emotions', 'happy'],
    expect: 'either',
    check: (r) => (/warning|error/.test(r.stderr) ? undefined : 'an empty folder passes without a word'),
  },
];
