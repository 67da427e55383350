import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goodFeatures, greyPyramid, trackPoints } from '../../src/motion/flow.js';
import { createImage } from '../../src/face/image.js';

/** A smooth random-ish texture, shifted by (dx, dy). */
function texture(w: number, h: number, dx: number, dy: number) {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x - dx;
      const v = y - dy;
      const g =
        128 + 60 * Math.sin(u * 0.21 + Math.cos(v * 0.13) * 2) + 50 * Math.cos(v * 0.17 + Math.sin(u * 0.09) * 3);
      img.data.set([g, g, g, 255], (y * w + x) * 4);
    }
  }
  return img;
}

test('Lucas–Kanade recovers a known shift, and flat regions are refused', () => {
  const a = greyPyramid(texture(160, 120, 0, 0));
  const b = greyPyramid(texture(160, 120, 3.4, -2.2));
  const pts = Float32Array.from([60, 50, 90, 70, 110, 40]);
  const r = trackPoints(a, b, pts, pts);
  for (let k = 0; k < 3; k++) {
    assert.equal(r.ok[k], 1);
    assert.ok(Math.abs(r.points[2 * k]! - pts[2 * k]! - 3.4) < 0.15, `dx ${r.points[2 * k]! - pts[2 * k]!}`);
    assert.ok(Math.abs(r.points[2 * k + 1]! - pts[2 * k + 1]! + 2.2) < 0.15);
  }
  const flat = greyPyramid(createImage(160, 120, new Uint8ClampedArray(160 * 120 * 4).fill(90)));
  assert.equal(trackPoints(flat, flat, pts, pts).ok[0], 0);
});

test('goodFeatures picks textured points, spaced apart, that pass the filter', () => {
  const pyr = greyPyramid(texture(160, 120, 0, 0));
  const f = goodFeatures(pyr, 20, 15, (x) => x > 40);
  assert.ok(f.length / 2 >= 5);
  for (let i = 0; i < f.length; i += 2) {
    assert.ok(f[i]! > 40);
    for (let j = i + 2; j < f.length; j += 2) assert.ok(Math.hypot(f[i]! - f[j]!, f[i + 1]! - f[j + 1]!) >= 15 - 1e-6);
  }
});
