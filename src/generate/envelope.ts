/**
 * Generated emotion episodes (src/generate/generate.ts): the envelope of an episode — the envelope model's
 * prediction with each sample's own onset and offset drawn around it, or the published dynamics of posed
 * and spontaneous smiles — as a 0 … 1 series whose peak is the apex. Pure.
 */
import { ACTION_UNITS, type AuIntensities } from '../face/action-units.js';
import type { EmotionName } from '../emotion/emotion-names.js';
import { phasesOf, type Phases } from './episodes.js';
import type { GenerateLabel } from './generate.js';
import { GENERATE_DEFAULTS } from './defaults.js';
import { emotionCoordinates, EXPRESSIVE_EMOTIONS, MODEL_FPS, resample } from './features.js';
import type { MotionModels } from './model.js';
import type { Random } from './random.js';

/**
 * Smile dynamics from published measurements (docs/generate.md cites the sources and says which numbers
 * are ours): onset and offset durations in seconds (uniform ranges), amplitude relative to the happy
 * apex, and the cheek raiser (AU6, the Duchenne marker) as a fraction of the lip-corner puller (AU12).
 */
export const SMILE_DYNAMICS = {
  'spontaneous-smile': { onsetS: [0.5, 1.0], offsetS: [0.7, 1.4], amplitude: [0.6, 0.85], au6: 0.6 },
  'posed-smile': { onsetS: [0.2, 0.4], offsetS: [0.3, 0.6], amplitude: [0.85, 1.1], au6: 0.15 },
} as const;

/** Mouth actions that speech moves; without `talking` they keep only their slow part. */

export function uniform(rng: Random, [a, b]: readonly [number, number]): number {
  return a + (b - a) * rng.next();
}

/** Warps an envelope in time so that its onset and offset last `onset` and `offset` frames. */
function warpEnvelope(rise: Float32Array, onset: number, offset: number): Float32Array {
  const n = rise.length;
  const p = phasesOf(Array.from(rise));
  const on0 = Math.max(1, p.onset);
  const off0 = Math.max(1, p.offset);
  const hold0 = Math.max(1, n - on0 - off0);
  const on1 = Math.min(onset, n * 0.45);
  const off1 = Math.min(offset, n * 0.45);
  const hold1 = Math.max(1, n - on1 - off1);
  const out = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    // Map output time to the envelope's own time, phase by phase.
    const src =
      t < on1
        ? (t / on1) * on0
        : t < on1 + hold1
          ? on0 + ((t - on1) / hold1) * hold0
          : on0 + hold0 + ((t - on1 - hold1) / off1) * off0;
    const a = Math.min(n - 1, Math.floor(src));
    const x = src - a;
    out[t] = rise[a]! * (1 - x) + rise[Math.min(n - 1, a + 1)]! * x;
  }
  return out;
}

/**
 * Predicts how an emotion unfolds on a face that currently shows `current`: per frame, the target's rise
 * (0–1 of `intensity`, onset → apex → hold → offset) and the fraction of the current expression still
 * shown, for an episode of `durationS` seconds. The emotion-sequence predictor (the envelope LSTM).
 */
export function predictEmotionSequence(
  models: MotionModels,
  emotion: Exclude<EmotionName, 'neutral'>,
  options: { intensity?: number; current?: AuIntensities; durationS?: number; fps?: number } = {},
): { rise: number[]; keep: number[]; phases: Phases; fps: number } {
  const fps = options.fps ?? MODEL_FPS;
  const frames = Math.max(2, Math.round((options.durationS ?? 3) * MODEL_FPS));
  const coords = options.current
    ? emotionCoordinates(toRow(options.current))
    : new Array<number>(EXPRESSIVE_EMOTIONS.length).fill(0);
  const r = models.envelope.run(emotion, options.intensity ?? GENERATE_DEFAULTS.intensity, coords, frames, MODEL_FPS);
  const pair = resample(
    Array.from(r.rise, (v, t) => Float32Array.of(v, r.keep[t]!)),
    MODEL_FPS,
    fps,
  );
  const rise = pair.map((p) => p[0]!);
  return { rise, keep: pair.map((p) => p[1]!), phases: phasesOf(rise), fps };
}

/**
 * An emotion episode's envelope over N model frames (0 … 1, its peak the apex) and how much of the face as
 * it is to keep: the envelope model's prediction, with this sample's own timing.
 */
export function episodeEnvelope(
  models: MotionModels,
  label: GenerateLabel,
  target: Exclude<EmotionName, 'neutral'>,
  intensity: number,
  currentRow: number[] | undefined,
  N: number,
  timing: Random,
): { rise: Float32Array; keep: Float32Array } {
  // The envelope spans the whole duration (its timing is the sample's), even where only part is shown.
  const coords = currentRow ? emotionCoordinates(currentRow) : new Array<number>(EXPRESSIVE_EMOTIONS.length).fill(0);
  const r = models.envelope.run(target, intensity, coords, N, MODEL_FPS);
  // The episode starts and ends at the face as it is: the prediction's own first and last levels (a
  // straight line between them) are removed before its timing is drawn. Smiles keep their tail: their
  // offset is the published one the warp below sets.
  const smile = label === 'posed-smile' || label === 'spontaneous-smile';
  const first = r.rise[0]!;
  const last = smile ? first : r.rise[N - 1]!;
  let rise: Float32Array<ArrayBufferLike> = r.rise.map((v, t) =>
    Math.max(0, v - (first + ((last - first) * t) / Math.max(1, N - 1))),
  );
  if (label === 'posed-smile' || label === 'spontaneous-smile') {
    const d = SMILE_DYNAMICS[label];
    rise = warpEnvelope(rise, uniform(timing, d.onsetS) * MODEL_FPS, uniform(timing, d.offsetS) * MODEL_FPS);
  } else {
    // Each sample's own timing: onset and offset lengths drawn around the prediction with the spread
    // real episodes show (within half to twice the predicted length).
    const p = phasesOf(Array.from(rise));
    const { onsetLogSd, offsetLogSd } = models.file.timing;
    const scale = (sd: number): number => Math.exp(Math.max(-Math.LN2, Math.min(Math.LN2, sd * timing.normal())));
    rise = warpEnvelope(rise, Math.max(1, p.onset) * scale(onsetLogSd), Math.max(1, p.offset) * scale(offsetLogSd));
  }
  // The envelope is relative: its peak is the episode's apex.
  const peak = maxOf(rise);
  if (peak > 0) rise = rise.map((v) => v / peak);
  return { rise, keep: r.keep };
}

/** The largest value of a series (−Infinity for none), without spreading it into arguments. */
export function maxOf(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  return m;
}

export function toRow(a: AuIntensities): number[] {
  return ACTION_UNITS.flatMap((au) => [a.left[au] ?? 0, a.right[au] ?? 0]);
}
