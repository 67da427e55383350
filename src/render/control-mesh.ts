/**
 * The control mesh the renderer warps with: the 468-point face mesh (eye openings and mouth opening left
 * as holes), rings of head-attached points around the face that carry hair, ears and neck along with the
 * head and fade to no motion (so shoulders and background stay), and fans that fill the eye and mouth
 * openings with synthesised or borrowed content.
 */
import { CANONICAL_FACE } from '../face/measures.js';
import {
  GROUPS,
  LEFT_EYE_OPENING,
  LM,
  MESH_POINTS,
  MESH_TRIANGLES,
  MIRROR,
  MOUTH_OPENING,
  RIGHT_EYE_OPENING,
} from '../face/topology.js';

export const enum Part {
  Face = 0,
  Ring = 1,
  Mouth = 2,
  RightEye = 3,
  LeftEye = 4,
}

/** Rings around the face: how far out (× the face outline, in the canonical frame) and how much of the head motion each carries. */
const RINGS: readonly { scale: number; follow: number; followBelowChin: number }[] = [
  { scale: 1.18, follow: 1, followBelowChin: 0.75 },
  { scale: 1.45, follow: 0.85, followBelowChin: 0.4 },
  { scale: 1.9, follow: 0.45, followBelowChin: 0.1 },
  { scale: 2.6, follow: 0, followBelowChin: 0 },
  // The border ring: placed per source on the image's edge (see ringsForSource), so the whole frame can move.
  { scale: 3.4, follow: 0, followBelowChin: 0 },
];
const BORDER_RING = RINGS.length - 1;

const SILHOUETTE = GROUPS.silhouette;
const S = SILHOUETTE.length;

/** Vertex layout: 468 face points, the rings (S each), then the mouth, right-eye and left-eye centres. */
export const RING_BASE = MESH_POINTS;
export const MOUTH_CENTRE = RING_BASE + RINGS.length * S;
export const RIGHT_EYE_CENTRE = MOUTH_CENTRE + 1;
export const LEFT_EYE_CENTRE = MOUTH_CENTRE + 2;
export const VERTEX_COUNT = MOUTH_CENTRE + 3;

export interface ControlMesh {
  /** Vertex indices, three per triangle. */
  triangles: Uint16Array;
  /** Which part each triangle belongs to. */
  parts: Uint8Array;
  /** For face triangles: +1 or −1, the winding a front-facing triangle has on screen (0 for others). */
  frontWinding: Int8Array;
  /** For each triangle, its left-right mirror (vertex by vertex), or −1. */
  mirror: Int32Array;
  /** Canonical positions of the ring vertices (xyz), and how much head motion each follows. */
  ringCanon: Float32Array;
  ringFollow: Float32Array;
}

let cached: ControlMesh | undefined;

