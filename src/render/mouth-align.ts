/**
 * Lining a real mouth's teeth up with the portrait's own. Where the portrait keeps its upper teeth
 * (mouth-own-teeth.ts), the exemplar under them shows only below the portrait's incisal edge; warped as it
 * is, its own upper teeth would show there too, a second row under the first whenever it shows more teeth
 * than the portrait does. So the exemplar is resampled along each column of its opening: the part under the
 * portrait's teeth comes from the part under its own teeth, stretched or squeezed to fit, and the part the
 * portrait's teeth cover from the part its teeth fill.
 *
 * Pure TypeScript on typed arrays (tile pixels).
 */
import { MOUTH_OPENING } from '../face/topology.js';
import { columnSpan } from './geometry.js';

/** The exemplar's points: the inner-lip outline (MOUTH_OPENING order), then the opening's centre. */
const OPENING_POINTS = MOUTH_OPENING.length;

/**
 * For an exemplar with inner-lip `points` (tile pixels, MOUTH_OPENING order) whose upper teeth fill
 * `exemplarShare` of its opening's height, and a target whose teeth fill `targetShare` of its own: the map
 * from a tile point (u, v), as the opening's warp places it, to the v to sample instead. Columns where the
 * exemplar's opening is under 2 pixels tall are left alone.
 */
export function teethAligner(
  points: Float32Array,
  exemplarShare: number,
  targetShare: number,
): (u: number, v: number) => number {
  const e = Math.max(0, Math.min(0.95, exemplarShare));
  const s = Math.max(0, Math.min(0.95, targetShare));
  const outline = points.subarray(0, 2 * OPENING_POINTS);
  const span = [0, 0];
  return (u, v) => {
    // The opening's top and bottom at this column.
    if (!columnSpan(outline, u, span)) return v;
    const top = span[0]!;
    const h = span[1]! - top;
    if (!(h >= 2)) return v;
    const t = (v - top) / h;
    if (t <= 0 || t >= 1) return v;
    const moved = t >= s ? e + ((t - s) * (1 - e)) / (1 - s) : s > 0 ? (t * e) / s : e;
    return top + moved * h;
  };
}
