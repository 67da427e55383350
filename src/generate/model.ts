/**
 * The trained motion models as shipped (models/motion.json, written by scripts/train-motion.ts) and
 * their forward passes on plain arrays (src/generate/nn.ts):
 *
 * - the *generator*, a conditional VAE over feature sequences (src/generate/features.ts) with a
 *   global latent (the sequence's style: which actions, how strong, how much the head moves) and a local
 *   latent every 8 frames (what happens when), encoded by 1-D convolutions with pair averaging and decoded
 *   by dilated 1-D convolutions;
 * - the *envelope*, an LSTM that predicts how an expression unfolds from the face's current expression,
 *   a target emotion and its intensity: the target's rise and fall (onset → apex → hold → offset) and
 *   how the previous expression fades.
 *
 * Pure: the model file's JSON is handed in (a Node helper reads it from the package, a browser fetches it).
 */
import { conv1d, decodeFloat32, dense, lstm, type Activation, type WeightArray } from './nn.js';
import { runSteps, type Steps } from '../motion/steps.js';

export const MOTION_MODEL_FORMAT = 'vivify-motion-models';
export const MOTION_MODEL_VERSION = 1;

export interface GeneratorConfig {
  /** Conditioning labels, in one-hot order. */
  labels: string[];
  features: number;
  /** Frames per local latent. */
  stride: number;
  localLatent: number;
  globalLatent: number;
  channels: number;
  kernel: number;
  /** Dilations of the decoder's hidden convolutions. */
  decoderDilations: number[];
  /** Lower bound of the decoder's log-variance (normalised units). */
  minLogVar: number;
}

export interface EnvelopeConfig {
  units: number;
  /** Steps per second of the LSTM (the envelope is slow; results are interpolated to any frame rate). */
  fps: number;
  /** Emotions (target one-hot order). */
  emotions: string[];
  /** Seconds at which the elapsed and remaining-time inputs saturate. */
  horizonS: number;
}

export interface BlinkStats {
  /** Log-normal fit of the intervals between blink starts, seconds. */
  intervalLogMean: number;
  intervalLogStd: number;
  /** Blink length, seconds (mean and standard deviation). */
  durationMean: number;
  durationStd: number;
  /** Blinks counted, and the minutes of video they came from. */
  count: number;
  minutes: number;
}

/**
 * What the motion data and models were built with (src/dataset/motion-versions.ts gives the code's own):
 * the data file and the model file record them, and test/unit/motion-versions.test.ts fails when they
 * disagree with the code, so a change of the landmark analysis, the AU estimator or the emotion directions
 * cannot leave the shipped data or models silently stale.
 */
export interface MotionVersions {
  /** MOTION_DATA_VERSION (src/generate/data.ts): the data file's layout and curve definitions. */
  motionData: number;
  /** LANDMARK_CACHE_VERSION (src/dataset/landmarks.ts): the landmark pipeline the curves were tracked with. */
  landmarkCache: number;
  /** auEstimatorFingerprint() (src/analysis/au-fingerprint.ts): the AU estimator the intensities come from. */
  auEstimator: string;
  /**
   * emotionVectorsFingerprint() (src/generate/features.ts): the emotions' AU vectors (the edit's apexes)
   * that episodes, the envelope and the emotions' shares are measured in. Models only: the curves do not
   * depend on them.
   */
  emotionVectors?: string;
}

