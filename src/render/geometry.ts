/** Small geometry helpers of the renderer: polygons, triangles, fan points, ring offsets. */

/** Ring vertices moved by head-frame offsets (xy pairs), each offset limited to 0.8 canonical units. */
export function offsetRing(canon: Float32Array, offsets: Float32Array): Float32Array {
  const out = Float32Array.from(canon);
  for (let k = 0; k < offsets.length / 2; k++) {
    let ox = offsets[2 * k]!;
    let oy = offsets[2 * k + 1]!;
    const m = Math.hypot(ox, oy);
    if (m > 0.8) {
      ox *= 0.8 / m;
      oy *= 0.8 / m;
    }
    out[3 * k] = out[3 * k]! + ox;
    out[3 * k + 1] = out[3 * k + 1]! + oy;
  }
  return out;
}

export function setCentre(
  dst: Float32Array,
  dstStride: number,
  pts: Float32Array,
  ptsStride: number,
  ring: readonly number[],
  at: number,
  zOffset = 0,
): void {
  let x = 0,
    y = 0,
    z = 0;
  for (const i of ring) {
    x += pts[ptsStride * i]!;
    y += pts[ptsStride * i + 1]!;
    if (ptsStride === 3) z += pts[3 * i + 2]!;
  }
  dst[dstStride * at] = x / ring.length;
  dst[dstStride * at + 1] = y / ring.length;
  if (dstStride === 3) dst[3 * at + 2] = z / ring.length + zOffset;
}

export function triArea(p: Float32Array, stride: number, T: Uint16Array, t: number): number {
  const a = T[3 * t]!;
  const b = T[3 * t + 1]!;
  const c = T[3 * t + 2]!;
  return (
    ((p[stride * b]! - p[stride * a]!) * (p[stride * c + 1]! - p[stride * a + 1]!) -
      (p[stride * c]! - p[stride * a]!) * (p[stride * b + 1]! - p[stride * a + 1]!)) /
    2
  );
}

export function polygonArea(p: Float32Array, stride: number, ring: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    s += p[stride * a]! * p[stride * b + 1]! - p[stride * b]! * p[stride * a + 1]!;
  }
  return Math.abs(s) / 2;
}

export function pointInPolygon(
  p: Float32Array,
  stride: number,
  ring: readonly number[],
  x: number,
  y: number,
): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = p[stride * ring[i]!]!;
    const yi = p[stride * ring[i]! + 1]!;
    const xj = p[stride * ring[j]!]!;
    const yj = p[stride * ring[j]! + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The bounding box of the points `ring` of `p` (x, y at stride). */
export function ringBounds(
  p: Float32Array,
  stride: number,
  ring: readonly number[],
): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const i of ring) {
    x0 = Math.min(x0, p[stride * i]!);
    x1 = Math.max(x1, p[stride * i]!);
    y0 = Math.min(y0, p[stride * i + 1]!);
    y1 = Math.max(y1, p[stride * i + 1]!);
  }
  return { x0, y0, x1, y1 };
}

/**
 * Calls `fn(x, y, offset)` for every pixel of a `width`×`height` image whose centre lies inside the polygon
 * `ring` of `p` (x, y at stride), on every `step`th row and column, row by row from the top, left to right;
 * `offset` is the pixel's RGBA index. The same pixels as {@link pointInPolygon} at each centre (the same
 * crossing rule and arithmetic), found a row at a time: the row's edge crossings once, then a walk along them,
 * instead of every edge at every pixel.
 */
export function forEachPixelInRing(
  p: Float32Array,
  stride: number,
  ring: readonly number[],
  width: number,
  height: number,
  fn: (x: number, y: number, offset: number) => void,
  step = 1,
): void {
  const { x0, y0, x1, y1 } = ringBounds(p, stride, ring);
  const n = ring.length;
  const crossings = new Float64Array(n);
  const xStart = Math.max(0, Math.floor(x0));
  const xEnd = Math.min(width - 1, Math.ceil(x1));
  for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(height - 1, Math.ceil(y1)); y += step) {
    const cy = y + 0.5;
    let count = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = p[stride * ring[i]!]!;
      const yi = p[stride * ring[i]! + 1]!;
      const xj = p[stride * ring[j]!]!;
      const yj = p[stride * ring[j]! + 1]!;
      if (yi > cy !== yj > cy) crossings[count++] = ((xj - xi) * (cy - yi)) / (yj - yi) + xi;
    }
    if (count === 0) continue;
    const row = crossings.subarray(0, count).sort();
    // A centre is inside when an odd number of crossings lie strictly to its right.
    let passed = 0;
    for (let x = xStart; x <= xEnd; x += step) {
      const cx = x + 0.5;
      while (passed < count && row[passed]! <= cx) passed++;
      if ((count - passed) & 1) fn(x, y, (y * width + x) * 4);
    }
  }
}

/**
 * Where the vertical line through `x` crosses a closed polygon (xy pairs): its highest and lowest crossing
 * written to `out` as [top, bottom]; false (and `out` untouched) when the line misses the polygon.
 */
export function columnSpan(p: Float32Array, x: number, out: number[]): boolean {
  const n = p.length / 2;
  let top = Infinity;
  let bottom = -Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i]!;
    const xj = p[2 * j]!;
    if (xi > x === xj > x) continue;
    const y = p[2 * i + 1]! + ((x - xi) * (p[2 * j + 1]! - p[2 * i + 1]!)) / (xj - xi);
    if (y < top) top = y;
    if (y > bottom) bottom = y;
  }
  if (top === Infinity) return false;
  out[0] = top;
  out[1] = bottom;
  return true;
}
