/**
 * The portrait's own upper teeth, kept where the mouth opens differently from the photo. The upper teeth are
 * fixed to the skull: as the lips move they cover or uncover them, but the teeth themselves do not stretch
 * with the opening. So where the source shows its upper teeth, a pixel of the target's opening shows the
 * source pixel at the same point of the head (on the plane of the incisors' front, carried through the
 * source's and the target's head poses). A raised lip uncovers a little more of them and then the gum. What
 * the source never showed below them (the opening a dropped jaw makes, the lower teeth) comes from the bank
 * or the drawn interior under this layer.
 *
 * Pure TypeScript on typed arrays: the geometry is the two head poses (canonical face → image similarities).
 */
import type { RgbaImage } from '../face/image.js';
import { MOUTH_OPENING } from '../face/topology.js';
import type { Similarity } from '../face/pose.js';
import { bilinear } from './sampling.js';
import { columnSpan } from './geometry.js';

/** What the layer needs of the source, measured once (see {@link ownTeethSource}). */
export interface OwnTeethSource {
  image: RgbaImage;
  /** The source's head pose: canonical face → source image. */
  pose: Similarity;
  /** The source's inner-lip outline in its image (x, y pairs, MOUTH_OPENING order). */
  opening: Float32Array;
  /** Canonical y of the upper incisal edge, and z of the incisors' front. */
  upperEdge: number;
  frontZ: number;
  /** The gum a raised lip uncovers above the teeth. */
  gum: [number, number, number];
  /** The upper teeth's visible height, source pixels. */
  teethPx: number;
  /** The opening's horizontal extent in the source (pixels), and how far from its ends the gum fades out. */
  x0: number;
  x1: number;
  fadePx: number;
}

/**
 * Width of the soft edge, in source pixels, at the source's lip line and at the incisal edge: the teeth fade
 * into what fills the rest over it, so no hard seam shows where they end.
 */
const FEATHER_PX = 1.5;
/**
 * How far inside the source's opening its pixels count as teeth, in source pixels: the lips' wet inner edge
 * lies on the tracked outline, and carried with the teeth it would draw a pale line inside the target's lip.
 */
const MARGIN_PX = 1.5;
/** Upper teeth must show over at least this share of the source's opening height (canonical) to be kept. */
const MIN_TEETH_SHARE = 0.2;
/**
 * Where the target's upper lip rises above the source's it uncovers gum (the teeth's crowns end there): the
 * lips' colour a little lighter (GUM, as the drawn interior's), blended from the source's top row over
 * GUM_BLEND_PX pixels.
 */
const GUM = 1.05;
const GUM_BLEND_PX = 3;
/** The gum darkens by this share over a teeth's height above the source's lip line (the upper lip's shadow). */
const GUM_SHADOW = 0.45;
/** The gum fades out over this share of the opening's width at each end. */
const GUM_FADE = 0.2;

/**
 * The source's own upper teeth as a layer, or undefined when the source shows none worth keeping: its lips
 * closed, its teeth not seen (only estimated), or under a fifth of its opening.
 */
export function ownTeethSource(
  image: RgbaImage,
  landmarks: Float32Array,
  pose: Similarity,
  mouth: {
    teethMeasured: boolean;
    upperEdge: number;
    frontZ: number;
    upperLip: number;
    lowerLip: number;
    lip: readonly number[];
  },
): OwnTeethSource | undefined {
  const gap = mouth.lowerLip - mouth.upperLip;
  if (!mouth.teethMeasured || gap <= 0 || (mouth.upperEdge - mouth.upperLip) / gap < MIN_TEETH_SHARE) return undefined;
  const opening = new Float32Array(2 * MOUTH_OPENING.length);
  MOUTH_OPENING.forEach((i, k) => {
    opening[2 * k] = landmarks[3 * i]!;
    opening[2 * k + 1] = landmarks[3 * i + 1]!;
  });
  let x0 = Infinity;
  let x1 = -Infinity;
  for (let k = 0; k < MOUTH_OPENING.length; k++) {
    x0 = Math.min(x0, opening[2 * k]!);
    x1 = Math.max(x1, opening[2 * k]!);
  }
  return {
    image,
    pose,
    opening,
    upperEdge: mouth.upperEdge,
    frontZ: mouth.frontZ,
    gum: [GUM * mouth.lip[0]!, GUM * mouth.lip[1]!, GUM * mouth.lip[2]!],
    teethPx: Math.max(1, (mouth.upperEdge - mouth.upperLip) * pose.scale),
    x0,
    x1,
    fadePx: Math.max(1, GUM_FADE * (x1 - x0)),
  };
}

