/**
 * Image and face-motion metrics of the reenactment literature (FOMM, LivePortrait), as pure functions.
 * Definitions are in docs/metrics.md.
 */
import type { RgbaImage } from '../face/image.js';

/** Mean absolute difference over RGB, with pixel values in [0, 1] (FOMM's L1). */
export function l1(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b);
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    s +=
      Math.abs(a.data[i]! - b.data[i]!) +
      Math.abs(a.data[i + 1]! - b.data[i + 1]!) +
      Math.abs(a.data[i + 2]! - b.data[i + 2]!);
  }
  return s / ((a.data.length / 4) * 3 * 255);
}

/** Peak signal-to-noise ratio over RGB in dB (8-bit peak 255); Infinity for identical images. */
export function psnr(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b);
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      const d = a.data[i + k]! - b.data[i + k]!;
      s += d * d;
    }
  }
  const mse = s / ((a.data.length / 4) * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

const SSIM_K1 = 0.01;
const SSIM_K2 = 0.03;
const GAUSS = (() => {
  const r = 5;
  const w: number[] = [];
  for (let i = -r; i <= r; i++) w.push(Math.exp(-(i * i) / (2 * 1.5 * 1.5)));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
})();

/**
 * Structural similarity (Wang et al. 2004): 11×11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, on the
 * luma (ITU-R BT.601) of each image, averaged over the image (valid windows only).
 */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b);
  const { width: W, height: H } = a;
  if (W < 11 || H < 11) throw new RangeError(`Expected images of at least 11×11 for ssim but received ${W}x${H}`);
  const C1 = (SSIM_K1 * 255) ** 2;
  const C2 = (SSIM_K2 * 255) ** 2;
  const n = W * H;
  {
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = 0.299 * a.data[4 * i]! + 0.587 * a.data[4 * i + 1]! + 0.114 * a.data[4 * i + 2]!;
      y[i] = 0.299 * b.data[4 * i]! + 0.587 * b.data[4 * i + 1]! + 0.114 * b.data[4 * i + 2]!;
    }
    const xx = x.map((v) => v * v);
    const yy = y.map((v) => v * v);
    const xy = x.map((v, i) => v * y[i]!);
    const [mx, my, sxx, syy, sxy] = [x, y, xx, yy, xy].map((m) => gaussValid(m, W, H));
    let s = 0;
    const m = mx!.length;
    for (let i = 0; i < m; i++) {
      const ux = mx![i]!;
      const uy = my![i]!;
      const vx = sxx![i]! - ux * ux;
      const vy = syy![i]! - uy * uy;
      const cxy = sxy![i]! - ux * uy;
      s += ((2 * ux * uy + C1) * (2 * cxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
    }
    return s / m;
  }
}

/** Separable 11-tap Gaussian filter, keeping only positions where the window fits ("valid"). */
function gaussValid(m: Float32Array, W: number, H: number): Float32Array {
  const r = 5;
  const W2 = W - 2 * r;
  const H2 = H - 2 * r;
  const tmp = new Float32Array(W2 * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W2; x++) {
      let s = 0;
      for (let k = 0; k <= 2 * r; k++) s += GAUSS[k]! * m[y * W + x + k]!;
      tmp[y * W2 + x] = s;
    }
  }
  const out = new Float32Array(W2 * H2);
  for (let y = 0; y < H2; y++) {
    for (let x = 0; x < W2; x++) {
      let s = 0;
      for (let k = 0; k <= 2 * r; k++) s += GAUSS[k]! * tmp[(y + k) * W2 + x]!;
      out[y * W2 + x] = s;
    }
  }
  return out;
}

function sameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(
      `Expected images of the same size but received ${a.width}x${a.height} and ${b.width}x${b.height}`,
    );
  }
}

/**
 * 68 of the mesh's landmarks at the places of the iBUG-68 points that face-alignment (used by FOMM's AKD)
 * predicts: jaw 17, brows 10, nose 9, eyes 12, mouth 20.
 */
export const IBUG68 = [
  127, 234, 93, 132, 58, 172, 150, 176, 152, 400, 379, 397, 288, 361, 323, 454, 356, 70, 63, 105, 66, 107, 336, 296,
  334, 293, 300, 168, 197, 5, 4, 75, 97, 2, 326, 305, 33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380, 61, 39,
  37, 0, 267, 269, 291, 405, 314, 17, 84, 181, 78, 82, 13, 312, 308, 317, 14, 87,
];

/** Mean distance between corresponding IBUG68 landmarks of two faces, in pixels × `scale`. */
export function keypointDistance(a: Float32Array, b: Float32Array, scale = 1): number {
  let s = 0;
  for (const i of IBUG68) s += Math.hypot(a[3 * i]! - b[3 * i]!, a[3 * i + 1]! - b[3 * i + 1]!);
  return (s / IBUG68.length) * scale;
}

/** Euclidean distance between two embeddings (FOMM's AED uses it on identity features). */
export function embeddingDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let s = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return s / (Math.sqrt(na * nb) || 1);
}

/**
 * Mean landmark acceleration (|x[t+1] − 2x[t] + x[t−1]|) over consecutive frames of a landmark track, each
 * frame's landmarks given in a common frame (e.g. canonical units). Undefined entries (no face) break the run.
 */
export function meanAcceleration(track: readonly (Float32Array | undefined)[], points: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let t = 1; t + 1 < track.length; t++) {
    const a = track[t - 1];
    const b = track[t];
    const c = track[t + 1];
    if (!a || !b || !c) continue;
    for (const i of points) {
      s += Math.hypot(c[3 * i]! - 2 * b[3 * i]! + a[3 * i]!, c[3 * i + 1]! - 2 * b[3 * i + 1]! + a[3 * i + 1]!);
    }
    n += points.length;
  }
  return n ? s / n : NaN;
}

/** Mean and sample count, skipping NaN. */
export function mean(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}
