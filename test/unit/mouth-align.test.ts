import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MOUTH_OPENING } from '../../src/face/topology.js';
import { teethAligner } from '../../src/render/mouth-align.js';

// An exemplar's opening in its tile: a rectangle-like ring 40 px wide, from v = 40 (upper lip) to v = 60.
const points = new Float32Array(2 * MOUTH_OPENING.length);
MOUTH_OPENING.forEach((_, k) => {
  const a = (2 * Math.PI * k) / MOUTH_OPENING.length;
  points[2 * k] = 64 + 20 * Math.cos(a);
  points[2 * k + 1] = 50 + 10 * Math.sign(Math.sin(a)) * Math.min(1, 3 * Math.abs(Math.sin(a)));
});

test('under the portrait’s teeth a real mouth shows what lies under its own, not a second row of teeth', () => {
  // Its teeth fill the top half of its opening; the portrait's a quarter of the target's.
  const align = teethAligner(points, 0.5, 0.25);
  // The portrait's incisal edge (a quarter down, v = 45) samples the exemplar's (halfway, v = 50)…
  assert.ok(Math.abs(align(64, 45) - 50) < 0.01, String(align(64, 45)));
  // …the bottom stays the bottom, and the rest in proportion (three quarters of the way down: v = 55).
  assert.ok(Math.abs(align(64, 59.9) - 59.93) < 0.05, String(align(64, 59.9)));
  assert.ok(Math.abs(align(64, 52.5) - 55) < 0.01, String(align(64, 52.5)));
  // With the same share on both, nothing moves.
  const same = teethAligner(points, 0.3, 0.3);
  for (const v of [41, 46, 52, 58]) assert.ok(Math.abs(same(64, v) - v) < 1e-9);
  // Outside the opening's columns, nothing moves.
  assert.equal(align(10, 45), 45);
});
