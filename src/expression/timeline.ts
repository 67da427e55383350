/**
 * Timelines for `vivify script`: a small, human-writable format of time-stamped keyframes — emotions, action
 * units, head pose, gaze, blinks — interpolated with easing, optionally with natural automatic blinking;
 * generated segments (`generate spontaneous-smile 3s`) and a generated background layer (`idle`,
 * `listening`) under the keyframes. Grammar and examples: docs/timeline.md. Pure: text in, a sampler out
 * (generated motion needs the motion models handed to the sampler).
 */
import { quote } from '../errors.js';
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { emotionAUs, EMOTION_NAMES, type EmotionName } from '../motion/emotion.js';
import { GENERATE_LABELS, generateMotionSteps, type GenerateLabel } from '../motion/generate.js';
import type { MotionFrame } from '../motion/motion-features.js';
import type { MotionModels } from '../motion/motion-model.js';
import { hashString } from '../motion/random.js';
import { runSteps, runStepsAsync, within, type Steps } from '../motion/steps.js';

export type Easing = 'linear' | 'in' | 'out' | 'in-out' | 'step';
const EASINGS: readonly Easing[] = ['linear', 'in', 'out', 'in-out', 'step'];

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

interface Key<T> {
  timeS: number;
  value: T;
  ease: Easing;
}

export interface Timeline {
  durationS: number;
  fps: number;
  autoBlink: boolean;
  /** Expression keyframes: AU changes per side (emotions already converted). */
  expression: Key<AuIntensities>[];
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

interface Token {
  text: string;
  column: number;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /[^\s,]+|,/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], column: m.index + 1 });
  return out;
}

/** Parses a time: 1.5s, 1500ms, 0:01.5, 1:02:03, or bare seconds. */
export function parseTime(text: string): number | undefined {
  let m = /^(\d+(?:\.\d+)?)(s|ms)?$/.exec(text);
  if (m) return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
  m = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return undefined;
}

/**
 * Parses timeline text. Every problem is a TimelineError naming line and column; values outside their
 * range are rejected with the allowed range.
 *
 * @example
 * const t = parseTimeline('duration 4s\nat 0s neutral\nat 1s happy 0.8, pose yaw 10\nat 3s surprised');
 */
