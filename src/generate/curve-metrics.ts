/**
 * Measures for motion curves (docs/metrics.md, "Generated motion"): dynamic-time-warping distance between
 * two multichannel curves, the best time-shifted distance (to tell a time-shifted copy from a different
 * sequence), and a real-vs-generated two-sample test (a logistic-regression classifier on curve windows,
 * cross-validated). Pure functions on arrays.
 */

/** Euclidean distance between two frames. */
function frameDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(s);
}

/**
 * Dynamic time warping distance: the cheapest monotone alignment of the two sequences' frames, summing
 * the Euclidean frame distances along the path, divided by the path's length (so it is a mean per-frame
 * distance, comparable across lengths). Symmetric; 0 for identical sequences.
 */
export function dtwDistance(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('Expected two non-empty sequences for dtwDistance');
  // cost[j] and steps[j] of the previous and current row.
  let prevCost = new Float64Array(m + 1).fill(Infinity);
  let prevLen = new Float64Array(m + 1);
  let curCost = new Float64Array(m + 1);
  let curLen = new Float64Array(m + 1);
  prevCost[0] = 0;
  for (let i = 1; i <= n; i++) {
    curCost.fill(Infinity);
    curCost[0] = Infinity;
    for (let j = 1; j <= m; j++) {
      const d = frameDistance(a[i - 1]!, b[j - 1]!);
      // Predecessors: diagonal, up, left; ties go to the shorter path.
      let best = prevCost[j - 1]!;
      let len = prevLen[j - 1]!;
      if (prevCost[j]! < best || (prevCost[j] === best && prevLen[j]! < len)) {
        best = prevCost[j]!;
        len = prevLen[j]!;
      }
      if (curCost[j - 1]! < best || (curCost[j - 1] === best && curLen[j - 1]! < len)) {
        best = curCost[j - 1]!;
        len = curLen[j - 1]!;
      }
      curCost[j] = best + d;
      curLen[j] = len + 1;
    }
    [prevCost, curCost] = [curCost, prevCost];
    [prevLen, curLen] = [curLen, prevLen];
  }
  return prevCost[m]! / prevLen[m]!;
}

/**
 * The smallest mean frame distance between `a` and `b` shifted by `s` frames (|s| ≤ maxShift, overlap of
 * at least half the shorter sequence), and the shift that gives it. A time-shifted copy scores near 0 at
 * its shift.
 */
export function shiftedDistance(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  maxShift = Math.floor(Math.min(a.length, b.length) / 2),
): { distance: number; shift: number } {
  let best = { distance: Infinity, shift: 0 };
  const minOverlap = Math.max(1, Math.floor(Math.min(a.length, b.length) / 2));
  for (let s = -maxShift; s <= maxShift; s++) {
    let sum = 0;
    let n = 0;
    for (let i = Math.max(0, -s); i < a.length && i + s < b.length; i++) {
      sum += frameDistance(a[i]!, b[i + s]!);
      n++;
    }
    if (n >= minOverlap && sum / n < best.distance) best = { distance: sum / n, shift: s };
  }
  return best;
}

/**
 * Summary features of one window of a multichannel curve: per channel the mean, the standard deviation
 * and the mean absolute frame-to-frame change.
 */
export function windowFeatures(window: readonly ArrayLike<number>[]): number[] {
  const C = window[0]!.length;
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    let m = 0;
    for (const f of window) m += f[c]!;
    m /= window.length;
    let v = 0;
    let d = 0;
    for (let t = 0; t < window.length; t++) {
      v += (window[t]![c]! - m) ** 2;
      if (t > 0) d += Math.abs(window[t]![c]! - window[t - 1]![c]!);
    }
    out.push(m, Math.sqrt(v / window.length), d / Math.max(1, window.length - 1));
  }
  return out;
}

/** Non-overlapping windows of `length` frames (a shorter tail is dropped). */
export function windows<T>(seq: readonly T[], length: number, stride = length): T[][] {
  const out: T[][] = [];
  for (let s = 0; s + length <= seq.length; s += stride) out.push(seq.slice(s, s + length));
  return out;
}

