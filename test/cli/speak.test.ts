import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { probeAudio } from '../../src/media/audio.js';
import { decodeVideo, probeVideo } from '../../src/media/video.js';
import { ASTRONAUT, ffmpeg, runCli, tempDir } from '../helpers.js';

/** 2 s of a buzzing voice-like tone in bursts, 0.4 s of silence at the end. */
function speechLike(file: string): void {
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    "aevalsrc='0.3*sin(2*PI*140*t)*sin(2*PI*150*t)*max(0,sin(2*PI*4*t))*lt(t,2)':s=16000:d=2.4",
    file,
  );
}

test('vivify speak: a talking video with the speech as its sound track', async (t) => {
  const dir = tempDir(t);
  const wav = path.join(dir, 'speech.wav');
  speechLike(wav);
  const out = path.join(dir, 'talk.mp4');
  const r = runCli(['speak', '--source', ASTRONAUT, '--audio', wav, '-o', out, '--size', '128', '--seed', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /talk\.mp4: 60 frames at 25 fps/);
  const v = await probeVideo(out);
  assert.ok(v.hasAudio);
  assert.ok(Math.abs(v.frameCount - 60) <= 1, `${v.frameCount} frames`);
  assert.ok(Math.abs((await probeAudio(out)).durationS - 2.4) < 0.1);

  // --mouth-scale reaches the motion: at 0 the face changes less from its first frame (the same seed gives
  // the same head motion and blinks), and the two videos differ.
  const still = path.join(dir, 'still.mp4');
  const args = ['--source', ASTRONAUT, '--audio', wav, '--size', '128', '--seed', '2', '--mouth-scale', '0'];
  const s = runCli(['speak', ...args, '-o', still]);
  assert.equal(s.code, 0, s.stderr);
  const [moving, quiet] = [await framesOf(out), await framesOf(still)];
  const apart = meanDifference(moving, quiet);
  const m = meanDifference(
    moving,
    moving.map(() => moving[0]!),
  );
  const q = meanDifference(
    quiet,
    quiet.map(() => quiet[0]!),
  );
  assert.ok(
    apart > 0.05 && q < m,
    `${apart.toFixed(3)} apart; change from the first frame ${q.toFixed(3)} at 0, ${m.toFixed(3)} at 1`,
  );
});

async function framesOf(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of decodeVideo(file)) out.push(Uint8Array.from(f.data));
  return out;
}

/** Mean absolute difference (0–255) between two lists of frames, frame by frame. */
function meanDifference(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < Math.min(a.length, b.length); k++)
    for (let i = 0; i < a[k]!.length; i++, n++) sum += Math.abs(a[k]![i]! - b[k]![i]!);
  return sum / Math.max(1, n);
}

test('vivify speak: bad speech is one line and no output; an input is never the output', (t) => {
  const dir = tempDir(t);
  const silent = path.join(dir, 'silent.wav');
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '1', silent);
  const empty = path.join(dir, 'empty.m4a');
  writeFileSync(empty, '');
  const notes = path.join(dir, 'notes.wav');
  writeFileSync(notes, 'not sound at all\n');
  const out = path.join(dir, 'out.mp4');
  for (const [audio, words] of [
    [silent, /is silent/],
    [empty, /empty \(0 bytes\)/],
    [notes, /not a readable audio/],
  ] as const) {
    const r = runCli(['speak', '--source', ASTRONAUT, '--audio', audio, '-o', out, '--size', '96']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, words);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!existsSync(out));
  }
  // The output may not be the speech itself (an .mp4 with sound): refused before anything is written.
  const voice = path.join(dir, 'voice.mp4');
  speechLike(voice);
  const before = readFileSync(voice);
  const clash = runCli(['speak', '--source', ASTRONAUT, '--audio', voice, '-o', voice, '--size', '96']);
  assert.equal(clash.code, 2, clash.stderr);
  assert.match(clash.stderr, /--audio/);
  assert.deepEqual(readFileSync(voice), before);
  assert.deepEqual(readdirSync(dir).sort(), ['empty.m4a', 'notes.wav', 'silent.wav', 'voice.mp4']);
});

test('vivify speak --text: speaks offline; text in a script the voice cannot read is refused', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'hello.mp4');
  const r = runCli(['speak', '--source', ASTRONAUT, '--text', 'Hello there.', '-o', out, '--size', '96']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await probeVideo(out)).hasAudio);
  const bad = path.join(dir, 'bad.mp4');
  const han = runCli(['speak', '--source', ASTRONAUT, '--text', '你好，世界', '-o', bad, '--size', '96']);
  assert.equal(han.code, 1);
  assert.match(han.stderr, /^error: the text is in Han script, which the voice en-us .* does not read/);
  const voice = runCli(['speak', '--source', ASTRONAUT, '--text', 'Hi', '--voice', 'klingon', '-o', bad]);
  assert.equal(voice.code, 1);
  assert.match(voice.stderr, /unsupported language or voice "klingon"/);
  assert.ok(!existsSync(bad));
});

test('vivify script: say and audio segments speak at their times; the timeline lasts until the speech ends', async (t) => {
  const dir = tempDir(t);
  speechLike(path.join(dir, 'clip.wav'));
  const timeline = path.join(dir, 'talk.txt');
  writeFileSync(
    timeline,
    'at 0s neutral\nat 0.2s say "Hi there." happy 0.5\nat 1.5s audio clip.wav # beside the timeline\n',
  );
  const out = path.join(dir, 'talk.mp4');
  const r = runCli(['script', '--source', ASTRONAUT, '--timeline', timeline, '-o', out, '--size', '96']);
  assert.equal(r.code, 0, r.stderr);
  const v = await probeVideo(out);
  assert.ok(v.hasAudio);
  // The audio segment ends at 1.5 + 2.4 s; half a second more.
  assert.ok(Math.abs(v.durationS - 4.4) < 0.1, `${v.durationS} s`);
  writeFileSync(timeline, 'at 0s neutral\nat 1s say Hello there\n');
  const bad = runCli(['script', '--source', ASTRONAUT, '--timeline', timeline, '-o', path.join(dir, 'b.mp4')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: \S*talk\.txt: line 2: expected say "words" or audio file\.wav/);
  writeFileSync(timeline, 'at 0s audio out.mp4\n');
  const clash = runCli(['script', '--source', ASTRONAUT, '--timeline', timeline, '-o', path.join(dir, 'out.mp4')]);
  assert.notEqual(clash.code, 0);
  assert.match(clash.stderr, /line 1/);
  assert.ok(!existsSync(path.join(dir, 'b.mp4')) && !existsSync(path.join(dir, 'out.mp4')));
});
