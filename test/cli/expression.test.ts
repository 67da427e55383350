import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { renderScript } from '../../src/expression/node/script.js';
import { readImage } from '../../src/media/image-file.js';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, ROOT, runCli, tempDir } from '../helpers.js';

function oneLineError(r: { code: number; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, re);
}

test('vivify edit applies AUs and writes the change mask; steps make a strip', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'smile.png');
  const mask = path.join(dir, 'mask.png');
  const r = runCli(['edit', '--source', ASTRONAUT, '-o', out, '--au', '26=4,L45=5', '--mask', mask]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /before: /);
  const src = await readImage(ASTRONAUT);
  const img = await readImage(out);
  const m = await readImage(mask);
  assert.deepEqual([img.width, img.height], [512, 512]);
  let changedInMask = 0;
  let changedOutsideMask = 0;
  for (let i = 0; i < src.data.length; i += 4) {
    const changed = Math.abs(img.data[i]! - src.data[i]!) > 2;
    if (!changed) continue;
    if (m.data[i]! > 0) changedInMask++;
    else changedOutsideMask++;
  }
  assert.ok(changedInMask > 500, `changed pixels inside the mask: ${changedInMask}`);
  assert.equal(changedOutsideMask, 0, 'every changed pixel is in the mask');
  const strip = path.join(dir, 'strip.png');
  assert.equal(
    runCli(['edit', '--source', ASTRONAUT, '-o', strip, '--emotion', 'surprised=1', '--steps', '3']).code,
    0,
  );
  const s = await readImage(strip);
  assert.deepEqual([s.width, s.height], [1536, 512]);
  // The first step is the source itself.
  let d = 0;
  for (let y = 0; y < 512; y++)
    for (let x = 0; x < 512; x++) d += Math.abs(s.data[(y * 1536 + x) * 4]! - src.data[(y * 512 + x) * 4]!);
  assert.ok(d / (512 * 512) < 0.5);
});

test('vivify edit to a face’s own expression changes nothing visible', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'same.png');
  assert.equal(runCli(['edit', '--source', ASTRONAUT, '-o', out, '--like', ASTRONAUT]).code, 0);
  const a = await readImage(ASTRONAUT);
  const b = await readImage(out);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(a.data[i + k]! - b.data[i + k]!);
      sum += d;
      max = Math.max(max, d);
    }
  }
  const mean = sum / (512 * 512 * 3);
  assert.ok(mean < 0.2, `mean difference ${mean.toFixed(3)} levels`);
});

test('vivify edit: bad input is one line and a non-zero exit', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'o.png');
  oneLineError(runCli(['edit', '--source', ASTRONAUT, '-o', out]), 2, /needs --au, --emotion or --like/);
  oneLineError(runCli(['edit', '--source', ASTRONAUT, '-o', out, '--au', '13=2']), 2, /Expected AU=intensity pairs/);
  oneLineError(runCli(['edit', '--source', ASTRONAUT, '-o', out, '--au', '12=9']), 2, /intensities 0–5/);
  oneLineError(
    runCli(['edit', '--source', ASTRONAUT, '-o', out, '--emotion', 'bored=1']),
    2,
    /Expected name=intensity pairs/,
  );
  oneLineError(
    runCli(['edit', '--source', ASTRONAUT, '-o', ASTRONAUT, '--au', '12=2']),
    2,
    /refusing to overwrite the input/,
  );
  assert.ok(!existsSync(out));
});

test('vivify script renders a timeline at its frame rate and length; parse errors name line and column', async (t) => {
  const dir = tempDir(t);
  const tl = path.join(dir, 't.txt');
  writeFileSync(
    tl,
    ['duration 1s', 'fps 12', 'at 0s neutral', 'at 0.5s happy 0.8, pose yaw 10, gaze left', 'at 0.8s blink'].join('\n'),
  );
  const out = path.join(dir, 'o.mp4');
  const r = runCli(['script', '--source', ASTRONAUT, '--timeline', tl, '-o', out, '--size', '256']);
  assert.equal(r.code, 0, r.stderr);
  const info = await probeVideo(out);
  assert.deepEqual([info.width, info.height, info.frameCount, info.fps], [256, 256, 12, 12]);
  writeFileSync(tl, 'at 0s neutral\nat 1s pose yaw 90\n');
  oneLineError(
    runCli(['script', '--source', ASTRONAUT, '--timeline', tl, '-o', out]),
    1,
    /t\.txt: line 2, column 16: yaw 90 is out of range: expected -45 to 45 degrees/,
  );
  oneLineError(
    runCli(['script', '--source', ASTRONAUT, '--timeline', path.join(dir, 'missing.txt'), '-o', out]),
    1,
    /cannot read the timeline/,
  );
});

