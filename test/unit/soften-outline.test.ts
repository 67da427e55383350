/**
 * Softening a polygon's outline: a region filled inside a polygon meets the pixels outside it in a
 * stair-stepped edge; the pixels on the outline are blended with their neighbours, those a radius away are not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage } from '../../src/face/image.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import { softenOutline } from '../../src/render/sampling.js';

test('pixels along the outline are blended with their neighbours; pixels a radius off it are untouched', () => {
  // A slanted quadrilateral filled black on white, hard-edged (pixel centres inside or out).
  const ring = [0, 1, 2, 3];
  const lm = Float32Array.from(
    [10.2, 12.7, 50.6, 8.3, 54.1, 30.9, 8.8, 27.4].flatMap((v, i) => (i % 2 ? [v, 0] : [v])),
  );
  const img = createImage(64, 40);
  for (let y = 0; y < 40; y++)
    for (let x = 0; x < 64; x++) {
      const v = pointInPolygon(lm, 3, ring, x + 0.5, y + 0.5) ? 0 : 255;
      img.data.set([v, v, v, 255], 4 * (y * 64 + x));
    }
  const before = Uint8ClampedArray.from(img.data);
  softenOutline(img, lm, ring, 1.2);
  let blended = 0;
  let far = 0;
  let changedFar = 0;
  for (let y = 0; y < 40; y++)
    for (let x = 0; x < 64; x++) {
      const o = 4 * (y * 64 + x);
      // Distance to the outline.
      let d = Infinity;
      for (let k = 0; k < 4; k++) {
        const ax = lm[3 * k]!;
        const ay = lm[3 * k + 1]!;
        const qx = lm[3 * ((k + 1) % 4)]! - ax;
        const qy = lm[3 * ((k + 1) % 4) + 1]! - ay;
        const t = Math.max(0, Math.min(1, ((x + 0.5 - ax) * qx + (y + 0.5 - ay) * qy) / (qx * qx + qy * qy)));
        d = Math.min(d, Math.hypot(x + 0.5 - ax - t * qx, y + 0.5 - ay - t * qy));
      }
      if (d < 0.5 && img.data[o]! > 0 && img.data[o]! < 255) blended++;
      if (d >= 1.2) {
        far++;
        if (img.data[o] !== before[o]) changedFar++;
      }
    }
  assert.ok(blended > 40, `${blended} pixels on the outline are between black and white`);
  assert.ok(far > 2000);
  assert.equal(changedFar, 0);
});
