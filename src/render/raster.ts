/**
 * Triangle rasterisation with a depth buffer over a rectangular window of an image: for every pixel
 * centre it records the nearest triangle and the pixel's barycentric coordinates in it. Pure typed arrays.
 */

export interface RasterTarget {
  /** Window in image pixels: x0 ≤ x < x0 + width, y0 ≤ y < y0 + height. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Per window pixel: triangle index (−1: none), barycentric weights of vertices 1 and 2, depth. */
  tri: Int32Array;
  b1: Float32Array;
  b2: Float32Array;
  depth: Float32Array;
}

/** A raster window, reusing `reuse` (its buffers and the object itself) when its buffers are large enough. */
export function rasterTarget(
  x0: number,
  y0: number,
  width: number,
  height: number,
  reuse?: RasterTarget,
): RasterTarget {
  const n = Math.max(0, width * height);
  let t: RasterTarget;
  if (reuse && reuse.tri.length >= n) {
    // Updated in place: one object shape for every frame keeps the rasteriser's loops on one fast path.
    t = reuse;
    t.x0 = x0;
    t.y0 = y0;
    t.width = width;
    t.height = height;
  } else {
    t = {
      x0,
      y0,
      width,
      height,
      tri: new Int32Array(n),
      b1: new Float32Array(n),
      b2: new Float32Array(n),
      depth: new Float32Array(n),
    };
  }
  t.tri.fill(-1, 0, n);
  t.depth.fill(Infinity, 0, n);
  return t;
}

/**
 * Draws triangle `id` with screen vertices (x, y) and depths z (smaller is nearer). `winding` +1/−1 is the
 * signed area of a front face: a back face is skipped, or — when `backPenalty` is given — drawn that much
 * farther away, so it only shows where no front face covers (the edge-on band at a turned head's outline).
 * 0 draws both windings as they are.
 */
export function rasterTriangle(
  t: RasterTarget,
  id: number,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  cx: number,
  cy: number,
  cz: number,
  winding: number,
  backPenalty?: number,
): void {
  const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
  if (area === 0) return;
  if (winding !== 0 && Math.sign(area) !== winding) {
    if (backPenalty === undefined) return;
    az += backPenalty;
    bz += backPenalty;
    cz += backPenalty;
  }
  const inv = 1 / area;
  const minY = Math.max(t.y0, Math.floor(Math.min(ay, by, cy)));
  const maxY = Math.min(t.y0 + t.height - 1, Math.ceil(Math.max(ay, by, cy)));
  const xLo = t.x0;
  const xHi = t.x0 + t.width - 1;
  if (minY > maxY) return;
  // Barycentrics are affine in (x, y): w1 = e1x·px + e1y·py, w2 likewise, with p relative to vertex a.
  const e1x = (cy - ay) * inv;
  const e1y = -(cx - ax) * inv;
  const e2x = -(by - ay) * inv;
  const e2y = (bx - ax) * inv;
  const eps = 1e-6;
  // Fields read once: inside the loops V8 would reload them on every pixel.
  const { depth, tri, b1, b2, x0: tx0, y0: ty0, width: tw } = t;
  for (let y = minY; y <= maxY; y++) {
    const py = y + 0.5 - ay;
    // The span of pixel centres inside the triangle on this row: each of w1 ≥ 0, w2 ≥ 0, w1 + w2 ≤ 1 is
    // k·px + c ≥ 0, a half-line in px.
    let lo = -Infinity;
    let hi = Infinity;
    let empty = false;
    for (let e = 0; e < 3; e++) {
      const k = e === 0 ? e1x : e === 1 ? e2x : -(e1x + e2x);
      const c0 = e === 0 ? e1y * py + eps : e === 1 ? e2y * py + eps : 1 - (e1y + e2y) * py + eps;
      if (Math.abs(k) < 1e-12) {
        if (c0 < 0) empty = true;
      } else if (k > 0) {
        lo = Math.max(lo, -c0 / k);
      } else {
        hi = Math.min(hi, -c0 / k);
      }
    }
    if (empty) continue;
    const x0 = Math.max(xLo, Math.ceil(lo + ax - 0.5));
    const x1 = Math.min(xHi, Math.floor(hi + ax - 0.5));
    let row = (y - ty0) * tw + (x0 - tx0);
    for (let x = x0; x <= x1; x++, row++) {
      const px = x + 0.5 - ax;
      const w1 = e1x * px + e1y * py;
      const w2 = e2x * px + e2y * py;
      const z = az + w1 * (bz - az) + w2 * (cz - az);
      if (z >= depth[row]!) continue;
      depth[row] = z;
      tri[row] = id;
      b1[row] = w1 < 0 ? 0 : w1;
      b2[row] = w2 < 0 ? 0 : w2;
    }
  }
}
