import type { RgbaImage } from '../media/types.js';

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
 * Samples a rotated square of `image` into an `outSize × outSize` float tensor buffer (HWC), bilinear, with
 * zeros outside the image. When the crop shrinks the image by more than 1.5×, each output pixel averages a
 * k×k grid of bilinear taps (k = ceil(shrink)) so small crops of large photos do not alias.
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
  const { width: w, height: h, data } = image;
  const step = r.size / outSize;
  const taps = step > 1.5 ? Math.min(8, Math.ceil(step)) : 1;
  const c = Math.cos(r.angleRad) * step;
  const n = Math.sin(r.angleRad) * step;
  const half = outSize / 2;
  const rgb = [0, 0, 0];
  for (let v = 0; v < outSize; v++) {
    for (let u = 0; u < outSize; u++) {
      const uu = options.flip ? outSize - 1 - u : u;
      rgb[0] = rgb[1] = rgb[2] = 0;
      for (let ty = 0; ty < taps; ty++) {
        const dv = v + (ty + 0.5) / taps - half;
        for (let tx = 0; tx < taps; tx++) {
          const du = uu + (tx + 0.5) / taps - half;
          // Pixel centres sit at integer + 0.5 in continuous coordinates.
          const x = r.cx + c * du - n * dv - 0.5;
          const y = r.cy + n * du + c * dv - 0.5;
          bilinearAdd(data, w, h, x, y, rgb);
        }
      }
      const norm = 1 / (taps * taps);
      const o = (v * outSize + u) * channels;
      if (channels === 3) {
        out[o] = rgb[0]! * norm * scale + offset;
        out[o + 1] = rgb[1]! * norm * scale + offset;
        out[o + 2] = rgb[2]! * norm * scale + offset;
      } else {
        out[o] = (0.2989 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!) * norm * scale + offset;
      }
    }
  }
  return out;
}

/** Adds the bilinear RGB sample at (x, y) into acc; pixels outside the image count as black. */
function bilinearAdd(data: Uint8ClampedArray, w: number, h: number, x: number, y: number, acc: number[]): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  for (let j = 0; j < 2; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= h) continue;
    const wy = j === 0 ? 1 - fy : fy;
    for (let i = 0; i < 2; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= w) continue;
      const wgt = wy * (i === 0 ? 1 - fx : fx);
      const p = (yy * w + xx) * 4;
      acc[0] = acc[0]! + data[p]! * wgt;
      acc[1] = acc[1]! + data[p + 1]! * wgt;
      acc[2] = acc[2]! + data[p + 2]! * wgt;
    }
  }
}
