/**
 * A colour check of rendered mouth interiors against the portrait they come from: are the teeth the
 * portrait's teeth colour (or its white, when it shows none), and does the interior hold any hue the
 * portrait's mouth region does not have (green teeth from a driver's white balance, colour in a grey
 * photo)? Measured on pixels only, with the landmarks an analyzer finds in each image, so it judges any
 * renderer. Colours are compared in CIE L*a*b* (sRGB, D65). Definitions are in docs/metrics.md.
 */
import type { RgbaImage } from '../face/image.js';
import {
  LEFT_EYE_OPENING,
  LEFT_IRIS,
  LIPS_OUTER,
  MOUTH_OPENING,
  RIGHT_EYE_OPENING,
  RIGHT_IRIS,
} from '../face/topology.js';
import { pointInPolygon, ringBounds } from '../render/geometry.js';

/** Hue histogram bins (10° each). */
const HUE_BINS = 36;
/** Pixels with chroma C*ab below this count as grey (no hue). */
const GREY_CHROMA = 8;
/** A hue present in the portrait's mouth region: at least this share of its coloured pixels. */
const HUE_PRESENT = 0.005;

/** sRGB 0–255 → CIE L*a*b* (D65). */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number): number => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const R = lin(r);
  const G = lin(g);
  const B = lin(b);
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** What the portrait's mouth looks like, the reference for its rendered interiors. */
export interface MouthColourReference {
  /**
   * a*, b* of the portrait's teeth where it shows them, else of the white of its eyes (the brightest
   * quarter of the openings outside the irises), else neutral (0, 0). Only pixels less colourful than half
   * the mouth region's median chroma count, so lips and lids do not pass for teeth or eye whites.
   */
  teethAb: [number, number];
  /** What `teethAb` was measured on. */
  teethFrom: 'teeth' | 'sclera' | 'none';
  /** Per 10° hue bin, whether the mouth region (lips, skin around them, any interior) has that hue. */
  hues: Uint8Array;
}

/** Per-image pixel loop over a landmark polygon. */
function forEachInside(
  img: RgbaImage,
  lm: Float32Array,
  ring: readonly number[],
  fn: (r: number, g: number, b: number, x: number, y: number) => void,
  grow = 0,
): void {
  const { x0, y0, x1, y1 } = ringBounds(lm, 3, ring);
  const gx = grow * (x1 - x0);
  const gy = grow * (y1 - y0);
  for (let y = Math.max(0, Math.floor(y0 - gy)); y <= Math.min(img.height - 1, Math.ceil(y1 + gy)); y++) {
    for (let x = Math.max(0, Math.floor(x0 - gx)); x <= Math.min(img.width - 1, Math.ceil(x1 + gx)); x++) {
      if (grow === 0 && !pointInPolygon(lm, 3, ring, x + 0.5, y + 0.5)) continue;
      const p = (y * img.width + x) * 4;
      fn(img.data[p]!, img.data[p + 1]!, img.data[p + 2]!, x, y);
    }
  }
}

const hueBin = (a: number, b: number): number => {
  const h = Math.atan2(b, a) / (2 * Math.PI);
  return Math.floor((h < 0 ? h + 1 : h) * HUE_BINS) % HUE_BINS;
};

/** Bright pixels of an opening: the teeth (L* within 25 of the opening's 95th percentile, and at least 45). */
function teethPixels(labs: [number, number, number][]): [number, number, number][] {
  if (labs.length === 0) return [];
  const ls = labs.map((p) => p[0]).sort((a, b) => a - b);
  const top = ls[Math.floor(0.95 * (ls.length - 1))]!;
  const min = Math.max(45, top - 25);
  return labs.filter((p) => p[0] >= min);
}

/**
 * The reference of a portrait with landmarks `lm` (an analyzer's 478 points): its mouth region's hues
 * (the box around the outer lips, grown by a quarter on each side: lips, skin, beard, interior) and its
 * teeth colour (or the white of its eyes).
 */
