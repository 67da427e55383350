/**
 * The generator's raw samples (src/generate/generate.ts makes labelled motion from them): feature frames from
 * the trained decoder and its fitted residual motion, smoothed as measured curves are, and the mouth's
 * speech movements taken out of them (a silent mouth unless speech is asked for). Pure.
 */
import type { ActionUnit } from '../face/action-units.js';
import { MEASUREMENT_SMOOTHING } from './dataset.js';
import { F_ASYM, F_GAZE, F_MEAN, F_POSE, FEATURES, MODEL_AUS, MODEL_FPS, smoothFrames } from './features.js';
import type { MotionModels } from './model.js';
import type { Random } from './random.js';
import { runSteps, within, type Steps } from '../motion/steps.js';

/** The mouth's actions in speech (the silent mouth keeps their lower envelope). */
const SPEECH_AUS: readonly ActionUnit[] = [10, 14, 15, 17, 20, 23, 25, 26];

/**
 * Samples the generator: `frames` feature frames (Vivify's units) for a label — the decoder's mean for
 * latents drawn from the prior, plus the fitted AR(1) residual process (`noise`, default 1; 0 gives the
 * clean mean motion), smoothed like measured curves. Exposed for evaluation.
 */
export function sampleFeatures(
  models: MotionModels,
  label: string,
  frames: number,
  rng: Random,
  options: { temperature?: number; noise?: number } = {},
): Float32Array[] {
  return runSteps(sampleFeatureSteps(models, label, frames, rng, options));
}

/** {@link sampleFeatures} with checkpoints (src/motion/steps.ts). */
export function* sampleFeatureSteps(
  models: MotionModels,
  label: string,
  frames: number,
  rng: Random,
  options: { temperature?: number; noise?: number } = {},
): Steps<Float32Array[]> {
  const temperature = options.temperature ?? 1;
  const noiseScale = options.noise ?? 1;
  const g = models.generator;
  const steps = Math.ceil(frames / g.config.stride);
  const latent = rng.fork('latent');
  const global = Float32Array.from({ length: g.config.globalLatent }, () => temperature * latent.normal());
  const local = Float32Array.from({ length: steps * g.config.localLatent }, () => temperature * latent.normal());
  const { mean } = yield* within(g.decodeSteps(label, global, local, frames), 0, 0.5);
  const noise = rng.fork('noise');
  const F = FEATURES;
  const m = models.file.featureMean;
  const s = models.file.featureStd;
  const fitted = models.file.noise[label];
  const rho = fitted?.rho ?? new Array<number>(F).fill(0);
  const sigma = fitted?.sigma ?? new Array<number>(F).fill(0);
  const smooth = fitted?.smooth ?? new Array<number>(F).fill(0);
  // The label's level the decoder's mean misses for latents drawn from the prior (fitted at training).
  const offset = fitted?.offset ?? new Array<number>(F).fill(0);
  // Per feature a band-limited residual: unit AR(1), Gaussian-smoothed (σ `smooth` frames, where fitted),
  // its slow part removed, scaled.
  const residual: number[][] = [];
  for (let k = 0; k < F; k++) {
    let x = noise.normal();
    const raw: number[] = [];
    for (let t = 0; t < frames; t++) {
      if (t > 0) x = rho[k]! * x + Math.sqrt(1 - rho[k]! ** 2) * noise.normal();
      raw.push(x);
    }
    residual.push(highPass(smoothSeries(raw, smooth[k]!), HIGH_PASS_SIGMA).map((v) => v * sigma[k]! * noiseScale));
    yield 0.5 + (0.4 * (k + 1)) / F;
  }
  // Activity: real faces are busier at some moments and in some people than others (a burst of words, a
  // still pause, a restless speaker), so each feature group's residual is modulated by a gain exp(τz − τ²)
  // (E[gain²] = 1, so the mean variance is kept; τ fitted per label and group), z a unit-variance mix of
  // one draw for the whole sample (0.8) and noise smoothed over a second (0.6).
  const tau = fitted?.activity;
  if (tau) {
    const act = rng.fork('activity');
    for (const [g, [from, to]] of ACTIVITY_GROUPS.entries()) {
      const whole = act.normal();
      const z = unitSmoothNoise(act, frames, ACTIVITY_SMOOTHING).map((v) => 0.8 * whole + 0.6 * v);
      const tg = tau[g] ?? 0;
      if (!(tg > 0)) continue;
      for (let t = 0; t < frames; t++) {
        const gain = Math.exp(tg * z[t]! - tg * tg);
        for (let k = from; k < to; k++) residual[k]![t]! *= gain;
      }
    }
  }
  // Sway: the head's slower turns and nods (over a few seconds), which the residual's band leaves out and the
  // decoder's mean carries too little of — smooth noise of σ SWAY_SIGMA frames, scaled per feature (`slow`,
  // fitted so that the head moves within 4-s windows as much as in the label's clips).
  const slow = fitted?.slow;
  if (slow) {
    const sway = rng.fork('sway');
    for (let k = 0; k < F; k++) {
      if (!(slow[k]! > 0)) continue;
      const u = unitSmoothNoise(sway, frames, SWAY_SIGMA);
      for (let t = 0; t < frames; t++) residual[k]![t]! += slow[k]! * noiseScale * u[t]!;
    }
  }
  const out: Float32Array[] = [];
  for (let t = 0; t < frames; t++) {
    const f = new Float32Array(F);
    for (let k = 0; k < F; k++) f[k] = (mean[t * F + k]! + offset[k]! + residual[k]![t]!) * s[k]! + m[k]!;
    out.push(f);
  }
  yield 0.95;
  return smoothFrames(out, MEASUREMENT_SMOOTHING);
}

