/**
 * The shipped speech data and model agree with the code: built with the same landmark analysis, AU
 * estimator and audio features (a change of any leaves them stale, and this fails until
 * `npm run build:speech-data && npm run train:speech` is run), the split keeps speakers apart, and the
 * run-time network reproduces what training measured.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AUDIO_FEATURES } from '../../src/analysis/audio-features.js';
import { pearsonOrZero } from '../../src/eval/speech-metrics.js';
import { loadSpeechModel, SPEECH_AUS, type SpeechModelFile } from '../../src/speech/model.js';
import { readSpeechData } from '../../src/speech/node/speech-dataset.js';
import { speechVersions } from '../../src/speech/node/versions.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const modelJson = JSON.parse(readFileSync(path.join(ROOT, 'models', 'speech.json'), 'utf8')) as SpeechModelFile;

test('the speech data and the shipped model were built with the versions the code has now', async () => {
  const data = await readSpeechData();
  const now = speechVersions();
  assert.deepEqual(data.versions, now, 'data/speech-data.json.gz is stale: npm run build:speech-data');
  assert.deepEqual(modelJson.versions, now, 'models/speech.json is stale: npm run train:speech');
  assert.equal(modelJson.inputs, AUDIO_FEATURES);
  assert.deepEqual(modelJson.lipPoints, data.lipPoints);
});

test('the split is by speaker: no held-out speaker has a clip in training', async () => {
  const data = await readSpeechData();
  const train = new Set(data.clips.filter((c) => c.split === 'train').map((c) => c.speaker));
  const held = new Set(data.clips.filter((c) => c.split === 'heldout').map((c) => c.speaker));
  assert.ok(held.size >= 4 && train.size >= 10, `${held.size} held-out, ${train.size} training speakers`);
  for (const s of held) assert.ok(!train.has(s), `${s} is in both`);
});

test('the run-time model reproduces the stored held-out figure, and opens the mouth with the voice', async () => {
  const data = await readSpeechData();
  const model = loadSpeechModel(modelJson);
  const upper = data.lipPoints.indexOf(13);
  const lower = data.lipPoints.indexOf(14);
  const held = data.clips.filter((c) => c.split === 'heldout');
  let r = 0;
  for (const c of held) {
    const p = model.predict(c.features.map((f) => Float32Array.from(f)));
    assert.equal(p.aus.length, c.frames);
    assert.ok(p.aus.every((a) => a.length === SPEECH_AUS.length && a.every((v) => v >= 0 && v <= 5)));
    r +=
      pearsonOrZero(
        p.lips.map((l) => l[2 * lower + 1]! - l[2 * upper + 1]!),
        c.open,
      ) / held.length;
  }
  assert.ok(Math.abs(r - Number(modelJson.validation.openingCorrelationLips)) < 0.01, `${r}`);
  assert.ok(r > 0.15, `held-out opening correlation ${r}`);
});
