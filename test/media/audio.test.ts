import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  audioFeatures,
  AUDIO_FEATURES,
  createAudioFeatureStream,
  speechActivity,
} from '../../src/analysis/audio-features.js';
import { isVivifyError } from '../../src/errors.js';
import { decodeAudio, probeAudio, SPEECH_SAMPLE_RATE } from '../../src/media/audio.js';
import { readSpeech } from '../../src/speech/node/audio-in.js';
import { ffmpeg, tempDir } from '../helpers.js';

/** 1 s of a 220 Hz tone (amplitude 0.5), 1 s of silence, 1 s of tone, as 44.1 kHz stereo WAV. */
function toneWithPause(file: string): void {
  ffmpeg('-f', 'lavfi', '-i', "aevalsrc='0.5*sin(2*PI*220*t)*(lt(t,1)+gte(t,2))':s=44100:d=3", '-ac', '2', file);
}

test('decodeAudio streams mono 16 kHz float chunks of the asked size', async (t) => {
  const dir = tempDir(t);
  const wav = path.join(dir, 'tone.wav');
  toneWithPause(wav);
  const sizes: number[] = [];
  let peak = 0;
  for await (const c of decodeAudio(wav, { chunkSamples: 4000 })) {
    sizes.push(c.length);
    for (const v of c) peak = Math.max(peak, Math.abs(v));
  }
  assert.equal(
    sizes.reduce((a, b) => a + b, 0),
    3 * SPEECH_SAMPLE_RATE,
  );
  assert.ok(sizes.slice(0, -1).every((s) => s === 4000));
  assert.ok(peak > 0.45 && peak < 0.55, `peak ${peak}`);
});

test('features: one row per frame, loud in the tone, quiet in the pause, the same whatever the chunking', () => {
  const sr = SPEECH_SAMPLE_RATE;
  const x = Float32Array.from({ length: 3 * sr }, (_, i) =>
    i < sr || i >= 2 * sr ? 0.5 * Math.sin((2 * Math.PI * 220 * i) / sr) : 0,
  );
  const whole = audioFeatures(x, sr, 25);
  assert.equal(whole.features.length, 75);
  assert.ok(whole.features.every((f) => f.length === AUDIO_FEATURES && f.every(Number.isFinite)));
  // MFCCs are there in the tone and zero in digital silence.
  assert.ok(whole.features[10]!.slice(0, 13).some((v) => Math.abs(v) > 1));
  assert.ok(whole.features[37]!.slice(0, 13).every((v) => v === 0));
  assert.ok(whole.rms[10]! > 0.3 && whole.rms[37]! < 1e-3 && whole.rms[60]! > 0.3);
  const s = createAudioFeatureStream(sr, 25);
  for (let at = 0; at < x.length; at += 777) s.push(x.subarray(at, Math.min(x.length, at + 777)));
  const parts = s.end();
  assert.equal(parts.features.length, 75);
  for (let i = 0; i < 75; i++) assert.deepEqual(Array.from(parts.features[i]!), Array.from(whole.features[i]!));
  const act = speechActivity(whole.rms, 25);
  assert.ok(act[10]! > 0.9 && act[37]! < 0.1);
});

test('readSpeech: bad input is one clear error each (0 bytes, not audio, silent, too long)', async (t) => {
  const dir = tempDir(t);
  const empty = path.join(dir, 'empty.wav');
  writeFileSync(empty, '');
  const text = path.join(dir, 'notes.mp3');
  writeFileSync(text, 'this is not sound\n'.repeat(50));
  const silent = path.join(dir, 'silent.wav');
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '2', silent);
  const image = path.join(dir, 'still.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'color=c=gray:s=64x64:d=1', '-pix_fmt', 'yuv420p', image);
  const tone = path.join(dir, 'tone.wav');
  toneWithPause(tone);
  const expect = async (file: string, code: string, words: RegExp, opts = {}): Promise<void> => {
    await assert.rejects(readSpeech(file, opts), (e) => {
      assert.ok(isVivifyError(e), String(e));
      assert.equal(e.code, code);
      assert.match(e.message, words);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  };
  await expect(empty, 'E_INPUT_EMPTY', /empty \(0 bytes\)/);
  await expect(text, 'E_AUDIO_DECODE', /not a readable audio/);
  await expect(image, 'E_AUDIO_DECODE', /has no audio/);
  await expect(silent, 'E_AUDIO_SILENT', /is silent/);
  await expect(tone, 'E_AUDIO_TOO_LONG', /3\.0 s long; speech is limited to 2\.0 s/, { maxSeconds: 2 });
  const ok = await readSpeech(tone);
  assert.equal(ok.frames.features.length, 75);
  assert.ok(Math.abs(ok.durationS - 3) < 0.01);
  assert.equal((await probeAudio(tone)).channels, 2);
});
