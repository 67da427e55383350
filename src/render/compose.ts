/**
 * One picture from several faces' renders of the same portrait (a group photo's faces edited or reenacted at
 * once): at each pixel, the faces that changed it, weighted by how much each did; the portrait where none did.
 * Where only one face reaches, that face's render; where two faces' changes meet (neighbours' cheeks, a
 * turned head's surroundings over the next face), a blend, with no seam.
 */
import type { RgbaImage } from '../face/image.js';
import type { ChangedBox } from './renderer.js';

/** One picture from several faces' renders of `source`, each with its mask (see the module's comment). */
export function composeFaces(
  source: RgbaImage,
  renders: readonly { image: RgbaImage; mask: Float32Array }[],
): { image: RgbaImage; mask: Float32Array } {
  const n = source.width * source.height;
  if (renders.length === 1) return { image: renders[0]!.image, mask: renders[0]!.mask };
  const out = new Uint8ClampedArray(source.data);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let wsum = 0;
    let top = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (const f of renders) {
      const w = f.mask[i]!;
      if (!(w > 0)) continue;
      const p = 4 * i;
      r += w * f.image.data[p]!;
      g += w * f.image.data[p + 1]!;
      b += w * f.image.data[p + 2]!;
      wsum += w;
      if (w > top) top = w;
    }
    if (wsum === 0) continue;
    const p = 4 * i;
    out[p] = r / wsum;
    out[p + 1] = g / wsum;
    out[p + 2] = b / wsum;
    mask[i] = top;
  }
  return { image: { width: source.width, height: source.height, data: out }, mask };
}

/**
 * One frame from several faces' renders of `source` with no masks at hand (reenactment's renders): each
 * face's render weighted, per pixel, by how far it changed the portrait's colour there — that face's render
 * where only it changed the pixel, a blend where several did, the portrait where none did. A render's
 * `changed` box (outside it the render is the portrait) keeps the work to the faces' neighbourhoods: a pixel
 * inside one box only is that render's.
 */
export function composeChanges(
  source: RgbaImage,
  renders: readonly { image: RgbaImage; changed?: ChangedBox }[],
): RgbaImage {
  if (renders.length === 1) return renders[0]!.image;
  const W = source.width;
  const H = source.height;
  const s = source.data;
  const out = new Uint8ClampedArray(s);
  const boxes = renders.map((r) => r.changed ?? { x0: 0, y0: 0, x1: W, y1: H });
  // How many boxes hold each pixel.
  const count = new Uint8Array(W * H);
  for (const b of boxes) for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) count[y * W + x]!++;
  const images = renders.map((r) => r.image.data);
  const words = images.map(pixelWords);
  const s32 = pixelWords(s);
  for (let k = 0; k < renders.length; k++) {
    const b = boxes[k]!;
    const d = images[k]!;
    for (let y = b.y0; y < b.y1; y++) {
      let x = b.x0;
      while (x < b.x1) {
        const i = y * W + x;
        const c = count[i]!;
        if (c === 1) {
          // A run of pixels only this render holds: copied whole.
          let e = x + 1;
          while (e < b.x1 && count[y * W + e] === 1) e++;
          out.set(d.subarray(4 * i, 4 * (y * W + e)), 4 * i);
          x = e;
          continue;
        }
        x++;
        if (c === 0) continue; // done by an earlier render
        count[i] = 0;
        blendPixel(i, x - 1, y, k, boxes, images, words, s, s32, out);
      }
    }
  }
  return { width: W, height: H, data: out };
}

/** The pixels of RGBA bytes as 32-bit words (a copy only when the bytes do not start on a word boundary). */
function pixelWords(d: Uint8ClampedArray): Uint32Array {
  return d.byteOffset % 4 === 0
    ? new Uint32Array(d.buffer, d.byteOffset, d.length >> 2)
    : new Uint32Array(Uint8Array.from(d).buffer);
}

/**
 * Pixel `i` at (x, y), held by render `k` and later ones: each render that holds it weighted by how far it
 * changed the source's colour there (renders before k do not hold it, or it would have been done by then).
 */
function blendPixel(
  i: number,
  x: number,
  y: number,
  k: number,
  boxes: readonly ChangedBox[],
  images: readonly Uint8ClampedArray[],
  words: readonly Uint32Array[],
  s: Uint8ClampedArray,
  s32: Uint32Array,
  out: Uint8ClampedArray,
): void {
  const p = 4 * i;
  let wsum = 0;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let j = k; j < images.length; j++) {
    const o = boxes[j]!;
    if (x < o.x0 || x >= o.x1 || y < o.y0 || y >= o.y1 || words[j]![i] === s32[i]) continue;
    const e = images[j]!;
    const w = Math.abs(e[p]! - s[p]!) + Math.abs(e[p + 1]! - s[p + 1]!) + Math.abs(e[p + 2]! - s[p + 2]!);
    r += w * e[p]!;
    g += w * e[p + 1]!;
    b += w * e[p + 2]!;
    wsum += w;
  }
  if (wsum === 0) return;
  out[p] = r / wsum;
  out[p + 1] = g / wsum;
  out[p + 2] = b / wsum;
}
