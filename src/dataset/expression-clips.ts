/**
 * The expression clips of ../shared/data, labelled: MEAD actors in eight emotions (level 3, the strongest),
 * MEAD-style actors in one emotion each, and in-the-wild emotional clips (furious shouting, crying, broad
 * smiles, surprise). Each clip belongs to a person, so expressions can be measured against that person's own
 * neutral face: the MEAD actors' neutral clips where there is one, else the person's least expressive frames.
 * Used by the scripts that learn emotions (scripts/learn-emotions.ts) and expression appearance
 * (scripts/build-appearance.ts) from real faces.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EmotionName } from '../emotion/emotion-names.js';
import { stateFromLandmarks, type FaceState } from '../motion/motion.js';
import { clipLandmarks, type ClipLandmarkOptions } from './landmarks.js';

export interface ExpressionClip {
  /** Path under the data folder. */
  file: string;
  /** Who is in it: clips of one person share a neutral face. */
  person: string;
  /** The emotion it shows, when it is labelled with one (MEAD, the in-the-wild emotional clips). */
  emotion?: EmotionName;
  /** A neutral clip of the person (MEAD level 1): its mean shape is the person's neutral face. */
  neutral?: boolean;
}

const MEAD_EMOTIONS: EmotionName[] = ['angry', 'contempt', 'disgusted', 'fear', 'happy', 'sad', 'surprised'];

/** The labelled clips (a clip missing from the data folder is skipped by {@link loadClip}'s callers). */
export const EXPRESSION_CLIPS: readonly ExpressionClip[] = [
  ...['M030', 'W009'].flatMap((actor) => [
    { file: `videos/dreamtalk_${actor}_front_neutral_level1_001.mp4`, person: actor, neutral: true },
    ...MEAD_EMOTIONS.map((e) => ({
      file: `videos/dreamtalk_${actor}_front_${e}_level3_001.mp4`,
      person: actor,
      emotion: e,
    })),
  ]),
  // The same actor uncropped at 1920×1080: a different camera image, so a person of its own.
  { file: 'videos/eamm_M030_sad_3_001.mp4', person: 'M030-full', emotion: 'sad' },
  ...(['disgusted', 'fear', 'happy', 'sad', 'surprised'] as const).map((e) => ({
    file: `videos/eamm_${e}.mp4`,
    person: `eamm-${e}`,
    emotion: e,
  })),
  { file: 'videos/styletalk_furious_talk1_clip1.mp4', person: 'furious1', emotion: 'angry' },
  { file: 'videos/styletalk_furious_talk1_clip2.mp4', person: 'furious1', emotion: 'angry' },
  ...[1, 2, 3, 4, 5, 6, 7].map((k) => ({
    file: `videos/styletalk_furious_talk2_clip${k}.mp4`,
    person: 'furious2',
    emotion: 'angry' as const,
  })),
  { file: 'videos/styletalk_spata_clip1.mp4', person: 'spata', emotion: 'angry' },
  { file: 'videos/styletalk_happyenglish_clip1.mp4', person: 'happyenglish', emotion: 'happy' },
  { file: 'videos/styletalk_happyenglish_clip2.mp4', person: 'happyenglish', emotion: 'happy' },
  { file: 'videos/styletalk_nice_clip1.mp4', person: 'nice', emotion: 'happy' },
  { file: 'videos/styletalk_vscodehappy_clip1.mp4', person: 'vscodehappy', emotion: 'happy' },
  { file: 'videos/styletalk_sad_emotion_clip1.mp4', person: 'sad-emotion', emotion: 'sad' },
  { file: 'videos/styletalk_sadfather_clip1.mp4', person: 'sadfather', emotion: 'sad' },
  { file: 'videos/styletalk_sadgirl_clip1.mp4', person: 'sadgirl', emotion: 'sad' },
  { file: 'videos/styletalk_surprisegirl_clip2.mp4', person: 'surprisegirl', emotion: 'surprised' },
  { file: 'videos/styletalk_trump_clip1.mp4', person: 'trump' },
  { file: 'videos/styletalk_Obama_clip3.mp4', person: 'obama-speech' },
];

export interface ClipFrames {
  clip: ExpressionClip;
  width: number;
  height: number;
  fps: number;
  /** Per decoded frame: the face's state (pose + canonical shape) and landmarks, or undefined without a face. */
  frames: ({ state: FaceState; landmarks: Float32Array } | undefined)[];
}

/** A clip's tracked faces (from the landmark cache when it holds them; tracked and cached otherwise). */
export async function loadClip(
  data: string,
  clip: ExpressionClip,
  options: ClipLandmarkOptions = {},
): Promise<ClipFrames | undefined> {
  const file = path.join(data, clip.file);
  if (!existsSync(file)) return undefined;
  const c = await clipLandmarks(file, options);
  return {
    clip,
    width: c.width,
    height: c.height,
    fps: c.fps,
    frames: c.landmarks.map((lm) => (lm ? { state: stateFromLandmarks(lm), landmarks: lm } : undefined)),
  };
}
