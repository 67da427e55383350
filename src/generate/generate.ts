/**
 * Generated motion: a label and a seed in, per-frame motion out (AU changes, head rotation, gaze, blinks)
 * — what makes a portrait come alive without a driving video. Built from the trained models
 * (src/generate/model.ts) and published measurements where the data has no examples; how each label
 * is made is in docs/generate.md. Pure and deterministic: the same models, label, seed and options give
 * the same frames on every platform.
 */
import { ACTION_UNITS, AU_MAX, type AuIntensities } from '../face/action-units.js';
import { emotionAUs } from '../emotion/emotion.js';
import { EMOTION_NAMES, type EmotionName } from '../emotion/emotion-names.js';
import { phasesOf, type Phases } from './episodes.js';
import {
  emotionVector,
  EXPRESSIVE_EMOTIONS,
  F_ASYM,
  F_GAZE,
  F_MEAN,
  F_POSE,
  MODEL_AUS,
  MODEL_FPS,
  type MotionFrame,
} from './features.js';
import type { MotionModels } from './model.js';
import { createRandom, type Random } from './random.js';
import { GENERATE_DEFAULTS } from './defaults.js';
import { episodeEnvelope, maxOf, SMILE_DYNAMICS, toRow, uniform } from './envelope.js';
import { removeSpeech, removeSpeechSteps, sampleFeatures, sampleFeatureSteps } from './sample-features.js';

export { predictEmotionSequence, SMILE_DYNAMICS } from './envelope.js';
export {
  ACTIVITY_GROUPS,
  HIGH_PASS_SIGMA,
  highPass,
  removeSpeech,
  sampleFeatures,
  smoothSeries,
  SWAY_SIGMA,
  unitSmoothNoise,
} from './sample-features.js';
import { runSteps, within, type Steps } from '../motion/steps.js';

export const GENERATE_LABELS = [
  ...EMOTION_NAMES,
  'posed-smile',
  'spontaneous-smile',
  'idle',
  'listening',
  'talking',
] as const;
export type GenerateLabel = (typeof GENERATE_LABELS)[number];

export interface GenerateOptions {
  label: GenerateLabel;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /** Length in seconds. Default 4. */
  durationS?: number;
  /**
   * Compute only the first `shownS` seconds (a segment that the end of a timeline cuts): the motion is
   * that of a `durationS`-long sample — an episode keeps the timing of its onset, hold and offset — and
   * `frames` stops after `shownS`. Default: all of `durationS`.
   */
  shownS?: number;
  /** Frames per second of the result. Default 25 (the models' rate). */
  fps?: number;
  /** Scales the emotion (1: the apex real actors showed, as `vivify edit --emotion X=1`). Default 1. */
  intensity?: number;
  /**
   * How an emotion or smile unfolds: `episode` (default) rises from the face's current expression, holds
   * and relaxes within the duration, with the timing the envelope model predicts; `hold` shows it
   * throughout, as the real clips were recorded. Idle, listening and neutral always hold.
   */
  shape?: 'episode' | 'hold';
  /**
   * Keep the mouth movements of speech that the real clips (people talking) carry. Default false: the
   * mouth keeps only the expression's slow part, as a silent face would.
   */
  talking?: boolean;
  /** The face's current expression (AU intensities per side), which an episode starts from and fades. */
  current?: AuIntensities;
  /** Scales the latent samples (lower: closer to the typical sequence). Default 1. */
  temperature?: number;
  /**
   * Scales the residual motion the decoder's mean leaves out (fitted to real clips, trackers' noise
   * included). Default 1; 0 gives the smooth mean motion.
   */
  noise?: number;
}

export interface GeneratedMotion {
  label: GenerateLabel;
  seed: number;
  fps: number;
  /** Per frame: AU changes to add to the face, head rotation and gaze changes, eye closure. */
  frames: MotionFrame[];
  /** Episode shapes: the target's rise (0–1) per frame and the phases in frames at `fps`. */
  envelope?: number[];
  phases?: Phases;
}