/** Feature groups whose residual shares one activity gain: the AUs (means and asymmetries), the head, the gaze. */
export const ACTIVITY_GROUPS: readonly [number, number][] = [
  [F_MEAN, F_POSE],
  [F_POSE, F_GAZE],
  [F_GAZE, FEATURES],
];

/** σ, in frames, of the smoothing of the activity gain's noise (1 s). */
const ACTIVITY_SMOOTHING = 25;

/**
 * σ, in frames, of the head's sway (see sampleFeatureSteps): the band the residual's high-pass takes out
 * (motion slower than about a second), so the two together cover the head's motion from frame to frame to
 * a few seconds.
 */
export const SWAY_SIGMA = 12;

/** White noise smoothed by a Gaussian of σ frames, rescaled to unit variance (away from the ends). */
export function unitSmoothNoise(rng: Random, frames: number, sigma: number): number[] {
  const raw = Array.from({ length: frames }, () => rng.normal());
  // A Gaussian average of σ frames keeps 1 / (2σ√π) of white noise's variance.
  const gain = Math.sqrt(2 * sigma * Math.sqrt(Math.PI));
  return smoothSeries(raw, sigma).map((v) => v * gain);
}

/** A series smoothed by a Gaussian of σ frames (unchanged for σ ≤ 0). */
export function smoothSeries(v: readonly number[], sigma: number): number[] {
  if (!(sigma > 0)) return Array.from(v);
  return smoothFrames(
    v.map((x) => Float32Array.of(x)),
    sigma,
  ).map((f) => f[0]!);
}

/** σ, in frames, of the Gaussian average that the residual noise's slow part is taken with (±1.5 s). */
export const HIGH_PASS_SIGMA = 12;

/** A series minus its Gaussian average (σ in frames): what changes within a second or two. */
export function highPass(v: readonly number[], sigma: number): number[] {
  const slow = smoothFrames(
    v.map((x) => Float32Array.of(x)),
    sigma,
  );
  return v.map((x, t) => x - slow[t]![0]!);
}

/**
 * Removes speech from feature frames: each mouth action keeps its lower envelope (the lowest value within
 * ±0.4 s, smoothed), which is what the expression holds between syllables.
 */
export function removeSpeech(frames: readonly Float32Array[], fps = MODEL_FPS): Float32Array[] {
  return runSteps(removeSpeechSteps(frames, fps));
}

/** {@link removeSpeech} with a checkpoint after each mouth action (src/motion/steps.ts). */
export function* removeSpeechSteps(frames: readonly Float32Array[], fps = MODEL_FPS): Steps<Float32Array[]> {
  const r = Math.round(0.4 * fps);
  const out = frames.map((f) => Float32Array.from(f));
  const cols = SPEECH_AUS.map((au) => MODEL_AUS.indexOf(au));
  for (const [c, i] of cols.entries()) {
    const l = frames.map((f) => f[F_MEAN + i]! + f[F_ASYM + i]!);
    const rt = frames.map((f) => f[F_MEAN + i]! - f[F_ASYM + i]!);
    const low = (v: number[]): Float32Array[] =>
      v.map((_, t) => {
        let mn = Infinity;
        for (let k = Math.max(0, t - r); k <= Math.min(v.length - 1, t + r); k++) mn = Math.min(mn, v[k]!);
        return Float32Array.of(mn);
      });
    const ls = smoothFrames(low(l), fps / 6);
    const rs = smoothFrames(low(rt), fps / 6);
    out.forEach((f, t) => {
      f[F_MEAN + i] = (ls[t]![0]! + rs[t]![0]!) / 2;
      f[F_ASYM + i] = (ls[t]![0]! - rs[t]![0]!) / 2;
    });
    yield (c + 1) / cols.length;
  }
  return out;
}
