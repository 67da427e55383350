/**
 * The versions the motion data and the motion models are built with now (src/generate/model.ts,
 * MotionVersions): scripts/build-motion-data.ts writes them into data/motion-curves.json.gz,
 * scripts/train-motion.ts refuses data built with others and writes them into models/motion.json, and
 * test/unit/motion-versions.test.ts fails when either file disagrees with the code.
 */
import { auEstimatorFingerprint } from '../analysis/au-fingerprint.js';
import { LANDMARK_CACHE_VERSION } from './landmarks.js';
import { MOTION_DATA_VERSION } from '../generate/data.js';
import { emotionVectorsFingerprint } from '../generate/features.js';
import type { MotionVersions } from '../generate/model.js';

/** The versions the motion data are built with now: the landmark analysis and the AU estimator. */
export function motionDataVersions(): MotionVersions {
  return {
    motionData: MOTION_DATA_VERSION,
    landmarkCache: LANDMARK_CACHE_VERSION,
    auEstimator: auEstimatorFingerprint(),
  };
}

/** The versions the motion models are built with now: the data's, and the emotion vectors. */
export function motionVersions(): MotionVersions {
  return { ...motionDataVersions(), emotionVectors: emotionVectorsFingerprint() };
}

/** The fields of `recorded` that differ from `now`, as "name: recorded → now" (empty when they agree). */
export function versionDifferences(recorded: Partial<MotionVersions> | undefined, now: MotionVersions): string[] {
  // Every field either side has (a field the code no longer has is a difference too).
  const keys = new Set([...Object.keys(now), ...Object.keys(recorded ?? {})] as (keyof MotionVersions)[]);
  return [...keys]
    .filter((k) => recorded?.[k] !== now[k])
    .map((k) => `${k}: ${JSON.stringify(recorded?.[k] ?? null)} → ${JSON.stringify(now[k])}`);
}