export function parseTimeline(text: string): Timeline {
  const t: Timeline = {
    durationS: NaN,
    fps: 30,
    autoBlink: true,
    expression: [],
    pose: [],
    gaze: [],
    blinks: [],
    generated: [],
    background: [],
  };
  let defaultEase: Easing = 'in-out';
  /** Where the duration was set. */
  let durationAt: { line: number; text: string } | undefined;
  /** Every `at` line: its time and where that time is written (in the file's order). */
  const ats: { timeS: number; line: number; column: number; text: string }[] = [];
  /** What lasts longest (a keyframe, or a blink's or a generated segment's end), for the default duration. */
  let end = { timeS: 0, line: 0, column: 0, what: '' };
  /** The line of each generated segment. */
  const generatedLines: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, li) => {
    const lineNo = li + 1;
    // NUL, or bytes that are not UTF-8 (decoded as U+FFFD): not a timeline, whatever its first token looks like.
    const binary = Math.min(...['\0', '\ufffd'].map((c) => raw.indexOf(c)).filter((k) => k >= 0));
    if (binary < Infinity)
      throw new TimelineError('binary data, not timeline text (is this the right file, in UTF-8?)', lineNo, binary + 1);
    const line = raw.replace(/#.*$/, '');
    const toks = tokenize(line);
    if (toks.length === 0) return;
    let k = 0;
    const err = (msg: string, tok?: Token): never => {
      throw new TimelineError(msg, lineNo, tok?.column ?? (toks[k - 1]?.column ?? 1) + (toks[k - 1]?.text.length ?? 0));
    };
    const next = (what: string): Token => toks[k++] ?? err(`expected ${what} at the end of the line`);
    const number = (what: string, min: number, max: number, unit = ''): number => {
      const tok = next(what);
      const v = Number(tok.text);
      if (tok.text === ',' || !Number.isFinite(v)) err(`expected ${what} (a number) but found ${quote(tok.text)}`, tok);
      if (v < min || v > max) err(`${what} ${tok.text} is out of range: expected ${min} to ${max}${unit}`, tok);
      return v;
    };
    const head = next('a statement');
    switch (head.text) {
      case 'duration': {
        const tok = next('a duration');
        const v = parseTime(tok.text);
        if (v === undefined) err(`expected a duration such as 10s or 0:10 but found ${quote(tok.text)}`, tok);
        if (v! <= 0 || v! > LIMITS.durationS)
          err(`duration ${tok.text} is out of range: expected more than 0 and at most ${LIMITS.durationS} s`, tok);
        t.durationS = v!;
        durationAt = { line: lineNo, text: tok.text };
        break;
      }
      case 'fps':
        t.fps = number('fps', LIMITS.fps[0], LIMITS.fps[1]);
        break;
      case 'blink': {
        const tok = next('auto or off');
        if (tok.text !== 'auto' && tok.text !== 'off')
          err(`expected "blink auto" or "blink off" but found ${quote(tok.text)}`, tok);
        t.autoBlink = tok.text === 'auto';
        break;
      }
      case 'ease': {
        const tok = next('an easing');
        if (!EASINGS.includes(tok.text as Easing))
          err(`unknown easing ${quote(tok.text)} (expected one of ${EASINGS.join(', ')})`, tok);
        defaultEase = tok.text as Easing;
        break;
      }
      case 'at': {
        const tt = next('a time');
        const time = parseTime(tt.text);
        if (time === undefined) err(`expected a time such as 1.5s, 1500ms or 0:01.5 but found ${quote(tt.text)}`, tt);
        if (time! > LIMITS.durationS)
          err(
            `time ${tt.text} is out of range: expected 0 to ${LIMITS.durationS} s (a timeline lasts at most an hour)`,
            tt,
          );
        ats.push({ timeS: time!, line: lineNo, column: tt.column, text: tt.text });
        if (time! >= end.timeS)
          end = { timeS: time!, line: lineNo, column: tt.column, what: `the keyframe at ${tt.text}` };
        let ease = defaultEase;
        // Clauses separated by commas; "ease X" may end any clause.
        const clauses: Token[][] = [[]];
        while (k < toks.length) {
          const tok = toks[k++]!;
          if (tok.text === ',') clauses.push([]);
          else clauses[clauses.length - 1]!.push(tok);
        }
        for (const clause of clauses) {
          const easeAt = clause.findIndex((c) => c.text === 'ease');
          if (easeAt >= 0) {
            const e = clause[easeAt + 1];
            if (!e) throw new TimelineError('expected an easing after "ease"', lineNo, clause[easeAt]!.column + 4);
            if (!EASINGS.includes(e.text as Easing))
              throw new TimelineError(
                `unknown easing ${quote(e.text)} (expected one of ${EASINGS.join(', ')})`,
                lineNo,
                e.column,
              );
            ease = e.text as Easing;
            clause.splice(easeAt, 2);
          }
        }
        // Which channel each clause of this line set, and with what (a channel is set once per keyframe).
        const set = new Map<string, string>();
        const [blinksBefore, generatedBefore] = [t.blinks.length, t.generated.length];
        for (const clause of clauses) {
          if (clause.length === 0)
            throw new TimelineError(
              'empty clause (two commas, or a comma at the end)',
              lineNo,
              (toks[toks.length - 1]?.column ?? 1) + 1,
            );
          parseClause(t, clause, time!, ease, lineNo, set);
        }
        // A blink or a generated segment that lasts longest so far: the default duration covers it.
        for (const [what, added] of [
          ['blink', t.blinks.slice(blinksBefore)],
          ['generated segment', t.generated.slice(generatedBefore)],
        ] as const) {
          for (const x of added) {
            if (x.timeS + x.durationS > end.timeS)
              end = {
                timeS: x.timeS + x.durationS,
                line: lineNo,
                column: tt.column,
                what: `the ${what} at ${tt.text}`,
              };
          }
        }
        while (generatedLines.length < t.generated.length) generatedLines.push(lineNo);
        break;
      }
      default:
        err(`unknown statement ${quote(head.text)} (expected at, duration, fps, blink, ease or a comment)`, head);
    }
    if (k < toks.length) err(`unexpected ${quote(toks[k]!.text)}`, toks[k]);
  });
  // Keyframes may be written in any order (a line added at the end for an earlier moment): each channel
  // is put in time order, lines of the same time keeping the order they were written in.
  const byTime = (a: { timeS: number }, b: { timeS: number }): number => a.timeS - b.timeS;
  for (const list of [t.expression, t.pose, t.gaze, t.blinks, t.background] as { timeS: number }[][]) list.sort(byTime);
  const segments = t.generated.map((g, i) => ({ g, line: generatedLines[i]! })).sort((a, b) => byTime(a.g, b.g));
  t.generated = segments.map((s) => s.g);
  segments.forEach((s, i) => (generatedLines[i] = s.line));
  if (Number.isFinite(t.durationS)) {
    // Nothing starts after the end (it would never be shown); blinks and segments running past it are cut.
    const late = ats.find((a) => a.timeS > t.durationS);
    if (late)
      throw new TimelineError(
        `keyframe at ${late.text} comes after the end of the timeline (duration ${durationAt!.text} on line ${durationAt!.line})`,
        late.line,
        late.column,
      );
  } else {
    // The default duration: the last keyframe, blink or generated segment and a second, within the limit.
    if (end.timeS > LIMITS.durationS)
      throw new TimelineError(
        `${end.what} ends at ${+end.timeS.toFixed(3)} s, after ${LIMITS.durationS} s, the longest a timeline lasts (a duration line cuts it)`,
        end.line,
        end.column,
      );
    t.durationS = Math.min(LIMITS.durationS, end.timeS + 1);
  }
  // Generated motion in all: what is shown of each segment, added up.
  let generatedS = 0;
  t.generated.forEach((g, i) => {
    generatedS += shownOf(t, g);
    if (generatedS > LIMITS.generatedTotalS) {
      const a = ats.find((x) => x.line === generatedLines[i]);
      throw new TimelineError(
        `generated segments add up to more than ${LIMITS.generatedTotalS} s here (what is shown of each, added up)`,
        generatedLines[i]!,
        a?.column ?? 1,
      );
    }
  });
  return t;
}

