/**
 * How the driver's surroundings — hair, ears, neck, shoulders, background, the frame itself — move
 * relative to its head.
 *
 * A grid of points over the driving frame (outside the face) is followed with Lucas–Kanade optical flow
 * and each point's position is expressed in the head's own frame: a point moving rigidly with the head
 * keeps a zero offset, a point that stays still while the head turns gets an offset that cancels the head's
 * motion. The renderer's ring vertices take the offsets of the tracked points near them (Gaussian weights
 * in head-frame units), so the portrait's hair follows its head where the driver's did and its background
 * stays — or drifts with the camera — where the driver's did. Where nothing could be tracked (flat
 * background, points leaving the frame) a fixed profile remains: inner rings follow the head, outer ones
 * stay still.
 */
import type { Similarity } from '../face/pose.js';
import { GROUPS } from '../face/topology.js';
import type { RgbaImage } from '../face/image.js';
import { goodFeatures, greyPyramid, trackPoints, type GreyPyramid } from './flow.js';

export interface SurroundRings {
  /** Ring vertices in the canonical head frame (xyz). */
  canon: Float32Array;
  /** Fallback share of the head's motion each vertex follows (0 … 1). */
  follow: Float32Array;
}

export interface SurroundTracker {
  /**
   * Adds the next driving frame with its landmarks and head pose (undefined: no face; offsets are held).
   * Returns each ring vertex's offset in canonical units (xy pairs) relative to the first frame with a face.
   */
  next(frame: RgbaImage, face: { landmarks: Float32Array; pose: Similarity } | undefined): Float32Array;
}

/** Points followed at once, when to look for new ones (fraction still alive), and how often at most. */
const MAX_POINTS = 120;
const RESEED_BELOW = 0.6;
const RESEED_EVERY = 10;
/** Depth (canonical units, behind the face) at which tracked surroundings are placed in the head frame. */
const DEPTH = 0.5;
/** Reach of a tracked point's offset, canonical units (eye-corner distances). */
const SIGMA = 0.35;
/** Weight of the fixed profile against the tracked points. */
const PRIOR = 0.05;

function project(p: Similarity, x: number, y: number, z: number): [number, number] {
  const R = p.rotation;
  return [
    p.scale * (R[0]! * x + R[1]! * y + R[2]! * z) + p.translation[0],
    p.scale * (R[3]! * x + R[4]! * y + R[5]! * z) + p.translation[1],
  ];
}

/** The canonical (x, y) at canonical depth z that a pose maps onto image point (u, v). */
function unproject(p: Similarity, u: number, v: number, z: number): [number, number] {
  const R = p.rotation;
  const bx = (u - p.translation[0]) / p.scale - R[2]! * z;
  const by = (v - p.translation[1]) / p.scale - R[5]! * z;
  const det = R[0]! * R[4]! - R[1]! * R[3]!;
  if (Math.abs(det) < 1e-6) return [NaN, NaN];
  return [(R[4]! * bx - R[1]! * by) / det, (R[0]! * by - R[3]! * bx) / det];
}

/** Tracks only the points still alive (the others come back not ok). */
function trackLive(
  a: GreyPyramid,
  b: GreyPyramid,
  pts: Float32Array,
  alive: Uint8Array,
): { points: Float32Array; ok: Uint8Array } {
  const idx: number[] = [];
  for (let k = 0; k < alive.length; k++) if (alive[k]) idx.push(k);
  const sub = new Float32Array(2 * idx.length);
  idx.forEach((k, j) => {
    sub[2 * j] = pts[2 * k]!;
    sub[2 * j + 1] = pts[2 * k + 1]!;
  });
  const t = trackPoints(a, b, sub, sub);
  const points = new Float32Array(pts.length);
  const ok = new Uint8Array(alive.length);
  idx.forEach((k, j) => {
    points[2 * k] = t.points[2 * j]!;
    points[2 * k + 1] = t.points[2 * j + 1]!;
    ok[k] = t.ok[j]!;
  });
  return { points, ok };
}

function insidePolygon(xs: number[], ys: number[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    if (ys[i]! > y !== ys[j]! > y && x < ((xs[j]! - xs[i]!) * (y - ys[i]!)) / (ys[j]! - ys[i]!) + xs[i]!)
      inside = !inside;
  }
  return inside;
}

export function createSurroundTracker(rings: SurroundRings): SurroundTracker {
  return new RingTracker(rings);
}

type Face = { landmarks: Float32Array; pose: Similarity };

