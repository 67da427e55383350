/** Which parts of the face a source portrait shows. */
import { MESH_POINTS } from '../face/topology.js';
import { Part, type ControlMesh } from './control-mesh.js';
import { rasterTarget, rasterTriangle } from './raster.js';

/**
 * Which triangles of the face the source does not show (`hidden`: turned away, or covered by a nearer part),
 * and how much of each face triangle it shows (`shown`: the share of its area its pixels take in the
 * portrait; 0 turned away).
 */
export function hiddenInSource(
  mesh: ControlMesh,
  lm: Float32Array,
  W: number,
  H: number,
): { hidden: Uint8Array; shown: Float32Array } {
  const n = mesh.parts.length;
  const hidden = new Uint8Array(n);
  const shown = new Float32Array(n);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < MESH_POINTS; i++) {
    x0 = Math.min(x0, lm[3 * i]!);
    x1 = Math.max(x1, lm[3 * i]!);
    y0 = Math.min(y0, lm[3 * i + 1]!);
    y1 = Math.max(y1, lm[3 * i + 1]!);
  }
  const wx0 = Math.max(0, Math.floor(x0));
  const wy0 = Math.max(0, Math.floor(y0));
  const r = rasterTarget(
    wx0,
    wy0,
    Math.max(0, Math.min(W, Math.ceil(x1) + 1) - wx0),
    Math.max(0, Math.min(H, Math.ceil(y1) + 1) - wy0),
  );
  const T = mesh.triangles;
  const area = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    if (mesh.parts[t] !== Part.Face) continue;
    const [a, b, c] = [T[3 * t]!, T[3 * t + 1]!, T[3 * t + 2]!];
    const s =
      ((lm[3 * b]! - lm[3 * a]!) * (lm[3 * c + 1]! - lm[3 * a + 1]!) -
        (lm[3 * c]! - lm[3 * a]!) * (lm[3 * b + 1]! - lm[3 * a + 1]!)) /
      2;
    area[t] = Math.abs(s);
    if (Math.sign(s) !== mesh.frontWinding[t]) {
      hidden[t] = 1;
      continue;
    }
    rasterTriangle(
      r,
      t,
      lm[3 * a]!,
      lm[3 * a + 1]!,
      lm[3 * a + 2]!,
      lm[3 * b]!,
      lm[3 * b + 1]!,
      lm[3 * b + 2]!,
      lm[3 * c]!,
      lm[3 * c + 1]!,
      lm[3 * c + 2]!,
      mesh.frontWinding[t]!,
    );
  }
  const won = new Float32Array(n);
  for (let i = 0; i < r.width * r.height; i++) if (r.tri[i]! >= 0) won[r.tri[i]!]!++;
  for (let t = 0; t < n; t++) {
    if (mesh.parts[t] !== Part.Face || hidden[t]) continue;
    shown[t] = Math.min(1, won[t]! / Math.max(1, area[t]!));
    if (area[t]! >= 4 && won[t]! < 0.3 * area[t]!) hidden[t] = 1;
  }
  return { hidden, shown };
}
