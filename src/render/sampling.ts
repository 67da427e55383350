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

/**
 * Softens a polygon's outline in an image, in place: pixels within `radius` of the closed polygon through
 * `ring` (indices into `lm`, `stride` numbers per point) are blended towards their 3×3 mean, fully on the
 * outline and not at all `radius` away. A region rendered inside the polygon from other pixels than those
 * outside it (a mouth interior from the bank) otherwise meets them in a stair-stepped edge, pixel by pixel.
 */
export function softenOutline(
  img: RgbaImage,
  lm: Float32Array,
  ring: readonly number[],
  radius: number,
  stride = 3,
): void {
  const { width: W, height: H, data } = img;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of ring) {
    x0 = Math.min(x0, lm[stride * i]!);
    x1 = Math.max(x1, lm[stride * i]!);
    y0 = Math.min(y0, lm[stride * i + 1]!);
    y1 = Math.max(y1, lm[stride * i + 1]!);
  }
  const bx = Math.max(1, Math.floor(x0 - radius - 1));
  const by = Math.max(1, Math.floor(y0 - radius - 1));
  const ex = Math.min(W - 1, Math.ceil(x1 + radius + 1));
  const ey = Math.min(H - 1, Math.ceil(y1 + radius + 1));
  if (ex <= bx || ey <= by) return;
  // The region as it was (with a one-pixel margin), so that blended pixels do not feed their neighbours.
  const cw = ex - bx + 2;
  const copy = new Uint8ClampedArray(cw * (ey - by + 2) * 4);
  for (let y = by - 1; y <= ey; y++)
    copy.set(data.subarray(4 * (y * W + bx - 1), 4 * (y * W + ex + 1)), 4 * (y - by + 1) * cw);
  // Each pixel's distance to the outline, segment by segment over each segment's own box (the outline's
  // pixels are few; the box around the whole polygon is mostly inside it).
  const bw = ex - bx;
  const dist = new Float32Array(bw * (ey - by)).fill(Infinity);
  const n = ring.length;
  for (let k = 0; k < n; k++) {
    const ax = lm[stride * ring[k]!]!;
    const ay = lm[stride * ring[k]! + 1]!;
    const qx = lm[stride * ring[(k + 1) % n]!]! - ax;
    const qy = lm[stride * ring[(k + 1) % n]! + 1]! - ay;
    const len2 = Math.max(1e-9, qx * qx + qy * qy);
    const sx0 = Math.max(bx, Math.floor(Math.min(ax, ax + qx) - radius));
    const sx1 = Math.min(ex, Math.ceil(Math.max(ax, ax + qx) + radius));
    const sy0 = Math.max(by, Math.floor(Math.min(ay, ay + qy) - radius));
    const sy1 = Math.min(ey, Math.ceil(Math.max(ay, ay + qy) + radius));
    for (let y = sy0; y < sy1; y++)
      for (let x = sx0; x < sx1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const t = Math.max(0, Math.min(1, (px * qx + py * qy) / len2));
        const d = Math.hypot(px - t * qx, py - t * qy);
        const i = (y - by) * bw + x - bx;
        if (d < dist[i]!) dist[i] = d;
      }
  }
  for (let y = by; y < ey; y++)
    for (let x = bx; x < ex; x++) {
      const d = dist[(y - by) * bw + x - bx]!;
      if (d >= radius) continue;
      const w = 1 - d / radius;
      const o = 4 * (y * W + x);
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) s += copy[4 * ((y - by + j) * cw + (x - bx + i)) + c]!;
        data[o + c] = (1 - w) * copy[4 * ((y - by + 1) * cw + (x - bx + 1)) + c]! + (w * s) / 9;
      }
    }
}