class RingTracker implements SurroundTracker {
  private readonly n: number;
  private readonly c: Float32Array;
  private readonly offsets: Float32Array;
  private firstPose: Similarity | undefined;
  // Tracked points: image positions now, head-frame positions at the first frame, alive flags.
  private pts = new Float32Array(0);
  private home = new Float32Array(0);
  private alive = new Uint8Array(0);
  // The ring vertices are followed too, each on its own (first n points are not reseeded once lost).
  private ringPts: Float32Array;
  private readonly ringAlive: Uint8Array;
  private prev: { pyr: GreyPyramid; pose: Similarity } | undefined;
  private sinceReseed = 0;

  constructor(private readonly rings: SurroundRings) {
    this.n = rings.follow.length;
    this.c = rings.canon;
    this.offsets = new Float32Array(2 * this.n);
    this.ringPts = new Float32Array(2 * this.n);
    this.ringAlive = new Uint8Array(this.n);
  }

  next(frame: RgbaImage, face: Face | undefined): Float32Array {
    if (!face) return this.offsets;
    const pose = face.pose;
    const pyr = greyPyramid(frame);
    if (!this.prev || !this.firstPose) return this.start(frame, pyr, face);
    const { off, m, live } = this.followPoints(this.prev.pyr, pyr, pose);
    this.followRing(this.prev.pyr, pyr, pose, off, m);
    if (live < RESEED_BELOW * MAX_POINTS && ++this.sinceReseed >= RESEED_EVERY) {
      this.reseed(frame, pyr, face.landmarks, pose, off);
      this.sinceReseed = 0;
    }
    this.prev = { pyr, pose };
    return this.offsets;
  }

  /** The first frame with a face: the ring where the head puts it, and points to follow around it. */
  private start(frame: RgbaImage, pyr: GreyPyramid, face: Face): Float32Array {
    const { n, c } = this;
    const pose = face.pose;
    this.firstPose = pose;
    for (let i = 0; i < n; i++) {
      const [x, y] = project(pose, c[3 * i]!, c[3 * i + 1]!, c[3 * i + 2]!);
      this.ringPts[2 * i] = x;
      this.ringPts[2 * i + 1] = y;
      this.ringAlive[i] = x >= 0 && y >= 0 && x < frame.width && y < frame.height ? 1 : 0;
    }
    this.pts = new Float32Array(0);
    this.home = new Float32Array(0);
    this.alive = new Uint8Array(0);
    this.reseed(frame, pyr, face.landmarks, pose, new Float32Array(0));
    this.prev = { pyr, pose };
    return this.offsets;
  }

  /** Follows the points into this frame: each live one's offset from its first-frame spot (head frame). */
  private followPoints(
    from: GreyPyramid,
    to: GreyPyramid,
    pose: Similarity,
  ): { off: Float32Array; m: number; live: number } {
    const { pts, alive, home } = this;
    const m = pts.length / 2;
    const tracked = trackLive(from, to, pts, alive);
    const off = new Float32Array(2 * m);
    let live = 0;
    for (let k = 0; k < m; k++) {
      if (!alive[k] || !tracked.ok[k]) {
        alive[k] = 0;
        continue;
      }
      live++;
      pts[2 * k] = tracked.points[2 * k]!;
      pts[2 * k + 1] = tracked.points[2 * k + 1]!;
      const [qx, qy] = unproject(pose, pts[2 * k]!, pts[2 * k + 1]!, DEPTH);
      off[2 * k] = qx - home[2 * k]!;
      off[2 * k + 1] = qy - home[2 * k + 1]!;
    }
    return { off, m, live };
  }

