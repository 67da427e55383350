/**
 * Eyelids. The landmark models report only part of a blink — measured by rendering known closures and
 * re-analysing them (scripts/calibrate-lids.ts) — so the lid travel read from a driving face is scaled up
 * by LID_CLOSURE_GAIN before it is transferred, and closure is expressed as moving each upper-lid point
 * towards the lower lid.
 */
import { closeLids } from '../face/lids.js';
import { eyeApertures } from '../face/measures.js';
import { LANDMARK_COUNT } from '../face/topology.js';

/** True lid closure per unit of closure the landmark models report (fitted by scripts/calibrate-lids.ts). */
export const LID_CLOSURE_GAIN = 2.5;

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
