/**
 * Smaller findings of the second bad-input sweep: messages that blamed the wrong thing, a metric that
 * read as the best score when nothing was measured, options ignored without a word, and the exit status
 * of a run stopped by SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ASTRONAUT, ffmpeg, makeMovingFaceVideo, ROOT, runCli, tempDir } from '../helpers.js';

test('--reference past the end of the driver names the option, not an empty video', (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'd.mp4');
  makeMovingFaceVideo(clip, { frames: 20, fps: 12, size: 128 });
  const out = path.join(dir, 'o.mp4');
  const r = runCli(['animate', '--source', ASTRONAUT, '--driving', clip, '-o', out, '--reference', '20']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: --reference 20: the driving video .*d\.mp4 has no frame 20/m);
  assert.doesNotMatch(r.stderr, /contains no video frames/);
  assert.ok(!existsSync(out));
});

test('a face lost by --size is blamed on the size, not on the photo', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'g.mp4');
  const r = runCli(['generate', '--source', ASTRONAUT, '--label', 'happy', '-o', out, '--size', '48']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no face found in .*astronaut\.png once scaled to 48×48 by --size 48/);
});

test('--keep-audio that cannot be honoured says so', (t) => {
  const dir = tempDir(t);
  const silent = path.join(dir, 'silent.mp4');
  makeMovingFaceVideo(silent, { frames: 6, fps: 12, size: 128 });
  const noTrack = runCli([
    'animate',
    '--source',
    ASTRONAUT,
    '--driving',
    silent,
    '-o',
    path.join(dir, 'a.mp4'),
    '--keep-audio',
  ]);
  assert.equal(noTrack.code, 0, noTrack.stderr);
  assert.match(noTrack.stderr, /warning: --keep-audio: the driving video .*silent\.mp4 has no audio track/);
  const gif = runCli([
    'animate',
    '--source',
    ASTRONAUT,
    '--driving',
    silent,
    '-o',
    path.join(dir, 'a.gif'),
    '--keep-audio',
  ]);
  assert.equal(gif.code, 0, gif.stderr);
  assert.match(gif.stderr, /warning: --keep-audio: GIF and PNG frames hold no sound/);
  const plain = runCli(['animate', '--source', ASTRONAUT, '--driving', silent, '-o', path.join(dir, 'b.mp4')]);
  assert.doesNotMatch(plain.stderr, /warning/);
});

test('vivify eval reenact on a result without a face: face metrics are n/a and the command says why', (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'd.mp4');
  makeMovingFaceVideo(clip, { frames: 8, fps: 12, size: 128 });
  const result = path.join(dir, 'r.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=128x128:rate=12', '-frames:v', '8', '-pix_fmt', 'yuv420p', result);
  const json = path.join(dir, 'm.json');
  const r = runCli(['eval', 'reenact', '--source', ASTRONAUT, '--driving', clip, '--result', result, '--json', json]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*r\.mp4 shows no face in any of its 8 frames/);
  const resultLines = r.stdout.split('static baseline')[0]!;
  assert.match(resultLines, /ACD –/);
  assert.match(resultLines, /face found 0\.0%/);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { result: { acd: number | null; faceFound: number } };
  assert.equal(doc.result.faceFound, 0);
  assert.equal(doc.result.acd, null, 'not measured, not 0 (the best score)');
});

test('SIGTERM stops a run with exit 143 (SIGINT 130), leaving no output', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'long.mp4');
  makeMovingFaceVideo(clip, { frames: 240, fps: 24, size: 256 });
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    const out = path.join(dir, `${signal}.mp4`);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'src/cli/bin.ts'),
        'animate',
        '--source',
        ASTRONAUT,
        '--driving',
        clip,
        '-o',
        out,
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } },
    );
    let stderr = '';
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/animate: \d+\/\d+/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await Promise.race([started, exited]);
    child.kill(signal);
    assert.equal(await exited, code, `${signal}: ${stderr}`);
    assert.ok(!existsSync(out));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('.vivify-tmp-')),
      [],
      'no temporary left',
    );
  }
});
