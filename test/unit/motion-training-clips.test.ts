/**
 * Which clips the motion models learn from: only those filmed fast enough to show motion at the models'
 * 25 frames/s (src/generate/dataset.ts, MIN_TRAINING_FPS).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readMotionDataFile } from '../../src/dataset/motion-data-file.js';
import { parseMotionData } from '../../src/generate/data.js';
import {
  clipClosure,
  clipFeatures,
  findBlinks,
  generatorLabels,
  MIN_TRAINING_FPS,
  teachesMotion,
} from '../../src/generate/dataset.js';
import { meanAUs, MODEL_FPS, resample } from '../../src/generate/features.js';

/** Mean absolute frame-to-frame change of the 16 AU means. */
function auSpeed(frames: readonly Float32Array[]): number {
  let sum = 0;
  for (let t = 1; t < frames.length; t++) {
    const a = meanAUs(frames[t]!);
    const b = meanAUs(frames[t - 1]!);
    sum += a.reduce((s, v, k) => s + Math.abs(v - b[k]!), 0) / a.length;
  }
  return sum / (frames.length - 1);
}

test('filmed at 10 frames/s and brought to 25, talking clips lose fast motion and a share of their blinks', async (t) => {
  const data = parseMotionData(await readMotionDataFile());
  const talking = data.clips.filter((c) => c.fps >= 24 && generatorLabels(c).includes('talking'));
  assert.ok(talking.length >= 10, `${talking.length} talking clips at 24 frames/s or more`);
  /** The same series as a 10-frame/s camera records it, brought back to the models' rate. */
  const at10 = <T extends Float32Array>(frames: readonly T[]): Float32Array[] =>
    resample(resample(frames, MODEL_FPS, 10), 10, MODEL_FPS);
  let blinks = 0;
  let blinksAt10 = 0;
  const ratios: number[] = [];
  for (const clip of talking) {
    const frames = clipFeatures(clip);
    const ratio = auSpeed(at10(frames)) / auSpeed(frames);
    ratios.push(ratio);
    assert.ok(ratio < 0.9, `${clip.file}: frame-to-frame change ${ratio.toFixed(2)} of the clip's own`);
    const closure = clipClosure(clip);
    blinks += findBlinks(closure).length;
    blinksAt10 += findBlinks(at10(closure.map((v) => Float32Array.of(v))).map((f) => f[0]!)).length;
  }
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  t.diagnostic(
    `${talking.length} clips: frame-to-frame change at 10 frames/s ${meanRatio.toFixed(2)} of the clips' own (mean); blinks found ${blinks} → ${blinksAt10}`,
  );
  assert.ok(blinks >= 40, `${blinks} blinks`);
  assert.ok(blinksAt10 <= 0.8 * blinks, `${blinksAt10} of ${blinks} blinks found at 10 frames/s`);
});

test('the models learn from every clip filmed at 20 frames/s or more, and from no slower one', async () => {
  const data = parseMotionData(await readMotionDataFile());
  const left = data.clips.filter((c) => !teachesMotion(c));
  assert.ok(
    left.some((c) => c.file.endsWith('lia_vox_driving1.mp4')),
    'the 10-frame/s Vox clip is left out',
  );
  for (const c of left) assert.ok(c.fps < MIN_TRAINING_FPS, c.file);
  const idle = data.clips.filter((c) => c.split === 'train' && teachesMotion(c) && generatorLabels(c).includes('idle'));
  assert.ok(idle.length >= 15, `${idle.length} idle training clips remain`);
});
