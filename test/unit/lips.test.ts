/** Closing and relaxing the lips of a canonical face (src/face/lips.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lipClosingField, relaxMouth } from '../../src/face/lips.js';
import { CANONICAL_FACE, mouthAperture } from '../../src/face/measures.js';
import { GROUPS, LANDMARK_COUNT, LM, MESH_POINTS } from '../../src/face/topology.js';

const y = (s: Float32Array, i: number): number => s[3 * i + 1]!;

/** The average face with its lips parted by `by` more (lower lip and chin moved down together). */
function parted(by: number): Float32Array {
  const s = Float32Array.from(CANONICAL_FACE);
  const seam = (y(s, LM.upperLipInner) + y(s, LM.lowerLipInner)) / 2;
  for (let i = 0; i < MESH_POINTS; i++) if (y(s, i) > seam) s[3 * i + 1]! += by;
  return s;
}

test('the closing field shuts the lips, each lip moving whole, the nose staying', () => {
  const open = parted(0.08);
  assert.ok(mouthAperture(open).open > 0.3, 'the test face has its lips apart');
  const f = lipClosingField(open);
  const shut = open.map((v, i) => v + f[i]!);
  assert.ok(mouthAperture(shut).open < 1e-3, `open ${mouthAperture(shut).open}`);
  // The lips keep their thickness: the outer and inner points of a column move together.
  for (const [outer, inner] of [
    [LM.upperLipTop, LM.upperLipInner],
    [LM.lowerLipBottom, LM.lowerLipInner],
  ] as const)
    assert.ok(Math.abs(y(shut, inner) - y(shut, outer) - (y(open, inner) - y(open, outer))) < 1e-6);
  // Both lips meet half way; the base of the nose does not move, the chin less than the lower lip.
  assert.ok(f[3 * LM.upperLipInner + 1]! > 0 && f[3 * LM.lowerLipInner + 1]! < 0);
  assert.equal(f[3 * LM.noseBottom + 1], 0);
  assert.ok(Math.abs(f[3 * LM.chin + 1]!) < Math.abs(f[3 * LM.lowerLipInner + 1]!));
  // Only the mesh moves; the irises go with the gaze.
  for (let i = 3 * MESH_POINTS; i < 3 * LANDMARK_COUNT; i++) assert.equal(f[i], 0);
  // A share of the field closes that share of the gap.
  const half = open.map((v, i) => v + 0.5 * f[i]!);
  assert.ok(Math.abs(mouthAperture(half).open - mouthAperture(open).open / 2) < 0.01);
});

test('relaxing the mouth closes the lips and moves the lower face half way to the neutral shape', () => {
  const open = parted(0.08);
  const neutral = Float32Array.from(CANONICAL_FACE);
  // A wider mouth than the neutral shape's: relaxed, its corners come half way in.
  for (const i of [LM.mouthLeft, LM.mouthRight]) open[3 * i]! *= 1.2;
  assert.deepEqual(relaxMouth(open, neutral, 0), open);
  const relaxed = relaxMouth(open, neutral, 1);
  assert.ok(mouthAperture(relaxed).open < 1e-3);
  const x = (s: Float32Array): number => s[3 * LM.mouthLeft]! - s[3 * LM.mouthRight]!;
  assert.ok(Math.abs(x(relaxed) - (x(open) + x(neutral)) / 2) < 1e-6, 'corners half way');
  // Above the nose nothing moves.
  for (const i of [...GROUPS.noseBridge.slice(0, 3), LM.betweenEyes, LM.foreheadTop])
    for (let d = 0; d < 3; d++) assert.equal(relaxed[3 * i + d], open[3 * i + d]);
});
