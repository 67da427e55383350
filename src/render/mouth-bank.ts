/**
 * A bank of real mouth interiors, and how one is fitted into a portrait's opening.
 *
 * Each exemplar is the inside of a real open mouth (teeth, tongue, gums, the dark of the throat) cut from
 * a video frame of a real person, in a tile aligned with the mouth: the inner corners on one row, the
 * inner width `BANK_SCALE` pixels. It is indexed by the shape of its inner lips in the canonical face
 * (pose removed), so a target mouth finds the real mouths of the same shape: the same opening, the same
 * teeth showing for the same lip positions. The chosen exemplars are warped into the target's opening
 * fan by fan (the inner-lip landmarks of the exemplar onto the target's), and their colours are carried
 * into the portrait's light by the ratio of the portrait's teeth colour to the exemplar's (both measured
 * with the same functions, mouth-colours.ts).
 *
 * Which exemplar shows for a target mouth, frame after frame, is chosen in mouth-retrieval.ts.
 *
 * The bank is data (built by scripts/build-mouth-bank.ts from the clips in ../shared/data); this file
 * holds only the engine side: no I/O.
 */
import type { RgbaImage } from '../face/image.js';
import type { EyeBank } from './eye-bank.js';
import { LM, MOUTH_OPENING } from '../face/topology.js';
import type { Rgb } from './mouth-colours.js';
import { forEachPixelInRing } from './geometry.js';
import { bilinear } from './sampling.js';
import type { BankChoice } from './mouth-retrieval.js';
import { teethAligner } from './mouth-align.js';

/** Tile side in pixels, inner mouth width in pixels, and the tile pixel where the inner corners' midpoint lies. */
export const BANK_TILE = 128;
export const BANK_SCALE = 84;
export const BANK_ORIGIN_U = 64;
export const BANK_ORIGIN_V = 45;
/** Bump when the tile layout or the shape feature changes: a bank of another version is refused. */
export const MOUTH_BANK_VERSION = 3;
/** Shape feature: the 20 inner-lip points (x, y over the inner width), the jaw and the mouth's width. */
export const FEATURE_LENGTH = 2 * MOUTH_OPENING.length + 2;
/** Exemplar points: the 20 inner-lip points, then the opening's centre (their mean), in tile pixels. */
const POINT_COUNT = MOUTH_OPENING.length + 1;

export interface MouthExemplar {
  /** Who it shows (an actor key: the same person in several clips has one key) and where it was cut. */
  person: string;
  clip: string;
  frame: number;
  feature: Float32Array;
  /** POINT_COUNT (x, y) pairs in tile pixels. */
  points: Float32Array;
  /**
   * The exemplar's teeth colour in its own frame, measured or estimated, its lips' red and the skin by its
   * mouth (mouth-colours.ts).
   */
  teeth: Rgb;
  lip: Rgb;
  skin: Rgb;
  /** Head yaw of the frame, degrees. */
  yawDeg: number;
  /**
   * How much of the opening's height the upper teeth fill at the midline, 0–1 (see {@link upperTeethShare});
   * measured on the tile when the bank is read. Absent for the driver's own mouth.
   */
  upperTeeth?: number;
  /** The luma the brightest 2% of its opening reach (see {@link brightestLuma}); measured when absent. */
  brightest?: number;
  /** Inner mouth width in its frame, pixels: how much detail it holds. */
  widthPx: number;
  /** Top-left corner of its tile in the atlas (or in `image`). */
  x: number;
  y: number;
  /** The image holding its tile when that is not the bank's atlas (the driver's mouth, cut per frame). */
  image?: RgbaImage;
}

/** The person key of the driving face's own mouth, a candidate beside the bank's in reenactment. */
export const DRIVER = '(driver)';

export interface MouthBank {
  atlas: RgbaImage;
  exemplars: readonly MouthExemplar[];
  /**
   * Real closed eyes, shipped beside the mouths (eye-bank.ts): a closing eye shows a real closed lid rather than
   * its open lid stretched down.
   */
  closedEyes?: EyeBank;
}

