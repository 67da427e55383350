/**
 * A fingerprint of the AU estimator: what it reads on a fixed probe. Data sets and models built on
 * estimated AUs (speech: src/speech/node/versions.ts; motion: src/dataset/motion-versions.ts) record it, and
 * their tests fail when the code's estimator no longer gives the same answers. Pure.
 */
import { estimateAUs } from './au-estimate.js';
import { ACTION_UNITS, applyAUs, bothSides } from '../face/action-units.js';
import { CANONICAL_FACE } from '../face/measures.js';

/**
 * The AU estimator's answers on a fixed probe (the canonical face with a known mix of mouth, brow and eye
 * actions applied), rounded: any change of the estimator or the AU rig changes it.
 */
export function auEstimatorFingerprint(): string {
  const probe = applyAUs(
    Float32Array.from(CANONICAL_FACE),
    bothSides({ 1: 1, 4: 0.5, 6: 1.5, 10: 0.8, 12: 2, 15: 0.4, 17: 1, 20: 0.6, 23: 0.5, 25: 2, 26: 1.5 }),
  );
  const e = estimateAUs(probe, Float32Array.from(CANONICAL_FACE));
  return ACTION_UNITS.map((au) => `${au}:${e.left[au].toFixed(2)}/${e.right[au].toFixed(2)}`).join(' ');
}
