/**
 * Expression appearance: how each action unit changes the shading of the face — nasolabial folds and cheek
 * bulges, crow's feet, forehead lines, brow furrows, nose wrinkles, the chin boss, pressed lips, the shadow
 * of a dropped jaw. Learned from real faces by scripts/build-appearance.ts (expression ratio images, Liu et
 * al. 2001, regressed per AU) and applied here multiplicatively on the warped portrait's own pixels, so the
 * person keeps their skin tone and lighting and no other face's texture comes along.
 *
 * Layout: the UV grid of src/face/uv-grid.ts (the subject's right half of the face mesh's UV map; the left
 * half is its mirror image). For each AU the map holds the change of log luminance at intensity 5 of that AU
 * on the side the texel is on; near the midline (within MIDLINE of u = 0.5) both sides' intensities count,
 * blended. Pure TypeScript on typed arrays.
 */
import { ACTION_UNITS, AU_MAX, type AuIntensities } from '../face/action-units.js';
import { decodeInt8 } from '../face/base64.js';
import { MESH_UV } from '../face/topology.js';
import { GRID_H, GRID_W, gridX, gridY, sideWeight, texelUV } from '../face/uv-grid.js';
import { APPEARANCE_MAPS, APPEARANCE_SCALES } from './appearance-data.js';

export interface AppearanceModel {
  /** Per AU (ACTION_UNITS order): GRID_W × GRID_H log-luminance change at intensity 5, row-major. */
  maps: Float32Array[];
}

/** The UV map as a flat array (u, v per mesh point), for the per-pixel lookup. */
const UV = Float32Array.from(MESH_UV.flatMap(([u, v]) => [u, v]));

let model: AppearanceModel | undefined | null;

/** The learned model, or undefined when none is stored. */
export function appearanceModel(): AppearanceModel | undefined {
  if (model !== undefined) return model ?? undefined;
  const n = GRID_W * GRID_H;
  const q = APPEARANCE_MAPS ? decodeInt8(APPEARANCE_MAPS) : new Int8Array(0);
  if (q.length !== n * ACTION_UNITS.length || APPEARANCE_SCALES.length !== ACTION_UNITS.length) {
    model = null;
    return undefined;
  }
  model = {
    maps: ACTION_UNITS.map((_, k) => {
      const m = new Float32Array(n);
      const s = APPEARANCE_SCALES[k]!;
      for (let i = 0; i < n; i++) m[i] = q[k * n + i]! * s;
      return m;
    }),
  };
  return model;
}

/** Bounds of the log-luminance change (factor 0.75 … 1.16). */
const SHADE_MIN = Math.log(0.75);
const SHADE_MAX = Math.log(1.16);

export interface AppearanceFrame {
  /**
   * The factor a face pixel's colour is multiplied by, at the point with barycentric weights (w0, w1, w2) in
   * the mesh triangle (a, b, c).
   */
  factor(a: number, b: number, c: number, w0: number, w1: number, w2: number): number;
  /** The factor (≈ 1) the shading is multiplied by at a UV point. */
  factorAt(u: number, v: number): number;
}

/**
 * One frame's appearance for AU intensities relative to the portrait (positive: more of an action than the
 * portrait shows, negative: less), scaled by `strength` (0 off … 1). Undefined when there is nothing to do.
 */
export function frameAppearance(
  aus: AuIntensities | undefined,
  strength = 1,
  m: AppearanceModel | undefined = appearanceModel(),
): AppearanceFrame | undefined {
  if (!aus || !m || !(strength > 0)) return undefined;
  const n = GRID_W * GRID_H;
  const right = new Float32Array(n);
  const left = new Float32Array(n);
  let any = false;
  // Per column, how much of the texel belongs to its own side.
  const own = new Float32Array(GRID_W);
  for (let col = 0; col < GRID_W; col++) own[col] = sideWeight(texelUV(col, 0)[0]);
  ACTION_UNITS.forEach((au, k) => {
    const r = ((aus.right[au] ?? 0) * strength) / AU_MAX;
    const l = ((aus.left[au] ?? 0) * strength) / AU_MAX;
    if (r === 0 && l === 0) return;
    any = true;
    const map = m.maps[k]!;
    const mid = (r + l) / 2;
    for (let row = 0; row < GRID_H; row++) {
      for (let col = 0; col < GRID_W; col++) {
        const i = row * GRID_W + col;
        const w = own[col]!;
        right[i]! += map[i]! * (w * r + (1 - w) * mid);
        left[i]! += map[i]! * (w * l + (1 - w) * mid);
      }
    }
  });
  if (!any) return undefined;
  // Stored as factors, bounded to what creases and folds do to real skin (a fold darkens by up to about a
  // quarter, a bulge lightens by up to a sixth), so a stray texel cannot draw a blotch.
  for (let i = 0; i < n; i++) {
    right[i] = Math.exp(Math.max(SHADE_MIN, Math.min(SHADE_MAX, right[i]!)));
    left[i] = Math.exp(Math.max(SHADE_MIN, Math.min(SHADE_MAX, left[i]!)));
  }
  const factorAt = (u: number, v: number): number => {
    const map = u > 0.5 ? left : right;
    // Two numbers, not a pair: this runs for every face pixel of every frame.
    let x = gridX(u);
    let y = gridY(v);
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x > GRID_W - 1) x = GRID_W - 1;
    if (y > GRID_H - 1) y = GRID_H - 1;
    const x0 = x | 0;
    const y0 = y | 0;
    const x1 = x0 + 1 < GRID_W ? x0 + 1 : x0;
    const y1 = y0 + 1 < GRID_H ? y0 + 1 : y0;
    const fx = x - x0;
    const fy = y - y0;
    const top = map[y0 * GRID_W + x0]! + (map[y0 * GRID_W + x1]! - map[y0 * GRID_W + x0]!) * fx;
    const bot = map[y1 * GRID_W + x0]! + (map[y1 * GRID_W + x1]! - map[y1 * GRID_W + x0]!) * fx;
    return top + (bot - top) * fy;
  };
  return {
    factorAt,
    factor: (a, b, c, w0, w1, w2) =>
      factorAt(
        w0 * UV[2 * a]! + w1 * UV[2 * b]! + w2 * UV[2 * c]!,
        w0 * UV[2 * a + 1]! + w1 * UV[2 * b + 1]! + w2 * UV[2 * c + 1]!,
      ),
  };
}
