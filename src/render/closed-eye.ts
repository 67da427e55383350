/**
 * Closing a portrait's eye with a real closed eye from the bank (eye-bank.ts).
 *
 * Stretching the visible lid down draws a smeared band with its lashes pulled long, which reads as a squint or
 * a slit. What the portrait takes from a real closed eye is its *relief*, not its colour: each pixel's
 * brightness over the skin around it (the lash line dark, the lid's bulge lit, the crease's shadow),
 * multiplied into this portrait's own lid and under-eye skin colours. So the closed lid has this face's
 * colours and a real eye's lashes and folds.
 */
import type { RgbaImage } from '../face/image.js';
import {
  EYE_ORIGIN_U,
  EYE_SCALE,
  EYE_TILE_H,
  EYE_TILE_W,
  eyeAxes,
  eyeTilePoints,
  type EyeAxes,
  lidLine,
  toImage,
  toTile,
  type ClosedEye,
  type EyeBank,
  type EyeSide,
} from './eye-bank.js';
import type { EyeFrame, EyeSource } from './eyes.js';
import { bilinear } from './sampling.js';

/**
 * The skin bands the closed lid is measured against, in tile rows relative to where the lids meet: above,
 * on the lid below the brow; below, under the lower lid. What lies between them is replaced.
 */
const TOP_BAND: [number, number] = [-27, -19];
const BOTTOM_BAND: [number, number] = [11, 16];
/**
 * The replaced region, tile pixels: columns (outer corner 0, inner EYE_SCALE) and rows about where the lids
 * meet; a rounded rectangle feathered over FEATHER inside its edge.
 */
const REGION_U: [number, number] = [-8, EYE_SCALE + 7];
const REGION_V: [number, number] = [-22, 12];
const FEATHER = 7;

/**
 * Per tile column, the mean colour of the two bands of a tile-shaped image, smoothed across columns. `sample`
 * returns the RGB at tile (i, j); `line` is where the lids meet.
 */
function bandColours(
  sample: (i: number, j: number, out: number[]) => void,
  line: Float32Array,
): { top: Float32Array; bottom: Float32Array } {
  const top = new Float32Array(3 * EYE_TILE_W);
  const bottom = new Float32Array(3 * EYE_TILE_W);
  const rgb = [0, 0, 0];
  for (let i = 0; i < EYE_TILE_W; i++)
    for (const [band, [from, to]] of [
      [top, TOP_BAND],
      [bottom, BOTTOM_BAND],
    ] as const) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let d = from; d <= to; d += 2, n++) {
        sample(i + 0.5, line[i]! + d, rgb);
        for (let c = 0; c < 3; c++) sum[c] = sum[c]! + rgb[c]!;
      }
      for (let c = 0; c < 3; c++) band[3 * i + c] = sum[c]! / n;
    }
  return { top: smoothColumns(top), bottom: smoothColumns(bottom) };
}

/** A running mean over 9 columns (the bands hold stray lashes, hair and highlights). */
function smoothColumns(band: Float32Array): Float32Array {
  const out = new Float32Array(band.length);
  for (let i = 0; i < EYE_TILE_W; i++)
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let n = 0;
      for (let q = Math.max(0, i - 4); q <= Math.min(EYE_TILE_W - 1, i + 4); q++, n++) s += band[3 * q + c]!;
      out[3 * i + c] = s / n;
    }
  return out;
}

/** Interpolates between the band colours at column i, tile row offset d from the line. */
function baseAt(bands: { top: Float32Array; bottom: Float32Array }, i: number, d: number, c: number): number {
  const from = (TOP_BAND[0] + TOP_BAND[1]) / 2;
  const to = (BOTTOM_BAND[0] + BOTTOM_BAND[1]) / 2;
  const t = Math.max(0, Math.min(1, (d - from) / (to - from)));
  return bands.top[3 * i + c]! + t * (bands.bottom[3 * i + c]! - bands.top[3 * i + c]!);
}

/**
 * An exemplar ready to draw: its relief (each tile pixel's luma over the interpolated luma of its bands; 1
 * where it is the plain skin of its bands) and where its lids meet.
 */
export interface ClosedEyeRelief {
  eye: ClosedEye;
  line: Float32Array;
  relief: Float32Array;
  /** Its lash line's relief: the darkest within 2 tile rows of its line, averaged over the middle half of the eye. */
  lashDepth: number;
  /** Over the middle half of the eye: how many tile rows per column within 12 of the line are dark (relief under 0.6). */
  darkRows: number;
  /** The brightest relief on the lid (from 3 to 18 tile rows above the line), over the middle half of the eye. */
  brightest: number;
}

