import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANCHORS, decodeDetections, weightedNms } from '../../src/analysis/blazeface.js';

test('BlazeFace anchors: 512 at stride 16 then 384 at stride 32', () => {
  assert.equal(ANCHORS.length / 2, 896);
  assert.deepEqual([ANCHORS[0], ANCHORS[1]], [8, 8]);
  assert.deepEqual([ANCHORS[2 * 512], ANCHORS[2 * 512 + 1]], [16, 16]);
});

test('decodeDetections adds anchor offsets and applies the sigmoid threshold', () => {
  const s16 = new Float32Array(512).fill(-10);
  const b16 = new Float32Array(512 * 16);
  const s32 = new Float32Array(384).fill(-10);
  const b32 = new Float32Array(384 * 16);
  s16[3] = 3; // anchor 3: cell (1, 0) second anchor → centre (24, 8)
  b16.set([2, -1, 40, 50, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3 * 16);
  const out = decodeDetections(s16, b16, s32, b32, 0.5);
  assert.equal(out.length, 1);
  const d = out[0]!;
  assert.ok(Math.abs(d.score - 1 / (1 + Math.exp(-3))) < 1e-9);
  assert.deepEqual([d.cx, d.cy, d.w, d.h], [26, 7, 40, 50]);
  assert.deepEqual(d.keypoints.slice(0, 4), [24, 8, 34, 8]);
});

test('weightedNms merges overlapping candidates into their score-weighted mean and keeps separate ones', () => {
  const kp = new Array(12).fill(0);
  const merged = weightedNms([
    { score: 0.9, cx: 100, cy: 100, w: 50, h: 50, keypoints: kp },
    { score: 0.6, cx: 104, cy: 100, w: 50, h: 50, keypoints: kp },
    { score: 0.8, cx: 200, cy: 200, w: 40, h: 40, keypoints: kp },
  ]);
  assert.equal(merged.length, 2);
  assert.ok(Math.abs(merged[0]!.cx - (100 * 0.9 + 104 * 0.6) / 1.5) < 1e-9);
  assert.equal(merged[1]!.cx, 200);
});
