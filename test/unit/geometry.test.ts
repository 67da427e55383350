import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cropToImage, imageToCrop, sampleCrop } from '../../src/analysis/crop.js';
import {
  applySimilarity,
  eulerToRotation,
  fitSimilarity,
  invertSimilarity,
  rotationToEuler,
} from '../../src/face/pose.js';
import { createImage, type RgbaImage } from '../../src/face/image.js';
import { pyramidLevel, pyramidLevelSize, pyramidWindow } from '../../src/face/pyramid.js';
import { forEachPixelInRing, pointInPolygon, ringBounds, columnSpan } from '../../src/render/geometry.js';

test('crop mapping: imageToCrop inverts cropToImage for a rotated, scaled square', () => {
  const r = { cx: 103.5, cy: 77.25, size: 143, angleRad: 0.37 };
  for (const [u, v] of [
    [0, 0],
    [191, 5],
    [96, 96],
    [12.5, 180.25],
  ] as const) {
    const [x, y] = cropToImage(r, 192, u, v);
    const [u2, v2] = imageToCrop(r, 192, x, y);
    assert.ok(Math.abs(u2 - u) < 1e-9 && Math.abs(v2 - v) < 1e-9, `${u},${v} -> ${u2},${v2}`);
  }
});

test('sampleCrop of an axis-aligned 1:1 square reproduces the pixels exactly', () => {
  const img = createImage(4, 4);
  for (let i = 0; i < 16; i++) img.data.set([i * 10, 255 - i * 10, i, 255], i * 4);
  const out = sampleCrop(img, { cx: 2, cy: 2, size: 4, angleRad: 0 }, 4);
  for (let i = 0; i < 16; i++) {
    assert.ok(Math.abs(out[i * 3]! * 255 - i * 10) < 1e-3);
    assert.ok(Math.abs(out[i * 3 + 1]! * 255 - (255 - i * 10)) < 1e-3);
  }
});

test('sampleCrop: flip mirrors, grey uses BT.601 luma, outside the image is zero', () => {
  const img = createImage(
    2,
    2,
    Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 0, 255, 255]),
  );
  const flipped = sampleCrop(img, { cx: 1, cy: 1, size: 2, angleRad: 0 }, 2, { flip: true });
  assert.ok(flipped[0]! < 0.01 && flipped[2]! > 0.99, 'left output pixel is the blue one');
  const grey = sampleCrop(img, { cx: 1, cy: 1, size: 2, angleRad: 0 }, 2, { channels: 1 });
  assert.ok(Math.abs(grey[0]! - 0.2989) < 1e-3 && Math.abs(grey[1]! - 0.114) < 1e-3);
  const outside = sampleCrop(img, { cx: 100, cy: 100, size: 2, angleRad: 0 }, 2, { scale: 2, offset: -1 });
  assert.deepEqual(Array.from(outside), new Array(12).fill(-1));
});

test('sampleCrop rotated by 90° turns a horizontal gradient into a vertical one', () => {
  const img = createImage(8, 8);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) img.data.set([x * 30, 0, 0, 255], (y * 8 + x) * 4);
  const out = sampleCrop(img, { cx: 4, cy: 4, size: 8, angleRad: Math.PI / 2 }, 8);
  // Crop u runs along image +y, crop v along image −x: red then falls down the rows and is constant along them.
  assert.ok(Math.abs(out[(0 * 8 + 0) * 3]! - out[(0 * 8 + 7) * 3]!) < 1e-6);
  assert.ok(out[(0 * 8 + 0) * 3]! > out[(7 * 8 + 0) * 3]!);
});

/** A noisy test image (odd sizes, so every level drops a last row or column). */
function noise(width: number, height: number, seed = 1): RgbaImage {
  const img = createImage(width, height);
  let s = seed;
  for (let i = 0; i < img.data.length; i++) {
    s = (s * 16807) % 2147483647;
    img.data[i] = i % 4 === 3 ? 255 : s & 255;
  }
  return img;
}

test('pyramid windows hold exactly the pixels of the whole pyramid level, and only what was asked for', () => {
  const img = noise(203, 141);
  const copy = createImage(img.width, img.height, img.data.slice());
  for (const [level, x0, y0, x1, y1] of [
    [1, 10, 7, 40, 33],
    [1, 60.5, -4, 101.2, 80], // grows the cached window; clipped to the level
    [2, 0, 0, 50, 35],
    [3, 3, 2, 9, 8],
    [1, 90, 60, 200, 200],
  ] as const) {
    const win = pyramidWindow(img, level, x0, y0, x1, y1);
    const full = pyramidLevel(copy, level);
    const size = pyramidLevelSize(img.width, img.height, level);
    assert.deepEqual([full.width, full.height], [size.width, size.height]);
    assert.ok(win.x0 <= Math.max(0, Math.floor(x0)) && win.y0 <= Math.max(0, Math.floor(y0)));
    assert.ok(
      win.x0 + win.image.width >= Math.min(size.width, x1) && win.y0 + win.image.height >= Math.min(size.height, y1),
    );
    for (let y = 0; y < win.image.height; y++) {
      for (let x = 0; x < win.image.width; x++) {
        const a = (y * win.image.width + x) * 4;
        const b = ((win.y0 + y) * full.width + win.x0 + x) * 4;
        assert.deepEqual(
          [...win.image.data.subarray(a, a + 4)],
          [...full.data.subarray(b, b + 4)],
          `${level}: ${x},${y}`,
        );
      }
    }
  }
  // A small request on a fresh image builds a small window, not the whole level.
  const small = pyramidWindow(noise(1920, 1080), 1, 400, 200, 500, 300);
  assert.ok(small.image.width <= 102 && small.image.height <= 102, `${small.image.width}×${small.image.height}`);
});

