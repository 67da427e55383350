/**
 * Reenactment options, defined once for the library (`animate()`, `createReenactor()`), the command line
 * (`vivify animate`) and the web app. See src/options.ts.
 */
import {
  FACES_OPTION,
  MOUTH_OPTION,
  optionDefaults,
  parseFaceSelection,
  type FaceSelection,
  SIZE_OPTION,
  type OptionSpec,
  type OptionSpecs,
  type SettingsOf,
} from '../options.js';
import type { RegionSelection } from '../motion/motion.js';
import { RENDER_DEFAULTS } from '../render/renderer.js';

const REGION_NAMES: readonly RegionSelection[] = ['all', 'pose', 'expression', 'eyes', 'brows', 'lips'];
const WEIGHT_NAMES = ['eyes', 'brows', 'lips', 'other'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

const reference = {
  type: 'string',
  value: 'first|best|N',
  default: 'first',
  description:
    "Driving frame the changes are measured from: the first, the one closest to the source's pose and expression, or frame N",
  parse: (s) => {
    if (s === 'first' || s === 'best') return s;
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < 0) throw new Error('Expected first, best or a frame number');
    return n;
  },
  check: (v) => v === 'first' || v === 'best' || (Number.isInteger(v) && (v as number) >= 0),
  expected: 'first, best or a frame index ≥ 0',
} satisfies OptionSpec<'first' | 'best' | number>;

const regions = {
  type: 'string',
  value: 'list',
  default: ['all'],
  description: `What moves, comma-separated: ${REGION_NAMES.join(', ')}`,
  hint: 'Which parts of the portrait move: everything (all), only the head (pose), only the face (expression), or just the eyes, brows or lips',
  parse: (s) => {
    const list = s.split(',').map((x) => x.trim());
    for (const r of list)
      if (!REGION_NAMES.includes(r as RegionSelection))
        throw new Error(`Expected a comma-separated list of ${REGION_NAMES.join(', ')}`);
    return list as RegionSelection[];
  },
  check: (v) => Array.isArray(v) && v.length > 0 && v.every((r) => REGION_NAMES.includes(r as RegionSelection)),
  expected: `a non-empty list of ${REGION_NAMES.join(', ')}`,
} satisfies OptionSpec<RegionSelection[]>;

const weights = {
  type: 'string',
  value: 'part=w,…',
  default: {},
  description: `Expression weight per part (${WEIGHT_NAMES.join(', ')}), e.g. brows=0,eyes=1,lips=0.7`,
  hint: 'How much each part of the face copies the driver: brows=0 keeps the brows still, lips=0.5 moves the lips half as much',
  parse: (s) => {
    const out: Partial<Record<WeightName, number>> = {};
    for (const kv of s.split(',')) {
      const [k, v] = kv.split('=').map((x) => x.trim());
      const n = Number(v);
      if (!WEIGHT_NAMES.includes(k as WeightName) || v === undefined || v === '' || !(n >= 0 && n <= 5)) {
        throw new Error(`Expected part=weight pairs with parts ${WEIGHT_NAMES.join(', ')} and weights in [0, 5]`);
      }
      out[k as WeightName] = n;
    }
    return out;
  },
  check: (v) =>
    typeof v === 'object' &&
    v !== null &&
    Object.entries(v).every(
      ([k, n]) => WEIGHT_NAMES.includes(k as WeightName) && typeof n === 'number' && n >= 0 && n <= 5,
    ),
  expected: `an object of weights in [0, 5] for ${WEIGHT_NAMES.join(', ')}`,
} satisfies OptionSpec<Partial<Record<WeightName, number>>>;