/** The shape feature of a canonical face (478 × xyz, eye corners 1 apart). */
export function mouthShapeFeature(canon: ArrayLike<number>, out = new Float32Array(FEATURE_LENGTH)): Float32Array {
  const r = 3 * LM.innerMouthRight;
  const l = 3 * LM.innerMouthLeft;
  const ox = (canon[r]! + canon[l]!) / 2;
  const oy = (canon[r + 1]! + canon[l + 1]!) / 2;
  const w = Math.max(1e-6, Math.hypot(canon[l]! - canon[r]!, canon[l + 1]! - canon[r + 1]!));
  MOUTH_OPENING.forEach((i, k) => {
    out[2 * k] = (canon[3 * i]! - ox) / w;
    out[2 * k + 1] = (canon[3 * i + 1]! - oy) / w;
  });
  // The jaw decides how far the lower teeth travel with the lower lip; the width how many teeth show.
  out[2 * MOUTH_OPENING.length] = (0.5 * (canon[3 * LM.chin + 1]! - oy)) / w;
  out[2 * MOUTH_OPENING.length + 1] = 0.5 * w;
  return out;
}

/** The inner-lip gap at the midline over the inner width, from a shape feature. */
export function featureOpening(f: Float32Array): number {
  const up = MOUTH_OPENING.indexOf(LM.upperLipInner as (typeof MOUTH_OPENING)[number]);
  const down = MOUTH_OPENING.indexOf(LM.lowerLipInner as (typeof MOUTH_OPENING)[number]);
  return f[2 * down + 1]! - f[2 * up + 1]!;
}

/** The tile frame of a mouth in an image: the inner corners' midpoint, the unit vector along them, the inner width. */
export function tileFrame(lm: Float32Array, stride = 3): { ox: number; oy: number; ex: number; ey: number; w: number } {
  const rx = lm[stride * LM.innerMouthRight]!;
  const ry = lm[stride * LM.innerMouthRight + 1]!;
  const lx = lm[stride * LM.innerMouthLeft]!;
  const ly = lm[stride * LM.innerMouthLeft + 1]!;
  const w = Math.max(1e-6, Math.hypot(lx - rx, ly - ry));
  return { ox: (rx + lx) / 2, oy: (ry + ly) / 2, ex: (lx - rx) / w, ey: (ly - ry) / w, w };
}

/**
 * Cuts the mouth of an image into a tile (RGBA, BANK_TILE², written into `out` at (x0, y0) of a buffer
 * `stride` pixels wide) and returns the exemplar's points in tile pixels. With `openingOnly`, only the
 * part of the tile the renderer samples is cut: the box around the inner-lip outline, plus 2 pixels.
 */
export function cutMouthTile(
  image: RgbaImage,
  lm: Float32Array,
  out: Uint8ClampedArray,
  stride: number,
  x0 = 0,
  y0 = 0,
  openingOnly = false,
): Float32Array {
  const { ox, oy, ex, ey, w } = tileFrame(lm);
  const k = w / BANK_SCALE;
  const points = tilePoints(lm, ox, oy, ex, ey, 1 / k);
  let [i0, j0, i1, j1] = [0, 0, BANK_TILE, BANK_TILE];
  if (openingOnly) {
    const xs = points.filter((_, q) => q % 2 === 0);
    const ys = points.filter((_, q) => q % 2 === 1);
    i0 = Math.max(0, Math.floor(Math.min(...xs)) - 2);
    i1 = Math.min(BANK_TILE, Math.ceil(Math.max(...xs)) + 2);
    j0 = Math.max(0, Math.floor(Math.min(...ys)) - 2);
    j1 = Math.min(BANK_TILE, Math.ceil(Math.max(...ys)) + 2);
  }
  const { data, width: W, height: H } = image;
  const rgb = [0, 0, 0];
  for (let j = j0; j < j1; j++) {
    for (let i = i0; i < i1; i++) {
      const u = (i + 0.5 - BANK_ORIGIN_U) * k;
      const v = (j + 0.5 - BANK_ORIGIN_V) * k;
      bilinear(data, W, H, ox + u * ex - v * ey, oy + u * ey + v * ex, rgb);
      const o = 4 * ((y0 + j) * stride + x0 + i);
      out[o] = rgb[0]!;
      out[o + 1] = rgb[1]!;
      out[o + 2] = rgb[2]!;
      out[o + 3] = 255;
    }
  }
  return points;
}

