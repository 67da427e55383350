/**
 * The queue mode against a real redis-server: passwords and database numbers it refuses, a server restarted
 * without its data in the middle of a run, and a worker killed with an item in hand.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { ASTRONAUT, ROOT, runCli, tempDir } from '../helpers.js';
import { makePortraits } from './fixtures.js';
import { haveRedis, startRedis, type RedisServer } from './redis.js';

const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Running {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the CLI from source; it is killed after `limitMs` (a run that hangs fails the test, never blocks it). */
function start(args: string[], env: Record<string, string> = {}, limitMs = 240_000): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) =>
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      }),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

interface JournalLine {
  key: string;
  status: string;
  attempts?: number;
}
const journal = (out: string): JournalLine[] =>
  lines(path.join(out, '.vivify', 'journal.jsonl')).map((l) => JSON.parse(l) as JournalLine);

async function stopAll(workers: Running[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

test('Redis that refuses the password, wants one, or has no such database: one-line errors that say so', async (t) => {
  if (!haveRedis()) return t.skip('redis-server is not installed (.ci/run installs it)');
  const locked = await startRedis(['--requirepass', 's3cret']);
  const open = await startRedis();
  t.after(() => Promise.all([locked.stop(), open.stop()]));
  const at = (s: RedisServer): string => `127\\.0\\.0\\.1:${s.port}`;
  const cases: [string, RegExp][] = [
    [
      `redis://:wrong@127.0.0.1:${locked.port}`,
      new RegExp(`^error: Redis at ${at(locked)} refused the password \\(WRONGPASS\\): check the user and password`),
    ],
    [
      `redis://someone:s3cret@127.0.0.1:${locked.port}`,
      new RegExp(`^error: Redis at ${at(locked)} refused the password \\(WRONGPASS\\)`),
    ],
    [
      `redis://127.0.0.1:${locked.port}`,
      new RegExp(`^error: Redis at ${at(locked)} wants a password \\(NOAUTH\\): give it in the URL`),
    ],
    [
      `redis://127.0.0.1:${open.port}/99`,
      new RegExp(`^error: Redis at ${at(open)} has no database 99 \\(it has 16: 0 to 15\\)`),
    ],
  ];
  const never = path.join(tempDir(t), 'never');
  for (const [i, [url, message]] of cases.entries()) {
    for (const args of [
      ['worker', '--queue', url],
      ['augment', ASTRONAUT, '-o', never, '--emotions', 'happy', '--queue', url],
      ...(i === 0 ? [['status', '--queue', url]] : []),
    ]) {
      const r = runCli(args, { timeoutMs: 60_000 });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /is redis-server running there/);
    }
  }
  assert.ok(!existsSync(never), 'a queue that cannot be used leaves no output folder behind');
  // The right password and an existing database work.
  const ok = runCli(['status', '--queue', `redis://:s3cret@127.0.0.1:${locked.port}/15`], { timeoutMs: 60_000 });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /no batches/);
});

test('Redis restarted without persistence mid-run: the lost items are queued again; the run ends complete', async (t) => {
  if (!haveRedis()) return t.skip('redis-server is not installed (.ci/run installs it)');
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 8);
  let redis = await startRedis();
  const port = redis.port;
  const workers: Running[] = [];
  t.after(async () => {
    await stopAll(workers);
    await redis.stop();
  });
  const log = path.join(dir, 'work.log');
  workers.push(start(['worker', '--queue', redis.url, '--workers', '1', '--lock-s', '5'], { VIVIFY_WORK_LOG: log }));
  const out = path.join(dir, 'out');
  const coordinator = start(
    ['augment', input, '-o', out, '--emotions', 'happy,sad', '--queue', redis.url],
    {},
    180_000,
  );
  // Some items finished and journaled, the others on the queue or in hand: the server goes, and comes back empty.
  await waitFor('two finished items', () => journal(out).length >= 2, 180_000);
  await redis.stop();
  redis = await startRedis([], port);
  const r = await coordinator.exited;
  assert.equal(r.code, 0, `${r.signal ?? ''} ${r.stderr}\nworker: ${workers[0]!.output().stderr}`);
  assert.match(r.stderr, /lost the connection to Redis at 127\.0\.0\.1:\d+: waiting for it/);
  assert.match(
    r.stderr,
    /Redis at 127\.0\.0\.1:\d+ lost \d+ item\(s\) of this batch .*putting them on the queue again/,
  );
  assert.match(r.stdout, /augment: 8 items — 8 done, 0 skipped, 0 failed; variants: 16 written/);
  const j = journal(out);
  assert.equal(j.length, 8, 'one journal line per item');
  assert.equal(new Set(j.map((e) => e.key)).size, 8);
  const manifest = lines(path.join(out, 'manifest.jsonl')).map((l) => JSON.parse(l) as { output: string });
  assert.equal(manifest.length, 16);
  for (const m of manifest) assert.ok(existsSync(path.join(out, m.output)), m.output);
});