/** Seconds of a generated segment that the timeline shows (the end of the timeline cuts it). */
function shownOf(t: Timeline, g: Timeline['generated'][number]): number {
  return Math.max(0, Math.min(g.durationS, t.durationS - g.timeS));
}

/**
 * Reads one clause of an `at` line into `t`. `set` holds the channels earlier clauses of the same line set
 * (expression, pose, gaze, background) and with what: each is set once per keyframe, as each AU, angle and
 * gaze axis is given once per clause — a repeat would silently replace (or add to) the first.
 */
function parseClause(
  t: Timeline,
  clause: Token[],
  timeS: number,
  ease: Easing,
  line: number,
  set: Map<string, string>,
): void {
  let k = 0;
  const head = clause[k++]!;
  const err = (msg: string, tok?: Token): never => {
    throw new TimelineError(msg, line, tok?.column ?? head.column);
  };
  const channel =
    EMOTION_NAMES.includes(head.text as EmotionName) || head.text === 'au'
      ? 'expression'
      : head.text === 'idle' || head.text === 'listening' || head.text === 'still'
        ? 'background'
        : head.text === 'pose' || head.text === 'gaze'
          ? head.text
          : undefined;
  if (channel) {
    const before = set.get(channel);
    if (before !== undefined)
      err(
        `${quote(head.text)} sets the ${channel} a second time on this line (after ${quote(before)}): one ${channel} clause per keyframe`,
        head,
      );
    set.set(channel, head.text);
  }
  const num = (tok: Token | undefined, what: string, min: number, max: number, unit = ''): number => {
    if (!tok) return err(`expected ${what} after ${quote(clause[k - 2]?.text ?? head.text)}`, clause[k - 2] ?? head);
    const v = Number(tok.text);
    if (!Number.isFinite(v)) err(`expected ${what} (a number) but found ${quote(tok.text)}`, tok);
    if (v < min || v > max) err(`${what} ${tok.text} is out of range: expected ${min} to ${max}${unit}`, tok);
    return v;
  };
  const emotion = EMOTION_NAMES.find((e) => e === head.text);
  if (emotion) {
    const intensity = clause[k] ? num(clause[k++], 'intensity', 0, 1) : 1;
    t.expression.push({ timeS, value: emotionAUs(emotion as EmotionName, intensity), ease });
  } else if (head.text === 'au') {
    const value: AuIntensities = { left: {}, right: {} };
    if (k >= clause.length) err('expected action units such as 12=3 after "au"', head);
    for (; k < clause.length; k++) {
      const tok = clause[k]!;
      const m = /^([LR]?)(\d+)=(-?\d+(?:\.\d+)?)$/i.exec(tok.text);
      if (!m) err(`expected AU=intensity (e.g. 12=3, L12=2) but found ${quote(tok.text)}`, tok);
      const au = Number(m![2]) as ActionUnit;
      if (!ACTION_UNITS.includes(au))
        err(`AU${m![2]} is not one of the supported action units (${ACTION_UNITS.join(', ')})`, tok);
      const v = Number(m![3]);
      if (v < 0 || v > AU_MAX) err(`AU${au} intensity ${m![3]} is out of range: expected 0 to ${AU_MAX}`, tok);
      const side = m![1]!.toUpperCase();
      if ((side !== 'R' && value.left[au] !== undefined) || (side !== 'L' && value.right[au] !== undefined))
        err(
          `AU${au} is given twice${side ? ` for the ${side === 'L' ? 'left' : 'right'} side` : ''} (each AU once per keyframe)`,
          tok,
        );
      if (side !== 'R') value.left[au] = v;
      if (side !== 'L') value.right[au] = v;
    }
    t.expression.push({ timeS, value, ease });
  } else if (head.text === 'pose') {
    const p: Pose = { yawDeg: 0, pitchDeg: 0, rollDeg: 0 };
    const given = new Set<string>();
    if (k >= clause.length) err('expected yaw, pitch and/or roll after "pose"', head);
    while (k < clause.length) {
      const key = clause[k++]!;
      if (given.has(key.text)) err(`${key.text} is given twice (each angle once per keyframe)`, key);
      given.add(key.text);
      const limit =
        key.text === 'yaw'
          ? LIMITS.yawDeg
          : key.text === 'pitch'
            ? LIMITS.pitchDeg
            : key.text === 'roll'
              ? LIMITS.rollDeg
              : undefined;
      if (limit === undefined) err(`expected yaw, pitch or roll but found ${quote(key.text)}`, key);
      const v = num(clause[k++], key.text, -limit!, limit!, ' degrees');
      p[`${key.text as 'yaw' | 'pitch' | 'roll'}Deg`] = v;
    }
    t.pose.push({ timeS, value: p, ease });
  } else if (head.text === 'gaze') {
    const g: GazeOffset = { x: 0, y: 0 };
    const named: Record<string, GazeOffset> = {
      left: { x: -0.25, y: 0 },
      right: { x: 0.25, y: 0 },
      up: { x: 0, y: -0.15 },
      down: { x: 0, y: 0.15 },
      center: { x: 0, y: 0 },
    };
    // Which word moved each axis: each is moved once (left left would go past the range, left x 0.1 drop one).
    const moved: Partial<Record<'x' | 'y', string>> = {};
    const axes: Record<string, ('x' | 'y')[]> = {
      left: ['x'],
      right: ['x'],
      x: ['x'],
      up: ['y'],
      down: ['y'],
      y: ['y'],
      center: ['x', 'y'],
    };
    if (k >= clause.length) err('expected a direction (left, right, up, down, center) or x/y after "gaze"', head);
    while (k < clause.length) {
      const key = clause[k++]!;
      for (const axis of axes[key.text] ?? []) {
        if (moved[axis])
          err(`${quote(key.text)} moves the gaze's ${axis} a second time (after ${quote(moved[axis]!)})`, key);
        moved[axis] = key.text;
      }
      if (named[key.text]) {
        g.x += named[key.text]!.x;
        g.y += named[key.text]!.y;
      } else if (key.text === 'x' || key.text === 'y') {
        g[key.text] = num(clause[k++], `gaze ${key.text}`, -LIMITS.gaze, LIMITS.gaze, ' eye widths');
      } else {
        err(`expected left, right, up, down, center, x or y but found ${quote(key.text)}`, key);
      }
    }
    t.gaze.push({ timeS, value: g, ease });
  } else if (head.text === 'blink') {
    let d = 0.2;
    if (clause[k]) {
      const tok = clause[k++]!;
      const v = parseTime(tok.text);
      if (v === undefined) err(`expected a blink length such as 200ms but found ${quote(tok.text)}`, tok);
      if (v! < LIMITS.blinkS[0] || v! > LIMITS.blinkS[1])
        err(
          `blink length ${tok.text} is out of range: expected ${LIMITS.blinkS[0] * 1000} ms to ${LIMITS.blinkS[1]} s`,
          tok,
        );
      d = v!;
    }
    t.blinks.push({ timeS, durationS: d });
  } else if (head.text === 'generate') {
    const lt = clause[k++];
    if (!lt) err(`expected a label after "generate" (${GENERATE_LABELS.join(', ')})`, head);
    if (!(GENERATE_LABELS as readonly string[]).includes(lt!.text))
      err(`unknown label ${quote(lt!.text)} (expected one of ${GENERATE_LABELS.join(', ')})`, lt);
    const g: Timeline['generated'][number] = { timeS, durationS: 3, label: lt!.text as GenerateLabel, intensity: 1 };
    const given = new Set<string>();
    while (k < clause.length) {
      const tok = clause[k++]!;
      const what = tok.text === 'intensity' || tok.text === 'seed' ? tok.text : 'length';
      if (given.has(what)) err(`the ${what} is given twice (once per segment)`, tok);
      given.add(what);
      if (tok.text === 'intensity') g.intensity = num(clause[k++], 'intensity', 0, 2);
      else if (tok.text === 'seed') g.seed = num(clause[k++], 'seed', 0, 2 ** 31 - 1);
      else {
        const v = parseTime(tok.text);
        if (v === undefined)
          err(`expected a length such as 3s, intensity N or seed N but found ${quote(tok.text)}`, tok);
        if (v! < LIMITS.generateS[0] || v! > LIMITS.generateS[1])
          err(`length ${tok.text} is out of range: expected ${LIMITS.generateS[0]} s to ${LIMITS.generateS[1]} s`, tok);
        g.durationS = v!;
      }
    }
    t.generated.push(g);
  } else if (head.text === 'idle' || head.text === 'listening' || head.text === 'still') {
    t.background.push({ timeS, label: head.text });
  } else {
    err(
      `unknown keyframe ${quote(head.text)} (expected an emotion — ${EMOTION_NAMES.join(', ')} — or au, pose, gaze, blink, generate, idle, listening, still)`,
      head,
    );
  }
  if (k < clause.length) err(`unexpected ${quote(clause[k]!.text)}`, clause[k]);
}

