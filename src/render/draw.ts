/**
 * Minimal raster drawing on RGBA images (in place): alpha-blended pixels, lines, discs, rectangles and
 * a 5×7 bitmap font. Enough for diagnostic overlays, with no canvas or font dependency, so it runs
 * unchanged in Node and in a browser.
 */
import type { RgbaImage } from '../face/image.js';

export type Rgb = readonly [number, number, number];

function blendPixel(img: RgbaImage, x: number, y: number, c: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || alpha <= 0) return;
  const p = (y * img.width + x) * 4;
  const a = Math.min(1, alpha);
  const d = img.data;
  d[p] = d[p]! + (c[0] - d[p]!) * a;
  d[p + 1] = d[p + 1]! + (c[1] - d[p + 1]!) * a;
  d[p + 2] = d[p + 2]! + (c[2] - d[p + 2]!) * a;
  d[p + 3] = 255;
}

/** Anti-aliased line of the given width (in pixels): coverage from each pixel centre's distance to the segment. */
export function drawLine(
  img: RgbaImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  c: Rgb,
  alpha = 1,
  width = 1,
): void {
  const r = width / 2;
  const vx = x1 - x0;
  const vy = y1 - y0;
  const vv = vx * vx + vy * vy || 1;
  const steep = Math.abs(vy) > Math.abs(vx);
  // Walk the major axis; on each step visit only the pixels within r + 1 of the line.
  const [a0, a1] = steep ? [Math.min(y0, y1), Math.max(y0, y1)] : [Math.min(x0, x1), Math.max(x0, x1)];
  const limit = steep ? img.height - 1 : img.width - 1;
  for (let a = Math.max(0, Math.floor(a0 - r - 1)); a <= Math.min(limit, Math.ceil(a1 + r + 1)); a++) {
    const t = Math.max(0, Math.min(1, steep ? (a + 0.5 - y0) / (vy || 1) : (a + 0.5 - x0) / (vx || 1)));
    const centre = steep ? x0 + vx * t : y0 + vy * t;
    for (let b = Math.floor(centre - r - 1.5); b <= Math.ceil(centre + r + 1.5); b++) {
      const x = steep ? b : a;
      const y = steep ? a : b;
      const px = x + 0.5 - x0;
      const py = y + 0.5 - y0;
      const u = Math.max(0, Math.min(1, (px * vx + py * vy) / vv));
      const cover = Math.max(0, Math.min(1, r + 0.5 - Math.hypot(px - u * vx, py - u * vy)));
      if (cover > 0) blendPixel(img, x, y, c, alpha * cover);
    }
  }
}

export function fillDisc(img: RgbaImage, cx: number, cy: number, radius: number, c: Rgb, alpha = 1): void {
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const cover = Math.max(0, Math.min(1, radius + 0.5 - d));
      if (cover > 0) blendPixel(img, x, y, c, alpha * cover);
    }
  }
}

export function strokeCircle(
  img: RgbaImage,
  cx: number,
  cy: number,
  radius: number,
  c: Rgb,
  alpha = 1,
  width = 1,
): void {
  const n = Math.max(12, Math.ceil(radius));
  for (let i = 0; i < n; i++) {
    const a0 = (i / n) * 2 * Math.PI;
    const a1 = ((i + 1) / n) * 2 * Math.PI;
    drawLine(
      img,
      cx + radius * Math.cos(a0),
      cy + radius * Math.sin(a0),
      cx + radius * Math.cos(a1),
      cy + radius * Math.sin(a1),
      c,
      alpha,
      width,
    );
  }
}

export function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, c: Rgb, alpha = 1): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(img.width, Math.round(x + w));
  const y1 = Math.min(img.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) blendPixel(img, xx, yy, c, alpha);
}

export function strokeRect(
  img: RgbaImage,
  x: number,
  y: number,
  w: number,
  h: number,
  c: Rgb,
  alpha = 1,
  width = 1,
): void {
  drawLine(img, x, y, x + w, y, c, alpha, width);
  drawLine(img, x + w, y, x + w, y + h, c, alpha, width);
  drawLine(img, x + w, y + h, x, y + h, c, alpha, width);
  drawLine(img, x, y + h, x, y, c, alpha, width);
}

/** 5×7 glyphs, one 5-bit row per entry, most significant bit on the left. Lower case draws as upper case. */
const GLYPHS: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 17, 10, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '.': [0, 0, 0, 0, 0, 12, 12],
  ',': [0, 0, 0, 0, 12, 4, 8],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '+': [0, 4, 4, 31, 4, 4, 0],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '%': [24, 25, 2, 4, 8, 19, 3],
  '/': [0, 1, 2, 4, 8, 16, 0],
  '(': [2, 4, 8, 8, 8, 4, 2],
  ')': [8, 4, 2, 2, 2, 4, 8],
  '=': [0, 0, 31, 0, 31, 0, 0],
  '#': [10, 10, 31, 10, 31, 10, 10],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

/** Width in pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * 6 * scale - scale;
}

export const TEXT_HEIGHT = 7;

/** Draws text with its top-left corner at (x, y); unknown characters draw as a box. */
export function drawText(img: RgbaImage, text: string, x: number, y: number, scale: number, c: Rgb, alpha = 1): void {
  let cx = Math.round(x);
  for (const ch of text.toUpperCase()) {
    const g = GLYPHS[ch] ?? [31, 17, 17, 17, 17, 17, 31];
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++) {
        if (!((g[row]! >> (4 - col)) & 1)) continue;
        fillRect(img, cx + col * scale, Math.round(y) + row * scale, scale, scale, c, alpha);
      }
    }
    cx += 6 * scale;
  }
}

/** Copies an image (drawing functions work in place). */
export function cloneImage(img: RgbaImage): RgbaImage {
  return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data) };
}
