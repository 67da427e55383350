import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_FACE } from '../../src/face/canonical-data.js';
import { LANDMARK_COUNT, LM, MESH_TRIANGLES, MIRROR } from '../../src/face/topology.js';

test('MIRROR is an involution that swaps the eyes and keeps the midline', () => {
  for (let i = 0; i < LANDMARK_COUNT; i++) assert.equal(MIRROR[MIRROR[i]!], i, `point ${i}`);
  assert.equal(MIRROR[LM.rightEyeOuter], LM.leftEyeOuter);
  assert.equal(MIRROR[LM.noseTip], LM.noseTip);
  assert.equal(MIRROR[LM.leftIrisCenter], LM.rightIrisCenter);
});

test('the canonical face is symmetric, upright, facing the camera, 1 unit between the outer eye corners', () => {
  const p = (i: number, k: number): number => CANONICAL_FACE[3 * i + k]!;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const j = MIRROR[i]!;
    assert.ok(Math.abs(p(i, 0) + p(j, 0)) < 1e-4 && Math.abs(p(i, 1) - p(j, 1)) < 1e-4, `point ${i}`);
  }
  assert.ok(Math.abs(p(LM.leftEyeOuter, 0) - p(LM.rightEyeOuter, 0) - 1) < 1e-4);
  assert.ok(p(LM.chin, 1) > p(LM.noseTip, 1) && p(LM.noseTip, 1) > p(LM.foreheadTop, 1), 'y points down');
  assert.ok(p(LM.noseTip, 2) < p(LM.rightEyeOuter, 2), 'the nose is nearer the camera than the eyes');
});

test('the triangulation indexes the 468 mesh points', () => {
  assert.equal(MESH_TRIANGLES.length % 3, 0);
  assert.ok(MESH_TRIANGLES.every((i) => i >= 0 && i < 468));
});