export interface MotionModelFile {
  format: typeof MOTION_MODEL_FORMAT;
  version: number;
  /** The versions of the data and the analysis the models were trained on. */
  versions: MotionVersions;
  trainedBy: string;
  /** Validation figures recorded at training time (what `npm run train:motion` reproduces). */
  validation: Record<string, number | string>;
  fps: number;
  /** Per-feature normalisation of the generator. */
  featureMean: number[];
  featureStd: number[];
  generator: { config: GeneratorConfig; weights: Record<string, { shape: number[]; data: string }> };
  envelope: { config: EnvelopeConfig; weights: Record<string, { shape: number[]; data: string }> };
  blinks: BlinkStats;
  /**
   * Per emotion: the mean share of the emotion in the generator's samples of it (src/generate/generate.ts,
   * emotionShare). Generation divides by it, so a typical sample at intensity 1 shows the edit's apex.
   */
  emotionShare?: Record<string, number>;
  /** Blink statistics of the labels with enough blinks of their own (the others use `blinks`). */
  labelBlinks?: Record<string, BlinkStats>;
  /**
   * How much real episodes' onsets and offsets vary around the envelope's prediction (standard deviation of
   * log(real / predicted) length over the training episodes): each sample's timing is drawn from it.
   */
  timing: { onsetLogSd: number; offsetLogSd: number };
  /**
   * What the decoder's mean leaves out — unmodelled motion and the trackers' noise — per label and feature
   * as a band-limited process (normalised units; src/generate/generate.ts): an AR(1) of correlation `rho`,
   * Gaussian-smoothed over `smooth` frames (0 or absent: not smoothed), its slow part removed, scaled by
   * `sigma`; fitted by moments to the label's training clips. `offset`: the level the decoder's mean misses
   * for latents drawn from the prior (the label's mean over its clips minus the samples'), added back. A
   * label without an entry gets none. `activity`: per feature group (AUs, head, gaze), the spread τ of a
   * slowly varying gain exp(τz − τ²) on the residual, so some moments are busier than others as in the clips.
   * `slow`: per feature, the scale of the head's sway (smooth noise over a few seconds, src/generate/
   * sample-features.ts), fitted to the label's clips' head motion within 4-s windows; absent or 0: none.
   */
  noise: Record<
    string,
    { rho: number[]; sigma: number[]; smooth?: number[]; offset?: number[]; activity?: number[]; slow?: number[] }
  >;
}

export interface MotionModels {
  file: MotionModelFile;
  generator: Generator;
  envelope: Envelope;
}

export interface Generator {
  config: GeneratorConfig;
  /**
   * Decodes latents into a feature sequence (normalised units): `local` has ceil(frames / stride) rows
   * of `localLatent` values, `global` `globalLatent` values. Returns per-frame means and log-variances.
   */
  decode(
    label: string,
    global: ArrayLike<number>,
    local: Float32Array,
    frames: number,
  ): { mean: Float32Array; logVar: Float32Array };
  /** {@link Generator.decode} with a checkpoint after each layer (src/motion/steps.ts). */
  decodeSteps(
    label: string,
    global: ArrayLike<number>,
    local: Float32Array,
    frames: number,
  ): Steps<{ mean: Float32Array; logVar: Float32Array }>;
  /** The posterior mean latents of a (normalised) feature sequence. */
  encode(label: string, features: Float32Array, frames: number): { global: Float32Array; local: Float32Array };
}

export interface Envelope {
  config: EnvelopeConfig;
  /**
   * Per frame: the target emotion's rise and fall (0–1 of the intensity) and the fraction of the previous
   * expression still shown, for an episode of `frames` frames at `fps`.
   */
  run(
    target: string,
    intensity: number,
    current: ArrayLike<number>,
    frames: number,
    fps: number,
  ): { rise: Float32Array; keep: Float32Array };
}

function weights(file: { shape: number[]; data: string }): WeightArray {
  const data = decodeFloat32(file.data);
  const n = file.shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new RangeError(`weight of shape ${file.shape.join('×')} has ${data.length} values`);
  return { shape: file.shape, data };
}