test("a killed worker's item goes to another worker once --lock-s has passed, and the journal counts both tries", async (t) => {
  if (!haveRedis()) return t.skip('redis-server is not installed (.ci/run installs it)');
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 1);
  const redis = await startRedis();
  const workers: Running[] = [];
  t.after(async () => {
    await stopAll(workers);
    await redis.stop();
  });
  const lockS = 8;
  const log = path.join(dir, 'work.log');
  for (let i = 0; i < 2; i++)
    workers.push(
      start(['worker', '--queue', redis.url, '--workers', '1', '--lock-s', String(lockS)], { VIVIFY_WORK_LOG: log }),
    );
  await waitFor(
    'both workers to wait for items',
    () => workers.every((w) => /waiting for items/.test(w.output().stderr)),
    120_000,
  );
  const out = path.join(dir, 'out');
  // One item of twelve variants: whichever worker takes it is killed while it works on it.
  const coordinator = start([
    'augment',
    input,
    '-o',
    out,
    '--emotions',
    'happy,sad,angry,surprised,fear,disgusted',
    '--intensities',
    '0.5,1',
    '--queue',
    redis.url,
  ]);
  await waitFor('a worker to take the item', () => lines(log).length > 0, 120_000);
  const [firstPid] = lines(log)[0]!.split('\t');
  // The pool process that logged the work is a child of the worker that took the item.
  const stat = readFileSync(`/proc/${firstPid}/stat`, 'utf8');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  const victim = workers.find((w) => w.child.pid === parent);
  assert.ok(victim, `the item's process ${firstPid} belongs to a worker`);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  // Workers look for items whose lock expired by a check that sets `…:stalled-check` for its interval: how
  // far ahead it is set says how often they look. Watched over two lock durations (each of which holds a check).
  const redisClient = new Redis(redis.url);
  t.after(() => redisClient.disconnect());
  // The key lives for one check interval and is set again at the next check, so it is looked for throughout.
  let checkKey: string | undefined;
  let checkAheadMs = 0;
  let takenOverS = 0;
  while (Date.now() - killedAt < 2 * lockS * 1000 + 1000 || !takenOverS) {
    if (Date.now() - killedAt > 120_000) throw new Error('the other worker never took the item over');
    checkKey ??= (await redisClient.keys('bull:*:stalled-check'))[0];
    if (checkKey) checkAheadMs = Math.max(checkAheadMs, await redisClient.pttl(checkKey));
    if (!takenOverS && lines(log).some((l) => l.split('\t')[0] !== firstPid))
      takenOverS = (Date.now() - killedAt) / 1000;
    await sleep(50);
  }
  assert.ok(checkKey, 'the workers check for stalled items');
  // A fifth of the lock (at least 1 s, at most 5 s): the item moves on shortly after its lock expires.
  assert.ok(checkAheadMs <= (lockS * 1000) / 5 + 50, `stalled items checked every ${checkAheadMs} ms`);
  // The lock expires at most --lock-s after the kill; the item moves at the next check.
  assert.ok(takenOverS <= lockS + 4, `taken over ${takenOverS.toFixed(1)} s after the kill (--lock-s ${lockS})`);
  const r = await coordinator.exited;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 item — 1 done/);
  const [entry] = journal(out);
  assert.equal(entry!.attempts, 2, 'started twice: the killed try and the one that finished');
  assert.equal(readdirSync(path.join(out, 'p000.jpg', 'face0')).length, 12);
});