/**
 * Two-sample test: how well a classifier tells set A from set B. L2-regularised logistic regression on
 * standardised features, k-fold cross-validated with folds that keep each group (e.g. each clip or each
 * generated sequence) whole, classes balanced by weighting. Returns the held-out accuracy (0.5: the sets
 * cannot be told apart). Deterministic.
 */
export function twoSampleAccuracy(
  a: readonly { features: number[]; group: string }[],
  b: readonly { features: number[]; group: string }[],
  options: { folds?: number; l2?: number; iterations?: number } = {},
): number {
  const folds = options.folds ?? 5;
  const l2 = options.l2 ?? 1;
  const iterations = options.iterations ?? 300;
  const rows = [...a.map((r) => ({ ...r, y: 1 })), ...b.map((r) => ({ ...r, y: 0 }))];
  if (a.length === 0 || b.length === 0) throw new RangeError('Expected two non-empty sets for twoSampleAccuracy');
  // Groups are dealt to folds in a fixed order, alternating between the sets.
  const groups = [...new Set(rows.map((r) => `${r.y}:${r.group}`))].sort();
  const foldOf = new Map<string, number>();
  let ka = 0;
  let kb = 0;
  for (const g of groups) foldOf.set(g, g.startsWith('1:') ? ka++ % folds : kb++ % folds);
  let correct = 0;
  let weight = 0;
  for (let f = 0; f < folds; f++) {
    const train = rows.filter((r) => foldOf.get(`${r.y}:${r.group}`) !== f);
    const test = rows.filter((r) => foldOf.get(`${r.y}:${r.group}`) === f);
    if (test.length === 0 || !train.some((r) => r.y) || !train.some((r) => !r.y)) continue;
    const D = train[0]!.features.length;
    const mean = new Array<number>(D).fill(0);
    const sd = new Array<number>(D).fill(0);
    for (const r of train) r.features.forEach((v, k) => (mean[k]! += v / train.length));
    for (const r of train) r.features.forEach((v, k) => (sd[k]! += (v - mean[k]!) ** 2 / train.length));
    const z = (x: number[]): number[] => x.map((v, k) => (v - mean[k]!) / (Math.sqrt(sd[k]!) || 1));
    const X = train.map((r) => z(r.features));
    const npos = train.filter((r) => r.y).length;
    const wPos = train.length / (2 * npos);
    const wNeg = train.length / (2 * (train.length - npos));
    const w = new Array<number>(D).fill(0);
    let bias = 0;
    // Gradient descent on the weighted, regularised log-loss (convex: the result does not depend on order).
    const lr = 0.1;
    for (let it = 0; it < iterations; it++) {
      const g = new Array<number>(D).fill(0);
      let gb = 0;
      X.forEach((x, i) => {
        const y = train[i]!.y;
        let s = bias;
        for (let k = 0; k < D; k++) s += w[k]! * x[k]!;
        const p = 1 / (1 + Math.exp(-s));
        const e = (p - y) * (y ? wPos : wNeg);
        for (let k = 0; k < D; k++) g[k]! += e * x[k]!;
        gb += e;
      });
      for (let k = 0; k < D; k++) w[k]! -= lr * (g[k]! / X.length + (l2 / X.length) * w[k]!);
      bias -= lr * (gb / X.length);
    }
    // Balanced accuracy on the held-out fold.
    const testPos = test.filter((r) => r.y).length;
    for (const r of test) {
      const x = z(r.features);
      let s = bias;
      for (let k = 0; k < D; k++) s += w[k]! * x[k]!;
      const wt = r.y ? 1 / Math.max(1, testPos) : 1 / Math.max(1, test.length - testPos);
      if (s > 0 === Boolean(r.y)) correct += wt;
      weight += wt;
    }
  }
  return weight ? correct / weight : NaN;
}