function tilePoints(lm: Float32Array, ox: number, oy: number, ex: number, ey: number, s: number): Float32Array {
  const points = new Float32Array(2 * POINT_COUNT);
  let cx = 0;
  let cy = 0;
  MOUTH_OPENING.forEach((i, n) => {
    const dx = lm[3 * i]! - ox;
    const dy = lm[3 * i + 1]! - oy;
    points[2 * n] = BANK_ORIGIN_U + s * (dx * ex + dy * ey);
    points[2 * n + 1] = BANK_ORIGIN_V + s * (-dx * ey + dy * ex);
    cx += points[2 * n]!;
    cy += points[2 * n + 1]!;
  });
  points[2 * MOUTH_OPENING.length] = cx / MOUTH_OPENING.length;
  points[2 * MOUTH_OPENING.length + 1] = cy / MOUTH_OPENING.length;
  return points;
}

/**
 * Per-pixel colour of the chosen exemplars in a target mouth fan: the fan triangle's vertices (control-
 * mesh indices: inner-lip landmarks and `centre`) and barycentric weights locate the same place in each
 * exemplar's tile; each tap is scaled by `gain[c]` per channel (the portrait's light over the exemplar's)
 * and the taps are blended by weight.
 */
export function bankSampler(
  bank: MouthBank,
  choices: readonly BankChoice[],
  portrait: { teeth: Rgb; lip: Rgb; skin: Rgb },
  centre: number,
  lm: Float32Array,
  ownTeeth?: number,
): (a: number, b: number, c: number, w0: number, w1: number, w2: number, out: number[]) => void {
  const n = MOUTH_OPENING.length;
  // Under the portrait's own teeth (their share of the opening's height), each exemplar's under its own.
  const align = choices.map(({ exemplar: e }) =>
    ownTeeth === undefined || e.upperTeeth === undefined ? undefined : teethAligner(e.points, e.upperTeeth, ownTeeth),
  );
  // Control-mesh vertex → exemplar point (the inner-lip landmarks, then the centre); a typed table, since it
  // is read three times per pixel.
  const slot = new Int16Array(Math.max(centre, ...MOUTH_OPENING) + 1).fill(n);
  MOUTH_OPENING.forEach((i, k) => (slot[i] = k));
  // Per fan triangle (centre, ring k, ring k+1): the centre's distance to the lip edge, pixels, so that a
  // pixel's distance to the edge is its centre weight times it.
  let cx = 0;
  let cy = 0;
  for (const i of MOUTH_OPENING) {
    cx += lm[3 * i]! / n;
    cy += lm[3 * i + 1]! / n;
  }
  const reach = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = MOUTH_OPENING[k]!;
    const j = MOUTH_OPENING[(k + 1) % n]!;
    const ex = lm[3 * j]! - lm[3 * i]!;
    const ey = lm[3 * j + 1]! - lm[3 * i + 1]!;
    const len = Math.hypot(ex, ey);
    reach[k] = len > 1e-6 ? Math.abs(ex * (cy - lm[3 * i + 1]!) - ey * (cx - lm[3 * i]!)) / len : 0;
  }
  // The lips' wet inner edge: their own colour, a little darker, over about a millimetre (RIM_PX).
  const rim = portrait.lip.map((v) => 0.8 * v);
  const [tr, tg, tb] = portrait.teeth;
  const teethLuma = Math.max(1, 0.3 * tr + 0.59 * tg + 0.11 * tb);
  // The brightest of the exemplar ends up at most a little brighter than the portrait's teeth: a dim
  // video's teeth, measured darker than its brightest teeth, would otherwise be lifted into a flat white
  // strip. (Where teeth were measured well, their brightest 2% are within 4% of their colour in 9 of 10
  // exemplars of the bank, so the cap leaves those alone.)
  const gains = choices.map((ch) => {
    const g = teethGain(portrait.teeth, ch.exemplar.teeth);
    const bright = ch.exemplar.brightest ?? brightestLuma(ch.exemplar.image ?? bank.atlas, ch.exemplar);
    const cap = (BRIGHTEST_OVER_TEETH * teethLuma) / Math.max(1, bright);
    const m = (g[0] + g[1] + g[2]) / 3;
    return m > cap ? (g.map((v) => (v * cap) / m) as Rgb) : g;
  });
  const sats = choices.map((ch) => saturationRatio(portrait.skin, ch.exemplar.skin));
  const tap = [0, 0, 0];
  // The portrait's teeth tint (each channel's difference from their grey).
  const tint = [tr - teethLuma, tg - teethLuma, tb - teethLuma].map((v) => v / teethLuma);
  return (a, b, c, w0, w1, w2, out) => {
    const sa = slot[a] ?? n;
    const sb = slot[b] ?? n;
    const sc = slot[c] ?? n;
    out[0] = out[1] = out[2] = 0;
    for (let k = 0; k < choices.length; k++) {
      const e = choices[k]!.exemplar;
      const p = e.points;
      let u = w0 * p[2 * sa]! + w1 * p[2 * sb]! + w2 * p[2 * sc]!;
      let v = w0 * p[2 * sa + 1]! + w1 * p[2 * sb + 1]! + w2 * p[2 * sc + 1]!;
      u = u < 0.5 ? 0.5 : u > BANK_TILE - 0.5 ? BANK_TILE - 0.5 : u;
      const al = align[k];
      if (al) v = al(u, v);
      v = v < 0.5 ? 0.5 : v > BANK_TILE - 0.5 ? BANK_TILE - 0.5 : v;
      const img = e.image ?? bank.atlas;
      bilinear(img.data, img.width, img.height, e.x + u, e.y + v, tap);
      const g = gains[k]!;
      const sat = sats[k]!;
      const wt = choices[k]!.weight;
      // Into the portrait's light and white balance, then to its colourfulness.
      const r = g[0] * tap[0]!;
      const gg = g[1] * tap[1]!;
      const bb = g[2] * tap[2]!;
      const y = 0.3 * r + 0.59 * gg + 0.11 * bb;
      // Teeth take this portrait's tint: an exemplar's own stained or yellow teeth would read as pasted in.
      // Pixels as bright as teeth (from 55% to 85% of the portrait's teeth brightness) change over to it;
      // the darker inside (tongue, gums, throat) keeps the exemplar's colours.
      let t = (y - TEETH_FROM * teethLuma) / ((TEETH_TO - TEETH_FROM) * teethLuma);
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const keep = (1 - t) * sat;
      const own = t * y;
      out[0] += wt * knee(y + keep * (r - y) + own * tint[0]!);
      out[1] += wt * knee(y + keep * (gg - y) + own * tint[1]!);
      out[2] += wt * knee(y + keep * (bb - y) + own * tint[2]!);
    }
    // Within RIM_PX of the lips the interior gives way to their inner edge (the outline is not a hard step).
    // Fan triangles are (centre, ring k, ring k + 1), so w0 is the centre's weight.
    const edge = sa === n ? (w0 * reach[sb]!) / RIM_PX : 1;
    if (edge < 1) {
      const t = edge < 0 ? 0 : edge;
      for (let q = 0; q < 3; q++) out[q] = t * out[q]! + (1 - t) * rim[q]!;
    }
  };
}

