/**
 * Eyelid geometry: closing the lids of a canonical face shape (blinks, AU45, lid droop).
 */
import { GROUPS } from './topology.js';

const SIDES = [
  {
    upper: [GROUPS.rightEyeUpper0, GROUPS.rightEyeUpper1, GROUPS.rightEyeUpper2],
    lower: GROUPS.rightEyeLower0,
    key: 'right' as const,
  },
  {
    upper: [GROUPS.leftEyeUpper0, GROUPS.leftEyeUpper1, GROUPS.leftEyeUpper2],
    lower: GROUPS.leftEyeLower0,
    key: 'left' as const,
  },
];
/** How far each upper ring follows the lid margin: the margin fully, the skin above it less. */
const FOLLOW = [1, 0.55, 0.25];

/**
 * A copy of a canonical shape with the eyes closed by `right`/`left` (0 open … 1 closed): every upper-lid
 * point moves down towards the lower lid point below it.
 */
export function closeLids(canon: Float32Array, right: number, left: number): Float32Array {
  const out = Float32Array.from(canon);
  for (const side of SIDES) {
    const c = side.key === 'left' ? left : right;
    if (c === 0) continue;
    const margin = side.upper[0]!;
    // Each margin point moves along the line to the lower-lid point below it (Lower0 starts and ends with
    // the corners), so the eye aspect ratio shrinks by exactly the fraction c.
    const move = margin.map((u, k) => {
      const l = side.lower[k + 1]!;
      return [0, 1, 2].map((d) => canon[3 * l + d]! - canon[3 * u + d]!);
    });
    side.upper.forEach((ring, r) => {
      ring.forEach((u, k) => {
        const m = move[Math.min(k, move.length - 1)]!;
        for (let d = 0; d < 3; d++) out[3 * u + d]! += c * FOLLOW[r]! * (r === 0 || d === 1 ? m[d]! : 0);
      });
    });
  }
  return out;
}

/**
 * A copy of `canon` whose upper lids open by `right`/`left` times the opening they have in `shape` (the
 * face whose lid gaps are scaled; usually the source portrait): every upper-lid margin point is placed at
 * its lower-lid point plus the scaled margin-to-lower-lid vector of `shape`, and the skin above follows
 * by the same profile as {@link closeLids}. A factor of 0 closes the eye on its lower lid, 1 keeps the
 * opening of `shape`, above 1 widens it; the lids never cross.
 */
export function setLidOpening(canon: Float32Array, shape: Float32Array, right: number, left: number): Float32Array {
  const out = Float32Array.from(canon);
  for (const side of SIDES) {
    const f = Math.max(0, side.key === 'left' ? left : right);
    const margin = side.upper[0]!;
    const shift = margin.map((u, k) => {
      const l = side.lower[k + 1]!;
      return [0, 1, 2].map((d) => canon[3 * l + d]! + f * (shape[3 * u + d]! - shape[3 * l + d]!) - canon[3 * u + d]!);
    });
    side.upper.forEach((ring, r) => {
      ring.forEach((u, k) => {
        const m = shift[Math.min(k, shift.length - 1)]!;
        for (let d = 0; d < 3; d++) out[3 * u + d]! += FOLLOW[r]! * (r === 0 || d === 1 ? m[d]! : 0);
      });
    });
  }
  return out;
}
