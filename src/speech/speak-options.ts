/**
 * Options of `vivify speak`, defined once for the library (`speakVideo()`), the command line and the docs.
 * See src/options.ts.
 */
import { parseEmotionText } from '../expression/options.js';
import type { EmotionName } from '../emotion/emotion-names.js';
import { DEFAULT_SEED } from '../generate/random.js';
import { SPEECH_FPS } from './model.js';
import { DEFAULT_MOUTH_SCALE } from './speech-motion.js';
import {
  FACE_OPTION,
  MOUTH_OPTION,
  SIZE_OPTION,
  type OptionSpec,
  type OptionSpecs,
  type SettingsOf,
} from '../options.js';

/** An emotion shown while speaking. */
export interface SpeakEmotion {
  name: EmotionName;
  intensity: number;
}

const emotion = {
  type: 'string',
  value: 'name[=0..1]',
  description: 'An emotion shown while speaking, e.g. happy or sad=0.6 (the lips still follow the speech)',
  parse: (s) => {
    const list = parseEmotionText(s);
    if (list.length !== 1) throw new Error('Expected one emotion, e.g. happy or sad=0.6');
    return list[0]!;
  },
  check: (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SpeakEmotion).name === 'string' &&
    (v as SpeakEmotion).intensity >= 0 &&
    (v as SpeakEmotion).intensity <= 1,
  expected: 'an emotion { name, intensity 0–1 }',
} satisfies OptionSpec<SpeakEmotion>;

/** The settings SPEAK_OPTIONS resolve to, by library key (derived from the definitions). */
export type SpeakSettings = SettingsOf<typeof SPEAK_OPTIONS>;

export const SPEAK_OPTIONS = {
  emotion,
  voice: {
    type: 'string',
    value: 'lang',
    default: 'en-us',
    description:
      'Voice of --text: an eSpeak NG language code such as en-us, en-gb, fr-fr, de, es (--voices lists them)',
    hint: 'The language the typed text is spoken in: en-us, en-gb, fr-fr, de, es, it, pt, ru, cmn, hi … (eSpeak NG voices)',
  },
  seed: {
    type: 'integer',
    value: 'n',
    default: DEFAULT_SEED,
    min: 0,
    max: 2 ** 31 - 1,
    description: 'Seed of the head motion and blinks: the same seed gives the same video',
  },
  fps: { type: 'number', value: 'fps', default: SPEECH_FPS, min: 1, max: 60, description: 'Frames per second' },
  'mouth-scale': {
    type: 'number',
    value: '0..2',
    default: DEFAULT_MOUTH_SCALE,
    min: 0,
    max: 2,
    description: 'Scales how far the mouth moves with the speech (1: as learnt from real talkers)',
  },
  face: FACE_OPTION,
  mouth: MOUTH_OPTION,
  size: SIZE_OPTION,
} satisfies OptionSpecs;