/** How much brighter than the portrait's teeth colour the brightest of a real mouth may be. */
const BRIGHTEST_OVER_TEETH = 1.15;
/** Share of an exemplar's opening brighter than its "brightest" luma (see brightestLuma). */
const BRIGHT_SHARE = 0.02;

/**
 * The luma the brightest 2% of an exemplar's opening reach in `img` (its lit teeth when it shows any): measured
 * once per bank exemplar when the bank is read, and for the driver's own mouth with its colours.
 */
export function brightestLuma(img: RgbaImage, e: MouthExemplar): number {
  const histogram = new Uint32Array(256);
  let n = 0;
  forEachPixelInRing(
    e.points,
    2,
    MOUTH_OPENING.map((_, k) => k),
    BANK_TILE,
    BANK_TILE,
    (x, y) => {
      const o = 4 * ((e.y + y) * img.width + e.x + x);
      const d = img.data;
      histogram[Math.round(0.3 * d[o]! + 0.59 * d[o + 1]! + 0.11 * d[o + 2]!)]!++;
      n++;
    },
  );
  let v = 255;
  for (let above = 0; v > 0 && above + histogram[v]! <= BRIGHT_SHARE * n; v--) above += histogram[v]!;
  return v;
}

/** Brightness range, as shares of the portrait's teeth brightness, over which a pixel turns from the exemplar's tint to its teeth's. */
const TEETH_FROM = 0.55;
const TEETH_TO = 0.85;

