/**
 * Eyelids. The landmark models report only part of a blink — measured by rendering known closures and
 * re-analysing them (scripts/calibrate-lids.ts) — so the lid travel read from a driving face is scaled up
 * by LID_CLOSURE_GAIN before it is transferred, and closure is expressed as moving each upper-lid point
 * towards the lower lid.
 */
import { eyeApertures } from '../analysis/measures.js';
import { GROUPS, LANDMARK_COUNT } from '../analysis/topology.js';

/** True lid closure per unit of closure the landmark models report (fitted by scripts/calibrate-lids.ts). */
export const LID_CLOSURE_GAIN = 2.5;

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
 * The driving face with its lid closure (relative to its reference face) expanded by LID_CLOSURE_GAIN,
 * so a blink that the landmarks report as a 40% closure is transferred as the near-closed eye it was.
 */
export function expandLidClosure(driver: Float32Array, reference: Float32Array): Float32Array {
  if (driver.length !== LANDMARK_COUNT * 3) return driver;
  const d = eyeApertures(driver);
  const r = eyeApertures(reference);
  const measured = (s: 'left' | 'right'): number => Math.max(0, 1 - d[s] / Math.max(1e-6, r[s]));
  const extra = (s: 'left' | 'right'): number => {
    const m = measured(s);
    if (m <= 0) return 0;
    const want = Math.min(0.97, LID_CLOSURE_GAIN * m);
    // Close the remaining opening of the driver's (already partly closed) eye by the missing fraction.
    return Math.max(0, Math.min(1, (want - m) / Math.max(1e-6, 1 - m)));
  };
  const right = extra('right');
  const left = extra('left');
  return right === 0 && left === 0 ? driver : closeLids(driver, right, left);
}