test('vivify edit: an emotion or an AU given twice is refused, not added up or replaced', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'o.png');
  const edit = (...a: string[]): ReturnType<typeof runCli> => runCli(['edit', '--source', ASTRONAUT, '-o', out, ...a]);
  // sad=0.6 twice acted as sad 1.2, past the range; 12=3,12=0 kept the last.
  oneLineError(edit('--emotion', 'sad=0.6,sad=0.6'), 2, /each emotion once \(sad is named twice\) for --emotion/);
  oneLineError(edit('--emotion', 'happy,sad=0.2,happy=0.1'), 2, /happy is named twice/);
  oneLineError(edit('--au', '12=3,12=0'), 2, /each action unit once per side \(AU12 is given twice\) for --au/);
  oneLineError(edit('--au', '12=3,L12=1'), 2, /AU12 is given twice for the left side/);
  assert.ok(!existsSync(out));
});

test('vivify script: times past the hour and keyframes after the duration are one-line errors', (t) => {
  const dir = tempDir(t);
  const tl = path.join(dir, 't.txt');
  const out = path.join(dir, 'o.mp4');
  const script = (): ReturnType<typeof runCli> =>
    runCli(['script', '--source', ASTRONAUT, '--timeline', tl, '-o', out], { timeoutMs: 30_000 });
  // Once started rendering 1,080,030 frames.
  writeFileSync(tl, 'at 10:00:00 happy\n');
  oneLineError(script(), 1, /t\.txt: line 1, column 4: time 10:00:00 is out of range: expected 0 to 3600 s/);
  // Once dropped silently.
  writeFileSync(tl, 'duration 10s\nat 0s neutral\nat 12s happy\n');
  oneLineError(script(), 1, /t\.txt: line 3, column 4: keyframe at 12s comes after the end of the timeline/);
  writeFileSync(tl, 'at 1s sad 0.6, sad 0.6\n');
  oneLineError(script(), 1, /line 1, column 16: "sad" sets the expression a second time/);
  assert.ok(!existsSync(out));
});

test('vivify script: preparing long generated motion shows progress, and SIGTERM stops it at once', async (t) => {
  const dir = tempDir(t);
  const tl = path.join(dir, 't.txt');
  const out = path.join(dir, 'o.mp4');
  const labels = ['happy', 'sad', 'idle', 'listening', 'surprised', 'fear'];
  writeFileSync(tl, ['duration 600s', ...labels.map((l) => `at 0s generate ${l} 600s`)].join('\n'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'src', 'cli', 'bin.ts'),
      'script',
      '--source',
      ASTRONAUT,
      '--timeline',
      tl,
      '-o',
      out,
    ],
    { cwd: ROOT, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } },
  );
  let stderr = '';
  let signalled = 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // The progress line of the preparation: the run is inside it now.
    if (!signalled && /generated motion \(s\): \d+\/3600/.test(stderr)) {
      signalled = performance.now();
      child.kill('SIGTERM');
    }
  });
  const code = await exited;
  clearTimeout(timer);
  const after = performance.now() - signalled;
  assert.ok(signalled > 0, `no progress line while preparing: ${stderr}`);
  // 143: the shell's status for SIGTERM; the CLI's own 3-s fallback exit would print no error line.
  assert.equal(code, 143, stderr);
  assert.ok(after < 1500, `exited ${after.toFixed(0)} ms after SIGTERM`);
  assert.match(stderr.trim().split('\n').at(-1)!, /^error: operation was cancelled$/);
  assert.ok(!existsSync(out));
});

test('vivify script: rendering lets the event loop run (a signal, a timer) even when the encoder keeps up', async (t) => {
  const dir = tempDir(t);
  // Small frames go into the encoder's pipe at once: each write resolved without a turn of the event loop,
  // so SIGTERM's handler waited 1.2–1.7 s at a time (and, on longer runs, until the end).
  let rendering = false;
  let last = performance.now();
  let lag = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    if (rendering) lag = Math.max(lag, now - last);
    last = now;
  }, 5);
  try {
    const r = await renderScript(ASTRONAUT, 'duration 40s\nfps 30\nat 1s happy\nat 20s sad', path.join(dir, 'o.mp4'), {
      size: 128,
      onProgress: ({ frame }) => {
        if (frame > 1 || rendering) return;
        rendering = true;
        last = performance.now();
      },
    });
    assert.equal(r.frames, 1200);
  } finally {
    clearInterval(tick);
  }
  assert.ok(lag < 500, `the event loop waited ${lag.toFixed(0)} ms while frames were rendered`);
});
