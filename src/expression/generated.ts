/**
 * The per-frame core of generated animation, free of I/O: generated motion (src/generate/generate.ts)
 * applied to a portrait's face state, frame by frame, as `vivify script` applies a timeline. The Node
 * pipeline (generate.ts) and the web app render what it returns.
 */
import { generateMotion, type GeneratedMotion, type GenerateOptions } from '../generate/generate.js';
import type { MotionModels } from '../generate/model.js';
import type { FaceState } from '../motion/motion.js';
import type { AuIntensities } from '../face/action-units.js';
import { scriptedAUs, scriptedState } from './scripted.js';

export interface GeneratedFrames {
  motion: GeneratedMotion;
  /** The face state of frame i (0 ≤ i < motion.frames.length): the portrait's own, moved. */
  state(i: number): FaceState;
  /** The AU intensities frame i shows (blink included), for the renderer's expression appearance. */
  aus(i: number): AuIntensities;
}

/**
 * Generated motion on a face: per frame, the source state with the generated AU changes, head rotation,
 * gaze and blink applied. Deterministic for a given seed.
 *
 * @example
 * const { motion, state, aus } = generatedFrames(models, faceState(face), { label: 'happy', seed: 7 });
 * for (let i = 0; i < motion.frames.length; i++) renderer.render({ target: state(i), aus: aus(i) });
 */
export function generatedFrames(models: MotionModels, source: FaceState, options: GenerateOptions): GeneratedFrames {
  const motion = generateMotion(models, options);
  return {
    motion,
    state: (i) => scriptedState(source, motion.frames[i]!),
    aus: (i) => scriptedAUs(motion.frames[i]!),
  };
}