function closedEyeRelief(bank: EyeBank, eye: ClosedEye): ClosedEyeRelief {
  const { atlas } = bank;
  const line = lidLine(eye.points, 'closed');
  const sample = (i: number, j: number, out: number[]): void => {
    const u = Math.max(0.5, Math.min(EYE_TILE_W - 0.5, i));
    const v = Math.max(0.5, Math.min(EYE_TILE_H - 0.5, j));
    bilinear(atlas.data, atlas.width, atlas.height, eye.x + u, eye.y + v, out);
  };
  const bands = bandColours(sample, line);
  const relief = new Float32Array(EYE_TILE_W * EYE_TILE_H);
  const rgb = [0, 0, 0];
  const luma = (r: number, g: number, b: number): number => 0.3 * r + 0.59 * g + 0.11 * b;
  for (let j = 0; j < EYE_TILE_H; j++)
    for (let i = 0; i < EYE_TILE_W; i++) {
      sample(i + 0.5, j + 0.5, rgb);
      const d = j + 0.5 - line[i]!;
      const base = luma(baseAt(bands, i, d, 0), baseAt(bands, i, d, 1), baseAt(bands, i, d, 2));
      relief[j * EYE_TILE_W + i] = Math.max(0.15, Math.min(1.6, luma(rgb[0]!, rgb[1]!, rgb[2]!) / Math.max(8, base)));
    }
  let depth = 0;
  let dark = 0;
  let brightest = 0;
  const from = EYE_ORIGIN_U + Math.round(EYE_SCALE / 4);
  const to = EYE_ORIGIN_U + Math.round((3 * EYE_SCALE) / 4);
  for (let i = from; i < to; i++) {
    let least = Infinity;
    for (let j = 0; j < EYE_TILE_H; j++) {
      const d = j + 0.5 - line[i]!;
      const r = relief[j * EYE_TILE_W + i]!;
      if (Math.abs(d) <= 2.5) least = Math.min(least, r);
      if (Math.abs(d) < 12 && r < 0.6) dark++;
      if (d < -3 && d > -18) brightest = Math.max(brightest, r);
    }
    depth += least / (to - from);
  }
  return { eye, line, relief, lashDepth: depth, darkRows: dark / (to - from), brightest };
}

/**
 * A portrait's real closed lids, chosen and measured once: a function that closes each eye of a rendered frame
 * as far as its eye frame's `slit` says (see {@link closedAmount}); undefined without a bank of closed eyes.
 * Eyes the portrait shows closed, and carved or blank eyes (no iris: a statue's), are left to the warp.
 */
export function prepareClosedEyes(
  source: RgbaImage,
  landmarks: Float32Array,
  eyes: readonly EyeSource[],
  options: { bank?: { closedEyes?: EyeBank }; bankExclude?: readonly string[] } = {},
): ((image: RgbaImage, lm: Float32Array, frames: readonly EyeFrame[], occ?: Float32Array) => void) | undefined {
  const bank = options.bank?.closedEyes;
  if (!bank) return undefined;
  const skins = [measureLidSkin(source, landmarks, 'right'), measureLidSkin(source, landmarks, 'left')] as const;
  const depth = (k: number): number => lashDepth(eyes[k]!.lash, skins[k]!.top);
  const chosen = chooseClosedEyes(bank, [depth(0), depth(1)], options.bankExclude);
  if (!chosen) return undefined;
  return (image, lm, frames, occ) =>
    (['right', 'left'] as const).forEach((side, k) => {
      if (eyes[k]!.open && eyes[k]!.hasIris)
        closeEye(image, lm, side, chosen[side], skins[k]!, closedAmount(frames[k]!.slit), occ);
    });
}

/**
 * The closed eye for each of a portrait's eyes: of the bank's frames (one or both eyes closed), the one whose
 * lash line is as dark against its lid as the portrait's (`lashDepth`, each eye's lash luma over its lid skin's:
 * heavy dark lashes take a dark lash line, fair ones a faint one), the sharpest among near equals; both eyes from
 * that frame where it has both. `exclude` lists people not to use (the person an evaluation reenacts).
 */