/** Checks a parsed model file and builds the forward passes. */
export function loadMotionModels(json: unknown): MotionModels {
  const file = json as MotionModelFile;
  if (!file || typeof file !== 'object' || file.format !== MOTION_MODEL_FORMAT)
    throw new TypeError(
      `Expected a motion model file (format ${MOTION_MODEL_FORMAT}) for models but received something else`,
    );
  if (file.version !== MOTION_MODEL_VERSION)
    throw new RangeError(
      `Expected motion model version ${MOTION_MODEL_VERSION} for models but received ${file.version}`,
    );
  for (const key of ['generator', 'envelope', 'blinks', 'noise', 'timing', 'featureMean', 'featureStd'] as const) {
    if (!file[key] || typeof file[key] !== 'object') throw new RangeError(`motion model file lacks ${key}`);
  }
  const g = Object.fromEntries(Object.entries(file.generator.weights).map(([k, v]) => [k, weights(v)]));
  const e = Object.fromEntries(Object.entries(file.envelope.weights).map(([k, v]) => [k, weights(v)]));
  const need = (set: Record<string, WeightArray>, name: string): WeightArray => {
    const w = set[name];
    if (!w) throw new RangeError(`motion model file lacks weight ${name}`);
    return w;
  };
  return {
    file,
    generator: buildGenerator(file.generator.config, (n) => need(g, n)),
    envelope: buildEnvelope(file.envelope.config, (n) => need(e, n)),
  };
}

function oneHot(labels: readonly string[], label: string): Float32Array {
  const k = labels.indexOf(label);
  if (k < 0)
    throw new RangeError(`Expected one of ${labels.join(', ')} for label but received ${JSON.stringify(label)}`);
  const v = new Float32Array(labels.length);
  v[k] = 1;
  return v;
}

/** Concatenates per-frame blocks: each part is [frames × width] (or one row repeated). */
function concatFrames(
  frames: number,
  parts: { data: ArrayLike<number>; width: number; repeat?: boolean }[],
): Float32Array {
  const W = parts.reduce((s, p) => s + p.width, 0);
  const out = new Float32Array(frames * W);
  for (let t = 0; t < frames; t++) {
    let o = t * W;
    for (const p of parts) {
      const src = p.repeat ? 0 : t * p.width;
      for (let k = 0; k < p.width; k++) out[o + k] = p.data[src + k]!;
      o += p.width;
    }
  }
  return out;
}

function buildGenerator(config: GeneratorConfig, w: (name: string) => WeightArray): Generator {
  const C = config.labels.length;
  const F = config.features;
  const relu: Activation = 'relu';
  function* decodeSteps(
    label: string,
    global: ArrayLike<number>,
    local: Float32Array,
    frames: number,
  ): Steps<{ mean: Float32Array; logVar: Float32Array }> {
    const y = oneHot(config.labels, label);
    const L = config.localLatent;
    // Each local latent covers `stride` frames.
    const up = new Float32Array(frames * L);
    for (let t = 0; t < frames; t++) {
      const k = Math.min(Math.floor(t / config.stride), local.length / L - 1);
      for (let j = 0; j < L; j++) up[t * L + j] = local[k * L + j]!;
    }
    let x = concatFrames(frames, [
      { data: up, width: L },
      { data: global, width: config.globalLatent, repeat: true },
      { data: y, width: C, repeat: true },
    ]);
    const layers = config.decoderDilations.length + 2;
    x = conv1d(x, frames, w('dec_in/kernel'), w('dec_in/bias'), relu).y;
    yield 1 / layers;
    for (const [i, d] of config.decoderDilations.entries()) {
      x = conv1d(x, frames, w(`dec_${i}/kernel`), w(`dec_${i}/bias`), relu, 1, d).y;
      yield (i + 2) / layers;
    }
    const out = conv1d(x, frames, w('dec_out/kernel'), w('dec_out/bias'), 'linear').y;
    const mean = new Float32Array(frames * F);
    const logVar = new Float32Array(frames * F);
    for (let t = 0; t < frames; t++) {
      for (let f = 0; f < F; f++) {
        mean[t * F + f] = out[t * 2 * F + f]!;
        logVar[t * F + f] = Math.max(config.minLogVar, out[t * 2 * F + F + f]!);
      }
    }
    return { mean, logVar };
  }
  return {
    config,
    decode: (label, global, local, frames) => runSteps(decodeSteps(label, global, local, frames)),
    decodeSteps,
    encode(label, features, frames) {
      const y = oneHot(config.labels, label);
      let x = concatFrames(frames, [
        { data: features, width: F },
        { data: y, width: C, repeat: true },
      ]);
      let steps = frames;
      x = conv1d(x, steps, w('enc_in/kernel'), w('enc_in/bias'), relu).y;
      for (let i = 0; i < 3; i++) {
        x = averagePairs(conv1d(x, steps, w(`enc_${i}/kernel`), w(`enc_${i}/bias`), relu).y, steps, config.channels);
        steps = Math.floor(steps / 2);
      }
      const loc = conv1d(x, steps, w('enc_local/kernel'), w('enc_local/bias'), 'linear').y;
      const L = config.localLatent;
      const local = new Float32Array(steps * L);
      for (let t = 0; t < steps; t++) for (let j = 0; j < L; j++) local[t * L + j] = loc[t * 2 * L + j]!;
      const H = config.channels;
      const pooled = new Float32Array(H);
      for (let t = 0; t < steps; t++) for (let j = 0; j < H; j++) pooled[j]! += x[t * H + j]! / steps;
      const gl = dense(pooled, 1, w('enc_global/kernel'), w('enc_global/bias'), 'linear');
      return { global: gl.slice(0, config.globalLatent), local };
    },
  };
}

