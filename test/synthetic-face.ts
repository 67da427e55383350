/** A synthetic portrait for renderer tests: a face painted on the canonical landmarks. */
import type { RgbaImage } from '../src/face/image.js';
import { CANONICAL_FACE } from '../src/face/measures.js';
import { eulerToRotation } from '../src/face/pose.js';
import { LEFT_EYE_OPENING, LEFT_IRIS, LIPS_OUTER, RIGHT_EYE_OPENING, RIGHT_IRIS } from '../src/face/topology.js';
import { projectState, type FaceState } from '../src/motion/motion.js';
import { pointInPolygon } from '../src/render/geometry.js';

/** Inner-lip pairs (upper, lower): closing the mouth puts each lower point on its upper one. */
const LIP_PAIRS: [number, number][] = [
  [191, 95],
  [80, 88],
  [81, 178],
  [82, 87],
  [13, 14],
  [312, 317],
  [311, 402],
  [310, 318],
  [415, 324],
];

export interface Portrait {
  image: RgbaImage;
  state: FaceState;
  landmarks: Float32Array;
}

export const SKIN: [number, number, number] = [196, 148, 124];
export const LIP: [number, number, number] = [176, 92, 90];

/** A face painted on the canonical landmarks with a closed mouth: skin, lips, eye whites and irises. */
export function portrait(scale: number, grey = false, size = 320): Portrait {
  const canon = Float32Array.from(CANONICAL_FACE);
  for (const [u, l] of LIP_PAIRS) {
    const y = (canon[3 * u + 1]! + canon[3 * l + 1]!) / 2;
    canon[3 * u + 1] = y;
    canon[3 * l + 1] = y;
  }
  const state: FaceState = {
    pose: { rotation: eulerToRotation(0, 0, 0), translation: [size / 2, size / 2 - 0.3 * scale, 0], scale },
    canon,
  };
  const lm = projectState(state);
  const data = new Uint8ClampedArray(size * size * 4);
  const paint = (c: readonly number[]): readonly number[] => {
    if (!grey) return c;
    const y = 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
    return [y, y, y];
  };
  const irisR = 0.09 * scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let c: readonly number[] = SKIN;
      if (pointInPolygon(lm, 3, LIPS_OUTER, px, py)) c = LIP;
      for (const [ring, iris] of [
        [RIGHT_EYE_OPENING, RIGHT_IRIS],
        [LEFT_EYE_OPENING, LEFT_IRIS],
      ] as const) {
        if (!pointInPolygon(lm, 3, ring, px, py)) continue;
        const d = Math.hypot(px - lm[3 * iris[0]]!, py - lm[3 * iris[0] + 1]!);
        c = d < irisR ? [70, 50, 40] : [228, 222, 216];
      }
      // A soft light from the upper left, so the face has shading the renderer should keep.
      const shade = 0.9 + 0.1 * (1 - (x + y) / (2 * size));
      const p = paint(c);
      for (let k = 0; k < 3; k++) data[4 * (y * size + x) + k] = p[k]! * shade;
      data[4 * (y * size + x) + 3] = 255;
    }
  }
  // The iris ring points sit on the iris outline.
  return { image: { width: size, height: size, data }, state, landmarks: lm };
}
