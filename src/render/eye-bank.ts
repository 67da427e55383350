/**
 * A bank of real closed eyes: what an exemplar is and how it is cut and stored.
 *
 * A portrait with open eyes never shows its closed lids: the skin that covers the eyeball lies folded above
 * it. Each exemplar here is a real closed eye (a blink in a real video), cut into a tile aligned with the eye:
 * the corners on one row, the outer corner on the left (left eyes are mirrored), the corner-to-corner width
 * EYE_SCALE pixels. How a portrait's eye is closed with one is in closed-eye.ts.
 *
 * The bank is data (built by scripts/build-eye-bank.ts from the clips in ../shared/data); this file holds only
 * the engine side: no I/O.
 */
import type { RgbaImage } from '../face/image.js';
import { LEFT_EYE_OPENING, LM, RIGHT_EYE_OPENING } from '../face/topology.js';
import { bilinear } from './sampling.js';

/** Tile size, the corner-to-corner width in the tile, and the tile pixel of the outer corner. */
export const EYE_TILE_W = 96;
export const EYE_TILE_H = 64;
export const EYE_SCALE = 56;
export const EYE_ORIGIN_U = 20;
const EYE_ORIGIN_V = 36;
/** Bump when the tile layout changes: a bank of another version is refused. */
export const EYE_BANK_VERSION = 1;
/** Points stored per exemplar: the eye opening's 16 landmarks (outer corner, upper lid, inner corner, lower lid). */
const RING = RIGHT_EYE_OPENING.length;

export type EyeSide = 'right' | 'left';

export interface ClosedEye {
  /** Who it shows (an actor key), where it was cut, and which of their eyes it is. */
  person: string;
  clip: string;
  frame: number;
  side: EyeSide;
  /** The opening's landmarks in tile pixels, RING (x, y) pairs. */
  points: Float32Array;
  /** Mean absolute Laplacian of its luma over the lid: how much detail it holds. */
  sharpness: number;
  /** Top-left corner of its tile in the atlas. */
  x: number;
  y: number;
}

export interface EyeBank {
  atlas: RgbaImage;
  eyes: readonly ClosedEye[];
}

/** An eye's frame in an image: the outer corner, the unit vectors along the eye and down it, the width. */
export interface EyeAxes {
  ox: number;
  oy: number;
  ux: number;
  uy: number;
  vx: number;
  vy: number;
  w: number;
}

/** The frame of one eye (`side` as in the landmark names: the face's right eye is on the image's left). */
export function eyeAxes(lm: ArrayLike<number>, side: EyeSide, stride = 3): EyeAxes {
  const outer = side === 'right' ? LM.rightEyeOuter : LM.leftEyeOuter;
  const inner = side === 'right' ? LM.rightEyeInner : LM.leftEyeInner;
  const ox = lm[stride * outer]!;
  const oy = lm[stride * outer + 1]!;
  const dx = lm[stride * inner]! - ox;
  const dy = lm[stride * inner + 1]! - oy;
  const w = Math.max(1e-6, Math.hypot(dx, dy));
  const ux = dx / w;
  const uy = dy / w;
  // "Down" is the eye axis turned a quarter towards the chin: clockwise for the right eye (outer → inner runs
  // left to right), anticlockwise for the left, so both eyes' tiles have the outer corner on the left.
  return side === 'right' ? { ox, oy, ux, uy, vx: -uy, vy: ux, w } : { ox, oy, ux, uy, vx: uy, vy: -ux, w };
}

/** Image point → tile coordinates of an eye frame. */
export function toTile(a: EyeAxes, x: number, y: number): [number, number] {
  const k = EYE_SCALE / a.w;
  const dx = x - a.ox;
  const dy = y - a.oy;
  return [EYE_ORIGIN_U + k * (dx * a.ux + dy * a.uy), EYE_ORIGIN_V + k * (dx * a.vx + dy * a.vy)];
}

/** Tile coordinates of an eye frame → image point. */
export function toImage(a: EyeAxes, i: number, j: number, out: number[]): void {
  const k = a.w / EYE_SCALE;
  const u = (i - EYE_ORIGIN_U) * k;
  const v = (j - EYE_ORIGIN_V) * k;
  out[0] = a.ox + u * a.ux + v * a.vx;
  out[1] = a.oy + u * a.uy + v * a.vy;
}

/** The eye opening's landmarks in tile coordinates. */
export function eyeTilePoints(lm: ArrayLike<number>, side: EyeSide, a = eyeAxes(lm, side)): Float32Array {
  const ring = side === 'right' ? RIGHT_EYE_OPENING : LEFT_EYE_OPENING;
  const points = new Float32Array(2 * RING);
  ring.forEach((i, k) => {
    const [u, v] = toTile(a, lm[3 * i]!, lm[3 * i + 1]!);
    points[2 * k] = u;
    points[2 * k + 1] = v;
  });
  return points;
}

