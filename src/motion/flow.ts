/**
 * Sparse optical flow: pyramidal Lucas–Kanade (Bouguet 2000) on grey images, with a forward–backward check.
 * Used to follow points around the driver's head (hair, ears, neck, shoulders, background) from frame to
 * frame. Pure TypeScript on typed arrays.
 */
import type { RgbaImage } from '../face/image.js';

export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

export interface GreyPyramid {
  levels: GreyImage[];
  /** Image pixels per level-0 pixel (the input is first scaled to at most `maxSide`). */
  scale: number;
}

/** Grey (BT.601 luma) pyramid of an RGBA image, first reduced so its longer side is at most `maxSide`. */
export function greyPyramid(img: RgbaImage, maxSide = 320, levels = 3): GreyPyramid {
  const f = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxSide));
  const w = Math.max(1, Math.floor(img.width / f));
  const h = Math.max(1, Math.floor(img.height / f));
  const g = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) {
          const p = ((y * f + dy) * img.width + x * f + dx) * 4;
          s += 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
        }
      }
      g[y * w + x] = s / (f * f);
    }
  }
  const out: GreyImage[] = [{ width: w, height: h, data: g }];
  while (out.length < levels) {
    const p = out[out.length - 1]!;
    const W = p.width >> 1;
    const H = p.height >> 1;
    if (W < 8 || H < 8) break;
    const d = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = 2 * y * p.width + 2 * x;
        d[y * W + x] = (p.data[i]! + p.data[i + 1]! + p.data[i + p.width]! + p.data[i + p.width + 1]!) / 4;
      }
    }
    out.push({ width: W, height: H, data: d });
  }
  return { levels: out, scale: f };
}

function sample(g: GreyImage, x: number, y: number): number {
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x > g.width - 1.001) x = g.width - 1.001;
  if (y > g.height - 1.001) y = g.height - 1.001;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * g.width + x0;
  const a = g.data[i]!;
  const b = g.data[i + 1]!;
  const c = g.data[i + g.width]!;
  const d = g.data[i + g.width + 1]!;
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

const WIN = 4; // 9×9 window
const ITERS = 12;

/**
 * Tracks one point (level-0 pixel coordinates) from `a` to `b`. Returns the new position, or undefined
 * when the window has too little texture to fix it (an aperture problem) or the solve leaves the image.
 */
function lkPoint(
  a: GreyPyramid,
  b: GreyPyramid,
  x: number,
  y: number,
  guessX: number,
  guessY: number,
): [number, number] | undefined {
  const L = Math.min(a.levels.length, b.levels.length);
  let gx = (guessX - x) / 2 ** L;
  let gy = (guessY - y) / 2 ** L;
  for (let l = L - 1; l >= 0; l--) {
    const A = a.levels[l]!;
    const B = b.levels[l]!;
    const s = 2 ** l;
    const px = x / s;
    const py = y / s;
    gx *= 2;
    gy *= 2;
    // Structure tensor of the template window.
    let gxx = 0,
      gxy = 0,
      gyy = 0;
    const ix: number[] = [];
    const iy: number[] = [];
    const it0: number[] = [];
    for (let dy = -WIN; dy <= WIN; dy++) {
      for (let dx = -WIN; dx <= WIN; dx++) {
        const u = px + dx;
        const v = py + dy;
        const Ix = (sample(A, u + 1, v) - sample(A, u - 1, v)) / 2;
        const Iy = (sample(A, u, v + 1) - sample(A, u, v - 1)) / 2;
        ix.push(Ix);
        iy.push(Iy);
        it0.push(sample(A, u, v));
        gxx += Ix * Ix;
        gxy += Ix * Iy;
        gyy += Iy * Iy;
      }
    }
    const det = gxx * gyy - gxy * gxy;
    const n = (2 * WIN + 1) ** 2;
    const minEig = (gxx + gyy - Math.sqrt((gxx - gyy) ** 2 + 4 * gxy * gxy)) / 2 / n;
    if (l === 0 && minEig < 2) return undefined; // flat or edge-only window
    if (det < 1e-6) continue;
    let vx = 0,
      vy = 0;
    for (let it = 0; it < ITERS; it++) {
      let bx = 0,
        by = 0,
        k = 0;
      for (let dy = -WIN; dy <= WIN; dy++) {
        for (let dx = -WIN; dx <= WIN; dx++, k++) {
          const diff = it0[k]! - sample(B, px + dx + gx + vx, py + dy + gy + vy);
          bx += diff * ix[k]!;
          by += diff * iy[k]!;
        }
      }
      const ex = (gyy * bx - gxy * by) / det;
      const ey = (gxx * by - gxy * bx) / det;
      vx += ex;
      vy += ey;
      if (ex * ex + ey * ey < 1e-4) break;
    }
    gx += vx;
    gy += vy;
  }
  const nx = x + gx;
  const ny = y + gy;
  const base = a.levels[0]!;
  if (!Number.isFinite(nx) || !Number.isFinite(ny) || nx < 0 || ny < 0 || nx > base.width - 1 || ny > base.height - 1)
    return undefined;
  return [nx, ny];
}