/** Highlights brightened past KNEE roll off towards 255 instead of clipping flat (teeth keep their shape). */
const KNEE = 200;
function knee(v: number): number {
  return v <= KNEE ? v : KNEE + (255 - KNEE) * (1 - Math.exp(-(v - KNEE) / (255 - KNEE)));
}

/** Width of the lips' inner edge drawn over the interior, pixels. */
const RIM_PX = 1.4;

/**
 * The saturation of skin in a colour photo: at least this in 95% of the bank's exemplars, whatever the
 * skin's tone (pale skin about 0.25–0.3, darker skin more). A skin less saturated than this is a photo that
 * lost colour (grey, faded, tinted), not a paler person.
 */
const COLOUR_SKIN_SATURATION = 0.25;

/**
 * How colourful the exemplar may be in this portrait: 1 for a colour photo, less as far as the portrait's
 * skin by the mouth is less saturated than a colour photo's (a grey photo's has none, so its mouth is grey
 * too; a faded photo's mouth is faded as much). Measured on skin, not lips (lipstick makes an exemplar's lips
 * far more colourful than the inside of its mouth), and not as a ratio of the two skins' saturations: the
 * inside of a mouth is about the same pink in pale and dark-skinned people, so pale skin must not grey it.
 */
export function saturationRatio(portraitSkin: Rgb, exemplarSkin: Rgb): number {
  const sat = (c: Rgb): number => (Math.max(...c) - Math.min(...c)) / Math.max(1, Math.max(...c));
  return Math.min(1, sat(portraitSkin) / Math.max(0.05, Math.min(COLOUR_SKIN_SATURATION, sat(exemplarSkin))));
}

/**
 * Per-channel factor that carries an exemplar into the portrait's light: the ratio of their teeth colours
 * (teeth are about the same white in everyone, so the ratio is the ratio of the lights), limited so a
 * badly measured colour cannot tint the mouth strongly.
 */
export function teethGain(portrait: Rgb, exemplar: Rgb): Rgb {
  const g = [0, 1, 2].map((c) => Math.max(0.35, Math.min(2, portrait[c]! / Math.max(8, exemplar[c]!))));
  // The hue may shift only a little: each channel within 6% of the mean gain.
  const m = (g[0]! + g[1]! + g[2]!) / 3;
  return g.map((v) => Math.max(0.94 * m, Math.min(1.06 * m, v))) as Rgb;
}

/**
 * A bank from its parts as stored (assets/mouth-bank.json and the decoded assets/mouth-bank.jpg), checked:
 * a bank of another version, or one whose tiles lie outside the atlas, is refused.
 */
