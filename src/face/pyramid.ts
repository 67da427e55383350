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

/** Size of pyramid level `level` of a `width × height` image (each level halves, rounding down). */
export function pyramidLevelSize(width: number, height: number, level: number): { width: number; height: number } {
  let w = width;
  let h = height;
  for (let l = 0; l < level && w >= 2 && h >= 2; l++) {
    w >>= 1;
    h >>= 1;
  }
  return { width: w, height: h };
}

/**
 * A rectangle of one pyramid level: `image` holds level pixels x0 ≤ x < x0 + image.width (likewise y), in
 * that level's coordinates. Its pixels equal those of {@link pyramidLevel} at the same place.
 */
export interface PyramidWindow {
  image: RgbaImage;
  x0: number;
  y0: number;
}

const windows = new WeakMap<RgbaImage, (PyramidWindow | undefined)[]>();

/**
 * The part of pyramid level `level` covering level pixels [x0, x1) × [y0, y1) (clipped to the level), or
 * more. Built from only the part of the image beneath it, so a face crop of a large frame costs what the
 * face covers rather than the whole frame; cached per image and level, and grown when a later request
 * reaches outside it.
 */
export function pyramidWindow(
  image: RgbaImage,
  level: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): PyramidWindow {
  if (level === 0) return { image, x0: 0, y0: 0 };
  const size = pyramidLevelSize(image.width, image.height, level);
  const below = pyramidLevelSize(image.width, image.height, level - 1);
  if (size.width === below.width) return pyramidWindow(image, level - 1, x0, y0, x1, y1); // too small to halve
  x0 = Math.max(0, Math.floor(x0));
  y0 = Math.max(0, Math.floor(y0));
  x1 = Math.min(size.width, Math.ceil(x1));
  y1 = Math.min(size.height, Math.ceil(y1));
  if (x1 <= x0 || y1 <= y0) return { image: { width: 0, height: 0, data: new Uint8ClampedArray(0) }, x0, y0 };
  const full = pyramids.get(image)?.[level];
  if (full) return { image: full, x0: 0, y0: 0 };
  let cache = windows.get(image);
  if (!cache) windows.set(image, (cache = []));
  const have = cache[level];
  if (have && have.x0 <= x0 && have.y0 <= y0 && have.x0 + have.image.width >= x1 && have.y0 + have.image.height >= y1) {
    return have;
  }
  if (have) {
    // Grow to cover both, so crops of one frame that overlap share the work.
    x1 = Math.max(x1, have.x0 + have.image.width);
    y1 = Math.max(y1, have.y0 + have.image.height);
    x0 = Math.min(x0, have.x0);
    y0 = Math.min(y0, have.y0);
  }
  const src = pyramidWindow(image, level - 1, 2 * x0, 2 * y0, 2 * x1, 2 * y1);
  const win: PyramidWindow = { image: halveWindow(src, x0, y0, x1 - x0, y1 - y0), x0, y0 };
  cache[level] = win;
  return win;
}

/** Level pixels [x0, x0 + w) × [y0, y0 + h) of the level above `src` (which covers twice that). */
function halveWindow(src: PyramidWindow, x0: number, y0: number, w: number, h: number): RgbaImage {
  const out = new Uint8ClampedArray(w * h * 4);
  const d = src.image.data;
  const row = src.image.width * 4;
  for (let y = 0; y < h; y++) {
    let p = ((2 * (y0 + y) - src.y0) * src.image.width + (2 * x0 - src.x0)) * 4;
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

function halve(src: RgbaImage): RgbaImage {
  return halveWindow({ image: src, x0: 0, y0: 0 }, 0, 0, src.width >> 1, src.height >> 1);
}