test('sampleCrop reads the same values from a pyramid window as from the whole level', () => {
  const img = noise(640, 480, 7);
  for (const r of [
    { cx: 300, cy: 200, size: 400, angleRad: 0.3 }, // shrinks 2× → level 1
    { cx: 20, cy: 460, size: 300, angleRad: -0.7 }, // off the corner: zeros outside
    { cx: 320, cy: 240, size: 900, angleRad: 0 }, // the whole image at level 2
    { cx: 500, cy: 100, size: 64, angleRad: 1.2 }, // level 0
  ]) {
    for (const out of [64, 192]) {
      const whole = createImage(img.width, img.height, img.data.slice());
      for (let l = 0; l < 4; l++) pyramidLevel(whole, l); // the whole levels exist: the crop reads them
      const a = sampleCrop(img, r, out, { flip: out === 64 });
      const b = sampleCrop(whole, r, out, { flip: out === 64 });
      assert.deepEqual(a, b, JSON.stringify(r));
    }
  }
});

test('fitSimilarity recovers a known rotation, scale and translation', () => {
  const pts = new Float32Array(60);
  for (let i = 0; i < pts.length; i++) pts[i] = Math.sin(i * 12.9898) * 3;
  const truth = {
    rotation: eulerToRotation(25, -12, 7),
    scale: 42.5,
    translation: [100, -20, 5] as [number, number, number],
  };
  const moved = applySimilarity(truth, pts);
  const fit = fitSimilarity(
    pts,
    moved,
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.ok(Math.abs(fit.scale - 42.5) < 1e-3, `scale ${fit.scale}`);
  fit.rotation.forEach((v, i) => assert.ok(Math.abs(v - truth.rotation[i]!) < 1e-5));
  fit.translation.forEach((v, i) => assert.ok(Math.abs(v - truth.translation[i]!) < 1e-2));
  const back = applySimilarity(invertSimilarity(fit), moved);
  for (let i = 0; i < pts.length; i++) assert.ok(Math.abs(back[i]! - pts[i]!) < 1e-3);
});

test('Euler angles round-trip and have the documented signs', () => {
  const e = rotationToEuler(eulerToRotation(30, -15, 10));
  assert.ok(Math.abs(e.yawDeg - 30) < 1e-9 && Math.abs(e.pitchDeg + 15) < 1e-9 && Math.abs(e.rollDeg - 10) < 1e-9);
  // Positive yaw moves the nose (towards the camera, z < 0) to the image's right.
  const R = eulerToRotation(20, 0, 0);
  const noseX = R[2]! * -1;
  assert.ok(noseX > 0);
  // Positive pitch moves the nose down (y grows downwards).
  const P = eulerToRotation(0, 20, 0);
  assert.ok(P[5]! * -1 > 0);
});

test('forEachPixelInRing visits exactly the pixels whose centre pointInPolygon puts inside, in row order', () => {
  // Seeded polygons: convex, star-shaped with self-crossings, vertices on pixel centres and edges, steps 1 and 3.
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const W = 40;
  const H = 30;
  let visited = 0;
  for (let trial = 0; trial < 60; trial++) {
    const n = 3 + (trial % 12);
    const pts = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) {
      const onGrid = trial % 5 === 0;
      const a = (2 * Math.PI * k) / n + (trial % 3 === 0 ? rand() * 3 : 0);
      const r = 4 + rand() * 16;
      const x = 20 + r * Math.cos(a) - 4 + rand() * 8;
      const y = 15 + r * Math.sin(a);
      pts[3 * k] = onGrid ? Math.round(x) + 0.5 : x;
      pts[3 * k + 1] = onGrid ? Math.round(y) + 0.5 : y;
    }
    const ring = Array.from({ length: n }, (_, k) => k);
    for (const step of [1, 3]) {
      const got: number[] = [];
      forEachPixelInRing(
        pts,
        3,
        ring,
        W,
        H,
        (x, y, o) => {
          assert.equal(o, (y * W + x) * 4);
          got.push(y * W + x);
        },
        step,
      );
      const want: number[] = [];
      const { x0, y0, x1, y1 } = ringBounds(pts, 3, ring);
      for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(H - 1, Math.ceil(y1)); y += step)
        for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(W - 1, Math.ceil(x1)); x += step)
          if (pointInPolygon(pts, 3, ring, x + 0.5, y + 0.5)) want.push(y * W + x);
      assert.deepEqual(got, want, `trial ${trial}, step ${step}`);
      visited += got.length;
    }
  }
  assert.ok(visited > 5000, `only ${visited} pixels visited`);
});

test('columnSpan: the highest and lowest crossings of a vertical line with a polygon, false when it misses', () => {
  // A diamond centred on (10, 10), 8 wide and 6 tall.
  const diamond = Float32Array.from([6, 10, 10, 7, 14, 10, 10, 13]);
  const span = [0, 0];
  assert.equal(columnSpan(diamond, 12, span), true);
  assert.deepEqual(span, [8.5, 11.5]);
  assert.equal(columnSpan(diamond, 15, span), false);
  assert.deepEqual(span, [8.5, 11.5]);
});
