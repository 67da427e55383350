/**
 * Options of whole-body animation, defined once for the library and the command line (`vivify body`).
 * Pure.
 */
import { SIZE_OPTION, resolveOptions, type OptionSpec, type OptionSpecs } from '../options.js';
import type { BodyHeadMode } from './face.js';
import { DEFAULT_REACH, DEFAULT_RETARGET_MODE, type RetargetMode } from './retarget.js';

const reference = {
  type: 'string',
  value: 'first|N',
  default: 'first',
  description: 'Driving frame the motion is measured from (relative mode): the first, or frame N',
  parse: (s) => {
    if (s === 'first') return s;
    const n = Number(s);
    if (s.trim() === '' || !Number.isInteger(n) || n < 0) throw new Error('Expected first or a frame number');
    return n;
  },
  check: (v) => v === 'first' || (Number.isInteger(v) && (v as number) >= 0),
  expected: 'first or a frame index ≥ 0',
} satisfies OptionSpec<'first' | number>;

export const BODY_OPTIONS = {
  mode: {
    type: 'string',
    value: 'relative|absolute',
    choices: ['relative', 'absolute'] as const,
    default: DEFAULT_RETARGET_MODE,
    description:
      "relative: bone turns and root motion, in the source's own proportions; absolute: the driver's joint positions, scaled to the source",
  },
  reference,
  smooth: {
    type: 'number',
    value: '0-1',
    min: 0,
    max: 1,
    default: 0.5,
    description: "Smoothing of the driver's keypoints over time (0: none)",
  },
  'keep-audio': { type: 'boolean', default: false, description: "Copy the driving video's audio into the result" },
  reach: {
    type: 'number',
    value: '0-1',
    min: 0,
    max: 1,
    default: DEFAULT_REACH,
    description:
      "How far hands and feet follow the driver's paths rather than its bone angles alone (relative mode; 0: angles only)",
  },
  head: {
    type: 'string',
    value: 'off|turn|expression',
    choices: ['off', 'turn', 'expression'] as const,
    default: 'turn',
    description:
      "The face inside the body, re-rendered by the face engine: turn: it turns and nods as the driver's head does (read from its body keypoints); expression: also the driver's expression where its face is seen large enough (slower: the face model runs on every driving frame); off: the face moves as a flat piece of the photo",
  },
  person: {
    type: 'integer',
    value: 'N',
    min: 1,
    default: 1,
    description: 'Which person to animate in a photo of several, by face size: 1 the largest, 2 the next…',
  },
  background: {
    type: 'string',
    value: 'image',
    description:
      'A clean background plate (the same view without the person, same shape as the photo) for what the moving body reveals; default: filled from around the person',
  },
  size: { ...SIZE_OPTION, default: 512, description: 'Longest side of the output; larger sources are scaled down' },
} satisfies OptionSpecs;

export interface BodyOptions {
  /** Default 'relative'. */
  mode: RetargetMode;
  /** Default 'first'. */
  reference: 'first' | number;
  /** Default 0.5. */
  smooth: number;
  /** Default false. */
  keepAudio: boolean;
  /** Default 512. */
  size: number;
  /** Default 0.5 (DEFAULT_REACH). */
  reach: number;
  /** Default 'turn'. */
  head: BodyHeadMode;
  /** Default 1 (the largest face's person). */
  person: number;
  /** A clean background plate (path), scaled to the photo; default: none (filled from around the person). */
  background?: string;
}

/** Fills the defaults and checks every value (RangeError "Expected … for … but received …"). */
export function resolveBodyOptions(options: Partial<BodyOptions> = {}): BodyOptions {
  return resolveOptions<BodyOptions>(BODY_OPTIONS, options);
}

/** Smoothing strength 0–1 → the One-Euro filter's resting cut-off (Hz); undefined for none. */
export function smoothingCutoffHz(strength: number): number | undefined {
  return strength > 0 ? 8 * (1 - strength) + 0.5 : undefined;
}
