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