function chooseClosedEyes(
  bank: EyeBank,
  lashDepth: readonly [number, number],
  exclude: readonly string[] = [],
): { right: ClosedEyeRelief; left: ClosedEyeRelief } | undefined {
  const usable = bankReliefs(bank).filter((r) => !exclude.includes(r.eye.person));
  if (!usable.length) return undefined;
  const clean = usable.filter((r) => r.darkRows <= MAX_DARK_ROWS && r.brightest <= MAX_LID_HIGHLIGHT);
  const reliefs = clean.length ? clean : usable;
  const frames = new Map<string, ClosedEyeRelief[]>();
  for (const r of reliefs) {
    const key = `${r.eye.clip}#${r.eye.frame}`;
    frames.set(key, [...(frames.get(key) ?? []), r]);
  }
  const want = lashDepth.map((d) => Math.log(Math.max(0.05, d)));
  const cost = (f: ClosedEyeRelief[]): number =>
    want.reduce((s, w, k) => s + Math.abs(Math.log(f[Math.min(k, f.length - 1)]!.lashDepth) - w), 0) / 2 -
    SHARPNESS_WEIGHT * Math.min(...f.map((r) => r.eye.sharpness));
  const best = [...frames.values()].sort((a, b) => cost(a) - cost(b))[0]!;
  const pick = (side: EyeSide): ClosedEyeRelief => best.find((r) => r.eye.side === side) ?? best[0]!;
  return { right: pick('right'), left: pick('left') };
}

/** A portrait eye's lash depth for {@link chooseClosedEyes}: its lash colour's luma over its lid skin's. */
function lashDepth(lash: readonly number[], lid: readonly number[]): number {
  const luma = (c: readonly number[]): number => 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
  return luma(lash) / Math.max(1, luma(lid));
}

/**
 * Exemplars that would paint the portrait are passed over while others remain: a lash band more than
 * MAX_DARK_ROWS tile rows thick on average (eyeliner, or a dark-skinned eye's shadowed socket, which on another
 * face reads as a dark slit), or a lid highlight over MAX_LID_HIGHLIGHT (a white streak on another face).
 */
const MAX_DARK_ROWS = 7;
const MAX_LID_HIGHLIGHT = 1.2;

/** How much a unit of sharpness (mean absolute Laplacian, see the bank's build) weighs against lash depth. */
const SHARPNESS_WEIGHT = 0.02;

/** Every exemplar's relief, computed once per bank. */
const reliefCache = new WeakMap<EyeBank, ClosedEyeRelief[]>();
function bankReliefs(bank: EyeBank): ClosedEyeRelief[] {
  let r = reliefCache.get(bank);
  if (!r) reliefCache.set(bank, (r = bank.eyes.map((e) => closedEyeRelief(bank, e))));
  return r;
}

/**
 * How much of a real closed eye shows, 0–1, for an eye frame's `slit` (eyes.ts: 1 open as in the portrait, 0
 * closed): none until the eye is about two thirds closed, all of it when closed. Between, the open lid stretched
 * down by the warp and the real closed lid are blended.
 */
export function closedAmount(slit: number): number {
  const t = Math.max(0, Math.min(1, (slit - CLOSED_FROM) / (CLOSED_TO - CLOSED_FROM)));
  return 1 - t * t * (3 - 2 * t);
}
const CLOSED_FROM = 0.03;
const CLOSED_TO = 0.35;

/** The skin a closed lid of the portrait takes: its lid's above, its under-eye skin below (RGB), and its grain. */
export interface LidSkin {
  top: [number, number, number];
  bottom: [number, number, number];
  /** Luma deviations, GRAIN_ROWS rows of EYE_TILE_W columns (see skinGrain). */
  grain: Float32Array;
}

/**
 * Measures a portrait eye's skin once: the visible lid between the lashes and the crease, and the skin under
 * the lower lid. Of the pixels in each band, those between the 40th and 90th percentile of brightness are
 * averaged: lashes, the crease's shadow, a low brow's hairs and highlights are left out.
 */