/** The generator's label for a generate label. */
function baseLabel(label: GenerateLabel): string {
  if (label === 'posed-smile' || label === 'spontaneous-smile') return 'happy';
  if (label === 'listening') return 'idle';
  return label;
}

/** The emotion an episode raises, if any. */
function targetEmotion(label: GenerateLabel): Exclude<EmotionName, 'neutral'> | undefined {
  const b = baseLabel(label);
  return (EXPRESSIVE_EMOTIONS as readonly string[]).includes(b) ? (b as Exclude<EmotionName, 'neutral'>) : undefined;
}

/**
 * The mean share of an emotion in the generator's samples of it (the projection of each frame's AUs on the
 * emotion's AU vector, in units of that vector; speech removed, as generation does): what a typical sample
 * shows of the emotion. Generation divides by it, so intensity 1 is the apex `vivify edit` shows.
 */
export function emotionShare(models: MotionModels, emotion: Exclude<EmotionName, 'neutral'>, samples = 16): number {
  const v = emotionVector(emotion);
  const vv = v.reduce((a, x) => a + x * x, 0);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < samples; i++) {
    const feats = removeSpeech(sampleFeatures(models, emotion, 100, createRandom(7001 + i).fork('generator')));
    for (const f of feats) {
      const a = oneSided(f);
      sum += Math.max(0, a.reduce((acc, x, k) => acc + x * v[k]!, 0) / vv);
      n++;
    }
  }
  return sum / n;
}

/** One-sided AU values of a feature frame (34, ACTION_UNITS order; AU45 zero). */
function oneSided(f: Float32Array): number[] {
  const out = new Array<number>(ACTION_UNITS.length * 2).fill(0);
  MODEL_AUS.forEach((au, i) => {
    const k = ACTION_UNITS.indexOf(au);
    out[2 * k] = f[F_MEAN + i]! + f[F_ASYM + i]!;
    out[2 * k + 1] = f[F_MEAN + i]! - f[F_ASYM + i]!;
  });
  return out;
}

/**
 * Blink closures per frame: a renewal process with the training clips' intervals and lengths (the label's
 * own where the model file has them: talking people blink more often than the clips' average).
 */
function blinkTrack(models: MotionModels, frames: number, fps: number, rng: Random, label?: string): number[] {
  const b = (label !== undefined ? models.file.labelBlinks?.[label] : undefined) ?? models.file.blinks;
  const out = new Array<number>(frames).fill(0);
  const interval = (): number => Math.exp(b.intervalLogMean + b.intervalLogStd * rng.normal());
  // The first blink falls anywhere in a typical interval, so a clip does not start with one.
  for (let t = rng.next() * interval(); t < frames / fps; t += Math.max(0.4, interval())) {
    const d = Math.min(0.45, Math.max(0.12, b.durationMean + b.durationStd * rng.normal()));
    for (let i = Math.floor(t * fps); i <= Math.ceil((t + d) * fps) && i < frames; i++) {
      const x = (i / fps - t) / d;
      if (x <= 0 || x >= 1) continue;
      // Fast close (40% of the blink), slower opening.
      const c = x < 0.4 ? Math.sin((x / 0.4) * (Math.PI / 2)) : Math.cos(((x - 0.4) / 0.6) * (Math.PI / 2));
      out[i] = Math.max(out[i]!, c);
    }
  }
  return out;
}

/**
 * Generates the motion of one sample. Different seeds give different plausible sequences of the same
 * label; the same seed gives the same sequence.
 *
 * @example
 * const models = loadMotionModels(json);
 * const m = generateMotion(models, { label: 'happy', seed: 7, durationS: 4 });
 * console.log(m.frames.length, m.phases);
 */