/** Halves a [steps × channels] sequence by averaging pairs of steps (an odd last step is dropped). */
function averagePairs(x: Float32Array, steps: number, channels: number): Float32Array {
  const n = Math.floor(steps / 2);
  const out = new Float32Array(n * channels);
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < channels; c++)
      out[t * channels + c] = (x[2 * t * channels + c]! + x[(2 * t + 1) * channels + c]!) / 2;
  }
  return out;
}

/** The envelope network's per-frame input: target, intensity, current expression and where in time it is. */
export function envelopeInputs(
  config: EnvelopeConfig,
  target: string,
  intensity: number,
  current: ArrayLike<number>,
  frames: number,
  fps: number,
): Float32Array {
  const E = config.emotions.length;
  const t0 = oneHot(config.emotions, target);
  const W = E + 1 + E + 1 + 3;
  const x = new Float32Array(frames * W);
  let others = 0;
  for (let k = 0; k < E; k++) if (k !== config.emotions.indexOf(target)) others += current[k]!;
  for (let t = 0; t < frames; t++) {
    const o = t * W;
    x.set(t0, o);
    x[o + E] = intensity;
    for (let k = 0; k < E; k++) x[o + E + 1 + k] = current[k]!;
    x[o + 2 * E + 1] = others;
    x[o + 2 * E + 2] = frames > 1 ? t / (frames - 1) : 0;
    x[o + 2 * E + 3] = Math.min(t / fps, config.horizonS) / config.horizonS;
    x[o + 2 * E + 4] = Math.min((frames - 1 - t) / fps, config.horizonS) / config.horizonS;
  }
  return x;
}

function buildEnvelope(config: EnvelopeConfig, w: (name: string) => WeightArray): Envelope {
  return {
    config,
    run(target, intensity, current, frames, fps) {
      // The LSTM runs at its own rate over the same duration; its steps are interpolated to the frames.
      const steps = Math.max(2, Math.round(((frames - 1) / fps) * config.fps) + 1);
      const x = envelopeInputs(config, target, intensity, current, steps, config.fps);
      const h = lstm(x, steps, w('lstm/kernel'), w('lstm/recurrent_kernel'), w('lstm/bias'));
      const y = dense(h, steps, w('out/kernel'), w('out/bias'), 'sigmoid');
      const rise = new Float32Array(frames);
      const keep = new Float32Array(frames);
      for (let t = 0; t < frames; t++) {
        const u = frames > 1 ? (t / (frames - 1)) * (steps - 1) : 0;
        const a = Math.min(steps - 2, Math.floor(u));
        const f = u - a;
        rise[t] = y[2 * a]! * (1 - f) + y[2 * (a + 1)]! * f;
        keep[t] = y[2 * a + 1]! * (1 - f) + y[2 * (a + 1) + 1]! * f;
      }
      return { rise, keep };
    },
  };
}
