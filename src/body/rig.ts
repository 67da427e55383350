/**
 * The rig: a triangle mesh over the person's silhouette, each vertex bound to the skeleton's segments
 * by linear-blend skinning. Weights fall off with a vertex's distance to each segment (in units of the
 * segment's thickness, see shape.ts): a vertex well inside a limb follows that limb alone, so limbs move
 * rigidly, and only near a joint, where two segments are about as near, does it blend — the joint bends
 * smoothly. Triangles that join parts that do not touch in the skeleton (a hand resting on a hip) are
 * drawn behind all others, so those parts separate cleanly. Pure typed arrays.
 */
import type { PersonMask } from './mask.js';
import { SEGMENT_COUNT, bodyShape, segmentDistances } from './shape.js';
import { SEGMENTS, segmentsAdjacent, type BodyPose } from './skeleton.js';

/** Segments bound to one vertex at most. */
const MAX_INFLUENCES = 3;
/** Width of the blend between segments, in limb thicknesses. */
const BLEND = 0.3;

export interface BodyRig {
  /** Vertex positions in the source image, x0 y0 x1 y1 … */
  rest: Float32Array;
  /** Triangles, three vertex indices each. */
  triangles: Uint32Array;
  /** Per triangle: drawing layer (larger in front: arms over the torso; 0: a triangle across parts that do not touch). */
  layer: Uint8Array;
  /** Per vertex, MAX_INFLUENCES segment indices and weights (summing to 1). */
  boneIndex: Uint8Array;
  boneWeight: Float32Array;
  /** Grid step in pixels. */
  step: number;
  /** The source's pose, as the rig was bound to it. */
  pose: BodyPose;
}

/** Per grid cell whether any pixel of the person lies in it. */
function occupiedCells(mask: PersonMask, step: number, cols: number, rows: number): Uint8Array {
  const cells = new Uint8Array(cols * rows);
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.alpha[y * mask.width + x]! > 0.02) cells[Math.floor(y / step) * cols + Math.floor(x / step)] = 1;
  return cells;
}

/** Skin weights of one vertex: the segments within BLEND of the nearest, by a Gaussian of the excess distance. */
function bind(d: Float32Array, index: Uint8Array, weight: Float32Array, at: number): number {
  const order = Array.from(d.keys()).sort((a, b) => d[a]! - d[b]!);
  const nearest = d[order[0]!]!;
  let total = 0;
  for (let k = 0; k < MAX_INFLUENCES; k++) {
    const s = order[k]!;
    const excess = d[s]! - nearest;
    const w = Number.isFinite(excess) ? Math.exp(-((excess / BLEND) ** 2)) : 0;
    index[at + k] = s;
    weight[at + k] = w;
    total += w;
  }
  if (!(total > 0)) {
    // No segment at all (cannot happen with a torso): the vertex stays with the torso.
    weight.fill(0, at, at + MAX_INFLUENCES);
    index[at] = 0;
    weight[at] = 1;
    return 0;
  }
  for (let k = 0; k < MAX_INFLUENCES; k++) weight[at + k]! /= total;
  return order[0]!;
}

/**
 * Builds the rig for a person: a grid of cells `step` pixels wide over the mask (default: a 16th of the
 * torso's length, at least 3 px), two triangles per occupied cell.
 *
 * @example
 * const rig = buildRig(mask, pose);
 */
export function buildRig(mask: PersonMask, pose: BodyPose, step?: number): BodyRig {
  const shape = bodyShape(pose);
  const g = step ?? Math.max(3, Math.round(shape.unit / 16));
  const cols = Math.ceil(mask.width / g);
  const rows = Math.ceil(mask.height / g);
  const cells = occupiedCells(mask, g, cols, rows);
  const vertexOf = new Int32Array((cols + 1) * (rows + 1)).fill(-1);
  const rest: number[] = [];
  const corner = (cx: number, cy: number): number => {
    const key = cy * (cols + 1) + cx;
    if (vertexOf[key]! < 0) {
      vertexOf[key] = rest.length / 2;
      rest.push(cx * g, cy * g);
    }
    return vertexOf[key]!;
  };
  const quads: number[] = [];
  for (let cy = 0; cy < rows; cy++)
    for (let cx = 0; cx < cols; cx++)
      if (cells[cy * cols + cx])
        quads.push(corner(cx, cy), corner(cx + 1, cy), corner(cx + 1, cy + 1), corner(cx, cy + 1));
  const n = rest.length / 2;
  const boneIndex = new Uint8Array(n * MAX_INFLUENCES);
  const boneWeight = new Float32Array(n * MAX_INFLUENCES);
  const dominant = new Uint8Array(n);
  const d = new Float32Array(SEGMENT_COUNT);
  for (let v = 0; v < n; v++) {
    segmentDistances(shape, rest[2 * v]!, rest[2 * v + 1]!, d);
    dominant[v] = bind(d, boneIndex, boneWeight, v * MAX_INFLUENCES);
  }
  const tris: number[] = [];
  const layers: number[] = [];
  for (let q = 0; q < quads.length; q += 4) {
    for (const t of [
      [quads[q]!, quads[q + 1]!, quads[q + 2]!],
      [quads[q]!, quads[q + 2]!, quads[q + 3]!],
    ]) {
      const s = t.map((v) => dominant[v]!);
      const joined = segmentsAdjacent(s[0]!, s[1]!) && segmentsAdjacent(s[1]!, s[2]!) && segmentsAdjacent(s[0]!, s[2]!);
      tris.push(...t);
      // A triangle across parts that do not touch goes behind everything (layer 0): where those parts
      // stay, it still shows the photo between them; where they separate, whatever is in front covers it.
      layers.push(joined ? 1 + Math.max(...s.map((k) => SEGMENTS[k]!.layer)) : 0);
    }
  }
  return {
    rest: new Float32Array(rest),
    triangles: new Uint32Array(tris),
    layer: new Uint8Array(layers),
    boneIndex,
    boneWeight,
    step: g,
    pose,
  };
}

/** A 2×3 affine map per segment: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type SegmentTransforms = Float32Array;

/** Moves every vertex by the blend of its segments' transforms (linear-blend skinning). */
export function skin(rig: BodyRig, transforms: SegmentTransforms, out?: Float32Array): Float32Array {
  const n = rig.rest.length / 2;
  const pos = out ?? new Float32Array(n * 2);
  for (let v = 0; v < n; v++) {
    const x = rig.rest[2 * v]!;
    const y = rig.rest[2 * v + 1]!;
    let px = 0;
    let py = 0;
    for (let k = 0; k < MAX_INFLUENCES; k++) {
      const w = rig.boneWeight[v * MAX_INFLUENCES + k]!;
      if (w === 0) continue;
      const m = rig.boneIndex[v * MAX_INFLUENCES + k]! * 6;
      px += w * (transforms[m]! * x + transforms[m + 1]! * y + transforms[m + 2]!);
      py += w * (transforms[m + 3]! * x + transforms[m + 4]! * y + transforms[m + 5]!);
    }
    pos[2 * v] = px;
    pos[2 * v + 1] = py;
  }
  return pos;
}