function ease(e: Easing, x: number): number {
  switch (e) {
    case 'linear':
      return x;
    case 'in':
      return x * x;
    case 'out':
      return 1 - (1 - x) * (1 - x);
    case 'in-out':
      return x < 0.5 ? 2 * x * x : 1 - 2 * (1 - x) * (1 - x);
    case 'step':
      return x < 1 ? 0 : 1;
  }
}

/**
 * Value of a channel at time t: every channel starts from the portrait as it is (`zero`) at 0 s, moves to
 * each keyframe with that keyframe's easing, and holds after the last one.
 */
function sample<T>(keys: Key<T>[], t: number, lerp: (a: T, b: T, x: number) => T, zero: T): T {
  if (keys.length === 0) return zero;
  const i = firstAfter(keys, t);
  if (i === keys.length) return keys[keys.length - 1]!.value;
  const b = keys[i]!;
  const a = i > 0 ? keys[i - 1]! : { timeS: 0, value: zero };
  const x = (t - a.timeS) / Math.max(1e-9, b.timeS - a.timeS);
  return lerp(a.value, b.value, ease(b.ease, x));
}

/** The index of the first item whose time is after t (items in time order), or the length: a binary search. */
function firstAfter(items: readonly { timeS: number }[], t: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.timeS > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const lerpAus = (a: AuIntensities, b: AuIntensities, x: number): AuIntensities => {
  const out: AuIntensities = { left: {}, right: {} };
  for (const side of ['left', 'right'] as const) {
    for (const au of ACTION_UNITS) {
      const v = (a[side][au] ?? 0) * (1 - x) + (b[side][au] ?? 0) * x;
      if (v) out[side][au] = v;
    }
  }
  return out;
};

export interface TimelineFrame {
  /** AU changes to apply to the portrait's own expression. */
  aus: AuIntensities;
  pose: Pose;
  gaze: GazeOffset;
  /** Eye closure 0 (open) … 1 (closed). */
  blink: number;
}

/** Natural blinking: every 2–6 s (about 15 a minute), a 0.15–0.25 s blink; deterministic for a given seed. */
export function autoBlinks(durationS: number, seed = 1): { timeS: number; durationS: number }[] {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out: { timeS: number; durationS: number }[] = [];
  for (let t = 0.8 + rand() * 1.5; t < durationS - 0.3; t += 2 + rand() * 4)
    out.push({ timeS: t, durationS: 0.15 + rand() * 0.1 });
  return out;
}

/** Blink closure at time t for a blink starting at t0 lasting d: fast close (40%), slower open. */
function blinkAt(t: number, t0: number, d: number): number {
  const x = (t - t0) / d;
  if (x <= 0 || x >= 1) return 0;
  return x < 0.4 ? Math.sin((x / 0.4) * (Math.PI / 2)) : Math.cos(((x - 0.4) / 0.6) * (Math.PI / 2));
}

/** A generated stretch of motion on the timeline, with its frames at the timeline's rate. */
interface GeneratedSpan {
  start: number;
  end: number;
  /** Its frames, packed (an hour of motion objects took gigabytes): see {@link packFrames}. */
  frames: Float64Array;
  count: number;
  /** Seconds of fade in and out (the layer joins and leaves the keyframes' motion smoothly). */
  fadeIn: number;
  fadeOut: number;
}

/** Values per packed frame: AU changes (left, right per AU), yaw, pitch, roll, gaze x, y, blink. */
const PACKED = ACTION_UNITS.length * 2 + 6;

/** Motion frames as one array of {@link PACKED} values each (an AU a frame does not change is 0). */
function packFrames(frames: readonly MotionFrame[]): Float64Array {
  const out = new Float64Array(frames.length * PACKED);
  const K = ACTION_UNITS.length * 2;
  frames.forEach((f, i) => {
    const o = i * PACKED;
    ACTION_UNITS.forEach((au, k) => {
      out[o + 2 * k] = f.aus.left[au] ?? 0;
      out[o + 2 * k + 1] = f.aus.right[au] ?? 0;
    });
    out.set([f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg, f.gaze.x, f.gaze.y, f.blink], o + K);
  });
  return out;
}

/** True when the timeline has generated motion (and so needs the motion models to be sampled). */
export function needsMotionModels(t: Timeline): boolean {
  return t.generated.length > 0 || t.background.some((b) => b.label !== 'still');
}

/**
 * Computes the generated stretches of motion, each cut to what the timeline shows (a segment that runs past
 * the end keeps its own timing: only its frames past the end are not computed). Yields the fraction done.
 */
function* generatedSpanSteps(t: Timeline, seed: number, models: MotionModels): Steps<GeneratedSpan[]> {
  const jobs: {
    span: Omit<GeneratedSpan, 'frames' | 'count'>;
    shownS: number;
    options: Parameters<typeof generateMotionSteps>[1];
  }[] = [];
  t.generated.forEach((g, i) => {
    const shownS = shownOf(t, g);
    if (shownS <= 0) return;
    const fade = Math.min(0.3, g.durationS / 4);
    jobs.push({
      span: { start: g.timeS, end: g.timeS + g.durationS, fadeIn: fade, fadeOut: fade },
      shownS,
      options: {
        label: g.label,
        seed: g.seed ?? hashString(`${seed}:generate:${i}`),
        durationS: g.durationS,
        shownS,
        fps: t.fps,
        intensity: g.intensity,
      },
    });
  });
  t.background.forEach((b, i) => {
    const end = Math.min(t.durationS, t.background[i + 1]?.timeS ?? t.durationS);
    if (b.label === 'still' || end - b.timeS < 0.1) return;
    jobs.push({
      span: { start: b.timeS, end, fadeIn: b.timeS > 0 ? 0.5 : 0, fadeOut: end < t.durationS ? 0.5 : 0 },
      shownS: end - b.timeS,
      options: { label: b.label, seed: hashString(`${seed}:background:${i}`), durationS: end - b.timeS, fps: t.fps },
    });
  });
  const total = jobs.reduce((a, j) => a + j.shownS, 0);
  const spans: GeneratedSpan[] = [];
  let done = 0;
  for (const job of jobs) {
    const m = yield* within(generateMotionSteps(models, job.options), done / total, (done + job.shownS) / total);
    spans.push({ ...job.span, frames: packFrames(m.frames), count: m.frames.length });
    done += job.shownS;
    yield done / total;
  }
  return spans;
}

/** Seconds of generated motion a timeline needs computed (segments as far as they are shown, backgrounds). */
export function generatedSeconds(t: Timeline): number {
  let total = 0;
  for (const g of t.generated) total += shownOf(t, g);
  t.background.forEach((b, i) => {
    const end = Math.min(t.durationS, t.background[i + 1]?.timeS ?? t.durationS);
    if (b.label !== 'still' && end - b.timeS >= 0.1) total += end - b.timeS;
  });
  return total;
}

/**
 * Samples a timeline at time t (seconds). A timeline with generated motion (`generate`, `idle`,
 * `listening`) needs the motion models; generated motion adds to the keyframes' channels, and inside a
 * generated stretch its blinks replace the automatic ones. The generated motion is computed here, at once:
 * for a long one, {@link prepareTimelineSampler} keeps the caller responsive, can be cancelled and reports
 * progress.
 */
export function createTimelineSampler(t: Timeline, seed = 1, models?: MotionModels): (timeS: number) => TimelineFrame {
  checkModels(t, models);
  return samplerOf(t, seed, models ? runSteps(generatedSpanSteps(t, seed, models)) : []);
}

export interface PrepareOptions {
  /** Stops the preparation: it rejects with a VivifyError E_ABORTED within a fraction of a second. */
  signal?: AbortSignal;
  /** Seconds of generated motion computed so far, of `totalS`. */
  onProgress?: (p: { doneS: number; totalS: number }) => void;
}

/**
 * {@link createTimelineSampler} for long timelines: computes the generated motion in slices, yielding to the
 * event loop between them, so that `signal` can stop it and `onProgress` can show how far it is.
 *
 * @example
 * const sample = await prepareTimelineSampler(t, 1, models, { signal, onProgress: ({ doneS, totalS }) => … });
 */
export async function prepareTimelineSampler(
  t: Timeline,
  seed = 1,
  models?: MotionModels,
  options: PrepareOptions = {},
): Promise<(timeS: number) => TimelineFrame> {
  checkModels(t, models);
  if (!models) return samplerOf(t, seed, []);
  const totalS = generatedSeconds(t);
  const spans = await runStepsAsync(generatedSpanSteps(t, seed, models), {
    signal: options.signal,
    onProgress: options.onProgress && ((f) => options.onProgress!({ doneS: f * totalS, totalS })),
  });
  return samplerOf(t, seed, spans);
}

function checkModels(t: Timeline, models: MotionModels | undefined): void {
  if (needsMotionModels(t) && !models)
    throw new RangeError(
      'Expected motion models for a timeline with generated motion (generate, idle, listening) but received none',
    );
}

function samplerOf(t: Timeline, seed: number, spans: GeneratedSpan[]): (timeS: number) => TimelineFrame {
  const inSpan = (time: number): boolean => spans.some((s) => time >= s.start && time < s.end);
  // In time order, so that a frame looks only at the blinks that can be under way.
  const blinks = [
    ...t.blinks,
    ...(t.autoBlink
      ? autoBlinks(t.durationS, seed).filter((b) => !inSpan(b.timeS) && !inSpan(b.timeS + b.durationS))
      : []),
  ].sort((a, b) => a.timeS - b.timeS);
  // A blink that started more than the longest blink's length before a time is over by then.
  const longest = blinks.reduce((m, b) => Math.max(m, b.durationS), 0);
  const blinkAtTime = (time: number): number => {
    let c = 0;
    for (let i = firstAfter(blinks, time - longest); i < blinks.length && blinks[i]!.timeS < time; i++)
      c = Math.max(c, blinkAt(time, blinks[i]!.timeS, blinks[i]!.durationS));
    return c;
  };
  return (time) => {
    const frame: TimelineFrame = {
      aus: sample(t.expression, time, lerpAus, { left: {}, right: {} }),
      pose: sample(
        t.pose,
        time,
        (a, b, x) => ({
          yawDeg: a.yawDeg + (b.yawDeg - a.yawDeg) * x,
          pitchDeg: a.pitchDeg + (b.pitchDeg - a.pitchDeg) * x,
          rollDeg: a.rollDeg + (b.rollDeg - a.rollDeg) * x,
        }),
        { yawDeg: 0, pitchDeg: 0, rollDeg: 0 },
      ),
      gaze: sample(t.gaze, time, (a, b, x) => ({ x: a.x + (b.x - a.x) * x, y: a.y + (b.y - a.y) * x }), { x: 0, y: 0 }),
      blink: blinkAtTime(time),
    };
    if (spans.length) {
      // Sampled values may be the keyframes' own objects: copy before adding to them.
      frame.aus = { left: { ...frame.aus.left }, right: { ...frame.aus.right } };
      frame.pose = { ...frame.pose };
      frame.gaze = { ...frame.gaze };
    }
    for (const s of spans) {
      if (time < s.start || time >= s.end) continue;
      const o = Math.min(s.count - 1, Math.round((time - s.start) * t.fps)) * PACKED;
      const g = s.frames;
      const w = Math.min(
        1,
        s.fadeIn > 0 ? (time - s.start) / s.fadeIn : 1,
        s.fadeOut > 0 ? (s.end - time) / s.fadeOut : 1,
      );
      ACTION_UNITS.forEach((au, k) => {
        const l = g[o + 2 * k]!;
        const r = g[o + 2 * k + 1]!;
        if (l) frame.aus.left[au] = (frame.aus.left[au] ?? 0) + w * l;
        if (r) frame.aus.right[au] = (frame.aus.right[au] ?? 0) + w * r;
      });
      const K = o + ACTION_UNITS.length * 2;
      frame.pose.yawDeg += w * g[K]!;
      frame.pose.pitchDeg += w * g[K + 1]!;
      frame.pose.rollDeg += w * g[K + 2]!;
      frame.gaze.x += w * g[K + 3]!;
      frame.gaze.y += w * g[K + 4]!;
      frame.blink = Math.max(frame.blink, g[K + 5]!);
    }
    return frame;
  };
}
