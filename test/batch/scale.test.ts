/**
 * The batch machinery under faults: a run of 504 variants (42 portraits × 6 emotions × 2 intensities)
 * done cleanly, then again with the coordinator and a worker killed with SIGKILL at random moments three
 * times and resumed, then through BullMQ on a real redis-server with two `vivify worker` processes (one of
 * them killed, and the coordinator killed and restarted). Every run must end with the same manifest, the
 * same files, nothing partial or left over, and the killed run may do at most 10% more work.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '../helpers.js';
import { makePortraits } from './fixtures.js';
import { freePort } from './redis.js';

const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');
const VARIANTS = ['--emotions', 'happy,sad,angry,surprised,fear,disgusted', '--intensities', '0.5,1'];

/** A seeded random generator (mulberry32), so that a failing schedule can be replayed: the seed is printed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Running {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })),
  );
  return { child, exited };
}

/** Process ids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const lines = (file: string): number =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Every file below `dir` (relative paths), except the job state. */
function filesBelow(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (!rel && e.name === '.vivify') return [];
    return e.isDirectory() ? filesBelow(dir, r) : [r];
  });
}

const sortedManifest = (out: string): string =>
  readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').split('\n').filter(Boolean).sort().join('\n');

/** The folder holds exactly what its manifest lists, each file identical to the clean run's. */
function assertSameResults(out: string, clean: string): void {
  assert.equal(sortedManifest(out), sortedManifest(clean), 'manifest differs from the clean run (after sorting)');
  const manifest = readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').split('\n').filter(Boolean);
  const records = manifest.map(
    (l) => JSON.parse(l) as { source: string; face: number; variant: string; output: string },
  );
  const keys = records.map((r) => `${r.source}|${r.face}|${r.variant}`);
  assert.equal(new Set(keys).size, keys.length, 'a variant is in the manifest twice');
  const files = filesBelow(out).filter((f) => f !== 'manifest.jsonl');
  assert.deepEqual(
    files.filter((f) => path.basename(f).startsWith('.vivify-tmp-')),
    [],
    'temporary files left behind',
  );
  assert.deepEqual(files.sort(), records.map((r) => r.output).sort(), 'files not accounted for by the manifest');
  for (const f of files) {
    assert.ok(
      readFileSync(path.join(out, f)).equals(readFileSync(path.join(clean, f))),
      `${f} differs from the clean run`,
    );
  }
}

describe('augment at scale: 504 variants', { timeout: 900_000 }, () => {
  let dir = '';
  let input = '';
  let clean = '';
  let cleanWork = 0;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vivify-scale-'));
    input = path.join(dir, 'portraits');
    await makePortraits(input, 42);
    clean = path.join(dir, 'clean');
    const log = path.join(dir, 'clean.log');
    const r = await start(['augment', input, '-o', clean, ...VARIANTS, '--workers', '2'], { VIVIFY_WORK_LOG: log })
      .exited;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /42 items — 42 done, 0 skipped, 0 failed; variants: 504 written/);
    cleanWork = lines(log);
    assert.equal(cleanWork, 42 + 504, 'one analysis per image and one render per variant');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('kill -9 of the coordinator and a worker, three times: the resumed run ends exactly as a clean one', async () => {
    const seed = Number(process.env.VIVIFY_KILL_SEED ?? Date.now() % 1e9);
    const rand = random(seed);
    const out = path.join(dir, 'killed');
    const log = path.join(dir, 'killed.log');
    const seen = new Set<number>();
    const schedule: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const base = lines(log);
      const run = start(['augment', input, '-o', out, ...VARIANTS, '--workers', '2'], { VIVIFY_WORK_LOG: log });
      const pid = run.child.pid!;
      seen.add(pid);
      // Kill a worker once the run has done a random amount of work, then the coordinator a moment later.
      const workerAt = base + 15 + Math.floor(rand() * 60);
      await waitFor(`work to reach ${workerAt} (seed ${seed})`, () => lines(log) >= workerAt, 240_000);
      const workers = childrenOf(pid);
      workers.forEach((w) => seen.add(w));
      assert.ok(workers.length > 0, `the coordinator has worker processes (seed ${seed})`);
      const victim = workers[Math.floor(rand() * workers.length)]!;
      process.kill(victim, 'SIGKILL');
      // The coordinator a random amount of work later (not of time: on a fast machine the rest of the run
      // can finish within a few seconds, and there would be nothing left to kill).
      const killedAt = lines(log);
      const after = 5 + Math.floor(rand() * 40);
      await waitFor(`work to reach ${killedAt + after} (seed ${seed})`, () => lines(log) >= killedAt + after, 240_000);
      childrenOf(pid).forEach((w) => seen.add(w));
      process.kill(pid, 'SIGKILL');
      const r = await run.exited;
      assert.equal(r.signal, 'SIGKILL', `round ${round}: the run was still going (seed ${seed}): ${r.stdout}`);
      schedule.push(
        `round ${round}: worker ${victim} at ${killedAt} work lines, coordinator ${after} work lines later`,
      );
      // Its workers notice the coordinator is gone and exit by themselves.
      await waitFor(`the workers of round ${round} to exit`, () => [...seen].every((p) => !alive(p)), 30_000);
    }
    const r = await start(['augment', input, '-o', out, ...VARIANTS, '--workers', '2'], { VIVIFY_WORK_LOG: log })
      .exited;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resumed: \d+ item\(s\) were already done/);
    assertSameResults(out, clean);
    const work = lines(log);
    assert.ok(
      work <= 1.1 * cleanWork,
      `work ${work} (analyses and renders started) vs ${cleanWork} for a clean run (seed ${seed}; ${schedule.join('; ')})`,
    );
    console.log(
      `# kill test, seed ${seed}: ${schedule.join('; ')}; work ${work} vs clean ${cleanWork} (${((100 * work) / cleanWork).toFixed(1)}%)`,
    );
  });

  test('through BullMQ: a real redis-server, two vivify workers (one killed), the coordinator killed and restarted: same manifest', async (t) => {
    const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    if (redis.status !== 0) return t.skip('redis-server is not installed (.ci/run installs it)');
    const port = await freePort();
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
      {
        stdio: 'ignore',
      },
    );
    const url = `redis://127.0.0.1:${port}`;
    const workers: Running[] = [];
    try {
      await waitFor(
        'redis-server to listen',
        () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG',
        20_000,
      ).catch(async () => {
        await sleep(1000); // redis-cli may be missing: give the server a moment instead
      });
      const out = path.join(dir, 'queued');
      const log = path.join(dir, 'queued.log');
      const args = ['augment', input, '-o', out, ...VARIANTS, '--queue', url];
      for (let i = 0; i < 2; i++)
        workers.push(start(['worker', '--queue', url, '--workers', '1', '--lock-s', '5'], { VIVIFY_WORK_LOG: log }));
      // The coordinator enqueues, is killed while the workers work, and is started again: it collects
      // what finished meanwhile and waits for the rest.
      const first = start(args);
      await waitFor('work through the queue', () => lines(log) >= 60, 240_000);
      process.kill(first.child.pid!, 'SIGKILL');
      await first.exited;
      // One worker dies with items claimed: they go to the other once its lock expires.
      await waitFor('more work', () => lines(log) >= 120, 240_000);
      process.kill(workers[0]!.child.pid!, 'SIGKILL');
      const r = await start(args).exited;
      assert.equal(r.code, 0, r.stderr);
      assertSameResults(out, clean);
      assert.ok(lines(log) <= 1.1 * cleanWork, `work ${lines(log)} vs ${cleanWork} for a clean run`);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });
});