/** Cuts one eye of an image into a tile (RGBA, written at (x0, y0) of a buffer `stride` pixels wide). */
export function cutEyeTile(
  image: RgbaImage,
  lm: Float32Array,
  side: EyeSide,
  out: Uint8ClampedArray,
  stride: number,
  x0 = 0,
  y0 = 0,
): Float32Array {
  const a = eyeAxes(lm, side);
  const p = [0, 0];
  const rgb = [0, 0, 0];
  for (let j = 0; j < EYE_TILE_H; j++)
    for (let i = 0; i < EYE_TILE_W; i++) {
      toImage(a, i + 0.5, j + 0.5, p);
      bilinear(image.data, image.width, image.height, p[0]!, p[1]!, rgb);
      const o = 4 * ((y0 + j) * stride + x0 + i);
      out[o] = rgb[0]!;
      out[o + 1] = rgb[1]!;
      out[o + 2] = rgb[2]!;
      out[o + 3] = 255;
    }
  return eyeTilePoints(lm, side, a);
}

/**
 * A lid's margin as the tile row at each tile column, linear between the corners and its landmarks (flat
 * beyond the corners): the upper lid's, the lower lid's, or where the lids meet when closed (the midpoints of
 * the upper and lower landmarks facing each other).
 */
export function lidLine(points: Float32Array, which: 'upper' | 'lower' | 'closed'): Float32Array {
  const xs = [points[0]!];
  const ys = [points[1]!];
  for (let k = 1; k < RING / 2; k++) {
    const l = RING - k;
    const wu = which === 'upper' ? 1 : which === 'lower' ? 0 : 0.5;
    xs.push(wu * points[2 * k]! + (1 - wu) * points[2 * l]!);
    ys.push(wu * points[2 * k + 1]! + (1 - wu) * points[2 * l + 1]!);
  }
  xs.push(points[RING]!);
  ys.push(points[RING + 1]!);
  const line = new Float32Array(EYE_TILE_W);
  for (let i = 0; i < EYE_TILE_W; i++) {
    const u = i + 0.5;
    let k = 0;
    while (k < xs.length - 2 && u > xs[k + 1]!) k++;
    const t = Math.max(0, Math.min(1, (u - xs[k]!) / Math.max(1e-6, xs[k + 1]! - xs[k]!)));
    line[i] = ys[k]! + t * (ys[k + 1]! - ys[k]!);
  }
  return line;
}

/**
 * A bank from its parts as stored (assets/eye-bank.json and the decoded assets/eye-bank.jpg), checked: a bank
 * of another version, or one whose tiles lie outside the atlas, is refused.
 */
export function parseEyeBank(index: unknown, atlas: RgbaImage): EyeBank {
  const bad = (why: string): never => {
    throw new RangeError(`eye bank: ${why}`);
  };
  const o = index as { version?: unknown; tile?: unknown; eyes?: unknown };
  if (typeof o !== 'object' || o === null) bad('the index is not an object');
  if (o.version !== EYE_BANK_VERSION) bad(`version ${String(o.version)}, expected ${EYE_BANK_VERSION}`);
  const tile = o.tile as unknown[];
  if (!Array.isArray(tile) || tile[0] !== EYE_TILE_W || tile[1] !== EYE_TILE_H)
    bad(`tile size ${JSON.stringify(o.tile)}, expected [${EYE_TILE_W}, ${EYE_TILE_H}]`);
  if (!Array.isArray(o.eyes) || !o.eyes.length) bad('no eyes');
  const eyes = (o.eyes as Record<string, unknown>[]).map((e, i): ClosedEye => {
    const x = Number(e.x);
    const y = Number(e.y);
    if (!(x >= 0 && y >= 0 && x + EYE_TILE_W <= atlas.width && y + EYE_TILE_H <= atlas.height))
      bad(`eye ${i}'s tile lies outside the ${atlas.width}x${atlas.height} atlas`);
    const points = e.points;
    if (!Array.isArray(points) || points.length !== 2 * RING || !points.every((v) => Number.isFinite(v)))
      bad(`eye ${i}'s points are not ${2 * RING} numbers`);
    if (e.side !== 'right' && e.side !== 'left') bad(`eye ${i}'s side is ${String(e.side)}`);
    return {
      person: String(e.person),
      clip: String(e.clip),
      frame: Number(e.frame),
      side: e.side as EyeSide,
      points: Float32Array.from(points as number[]),
      sharpness: Number(e.sharpness) || 0,
      x,
      y,
    };
  });
  return { atlas, eyes };
}
