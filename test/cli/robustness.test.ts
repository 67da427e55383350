/**
 * Bad and unusual input found by a sweep of the CLI: folders with symbolic-link loops, variable frame rate,
 * runs killed with SIGKILL, and input bytes that must not reach the terminal raw.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempSibling } from '../../src/media/atomic.js';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { readImage } from '../../src/media/image-file.js';
import { decodeVideo, probeVideo } from '../../src/media/video.js';
import {
  ASTRONAUT,
  ffmpeg,
  makeMovingFaceVideo,
  makeVfrFaceVideo,
  ROOT,
  runCli,
  tempDir,
  VFR_FRAME_TIMES,
} from '../helpers.js';

/** Every byte a terminal could take as a control (C0, DEL, C1 as UTF-8), except the line ends. */
function controlChars(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  return [...text.replace(/\n/g, '')].filter((c) => /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(c));
}

test('vivify scan: symbolic-link loops are reported, not followed, and each clip is listed once', (t) => {
  const dir = tempDir(t);
  const data = path.join(dir, 'data');
  mkdirSync(path.join(data, 'sub'), { recursive: true });
  makeMovingFaceVideo(path.join(data, 'good.mp4'), { frames: 12, fps: 12, size: 128 });
  symlinkSync('.', path.join(data, 'self'));
  symlinkSync('..', path.join(data, 'parent'));
  symlinkSync('..', path.join(data, 'sub', 'up'));
  symlinkSync('good.mp4', path.join(data, 'same.mp4'));
  writeFileSync(path.join(dir, 'outside.mp4'), 'a file outside the scanned folder');
  const report = path.join(dir, 'r.json');
  const r = runCli(['scan', data, '--report', report], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  assert.match(r.stdout, /^1 videos?: 1 good/m);
  const doc = JSON.parse(readFileSync(report, 'utf8')) as {
    videos: { file: string }[];
    skipped: { path: string; reason: string }[];
  };
  assert.deepEqual(
    doc.videos.map((v) => path.relative(data, v.file)),
    ['good.mp4'],
  );
  const skipped = Object.fromEntries(doc.skipped.map((s) => [path.relative(data, s.path), s.reason]));
  assert.deepEqual(Object.keys(skipped).sort(), ['parent', 'same.mp4', 'self', path.join('sub', 'up')]);
  assert.match(skipped.self!, /loop/);
  assert.match(skipped.parent!, /loop/);
  assert.match(skipped['same.mp4']!, /same file as .*good\.mp4/);
  for (const name of ['self', 'parent', 'same.mp4']) assert.match(r.stderr, new RegExp(`warning: .*${name}`));
});

test('vivify scan: a variable-frame-rate clip with discardable packets is not called corrupt', (t) => {
  const dir = tempDir(t);
  const vfr = path.join(dir, 'vfr.mp4');
  // 21 packets, of which the container marks two as discardable: 19 frames decode, as in ffprobe.
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=64x64:r=10:d=2.1',
    '-vf',
    "setpts='pow(N,1.3)/10/TB'",
    '-vsync',
    'vfr',
    '-c:v',
    'libx264',
    vfr,
  );
  const report = path.join(dir, 'r.json');
  const r = runCli(['scan', vfr, '--report', report]);
  assert.equal(r.code, 0, r.stderr);
  const v = (JSON.parse(readFileSync(report, 'utf8')) as { videos: Record<string, unknown>[] }).videos[0]!;
  assert.equal(v.framesDecoded, 19);
  assert.equal(v.framesDeclared, 21);
  assert.notEqual(v.status, 'corrupt', JSON.stringify(v.problems));
  assert.equal(v.variableFrameRate, true);
});

test('vivify animate keeps a variable-frame-rate driver’s timing: constant 25 fps, frames taken by time', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'vfr.mp4');
  makeVfrFaceVideo(driving, { size: 128, audio: true });
  // The red value at the middle of the code block of a frame whose left edge is at x0.
  const codeOf = (f: { width: number; data: Uint8ClampedArray }, x0: number): number =>
    f.data[(8 * f.width + x0 + 8) * 4]!;
  const driverCodes: number[] = [];
  for await (const f of decodeVideo(driving)) driverCodes.push(codeOf(f, 0));
  assert.equal(driverCodes.length, 50);
  const out = path.join(dir, 'out.mp4');
  const grid = path.join(dir, 'grid');
  const r = runCli([
    'animate',
    '--source',
    ASTRONAUT,
    '--driving',
    driving,
    '-o',
    out,
    '--size',
    '128',
    '--keep-audio',
    '--debug-grid',
    grid,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const info = await probeVideo(out);
  assert.equal(info.fps, 25, `output rate ${info.fpsRational}`);
  // The driver lasts 3.5 s: 87.5 frames at 25 fps.
  assert.ok(Math.abs(info.frameCount - 87.5) <= 1, `${info.frameCount} frames`);
  assert.ok(Math.abs(info.durationS - 3.5) < 0.05, `duration ${info.durationS}`);
  assert.equal(info.hasAudio, true);
  // Which driving frame each output frame was made from: the grid's second panel is the driving frame.
  const gridCodes: number[] = [];
  const pngs = readdirSync(grid).filter((f) => f.endsWith('.png'));
  for (const png of pngs.sort()) gridCodes.push(codeOf(await readImage(path.join(grid, png)), 128));
  const shown = gridCodes.map((v) => {
    const n = driverCodes.findIndex((c) => Math.abs(c - v) <= 1);
    assert.ok(n >= 0, `grid code ${v} is no driving frame's`);
    return n;
  });
  assert.equal(shown.length, info.frameCount);
  // The driver's first second lasts one second in the output: output frames 0–25 are driving frames 0–25.
  assert.deepEqual(
    shown.slice(0, 26),
    Array.from({ length: 26 }, (_, i) => i),
  );
  // Every output frame at time k/25 shows the driving frame on screen then (within half an output frame).
  shown.forEach((n, k) => {
    const tk = k / 25;
    assert.ok(VFR_FRAME_TIMES[n]! <= tk + 0.02 + 1e-6, `output ${k} (${tk} s) shows frame ${n} from later`);
    const next = VFR_FRAME_TIMES[n + 1];
    assert.ok(next === undefined || next >= tk - 0.02 - 1e-6, `output ${k} (${tk} s) shows stale frame ${n}`);
  });
  // Audio is as long as the video it goes with (cut to it), so it stays in sync.
  const { stdout } = spawnSync(
    findFfmpeg().ffprobe,
    ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', out],
    { encoding: 'utf8' },
  );
  assert.ok(Math.abs(Number(stdout.trim()) - info.durationS) < 0.1, `audio ${stdout.trim()} s`);
});

