/**
 * Lip geometry: relaxing the mouth of a canonical face shape that shows its lips apart (a toothy smile
 * relaxed to closed lips, an open mouth shut). Pure.
 */
import { GROUPS, LM, MESH_POINTS } from './topology.js';

const UPPER = GROUPS.lipsUpperInner;
const LOWER = GROUPS.lipsLowerInner;
const UPPER_OUTER = GROUPS.lipsUpperOuter;
const LOWER_OUTER = GROUPS.lipsLowerOuter;

/**
 * Where the lips meet, as a share of the gap from the upper inner lip: the upper lip comes down over the
 * upper teeth as much as the lower lip rises (a toothy smile parts both).
 */
const SEAM = 0.5;

/**
 * How far below the lower lip the closing reaches, in canonical units (outer eye corners 1 apart): down to
 * the chin (the jaw closes with the lips). Above the upper lip it reaches the base of the nose, which stays.
 * The lips themselves move whole, keeping their thickness.
 */
const REACH_DOWN = 0.3;

/**
 * The displacement (478 × 3, irises 0) that closes the lips of `canon`: along each column of the inner lip
 * lines the two lips meet at {@link SEAM}, each lip moving whole; the skin above and below follows, fading
 * out at the base of the nose and over {@link REACH_DOWN} below the lower lip, and past the mouth's corners.
 * Added in full to `canon`, the inner-lip gap is zero; a share of it closes that share of the gap.
 */
export function lipClosingField(canon: Float32Array): Float32Array {
  const n = UPPER.length;
  const X = (i: number): number => canon[3 * i]!;
  const Y = (i: number): number => canon[3 * i + 1]!;
  // Per inner-lip column: the move of the upper and of the lower point (3-D).
  const up: number[][] = [];
  const down: number[][] = [];
  for (let k = 0; k < n; k++) {
    const g = [0, 1, 2].map((d) => canon[3 * LOWER[k]! + d]! - canon[3 * UPPER[k]! + d]!);
    up.push(g.map((v) => SEAM * v));
    down.push(g.map((v) => -(1 - SEAM) * v));
  }
  const left = X(UPPER[0]!);
  const right = X(UPPER[n - 1]!);
  const lo = Math.min(left, right);
  const hi = Math.max(left, right);
  const width = hi - lo || 1e-6;
  // A line's value at horizontal position x: linear between its points, its ends held. The points' x
  // positions are read once per line.
  const along = (line: readonly number[]): ((x: number, value: (k: number) => number) => number) => {
    const xs = line.map(X);
    const asc = xs[xs.length - 1]! >= xs[0]!;
    return (x, value) => {
      for (let k = 0; k < line.length - 1; k++) {
        const a = asc ? k : line.length - 1 - k;
        const b = asc ? k + 1 : line.length - 2 - k;
        if (x <= xs[b]! || k === line.length - 2) {
          const t = Math.max(0, Math.min(1, (x - xs[a]!) / (xs[b]! - xs[a]! || 1e-6)));
          return value(a) * (1 - t) + value(b) * t;
        }
      }
      return value(0);
    };
  };
  const upper = { points: new Set<number>(UPPER), at: along(UPPER), outer: along(UPPER_OUTER), moves: up };
  const lower = { points: new Set<number>(LOWER), at: along(LOWER), outer: along(LOWER_OUTER), moves: down };
  const nose = Y(LM.noseBottom);
  const out = new Float32Array(canon.length);
  for (let i = 0; i < MESH_POINTS; i++) {
    const x = X(i);
    const y = Y(i);
    const inner = upper.points.has(i) || lower.points.has(i);
    // Past the corners the closing fades over a fifth of the mouth's width.
    const beyond = Math.max(0, lo - x, x - hi);
    const side = Math.max(0, 1 - beyond / (0.2 * width));
    if (side === 0 && !inner) continue;
    const cx = Math.max(lo, Math.min(hi, x));
    const mid = (upper.at(cx, (k) => Y(UPPER[k]!)) + lower.at(cx, (k) => Y(LOWER[k]!))) / 2;
    const isUpper = upper.points.has(i) || (!lower.points.has(i) && y < mid);
    const lip = isUpper ? upper : lower;
    const edge = lip.outer(cx, (k) => Y((isUpper ? UPPER_OUTER : LOWER_OUTER)[k]!));
    const dist = isUpper ? Math.max(0, edge - y) : Math.max(0, y - edge);
    const reach = isUpper ? Math.max(0.02, edge - nose) : REACH_DOWN;
    const fade = inner ? 1 : side * Math.max(0, 1 - (dist / reach) ** 2) ** 2;
    if (fade === 0) continue;
    for (let d = 0; d < 3; d++) out[3 * i + d] = fade * lip.at(cx, (k) => lip.moves[k]![d]!);
  }
  return out;
}

/**
 * How far a fully relaxed mouth goes towards the expression-free shape (see {@link relaxMouth}): that shape is
 * close to the average face's mouth, and all the way there a wide mouth loses its width and a thin upper lip
 * stretches to the average's (tried on the core portraits: a pursed, swollen look); half way keeps the
 * person's mouth and takes out half of the smile's width and lift.
 */
const TOWARDS_NEUTRAL = 0.5;

/**
 * `canon` with `share` (0–1) of its mouth relaxed: the lower face (from the nose down, fading in between the
 * nose and the upper lip) moved {@link TOWARDS_NEUTRAL} of the way towards `neutral` — the same face with its
 * expression taken out — and the lips that leaves apart closed by the same share. At 1 the lips are together.
 *
 * Inverting the estimated mouth actions one by one cannot do this for a face that shows its teeth: a broad
 * smile reads near the top of several AUs at once (the lip corner puller, upper lip raiser, lip stretcher), and
 * undoing all of them pulls the corners in far past a relaxed mouth (a pout, and a philtrum stretched smooth).
 */
export function relaxMouth(canon: Float32Array, neutral: Float32Array, share: number): Float32Array {
  const out = Float32Array.from(canon);
  if (!(share > 0)) return out;
  const s = Math.min(1, share);
  const top = canon[3 * LM.noseBottom + 1]!;
  const lip = canon[3 * LM.upperLipTop + 1]!;
  const span = lip - top || 1e-6;
  for (let i = 0; i < MESH_POINTS; i++) {
    const t = Math.max(0, Math.min(1, (canon[3 * i + 1]! - top) / span));
    const w = TOWARDS_NEUTRAL * s * t * t * (3 - 2 * t);
    if (w === 0) continue;
    for (let d = 0; d < 3; d++) out[3 * i + d]! += w * (neutral[3 * i + d]! - canon[3 * i + d]!);
  }
  const close = lipClosingField(out);
  for (let i = 0; i < out.length; i++) out[i]! += s * close[i]!;
  return out;
}
