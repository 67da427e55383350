/**
 * The background behind the person, for where a moving body uncovers what the photo never showed:
 * the person (mask grown by a few pixels) is removed and the hole filled from its surroundings by
 * push–pull interpolation (a pyramid of known-pixel averages, filled coarse to fine: Gortler et al.
 * 1996), which carries the surrounding colours smoothly inwards. Pure typed arrays.
 */
import type { RgbaImage } from '../face/image.js';
import type { PersonMask } from './mask.js';

interface Level {
  w: number;
  h: number;
  /** Premultiplied RGB and weight per pixel. */
  rgb: Float32Array;
  wt: Float32Array;
}

function down(l: Level): Level {
  const w = Math.max(1, Math.ceil(l.w / 2));
  const h = Math.max(1, Math.ceil(l.h / 2));
  const rgb = new Float32Array(w * h * 3);
  const wt = new Float32Array(w * h);
  for (let y = 0; y < l.h; y++)
    for (let x = 0; x < l.w; x++) {
      const i = y * l.w + x;
      const o = (y >> 1) * w + (x >> 1);
      wt[o]! += l.wt[i]!;
      for (let k = 0; k < 3; k++) rgb[o * 3 + k]! += l.rgb[i * 3 + k]!;
    }
  return { w, h, rgb, wt };
}

/** Fills the unknown part of `fine` (weight < 1) from `coarse`, bilinearly. */
function pull(fine: Level, coarse: Level): void {
  for (let y = 0; y < fine.h; y++)
    for (let x = 0; x < fine.w; x++) {
      const i = y * fine.w + x;
      const have = Math.min(1, fine.wt[i]!);
      if (have >= 1) continue;
      const cx = Math.max(0, Math.min(coarse.w - 1, (x + 0.5) / 2 - 0.5));
      const cy = Math.max(0, Math.min(coarse.h - 1, (y + 0.5) / 2 - 0.5));
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      const x1 = Math.min(coarse.w - 1, x0 + 1);
      const y1 = Math.min(coarse.h - 1, y0 + 1);
      const fx = cx - x0;
      const fy = cy - y0;
      const taps: [number, number][] = [
        [y0 * coarse.w + x0, (1 - fx) * (1 - fy)],
        [y0 * coarse.w + x1, fx * (1 - fy)],
        [y1 * coarse.w + x0, (1 - fx) * fy],
        [y1 * coarse.w + x1, fx * fy],
      ];
      const own = fine.wt[i]! > 0 ? 1 / fine.wt[i]! : 0;
      for (let k = 0; k < 3; k++) {
        let c = 0;
        for (const [j, t] of taps) c += (coarse.rgb[j * 3 + k]! / Math.max(coarse.wt[j]!, 1e-6)) * t;
        const mine = fine.rgb[i * 3 + k]! * own;
        fine.rgb[i * 3 + k] = have * mine + (1 - have) * c;
      }
      fine.wt[i] = 1;
    }
}

/** Mask alpha above which a pixel belongs to the hole (the renderer draws the person from the same level). */
export const HOLE_ALPHA = 0.3;

/** Grows a mask (alpha > HOLE_ALPHA) by `r` pixels, separably. */
function grown(mask: PersonMask, r: number): Uint8Array {
  const { width: w, height: h } = mask;
  const a = new Uint8Array(w * h);
  for (let i = 0; i < a.length; i++) a[i] = mask.alpha[i]! > HOLE_ALPHA ? 1 : 0;
  const b = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let on = 0;
      for (let d = -r; d <= r && !on; d++) {
        const xx = x + d;
        if (xx >= 0 && xx < w && a[y * w + xx]) on = 1;
      }
      b[y * w + x] = on;
    }
  const c = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let on = 0;
      for (let d = -r; d <= r && !on; d++) {
        const yy = y + d;
        if (yy >= 0 && yy < h && b[yy * w + x]) on = 1;
      }
      c[y * w + x] = on;
    }
  return c;
}

/**
 * `image` with the pixels where `hole` is set replaced by push–pull interpolation of the pixels where
 * `known` is set (alpha 255 everywhere).
 */
export function fillHoles(image: RgbaImage, hole: Uint8Array, known: Uint8Array): RgbaImage {
  const { width: w, height: h, data } = image;
  const base: Level = { w, h, rgb: new Float32Array(w * h * 3), wt: new Float32Array(w * h) };
  for (let i = 0; i < w * h; i++) {
    if (!known[i]) continue;
    base.wt[i] = 1;
    for (let k = 0; k < 3; k++) base.rgb[i * 3 + k] = data[i * 4 + k]!;
  }
  const levels: Level[] = [base];
  while (levels.at(-1)!.w > 1 || levels.at(-1)!.h > 1) levels.push(down(levels.at(-1)!));
  for (let i = levels.length - 2; i >= 0; i--) pull(levels[i]!, levels[i + 1]!);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) out[i * 4 + k] = hole[i] ? base.rgb[i * 3 + k]! : data[i * 4 + k]!;
    out[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data: out };
}

/**
 * The photo with the person removed and the hole filled from around it (alpha 255 everywhere).
 *
 * @example
 * const plate = backgroundPlate(image, personMask(image, pose));
 */
export function backgroundPlate(image: RgbaImage, mask: PersonMask, growPx = 1): RgbaImage {
  const hole = grown(mask, growPx);
  // The fill learns only from pixels a little farther out: the outline's own pixels are often still the
  // person's colour, and would smear it into the hole.
  const known = grown(mask, growPx + 3).map((v) => 1 - v);
  return fillHoles(image, hole, known);
}
