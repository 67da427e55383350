import type { RgbaImage } from '../face/image.js';
import { pyramidWindow } from '../face/pyramid.js';

/**
 * A square region of an image, possibly rotated: centre, side length and rotation, all in image pixels.
 * `angleRad` rotates the region's axes clockwise on screen (image y points down), so a face whose eye line
 * tilts by `angleRad` appears upright in the crop.
 */
export interface RotatedSquare {
  cx: number;
  cy: number;
  size: number;
  angleRad: number;
}

/**
 * Maps a point in crop coordinates (`0..outSize` on both axes) back to image pixels.
 * Inverse of {@link imageToCrop}.
 */
export function cropToImage(r: RotatedSquare, outSize: number, u: number, v: number): [number, number] {
  const s = r.size / outSize;
  const du = (u - outSize / 2) * s;
  const dv = (v - outSize / 2) * s;
  const c = Math.cos(r.angleRad);
  const n = Math.sin(r.angleRad);
  return [r.cx + c * du - n * dv, r.cy + n * du + c * dv];
}

/** Maps an image point into crop coordinates (`0..outSize`). */
export function imageToCrop(r: RotatedSquare, outSize: number, x: number, y: number): [number, number] {
  const s = outSize / r.size;
  const dx = x - r.cx;
  const dy = y - r.cy;
  const c = Math.cos(r.angleRad);
  const n = Math.sin(r.angleRad);
  return [(c * dx + n * dy) * s + outSize / 2, (-n * dx + c * dy) * s + outSize / 2];
}

export interface CropOptions {
  /** Flip the crop left-right (mirror), as the iris model expects for one eye. Default false. */
  flip?: boolean;
  /** Output channel layout: 3 (RGB) or 1 (grey, ITU-R BT.601 luma). Default 3. */
  channels?: 1 | 3;
  /** Each output value is `pixel / 255 * scale + offset`. Defaults 1 and 0 (values in [0, 1]). */
  scale?: number;
  offset?: number;
}

/**
 * Samples a rotated square of `image` into an `outSize × outSize` float buffer (HWC), bilinear, with zeros
 * outside the image. Shrinking crops read from the image pyramid level whose pixel spacing is closest
 * below the crop's (mip-mapping), averaging 2×2 taps when the remaining shrink exceeds 1.3×, so small crops
 * of large photos do not alias and cost the same as large ones.
 */
export function sampleCrop(
  image: RgbaImage,
  r: RotatedSquare,
  outSize: number,
  options: CropOptions = {},
): Float32Array {
  const channels = options.channels ?? 3;
  const scale = (options.scale ?? 1) / 255;
  const offset = options.offset ?? 0;
  const out = new Float32Array(outSize * outSize * channels);
  const step0 = r.size / outSize;
  const level = step0 >= 2 ? Math.floor(Math.log2(step0)) : 0;
  const f = 2 ** level; // level pixels per original pixel: 1 / f
  const step = step0 / f;
  const taps = step > 1.3 ? 2 : 1;
  const c = Math.cos(r.angleRad) * step;
  const n = Math.sin(r.angleRad) * step;
  const half = outSize / 2;
  // Only the part of the level under the crop is needed (every sample lies inside the rotated square; a
  // bilinear tap reads one pixel further): a face crop of a large frame costs what the face covers.
  const reach = half * (Math.abs(c) + Math.abs(n)) + 2;
  const win = pyramidWindow(image, level, r.cx / f - reach, r.cy / f - reach, r.cx / f + reach, r.cy / f + reach);
  const { width: w, height: h, data } = win.image;
  // Continuous window coordinates of output pixel (u, v)'s centre: origin + u·(c, n) + v·(−n, c).
  const ox = r.cx / f - 0.5 - win.x0;
  const oy = r.cy / f - 0.5 - win.y0;
  const norm = 1 / (taps * taps);
  let o = 0;
  for (let v = 0; v < outSize; v++) {
    for (let u = 0; u < outSize; u++) {
      const uu = options.flip ? outSize - 1 - u : u;
      let rs = 0;
      let gs = 0;
      let bs = 0;
      for (let ty = 0; ty < taps; ty++) {
        const dv = v + (ty + 0.5) / taps - half;
        for (let tx = 0; tx < taps; tx++) {
          const du = uu + (tx + 0.5) / taps - half;
          const x = ox + c * du - n * dv;
          const y = oy + n * du + c * dv;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
            const p = (y0 * w + x0) * 4;
            const q = p + w * 4;
            const w00 = (1 - fx) * (1 - fy);
            const w10 = fx * (1 - fy);
            const w01 = (1 - fx) * fy;
            const w11 = fx * fy;
            rs += data[p]! * w00 + data[p + 4]! * w10 + data[q]! * w01 + data[q + 4]! * w11;
            gs += data[p + 1]! * w00 + data[p + 5]! * w10 + data[q + 1]! * w01 + data[q + 5]! * w11;
            bs += data[p + 2]! * w00 + data[p + 6]! * w10 + data[q + 2]! * w01 + data[q + 6]! * w11;
          } else {
            // At the border: the same weights, with pixels outside the image counting as black.
            for (let j = 0; j < 2; j++) {
              const yy = y0 + j;
              if (yy < 0 || yy >= h) continue;
              const wy = j === 0 ? 1 - fy : fy;
              for (let i = 0; i < 2; i++) {
                const xx = x0 + i;
                if (xx < 0 || xx >= w) continue;
                const wgt = wy * (i === 0 ? 1 - fx : fx);
                const p = (yy * w + xx) * 4;
                rs += data[p]! * wgt;
                gs += data[p + 1]! * wgt;
                bs += data[p + 2]! * wgt;
              }
            }
          }
        }
      }
      if (channels === 3) {
        out[o++] = rs * norm * scale + offset;
        out[o++] = gs * norm * scale + offset;
        out[o++] = bs * norm * scale + offset;
      } else {
        out[o++] = (0.2989 * rs + 0.587 * gs + 0.114 * bs) * norm * scale + offset;
      }
    }
  }
  return out;
}