/** The options of one reenactment, by flag name (library keys are their camelCase). */
export const ANIMATE_OPTIONS = {
  motion: {
    type: 'string',
    value: 'relative|absolute',
    choices: ['relative', 'absolute'] as const,
    default: 'relative',
    description:
      "relative: the portrait keeps its face and takes the driver's changes; absolute: takes the driver's pose and expression",
    hint: "Relative: the portrait keeps its own face and copies how the driver's face changes. Absolute: it takes on the driver's exact head pose and expression",
  },
  reference,
  regions,
  weights,
  'expression-scale': {
    type: 'number',
    value: 'k',
    default: 1,
    min: 0,
    max: 5,
    description: 'Multiplies expression motion',
    hint: "How strongly the driver's expression is copied: 1 as it is, 2 exaggerated, 0.5 toned down, 0 not at all",
  },
  'pose-scale': {
    type: 'number',
    value: 'k',
    default: 1,
    min: 0,
    max: 5,
    description: 'Multiplies head motion',
    hint: "How far the portrait's head turns and tilts compared with the driver's: 1 the same, 0 keeps the head still",
  },
  smooth: {
    type: 'number',
    value: '0..1',
    default: 0.5,
    min: 0,
    max: 1,
    description:
      'Temporal smoothing of the driving motion: a Savitzky–Golay fit over ±1–4 frames of look-ahead (no lag); 0 is off',
    hint: 'Calms the jitter of the motion: higher is steadier, but live the picture follows a few frames later; 0 is off',
  },
  surroundings: {
    type: 'string',
    value: 'head|tracked',
    choices: ['head', 'tracked'] as const,
    default: 'head',
    description:
      "How the area around the face moves: head (hair, ears and neck follow the head; shoulders and background stay) or tracked (everything moves as in the driving video, for head-following crops such as VoxCeleb's)",
    hint: "Head: hair, ears and neck move with the head while shoulders and background stay. Tracked: the whole picture moves, as when the driver's video follows the head",
  },
  detail: {
    type: 'number',
    value: '0..1',
    default: RENDER_DEFAULTS.detail,
    min: 0,
    max: 1,
    description:
      "Strength of the driver's shading changes (wrinkles, lighting) carried onto the face; costs some identity",
    hint: "How much of the driver's wrinkles and changes of light show on the portrait: livelier, but a little less like the portrait's own face",
  },
  appearance: {
    type: 'number',
    value: '0..1',
    // Half strength: creases come with the driver's expression while identity similarity stays above the
    // cross-reenactment bar (10 portraits ← lp_d0: CSIM 0.912 off, 0.909 at 0.5, 0.900 at 1).
    default: 0.5,
    min: 0,
    max: 1,
    description:
      "Strength of the learned expression appearance (folds, wrinkles, shadows) for the driver's action units, on the portrait's own skin",
    hint: "How strongly the folds, wrinkles and shadows of each expression (a smile's cheek folds, a frown's lines) are drawn on the portrait's own skin",
  },
  mouth: MOUTH_OPTION,
  face: {
    type: 'string',
    value: 'n|n,m|all',
    default: 0,
    description:
      "Which face of the source (0 = largest; faces are numbered by size); a list such as 0,2 or all animates several, each following the driver's face",
    parse: (t: string): number | FaceSelection => {
      const s = parseFaceSelection(t);
      return s !== 'all' && s.length === 1 ? s[0]! : s;
    },
    check: (v: unknown) =>
      (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100) || FACES_OPTION.check!(v),
    expected: 'a face number (0–100), a list of face numbers, or all',
  } satisfies OptionSpec<number | FaceSelection>,
  map: {
    type: 'string',
    value: 's:d,…',
    description:
      'With several faces: which driver face drives each portrait face, portrait:driver, e.g. 0:1,1:0 (portrait faces numbered as --face; driver faces by their place from the left in each frame, 0 = leftmost). Default: by position, left to right',
    parse: parseFaceMap,
    check: (v: unknown) =>
      typeof v === 'object' &&
      v !== null &&
      Object.entries(v).every(([k, d]) => /^\d+$/.test(k) && Number.isInteger(d) && (d as number) >= 0),
    expected: 'a record of portrait face → driver face numbers, e.g. { 0: 1, 1: 0 }',
  } satisfies OptionSpec<Record<number, number>>,
  'keep-audio': { type: 'boolean', default: false, description: "Copy the driving video's audio into the result" },
  fps: {
    type: 'number',
    value: 'fps',
    min: 1,
    max: 240,
    description: "Output frame rate (default: the driving video's)",
    hint: "Frames per second of the result; leave empty to keep the driving video's own rate",
  },
  size: SIZE_OPTION,
} satisfies OptionSpecs;

/** The per-frame options (what the reenactor itself takes), e.g. for live controls. */
export const REENACTOR_OPTION_NAMES = [
  'motion',
  'regions',
  'weights',
  'expression-scale',
  'pose-scale',
  'smooth',
  'surroundings',
  'detail',
  'appearance',
] as const satisfies readonly (keyof typeof ANIMATE_OPTIONS)[];

/** Reads `0:1,1:0` (portrait face : driver face); each portrait face once. */
function parseFaceMap(text: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(item);
    if (!m) throw new Error('Expected portrait:driver pairs of face numbers, e.g. 0:1,1:0');
    if (out[Number(m[1])] !== undefined)
      throw new Error(`Expected each portrait face once (face ${m[1]} is mapped twice)`);
    out[Number(m[1])] = Number(m[2]);
  }
  return out;
}

/** The settings ANIMATE_OPTIONS resolve to, by library key (derived from the definitions). */
export type AnimateSettings = SettingsOf<typeof ANIMATE_OPTIONS>;

/** Their defaults. */
export const DEFAULT_ANIMATE_OPTIONS = Object.freeze(optionDefaults(ANIMATE_OPTIONS)) as Readonly<AnimateSettings>;
