/**
 * Temporal smoothing of a driving face, with a short look-ahead so it adds no lag: each frame's state
 * (canonical shape, head rotation as a quaternion with continuous sign, log-scale, translation in face
 * units) is replaced by a Savitzky–Golay fit (local quadratic) over the frames around it. Polynomial
 * fitting keeps the depth and timing of fast events such as blinks far better than averaging would,
 * while removing the frame-to-frame jitter of the landmark models. Memory: 2·radius + 1 states.
 */
import { LANDMARK_COUNT } from '../face/topology.js';
import { matrixToQuaternion, quaternionToMatrix } from '../face/pose.js';
import type { FaceState } from './motion.js';

const D = LANDMARK_COUNT * 3;

/** Savitzky–Golay smoothing weights (quadratic fit, window 2r + 1) for r = 1…4. */
const SG: Record<number, number[]> = {
  1: [1 / 3, 1 / 3, 1 / 3],
  2: [-3, 12, 17, 12, -3].map((v) => v / 35),
  3: [-2, 3, 6, 7, 6, 3, -2].map((v) => v / 21),
  4: [-21, 14, 39, 54, 59, 54, 39, 14, -21].map((v) => v / 231),
};

/** Smoothing strength 0–1 → look-ahead radius in frames (0: off). */
export function smoothingRadius(strength: number): number {
  if (!(strength > 0)) return 0;
  return Math.max(1, Math.min(4, Math.round(strength * 4 + 0.49)));
}

export interface Smoother<T> {
  /** Adds the state for the next frame; returns the smoothed states that are now complete (oldest first). */
  push(state: FaceState, item: T): { state: FaceState; item: T }[];
  /** Returns the remaining smoothed states at the end of the video. */
  flush(): { state: FaceState; item: T }[];
  /** How many frames a state waits for its look-ahead. */
  readonly delay: number;
}

/**
 * A look-ahead smoother of face states. `item` travels with each state (e.g. the frame it came from),
 * so callers get back exactly what belongs to each smoothed state.
 */
export function createSmoother<T>(strength: number): Smoother<T> {
  const r = smoothingRadius(strength);
  const buf: { v: Float32Array; state: FaceState; item: T }[] = [];
  let lastQ: [number, number, number, number] | undefined;
  let unit = 0;
  let surroundLength: number | undefined;
  let emitted = 0; // index (in stream order) of the next state to emit
  let base = 0; // stream index of buf[0]
  const pack = (s: FaceState): Float32Array => {
    let q = matrixToQuaternion(s.pose.rotation);
    if (lastQ && q[0] * lastQ[0] + q[1] * lastQ[1] + q[2] * lastQ[2] + q[3] * lastQ[3] < 0)
      q = [-q[0], -q[1], -q[2], -q[3]];
    lastQ = q;
    unit ||= s.pose.scale;
    surroundLength ??= s.surround?.length ?? 0;
    const v = new Float32Array(D + 8 + surroundLength);
    v.set(s.canon.subarray(0, D));
    if (surroundLength) v.set(s.surround ?? new Float32Array(surroundLength), D + 8);
    v.set(q, D);
    v[D + 4] = Math.log(s.pose.scale);
    v[D + 5] = s.pose.translation[0] / unit;
    v[D + 6] = s.pose.translation[1] / unit;
    v[D + 7] = s.pose.translation[2] / unit;
    return v;
  };
  const unpack = (v: Float32Array): FaceState => {
    const q = [v[D]!, v[D + 1]!, v[D + 2]!, v[D + 3]!] as [number, number, number, number];
    const n = Math.hypot(...q) || 1;
    return {
      canon: v.slice(0, D),
      pose: {
        rotation: quaternionToMatrix([q[0] / n, q[1] / n, q[2] / n, q[3] / n]),
        scale: Math.exp(v[D + 4]!),
        translation: [v[D + 5]! * unit, v[D + 6]! * unit, v[D + 7]! * unit],
      },
      surround: surroundLength ? v.slice(D + 8) : undefined,
    };
  };
  /** Smoothed state at stream index i, with the sequence's ends repeated to fill the window. */
  const at = (i: number, last: number): FaceState => {
    const w = SG[r]!;
    const out = new Float32Array(D + 8 + (surroundLength ?? 0));
    for (let k = -r; k <= r; k++) {
      const j = Math.max(base, Math.min(last, i + k)) - base;
      const v = buf[j]!.v;
      const c = w[k + r]!;
      for (let d = 0; d < v.length; d++) out[d]! += c * v[d]!;
    }
    return unpack(out);
  };
  return {
    delay: r,
    push(state, item) {
      if (r === 0) return [{ state, item }];
      buf.push({ v: pack(state), state, item });
      const last = base + buf.length - 1;
      const ready: { state: FaceState; item: T }[] = [];
      while (emitted + r <= last) {
        ready.push({ state: at(emitted, last), item: buf[emitted - base]!.item });
        emitted++;
      }
      while (buf.length > 2 * r + 1 && base < emitted - r) {
        buf.shift();
        base++;
      }
      return ready;
    },
    flush() {
      const ready: { state: FaceState; item: T }[] = [];
      const last = base + buf.length - 1;
      while (r > 0 && emitted <= last) {
        ready.push({ state: at(emitted, last), item: buf[emitted - base]!.item });
        emitted++;
      }
      return ready;
    },
  };
}
