/**
 * Emotions as action-unit intensities, learned from the apex of real expressions (scripts/learn-emotions.ts):
 * intensity 1 is the mean apex of the emotion's real clips (MEAD actors at their strongest level, in-the-wild
 * emotional clips), 0.3 a subtle version of the same expression; AUs an emotion does not involve are left as
 * they are, except the few it contradicts (a smile does not survive sadness), which it fades out.
 */
import { quote } from '../errors.js';
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { EMOTION_APEX } from './emotion-data.js';
import { EMOTION_NAMES, type EmotionName } from './emotion-names.js';

export { EMOTION_NAMES, type EmotionName };

/** The lids' opening: upper lid raised, lids tightened, closed. */
const LID_AUS: readonly ActionUnit[] = [5, 7, 45];

/**
 * AUs an emotion contradicts (FACS: an expression of sadness, anger, fear or disgust has no smile; a smile
 * has no frown; neutral has no action at all): at intensity k, an edit keeps (1 − k) of what the face showed
 * of them.
 */
const EMOTION_OPPOSES: Record<EmotionName, readonly ActionUnit[]> = {
  // Neutral contradicts every action but the lids' opening (from a single photo that is mostly the eyes'
  // shape): neutral=1 removes the face's expression, neutral=0.5 half of it.
  neutral: ACTION_UNITS.filter((au) => !LID_AUS.includes(au)),
  happy: [4, 15],
  sad: [6, 12, 25, 26],
  angry: [1, 2, 6, 12],
  fear: [6, 12],
  surprised: [4, 6, 12],
  disgusted: [12],
  contempt: [],
};

/**
 * The mouth's actions. On a face whose lips are apart (teeth showing), undoing them one by one would pull the
 * lips over the teeth, which a warp of the portrait cannot draw: they fade only as far as the mouth is relaxed
 * as a whole ({@link mouthRelaxing}), and the editor draws that fading as the relaxed mouth.
 */
export const MOUTH_AUS: readonly ActionUnit[] = [10, 12, 14, 15, 17, 20, 23, 25, 26];

/**
 * The actions around the eyes, faded by what both sides show: a face's two eyes differ in shape, which a
 * single photo's estimate reads as a one-sided action, and fading it would close or widen one eye.
 */
const EYE_AUS: readonly ActionUnit[] = [5, 6, 7, 45];

/** AU intensities below this are not faded (estimates from one photo read up to about this much from nothing). */
const FADE_FLOOR = 1;

function apex(emotion: EmotionName): { left: Record<number, number>; right: Record<number, number> } | undefined {
  if (emotion === 'neutral') return { left: {}, right: {} };
  const d = EMOTION_APEX[emotion];
  if (!d)
    throw new RangeError(`Expected one of ${EMOTION_NAMES.join(', ')} for emotion but received ${quote(emotion)}`);
  return d;
}

/** The AU intensities (per side) that `intensity` (0–1) of `emotion` shows. Neutral shows nothing. */
export function emotionAUs(emotion: EmotionName, intensity: number): AuIntensities {
  const out: AuIntensities = { left: {}, right: {} };
  const d = apex(emotion)!;
  if (intensity === 0) return out;
  for (const side of ['left', 'right'] as const) {
    for (const [k, v] of Object.entries(d[side])) {
      if (v) out[side][Number(k) as ActionUnit] = v * intensity;
    }
  }
  return out;
}

/**
 * The AU change an emotion edit makes to a face that currently shows `current`: relative (default), the
 * emotion's intensities are added and the AUs it contradicts fade by `intensity`; absolute, every AU the
 * emotion involves is set to the emotion's value and every other one fades by `intensity`. With
 * `lipsApart` (the face shows its teeth), the mouth's actions ({@link MOUTH_AUS}) fade only by
 * {@link mouthRelaxing}'s share.
 */
