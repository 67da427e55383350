/**
 * The audio feature stream's drain(): a live consumer (the web app's lip-sync) takes frames as they
 * complete and the stream forgets them; the frames are the same numbers the whole signal gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioFeatures, createAudioFeatureStream, SPEECH_SAMPLE_RATE } from '../../src/analysis/audio-features.js';

test('drained frames, then end(), are the frames of the whole signal, in order', () => {
  const rate = SPEECH_SAMPLE_RATE;
  // 1.3 s of a vowel-like buzz whose loudness rises and falls four times a second.
  const samples = Float32Array.from({ length: Math.round(1.3 * rate) }, (_, i) => {
    const t = i / rate;
    return (
      0.3 * Math.abs(Math.sin(2 * Math.PI * 2 * t)) * Math.sin(2 * Math.PI * 180 * t + Math.sin(2 * Math.PI * 360 * t))
    );
  });
  const whole = audioFeatures(samples, rate, 25);
  const stream = createAudioFeatureStream(rate, 25);
  const got: Float32Array[] = [];
  const rms: number[] = [];
  let counted = 0;
  for (let at = 0; at < samples.length; at += 700) {
    counted = stream.push(samples.subarray(at, at + 700));
    const d = stream.drain();
    got.push(...d.features);
    rms.push(...d.rms);
    assert.equal(got.length, counted, 'push counts drained frames too');
    assert.equal(stream.drain().features.length, 0, 'a second drain has nothing new');
  }
  const rest = stream.end();
  got.push(...rest.features);
  rms.push(...rest.rms);
  assert.equal(whole.features.length, 33);
  assert.equal(got.length, whole.features.length);
  got.forEach((f, i) => assert.deepEqual(Array.from(f), Array.from(whole.features[i]!), `frame ${i}`));
  assert.deepEqual(rms, Array.from(whole.rms));
});
