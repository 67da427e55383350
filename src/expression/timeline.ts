/**
 * Timelines for `vivify script`: a small, human-writable format of time-stamped keyframes — emotions, action
 * units, head pose, gaze, blinks — interpolated with easing, optionally with natural automatic blinking;
 * generated segments (`generate spontaneous-smile 3s`) and a generated background layer (`idle`,
 * `listening`) under the keyframes. Grammar and examples: docs/timeline.md; the parser is timeline-parse.ts.
 * Pure: text in, a sampler out (generated motion needs the motion models handed to the sampler).
 */
import { ACTION_UNITS, type AuIntensities } from '../face/action-units.js';
import type { EmotionName } from '../emotion/emotion.js';
import { generateMotionSteps } from '../generate/generate.js';
import type { MotionFrame } from '../generate/features.js';
import type { MotionModels } from '../generate/model.js';
import { DEFAULT_SEED, hashString } from '../generate/random.js';
import { runSteps, runStepsAsync, within, type Steps } from '../motion/steps.js';
import { shownOf } from './timeline-parse.js';
import type { Easing, GazeOffset, Key, Pose, Timeline } from './timeline-format.js';

export { parseTimeline } from './timeline-parse.js';
export {
  LIMITS,
  parseTime,
  TimelineError,
  type Easing,
  type GazeOffset,
  type Pose,
  type Timeline,
} from './timeline-format.js';

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

/** An expression channel's value: its AU changes, and the emotions its keyframes name with their weights. */
interface ExpressionSample {
  aus: AuIntensities;
  emotions: Partial<Record<EmotionName, number>>;
}

/** Two expression values mixed (x of the way from a to b). */
function lerpExpression(a: ExpressionSample, b: ExpressionSample, x: number): ExpressionSample {
  const emotions: ExpressionSample['emotions'] = {};
  for (const [v, w] of [
    [a, 1 - x],
    [b, x],
  ] as const)
    for (const [name, weight] of Object.entries(v.emotions) as [EmotionName, number][])
      if (w * weight > 0) emotions[name] = (emotions[name] ?? 0) + w * weight;
  return { aus: lerpAus(a.aus, b.aus, x), emotions };
}

export interface TimelineFrame {
  /** AU changes to apply to the portrait's own expression. */
  aus: AuIntensities;
  /**
   * The emotions the expression keyframes show at this frame, with their weights (their AUs are in `aus`):
   * the AUs they contradict fade by them when the frame is drawn (scriptedState). Absent: none.
   */
  emotions?: Partial<Record<EmotionName, number>>;
  pose: Pose;
  gaze: GazeOffset;
  /** Eye closure 0 (open) … 1 (closed). */
  blink: number;
}

/** Natural blinking: every 2–6 s (about 15 a minute), a 0.15–0.25 s blink; deterministic for a given seed. */
export function autoBlinks(durationS: number, seed = DEFAULT_SEED): { timeS: number; durationS: number }[] {
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
export function createTimelineSampler(
  t: Timeline,
  seed = DEFAULT_SEED,
  models?: MotionModels,
): (timeS: number) => TimelineFrame {
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
  seed = DEFAULT_SEED,
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
  const expressionKeys: Key<ExpressionSample>[] = t.expression.map((k) => ({
    ...k,
    value: { aus: k.value.aus, emotions: k.value.emotion ? { [k.value.emotion.name]: k.value.emotion.intensity } : {} },
  }));
  return (time) => {
    const expression = sample(expressionKeys, time, lerpExpression, { aus: { left: {}, right: {} }, emotions: {} });
    const frame: TimelineFrame = {
      aus: expression.aus,
      ...(Object.keys(expression.emotions).length ? { emotions: expression.emotions } : {}),
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
