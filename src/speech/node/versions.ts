/**
 * The versions speech data and the speech model are built with (src/speech/model.ts): the data
 * file and the model record them, and test/unit/speech-model.test.ts fails when they disagree with these,
 * so a change of the landmark analysis, the AU estimator or the audio features cannot leave the shipped
 * model silently stale.
 */
import { AUDIO_FEATURES, AUDIO_WINDOW, MFCC_COUNT, WINDOWS_PER_FRAME } from '../../analysis/audio-features.js';
import { auEstimatorFingerprint } from '../../analysis/au-fingerprint.js';
import { LANDMARK_CACHE_VERSION } from '../../dataset/landmarks.js';
import { SPEECH_DATA_VERSION, type SpeechVersions } from '../model.js';
import { SPEECH_SAMPLE_RATE } from '../../media/audio.js';

export { auEstimatorFingerprint };

/** The versions the code builds with now. */
export function speechVersions(): SpeechVersions {
  return {
    speechData: SPEECH_DATA_VERSION,
    landmarkCache: LANDMARK_CACHE_VERSION,
    auEstimator: auEstimatorFingerprint(),
    audioFeatures: `${AUDIO_FEATURES} per frame: ${WINDOWS_PER_FRAME} windows of ${AUDIO_WINDOW} samples at ${SPEECH_SAMPLE_RATE} Hz, ${MFCC_COUNT} Meyda MFCCs + log RMS`,
  };
}