/**
 * One frame's layer for a target head pose: `sample(x, y, out)` writes the source's teeth colour at target
 * pixel centre (x, y) into `out` and returns its weight (0: nothing of the source's teeth there … 1: all).
 */
export function ownTeethFrame(t: OwnTeethSource, target: Similarity): (x: number, y: number, out: number[]) => number {
  const R = target.rotation;
  const [tx, ty] = target.translation;
  const s = target.scale;
  const S = t.pose.rotation;
  const [sx0, sy0] = t.pose.translation;
  const ss = t.pose.scale;
  const poly = t.opening;
  const n = poly.length / 2;
  const { data, width, height } = t.image;
  const cz = t.frontZ;
  // Canonical y changes by this much per source pixel near the mouth (for the feather at the incisal edge).
  const edgeFeather = FEATHER_PX / ss;
  // The depth at which a target pixel's ray meets the incisors' plane (canonical z = frontZ) is linear in x
  // and y: R₀₂(x − tx) + R₁₂(y − ty) + R₂₂(z − tz) = s·frontZ.
  const r22 = Math.abs(R[8]!) > 1e-3 ? R[8]! : 1e-3;
  const span = [0, 0];
  return (x, y, out) => {
    const dx = x - tx;
    const dy = y - ty;
    const dz = (s * cz - R[2]! * dx - R[5]! * dy) / r22;
    // The canonical point, Rᵀ(p − t) / s…
    const cx = (R[0]! * dx + R[3]! * dy + R[6]! * dz) / s;
    const cy = (R[1]! * dx + R[4]! * dy + R[7]! * dz) / s;
    // …above the incisal edge (feathered across it)…
    const upper = (t.upperEdge - cy) / edgeFeather;
    if (upper <= -1) return 0;
    const edge = upper >= 1 ? 1 : (upper + 1) / 2;
    // …where the source shows it: below its upper lip line (the first MARGIN_PX pixels, the lip's wet edge,
    // left out: the row under them stands in for them)…
    const px = ss * (S[0]! * cx + S[1]! * cy + S[2]! * cz) + sx0;
    const py = ss * (S[3]! * cx + S[4]! * cy + S[5]! * cz) + sy0;
    if (!columnSpan(poly, px, span)) return 0;
    const top = span[0]!;
    const below = py - top;
    const start = MARGIN_PX + FEATHER_PX;
    if (below >= start) {
      // (fading out towards the corners and the lower lip)
      const inside = signedDistance(poly, n, px, py);
      if (inside <= 0) return 0;
      bilinear(data, width, height, px, py, out);
      return edge * Math.min(1, inside / FEATHER_PX);
    }
    bilinear(data, width, height, px, top + start, out);
    if (below >= 0) return edge;
    // …and above it, the gum a raised lip uncovers: from the colour of the source's top row into the gum's
    // over a few pixels, in the upper lip's shadow higher up, fading out towards the corners, where the
    // fill's own dark takes over.
    const up = -below;
    const g = Math.min(1, up / GUM_BLEND_PX);
    const shade = 1 - GUM_SHADOW * Math.min(1, up / t.teethPx);
    for (let k = 0; k < 3; k++) out[k] = ((1 - g) * out[k]! + g * t.gum[k]!) * shade;
    const across = Math.min(1, (px - t.x0) / t.fadePx, (t.x1 - px) / t.fadePx);
    return across <= 0 ? 0 : edge * across;
  };
}

/** Distance from (x, y) to the polygon's outline, positive inside, negative outside. */
function signedDistance(p: Float32Array, n: number, x: number, y: number): number {
  let inside = false;
  let best = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i]!;
    const yi = p[2 * i + 1]!;
    const xj = p[2 * j]!;
    const yj = p[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    const ex = xj - xi;
    const ey = yj - yi;
    const len2 = ex * ex + ey * ey;
    const u = len2 > 0 ? Math.max(0, Math.min(1, ((x - xi) * ex + (y - yi) * ey) / len2)) : 0;
    const d = Math.hypot(x - xi - u * ex, y - yi - u * ey);
    if (d < best) best = d;
  }
  return inside ? best : -best;
}
