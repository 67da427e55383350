/**
 * The timeline format's vocabulary (docs/timeline.md): what a parsed timeline holds, its limits, its errors
 * (line and column), its tokens and its times. The parser is timeline-parse.ts (lines) and
 * timeline-clauses.ts (the clauses of an `at` line); the sampler is timeline.ts. Pure.
 */
import type { AuIntensities } from '../face/action-units.js';
import type { EmotionName } from '../emotion/emotion.js';
import type { GenerateLabel } from '../generate/generate.js';

export type Easing = 'linear' | 'in' | 'out' | 'in-out' | 'step';
export const EASINGS: readonly Easing[] = ['linear', 'in', 'out', 'in-out', 'step'];

export interface Pose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}
export interface GazeOffset {
  /** Iris offset in eye widths: x towards the subject's left (the image's right), y down. */
  x: number;
  y: number;
}

/**
 * An expression keyframe: the AU changes it adds to the portrait's own expression (an emotion's already
 * converted), and the emotion it names with its intensity — neutral names none: it is the portrait as it is.
 * The AUs an emotion contradicts depend on the portrait, so they fade when a frame is drawn (scripted.ts).
 */
export interface ExpressionKey {
  aus: AuIntensities;
  emotion?: { name: Exclude<EmotionName, 'neutral'>; intensity: number };
}

export interface Key<T> {
  timeS: number;
  value: T;
  ease: Easing;
}

export interface Timeline {
  durationS: number;
  fps: number;
  autoBlink: boolean;
  /** Expression keyframes: AU changes per side (emotions already converted) and the emotion named. */
  expression: Key<ExpressionKey>[];
  pose: Key<Pose>[];
  gaze: Key<GazeOffset>[];
  /** Explicit blinks: start time and length. */
  blinks: { timeS: number; durationS: number }[];
  /** Generated segments: a label's motion from `timeS` for `durationS`, added to the keyframes. */
  generated: { timeS: number; durationS: number; label: GenerateLabel; intensity: number; seed?: number }[];
  /** The generated background layer: from each entry's time on, `idle`, `listening` or nothing (`still`). */
  background: { timeS: number; label: 'idle' | 'listening' | 'still' }[];
}

/** A parse or range error, with the line and column it refers to (1-based). */
export class TimelineError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'TimelineError';
  }
}

export const LIMITS = {
  yawDeg: 45,
  pitchDeg: 30,
  rollDeg: 30,
  gaze: 0.35,
  /** The longest timeline, seconds: its duration, and every time in it. */
  durationS: 3600,
  fps: [1, 120] as const,
  blinkS: [0.05, 2] as const,
  generateS: [0.2, 600] as const,
  /** Seconds of generated segments in all (what the timeline shows of each, added up). */
  generatedTotalS: 3600,
};

export interface Token {
  text: string;
  column: number;
}

export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /[^\s,]+|,/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], column: m.index + 1 });
  return out;
}

/** Times in a timeline read as every time option does (see src/options.ts). */
export { parseTime } from '../options.js';