/**
 * Tracks points (image pixels, xy pairs) from frame `a` to frame `b`, each starting from its guess (xy pairs,
 * e.g. where the head motion would put it). A point is kept only when tracking it back lands within
 * `maxErrorPx` of where it started. Returns new positions (image pixels) and which points are valid.
 */
export function trackPoints(
  a: GreyPyramid,
  b: GreyPyramid,
  points: Float32Array,
  guesses: Float32Array,
  maxErrorPx = 1.5,
): { points: Float32Array; ok: Uint8Array } {
  const n = points.length / 2;
  const out = new Float32Array(points.length);
  const ok = new Uint8Array(n);
  const s = a.scale;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]! / s;
    const y = points[2 * i + 1]! / s;
    const fwd = lkPoint(a, b, x, y, guesses[2 * i]! / s, guesses[2 * i + 1]! / s);
    if (!fwd) continue;
    const back = lkPoint(b, a, fwd[0], fwd[1], x, y);
    if (!back || Math.hypot(back[0] - x, back[1] - y) * s > maxErrorPx) continue;
    out[2 * i] = fwd[0] * s;
    out[2 * i + 1] = fwd[1] * s;
    ok[i] = 1;
  }
  return { points: out, ok };
}

/**
 * Good features to track (Shi & Tomasi 1994): points whose 7×7 structure tensor has the largest smaller
 * eigenvalue, at least `minDistance` pixels apart, in image pixels. `accept` filters candidates (e.g. off
 * the face).
 */
export function goodFeatures(
  pyr: GreyPyramid,
  maxPoints: number,
  minDistance: number,
  accept: (x: number, y: number) => boolean = () => true,
): Float32Array {
  const g = pyr.levels[0]!;
  const { width: W, height: H, data } = g;
  // Gradient products, then their 7×7 sums through summed-area tables: O(pixels) whatever the window.
  const r = 3;
  const W1 = W + 1;
  const sxx = new Float64Array(W1 * (H + 1));
  const sxy = new Float64Array(W1 * (H + 1));
  const syy = new Float64Array(W1 * (H + 1));
  for (let y = 0; y < H; y++) {
    let rx = 0,
      rxy = 0,
      ry = 0;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const ix = x > 0 && x < W - 1 ? (data[i + 1]! - data[i - 1]!) / 2 : 0;
      const iy = y > 0 && y < H - 1 ? (data[i + W]! - data[i - W]!) / 2 : 0;
      rx += ix * ix;
      rxy += ix * iy;
      ry += iy * iy;
      const o = (y + 1) * W1 + x + 1;
      sxx[o] = sxx[o - W1]! + rx;
      sxy[o] = sxy[o - W1]! + rxy;
      syy[o] = syy[o - W1]! + ry;
    }
  }
  const box = (s: Float64Array, x: number, y: number): number =>
    s[(y + r + 1) * W1 + x + r + 1]! -
    s[(y - r) * W1 + x + r + 1]! -
    s[(y + r + 1) * W1 + x - r]! +
    s[(y - r) * W1 + x - r]!;
  const score = new Float32Array(W * H);
  const n = (2 * r + 1) ** 2;
  for (let y = r + 1; y < H - r - 1; y++) {
    for (let x = r + 1; x < W - r - 1; x++) {
      const xx = box(sxx, x, y);
      const xy = box(sxy, x, y);
      const yy = box(syy, x, y);
      score[y * W + x] = (xx + yy - Math.sqrt((xx - yy) ** 2 + 4 * xy * xy)) / 2 / n;
    }
  }
  const cand: number[] = [];
  for (let i = 0; i < score.length; i++) if (score[i]! > 2) cand.push(i);
  cand.sort((a, b) => score[b]! - score[a]!);
  const picked: number[] = [];
  const d = minDistance / pyr.scale;
  for (const i of cand) {
    if (picked.length >= 2 * maxPoints) break;
    const x = i % W;
    const y = (i - x) / W;
    const X = (x + 0.5) * pyr.scale;
    const Y = (y + 0.5) * pyr.scale;
    if (!accept(X, Y)) continue;
    let ok = true;
    for (let k = 0; k < picked.length; k += 2) {
      if ((picked[k]! / pyr.scale - x) ** 2 + (picked[k + 1]! / pyr.scale - y) ** 2 < d * d) {
        ok = false;
        break;
      }
    }
    if (ok) picked.push(X, Y);
  }
  return Float32Array.from(picked);
}