export function mouthColourReference(image: RgbaImage, lm: Float32Array): MouthColourReference {
  const counts = new Float64Array(HUE_BINS);
  let coloured = 0;
  const chromas: number[] = [];
  forEachInside(
    image,
    lm,
    LIPS_OUTER,
    (r, g, b) => {
      const [, a, bb] = srgbToLab(r, g, b);
      const c = Math.hypot(a, bb);
      chromas.push(c);
      if (c < GREY_CHROMA) return;
      counts[hueBin(a, bb)]!++;
      coloured++;
    },
    0.25,
  );
  // Teeth and eye whites are far less colourful than lips and skin: at most half the region's median
  // chroma (at least 6), which keeps lip and lid pixels out of the reference.
  chromas.sort((a, b) => a - b);
  const whiteChroma = Math.max(6, 0.5 * (chromas[chromas.length >> 1] ?? 0));
  const white = (p: [number, number, number]): boolean => Math.hypot(p[1], p[2]) < whiteChroma;
  const present = new Uint8Array(HUE_BINS);
  for (let i = 0; i < HUE_BINS; i++) {
    if (coloured > 0 && counts[i]! / coloured >= HUE_PRESENT) {
      // Neighbouring bins count too: a hue 10° off is the same colour.
      present[(i + HUE_BINS - 1) % HUE_BINS] = 1;
      present[i] = 1;
      present[(i + 1) % HUE_BINS] = 1;
    }
  }
  const withTeeth = (ref: MouthColourReference): MouthColourReference => {
    // The teeth's own hue belongs to the mouth too (when they have one).
    const [a, b] = ref.teethAb;
    if (Math.hypot(a, b) >= GREY_CHROMA) {
      const i = hueBin(a, b);
      for (const j of [i - 1, i, i + 1]) ref.hues[(j + HUE_BINS) % HUE_BINS] = 1;
    }
    return ref;
  };
  const interior: [number, number, number][] = [];
  forEachInside(image, lm, MOUTH_OPENING, (r, g, b) => void interior.push(srgbToLab(r, g, b)));
  const teeth = interior.length >= 30 ? teethPixels(interior).filter(white) : [];
  if (teeth.length >= 10) {
    return withTeeth({ teethAb: meanAb(teeth), teethFrom: 'teeth', hues: present });
  }
  // The white of the eyes: bright pixels of the openings away from the irises.
  const sclera: [number, number, number][] = [];
  for (const [ring, iris] of [
    [RIGHT_EYE_OPENING, RIGHT_IRIS],
    [LEFT_EYE_OPENING, LEFT_IRIS],
  ] as const) {
    const cx = lm[3 * iris[0]]!;
    const cy = lm[3 * iris[0] + 1]!;
    const rad = Math.hypot(lm[3 * iris[1]]! - cx, lm[3 * iris[1] + 1]! - cy);
    const px: [number, number, number][] = [];
    forEachInside(image, lm, ring, (r, g, b, x, y) => {
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > 1.15 * rad) px.push(srgbToLab(r, g, b));
    });
    px.sort((a, b) => b[0] - a[0]);
    sclera.push(...px.slice(0, Math.ceil(px.length / 4)).filter(white));
  }
  if (sclera.length >= 6) return withTeeth({ teethAb: meanAb(sclera), teethFrom: 'sclera', hues: present });
  return { teethAb: [0, 0], teethFrom: 'none', hues: present };
}

function meanAb(px: [number, number, number][]): [number, number] {
  let a = 0;
  let b = 0;
  for (const p of px) {
    a += p[1];
    b += p[2];
  }
  return [a / px.length, b / px.length];
}

export interface MouthColourSample {
  /** Pixels inside the opening (the analyzer's inner-lip outline). */
  interior: number;
  /** Teeth pixels among them, and their mean chroma distance ΔC*ab to the reference's teeth colour (NaN if none). */
  teeth: number;
  teethChromaDistance: number;
  /** Share of the interior's pixels with a clear hue (C*ab ≥ 8) that the portrait's mouth region does not have. */
  offHue: number;
}

/**
 * The check on one rendered frame with the landmarks an analyzer found in it; undefined when the mouth is
 * closed (fewer than 30 interior pixels).
 */
export function mouthColourSample(
  image: RgbaImage,
  lm: Float32Array,
  ref: MouthColourReference,
): MouthColourSample | undefined {
  const labs: [number, number, number][] = [];
  forEachInside(image, lm, MOUTH_OPENING, (r, g, b) => void labs.push(srgbToLab(r, g, b)));
  if (labs.length < 30) return undefined;
  let off = 0;
  for (const [, a, b] of labs) if (Math.hypot(a, b) >= GREY_CHROMA && !ref.hues[hueBin(a, b)]) off++;
  const teeth = teethPixels(labs);
  let d = 0;
  for (const p of teeth) d += Math.hypot(p[1] - ref.teethAb[0], p[2] - ref.teethAb[1]);
  return {
    interior: labs.length,
    teeth: teeth.length,
    teethChromaDistance: teeth.length >= 10 ? d / teeth.length : NaN,
    offHue: off / labs.length,
  };
}
