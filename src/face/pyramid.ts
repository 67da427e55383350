import type { RgbaImage } from './image.js';

/**
 * Half-resolution copies of an image (each pixel the mean of a 2×2 block of the level below), built on
 * demand and cached per image object, so every crop of one frame shares them.
 */
const pyramids = new WeakMap<RgbaImage, RgbaImage[]>();

export function pyramidLevel(image: RgbaImage, level: number): RgbaImage {
  let levels = pyramids.get(image);
  if (!levels) {
    levels = [image];
    pyramids.set(image, levels);
  }
  while (levels.length <= level) {
    const src = levels[levels.length - 1]!;
    if (src.width < 2 || src.height < 2) return src;
    levels.push(halve(src));
  }
  return levels[level]!;
}

function halve(src: RgbaImage): RgbaImage {
  const w = src.width >> 1;
  const h = src.height >> 1;
  const out = new Uint8ClampedArray(w * h * 4);
  const d = src.data;
  const row = src.width * 4;
  for (let y = 0; y < h; y++) {
    let p = 2 * y * row;
    let o = y * w * 4;
    for (let x = 0; x < w; x++, p += 8, o += 4) {
      out[o] = (d[p]! + d[p + 4]! + d[p + row]! + d[p + row + 4]! + 2) >> 2;
      out[o + 1] = (d[p + 1]! + d[p + 5]! + d[p + row + 1]! + d[p + row + 5]! + 2) >> 2;
      out[o + 2] = (d[p + 2]! + d[p + 6]! + d[p + row + 2]! + d[p + row + 6]! + 2) >> 2;
      out[o + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}
