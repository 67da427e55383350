/**
 * What lies behind a limb held in front of the body. In the photo, hands clasped over the hips or an arm
 * across the chest hide part of the torso; once the driver moves them away, that part must show torso,
 * not the wall behind the person. The underlay is the torso alone — the limbs in front of it removed and
 * filled from the torso's own pixels (push–pull) — and it moves rigidly with the torso, under everything
 * else. Pure typed arrays.
 */
import type { RgbaImage } from '../face/image.js';
import { HOLE_ALPHA, fillHoles } from './fill.js';
import type { PersonMask } from './mask.js';
import { SEGMENT_COUNT, bodyShape, polygonDistance, segmentDistances } from './shape.js';
import type { BodyPose } from './skeleton.js';

/** Segments that can hang in front of the torso: the arms (upper arms and forearms with the hands). */
const ARMS = [2, 3, 4, 5];
/** How far below the hips the underlay reaches, in torso lengths. */
const PELVIS = 0.3;
/** A pixel this near an arm's capsule (in its thicknesses, see shape.ts) counts as arm. */
const ARM_MARGIN = 0.3;

export interface TorsoUnderlay {
  image: RgbaImage;
  /** Per pixel of the photo: 1 inside the torso (limbs in front of it included), else 0. */
  alpha: Float32Array;
}

/**
 * The torso underlay of a photo, or undefined when the torso's four corners are not all seen (nothing to
 * anchor it to) or no arm lies over it.
 */
export function torsoUnderlay(image: RgbaImage, mask: PersonMask, pose: BodyPose): TorsoUnderlay | undefined {
  const shape = bodyShape(pose);
  if (!shape.torso.length) return undefined;
  // The torso polygon (shoulders, hips) reaches down over the pelvis: hands clasped in front of the hips
  // hide that part.
  const area = new Float32Array(shape.torso);
  area[5]! += PELVIS * shape.unit;
  area[7]! += PELVIS * shape.unit;
  const { width: w, height: h } = image;
  const alpha = new Float32Array(w * h);
  const covered = new Uint8Array(w * h);
  const own = new Uint8Array(w * h);
  const d = new Float32Array(SEGMENT_COUNT);
  let anyCovered = false;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (mask.alpha[i]! <= HOLE_ALPHA || polygonDistance(x + 0.5, y + 0.5, area) > 0) continue;
      alpha[i] = 1;
      segmentDistances(shape, x + 0.5, y + 0.5, d);
      if (ARMS.some((k) => d[k]! < ARM_MARGIN)) {
        covered[i] = 1;
        anyCovered = true;
      } else own[i] = 1;
    }
  if (!anyCovered) return undefined;
  return { image: fillHoles(image, covered, own), alpha };
}

/**
 * Lays the underlay, moved by the torso's affine map `m` (source → frame), over `out` wherever `skip` is
 * below 1 (the pixels the body itself does not fully cover).
 */
export function drawUnderlay(
  out: Uint8ClampedArray,
  w: number,
  h: number,
  u: TorsoUnderlay,
  m: ArrayLike<number>,
  cover: Float32Array,
): void {
  const [a, b, c, d, e, f] = [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!];
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-9) return;
  // Inverse map: frame → source.
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  const { width: sw, height: sh, data } = u.image;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (cover[i]! >= 1) continue;
      const px = x + 0.5 - c;
      const py = y + 0.5 - f;
      const sx = Math.floor(ia * px + ib * py);
      const sy = Math.floor(id * px + ie * py);
      if (sx < 0 || sy < 0 || sx >= sw || sy >= sh) continue;
      const j = sy * sw + sx;
      const ua = u.alpha[j]!;
      if (ua === 0) continue;
      for (let k = 0; k < 3; k++) out[i * 4 + k] = ua * data[j * 4 + k]! + (1 - ua) * out[i * 4 + k]!;
    }
}
