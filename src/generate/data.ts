/**
 * The motion-curve data set (data/motion-curves.json.gz, built by scripts/build-motion-data.ts): per-frame
 * curves of every real clip in ../shared/data with its labels. Types and a checked reader; pure.
 */
import type { EmotionName } from '../emotion/emotion-names.js';
import type { MotionVersions } from './model.js';

/** 2: the file records the versions it was built with (`versions`). */
export const MOTION_DATA_VERSION = 2;

export interface MotionClip {
  /** Path inside the data folder, e.g. videos/dreamtalk_M030_front_happy_level3_001.mp4. */
  file: string;
  /** The person: MEAD actor id, or a name shared by the clips of one person. */
  actor: string;
  /** mead (MEAD and its EAMM samples), styletalk (in-the-wild emotional talking) or other. */
  dataset: string;
  /** The acted or evident emotion, null for clips without one. */
  emotion: EmotionName | null;
  /** MEAD intensity level (1–3) where known. */
  level: number | null;
  talking: boolean;
  /** A driving clip (made to drive reenactment: deliberate expressions, head turns). */
  driving: boolean;
  /** train or val, by person. */
  split: 'train' | 'val';
  /** One person throughout, face found in ≥ 90% of frames. */
  usable: boolean;
  fps: number;
  frames: number;
  /** How the neutral reference of the AUs was chosen. */
  neutral: string;
  /**
   * The reference's kind: the actor's neutral clip or the first frames of a driving clip (a neutral face:
   * AU levels are absolute), or the person's median face (levels relative to how they usually look).
   */
  reference: 'neutral-clip' | 'first-frames' | 'median';
  /** Per frame '1' (face found) or '0' (interpolated). */
  found: string;
  /** Per frame: 34 AU intensities, left/right interleaved in ACTION_UNITS order, relative to the neutral reference. */
  au: number[][];
  /** Per frame: yaw, pitch, roll in degrees relative to the clip's median. */
  pose: [number, number, number][];
  /** Per frame: iris offset in eye widths relative to the clip's median. */
  gaze: [number, number][];
  /** Per frame: eye closure as the landmarks report it, right and left. */
  closure: [number, number][];
  /** Per frame: inner-lip gap over mouth width. */
  mouth: number[];
}

export interface MotionData {
  version: number;
  /** The versions of the analysis the curves were measured with (test/unit/motion-versions.test.ts). */
  versions: MotionVersions;
  source: string;
  clips: MotionClip[];
}

/** Checks the parsed JSON of data/motion-curves.json.gz. */
export function parseMotionData(json: unknown): MotionData {
  const d = json as MotionData;
  if (!d || typeof d !== 'object' || !Array.isArray(d.clips))
    throw new TypeError('Expected motion data ({ version, clips: [...] }) for motion data but received something else');
  if (d.version !== MOTION_DATA_VERSION)
    throw new RangeError(
      `Expected motion data version ${MOTION_DATA_VERSION} for motion data but received ${d.version}`,
    );
  if (!d.versions || typeof d.versions !== 'object') throw new RangeError('motion data lacks versions');
  for (const c of d.clips) {
    if (c.au.length !== c.frames || c.pose.length !== c.frames || c.closure.length !== c.frames)
      throw new RangeError(`Expected ${c.frames} frames in every curve of ${c.file}`);
  }
  return d;
}
