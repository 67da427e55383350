/** The eight emotions Vivify can edit to (the seven basic emotions plus contempt, as in MEAD). */
export const EMOTION_NAMES = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fear',
  'surprised',
  'disgusted',
  'contempt',
] as const;
export type EmotionName = (typeof EMOTION_NAMES)[number];
