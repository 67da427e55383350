/**
 * The `talking` label (head motion and blinks of a person speaking, no mouth speech) and the emotions'
 * strength at intensity 1 (the edit's apex, on average), with the shipped models.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ACTION_UNITS } from '../../src/face/action-units.js';
import { generateMotion } from '../../src/generate/generate.js';
import { readMotionDataFile } from '../../src/dataset/motion-data-file.js';
import { parseMotionData } from '../../src/generate/data.js';
import { clipFeatures, generatorLabels, teachesMotion } from '../../src/generate/dataset.js';
import { emotionVector, F_POSE, MODEL_FPS } from '../../src/generate/features.js';
import { loadMotionModels } from '../../src/generate/model.js';
import { ROOT } from '../helpers.js';

const models = loadMotionModels(JSON.parse(readFileSync(path.join(ROOT, 'models', 'motion.json'), 'utf8')));

const sd = (v: number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

test('talking is its own trained label, with blink statistics learned from talking clips', () => {
  assert.ok(models.generator.config.labels.includes('talking'));
  assert.ok(models.file.noise.talking, 'residual motion fitted for talking');
  const b = models.file.labelBlinks?.talking;
  assert.ok(b && b.count >= 40, 'talking clips give their own blink statistics');
});

test('talking moves the head and blinks at the talking clips’ rate, and does not mouth words', () => {
  let blinks = 0;
  let seconds = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const m = generateMotion(models, { label: 'talking', seed, durationS: 20 });
    assert.deepEqual(m, generateMotion(models, { label: 'talking', seed, durationS: 20 }), 'deterministic');
    const yaw = m.frames.map((f) => f.pose.yawDeg);
    const pitch = m.frames.map((f) => f.pose.pitchDeg);
    assert.ok(sd(yaw) + sd(pitch) > 0.5, `head still: yaw sd ${sd(yaw)}, pitch sd ${sd(pitch)}`);
    // Without `talking: true` the jaw keeps only its slow part: no syllable-rate opening and closing.
    const jaw = m.frames.map((f) => ((f.aus.left[26] ?? 0) + (f.aus.right[26] ?? 0)) / 2);
    const jitter = jaw.slice(1).reduce((a, v, t) => a + Math.abs(v - jaw[t]!), 0) / (jaw.length - 1);
    assert.ok(jitter < 0.05, `jaw moves ${jitter} a frame`);
    const closed = m.frames.map((f) => f.blink);
    for (let t = 1; t < closed.length; t++) if (closed[t]! >= 0.5 && closed[t - 1]! < 0.5) blinks++;
    seconds += 20;
  }
  const b = models.file.labelBlinks!.talking!;
  const want = b.count / b.minutes;
  const got = blinks / (seconds / 60);
  assert.ok(
    got > want / 1.6 && got < want * 1.6,
    `${got.toFixed(1)} blinks a minute, talking clips ${want.toFixed(1)}`,
  );
});

test('an emotion at intensity 1 shows, on average, the edit of it: about 1 of the edit’s apex', () => {
  for (const emotion of ['happy', 'sad', 'surprised', 'angry'] as const) {
    const v = emotionVector(emotion);
    const vv = v.reduce((a, x) => a + x * x, 0);
    let share = 0;
    const n = 8;
    for (let seed = 1; seed <= n; seed++) {
      const m = generateMotion(models, { label: emotion, seed, durationS: 4, shape: 'hold' });
      // After the first 0.8 s (the ease-in), the frames' projection on the edit's apex vector.
      const rows = m.frames
        .slice(20)
        .map((f) => ACTION_UNITS.flatMap((au) => [f.aus.left[au] ?? 0, f.aus.right[au] ?? 0]));
      share += rows.reduce((a, r) => a + r.reduce((b, x, k) => b + x * v[k]!, 0) / vv, 0) / rows.length / n;
    }
    assert.ok(share > 0.6 && share < 1.6, `${emotion}: ${share.toFixed(2)} of the edit's apex`);
    // Half the intensity, about half the share.
    const half = generateMotion(models, { label: emotion, seed: 1, durationS: 4, shape: 'hold', intensity: 0.5 });
    const full = generateMotion(models, { label: emotion, seed: 1, durationS: 4, shape: 'hold' });
    const proj = (m: typeof full): number =>
      m.frames
        .slice(20)
        .reduce(
          (a, f) =>
            a +
            ACTION_UNITS.reduce(
              (b, au, k) => b + ((f.aus.left[au] ?? 0) * v[2 * k]! + (f.aus.right[au] ?? 0) * v[2 * k + 1]!),
              0,
            ),
          0,
        );
    assert.ok(proj(half) < proj(full), emotion);
  }
});

test('talking turns and nods the head within 4-s windows about as much as the talking clips it learnt from', async () => {
  const data = parseMotionData(await readMotionDataFile());
  const W = 4 * MODEL_FPS;
  /** Mean standard deviation of yaw, pitch and roll (degrees) within 4-s windows (stride 2 s). */
  const spread = (poses: readonly number[][][]): number => {
    let sum = 0;
    let n = 0;
    for (const pose of poses) {
      for (let o = 0; o + W <= pose.length; o += W / 2) {
        for (let k = 0; k < 3; k++) sum += sd(pose.slice(o, o + W).map((p) => p[k]!)) / 3;
        n++;
      }
    }
    return sum / n;
  };
  const clips = data.clips.filter(
    (c) => c.split === 'train' && teachesMotion(c) && generatorLabels(c).includes('talking'),
  );
  const real = spread(clips.map((c) => clipFeatures(c).map((f) => [f[F_POSE]!, f[F_POSE + 1]!, f[F_POSE + 2]!])));
  const samples = Array.from({ length: 24 }, (_, i) =>
    generateMotion(models, { label: 'talking', seed: 1000 + i, durationS: 20 }).frames.map((f) => [
      f.pose.yawDeg,
      f.pose.pitchDeg,
      f.pose.rollDeg,
    ]),
  );
  const ratio = spread(samples) / real;
  assert.ok(ratio > 0.9 && ratio < 1.2, `head spread ${ratio.toFixed(2)} of the talking clips' (${real.toFixed(2)}°)`);
});
