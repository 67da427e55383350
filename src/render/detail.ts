/**
 * Shading detail carried from the driver (an expression ratio image, Liu et al. 2001): each face pixel is
 * multiplied by the ratio of the driving frame to the driving reference frame at the same place on the
 * face, both read at the pyramid level where the face is about 48 px wide, so the driver's wrinkles and
 * lighting changes come along but not its skin texture.
 */
import type { RgbaImage } from '../face/image.js';
import { pyramidLevel } from '../face/pyramid.js';
import { LM } from '../face/topology.js';
import { bilinear } from './sampling.js';

export interface DetailFrame {
  /**
   * Multiplies `rgb` (the warped source colour of a face pixel) by the driver's shading ratio at the point
   * with barycentric weights (w0, w1, w2) in the landmark triangle (a, b, c).
   */
  apply(a: number, b: number, c: number, w0: number, w1: number, w2: number, rgb: number[]): void;
}

/** One frame's ratio image, or undefined when there is nothing to carry (strength 0, or no reference). */
export function frameDetail(
  strength: number,
  driver: { image: RgbaImage; landmarks: Float32Array } | undefined,
  reference: { image: RgbaImage; landmarks: Float32Array } | undefined,
): DetailFrame | undefined {
  if (!(strength > 0) || !driver || !reference) return undefined;
  const kl = driver.landmarks;
  const rl = reference.landmarks;
  const faceW =
    Math.hypot(
      kl[3 * LM.rightEyeOuter]! - kl[3 * LM.leftEyeOuter]!,
      kl[3 * LM.rightEyeOuter + 1]! - kl[3 * LM.leftEyeOuter + 1]!,
    ) * 2.2;
  const level = Math.max(0, Math.floor(Math.log2(Math.max(1, faceW / 48))));
  const k = pyramidLevel(driver.image, level);
  const r = pyramidLevel(reference.image, level);
  const f = 2 ** level;
  const rk = [0, 0, 0];
  const rr = [0, 0, 0];
  const ratio = (num: number, den: number): number => Math.max(0.6, Math.min(1.6, (num + 8) / (den + 8)));
  return {
    apply(a, b, c, w0, w1, w2, rgb) {
      const kx = (w0 * kl[3 * a]! + w1 * kl[3 * b]! + w2 * kl[3 * c]!) / f;
      const ky = (w0 * kl[3 * a + 1]! + w1 * kl[3 * b + 1]! + w2 * kl[3 * c + 1]!) / f;
      const rx = (w0 * rl[3 * a]! + w1 * rl[3 * b]! + w2 * rl[3 * c]!) / f;
      const ry = (w0 * rl[3 * a + 1]! + w1 * rl[3 * b + 1]! + w2 * rl[3 * c + 1]!) / f;
      bilinear(k.data, k.width, k.height, kx, ky, rk);
      bilinear(r.data, r.width, r.height, rx, ry, rr);
      for (let ch = 0; ch < 3; ch++) rgb[ch] = rgb[ch]! * (1 + strength * (ratio(rk[ch]!, rr[ch]!) - 1));
    },
  };
}