export function generateMotion(models: MotionModels, options: GenerateOptions): GeneratedMotion {
  return runSteps(generateMotionSteps(models, options));
}

/**
 * {@link generateMotion} with checkpoints (src/motion/steps.ts): run it with `runStepsAsync` to keep an
 * event loop responsive, cancel it or show its progress while a long sample is made.
 */
export function* generateMotionSteps(models: MotionModels, options: GenerateOptions): Steps<GeneratedMotion> {
  const { label, seed, durationS, shownS, fps, intensity } = checkedOptions(options);
  const rng = createRandom(seed);
  // Frames of the result, and model frames that cover them; of those, the ones shown (computed).
  const count = Math.max(2, Math.round(durationS * fps));
  const N = Math.max(2, Math.ceil(((count - 1) / fps) * MODEL_FPS) + 1);
  const shown = Math.min(count, Math.max(2, Math.ceil(shownS * fps) + 1));
  const M = Math.min(N, Math.max(2, Math.ceil(((shown - 1) / fps) * MODEL_FPS) + 1));
  let feats = yield* within(
    sampleFeatureSteps(models, baseLabel(label), M, rng.fork('generator'), {
      temperature: options.temperature,
      noise: options.noise,
    }),
    0,
    0.55,
  );
  if (!options.talking) feats = yield* within(removeSpeechSteps(feats), 0.55, 0.65);

  const target = targetEmotion(label);
  const episode =
    target !== undefined && label !== 'neutral' && (options.shape ?? GENERATE_DEFAULTS.shape) === 'episode';
  const currentRow = options.current ? toRow(options.current) : undefined;
  let envelope: { rise: Float32Array; keep: Float32Array } | undefined;
  if (episode && target) {
    envelope = episodeEnvelope(models, label, target, intensity, currentRow, N, rng.fork('timing'));
    yield 0.7;
  }
  const rise = envelope?.rise;
  const keep = envelope?.keep;

  // Emotion part and residual of each generated frame: the emotion's share (projection on its AU vector)
  // is re-expressed through emotionAUs, so calibrated emotion intensities apply to generated motion too.
  const v = target ? emotionVector(target) : undefined;
  const vv = v ? v.reduce((a, x) => a + x * x, 0) : 0;
  // The label's typical share is intensity 1: the apex an edit of the emotion shows.
  const typical = (target && models.file.emotionShare?.[target]) || 1;
  let smileScale = 1;
  let au6Ratio: number | undefined;
  if (label === 'posed-smile' || label === 'spontaneous-smile') {
    const d = SMILE_DYNAMICS[label];
    smileScale = uniform(rng.fork('amplitude'), d.amplitude);
    au6Ratio = d.au6;
  }
  const blinks = blinkTrack(models, M, MODEL_FPS, rng.fork('blinks'), baseLabel(label));
  const events = label === 'listening' ? listeningEvents(models, M, rng.fork('listening')) : undefined;
  const model: Float32Array[] = [];
  for (let t = 0; t < feats.length; t++) {
    const f = feats[t]!;
    const a = oneSided(f);
    const row =
      v && target ? emotionRow(a, target, v, vv, intensity * smileScale, typical, rise ? rise[t]! : 1, au6Ratio) : a;
    if (events) {
      const smile = emotionAUs('happy', events.smile[t]!);
      ACTION_UNITS.forEach((au, k) => {
        row[2 * k]! += smile.left[au] ?? 0;
        row[2 * k + 1]! += smile.right[au] ?? 0;
      });
    }
    if (keep && currentRow) for (let k = 0; k < row.length; k++) row[k]! -= (1 - keep[t]!) * currentRow[k]!;
    const g = Float32Array.from(row);
    model.push(
      Float32Array.of(
        ...g,
        f[F_POSE]!,
        f[F_POSE + 1]! + (events?.nod[t] ?? 0),
        f[F_POSE + 2]!,
        f[F_GAZE]!,
        f[F_GAZE + 1]!,
        blinks[t]!,
      ),
    );
    if (t % 512 === 511) yield 0.7 + (0.2 * (t + 1)) / feats.length;
  }
  easeIn(model, rise !== undefined);
  const out = atRate(model, MODEL_FPS, fps, shown);
  yield 0.95;
  const frames = yield* motionFrames(out);
  const shape = rise
    ? atRate(
        Array.from(rise, (x) => Float32Array.of(x)),
        MODEL_FPS,
        fps,
        shown,
      ).map((x) => x[0]!)
    : undefined;
  return { label, seed, fps, frames, envelope: shape, phases: shape ? phasesOf(shape) : undefined };
}

