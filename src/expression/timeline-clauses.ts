/**
 * The clauses of a timeline's `at` line (docs/timeline.md): an emotion, `au`, `pose`, `gaze`, `blink`,
 * `generate`, or a background label, each read into its channel with its own checks. Pure.
 */
import { quote } from '../errors.js';
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { emotionAUs, EMOTION_NAMES, type EmotionName } from '../emotion/emotion.js';
import { GENERATE_LABELS, type GenerateLabel } from '../generate/generate.js';
import {
  LIMITS,
  parseTime,
  TimelineError,
  type Easing,
  type GazeOffset,
  type Pose,
  type Timeline,
  type Token,
} from './timeline-format.js';

/** One clause's tokens (its head first) and a cursor after the head, with the clause's error reporting. */
export class ClauseCursor {
  k = 1;
  constructor(
    readonly clause: Token[],
    readonly line: number,
  ) {}
  get head(): Token {
    return this.clause[0]!;
  }
  err(msg: string, tok?: Token): never {
    throw new TimelineError(msg, this.line, tok?.column ?? this.head.column);
  }
  more(): boolean {
    return this.k < this.clause.length;
  }
  take(): Token | undefined {
    return this.clause[this.k++];
  }
  /** A number read from `tok` (just taken), within [min, max]. */
  num(tok: Token | undefined, what: string, min: number, max: number, unit = ''): number {
    const before = this.clause[this.k - 2];
    if (!tok) return this.err(`expected ${what} after ${quote(before?.text ?? this.head.text)}`, before ?? this.head);
    const v = Number(tok.text);
    if (!Number.isFinite(v)) this.err(`expected ${what} (a number) but found ${quote(tok.text)}`, tok);
    if (v < min || v > max) this.err(`${what} ${tok.text} is out of range: expected ${min} to ${max}${unit}`, tok);
    return v;
  }
}

/**
 * Reads one clause of an `at` line into `t`. `set` holds the channels earlier clauses of the same line set
 * (expression, pose, gaze, background) and with what: each is set once per keyframe, as each AU, angle and
 * gaze axis is given once per clause — a repeat would silently replace (or add to) the first.
 */
export function parseClause(t: Timeline, c: ClauseCursor, timeS: number, ease: Easing, set: Map<string, string>): void {
  const { head } = c;
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
      c.err(
        `${quote(head.text)} sets the ${channel} a second time on this line (after ${quote(before)}): one ${channel} clause per keyframe`,
        head,
      );
    set.set(channel, head.text);
  }
  const emotion = EMOTION_NAMES.find((e) => e === head.text);
  if (emotion) {
    const intensity = c.more() ? c.num(c.take(), 'intensity', 0, 1) : 1;
    const name = emotion as EmotionName;
    t.expression.push({
      timeS,
      value: { aus: emotionAUs(name, intensity), ...(name === 'neutral' ? {} : { emotion: { name, intensity } }) },
      ease,
    });
  } else if (head.text === 'au') t.expression.push({ timeS, value: { aus: auClause(c) }, ease });
  else if (head.text === 'pose') t.pose.push({ timeS, value: poseClause(c), ease });
  else if (head.text === 'gaze') t.gaze.push({ timeS, value: gazeClause(c), ease });
  else if (head.text === 'blink') t.blinks.push({ timeS, durationS: blinkClause(c) });
  else if (head.text === 'generate') t.generated.push(generateClause(c, timeS));
  else if (head.text === 'idle' || head.text === 'listening' || head.text === 'still')
    t.background.push({ timeS, label: head.text });
  else
    c.err(
      `unknown keyframe ${quote(head.text)} (expected an emotion — ${EMOTION_NAMES.join(', ')} — or au, pose, gaze, blink, generate, idle, listening, still)`,
      head,
    );
  if (c.more()) c.err(`unexpected ${quote(c.clause[c.k]!.text)}`, c.clause[c.k]);
}

/** `au 12=3 L6=2 …`: each AU once per side. */
function auClause(c: ClauseCursor): AuIntensities {
  const value: AuIntensities = { left: {}, right: {} };
  if (!c.more()) c.err('expected action units such as 12=3 after "au"', c.head);
  for (; c.more(); c.k++) {
    const tok = c.clause[c.k]!;
    const m = /^([LR]?)(\d+)=(-?\d+(?:\.\d+)?)$/i.exec(tok.text);
    if (!m) c.err(`expected AU=intensity (e.g. 12=3, L12=2) but found ${quote(tok.text)}`, tok);
    const au = Number(m![2]) as ActionUnit;
    if (!ACTION_UNITS.includes(au))
      c.err(`AU${m![2]} is not one of the supported action units (${ACTION_UNITS.join(', ')})`, tok);
    const v = Number(m![3]);
    if (v < 0 || v > AU_MAX) c.err(`AU${au} intensity ${m![3]} is out of range: expected 0 to ${AU_MAX}`, tok);
    const side = m![1]!.toUpperCase();
    if ((side !== 'R' && value.left[au] !== undefined) || (side !== 'L' && value.right[au] !== undefined))
      c.err(
        `AU${au} is given twice${side ? ` for the ${side === 'L' ? 'left' : 'right'} side` : ''} (each AU once per keyframe)`,
        tok,
      );
    if (side !== 'R') value.left[au] = v;
    if (side !== 'L') value.right[au] = v;
  }
  return value;
}

