/**
 * The lids' visible edges on eyes with no iris (carved, blank). The landmark models fit the lid margins of
 * eyes with an iris and lashes; on a statue's carved eye they sit inside the eye: the dark groove of the
 * upper lid's overhang lies above the upper margin, and the pale eyeball reaches below the lower one.
 * Closing the lids onto their landmarks then moves the groove a few pixels, leaves the eyeball showing
 * below it, and the eye still looks open (issue 16: eyes r 0.08 on lp_s6 × lp_d0). The renderer therefore
 * moves such an eye's source margins out past the groove to the visible edges where the image shows them,
 * and each frame places the target's margins at the same share of the visible opening as the landmarks'
 * share of theirs: an unchanged eye renders as the portrait, and a closing one brings the upper lid's
 * skin down over groove and eyeball onto the lower edge, meeting it in a line of shadow.
 */
import type { RgbaImage } from '../face/image.js';
import { GROUPS } from '../face/topology.js';
import { bilinear } from './sampling.js';

/**
 * Per eye: margin points (upper corners excluded, lower corners excluded), the skin points beyond them
 * (away from the opening), and the opposite lid's margin points across the opening, index for index.
 */
const LIDS = {
  right: {
    upper: GROUPS.rightEyeUpper0,
    aboveUpper: GROUPS.rightEyeUpper1,
    upperSkin: GROUPS.rightEyeUpper2,
    lower: GROUPS.rightEyeLower0.slice(1, -1),
    belowLower: GROUPS.rightEyeLower1.slice(1, -1),
    corners: [GROUPS.rightEyeLower0[0], GROUPS.rightEyeLower0[8]] as const,
  },
  left: {
    upper: GROUPS.leftEyeUpper0,
    aboveUpper: GROUPS.leftEyeUpper1,
    upperSkin: GROUPS.leftEyeUpper2,
    lower: GROUPS.leftEyeLower0.slice(1, -1),
    belowLower: GROUPS.leftEyeLower1.slice(1, -1),
    corners: [GROUPS.leftEyeLower0[0], GROUPS.leftEyeLower0[8]] as const,
  },
} as const;

/**
 * Per eye, per margin point: how far (x, y, source pixels) the visible edge lies beyond the upper-lid
 * margin landmark (`upper`, upwards) and the lower-lid one (`lower`, downwards).
 */
export interface EyeEdges {
  upper: Float32Array;
  lower: Float32Array;
}

export interface LidEdges {
  right: EyeEdges;
  left: EyeEdges;
}

/** Sampling step along the lid profile, source pixels. */
const STEP = 0.5;

/**
 * Luma profile from (x, y) along unit vector (dx, dy), STEP apart, for `n` samples; each sample averages
 * three taps across the profile so a one-pixel speck does not read as a line.
 */
function profile(img: RgbaImage, x: number, y: number, dx: number, dy: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const t = i * STEP;
    let s = 0;
    for (const o of [-0.75, 0, 0.75]) {
      bilinear(img.data, img.width, img.height, x + dx * t - dy * o, y + dy * t + dx * o, c);
      s += 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
    }
    out[i] = s / 3;
  }
  return out;
}

/**
 * How far beyond each margin landmark of one lid the lid's visible edge lies (image pixels, as vectors
 * pointing away from the opening). Along the line from the opposite margin through this one, the edge is
 * a distinctly darker line (the groove between lid and eyeball, its shadow; it may straddle the margin)
 * between the pale opening and lighter skin beyond; it belongs to the opening, which closes over it, so
 * the margin moves to its far side (where the skin has half recovered), by at most the eye's own opening
 * again (a line further out is a fold of the lid, not its edge). No point of a lid moves unless three of
 * its five middle points agree.
 */