function measureLidSkin(image: RgbaImage, lm: Float32Array, side: EyeSide): LidSkin {
  const a = eyeAxes(lm, side);
  const points = eyeTilePoints(lm, side, a);
  const upper = lidLine(points, 'upper');
  const lower = lidLine(points, 'lower');
  const p = [0, 0];
  const collect = (line: Float32Array, from: number, to: number): [number, number, number] => {
    const px: number[][] = [];
    for (let i = EYE_ORIGIN_U; i < EYE_ORIGIN_U + EYE_SCALE; i += 1)
      for (let d = from; d <= to; d += 1) {
        toImage(a, i + 0.5, line[i]! + d, p);
        const rgb = [0, 0, 0];
        bilinear(image.data, image.width, image.height, p[0]!, p[1]!, rgb);
        px.push(rgb);
      }
    const luma = (c: number[]): number => 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
    px.sort((x, y) => luma(x) - luma(y));
    const kept = px.slice(
      Math.floor(0.4 * px.length),
      Math.max(Math.floor(0.4 * px.length) + 1, Math.floor(0.9 * px.length)),
    );
    return [0, 1, 2].map((c) => kept.reduce((s, q) => s + q[c]!, 0) / kept.length) as [number, number, number];
  };
  const lid = collect(upper, LID_BAND[0], LID_BAND[1]);
  const bottom = collect(lower, UNDER_BAND[0], UNDER_BAND[1]);
  // A lid band darker than LID_SHADE of the skin under the eye measured a deep socket's shadow or a low brow:
  // the closed lid, which stands out of the socket, is lifted to that.
  const luma = (c: readonly number[]): number => 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
  const k = Math.max(1, (LID_SHADE * luma(bottom)) / Math.max(1, luma(lid)));
  return {
    top: lid.map((v) => Math.min(255, v * k)) as [number, number, number],
    bottom,
    grain: skinGrain(image, a, lower),
  };
}

/**
 * The portrait's skin grain (noise, pores, film grain) from under the lower lid: each tile column's luma in
 * GRAIN_ROWS rows from GRAIN_FROM below the lid, less its mean over those rows and nearby columns, limited to
 * ±GRAIN_MAX (a wrinkle or a stray lash is not copied as a line).
 */
function skinGrain(image: RgbaImage, a: EyeAxes, lower: Float32Array): Float32Array {
  const p = [0, 0];
  const rgb = [0, 0, 0];
  const raw = new Float32Array(EYE_TILE_W * GRAIN_ROWS);
  for (let i = 0; i < EYE_TILE_W; i++)
    for (let r = 0; r < GRAIN_ROWS; r++) {
      toImage(a, i + 0.5, lower[i]! + GRAIN_FROM + r, p);
      bilinear(image.data, image.width, image.height, p[0]!, p[1]!, rgb);
      raw[r * EYE_TILE_W + i] = 0.3 * rgb[0]! + 0.59 * rgb[1]! + 0.11 * rgb[2]!;
    }
  const grain = new Float32Array(raw.length);
  for (let i = 0; i < EYE_TILE_W; i++) {
    let sum = 0;
    let n = 0;
    for (let q = Math.max(0, i - 4); q <= Math.min(EYE_TILE_W - 1, i + 4); q++)
      for (let r = 0; r < GRAIN_ROWS; r++, n++) sum += raw[r * EYE_TILE_W + q]!;
    for (let r = 0; r < GRAIN_ROWS; r++) {
      const g = raw[r * EYE_TILE_W + i]! - sum / n;
      grain[r * EYE_TILE_W + i] = Math.max(-GRAIN_MAX, Math.min(GRAIN_MAX, g));
    }
  }
  return grain;
}

/** The grain's band under the lower lid (tile rows from the lid, and how many) and its limit (luma levels). */
const GRAIN_FROM = 6;
const GRAIN_ROWS = 8;
const GRAIN_MAX = 14;

/** A closed lid is at least this bright against the skin under the eye. */
const LID_SHADE = 0.85;

/** The lower edge of each brow (its middle: the ends lie beside the eye's corners), and how far off it the region stops, tile pixels. */
const RIGHT_BROW_LOWER = [46, 53, 52, 65] as const;
const LEFT_BROW_LOWER = [276, 283, 282, 295] as const;
const BROW_CLEARANCE = 4;
/** Tile rows above the lids' line from which the portrait's stretched lid fades out (see closeEye). */
const KEEP_ABOVE = -9;

/** The portrait's skin bands, tile rows from its open lids: above the upper lid's lashes, below the lower lid. */
const LID_BAND: [number, number] = [-14, -5];
const UNDER_BAND: [number, number] = [7, 15];

/**
 * Closes one eye of a rendered frame with a real closed eye's relief, `amount` 0–1 (how closed the eye is),
 * in place: each pixel of a rounded region about where the lids meet becomes the portrait's lid skin (`skin`,
 * from above to below) times the exemplar's relief at the same place relative to its own lids' line, blended
 * in by the amount and feathered at the region's edge. `lm` are the frame's landmarks. Marks the pixels it
 * changes in `occ` (how synthetic: the blend weight).
 */