/** `pose yaw 10 pitch -5 roll 2`: each angle once. */
function poseClause(c: ClauseCursor): Pose {
  const p: Pose = { yawDeg: 0, pitchDeg: 0, rollDeg: 0 };
  const given = new Set<string>();
  if (!c.more()) c.err('expected yaw, pitch and/or roll after "pose"', c.head);
  while (c.more()) {
    const key = c.take()!;
    if (given.has(key.text)) c.err(`${key.text} is given twice (each angle once per keyframe)`, key);
    given.add(key.text);
    const limit =
      key.text === 'yaw'
        ? LIMITS.yawDeg
        : key.text === 'pitch'
          ? LIMITS.pitchDeg
          : key.text === 'roll'
            ? LIMITS.rollDeg
            : undefined;
    if (limit === undefined) c.err(`expected yaw, pitch or roll but found ${quote(key.text)}`, key);
    p[`${key.text as 'yaw' | 'pitch' | 'roll'}Deg`] = c.num(c.take(), key.text, -limit!, limit!, ' degrees');
  }
  return p;
}

const GAZE_WORDS: Record<string, GazeOffset> = {
  left: { x: -0.25, y: 0 },
  right: { x: 0.25, y: 0 },
  up: { x: 0, y: -0.15 },
  down: { x: 0, y: 0.15 },
  center: { x: 0, y: 0 },
};
const GAZE_AXES: Record<string, ('x' | 'y')[]> = {
  left: ['x'],
  right: ['x'],
  x: ['x'],
  up: ['y'],
  down: ['y'],
  y: ['y'],
  center: ['x', 'y'],
};

/** `gaze left up`, `gaze x 0.1 y -0.05`: each axis moved once (left left would go past the range). */
function gazeClause(c: ClauseCursor): GazeOffset {
  const g: GazeOffset = { x: 0, y: 0 };
  // Which word moved each axis.
  const moved: Partial<Record<'x' | 'y', string>> = {};
  if (!c.more()) c.err('expected a direction (left, right, up, down, center) or x/y after "gaze"', c.head);
  while (c.more()) {
    const key = c.take()!;
    for (const axis of GAZE_AXES[key.text] ?? []) {
      if (moved[axis])
        c.err(`${quote(key.text)} moves the gaze's ${axis} a second time (after ${quote(moved[axis]!)})`, key);
      moved[axis] = key.text;
    }
    if (GAZE_WORDS[key.text]) {
      g.x += GAZE_WORDS[key.text]!.x;
      g.y += GAZE_WORDS[key.text]!.y;
    } else if (key.text === 'x' || key.text === 'y') {
      g[key.text] = c.num(c.take(), `gaze ${key.text}`, -LIMITS.gaze, LIMITS.gaze, ' eye widths');
    } else {
      c.err(`expected left, right, up, down, center, x or y but found ${quote(key.text)}`, key);
    }
  }
  return g;
}

/** `blink [length]`: the blink's length in seconds (default 200 ms). */
function blinkClause(c: ClauseCursor): number {
  if (!c.more()) return 0.2;
  const tok = c.take()!;
  const v = parseTime(tok.text);
  if (v === undefined) c.err(`expected a blink length such as 200ms but found ${quote(tok.text)}`, tok);
  if (v! < LIMITS.blinkS[0] || v! > LIMITS.blinkS[1])
    c.err(
      `blink length ${tok.text} is out of range: expected ${LIMITS.blinkS[0] * 1000} ms to ${LIMITS.blinkS[1]} s`,
      tok,
    );
  return v!;
}

/** `generate label [length] [intensity N] [seed N]`: each once. */
function generateClause(c: ClauseCursor, timeS: number): Timeline['generated'][number] {
  const lt = c.take();
  if (!lt) c.err(`expected a label after "generate" (${GENERATE_LABELS.join(', ')})`, c.head);
  if (!(GENERATE_LABELS as readonly string[]).includes(lt!.text))
    c.err(`unknown label ${quote(lt!.text)} (expected one of ${GENERATE_LABELS.join(', ')})`, lt);
  const g: Timeline['generated'][number] = { timeS, durationS: 3, label: lt!.text as GenerateLabel, intensity: 1 };
  const given = new Set<string>();
  while (c.more()) {
    const tok = c.take()!;
    const what = tok.text === 'intensity' || tok.text === 'seed' ? tok.text : 'length';
    if (given.has(what)) c.err(`the ${what} is given twice (once per segment)`, tok);
    given.add(what);
    if (tok.text === 'intensity') g.intensity = c.num(c.take(), 'intensity', 0, 2);
    else if (tok.text === 'seed') g.seed = c.num(c.take(), 'seed', 0, 2 ** 31 - 1);
    else {
      const v = parseTime(tok.text);
      if (v === undefined)
        c.err(`expected a length such as 3s, intensity N or seed N but found ${quote(tok.text)}`, tok);
      if (v! < LIMITS.generateS[0] || v! > LIMITS.generateS[1])
        c.err(`length ${tok.text} is out of range: expected ${LIMITS.generateS[0]} s to ${LIMITS.generateS[1]} s`, tok);
      g.durationS = v!;
    }
  }
  return g;
}