function lidEdge(
  img: RgbaImage,
  lm: Float32Array,
  margin: readonly number[],
  beyond: readonly number[],
  across: readonly number[],
): Float32Array {
  const n = margin.length;
  const dist = new Float32Array(n);
  const dirs = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) {
    const u = margin[k]!;
    const v = beyond[k]!;
    const l = across[k]!;
    const ux = lm[3 * u]!;
    const uy = lm[3 * u + 1]!;
    const D = Math.hypot(lm[3 * v]! - ux, lm[3 * v + 1]! - uy);
    const gap = Math.hypot(lm[3 * l]! - ux, lm[3 * l + 1]! - uy);
    if (!(D > 1) || !(gap > 1)) continue;
    const dx = (lm[3 * v]! - ux) / D;
    const dy = (lm[3 * v + 1]! - uy) / D;
    dirs[2 * k] = dx;
    dirs[2 * k + 1] = dy;
    // Samples from the opposite margin (i = 0) through this margin (i = at) to twice the skin ring's distance.
    const at = Math.round(gap / STEP);
    const p = profile(img, ux - dx * at * STEP, uy - dy * at * STEP, dx, dy, at + Math.floor((2 * D) / STEP) + 1);
    const opening = Array.from(p.subarray(0, at + 1)).sort((a, b) => a - b);
    const pale = opening[Math.floor(0.75 * (opening.length - 1))]!;
    let darkest = at - Math.floor(at / 4);
    const last = at + Math.floor((1.2 * D) / STEP);
    for (let i = darkest + 1; i <= last; i++) if (p[i]! < p[darkest]!) darkest = i;
    const dark = p[darkest]!;
    const contrast = pale - dark;
    if (!(contrast >= Math.max(16, 0.12 * pale))) continue;
    // Lighter skin beyond the line (a line, not the start of a dark region such as a brow's shadow).
    let skin = 0;
    for (const q of p.subarray(darkest + 1)) skin = Math.max(skin, q);
    if (skin - dark < 0.5 * contrast) continue;
    let edge = darkest;
    while (edge + 1 < p.length && p[edge]! < dark + 0.5 * (skin - dark)) edge++;
    const t = Math.min((edge - at) * STEP, 1.2 * D, gap + 1);
    if (t >= 1) dist[k] = t;
  }
  const out = new Float32Array(n * 2);
  let agree = 0;
  for (let k = 1; k < n - 1; k++) if (dist[k]! > 0) agree++;
  if (agree < 3) return out;
  // Each point takes the median of itself and its neighbours (a lone miss or outlier along the lid).
  for (let k = 0; k < n; k++) {
    const near = [dist[Math.max(0, k - 1)]!, dist[k]!, dist[Math.min(n - 1, k + 1)]!].sort((a, b) => a - b);
    out[2 * k] = dirs[2 * k]! * near[1]!;
    out[2 * k + 1] = dirs[2 * k + 1]! * near[1]!;
  }
  return out;
}

/** One eye's visible lid edges beyond its margin landmarks (see {@link lidEdge}). */
function measureEyeEdges(img: RgbaImage, lm: Float32Array, side: 'left' | 'right'): EyeEdges {
  const e = LIDS[side];
  return {
    upper: lidEdge(img, lm, e.upper, e.aboveUpper, e.lower),
    lower: lidEdge(img, lm, e.lower, e.belowLower, e.upper),
  };
}

const NO_EDGES: EyeEdges = { upper: new Float32Array(14), lower: new Float32Array(14) };

/**
 * The visible lid edges of the eyes named in `eyes` (those with no iris: the landmark models fit the
 * margins of eyes with an iris and lashes well, and a darker line beyond such a margin is a crease, a
 * frame or a brow); undefined when every margin already sits on its edge.
 */
export function measureLidEdges(
  img: RgbaImage,
  lm: Float32Array,
  eyes: { right: boolean; left: boolean },
): LidEdges | undefined {
  const right = eyes.right ? measureEyeEdges(img, lm, 'right') : NO_EDGES;
  const left = eyes.left ? measureEyeEdges(img, lm, 'left') : NO_EDGES;
  const any = (e: EyeEdges): boolean => e.upper.some((v) => v !== 0) || e.lower.some((v) => v !== 0);
  return any(right) || any(left) ? { right, left } : undefined;
}

/** A copy of source landmarks `lm` (x, y, z per point) with the lid margins moved out to their visible edges. */
export function sourceLidsAtEdges(lm: Float32Array, edges: LidEdges): Float32Array {
  const out = Float32Array.from(lm);
  for (const side of ['right', 'left'] as const) {
    const e = LIDS[side];
    for (const [points, v] of [
      [e.upper, edges[side].upper],
      [e.lower, edges[side].lower],
    ] as const) {
      points.forEach((i, k) => {
        out[3 * i]! += v[2 * k]!;
        out[3 * i + 1]! += v[2 * k + 1]!;
      });
    }
  }
  return out;
}

