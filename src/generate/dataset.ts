/**
 * From the motion-curve data set to what the models learn and are measured on: feature sequences at the
 * models' rate, the generator's label of each clip, emotion-coordinate tracks and their episodes, and
 * blinks. Shared by training (scripts/train-motion.ts) and evaluation (src/generate/evaluate.ts). Pure.
 */
import { EMOTION_NAMES } from '../emotion/emotion-names.js';
import { findEpisodes, type Episode } from './episodes.js';
import { emotionCoordinates, featureFrame, MODEL_FPS, resample, smoothFrames } from './features.js';
import type { MotionClip } from './data.js';

/**
 * The tracked curves are lightly smoothed before anything learns from or is compared with them (a
 * Gaussian of σ = 1 frame at 25 frames/s): it removes the landmark models' frame-to-frame noise and
 * keeps blinks (4–8 frames) and speech.
 */
export const MEASUREMENT_SMOOTHING = 1;

/** The generator's labels that real clips carry (the others are built on these, see docs/generate.md). */
export const TRAINED_LABELS = [...EMOTION_NAMES, 'idle', 'talking'] as const;

/**
 * Which generator label a clip trains: its emotion when it has one; `idle` for people talking without a
 * marked emotion and for the calm driving clip (the generator learns their head, gaze and face motion,
 * and generation removes the speech, see removeSpeech); none for driving clips made of deliberate
 * grimaces, unusable clips and clips showing several people.
 */
export function generatorLabel(clip: MotionClip): string | null {
  if (!clip.usable) return null;
  if (clip.emotion) return clip.emotion;
  if (clip.dataset === 'other' && (!clip.driving || /lp_d19|lia_vox_driving/.test(clip.file))) return 'idle';
  return null;
}

/**
 * Whether a clip shows a person speaking without a marked emotion: the generator's `talking` label (head
 * motion, gaze, brows and blinks of a speaker; generation removes the mouth's speech, which comes from
 * audio). The talking clips of people without an emotion label (MANIFEST descriptions: talk, speak,
 * speech, interview…; the Vox driving clips; StyleTalk's Obama and Trump), not the driving clips made of
 * deliberate expressions.
 */
export function isTalkingClip(clip: MotionClip): boolean {
  if (!clip.usable || clip.emotion || !clip.talking) return false;
  if (clip.dataset === 'styletalk') return true;
  return clip.dataset === 'other' && (!clip.driving || /lia_vox_driving/.test(clip.file));
}

/**
 * Every generator label a clip trains: its {@link generatorLabel}, and `talking` as well for the clips of
 * {@link isTalkingClip} (a speaker's idle motion is also what `idle` learns from: there is no footage of
 * people sitting still here).
 */
export function generatorLabels(clip: MotionClip): string[] {
  const main = generatorLabel(clip);
  const out = main ? [main] : [];
  if (isTalkingClip(clip) && main !== 'talking') out.push('talking');
  return out;
}

/**
 * Whether a clip's AU levels are only relative (its reference is the person's median face, not a neutral
 * one): the generator then learns their changes, not their levels. Idle clips are relative too, but for
 * idle the person's usual face is exactly the level wanted.
 */
export function levelsRelative(clip: MotionClip, label = generatorLabel(clip)): boolean {
  return clip.reference === 'median' && label !== 'idle' && label !== 'talking';
}

/**
 * The lowest frame rate a clip must have been filmed at to teach motion at the models' 25 frames/s. A
 * slower clip, resampled, holds nothing faster than its own frames: a blink lasts one or two frames and
 * every change between frames is a straight line. Filmed at 10 frames/s, the talking clips here would lose
 * about a sixth of their frame-to-frame change and a third of their blinks (test/unit/motion-training-clips).
 * lia_vox_driving1 (65 s at 10 frames/s) was a quarter of the idle label's training windows. The generator
 * and the blink statistics do not learn from such clips; they still show the timing of expression episodes
 * (seconds long) to the envelope, and stay among the evaluation's real references.
 */
export const MIN_TRAINING_FPS = 20;

/** Whether the generator learns from a clip: it was filmed at {@link MIN_TRAINING_FPS} or more. */
export function teachesMotion(clip: MotionClip): boolean {
  return clip.fps >= MIN_TRAINING_FPS;
}

/** Feature frames of a clip at the models' rate, smoothed like every measured curve. */
export function clipFeatures(clip: MotionClip): Float32Array[] {
  const raw = clip.au.map((a, t) => featureFrame(a, clip.pose[t]!, clip.gaze[t]!));
  return smoothFrames(resample(raw, clip.fps, MODEL_FPS), MEASUREMENT_SMOOTHING);
}

/** Per frame at the models' rate: the eye closure (mean of both eyes, as the landmarks report it). */
export function clipClosure(clip: MotionClip): number[] {
  const raw = clip.closure.map((c) => Float32Array.of((c[0] + c[1]) / 2));
  return resample(raw, clip.fps, MODEL_FPS).map((f) => f[0]!);
}

/** Emotion coordinates of every frame at the models' rate (smoothed over σ = 2 frames). */
export function clipEmotionTrack(clip: MotionClip): Float32Array[] {
  const raw = clip.au.map((a) => Float32Array.from(emotionCoordinates(a)));
  return smoothFrames(resample(raw, clip.fps, MODEL_FPS), 2);
}

/** The expression episodes of a clip (see findEpisodes), on its emotion track. */
export function clipEpisodes(clip: MotionClip, track = clipEmotionTrack(clip)): Episode[] {
  return findEpisodes(track);
}

export interface Blink {
  /** Frame of the start (models' rate) and length in frames. */
  start: number;
  frames: number;
  /** Deepest closure reached, as reported. */
  depth: number;
}

/**
 * Blinks in a closure track: dips where the reported closure rises above `threshold` (default 0.3; the
 * landmark models report about 40% of a real closure, src/motion/lid-transfer.ts) and falls back within 0.6 s.
 * The blink spans the frames above a third of its depth.
 */
export function findBlinks(closure: readonly number[], threshold = 0.3, fps = MODEL_FPS): Blink[] {
  const out: Blink[] = [];
  const maxLen = Math.round(0.6 * fps);
  let t = 0;
  while (t < closure.length) {
    if (closure[t]! < threshold) {
      t++;
      continue;
    }
    let peak = t;
    let end = t;
    while (end + 1 < closure.length && closure[end + 1]! >= threshold) {
      end++;
      if (closure[end]! > closure[peak]!) peak = end;
    }
    const depth = closure[peak]!;
    let s = peak;
    while (s > 0 && closure[s - 1]! >= depth / 3) s--;
    let e = peak;
    while (e + 1 < closure.length && closure[e + 1]! >= depth / 3) e++;
    if (e - s + 1 <= maxLen) out.push({ start: s, frames: e - s + 1, depth });
    t = Math.max(end, e) + 1;
  }
  return out;
}