export function controlMesh(): ControlMesh {
  if (cached) return cached;
  const tris: number[] = [];
  const parts: number[] = [];
  const eyeSets = [new Set<number>(RIGHT_EYE_OPENING), new Set<number>(LEFT_EYE_OPENING)];
  for (let t = 0; t < MESH_TRIANGLES.length; t += 3) {
    const v = [MESH_TRIANGLES[t]!, MESH_TRIANGLES[t + 1]!, MESH_TRIANGLES[t + 2]!];
    // The triangulation covers the eye openings; they become holes the eye renderer fills.
    if (eyeSets.some((s) => v.every((i) => s.has(i)))) continue;
    tris.push(...v);
    parts.push(Part.Face);
  }
  // Strips between the silhouette and ring 0, ring 0 and ring 1, …
  for (let r = 0; r < RINGS.length; r++) {
    const inner = (i: number): number => (r === 0 ? SILHOUETTE[i % S]! : RING_BASE + (r - 1) * S + (i % S));
    const outer = (i: number): number => RING_BASE + r * S + (i % S);
    for (let i = 0; i < S; i++) {
      tris.push(inner(i), outer(i), outer(i + 1), inner(i), outer(i + 1), inner(i + 1));
      parts.push(Part.Ring, Part.Ring);
    }
  }
  const fan = (ring: readonly number[], centre: number, part: Part): void => {
    for (let i = 0; i < ring.length; i++) {
      tris.push(centre, ring[i]!, ring[(i + 1) % ring.length]!);
      parts.push(part);
    }
  };
  fan(MOUTH_OPENING, MOUTH_CENTRE, Part.Mouth);
  fan(RIGHT_EYE_OPENING, RIGHT_EYE_CENTRE, Part.RightEye);
  fan(LEFT_EYE_OPENING, LEFT_EYE_CENTRE, Part.LeftEye);

  const n = parts.length;
  const triangles = Uint16Array.from(tris);
  const c = CANONICAL_FACE;
  const frontWinding = new Int8Array(n);
  const key = (a: number, b: number, cc: number): string => [a, b, cc].sort((x, y) => x - y).join(',');
  const index = new Map<string, number>();
  for (let t = 0; t < n; t++) {
    if (parts[t] !== Part.Face) continue;
    const [a, b, d] = [triangles[3 * t]!, triangles[3 * t + 1]!, triangles[3 * t + 2]!];
    const area =
      (c[3 * b]! - c[3 * a]!) * (c[3 * d + 1]! - c[3 * a + 1]!) -
      (c[3 * d]! - c[3 * a]!) * (c[3 * b + 1]! - c[3 * a + 1]!);
    frontWinding[t] = area >= 0 ? 1 : -1;
    index.set(key(a, b, d), t);
  }
  const mirror = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    if (parts[t] !== Part.Face) continue;
    const m = index.get(
      key(MIRROR[triangles[3 * t]!]!, MIRROR[triangles[3 * t + 1]!]!, MIRROR[triangles[3 * t + 2]!]!),
    );
    if (m !== undefined && m !== t) mirror[t] = m;
  }

  // Ring vertices: the silhouette pushed outwards in the canonical x-y plane and backwards in depth.
  const ringCanon = new Float32Array(RINGS.length * S * 3);
  const ringFollow = new Float32Array(RINGS.length * S);
  const chinY = c[3 * LM.chin + 1]!;
  const noseY = c[3 * LM.noseTip + 1]!;
  RINGS.forEach((ring, r) => {
    for (let i = 0; i < S; i++) {
      const s = SILHOUETTE[i]!;
      const o = (r * S + i) * 3;
      ringCanon[o] = c[3 * s]! * ring.scale;
      ringCanon[o + 1] = c[3 * s + 1]! * ring.scale;
      ringCanon[o + 2] = c[3 * s + 2]! + (ring.scale - 1) * 0.6;
      // Below the mouth the neck takes less of the head's motion, down to `followBelowChin` under the chin.
      const t = Math.max(0, Math.min(1, (c[3 * s + 1]! - noseY) / (chinY - noseY)));
      ringFollow[r * S + i] = ring.follow + (ring.followBelowChin - ring.follow) * t * t;
    }
  });

  cached = { triangles, parts: Uint8Array.from(parts), frontWinding, mirror, ringCanon, ringFollow };
  return cached;
}

/**
 * The ring vertices for one source image: the template rings, with the border ring moved onto the image's
 * edge — each border vertex where the ray from the face through its inner-ring neighbour leaves the image
 * (or a little beyond that neighbour, if it is already outside) — expressed in the canonical head frame
 * of the source's pose, at the depth of the ring inside it.
 */
export function ringsForSource(
  mesh: ControlMesh,
  pose: { rotation: number[]; translation: [number, number, number]; scale: number },
  width: number,
  height: number,
  /** How far inside the edge the border ring sits, in pixels (negative: outside). Default −2, so the mesh covers every pixel. */
  inset = -2,
): Float32Array {
  const out = Float32Array.from(mesh.ringCanon);
  const R = pose.rotation;
  const proj = (x: number, y: number, z: number): [number, number] => [
    pose.scale * (R[0]! * x + R[1]! * y + R[2]! * z) + pose.translation[0],
    pose.scale * (R[3]! * x + R[4]! * y + R[5]! * z) + pose.translation[1],
  ];
  const [cx, cy] = proj(0, 0, 0);
  const inner = (BORDER_RING - 1) * S;
  const det = R[0]! * R[4]! - R[1]! * R[3]!;
  for (let i = 0; i < S; i++) {
    const o = 3 * (inner + i);
    const z = out[o + 2]!;
    const [px, py] = proj(out[o]!, out[o + 1]!, z);
    const dx = px - cx;
    const dy = py - cy;
    const len = Math.hypot(dx, dy) || 1;
    // Distance along the ray to the image edge (moved in by `inset`).
    let t = Infinity;
    if (dx > 0) t = Math.min(t, (width - inset - cx) / dx);
    if (dx < 0) t = Math.min(t, (inset - cx) / dx);
    if (dy > 0) t = Math.min(t, (height - inset - cy) / dy);
    if (dy < 0) t = Math.min(t, (inset - cy) / dy);
    t = Math.max(t, 1 + 8 / len, 1.05);
    const [ex, ey] = [cx + dx * t, cy + dy * t];
    // Back into the head frame at depth z.
    const bx = (ex - pose.translation[0]) / pose.scale - R[2]! * z;
    const by = (ey - pose.translation[1]) / pose.scale - R[5]! * z;
    const b = 3 * (BORDER_RING * S + i);
    if (Math.abs(det) > 1e-6) {
      out[b] = (R[4]! * bx - R[1]! * by) / det;
      out[b + 1] = (R[0]! * by - R[3]! * bx) / det;
      out[b + 2] = z;
    }
  }
  return out;
}