/**
 * How far the skin rings above the upper margin follow it (as face/lids.ts closes lids): the ring next to
 * the margin about half as far, the next a quarter.
 */
const FOLLOW = [0.55, 0.25] as const;

/**
 * Moves the target's lid margins (in `lm`, image pixels, in place) out to the visible edges measured on
 * the source, turned and scaled like the eye (its corners): the lower lid's edge by its whole offset, the
 * upper lid's by its offset times how open the target eye is relative to the source's (`f`: the margin
 * landmarks' mean gap over the eye width) plus the lower edge's offset times (1 − f). As open as the
 * source, both land where they are in the source; closed, the upper edge lies on the lower one. The skin
 * above the upper lid follows the extra travel by the same profile as the margin's own, so the lid slides
 * down as one rather than stretching.
 */
export function targetLidsAtEdges(lm: Float32Array, source: Float32Array, edges: LidEdges): void {
  for (const side of ['right', 'left'] as const) {
    const { upper, aboveUpper, upperSkin, lower, corners } = LIDS[side];
    const { upper: up, lower: down } = edges[side];
    if (!up.some((x) => x !== 0) && !down.some((x) => x !== 0)) continue;
    const [so, si] = corners;
    // Source → target similarity of the eye (complex ratio of the corner-to-corner vectors).
    const sdx = source[3 * si]! - source[3 * so]!;
    const sdy = source[3 * si + 1]! - source[3 * so + 1]!;
    const tdx = lm[3 * si]! - lm[3 * so]!;
    const tdy = lm[3 * si + 1]! - lm[3 * so + 1]!;
    const den = sdx * sdx + sdy * sdy;
    if (!(den > 0)) continue;
    const ca = (tdx * sdx + tdy * sdy) / den;
    const cb = (tdy * sdx - tdx * sdy) / den;
    const scale = Math.hypot(ca, cb);
    let sGap = 0;
    let tGap = 0;
    upper.forEach((u, k) => {
      const l = lower[k]!;
      sGap += Math.hypot(source[3 * u]! - source[3 * l]!, source[3 * u + 1]! - source[3 * l + 1]!);
      tGap += Math.hypot(lm[3 * u]! - lm[3 * l]!, lm[3 * u + 1]! - lm[3 * l + 1]!);
    });
    const f = sGap > 0 && scale > 0 ? Math.max(0, Math.min(2, tGap / (sGap * scale))) : 1;
    // Closed, the lids meet in a line of shadow about a pixel wide, not in nothing: the visible edges stay
    // a pixel apart (the eye's darkened slit then draws it).
    let visible = 0;
    upper.forEach((u, k) => {
      const l = lower[k]!;
      visible += Math.hypot(
        source[3 * u]! + up[2 * k]! - source[3 * l]! - down[2 * k]!,
        source[3 * u + 1]! + up[2 * k + 1]! - source[3 * l + 1]! - down[2 * k + 1]!,
      );
    });
    visible *= scale / upper.length;
    const open = visible > 1 ? Math.max(f, 1 / visible) - f : 0;
    const move = (i: number, x: number, y: number): void => {
      lm[3 * i]! += ca * x - cb * y;
      lm[3 * i + 1]! += cb * x + ca * y;
    };
    upper.forEach((u, k) => {
      const l = lower[k]!;
      const ux = up[2 * k]!;
      const uy = up[2 * k + 1]!;
      const dx = down[2 * k]!;
      const dy = down[2 * k + 1]!;
      const vx = source[3 * u]! + ux - source[3 * l]! - dx;
      const vy = source[3 * u + 1]! + uy - source[3 * l + 1]! - dy;
      move(u, f * ux + (1 - f) * dx + open * vx, f * uy + (1 - f) * dy + open * vy);
      move(l, dx, dy);
      // The travel beyond the lifted margin's own (towards the lower edge as the eye closes).
      const ex = (1 - f) * (dx - ux);
      const ey = (1 - f) * (dy - uy);
      move(aboveUpper[k]!, FOLLOW[0] * ex, FOLLOW[0] * ey);
      move(upperSkin[k]!, FOLLOW[1] * ex, FOLLOW[1] * ey);
    });
  }
}
