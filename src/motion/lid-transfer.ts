/**
 * Eyelids. The landmark models report only part of a blink — a real full blink reads as about 65% closed
 * (median over 43 clips of ../shared/data, scripts/calibrate-blinks.ts) — so the lid travel read from a
 * driving face is scaled up by LID_CLOSURE_GAIN before it is transferred, and closure is expressed as
 * moving each upper-lid point towards the lower lid. The driver's lid opening is carried over as a ratio of the target's own opening
 * (see {@link transferLidOpening}), so narrow eyes close as far as wide ones, never further.
 */
import { closeLids, setLidOpening } from '../face/lids.js';
import { eyeApertures } from '../face/measures.js';
import { LANDMARK_COUNT } from '../face/topology.js';

/**
 * True lid closure per unit of closure the landmark models report on real faces: one over the closure they
 * report for a full blink (scripts/calibrate-blinks.ts). Re-analysed renders under-report closure more
 * (scripts/calibrate-lids.ts measures that), but the driver is a real face.
 */
export const LID_CLOSURE_GAIN = 1.53;

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

/** How open each of the driver's eyes is relative to its reference (eye aspect ratios; 1 = as open). */
export function lidOpeningRatio(driver: Float32Array, reference: Float32Array): { left: number; right: number } {
  const d = eyeApertures(driver);
  const r = eyeApertures(reference);
  const ratio = (s: 'left' | 'right'): number => Math.max(0, Math.min(2, d[s] / Math.max(1e-6, r[s])));
  return { left: ratio('left'), right: ratio('right') };
}

/**
 * The upper lids of `target` (a retargeted shape) placed so that each eye is open by the driver's ratio
 * (`ratio`, from {@link lidOpeningRatio}) of the opening it has in `source`, scaled towards 1 by the
 * eyes' expression gain. Adding the driver's lid displacement instead would close a narrow eye past its
 * lower lid when a wide-eyed driver blinks (the lids cross, and the eye looks open again).
 */
export function transferLidOpening(
  target: Float32Array,
  source: Float32Array,
  ratio: { left: number; right: number },
  gain: number,
): Float32Array {
  if (gain === 0 || target.length !== LANDMARK_COUNT * 3) return target;
  return setLidOpening(target, source, 1 + gain * (ratio.right - 1), 1 + gain * (ratio.left - 1));
}