test('vivify animate killed with SIGKILL: the next run to the same output removes its leftovers', async (t) => {
  const dir = tempDir(t);
  const long = path.join(dir, 'long.mp4');
  const short = path.join(dir, 'short.mp4');
  makeMovingFaceVideo(long, { frames: 150, fps: 25, size: 128 });
  makeMovingFaceVideo(short, { frames: 8, fps: 25, size: 128 });
  const out = path.join(dir, 'out', 'result.mp4');
  const args = (driving: string): string[] => [
    '--import',
    'tsx',
    path.join(ROOT, 'src', 'cli', 'bin.ts'),
    'animate',
    '--source',
    ASTRONAUT,
    '--driving',
    driving,
    '-o',
    out,
    '--size',
    '128',
  ];
  const temps = (): string[] => {
    try {
      return readdirSync(path.dirname(out)).filter((f) => f.startsWith('.vivify-tmp-'));
    } catch {
      return [];
    }
  };
  const child = spawn(process.execPath, args(long), { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (temps().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(temps().length, 1, 'the run wrote a temporary file');
  await new Promise((r) => setTimeout(r, 300)); // some frames into the encoder
  child.kill('SIGKILL');
  await exited;
  // The encoder finishes on its own once its input closes; wait until the leftover stops changing.
  const leftover = path.join(path.dirname(out), temps()[0]!);
  for (let last = -1, still = 0; still < 3 && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 100));
    const size = statSync(leftover).size;
    still = size === last ? still + 1 : 0;
    last = size;
  }
  assert.deepEqual(temps(), [path.basename(leftover)], 'the killed run left its temporary file behind');
  assert.deepEqual(
    readdirSync(path.dirname(out)).filter((f) => !f.startsWith('.vivify-tmp-')),
    [],
  );

  // A temporary file of a live process (this one) for the same output, and files that are not this
  // output's temporaries, must survive.
  const live = tempSibling(out);
  writeFileSync(live, 'being written by a live process');
  const others = ['.vivify-tmp-notes.txt', 'result.mp4.bak', '.vivify-tmp-other.mp4'];
  for (const o of others) writeFileSync(path.join(path.dirname(out), o), 'not a leftover of result.mp4');

  const again = await new Promise<number>((resolve) => {
    const c = spawn(process.execPath, args(short), { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: '1' } });
    c.once('exit', (code) => resolve(code ?? -1));
  });
  assert.equal(again, 0);
  assert.deepEqual(
    readdirSync(path.dirname(out)).sort(),
    [path.basename(live), ...others, 'result.mp4'].sort(),
    'the killed run’s leftover is gone; the live one and the others stay',
  );
  const info = await probeVideo(out);
  assert.deepEqual([info.frameCount, info.width], [8, 128]);
});

test('error messages escape control characters of the input and cut long content', (t) => {
  const dir = tempDir(t);
  const garbage = path.join(dir, 'garbage.txt');
  // Bytes of every value, ESC (0x1b) and a UTF-8 CSI (U+009B) among them, and no line break for 4 KB.
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256 || 0x1b));
  bytes.set([0x1b, 0x5b, 0x32, 0x4a, 0xc2, 0x9b, 0x33, 0x31, 0x6d], 0);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a || bytes[i] === 0x0d) bytes[i] = 0x1b;
  writeFileSync(garbage, bytes);
  const escapes = path.join(dir, 'escapes.txt');
  writeFileSync(escapes, `at 0s happy\n\u001b[2J\u009b31m${'y'.repeat(3000)} sad\n`);
  const checks: [string[], RegExp][] = [
    [
      ['script', '--source', ASTRONAUT, '--timeline', garbage, '-o', path.join(dir, 'o.mp4')],
      /line 1, column \d+: binary data, not timeline text/,
    ],
    [
      ['script', '--source', ASTRONAUT, '--timeline', escapes, '-o', path.join(dir, 'o.mp4')],
      /line 2, column 1: unknown statement "\\x1b\[2J\\u009b31my+…"/,
    ],
    [['animate', '--motion', `abs\u001b[2J\u009bolute${'x'.repeat(5000)}`], /for --motion but received/],
    [['analyze', path.join(dir, `no\u001b[31mne\u202e.png`)], /cannot be read/],
    [['bogus\u001b]0;title\u0007'], /unknown command/],
  ];
  for (const [argv, re] of checks) {
    const r = runCli(argv);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^error: /);
    assert.match(lines[0]!, re);
    assert.deepEqual(controlChars(r.stderr), [], `raw control characters in: ${JSON.stringify(r.stderr)}`);
    assert.ok(lines[0]!.length < 400, `${lines[0]!.length} characters: ${lines[0]}`);
  }
});