/** The options of one sample, checked, with their defaults. */
function checkedOptions(options: GenerateOptions): {
  label: GenerateLabel;
  seed: number;
  durationS: number;
  shownS: number;
  fps: number;
  intensity: number;
} {
  const label = options.label;
  if (!(GENERATE_LABELS as readonly string[]).includes(label))
    throw new RangeError(
      `Expected one of ${GENERATE_LABELS.join(', ')} for label but received ${JSON.stringify(label)}`,
    );
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  const durationS = options.durationS ?? GENERATE_DEFAULTS.durationS;
  if (!(durationS > 0 && durationS <= 600))
    throw new RangeError(`Expected a duration in (0, 600] seconds for durationS but received ${durationS}`);
  const shownS = options.shownS ?? durationS;
  if (!(shownS > 0)) throw new RangeError(`Expected a number of seconds above 0 for shownS but received ${shownS}`);
  const fps = options.fps ?? MODEL_FPS;
  if (!(fps >= 1 && fps <= 120)) throw new RangeError(`Expected 1–120 for fps but received ${fps}`);
  const intensity = options.intensity ?? GENERATE_DEFAULTS.intensity;
  if (!(intensity >= 0 && intensity <= 2)) throw new RangeError(`Expected 0–2 for intensity but received ${intensity}`);
  return { label, seed, durationS, shownS, fps, intensity };
}

/**
 * One frame's AUs (left, right per AU) for an emotion label: the generated frame's share of the emotion,
 * re-expressed through the edit's emotion at `strength` × that share, plus the residual, weighted by the
 * envelope `w`; smiles' cheek raiser follows the lip-corner puller at `au6Ratio`.
 */
function emotionRow(
  a: readonly number[],
  target: Exclude<EmotionName, 'neutral'>,
  v: readonly number[],
  vv: number,
  strength: number,
  typical: number,
  w: number,
  au6Ratio: number | undefined,
): number[] {
  const s = Math.max(0, a.reduce((acc, x, k) => acc + x * v[k]!, 0) / vv) / typical;
  const e = emotionAUs(target, strength * s);
  const row = ACTION_UNITS.flatMap((au, k) => {
    const side = (j: 0 | 1): number => {
      const emo = (j === 0 ? e.left[au] : e.right[au]) ?? 0;
      const residual = a[2 * k + j]! - s * typical * v[2 * k + j]!;
      return w * (emo + residual);
    };
    return [side(0), side(1)];
  });
  if (au6Ratio !== undefined) {
    // Smiles: the cheek raiser follows the lip-corner puller at the published ratio.
    const k6 = ACTION_UNITS.indexOf(6);
    const k12 = ACTION_UNITS.indexOf(12);
    const lip = Math.max(0, (row[2 * k12]! + row[2 * k12 + 1]!) / 2);
    row[2 * k6] = row[2 * k6 + 1] = au6Ratio * lip;
  }
  return row;
}

/**
 * The face starts as the portrait shows it: head, gaze and (outside an episode's own rise) the expression
 * ease in over the first 0.4 s.
 */
