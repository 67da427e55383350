/** Pixel sampling of RGBA images: bilinear taps and mean colours around landmarks. */
import type { RgbaImage } from '../face/image.js';

/** Bilinear RGB sample with edge clamping. */
export function bilinear(d: Uint8ClampedArray, w: number, h: number, x: number, y: number, out: number[]): void {
  x -= 0.5;
  y -= 0.5;
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x > w - 1) x = w - 1;
  if (y > h - 1) y = h - 1;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const y1 = y0 + 1 < h ? y0 + 1 : y0;
  const fx = x - x0;
  const fy = y - y0;
  const p00 = (y0 * w + x0) * 4;
  const p10 = (y0 * w + x1) * 4;
  const p01 = (y1 * w + x0) * 4;
  const p11 = (y1 * w + x1) * 4;
  for (let k = 0; k < 3; k++) {
    const top = d[p00 + k]! + (d[p10 + k]! - d[p00 + k]!) * fx;
    const bot = d[p01 + k]! + (d[p11 + k]! - d[p01 + k]!) * fx;
    out[k] = top + (bot - top) * fy;
  }
}

export function meanColour(
  img: RgbaImage,
  lm: Float32Array,
  stride: number,
  points: readonly number[],
): [number, number, number] {
  const acc = [0, 0, 0];
  let n = 0;
  for (const i of points) {
    const cx = Math.round(lm[stride * i]!);
    const cy = Math.round(lm[stride * i + 1]!);
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        const p = (y * img.width + x) * 4;
        acc[0]! += img.data[p]!;
        acc[1]! += img.data[p + 1]!;
        acc[2]! += img.data[p + 2]!;
        n++;
      }
    }
  }
  return n ? [acc[0]! / n, acc[1]! / n, acc[2]! / n] : [128, 128, 128];
}
