import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { isVivifyError, type VivifyErrorCode } from '../../src/errors.js';
import { readImage, writeImage } from '../../src/media/image-file.js';
import { createImage } from '../../src/face/image.js';
import { ASTRONAUT, tempDir } from '../helpers.js';

async function rejectsWith(p: Promise<unknown>, code: VivifyErrorCode, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isVivifyError(e, code), `expected ${code}, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    if (re) assert.match(e.message, re);
    return true;
  });
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG header claiming width × height pixels, with no real image data (a decompression-bomb shape). */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const chunk = Buffer.concat([Buffer.from('IHDR'), ihdr]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(chunk));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, chunk, crc]);
}

test('reads PNG, JPEG and WebP to 8-bit RGBA', async (t) => {
  const dir = tempDir(t);
  const png = await readImage(ASTRONAUT);
  assert.deepEqual([png.width, png.height, png.data.length], [512, 512, 512 * 512 * 4]);
  for (const [ext, enc] of [
    ['jpg', (s: Sharp) => s.jpeg({ quality: 95 })],
    ['webp', (s: Sharp) => s.webp({ quality: 95 })],
  ] as const) {
    const file = path.join(dir, `a.${ext}`);
    await enc(sharp(ASTRONAUT)).toFile(file);
    const img = await readImage(file);
    assert.equal(img.width, 512);
    let diff = 0;
    for (let i = 0; i < img.data.length; i += 4) diff += Math.abs(img.data[i]! - png.data[i]!);
    assert.ok(diff / (512 * 512) < 6, `${ext} mean red error ${diff / (512 * 512)}`);
    assert.equal(img.data[3], 255);
  }
});

test('honours EXIF orientation', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'rotated.jpg');
  // 40×20: left half red, right half blue; orientation 6 means "rotate 90° clockwise to display".
  const raw = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 40; x++) raw.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(file);
  const img = await readImage(file);
  assert.deepEqual([img.width, img.height], [20, 40]);
  assert.ok(img.data[0]! > 200 && img.data[2]! < 60, 'top is red after rotating clockwise');
  const bottom = (39 * 20 + 10) * 4;
  assert.ok(img.data[bottom + 2]! > 200, 'bottom is blue');
});

test('writes PNG losslessly and JPEG closely, atomically', async (t) => {
  const dir = tempDir(t);
  const img = createImage(
    3,
    2,
    Uint8ClampedArray.from({ length: 24 }, (_, i) => (i % 4 === 3 ? 255 : i * 10)),
  );
  await writeImage(path.join(dir, 'o.png'), img);
  assert.deepEqual((await readImage(path.join(dir, 'o.png'))).data, img.data);
  await writeImage(path.join(dir, 'o.jpg'), createImage(16, 16, new Uint8ClampedArray(16 * 16 * 4).fill(128)));
  assert.equal((await readImage(path.join(dir, 'o.jpg'))).width, 16);
  await writeImage(path.join(dir, 'new', 'folder', 'o.png'), img);
  assert.ok(existsSync(path.join(dir, 'new', 'folder', 'o.png')), 'missing output folders are created');
  writeFileSync(path.join(dir, 'file'), 'x');
  await rejectsWith(writeImage(path.join(dir, 'file', 'o.png'), img), 'E_OUTPUT', /cannot create the folder/);
  await rejectsWith(writeImage(path.join(dir, 'o.bmp'), img), 'E_UNSUPPORTED_FORMAT');
  assert.ok(!existsSync(path.join(dir, 'o.bmp')));
});

test('bad images: each a typed one-line error', async (t) => {
  const dir = tempDir(t);
  const put = (name: string, data: Buffer | string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    return f;
  };
  const jpeg = await sharp(ASTRONAUT).jpeg().toBuffer();
  const png = readFileSync(ASTRONAUT);
  await rejectsWith(readImage(put('empty.jpg', '')), 'E_INPUT_EMPTY', /0 bytes/);
  await rejectsWith(readImage(put('cut.jpg', jpeg.subarray(0, jpeg.length >> 1))), 'E_IMAGE_DECODE');
  await rejectsWith(readImage(put('cut.png', png.subarray(0, png.length >> 1))), 'E_IMAGE_DECODE');
  await rejectsWith(
    readImage(put('text.jpg', 'hello, I am not a picture\n')),
    'E_IMAGE_DECODE',
    /not a readable image/,
  );
  await rejectsWith(
    readImage(put('bomb.png', pngClaiming(100_000, 100_000))),
    'E_IMAGE_TOO_LARGE',
    /10000\.0 megapixels/,
  );
  await rejectsWith(readImage(put('a.tiff', await sharp(ASTRONAUT).tiff().toBuffer())), 'E_UNSUPPORTED_FORMAT', /TIFF/);
  await rejectsWith(readImage(path.join(dir, 'nope.png')), 'E_INPUT_NOT_FOUND');
  await rejectsWith(readImage(dir), 'E_INPUT_NOT_FOUND', /folder/);
  await rejectsWith(readImage(ASTRONAUT, { maxPixels: 1000 }), 'E_IMAGE_TOO_LARGE');
  await assert.rejects(readImage(42 as never), TypeError);
});

test('headerDimensions reads PNG, JPEG and WebP headers', async () => {
  const { headerDimensions } = await import('../../src/media/image-file.js');
  for (const enc of [
    (s: Sharp) => s.png(),
    (s: Sharp) => s.jpeg(),
    (s: Sharp) => s.webp(),
    (s: Sharp) => s.webp({ lossless: true }),
  ]) {
    const bytes = await enc(sharp(ASTRONAUT).resize(123, 77, { fit: 'fill' })).toBuffer();
    assert.deepEqual(headerDimensions(bytes), { width: 123, height: 77 });
  }
  assert.equal(headerDimensions(Buffer.from('plain text')), undefined);
});
