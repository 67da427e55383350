/** Statistics shared by the measurements (reenactment, speech, bodies) and the tests. Pure. */

/**
 * Pearson correlation of two equally long series (the first `min(a.length, b.length)` values); NaN when there
 * are fewer than two, or when either series is constant: its sum of squared deviations at most `minSpread`
 * (default: rounding, relative to the series' mean).
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, minSpread?: number): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  // A series that never changes (beyond rounding) has no correlation with anything.
  const tiny = 1e-12 * n;
  const minA = minSpread ?? tiny * (ma * ma + 1);
  const minB = minSpread ?? tiny * (mb * mb + 1);
  return saa > minA && sbb > minB ? sab / Math.sqrt(saa * sbb) : NaN;
}
