import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { audioFeatures, normaliseAudioFeatures, speechActivity } from '../../src/analysis/audio-features.js';
import { loadMotionModels } from '../../src/generate/model.js';
import { loadSpeechModel } from '../../src/speech/model.js';
import { speechMotion } from '../../src/speech/speech-motion.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const motion = loadMotionModels(JSON.parse(readFileSync(path.join(ROOT, 'models', 'motion.json'), 'utf8')));
const speech = loadSpeechModel(JSON.parse(readFileSync(path.join(ROOT, 'models', 'speech.json'), 'utf8')));

/** 4 s: a voiced buzz with syllable-like bursts (4 per second) in 0–1.5 s and 2.5–4 s, silence between. */
function utterance(): Float32Array {
  const sr = 16000;
  return Float32Array.from({ length: 4 * sr }, (_, i) => {
    const t = i / sr;
    if (t >= 1.5 && t < 2.5) return 0;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * 140 * h * t + h) / h;
    return 0.3 * syllable * v;
  });
}

const frames = audioFeatures(utterance(), 16000, 25);
const normalised = normaliseAudioFeatures(frames);
const activity = speechActivity(frames.rms, 25);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

test('the mouth opens while the voice sounds and rests in the pause', () => {
  const m = speechMotion(motion, speech, normalised, activity, { seed: 3 });
  assert.equal(m.frames.length, 100);
  const jaw = m.frames.map((f) => (f.aus.left[25] ?? 0) + (f.aus.left[26] ?? 0));
  const voiced = mean([...jaw.slice(5, 35), ...jaw.slice(65, 95)]);
  const pause = mean(jaw.slice(42, 58));
  assert.ok(voiced > 0.15 && pause < voiced / 4, `voiced ${voiced}, pause ${pause}`);
});

test('the head moves less in the pause than while speaking, and the seed decides the motion', () => {
  const a = speechMotion(motion, speech, normalised, activity, { seed: 3 });
  const b = speechMotion(motion, speech, normalised, activity, { seed: 3 });
  const c = speechMotion(motion, speech, normalised, activity, { seed: 4 });
  assert.deepEqual(a.frames, b.frames);
  assert.notDeepEqual(
    a.frames.map((f) => f.pose),
    c.frames.map((f) => f.pose),
  );
  // Over several seeds (one sample's head may rest by chance), speed in the pause vs while speaking.
  let pause = 0;
  let voiced = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const m = speechMotion(motion, speech, normalised, activity, { seed });
    const speed = m.frames.slice(1).map((f, i) => {
      const p = m.frames[i]!.pose;
      return Math.hypot(f.pose.yawDeg - p.yawDeg, f.pose.pitchDeg - p.pitchDeg, f.pose.rollDeg - p.rollDeg);
    });
    pause += mean(speed.slice(44, 56));
    voiced += mean([...speed.slice(5, 30), ...speed.slice(70, 95)]);
  }
  assert.ok(pause < voiced * 0.8, `pause ${pause}, voiced ${voiced}`);
});

test('an emotion is shown while the lips still follow the speech', () => {
  const plain = speechMotion(motion, speech, normalised, activity, { seed: 3 });
  const happy = speechMotion(motion, speech, normalised, activity, {
    seed: 3,
    emotion: { name: 'happy', intensity: 0.8 },
  });
  const smile = (m: typeof plain): number => mean(m.frames.map((f) => f.aus.left[12] ?? 0));
  assert.ok(smile(happy) > smile(plain) + 0.3, `${smile(happy)} vs ${smile(plain)}`);
  const jaw = (m: typeof plain): number[] => m.frames.map((f) => (f.aus.left[26] ?? 0) + (f.aus.left[25] ?? 0));
  assert.ok(mean(jaw(happy).slice(5, 35)) > mean(jaw(happy).slice(42, 58)) + 0.2);
});