function easeIn(model: Float32Array[], episode: boolean): void {
  const ramp = Math.round(0.4 * MODEL_FPS);
  const K = ACTION_UNITS.length * 2;
  for (let t = 0; t < Math.min(ramp, model.length); t++) {
    const x = t / ramp;
    const w = x * x * (3 - 2 * x);
    const f = model[t]!;
    for (let k = episode ? K : 0; k < K + 5; k++) f[k]! *= w;
  }
}

/** Model rows (AUs per side, pose, gaze, blink) as motion frames. */
function* motionFrames(out: readonly Float32Array[]): Steps<MotionFrame[]> {
  const K = ACTION_UNITS.length * 2;
  const frames: MotionFrame[] = [];
  for (const f of out) {
    const aus: AuIntensities = { left: {}, right: {} };
    ACTION_UNITS.forEach((au, k) => {
      if (au === 45) return;
      const l = clampChange(f[2 * k]!);
      const r = clampChange(f[2 * k + 1]!);
      if (l) aus.left[au] = l;
      if (r) aus.right[au] = r;
    });
    frames.push({
      aus,
      pose: { yawDeg: f[K]!, pitchDeg: f[K + 1]!, rollDeg: f[K + 2]! },
      gaze: { x: f[K + 3]!, y: f[K + 4]! },
      blink: Math.max(0, Math.min(1, f[K + 5]!)),
    });
    if (frames.length % 1024 === 0) yield 0.95 + (0.05 * frames.length) / out.length;
  }
  return frames;
}

/** `count` frames at `toFps` from frames at `fromFps`, linearly interpolated (the last frame held). */
function atRate(frames: readonly Float32Array[], fromFps: number, toFps: number, count: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const u = (i / toFps) * fromFps;
    const a = Math.min(frames.length - 1, Math.floor(u));
    const b = Math.min(frames.length - 1, a + 1);
    const x = Math.min(1, u - a);
    const f = new Float32Array(frames[a]!.length);
    for (let k = 0; k < f.length; k++) f[k] = frames[a]![k]! * (1 - x) + frames[b]![k]! * x;
    out.push(f);
  }
  return out;
}

const clampChange = (v: number): number => Math.max(-AU_MAX, Math.min(AU_MAX, Math.round(v * 1000) / 1000));

/**
 * Listening: nods (the head dips and comes back) and small spontaneous smiles on top of idle motion.
 * Nod depth 3–7° over 0.5–0.9 s every 2–6 s; a smile of 0.2–0.4 of the happy apex lasting 1.5–3 s every
 * 5–10 s (our choices; docs/generate.md).
 */
function listeningEvents(models: MotionModels, frames: number, rng: Random): { nod: number[]; smile: number[] } {
  const nod = new Array<number>(frames).fill(0);
  const smile = new Array<number>(frames).fill(0);
  const fps = MODEL_FPS;
  for (let t = 0.5 + rng.next() * 2; t < frames / fps; t += 2 + 4 * rng.next()) {
    const depth = 3 + 4 * rng.next();
    const d = 0.5 + 0.4 * rng.next();
    for (let i = Math.floor(t * fps); i < Math.min(frames, Math.ceil((t + d) * fps)); i++) {
      const x = (i / fps - t) / d;
      if (x > 0 && x < 1) nod[i]! += depth * Math.sin(Math.PI * x) ** 2;
    }
  }
  for (let t = 1 + rng.next() * 4; t < frames / fps; t += 5 + 5 * rng.next()) {
    const d = 1.5 + 1.5 * rng.next();
    const n = Math.max(2, Math.round(d * fps));
    const env = models.envelope.run('happy', 0.3, new Array<number>(EXPRESSIVE_EMOTIONS.length).fill(0), n, fps).rise;
    const peak = maxOf(env) || 1;
    const amp = 0.2 + 0.2 * rng.next();
    for (let i = 0; i < n && Math.floor(t * fps) + i < frames; i++)
      smile[Math.floor(t * fps) + i]! += (amp * env[i]!) / peak;
  }
  return { nod, smile };
}