  /** Each ring vertex: followed itself while it can be, else interpolated from the points around it. */
  private followRing(from: GreyPyramid, to: GreyPyramid, pose: Similarity, off: Float32Array, m: number): void {
    const { n, c, offsets, ringAlive } = this;
    const ringTracked = trackLive(from, to, this.ringPts, ringAlive);
    const nextRing = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      if (ringAlive[i] && ringTracked.ok[i]) {
        nextRing[2 * i] = ringTracked.points[2 * i]!;
        nextRing[2 * i + 1] = ringTracked.points[2 * i + 1]!;
        const [qx, qy] = unproject(pose, nextRing[2 * i]!, nextRing[2 * i + 1]!, c[3 * i + 2]!);
        offsets[2 * i] = qx - c[3 * i]!;
        offsets[2 * i + 1] = qy - c[3 * i + 1]!;
        continue;
      }
      ringAlive[i] = 0;
      const [fx, fy] = this.fallback(i, pose);
      const [ox, oy] = this.interpolate(c[3 * i]!, c[3 * i + 1]!, fx, fy, off, m);
      offsets[2 * i] = ox;
      offsets[2 * i + 1] = oy;
    }
    this.ringPts = nextRing;
  }

  private fallback(i: number, pose: Similarity): [number, number] {
    const c = this.c;
    const [x0, y0] = project(this.firstPose!, c[3 * i]!, c[3 * i + 1]!, c[3 * i + 2]!);
    const [x1, y1] = project(pose, c[3 * i]!, c[3 * i + 1]!, c[3 * i + 2]!);
    const f = this.rings.follow[i]!;
    const [qx, qy] = unproject(pose, x0 + f * (x1 - x0), y0 + f * (y1 - y0), c[3 * i + 2]!);
    return [qx - c[3 * i]!, qy - c[3 * i + 1]!];
  }

  /** Offset of the surroundings at head-frame point (x, y), from the live points: Gaussian weights, prior fallback. */
  private interpolate(x: number, y: number, fx: number, fy: number, off: Float32Array, m: number): [number, number] {
    const { alive, home } = this;
    // Farther from the head, motion varies more slowly and points are sparser: widen the kernel.
    const sigma = Math.max(SIGMA, Math.min(1, 0.3 * Math.hypot(x, y)));
    let sx = PRIOR * fx;
    let sy = PRIOR * fy;
    let sw = PRIOR;
    for (let k = 0; k < m; k++) {
      if (!alive[k]) continue;
      const d2 = (home[2 * k]! - x) ** 2 + (home[2 * k + 1]! - y) ** 2;
      const w = Math.exp(-d2 / (2 * sigma * sigma));
      if (w < 1e-4) continue;
      sx += w * off[2 * k]!;
      sy += w * off[2 * k + 1]!;
      sw += w;
    }
    return [sx / sw, sy / sw];
  }

  /** New features in the current frame (off the face, away from live points), placed at their inferred first-frame spots. */
  private reseed(
    frame: RgbaImage,
    pyr: GreyPyramid,
    landmarks: Float32Array,
    pose: Similarity,
    off: Float32Array,
  ): void {
    const { pts, alive } = this;
    const home0 = this.home;
    const sil = GROUPS.silhouette;
    const xs = sil.map((i) => landmarks[3 * i]!);
    const ys = sil.map((i) => landmarks[3 * i + 1]!);
    const m = pts.length / 2;
    const spacing = Math.max(frame.width, frame.height) / 14;
    const near = (x: number, y: number): boolean => {
      for (let k = 0; k < m; k++)
        if (alive[k] && (pts[2 * k]! - x) ** 2 + (pts[2 * k + 1]! - y) ** 2 < spacing * spacing) return true;
      return false;
    };
    const found = goodFeatures(pyr, MAX_POINTS, spacing, (x, y) => !insidePolygon(xs, ys, x, y) && !near(x, y));
    const keepP: number[] = [];
    const keepH: number[] = [];
    for (let k = 0; k < m; k++) {
      if (!alive[k]) continue;
      keepP.push(pts[2 * k]!, pts[2 * k + 1]!);
      keepH.push(home0[2 * k]!, home0[2 * k + 1]!);
    }
    const keepOff: number[] = [];
    for (let k = 0; k < m; k++) if (alive[k]) keepOff.push(off[2 * k]!, off[2 * k + 1]!);
    const liveOff = Float32Array.from(keepOff);
    // From here on `home`/`alive` describe the kept points only, which `interpolate` reads.
    this.home = Float32Array.from(keepH);
    this.alive = new Uint8Array(keepH.length / 2).fill(1);
    for (let j = 0; j < found.length / 2 && keepP.length / 2 < MAX_POINTS; j++) {
      const [qx, qy] = unproject(pose, found[2 * j]!, found[2 * j + 1]!, DEPTH);
      // Home h solves q = h + offset(h): one fixed-point step from h = q.
      const [ox, oy] = this.firstPose ? this.interpolate(qx, qy, 0, 0, liveOff, keepH.length / 2) : [0, 0];
      keepP.push(found[2 * j]!, found[2 * j + 1]!);
      keepH.push(qx - ox, qy - oy);
    }
    this.pts = Float32Array.from(keepP);
    this.home = Float32Array.from(keepH);
    this.alive = new Uint8Array(keepH.length / 2).fill(1);
  }
}
