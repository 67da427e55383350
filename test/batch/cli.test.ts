/**
 * The batch commands end to end: labels in the manifest, driving clips, batch animate, retries and the
 * dead-letter list, cancelling and resuming, refusing another job's folder, status.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, makeMovingFaceVideo, ROOT, runCli, tempDir } from '../helpers.js';
import { makePortraits } from './fixtures.js';

interface Line {
  source: string;
  status: string;
  face?: number;
  variant?: string;
  kind?: string;
  output?: string;
  reason?: string;
  code?: string;
  aus?: Record<string, number>;
  pose?: { yawDeg: number; pitchDeg: number; rollDeg: number };
  emotion?: string;
  intensity?: number;
  frames?: number;
  driving?: string;
  identity?: number[];
}

const manifest = (out: string): Line[] =>
  readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

test('augment: AU, head-turn and driving-clip variants with their labels; identity on request', async (t) => {
  const dir = tempDir(t);
  const [portrait] = await makePortraits(path.join(dir, 'in'), 1);
  const clip = path.join(dir, 'clips', 'talk.mp4');
  mkdirSync(path.dirname(clip));
  makeMovingFaceVideo(clip, { frames: 6, fps: 6, size: 128 });
  const out = path.join(dir, 'out');
  const r = runCli(
    [
      'augment',
      path.join(dir, 'in'),
      '-o',
      out,
      '--aus',
      '12=3;L45=5',
      '--poses',
      'yaw=15',
      '--driving',
      path.join(dir, 'clips'),
      '--identity',
    ],
    { timeoutMs: 240_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = manifest(out);
  assert.deepEqual(
    lines.map((l) => l.variant),
    ['au-12=3', 'au-L45=5', 'yaw+15', 'drive-talk'],
  );
  const [au12, wink, turn, drive] = lines as [Line, Line, Line, Line];
  for (const l of lines) {
    assert.equal(l.status, 'ok');
    assert.equal(l.source, portrait);
    assert.ok(existsSync(path.join(out, l.output!)), l.output);
    assert.equal(l.identity!.length, 1024);
  }
  // The AU label is the value the face shows after the edit: its own plus 3, within 0–5.
  assert.ok(au12.aus!.AU12! >= 3, JSON.stringify(au12.aus));
  assert.ok(Math.abs(au12.aus!.AU12! - Math.min(5, turn.aus!.AU12! + 3)) < 0.01);
  const sides = wink as Line & { ausLeft: Record<string, number>; ausRight: Record<string, number> };
  assert.equal(sides.ausLeft.AU45, 5, 'a one-sided edit lists the sides');
  assert.ok(sides.ausRight.AU45! < 5);
  assert.ok(Math.abs(turn.pose!.yawDeg - au12.pose!.yawDeg - 15) < 1.5, `${turn.pose!.yawDeg} vs ${au12.pose!.yawDeg}`);
  assert.equal(drive.kind, 'drive');
  assert.equal(drive.driving, clip);
  assert.equal(drive.frames, 6);
  assert.equal((await probeVideo(path.join(out, drive.output!))).frameCount, 6);
  const meta = await sharp(path.join(out, turn.output!)).metadata();
  assert.deepEqual(
    [meta.width, meta.height],
    [(await sharp(portrait!).metadata()).width, (await sharp(portrait!).metadata()).height],
  );
});

test('batch animate: every portrait by every driver, named by both', async (t) => {
  const dir = tempDir(t);
  await makePortraits(path.join(dir, 'p'), 2);
  mkdirSync(path.join(dir, 'd'));
  makeMovingFaceVideo(path.join(dir, 'd', 'a.mp4'), { frames: 5, fps: 5, size: 96 });
  const out = path.join(dir, 'out');
  const r = runCli(
    ['batch', 'animate', '--portraits', path.join(dir, 'p'), '--drivers', path.join(dir, 'd'), '-o', out],
    {
      timeoutMs: 240_000,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    manifest(out).map((l) => [l.status, l.output, l.frames]),
    [
      ['ok', 'p000.jpg/a.mp4', 5],
      ['ok', 'p001.png/a.mp4', 5],
    ],
  );
  assert.throws(() => {
    const bad = runCli(['batch', 'scan', dir, '-o', path.join(dir, 'x'), '--drivers', dir]);
    if (bad.code !== 0) throw new Error(bad.stderr);
  }, /--drivers belongs to vivify batch animate, not batch scan/);
});

test('an item that keeps timing out is retried, then dead-lettered; its partial outputs are removed; the rest is done', async (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 1);
  // 9 megapixels, 12 variants: far longer than the limit below.
  await sharp(ASTRONAUT).resize(3000, 3000).png({ compressionLevel: 9 }).toFile(path.join(input, 'big.png'));
  const out = path.join(dir, 'out');
  const args = [
    'augment',
    input,
    '-o',
    out,
    '--emotions',
    'happy,sad,angry,surprised,fear,disgusted',
    '--intensities',
    '0.5,1',
  ];
  const r = runCli([...args, '--item-timeout', '4', '--attempts', '2', '--workers', '1'], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /retrying .*big\.png in 1 s \(try 1 of 2: took longer than 4 s/);
  assert.match(r.stdout, /2 items — 1 done, 0 skipped, 1 failed \(1 gave up after retries\)/);
  const big = manifest(out).filter((l) => l.source.endsWith('big.png'));
  assert.equal(big.length, 1);
  assert.equal(big[0]!.code, 'E_WORKER_LOST');
  assert.match(big[0]!.reason!, /gave up after 2 tries: took longer than 4 s/);
  assert.ok(!existsSync(path.join(out, 'big.png')), 'outputs of the failed item are removed');
  // --strict turns failures into exit status 1; once the file is fixed (here: made small), --retry-failed
  // does the failed items again.
  const strict = runCli([...args, '--strict'], { timeoutMs: 300_000 });
  assert.equal(strict.code, 1, strict.stderr);
  await sharp(ASTRONAUT).resize(200, 200).png().toFile(path.join(input, 'big.png'));
  const again = runCli([...args, '--retry-failed'], { timeoutMs: 300_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(manifest(out).filter((l) => l.source.endsWith('big.png') && l.status === 'ok').length, 12);
});

test('Ctrl-C stops a run cleanly; the same command resumes it; another job is refused in its folder', async (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 12);
  const out = path.join(dir, 'out');
  const args = ['augment', input, '-o', out, '--emotions', 'happy,sad', '--workers', '2'];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'bin.ts'), ...args], {
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const journal = path.join(out, '.vivify', 'journal.jsonl');
  const until = Date.now() + 180_000;
  while (!(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 2) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /error: cancelled: finished items are kept; run the same command again/);
  assert.ok(!existsSync(path.join(out, 'manifest.jsonl')), 'no manifest until every item has a result');
  const status = runCli(['status', out]);
  assert.match(status.stdout, /augment, \d+ item\(s\) finished .*not complete: run its command again/);
  const r = runCli(args, { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /resumed: \d+ item\(s\) were already done/);
  assert.equal(manifest(out).length, 24);
  assert.match(runCli(['status', out]).stdout, /complete \(manifest\.jsonl written\)/);
  const other = runCli(['augment', input, '-o', out, '--emotions', 'fear']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /^error: .* holds a different job \(different emotions\): .*--restart/);
  const files = readdirSync(out).filter((f) => !f.startsWith('.') && f !== 'manifest.jsonl');
  assert.equal(files.length, 12);
});

test('queue commands without a server, and bad queue addresses: one-line errors', () => {
  for (const args of [
    ['worker', '--queue', 'redis://127.0.0.1:1'],
    ['status', '--queue', 'redis://127.0.0.1:1'],
    ['augment', ASTRONAUT, '-o', '/tmp/never-made', '--emotions', 'happy', '--queue', 'redis://127.0.0.1:1'],
  ]) {
    const r = runCli(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr.trim(),
      /^error: cannot reach Redis at 127\.0\.0\.1:1 \(.*\): is redis-server running there\?$/,
    );
  }
  const bad = runCli(['worker', '--queue', 'localhost:6379']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected a Redis URL such as redis:\/\/host:6379 for --queue/);
  const detach = runCli(['augment', ASTRONAUT, '-o', '/tmp/never-made', '--emotions', 'happy', '--detach']);
  assert.equal(detach.code, 2);
  assert.match(detach.stderr, /--detach needs --queue/);
});
