/**
 * One picture from several faces' renders of the same portrait (a group photo's faces edited or reenacted at
 * once): at each pixel, the faces that changed it, weighted by how much each did; the portrait where none did.
 * Where only one face reaches, that face's render; where two faces' changes meet (neighbours' cheeks, a
 * turned head's surroundings over the next face), a blend, with no seam.
 */
import type { RgbaImage } from '../face/image.js';

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
 * where only it changed the pixel, a blend where several did, the portrait where none did.
 */
export function composeChanges(source: RgbaImage, images: readonly RgbaImage[]): RgbaImage {
  if (images.length === 1) return images[0]!;
  const s = source.data;
  const out = new Uint8ClampedArray(s);
  for (let p = 0; p < out.length; p += 4) {
    let wsum = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (const im of images) {
      const d = im.data;
      const w = Math.abs(d[p]! - s[p]!) + Math.abs(d[p + 1]! - s[p + 1]!) + Math.abs(d[p + 2]! - s[p + 2]!);
      if (w === 0) continue;
      r += w * d[p]!;
      g += w * d[p + 1]!;
      b += w * d[p + 2]!;
      wsum += w;
    }
    if (wsum === 0) continue;
    out[p] = r / wsum;
    out[p + 1] = g / wsum;
    out[p + 2] = b / wsum;
  }
  return { width: source.width, height: source.height, data: out };
}
