/** The learned expression appearance: identity at rest, folds where FACS puts them, one-sided actions one-sided. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { bothSides, type AuIntensities } from '../../src/face/action-units.js';
import { decodeBase64, decodeInt16 } from '../../src/face/base64.js';
import { MESH_UV } from '../../src/face/topology.js';
import { GRID_H, GRID_W, gridX, gridY, sideWeight, texelUV, uvTexels } from '../../src/face/uv-grid.js';
import { appearanceModel, frameAppearance } from '../../src/render/appearance.js';
import { emotionAUs, emotionChange, mouthRelaxing } from '../../src/emotion/emotion.js';

/** The UV point between mesh points (their mean). */
const uvOf = (...points: number[]): [number, number] => [
  points.reduce((s, p) => s + MESH_UV[p]![0], 0) / points.length,
  points.reduce((s, p) => s + MESH_UV[p]![1], 0) / points.length,
];

test('base64 decoding matches Node', () => {
  const bytes = Uint8Array.from({ length: 257 }, (_, i) => (i * 37) % 256);
  const text = Buffer.from(bytes).toString('base64');
  assert.deepEqual([...decodeBase64(text)], [...bytes]);
  const ints = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
  assert.deepEqual([...decodeInt16(Buffer.from(ints.buffer).toString('base64'))], [...ints]);
  assert.throws(() => decodeBase64('ab*d'), /base64/);
});

test('the UV grid folds the face onto its right half and finds every face texel on the mesh', () => {
  const [u, v] = texelUV(10, 50);
  assert.ok(Math.abs(gridX(u) - 10) < 1e-9 && Math.abs(gridY(v) - 50) < 1e-9);
  assert.ok(Math.abs(gridX(1 - u) - 10) < 1e-9, 'the left half maps onto the same texel');
  assert.equal(sideWeight(0.5), 0);
  assert.equal(sideWeight(0.3), 1);
  const [right, left] = uvTexels();
  assert.equal(right.length, GRID_W * GRID_H);
  const onFace = right.filter((t) => t.a >= 0).length;
  assert.ok(onFace > 0.6 * right.length, `${onFace} texels on the face`);
  // The mirror texel of a right-side texel lies on the mirrored triangle.
  const i = right.findIndex((t) => t.a >= 0);
  assert.ok(left[i]!.a >= 0);
});

test('no action, no change: the appearance of AU 0 is the identity', () => {
  assert.equal(frameAppearance(undefined), undefined);
  assert.equal(frameAppearance({ left: {}, right: {} }), undefined);
  assert.equal(frameAppearance(bothSides({ 12: 0, 4: 0 })), undefined);
  assert.equal(frameAppearance(bothSides({ 12: 5 }), 0), undefined, 'strength 0 is off');
});

test('the learned model is small and present', () => {
  const file = new URL('../../src/render/appearance-data.ts', import.meta.url);
  assert.ok(statSync(file).size < 1_000_000, 'the model file stays well under 1 MB');
  assert.ok(appearanceModel(), 'a model is stored (run scripts/build-appearance.ts)');
});

const factor = (aus: AuIntensities, uv: [number, number]): number => frameAppearance(aus)!.factorAt(uv[0], uv[1]);

test('a smile darkens the nasolabial fold; a frown furrows between the brows', () => {
  // The nasolabial fold runs from the nose wing down past the mouth corner, on the cheek side.
  const fold = uvOf(206, 216);
  const foldFactor = factor(bothSides({ 12: 5 }), fold);
  assert.ok(foldFactor < 0.97, `AU12 at the nasolabial fold: ×${foldFactor.toFixed(3)}`);
  // Furrows run beside the midline where the inner brows bunch (the skin on the midline itself bulges and can
  // catch the light): the darkest point between and at the inner brows is clearly darker.
  let furrow = 1;
  for (const p of [9, 8, 107, 55, 65, 336, 285, 295]) furrow = Math.min(furrow, factor(bothSides({ 4: 5 }), uvOf(p)));
  assert.ok(furrow < 0.98, `AU4 between the brows: darkest ×${furrow.toFixed(3)}`);
});

test('one-sided actions change one side only; contempt is one-sided', () => {
  const fold = uvOf(206, 216);
  const mirrored: [number, number] = [1 - fold[0], fold[1]];
  const rightOnly = { left: {}, right: { 12: 5 } } as AuIntensities;
  assert.ok(factor(rightOnly, fold) < 0.97, 'the right fold deepens');
  assert.ok(Math.abs(factor(rightOnly, mirrored) - 1) < 0.005, 'the left cheek stays');
  const contempt = emotionAUs('contempt', 1);
  assert.ok((contempt.left[12] ?? 0) > 0.5 && !contempt.right[12], 'contempt: one lip corner');
  const c = factor(contempt, mirrored) - 1;
  const other = factor(contempt, fold) - 1;
  assert.ok(Math.abs(c) > 2 * Math.abs(other), `contempt shades one side (${c.toFixed(3)} vs ${other.toFixed(3)})`);
});

test('emotions fade what they contradict: sadness takes the smile away, neutral everything', () => {
  const smiling = bothSides({ 12: 3, 6: 2 });
  const sad = emotionChange(smiling, 'sad', 1);
  assert.ok(Math.abs((sad.left[12] ?? 0) + 3) < 1e-9, 'the smile goes at intensity 1');
  const halfSad = emotionChange(smiling, 'sad', 0.5);
  assert.ok(Math.abs((halfSad.left[12] ?? 0) + 1.5) < 1e-9, 'half of it at 0.5');
  const neutral = emotionChange(bothSides({ 12: 3, 4: 2 }), 'neutral', 1);
  assert.deepEqual(neutral, bothSides({ 12: -3, 4: -2 }));
  const happy = emotionChange(bothSides({}), 'happy', 1);
  assert.ok((happy.left[12] ?? 0) > 1 && (happy.left[6] ?? 0) > 0.5, 'happy raises corners and cheeks');
  const capped = emotionChange(bothSides({ 12: 4.9 }), 'happy', 1);
  assert.ok((capped.left[12] ?? 0) <= 0.1 + 1e-9, 'never beyond intensity 5');
});

test('on a face showing its teeth, a smile is relaxed as a whole; a mouth open without one stays open', () => {
  const grin = bothSides({ 12: 5, 25: 2 });
  assert.equal(mouthRelaxing(grin, 'sad', 1), 1);
  assert.equal(mouthRelaxing(grin, 'sad', 0.4), 0.4);
  assert.equal(mouthRelaxing(grin, 'neutral', 1), 1);
  assert.equal(mouthRelaxing(grin, 'happy', 1), 0, 'happy builds on the smile');
  assert.equal(mouthRelaxing(grin, 'contempt', 1, true), 0, 'contempt has a smile of its own');
  assert.equal(mouthRelaxing(bothSides({ 12: 2 }), 'angry', 1), 0.5, 'a slight smile, half');
  const sad = emotionChange(grin, 'sad', 1, false, true);
  assert.equal(sad.left[12], -5, 'relaxed, the smile is gone');
  assert.equal(sad.left[25], -2);
  // Speaking, lips apart and no smile: sadness does not shut the mouth (the warp cannot draw lips over teeth
  // one action at a time, and nothing is relaxed).
  const speaking = bothSides({ 25: 3 });
  assert.equal(mouthRelaxing(speaking, 'sad', 1), 0);
  assert.equal(emotionChange(speaking, 'sad', 1, false, true).left[25], undefined);
  assert.equal(emotionChange(speaking, 'sad', 1).left[25], -3, 'lips together, the action fades');
});
