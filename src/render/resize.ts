import type { RgbaImage } from '../face/image.js';
import { pyramidLevel } from '../face/pyramid.js';

/**
 * Resizes an RGBA image: bilinear when enlarging or shrinking up to 2×, and from the 2×2-box image
 * pyramid beyond that, so large reductions do not alias.
 */
export function resizeImage(img: RgbaImage, width: number, height: number): RgbaImage {
  if (width === img.width && height === img.height) return { width, height, data: new Uint8ClampedArray(img.data) };
  const shrink = Math.min(img.width / width, img.height / height);
  const level = shrink >= 2 ? Math.floor(Math.log2(shrink)) : 0;
  const src = pyramidLevel(img, level);
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = src.width / width;
  const sy = src.height / height;
  const d = src.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(src.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(src.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - x0;
      const p00 = (y0 * src.width + x0) * 4;
      const p10 = (y0 * src.width + x1) * 4;
      const p01 = (y1 * src.width + x0) * 4;
      const p11 = (y1 * src.width + x1) * 4;
      const o = (y * width + x) * 4;
      for (let k = 0; k < 4; k++) {
        const top = d[p00 + k]! + (d[p10 + k]! - d[p00 + k]!) * wx;
        const bot = d[p01 + k]! + (d[p11 + k]! - d[p01 + k]!) * wx;
        out[o + k] = top + (bot - top) * wy;
      }
    }
  }
  return { width, height, data: out };
}

/** Size with the longer side `maxSide` (aspect kept, at least 1 px). */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = maxSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Places images side by side at a common height (each scaled to it), on black. */
export function sideBySide(images: RgbaImage[], height: number): RgbaImage {
  const scaled = images.map((im) => resizeImage(im, Math.max(1, Math.round((im.width * height) / im.height)), height));
  const width = scaled.reduce((s, im) => s + im.width, 0);
  const out = new Uint8ClampedArray(width * height * 4);
  let x0 = 0;
  for (const im of scaled) {
    for (let y = 0; y < height; y++)
      out.set(im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4), (y * width + x0) * 4);
    x0 += im.width;
  }
  return { width, height, data: out };
}

/** The `width` × `height` box of `img` at (x0, y0) (integers), repeating the edge where it leaves the image. */
export function cropBox(img: RgbaImage, x0: number, y0: number, width: number, height: number): RgbaImage {
  const out: RgbaImage = { width, height, data: new Uint8ClampedArray(width * height * 4) };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x0 + x));
      const sy = Math.min(img.height - 1, Math.max(0, y0 + y));
      out.data.set(img.data.subarray(4 * (sy * img.width + sx), 4 * (sy * img.width + sx) + 4), 4 * (y * width + x));
    }
  return out;
}

/**
 * A square crop around a face, resized to `size` × `size`, with the face's landmark box spanning about
 * `faceFraction` of the width (LivePortrait crops its sources the same way). Parts outside the image are
 * filled by repeating the edge.
 */
export function cropAroundFace(
  img: RgbaImage,
  box: { x: number; y: number; width: number; height: number },
  size = 512,
  faceFraction = 0.45,
): RgbaImage {
  const side = Math.max(box.width, box.height) / faceFraction;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 - 0.05 * box.height; // a little headroom for hair
  const scale = side / size;
  const level = scale >= 2 ? Math.floor(Math.log2(scale)) : 0;
  const src = pyramidLevel(img, level);
  const f = 2 ** level;
  const out = new Uint8ClampedArray(size * size * 4);
  const d = src.data;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = Math.max(0, Math.min(src.width - 1, (cx - side / 2 + (x + 0.5) * scale) / f - 0.5));
      const fy = Math.max(0, Math.min(src.height - 1, (cy - side / 2 + (y + 0.5) * scale) / f - 0.5));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const y1 = Math.min(src.height - 1, y0 + 1);
      const wx = fx - x0;
      const wy = fy - y0;
      const o = (y * size + x) * 4;
      for (let k = 0; k < 4; k++) {
        const top =
          d[(y0 * src.width + x0) * 4 + k]! +
          (d[(y0 * src.width + x1) * 4 + k]! - d[(y0 * src.width + x0) * 4 + k]!) * wx;
        const bot =
          d[(y1 * src.width + x0) * 4 + k]! +
          (d[(y1 * src.width + x1) * 4 + k]! - d[(y1 * src.width + x0) * 4 + k]!) * wx;
        out[o + k] = top + (bot - top) * wy;
      }
    }
  }
  return { width: size, height: size, data: out };
}
