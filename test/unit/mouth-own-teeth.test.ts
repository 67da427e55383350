import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../src/face/image.js';
import { MOUTH_OPENING } from '../../src/face/topology.js';
import type { Similarity } from '../../src/face/pose.js';
import { ownTeethFrame, ownTeethSource } from '../../src/render/mouth-own-teeth.js';

// A synthetic source: colours that say where a pixel is (red = x, green = y), a head 100 px per canonical
// unit with its origin at (50, 50), and an open mouth: an ellipse around (50, 60), 30 × 16 px.
const image = createImage(100, 100);
for (let y = 0; y < 100; y++)
  for (let x = 0; x < 100; x++) {
    const p = 4 * (y * 100 + x);
    image.data[p] = 2 * x;
    image.data[p + 1] = 2 * y;
    image.data[p + 2] = 128;
    image.data[p + 3] = 255;
  }
const landmarks = new Float32Array(478 * 3);
MOUTH_OPENING.forEach((i, k) => {
  const a = (2 * Math.PI * k) / MOUTH_OPENING.length;
  landmarks[3 * i] = 50 + 15 * Math.cos(a);
  landmarks[3 * i + 1] = 60 + 8 * Math.sin(a);
});
const pose = (tx: number, ty: number): Similarity => ({
  rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  translation: [tx, ty, 0],
  scale: 100,
});
// Lips at canonical y 0.02 and 0.18, the upper incisal edge at 0.1 (teeth over half the opening).
const mouth = {
  teethMeasured: true,
  upperEdge: 0.1,
  frontZ: 0,
  upperLip: 0.02,
  lowerLip: 0.18,
  chin: 0.5,
  lip: [200, 100, 100],
};
const source = ownTeethSource(image, landmarks, pose(50, 50), mouth)!;

/** The source pixel the layer shows at target pixel centre (x, y), read back from its colour, and its weight. */
function shown(sample: ReturnType<typeof ownTeethFrame>, x: number, y: number): { x: number; y: number; w: number } {
  const out = [0, 0, 0];
  const w = sample(x, y, out);
  return { x: out[0]! / 2, y: out[1]! / 2, w };
}

test('the upper teeth stay fixed to the head: a head moved 10 px shows them 10 px over, unstretched', () => {
  const still = shown(ownTeethFrame(source, pose(50, 50)), 45.5, 56.5);
  assert.equal(still.w, 1);
  assert.ok(Math.abs(still.x - 45) < 0.01 && Math.abs(still.y - 56) < 0.01, JSON.stringify(still));
  const moved = shown(ownTeethFrame(source, pose(60, 50)), 55.5, 56.5);
  assert.equal(moved.w, 1);
  assert.ok(Math.abs(moved.x - 45) < 0.01 && Math.abs(moved.y - 56) < 0.01, JSON.stringify(moved));
});

test('below the upper incisal edge nothing of the source shows: the lower part is the fill’s', () => {
  const sample = ownTeethFrame(source, pose(50, 50));
  assert.equal(shown(sample, 50.5, 63.5).w, 0);
  // Across the edge (canonical 0.1: pixel 60) the teeth fade out over a pixel and a half each side.
  const across = shown(sample, 50.5, 60.5).w;
  assert.ok(across > 0 && across < 1, String(across));
});

test('outside the source’s opening: nothing beside it; above its lip line, the gum a raised lip uncovers', () => {
  const sample = ownTeethFrame(source, pose(50, 50));
  // Beside the mouth's corner: nothing.
  assert.equal(shown(sample, 70.5, 60.5).w, 0);
  // On the lip's wet edge, just under the source's upper lip line at the midline (y 52): the row of teeth
  // 3 px under the line stands in for it…
  const edge = shown(sample, 50.5, 53);
  assert.ok(edge.w === 1 && Math.abs(edge.x - 50) < 0.01 && Math.abs(edge.y - 54.5) < 0.1, JSON.stringify(edge));
  // …and well above it the gum: the lips' colour (200, 100, 100) a little lighter, in the upper lip's shadow
  // (darker by 45% from a teeth's height, 8 px, above the lip line).
  const out = [0, 0, 0];
  assert.equal(sample(50.5, 40.5, out), 1);
  assert.deepEqual(
    out.map((v) => Math.round(v)),
    [116, 58, 58],
  );
  // Near the corners it fades out, leaving the fill's dark there.
  const corner = sample(36.5, 55.5, out);
  assert.ok(corner > 0 && corner < 1, String(corner));
});

test('a source whose teeth were not seen, or show over too little of its opening, has no layer', () => {
  assert.equal(ownTeethSource(image, landmarks, pose(50, 50), { ...mouth, teethMeasured: false }), undefined);
  assert.equal(ownTeethSource(image, landmarks, pose(50, 50), { ...mouth, upperEdge: 0.04 }), undefined);
});
