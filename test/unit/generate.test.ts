/** Generated motion with the shipped models: determinism, labels, episodes, speech, timelines. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  createTimelineSampler,
  needsMotionModels,
  parseTimeline,
  TimelineError,
} from '../../src/expression/timeline.js';
import { generatedFrames } from '../../src/expression/generated.js';
import { CANONICAL_FACE } from '../../src/face/measures.js';
import { GENERATE_LABELS, generateMotion, SMILE_DYNAMICS } from '../../src/generate/generate.js';
import { loadMotionModels } from '../../src/generate/model.js';
import { ROOT } from '../helpers.js';

const models = loadMotionModels(JSON.parse(readFileSync(path.join(ROOT, 'models', 'motion.json'), 'utf8')));

test('the same seed gives the same motion; another seed another', () => {
  const a = generateMotion(models, { label: 'happy', seed: 7, durationS: 2 });
  const b = generateMotion(models, { label: 'happy', seed: 7, durationS: 2 });
  const c = generateMotion(models, { label: 'happy', seed: 8, durationS: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.frames, c.frames);
});

test('every label gives finite motion of the asked length and rate', () => {
  for (const label of GENERATE_LABELS) {
    const m = generateMotion(models, { label, seed: 3, durationS: 1.5, fps: 30 });
    assert.equal(m.frames.length, 45, label);
    for (const f of m.frames) {
      assert.ok(f.blink >= 0 && f.blink <= 1, label);
      for (const v of [f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg, f.gaze.x, f.gaze.y])
        assert.ok(Number.isFinite(v), label);
      for (const side of [f.aus.left, f.aus.right])
        for (const v of Object.values(side)) assert.ok(Number.isFinite(v) && Math.abs(v!) <= 5, label);
    }
  }
});

test('an episode rises from the face as it is, peaks and relaxes; the face starts still', () => {
  const m = generateMotion(models, { label: 'surprised', seed: 1, durationS: 4 });
  const e = m.envelope!;
  assert.equal(Math.max(...e), 1);
  assert.ok(e[0]! < 0.35 && e[e.length - 1]! < 0.5, `${e[0]} … ${e[e.length - 1]}`);
  assert.ok(m.phases!.onset > 0 && m.phases!.offset > 0, JSON.stringify(m.phases));
  const first = m.frames[0]!;
  assert.equal(Math.abs(first.pose.yawDeg), 0);
  assert.equal(Math.abs(first.gaze.x), 0);
  // `hold` shows the emotion throughout.
  assert.equal(
    generateMotion(models, { label: 'surprised', seed: 1, durationS: 4, shape: 'hold' }).envelope,
    undefined,
  );
});

test('smiles follow their published timing: posed ones rise faster and carry less AU6 than spontaneous ones', () => {
  const stats = (label: 'posed-smile' | 'spontaneous-smile'): { onset: number; au6: number } => {
    let onset = 0;
    let au6 = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const m = generateMotion(models, { label, seed, durationS: 4 });
      onset += m.phases!.onset / m.fps / 4;
      const apex = m.envelope!.indexOf(1);
      const f = m.frames[apex]!;
      au6 += (f.aus.left[6] ?? 0) / Math.max(1e-6, f.aus.left[12] ?? 0) / 4;
    }
    return { onset, au6 };
  };
  const posed = stats('posed-smile');
  const spont = stats('spontaneous-smile');
  assert.ok(posed.onset < spont.onset, `onsets ${posed.onset} vs ${spont.onset}`);
  assert.ok(spont.onset >= SMILE_DYNAMICS['spontaneous-smile'].onsetS[0] - 0.1, `spontaneous onset ${spont.onset}`);
  assert.ok(posed.au6 < spont.au6, `AU6/AU12 ${posed.au6} vs ${spont.au6}`);
});

test('without speech the mouth moves less than with it', () => {
  const spread = (talking: boolean): number => {
    const v = generateMotion(models, { label: 'angry', seed: 5, durationS: 4, shape: 'hold', talking }).frames.map(
      (f) => (f.aus.left[26] ?? 0) + (f.aus.left[25] ?? 0),
    );
    let d = 0;
    for (let i = 1; i < v.length; i++) d += Math.abs(v[i]! - v[i - 1]!);
    return d;
  };
  assert.ok(spread(false) < 0.5 * spread(true), `${spread(false)} vs ${spread(true)}`);
});

test('bad options are refused with the expected value named', () => {
  assert.throws(
    () => generateMotion(models, { label: 'smug' as 'happy' }),
    /Expected one of neutral, .* for label but received "smug"/,
  );
  assert.throws(() => generateMotion(models, { label: 'happy', durationS: 0 }), /Expected a duration/);
  assert.throws(() => generateMotion(models, { label: 'happy', intensity: 3 }), /Expected 0–2 for intensity/);
  assert.throws(() => loadMotionModels({ format: 'something else' }), /Expected a motion model file/);
});

test('generated frames move the face state; frame 0 is the portrait', () => {
  const source = {
    pose: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] as [number, number, number], scale: 100 },
    canon: Float32Array.from(CANONICAL_FACE),
  };
  const g = generatedFrames(models, source, { label: 'happy', seed: 2, durationS: 2 });
  const apex = g.motion.envelope!.indexOf(1);
  let moved = 0;
  let first = 0;
  const a = g.state(apex).canon;
  const z = g.state(0).canon;
  for (let i = 0; i < a.length; i++) {
    moved = Math.max(moved, Math.abs(a[i]! - source.canon[i]!));
    first = Math.max(first, Math.abs(z[i]! - source.canon[i]!));
  }
  assert.ok(moved > 0.01, `apex moves the mesh by ${moved}`);
  assert.ok(first < 0.02, `the first frame stays close to the portrait (${first})`);
});

test('timelines: generated segments and a background layer under keyframes', () => {
  const t = parseTimeline(
    [
      'duration 6s',
      'fps 25',
      'at 0s idle',
      'at 1s happy 0.5',
      'at 2s generate spontaneous-smile 3s seed 4',
      'at 5s still',
    ].join('\n'),
  );
  assert.deepEqual(
    t.background.map((b) => b.label),
    ['idle', 'still'],
  );
  assert.deepEqual(t.generated, [{ timeS: 2, durationS: 3, label: 'spontaneous-smile', intensity: 1, seed: 4 }]);
  assert.ok(needsMotionModels(t));
  assert.throws(() => createTimelineSampler(t, 1), /Expected motion models/);
  const sample = createTimelineSampler(t, 1, models);
  const keyOnly = createTimelineSampler(parseTimeline('duration 6s\nfps 25\nat 1s happy 0.5'), 1);
  // The idle layer moves the head; the keyframes stay underneath; after "still" only keyframes remain.
  const poses = Array.from({ length: 25 }, (_, i) => sample(0.5 + i * 0.15).pose.yawDeg);
  assert.ok(Math.max(...poses) - Math.min(...poses) > 0.05, 'idle moves the head');
  assert.deepEqual(sample(5.5).aus, keyOnly(5.5).aus);
  assert.notDeepEqual(sample(3.5).aus, keyOnly(3.5).aus);
  // Sampling does not change the keyframes (the same time gives the same frame).
  assert.deepEqual(sample(3.5), sample(3.5));
  assert.deepEqual(keyOnly(5.5), createTimelineSampler(parseTimeline('duration 6s\nfps 25\nat 1s happy 0.5'), 1)(5.5));
  // Errors name the line and column.
  assert.throws(
    () => parseTimeline('at 1s generate smug 2s'),
    (e: unknown) => e instanceof TimelineError && /line 1, column 16: unknown label "smug"/.test(e.message),
  );
  assert.throws(() => parseTimeline('at 1s generate happy 0.1s'), /length 0.1s is out of range/);
});
