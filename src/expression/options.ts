/**
 * How expression edits are written as text — `12=3,6=2,L45=5` for action units, `happy=0.8` for emotions —
 * read the same by `vivify edit`, `vivify augment`, the library and the web app. Pure.
 */
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { EMOTION_NAMES, type EmotionName } from '../emotion/emotion-names.js';

/**
 * Reads action units and intensities, comma-separated: `12=3,6=2`; `L` or `R` before the number for one
 * side (`L45=5`). Each AU is given once per side (`12=3,12=0` and `12=3,L12=1` are refused: which one was
 * meant?). Throws an Error saying what was expected.
 *
 * @example
 * parseAuText('12=3,L45=5') // { left: { 12: 3, 45: 5 }, right: { 12: 3 } }
 */
export function parseAuText(s: string): AuIntensities {
  const out: AuIntensities = { left: {}, right: {} };
  for (const kv of s.split(',')) {
    const m = /^\s*([LR]?)(\d+)\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(kv);
    const au = Number(m?.[2]) as ActionUnit;
    const v = Number(m?.[3]);
    if (!m || !ACTION_UNITS.includes(au) || !(v >= 0 && v <= AU_MAX)) {
      throw new Error(
        `Expected AU=intensity pairs with AUs ${ACTION_UNITS.join(', ')} (L/R prefix for one side) and intensities 0–${AU_MAX}`,
      );
    }
    const side = m[1]!.toUpperCase();
    if ((side !== 'R' && out.left[au] !== undefined) || (side !== 'L' && out.right[au] !== undefined))
      throw new Error(
        `Expected each action unit once per side (AU${au} is given twice${side ? ` for the ${side === 'L' ? 'left' : 'right'} side` : ''})`,
      );
    if (side !== 'R') out.left[au] = v;
    if (side !== 'L') out.right[au] = v;
  }
  return out;
}

/**
 * Reads emotions with intensities, comma-separated: `happy=0.8,surprised` (no value: 1). Each emotion is
 * named once (`sad=0.6,sad=0.6` is refused: it would act as sad 1.2, past the range).
 */
export function parseEmotionText(s: string): { name: EmotionName; intensity: number }[] {
  const out = s.split(',').map((kv) => {
    const [name, v] = kv.split('=').map((x) => x.trim());
    const n = v === undefined ? 1 : Number(v);
    if (!EMOTION_NAMES.includes(name as EmotionName) || v === '' || !(n >= 0 && n <= 1)) {
      throw new Error(`Expected name=intensity pairs with names ${EMOTION_NAMES.join(', ')} and intensities in [0, 1]`);
    }
    return { name: name as EmotionName, intensity: n };
  });
  const twice = repeatedEmotion(out);
  if (twice) throw new Error(`Expected each emotion once (${twice} is named twice)`);
  return out;
}

/** The first emotion named more than once in a list, if any. */
export function repeatedEmotion(emotions: readonly { name: string }[]): string | undefined {
  const seen = new Set<string>();
  for (const e of emotions) {
    if (seen.has(e.name)) return e.name;
    seen.add(e.name);
  }
  return undefined;
}