export function emotionChange(
  current: AuIntensities,
  emotion: EmotionName,
  intensity: number,
  absolute = false,
  lipsApart = false,
): AuIntensities {
  const add = emotionAUs(emotion, intensity);
  const relaxed = lipsApart ? mouthRelaxing(current, emotion, intensity, absolute) : 0;
  const d = apex(emotion)!;
  const opposes = new Set(EMOTION_OPPOSES[emotion]);
  const out: AuIntensities = { left: {}, right: {} };
  const k = Math.max(0, Math.min(1, intensity));
  for (const side of ['left', 'right'] as const) {
    for (const au of ACTION_UNITS) {
      const now = Math.max(0, current[side][au] ?? 0);
      const shown = shownToFade(current, side, au);
      const involved = (d.left[au] ?? 0) > 0 || (d.right[au] ?? 0) > 0;
      let change = add[side][au] ?? 0;
      if (absolute) change = involved ? (add[side][au] ?? 0) - shown : -shown * k;
      else if (opposes.has(au)) change -= shown * k;
      // The relaxed mouth of a face showing its teeth takes the place of the mouth actions' fading.
      if (lipsApart && MOUTH_AUS.includes(au) && change < 0) change = Math.max(change, -shown * relaxed);
      // Never below zero or above the maximum.
      change = Math.max(-now, Math.min(AU_MAX - now, change));
      if (change) out[side][au] = change;
    }
  }
  return out;
}

/** What of an AU a face shows (`current`) an edit fades. */
function shownToFade(current: AuIntensities, side: 'left' | 'right', au: ActionUnit): number {
  // What a face shows below FADE_FLOOR is within the noise of estimates from a single photo: left alone.
  const faded = (v: number): number => (v >= FADE_FLOOR ? v : 0);
  const now = faded(Math.max(0, current[side][au] ?? 0));
  // Around the eyes, only what both sides show: one eye narrower than the other is the face's shape.
  if (!EYE_AUS.includes(au)) return now;
  return Math.min(now, faded(Math.max(0, current[side === 'left' ? 'right' : 'left'][au] ?? 0)));
}

/**
 * The fading part of {@link emotionChange} (relative): the AUs `emotion` contradicts, faded by `intensity`
 * from what the face (`current`) shows of them — the mouth's actions on a face showing its teeth
 * (`lipsApart`) only by {@link mouthRelaxing}'s share. Every value is ≤ 0; the AUs the emotion adds are
 * {@link emotionAUs}. For a timeline, whose keyframes add an emotion's AUs to the portrait's own.
 */
export function emotionFading(
  current: AuIntensities,
  emotion: EmotionName,
  intensity: number,
  lipsApart = false,
): AuIntensities {
  const k = Math.max(0, Math.min(1, intensity));
  const relaxed = lipsApart ? mouthRelaxing(current, emotion, intensity) : 0;
  const out: AuIntensities = { left: {}, right: {} };
  for (const side of ['left', 'right'] as const) {
    for (const au of EMOTION_OPPOSES[emotion]) {
      const shown = shownToFade(current, side, au);
      const fade = lipsApart && MOUTH_AUS.includes(au) ? shown * Math.min(k, relaxed) : shown * k;
      if (fade > 0) out[side][au] = -fade;
    }
  }
  return out;
}

/** The lip corner puller's intensity from which a face counts as smiling, and the range over which it fades in. */
const SMILE_FROM = 1;
const SMILE_OVER = 2;

/**
 * How much of the mouth's expression an emotion edit relaxes (0–1) on a face that shows its teeth (`current`,
 * its AUs): a smile (AU12, fully from 3) is relaxed as a whole — lips together, corners where a relaxed mouth
 * has them — by the edit's intensity where the emotion contradicts a smile (sadness, anger, fear, surprise,
 * disgust, neutral) or, absolute, does not involve one. A mouth open without a smile (speech, a shout) is
 * left open, and happy and contempt build on the mouth the face has: 0.
 */
export function mouthRelaxing(
  current: AuIntensities,
  emotion: EmotionName,
  intensity: number,
  absolute = false,
): number {
  const k = Math.max(0, Math.min(1, intensity));
  const d = apex(emotion)!;
  const smiles = (d.left[12] ?? 0) > 0 || (d.right[12] ?? 0) > 0;
  if (!(EMOTION_OPPOSES[emotion].includes(12) || (absolute && !smiles))) return 0;
  const shown = ((current.left[12] ?? 0) + (current.right[12] ?? 0)) / 2;
  return k * Math.max(0, Math.min(1, (shown - SMILE_FROM) / SMILE_OVER));
}

export type { ActionUnit };
