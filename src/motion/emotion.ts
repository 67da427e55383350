/**
 * Emotions as directions in action-unit space, learned from labelled real faces (scripts/learn-emotions.ts):
 * intensity 0–1 moves a face's AU intensities along the emotion's direction, 1 reaching the apex the MEAD
 * actors showed. AUs an emotion does not involve are left as they are.
 */
import { quote } from '../errors.js';
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { EMOTION_DIRECTIONS } from './emotion-data.js';
import { EMOTION_NAMES, type EmotionName } from './emotion-names.js';

export { EMOTION_NAMES, type EmotionName };

/** The AU change (per side) that `intensity` of `emotion` adds to a face. Neutral adds nothing. */
export function emotionAUs(emotion: EmotionName, intensity: number): AuIntensities {
  const out: AuIntensities = { left: {}, right: {} };
  if (emotion === 'neutral' || intensity === 0) return out;
  const d = EMOTION_DIRECTIONS[emotion];
  if (!d)
    throw new RangeError(`Expected one of ${EMOTION_NAMES.join(', ')} for emotion but received ${quote(emotion)}`);
  ACTION_UNITS.forEach((au, i) => {
    const l = d.direction[2 * i]! * d.step * intensity;
    const r = d.direction[2 * i + 1]! * d.step * intensity;
    if (l) out.left[au] = l;
    if (r) out.right[au] = r;
  });
  return out;
}

/**
 * Target AU intensities for a face that currently has `current` and should show `emotion` at `intensity`:
 * the current values moved along the emotion's direction, each kept within 0–5. With `absolute`, the
 * face's own expression in the AUs the emotion involves is removed first (neutral, then the emotion);
 * relative adds the emotion to whatever the face already shows.
 */
export function emotionTarget(
  current: AuIntensities,
  emotion: EmotionName,
  intensity: number,
  absolute: boolean,
): AuIntensities {
  const add = emotionAUs(emotion, intensity);
  const out: AuIntensities = { left: { ...current.left }, right: { ...current.right } };
  const d = emotion === 'neutral' ? undefined : EMOTION_DIRECTIONS[emotion];
  for (const side of ['left', 'right'] as const) {
    ACTION_UNITS.forEach((au, i) => {
      const involved = emotion === 'neutral' || (d && d.direction[2 * i + (side === 'left' ? 0 : 1)] !== 0);
      let v = current[side][au] ?? 0;
      if (absolute && involved) v = 0;
      v += add[side][au] ?? 0;
      out[side][au] = Math.max(0, Math.min(AU_MAX, v));
    });
  }
  return out;
}

export type { ActionUnit };
