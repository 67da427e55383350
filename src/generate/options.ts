/**
 * Options of generated motion, defined once for the library (`generateVideo()`, `generatedFrames()`), the
 * command line (`vivify generate`) and the web app. See src/options.ts.
 */
import { GENERATE_DEFAULTS } from './defaults.js';
import { GENERATE_LABELS } from './generate.js';
import { MODEL_FPS } from './features.js';
import {
  FACE_OPTION,
  MOUTH_OPTION,
  parseTime,
  SIZE_OPTION,
  type OptionSpec,
  type OptionSpecs,
  type SettingsOf,
} from '../options.js';

const duration = {
  type: 'number',
  value: 'time',
  default: GENERATE_DEFAULTS.durationS,
  description: 'Length, e.g. 4s, 2500ms or 0:10 (seconds; up to 10 minutes)',
  parse: (s) => {
    const v = parseTime(s);
    if (v === undefined || !(v > 0 && v <= 600))
      throw new Error('Expected a length such as 4s, 2500ms or 0:10, up to 10 minutes');
    return v;
  },
  check: (v) => typeof v === 'number' && v > 0 && v <= 600,
  expected: 'a number of seconds in (0, 600]',
} satisfies OptionSpec<number>;

/** The options of one generation, by flag name (library keys are their camelCase). */
/** The settings GENERATE_OPTIONS resolve to, by library key (derived from the definitions). */
export type GenerateSettings = SettingsOf<typeof GENERATE_OPTIONS>;

export const GENERATE_OPTIONS = {
  label: {
    type: 'string',
    value: 'label',
    choices: GENERATE_LABELS,
    description: 'What the face does: an emotion, posed-smile, spontaneous-smile, idle (a living still) or listening',
  },
  k: {
    type: 'integer',
    value: 'K',
    default: 1,
    min: 1,
    max: 20,
    description: 'How many different samples (out.mp4 becomes out-1.mp4 … out-K.mp4; sample i uses seed + i − 1)',
  },
  seed: {
    type: 'integer',
    value: 'n',
    default: GENERATE_DEFAULTS.seed,
    min: 0,
    max: 2 ** 31 - 1,
    description: 'Seed of every random choice: the same seed gives the same motion',
  },
  duration,
  intensity: {
    type: 'number',
    value: '0..2',
    default: GENERATE_DEFAULTS.intensity,
    min: 0,
    max: 2,
    description:
      'Strength of the emotion: 1 is the apex real actors showed (as vivify edit --emotion happy=1 for happy)',
  },
  shape: {
    type: 'string',
    value: 'episode|hold',
    choices: ['episode', 'hold'] as const,
    default: GENERATE_DEFAULTS.shape,
    description:
      'episode: the emotion rises, holds and relaxes within the duration, with predicted timing; hold: shown throughout',
  },
  talking: {
    type: 'boolean',
    default: false,
    description: 'Keep the mouth movements of speech the real clips carry (a silent mouth otherwise)',
  },
  fps: { type: 'number', value: 'fps', default: MODEL_FPS, min: 1, max: 120, description: 'Frames per second' },
  face: FACE_OPTION,
  mouth: MOUTH_OPTION,
  size: SIZE_OPTION,
} satisfies OptionSpecs;
