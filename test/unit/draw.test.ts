import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawLine, drawText, fillRect, textWidth } from '../../src/render/draw.js';
import { createImage } from '../../src/face/image.js';

const red = (img: ReturnType<typeof createImage>, x: number, y: number): number => img.data[(y * img.width + x) * 4]!;

test('drawLine covers the pixels on a horizontal line and nothing far from it', () => {
  const img = createImage(10, 10);
  drawLine(img, 1, 5.5, 9, 5.5, [255, 0, 0]);
  for (let x = 1; x < 9; x++) assert.ok(red(img, x, 5) > 200, `x=${x}`);
  assert.equal(red(img, 5, 2), 0);
  assert.equal(red(img, 5, 8), 0);
});

test('fillRect blends with alpha and clips to the image', () => {
  const img = createImage(4, 4);
  fillRect(img, -2, -2, 4, 4, [200, 0, 0], 0.5);
  assert.equal(red(img, 0, 0), 100);
  assert.equal(red(img, 2, 2), 0);
});

test('drawText draws glyph pixels within its advertised width', () => {
  const img = createImage(40, 10);
  drawText(img, 'A1', 0, 0, 1, [255, 0, 0]);
  let maxX = -1;
  for (let y = 0; y < 10; y++) for (let x = 0; x < 40; x++) if (red(img, x, y)) maxX = Math.max(maxX, x);
  assert.ok(maxX >= 0 && maxX < textWidth('A1', 1));
});
