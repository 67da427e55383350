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
import { createImage } from '../../src/face/image.js';

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
