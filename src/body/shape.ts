/**
 * The body's rough shape from its skeleton: a capsule round every limb segment, a polygon for the
 * torso, a disc for the head — each with a thickness in proportion to the torso's length. The person
 * mask starts from it and the rig binds skin by it. Pure geometry.
 */
import { EXTENDED_COUNT, J, NECK, ROOT, SEGMENTS, extendPose, seen, torsoLength, type BodyPose } from './skeleton.js';

/** Limb thickness (capsule radius) per segment, as a fraction of the torso's length. */
const RADIUS: Readonly<Record<string, number>> = {
  torso: 0.3,
  head: 0.26,
  leftUpperArm: 0.15,
  rightUpperArm: 0.15,
  leftForearm: 0.13,
  rightForearm: 0.13,
  leftThigh: 0.22,
  rightThigh: 0.22,
  leftShin: 0.16,
  rightShin: 0.16,
};

/** One segment as placed in an image: ends (the far one extended), radius, and whether it exists. */
export interface PlacedSegment {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  radius: number;
  present: boolean;
}

export interface BodyShape {
  /** Torso length in pixels: the unit of every thickness. */
  unit: number;
  segments: PlacedSegment[];
  /** Torso polygon (shoulders and hips, grown a little), x0 y0 x1 y1 …; empty when not seen. */
  torso: Float32Array;
}

/** The shape of the body in pose `p`. Segments whose ends are not both seen are absent. */
export function bodyShape(p: BodyPose): BodyShape {
  const e = extendPose(p);
  const unit = torsoLength(p) || 1;
  const segments = SEGMENTS.map((s): PlacedSegment => {
    const present = seen(e, s.from) && seen(e, s.to);
    const ax = e.x[s.from]!;
    const ay = e.y[s.from]!;
    const bx = e.x[s.to]! + (e.x[s.to]! - ax) * s.extend;
    const by = e.y[s.to]! + (e.y[s.to]! - ay) * s.extend;
    return { ax, ay, bx, by, radius: RADIUS[s.name]! * unit, present };
  });
  const corners = [J.leftShoulder, J.rightShoulder, J.rightHip, J.leftHip];
  const torso = corners.every((j) => seen(e, j)) ? grow(e, corners, 0.1 * unit) : new Float32Array(0);
  // Without the hips, the torso is the capsule from the neck down to where the root would be.
  if (!torso.length && seen(e, NECK)) segments[0] = torsoFallback(e, unit);
  return { unit, segments, torso };
}

function torsoFallback(e: BodyPose, unit: number): PlacedSegment {
  const ok = seen(e, ROOT);
  return {
    ax: e.x[NECK]!,
    ay: e.y[NECK]!,
    bx: ok ? e.x[ROOT]! : e.x[NECK]!,
    by: ok ? e.y[ROOT]! : e.y[NECK]! + unit,
    radius: RADIUS.torso! * unit,
    present: true,
  };
}

/** The polygon through `corners`, pushed out from its centroid by `by` pixels. */
function grow(e: BodyPose, corners: number[], by: number): Float32Array {
  let cx = 0;
  let cy = 0;
  for (const j of corners) {
    cx += e.x[j]! / corners.length;
    cy += e.y[j]! / corners.length;
  }
  const out = new Float32Array(corners.length * 2);
  corners.forEach((j, i) => {
    const dx = e.x[j]! - cx;
    const dy = e.y[j]! - cy;
    const n = Math.hypot(dx, dy) || 1;
    out[2 * i] = e.x[j]! + (dx / n) * by;
    out[2 * i + 1] = e.y[j]! + (dy / n) * by;
  });
  return out;
}

/** Distance from (x, y) to the segment a–b. */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** Distance from (x, y) to a polygon's outline: positive outside, negative inside. */
export function polygonDistance(x: number, y: number, poly: Float32Array): number {
  const n = poly.length / 2;
  let inside = false;
  let best = Infinity;
  for (let i = 0, k = n - 1; i < n; k = i++) {
    const xi = poly[2 * i]!;
    const yi = poly[2 * i + 1]!;
    const xk = poly[2 * k]!;
    const yk = poly[2 * k + 1]!;
    if (yi > y !== yk > y && x < ((xk - xi) * (y - yi)) / (yk - yi) + xi) inside = !inside;
    best = Math.min(best, segmentDistance(x, y, xi, yi, xk, yk));
  }
  return inside ? -best : best;
}

/**
 * How far (x, y) is from each segment, in units of that segment's thickness, minus one: negative inside
 * a limb's capsule, 0 on its outline. The torso counts 0 inside its polygon (limbs win where they overlap
 * it: an arm in front of the chest belongs to the arm) — or, with `torsoDepth`, its signed distance inside
 * too (for the mask, which needs to know how deep in the body a pixel is). `out` gets one value per
 * segment (Infinity when absent).
 */
export function segmentDistances(shape: BodyShape, x: number, y: number, out: Float32Array, torsoDepth = false): void {
  shape.segments.forEach((s, k) => {
    if (!s.present) {
      out[k] = Infinity;
      return;
    }
    if (k === 0 && shape.torso.length) {
      const d = polygonDistance(x, y, shape.torso) / s.radius;
      out[k] = torsoDepth ? d : Math.max(0, d);
      return;
    }
    out[k] = segmentDistance(x, y, s.ax, s.ay, s.bx, s.by) / s.radius - 1;
  });
}

/** The nearest distance over all segments (see {@link segmentDistances}, with the torso's depth): < 0 inside the body. */
export function shapeDistance(shape: BodyShape, x: number, y: number, scratch: Float32Array): number {
  segmentDistances(shape, x, y, scratch, true);
  let best = Infinity;
  for (let k = 0; k < scratch.length; k++) best = Math.min(best, scratch[k]!);
  return best;
}

export const SEGMENT_COUNT = SEGMENTS.length;
export { EXTENDED_COUNT };
