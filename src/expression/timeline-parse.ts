/**
 * The timeline parser (docs/timeline.md): statements line by line (`duration`, `fps`, `blink`, `ease`,
 * `at`), the clauses of each `at` line (timeline-clauses.ts), then what spans lines — time order, the
 * duration, the limits. Every problem is a TimelineError naming line and column. Pure: text in, a
 * Timeline out.
 */
import { quote } from '../errors.js';
import { ClauseCursor, parseClause } from './timeline-clauses.js';
import {
  EASINGS,
  LIMITS,
  parseTime,
  TimelineError,
  tokenize,
  type Easing,
  type Timeline,
  type Token,
} from './timeline-format.js';

/** One line's tokens and a cursor over them, with the line's error reporting. */
class LineCursor {
  k = 0;
  constructor(
    readonly toks: Token[],
    readonly line: number,
  ) {}
  /** Throws a TimelineError at `tok`, or just after the last token read. */
  err(msg: string, tok?: Token): never {
    const last = this.toks[this.k - 1];
    throw new TimelineError(msg, this.line, tok?.column ?? (last?.column ?? 1) + (last?.text.length ?? 0));
  }
  next(what: string): Token {
    return this.toks[this.k++] ?? this.err(`expected ${what} at the end of the line`);
  }
  number(what: string, min: number, max: number, unit = ''): number {
    const tok = this.next(what);
    const v = Number(tok.text);
    if (tok.text === ',' || !Number.isFinite(v))
      this.err(`expected ${what} (a number) but found ${quote(tok.text)}`, tok);
    if (v < min || v > max) this.err(`${what} ${tok.text} is out of range: expected ${min} to ${max}${unit}`, tok);
    return v;
  }
}

/** What parsing has gathered so far, beside the timeline itself. */
interface ParseState {
  t: Timeline;
  defaultEase: Easing;
  /** Where the duration was set. */
  durationAt?: { line: number; text: string };
  /** Every `at` line: its time and where that time is written (in the file's order). */
  ats: { timeS: number; line: number; column: number; text: string }[];
  /** What lasts longest (a keyframe, or a blink's or a generated segment's end), for the default duration. */
  end: { timeS: number; line: number; column: number; what: string };
  /** The line of each generated segment. */
  generatedLines: number[];
}

/**
 * Parses timeline text. Every problem is a TimelineError naming line and column; values outside their
 * range are rejected with the allowed range.
 *
 * @example
 * const t = parseTimeline('duration 4s\nat 0s neutral\nat 1s happy 0.8, pose yaw 10\nat 3s surprised');
 */
export function parseTimeline(text: string): Timeline {
  const state: ParseState = {
    t: {
      durationS: NaN,
      fps: 30,
      autoBlink: true,
      expression: [],
      pose: [],
      gaze: [],
      blinks: [],
      generated: [],
      background: [],
    },
    defaultEase: 'in-out',
    ats: [],
    end: { timeS: 0, line: 0, column: 0, what: '' },
    generatedLines: [],
  };
  text.split(/\r?\n/).forEach((raw, li) => parseLine(state, raw, li + 1));
  return finishTimeline(state);
}

function parseLine(state: ParseState, raw: string, lineNo: number): void {
  const { t } = state;
  // NUL, or bytes that are not UTF-8 (decoded as U+FFFD): not a timeline, whatever its first token looks like.
  const binary = Math.min(...['\0', '\ufffd'].map((c) => raw.indexOf(c)).filter((k) => k >= 0));
  if (binary < Infinity)
    throw new TimelineError('binary data, not timeline text (is this the right file, in UTF-8?)', lineNo, binary + 1);
  const toks = tokenize(raw.replace(/#.*$/, ''));
  if (toks.length === 0) return;
  const c = new LineCursor(toks, lineNo);
  const head = c.next('a statement');
  switch (head.text) {
    case 'duration': {
      const tok = c.next('a duration');
      const v = parseTime(tok.text);
      if (v === undefined) c.err(`expected a duration such as 10s or 0:10 but found ${quote(tok.text)}`, tok);
      if (v! <= 0 || v! > LIMITS.durationS)
        c.err(`duration ${tok.text} is out of range: expected more than 0 and at most ${LIMITS.durationS} s`, tok);
      t.durationS = v!;
      state.durationAt = { line: lineNo, text: tok.text };
      break;
    }
    case 'fps':
      t.fps = c.number('fps', LIMITS.fps[0], LIMITS.fps[1]);
      break;
    case 'blink': {
      const tok = c.next('auto or off');
      if (tok.text !== 'auto' && tok.text !== 'off')
        c.err(`expected "blink auto" or "blink off" but found ${quote(tok.text)}`, tok);
      t.autoBlink = tok.text === 'auto';
      break;
    }
    case 'ease': {
      const tok = c.next('an easing');
      if (!EASINGS.includes(tok.text as Easing))
        c.err(`unknown easing ${quote(tok.text)} (expected one of ${EASINGS.join(', ')})`, tok);
      state.defaultEase = tok.text as Easing;
      break;
    }
    case 'at':
      parseAtLine(state, c);
      break;
    default:
      c.err(`unknown statement ${quote(head.text)} (expected at, duration, fps, blink, ease or a comment)`, head);
  }
  if (c.k < toks.length) c.err(`unexpected ${quote(toks[c.k]!.text)}`, toks[c.k]);
}

/** An `at` line: its time, then clauses separated by commas; "ease X" may end any clause. */
function parseAtLine(state: ParseState, c: LineCursor): void {
  const { t, ats } = state;
  const { toks, line: lineNo } = c;
  const tt = c.next('a time');
  const time = parseTime(tt.text);
  if (time === undefined) c.err(`expected a time such as 1.5s, 1500ms or 0:01.5 but found ${quote(tt.text)}`, tt);
  if (time! > LIMITS.durationS)
    c.err(
      `time ${tt.text} is out of range: expected 0 to ${LIMITS.durationS} s (a timeline lasts at most an hour)`,
      tt,
    );
  ats.push({ timeS: time!, line: lineNo, column: tt.column, text: tt.text });
  if (time! >= state.end.timeS)
    state.end = { timeS: time!, line: lineNo, column: tt.column, what: `the keyframe at ${tt.text}` };
  let ease = state.defaultEase;
  const clauses: Token[][] = [[]];
  while (c.k < toks.length) {
    const tok = toks[c.k++]!;
    if (tok.text === ',') clauses.push([]);
    else clauses[clauses.length - 1]!.push(tok);
  }
  for (const clause of clauses) {
    const easeAt = clause.findIndex((x) => x.text === 'ease');
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
    parseClause(t, new ClauseCursor(clause, lineNo), time!, ease, set);
  }
  // A blink or a generated segment that lasts longest so far: the default duration covers it.
  for (const [what, added] of [
    ['blink', t.blinks.slice(blinksBefore)],
    ['generated segment', t.generated.slice(generatedBefore)],
  ] as const) {
    for (const x of added) {
      if (x.timeS + x.durationS > state.end.timeS)
        state.end = {
          timeS: x.timeS + x.durationS,
          line: lineNo,
          column: tt.column,
          what: `the ${what} at ${tt.text}`,
        };
    }
  }
  while (state.generatedLines.length < t.generated.length) state.generatedLines.push(lineNo);
}

/** Orders every channel in time, settles the duration and checks the limits that span lines. */
function finishTimeline({ t, ats, end, durationAt, generatedLines }: ParseState): Timeline {
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
export function shownOf(t: Timeline, g: Timeline['generated'][number]): number {
  return Math.max(0, Math.min(g.durationS, t.durationS - g.timeS));
}