export function parseMouthBank(index: unknown, atlas: RgbaImage): MouthBank {
  const bad = (why: string): never => {
    throw new RangeError(`mouth bank: ${why}`);
  };
  const o = index as { version?: unknown; tile?: unknown; exemplars?: unknown };
  if (typeof o !== 'object' || o === null) bad('the index is not an object');
  if (o.version !== MOUTH_BANK_VERSION) bad(`version ${String(o.version)}, expected ${MOUTH_BANK_VERSION}`);
  if (o.tile !== BANK_TILE) bad(`tile size ${String(o.tile)}, expected ${BANK_TILE}`);
  if (!Array.isArray(o.exemplars)) bad('no exemplars');
  const numbers = (v: unknown, n: number, what: string): Float32Array => {
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => Number.isFinite(x))) bad(`${what} is not ${n} numbers`);
    return Float32Array.from(v as number[]);
  };
  const exemplars = (o.exemplars as Record<string, unknown>[]).map((e, i): MouthExemplar => {
    const x = Number(e.x);
    const y = Number(e.y);
    if (!(x >= 0 && y >= 0 && x + BANK_TILE <= atlas.width && y + BANK_TILE <= atlas.height))
      bad(`exemplar ${i}'s tile lies outside the ${atlas.width}x${atlas.height} atlas`);
    return {
      person: String(e.person),
      clip: String(e.clip),
      frame: Number(e.frame),
      feature: numbers(e.feature, FEATURE_LENGTH, `exemplar ${i}'s feature`),
      points: numbers(e.points, 2 * POINT_COUNT, `exemplar ${i}'s points`),
      teeth: [...numbers(e.teeth, 3, `exemplar ${i}'s teeth colour`)] as Rgb,
      lip: [...numbers(e.lip, 3, `exemplar ${i}'s lip colour`)] as Rgb,
      skin: [...numbers(e.skin, 3, `exemplar ${i}'s skin colour`)] as Rgb,
      yawDeg: Number(e.yawDeg) || 0,
      widthPx: Number(e.widthPx) || BANK_SCALE,
      x,
      y,
    };
  });
  for (const e of exemplars) {
    e.brightest = brightestLuma(atlas, e);
    e.upperTeeth = upperTeethShare(atlas, e);
  }
  return { atlas, exemplars };
}

/**
 * How much of an exemplar's opening height the upper teeth fill, just left and right of the midline: in each
 * of a few columns, the run of teeth-coloured pixels (bright for this tile, and pale) starting right under the
 * upper lip, over the opening's height there; their mean. 0 when nothing in the opening is bright enough to
 * be teeth.
 */
export function upperTeethShare(atlas: RgbaImage, e: MouthExemplar): number {
  const up = MOUTH_OPENING.indexOf(LM.upperLipInner as (typeof MOUTH_OPENING)[number]);
  const down = MOUTH_OPENING.indexOf(LM.lowerLipInner as (typeof MOUTH_OPENING)[number]);
  const bright = e.brightest ?? brightestLuma(atlas, e);
  if (bright < MIN_TEETH_LUMA) return 0;
  const x0 = e.points[2 * up]!;
  const top = e.points[2 * up + 1]!;
  const bottom = e.points[2 * down + 1]!;
  const height = bottom - top;
  if (height < 2) return 0;
  let sum = 0;
  let columns = 0;
  for (let dx = -TEETH_COLUMNS; dx <= TEETH_COLUMNS; dx += 2) {
    const x = Math.round(x0 + dx);
    if (x < 0 || x >= BANK_TILE) continue;
    let run = 0;
    let started = false;
    for (let y = Math.ceil(top); y < bottom && y < BANK_TILE; y++) {
      const o = 4 * ((e.y + y) * atlas.width + e.x + x);
      const r = atlas.data[o]!;
      const g = atlas.data[o + 1]!;
      const b = atlas.data[o + 2]!;
      const max = Math.max(r, g, b);
      const teeth =
        0.3 * r + 0.59 * g + 0.11 * b >= TEETH_LUMA_SHARE * bright && max - Math.min(r, g, b) <= TEETH_SATURATION * max;
      if (teeth) {
        started = true;
        run++;
      } else if (started || y - top > TEETH_START_PX) break;
    }
    sum += run / height;
    columns++;
  }
  return columns ? Math.min(1, sum / columns) : 0;
}

/** Upper teeth are looked for in columns this many tile pixels either side of the midline. */
const TEETH_COLUMNS = 8;
/** A teeth run must start within this many tile pixels under the upper lip. */
const TEETH_START_PX = 3;
/** Teeth pixels: at least this share of the tile's brightest, at most this saturation; no teeth below MIN_TEETH_LUMA. */
const TEETH_LUMA_SHARE = 0.6;
const TEETH_SATURATION = 0.4;
const MIN_TEETH_LUMA = 70;