function closeEye(
  image: RgbaImage,
  lm: Float32Array,
  side: EyeSide,
  exemplar: ClosedEyeRelief,
  skin: LidSkin,
  amount: number,
  occ?: Float32Array,
): void {
  if (amount <= 0) return;
  const a = eyeAxes(lm, side);
  const line = lidLine(eyeTilePoints(lm, side, a), 'closed');
  const { data, width: W, height: H } = image;
  const p = [0, 0];
  // The region's bounding box in the image.
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of [REGION_U[0] + EYE_ORIGIN_U, REGION_U[1] + EYE_ORIGIN_U])
    for (const d of [REGION_V[0], REGION_V[1]]) {
      const col = Math.max(0, Math.min(EYE_TILE_W - 1, Math.round(i)));
      toImage(a, i, line[col]! + d, p);
      x0 = Math.min(x0, p[0]!);
      y0 = Math.min(y0, p[1]!);
      x1 = Math.max(x1, p[0]!);
      y1 = Math.max(y1, p[1]!);
    }
  const { relief, line: eLine } = exemplar;
  // The region stops short of the brow: a low brow stays the portrait's.
  let above = -REGION_V[0];
  for (const i of side === 'right' ? RIGHT_BROW_LOWER : LEFT_BROW_LOWER) {
    const [bu, bv] = toTile(a, lm[3 * i]!, lm[3 * i + 1]!);
    const col = Math.max(0, Math.min(EYE_TILE_W - 1, Math.floor(bu)));
    above = Math.min(above, line[col]! - bv - BROW_CLEARANCE);
  }
  const vTop = -Math.max(REGION_V[1] + 2 * FEATHER, above);
  const cu = (REGION_U[0] + REGION_U[1]) / 2;
  const hu = (REGION_U[1] - REGION_U[0]) / 2;
  const cv = (vTop + REGION_V[1]) / 2;
  const hv = (REGION_V[1] - vTop) / 2;
  const top = (TOP_BAND[0] + TOP_BAND[1]) / 2;
  const bottom = (BOTTOM_BAND[0] + BOTTOM_BAND[1]) / 2;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(H, Math.ceil(y1)); y++)
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(W, Math.ceil(x1)); x++) {
      const [ti, tj] = toTile(a, x + 0.5, y + 0.5);
      const col = Math.max(0, Math.min(EYE_TILE_W - 1, Math.floor(ti)));
      const d = tj - line[col]!;
      // A rounded rectangle (superellipse) in tile units, feathered over FEATHER at its edge.
      const eu = Math.abs(ti - EYE_ORIGIN_U - cu) / hu;
      const ev = Math.abs(d - cv) / hv;
      const r = Math.sqrt(Math.sqrt(eu ** 4 + ev ** 4));
      const edge = Math.min(hu, hv) * (1 - r);
      // Above the lashes the portrait's own lid, stretched down by the warp, keeps its grain: the real lid
      // takes over from KEEP_ABOVE up to the lids' line and below it.
      const keep = d < KEEP_ABOVE ? Math.max(0, 1 - (KEEP_ABOVE - d) / (KEEP_ABOVE - vTop)) : 1;
      const w = amount * keep * Math.max(0, Math.min(1, edge / FEATHER));
      if (w <= 0) continue;
      const rel = reliefAt(relief, ti, eLine[col]! + d);
      const t = Math.max(0, Math.min(1, (d - top) / (bottom - top)));
      // The grain's rows mirrored up and down the region (a tile of GRAIN_ROWS, reflected, repeats every 2×).
      const m = (((Math.floor(d) % (2 * GRAIN_ROWS)) + 2 * GRAIN_ROWS) % (2 * GRAIN_ROWS)) | 0;
      const g = skin.grain[(m < GRAIN_ROWS ? m : 2 * GRAIN_ROWS - 1 - m) * EYE_TILE_W + col]!;
      const o = 4 * (y * W + x);
      for (let c = 0; c < 3; c++) {
        const v = (skin.top[c]! + t * (skin.bottom[c]! - skin.top[c]!) + g) * rel;
        data[o + c] = data[o + c]! + w * (v - data[o + c]!);
      }
      if (occ) occ[y * W + x] = Math.max(occ[y * W + x]!, w);
    }
}

function reliefAt(relief: Float32Array, i: number, j: number): number {
  const x = Math.max(0, Math.min(EYE_TILE_W - 1.001, i - 0.5));
  const y = Math.max(0, Math.min(EYE_TILE_H - 1.001, j - 0.5));
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const fx = x - xi;
  const fy = y - yi;
  const o = yi * EYE_TILE_W + xi;
  const top = relief[o]! + fx * (relief[o + 1]! - relief[o]!);
  const bottom = relief[o + EYE_TILE_W]! + fx * (relief[o + EYE_TILE_W + 1]! - relief[o + EYE_TILE_W]!);
  return top + fy * (bottom - top);
}
