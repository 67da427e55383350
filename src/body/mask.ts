/**
 * A person mask for a still photo without a segmentation network: the body's shape from its skeleton
 * (capsules, torso polygon, head disc — see shape.ts) is the prior, and the photo's own colours decide
 * the uncertain band around it. Colour histograms of the sure body (deep inside the shape) and of the sure
 * background (well outside) give each band pixel a likelihood ratio; with the prior it decides the pixel.
 * Then a majority filter, only the parts connected to the body, and a soft edge.
 */
import type { RgbaImage } from '../face/image.js';
import { SEGMENT_COUNT, bodyShape, shapeDistance } from './shape.js';
import type { BodyPose } from './skeleton.js';

/** Shape distances (in limb thicknesses, see shape.ts): inside SURE is body, beyond BAND background. */
const SURE = -0.35;
const BAND = 1.2;
/** Deeper than this a pixel is body whatever its colour (no holes inside a limb of the background's colour). */
const DEEP = -0.7;
/** Background colours are learnt from beyond this distance. */
const NEAR = 0.8;
/** Where the prior alone is undecided, and how steeply it changes around there (per thickness). */
const PRIOR_EDGE = 0.15;
const PRIOR_SLOPE = 5;
const COLOUR_WEIGHT = 0.8;
const BINS = 16;

export interface PersonMask {
  width: number;
  height: number;
  /** Per pixel, 0 (background) to 1 (person). */
  alpha: Float32Array;
}

/** The shape distance of every pixel. */
function distanceField(image: RgbaImage, pose: BodyPose): Float32Array {
  const shape = bodyShape(pose);
  const scratch = new Float32Array(SEGMENT_COUNT);
  const { width: w, height: h } = image;
  const field = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) field[y * w + x] = shapeDistance(shape, x + 0.5, y + 0.5, scratch);
  return field;
}

const bin = (d: Uint8ClampedArray, i: number): number =>
  ((d[4 * i]! >> 4) * BINS + (d[4 * i + 1]! >> 4)) * BINS + (d[4 * i + 2]! >> 4);

/** Normalised colour histograms of the pixels `fg` says are body and of those it says are background. */
function histograms(
  image: RgbaImage,
  field: Float32Array,
  fg: (i: number) => boolean,
): { hf: Float32Array; hb: Float32Array } {
  const hf = new Float32Array(BINS ** 3);
  const hb = new Float32Array(BINS ** 3);
  let nf = 0;
  let nb = 0;
  for (let i = 0; i < field.length; i++) {
    const f = field[i]!;
    if (fg(i)) {
      hf[bin(image.data, i)]! += 1;
      nf++;
    } else if (f > NEAR) {
      // Background close to the person says most about the band: it counts more.
      const wgt = f < 3 * BAND ? 3 : 1;
      hb[bin(image.data, i)]! += wgt;
      nb += wgt;
    }
  }
  for (let b = 0; b < hf.length; b++) {
    hf[b] = (hf[b]! + 0.5) / (nf + 1);
    hb[b] = (hb[b]! + 0.5) / (nb + 1);
  }
  return { hf, hb };
}

/**
 * Binary decision per pixel: the prior from the shape distance (a logistic step at PRIOR_EDGE) plus the
 * colour log-likelihood ratio, twice — the second time with the colours of the first decision.
 */
function decide(image: RgbaImage, field: Float32Array): Uint8Array {
  const out = new Uint8Array(field.length);
  let fg = (i: number): boolean => field[i]! < SURE;
  for (let pass = 0; pass < 2; pass++) {
    const { hf, hb } = histograms(image, field, fg);
    for (let i = 0; i < field.length; i++) {
      const f = field[i]!;
      if (f < DEEP) out[i] = 1;
      else if (f > BAND) out[i] = 0;
      else {
        const b = bin(image.data, i);
        const colour = Math.max(-4, Math.min(4, Math.log(hf[b]! / hb[b]!)));
        out[i] = PRIOR_SLOPE * (PRIOR_EDGE - f) + COLOUR_WEIGHT * colour > 0 ? 1 : 0;
      }
    }
    const first = out.slice();
    fg = (i: number): boolean => first[i] === 1;
  }
  return out;
}

/** Majority of the (2r+1)² neighbourhood, by a summed-area table. */
function majority(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const sat = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += m[y * w + x]!;
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1]! + row;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const s = sat[y1 * (w + 1) + x1]! - sat[y0 * (w + 1) + x1]! - sat[y1 * (w + 1) + x0]! + sat[y0 * (w + 1) + x0]!;
      out[y * w + x] = 2 * s > (x1 - x0) * (y1 - y0) ? 1 : 0;
    }
  }
  return out;
}

/** Keeps only the pixels connected (4-neighbours) to a sure-body pixel. */
function connectedToBody(m: Uint8Array, field: Float32Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(m.length);
  const stack: number[] = [];
  for (let i = 0; i < m.length; i++)
    if (m[i] && field[i]! < SURE && !out[i]) {
      out[i] = 1;
      stack.push(i);
    }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % w;
    const y = (i - x) / w;
    const visit = (j: number): void => {
      if (m[j] && !out[j]) {
        out[j] = 1;
        stack.push(j);
      }
    };
    if (x > 0) visit(i - 1);
    if (x < w - 1) visit(i + 1);
    if (y > 0) visit(i - w);
    if (y < h - 1) visit(i + w);
  }
  return out;
}

/** A 3×3 box blur of a binary mask: a soft edge one pixel wide. */
function soften(m: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          s += m[yy * w + xx]!;
          n++;
        }
      out[y * w + x] = s / n;
    }
  return out;
}

/**
 * The person's mask in `image`, for the pose found in it.
 *
 * @example
 * const mask = personMask(image, detector.detectStill(image));
 */
export function personMask(image: RgbaImage, pose: BodyPose): PersonMask {
  const { width: w, height: h } = image;
  const field = distanceField(image, pose);
  const r = Math.max(1, Math.round(Math.min(w, h) / 200));
  const binary = connectedToBody(majority(decide(image, field), w, h, r), field, w, h);
  return { width: w, height: h, alpha: soften(binary, w, h) };
}
