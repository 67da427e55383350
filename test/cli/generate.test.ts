import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, runCli, tempDir } from '../helpers.js';

function oneLineError(r: { code: number; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, re);
}

interface CurvesFile {
  format: string;
  samples: { label: string; seed: number; fps: number; frames: { aus: { left: Record<string, number> } }[] }[];
}

test('vivify generate writes K samples and their curves; the same seed gives the same motion', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'smile.mp4');
  const curves = path.join(dir, 'smile.json');
  const args = ['generate', '--source', ASTRONAUT, '--label', 'spontaneous-smile', '--duration', '1s', '--size', '128'];
  const r = runCli([...args, '-o', out, '--k', '2', '--seed', '7', '--curves', curves]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /smile-1\.mp4: spontaneous-smile \(seed 7\), 25 frames at 25 fps .*onset/);
  assert.match(r.stdout, /smile-2\.mp4: spontaneous-smile \(seed 8\)/);
  assert.ok(!existsSync(out), 'with --k 2 the outputs are numbered');
  for (const f of ['smile-1.mp4', 'smile-2.mp4']) assert.equal((await probeVideo(path.join(dir, f))).frameCount, 25);
  const c = JSON.parse(readFileSync(curves, 'utf8')) as CurvesFile;
  assert.equal(c.format, 'vivify-generated-motion');
  assert.deepEqual(
    c.samples.map((s) => [s.label, s.seed, s.frames.length]),
    [
      ['spontaneous-smile', 7, 25],
      ['spontaneous-smile', 8, 25],
    ],
  );
  assert.notDeepEqual(c.samples[0]!.frames, c.samples[1]!.frames);
  // Seed 8 alone is the second sample of seed 7 with --k 2.
  const again = path.join(dir, 'again.json');
  assert.equal(runCli([...args, '-o', path.join(dir, 'again.mp4'), '--seed', '8', '--curves', again]).code, 0);
  assert.deepEqual((JSON.parse(readFileSync(again, 'utf8')) as CurvesFile).samples[0], c.samples[1]);
});

test('vivify generate refuses bad input with one line', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'out.mp4');
  oneLineError(runCli(['generate', '--source', ASTRONAUT, '-o', out]), 2, /^error: vivify generate needs --label/);
  oneLineError(
    runCli(['generate', '--source', ASTRONAUT, '-o', out, '--label', 'smug']),
    2,
    /^error: Expected one of neutral, happy, .* for --label but received "smug"/,
  );
  oneLineError(
    runCli(['generate', '--source', ASTRONAUT, '-o', out, '--label', 'happy', '--duration', '0s']),
    2,
    /^error: Expected a length such as 4s/,
  );
  oneLineError(
    runCli(['generate', '--source', ASTRONAUT, '-o', out, '--label', 'happy', '--curves', path.join(dir, 'c.txt')]),
    2,
    /^error: --curves needs a \.json file name/,
  );
  oneLineError(
    runCli(['generate', '--source', path.join(dir, 'missing.jpg'), '-o', out, '--label', 'happy']),
    1,
    /^error: .*missing\.jpg/,
  );
  assert.ok(!existsSync(out), 'nothing was written');
});

test('vivify script renders generated segments over an idle background', async (t) => {
  const dir = tempDir(t);
  const timeline = path.join(dir, 't.txt');
  writeFileSync(timeline, 'duration 1.2s\nfps 20\nat 0s idle\nat 0.2s generate happy 0.8s\nat 0.5s pose yaw 5\n');
  const out = path.join(dir, 't.mp4');
  const r = runCli(['script', '--source', ASTRONAUT, '--timeline', timeline, '-o', out, '--size', '128']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await probeVideo(out)).frameCount, 24);
  writeFileSync(timeline, 'at 0s generate happy 0.1s\n');
  oneLineError(
    runCli(['script', '--source', ASTRONAUT, '--timeline', timeline, '-o', out]),
    1,
    /line 1, column 22: length 0\.1s is out of range/,
  );
});
