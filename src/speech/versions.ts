/**
 * The versions speech data and the speech model are built with (src/motion/speech-model.ts): the data
 * file and the model record them, and test/unit/speech-model.test.ts fails when they disagree with these,
 * so a change of the landmark analysis, the AU estimator or the audio features cannot leave the shipped
 * model silently stale.
 */
import { AUDIO_FEATURES, AUDIO_WINDOW, MFCC_COUNT, WINDOWS_PER_FRAME } from '../analysis/audio-features.js';
import { estimateAUs } from '../analysis/action-units.js';
import { LANDMARK_CACHE_VERSION } from '../dataset/landmarks.js';
import { ACTION_UNITS, applyAUs, bothSides } from '../face/action-units.js';
import { CANONICAL_FACE } from '../face/measures.js';
import { SPEECH_DATA_VERSION, type SpeechVersions } from '../motion/speech-model.js';
import { SPEECH_SAMPLE_RATE } from '../media/audio.js';

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

/** The versions the code builds with now. */
export function speechVersions(): SpeechVersions {
  return {
    speechData: SPEECH_DATA_VERSION,
    landmarkCache: LANDMARK_CACHE_VERSION,
    auEstimator: auEstimatorFingerprint(),
    audioFeatures: `${AUDIO_FEATURES} per frame: ${WINDOWS_PER_FRAME} windows of ${AUDIO_WINDOW} samples at ${SPEECH_SAMPLE_RATE} Hz, ${MFCC_COUNT} Meyda MFCCs + log RMS`,
  };
}
