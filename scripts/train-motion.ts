/**
 * Trains the motion models from data/motion-curves.json.gz and writes models/motion.json (docs/generate.md):
 *
 * 1. the generator — a conditional VAE (TensorFlow.js layers on the WebAssembly backend) over 48-frame
 *    windows of the feature curves of the training actors' clips, one label per clip;
 * 2. the envelope — an LSTM that learns the onset → apex → hold → offset of real expression episodes;
 * 3. blink statistics (intervals and lengths) of the training clips.
 *
 * Validation figures — the generator's evidence bound on the validation actors' clips and the envelope's
 * error on their episodes — are printed and stored in the model file. Deterministic for a given seed.
 *
 *   npm run train:motion [-- --epochs 50 --envelope-epochs 80 --seed 1 --out models/motion.json]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/analysis/models.js';
import { wasmDir } from '../src/analysis/node/load-models.js';
import { machine } from '../src/cli/machine.js';
import { writeAtomically } from '../src/media/atomic.js';
import { envelopeOnEpisodes } from '../src/generate/evaluate.js';
import { phasesOf, type Episode } from '../src/generate/episodes.js';
import { MOTION_DATA_VERSION, parseMotionData, type MotionClip } from '../src/generate/data.js';
import { motionDataVersions, motionVersions, versionDifferences } from '../src/dataset/motion-versions.js';
import { MOTION_DATA_FILE, readMotionDataFile } from '../src/dataset/motion-data-file.js';
import {
  clipClosure,
  clipEmotionTrack,
  clipEpisodes,
  clipFeatures,
  findBlinks,
  generatorLabel,
  generatorLabels,
  levelsRelative,
  MIN_TRAINING_FPS,
  teachesMotion,
  TRAINED_LABELS,
} from '../src/generate/dataset.js';
import { EXPRESSIVE_EMOTIONS, F_POSE, FEATURES, MODEL_FPS } from '../src/generate/features.js';
import {
  envelopeInputs,
  loadMotionModels,
  MOTION_MODEL_FORMAT,
  MOTION_MODEL_VERSION,
  type BlinkStats,
  type EnvelopeConfig,
  type GeneratorConfig,
  type MotionModelFile,
  type MotionModels,
  type MotionVersions,
} from '../src/generate/model.js';
import { createRandom } from '../src/generate/random.js';
import {
  ACTIVITY_GROUPS,
  emotionShare,
  sampleFeatures,
  SWAY_SIGMA,
  unitSmoothNoise,
} from '../src/generate/generate.js';
import { calibrateNoise, fitActivity, fitNoise, fitSway, levelOffset } from './motion-noise.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '40' },
    beta: { type: 'string', default: '0.5' },
    'envelope-epochs': { type: 'string', default: '80' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'models/motion.json' },
    data: { type: 'string', default: MOTION_DATA_FILE },
  },
});
const started = performance.now();
const seed = Number(args.seed);
const rng = createRandom(seed);
const rawData = (await readMotionDataFile(args.data!)) as { version?: number; versions?: MotionVersions };
const versions = motionVersions();
{
  // Curves measured with another analysis (landmarks, AU estimator, emotion directions) would train stale
  // models: refuse them.
  const stale =
    rawData.version === MOTION_DATA_VERSION
      ? versionDifferences(rawData.versions, motionDataVersions())
      : [`motionData: ${rawData.version} → ${MOTION_DATA_VERSION}`];
  if (stale.length) {
    console.error(
      `${args.data} was built with another analysis than the code's (${stale.join('; ')}): run npm run build:motion-data first`,
    );
    process.exit(1);
  }
}
const data = parseMotionData(rawData);
// What the generator and the blink statistics learn from: the clips filmed fast enough to show motion at the
// models' rate.
const learnable = data.clips.filter(teachesMotion);
await initBackend(wasmDir());
const log = (s: string): void =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);

// ---------------------------------------------------------------------------------------------------
// Data.
interface Seq {
  clip: MotionClip;
  label: string;
  x: Float32Array[];
}
// A clip trains every label it shows (a speaker without an emotion trains idle and talking).
const seqs: Seq[] = learnable.flatMap((clip) =>
  generatorLabels(clip).map((label) => ({ clip, label, x: clipFeatures(clip) })),
);
// Clips whose AU levels are only relative to the person's usual face (no neutral face known) keep their
// changes and take the mean level of the label's training clips that have a neutral reference.
const relevelled: string[] = [];
for (const label of new Set(seqs.map((q) => q.label))) {
  const known = seqs.filter((q) => q.label === label && q.clip.split === 'train' && !levelsRelative(q.clip, q.label));
  if (known.length === 0) continue;
  const level = new Array<number>(F_POSE).fill(0);
  let frames = 0;
  for (const q of known) {
    for (const f of q.x) {
      frames++;
      f.forEach((v, k) => {
        if (k < F_POSE) level[k]! += v;
      });
    }
  }
  for (const q of seqs.filter((x) => x.label === label && levelsRelative(x.clip, x.label))) {
    const own = new Array<number>(F_POSE).fill(0);
    for (const f of q.x) own.forEach((_, k) => (own[k]! += f[k]! / q.x.length));
    for (const f of q.x) for (let k = 0; k < F_POSE; k++) f[k]! += level[k]! / frames - own[k]!;
    relevelled.push(q.clip.file);
  }
}
const train = seqs.filter((s) => s.clip.split === 'train');
const val = seqs.filter((s) => s.clip.split === 'val');
const F = FEATURES;
const mean = new Array<number>(F).fill(0);
const std = new Array<number>(F).fill(0);
let n = 0;
for (const s of train) {
  for (const f of s.x) {
    n++;
    f.forEach((v, k) => (mean[k]! += v));
  }
}
for (let k = 0; k < F; k++) mean[k]! /= n;
for (const s of train) for (const f of s.x) f.forEach((v, k) => (std[k]! += (v - mean[k]!) ** 2 / n));
for (let k = 0; k < F; k++) std[k] = Math.max(1e-3, Math.sqrt(std[k]!));
const norm = (f: Float32Array): Float32Array => f.map((v, k) => (v - mean[k]!) / std[k]!);
for (const s of seqs) s.x = s.x.map(norm);
const labels: string[] = [...TRAINED_LABELS];
const byLabel = new Map<string, Seq[]>(labels.map((l) => [l, train.filter((s) => s.label === l)]));
log(
  `left out, filmed under ${MIN_TRAINING_FPS} frames/s: ${
    data.clips
      .filter((c) => !teachesMotion(c))
      .map((c) => `${c.file} (${c.fps})`)
      .join(', ') || 'none'
  }`,
);
log(`${relevelled.length} clips without a neutral reference re-levelled to their label's mean`);
log(
  `generator data: ${train.length} training clips (${train.reduce((a, s) => a + s.x.length, 0)} frames), ${val.length} validation clips; per label: ${labels.map((l) => `${l} ${byLabel.get(l)!.length}`).join(', ')}`,
);

// ---------------------------------------------------------------------------------------------------
// 1. Generator: conditional VAE with a global and a local latent.
const T = 48;
const G: GeneratorConfig = {
  labels,
  features: F,
  stride: 8,
  localLatent: 4,
  globalLatent: 8,
  channels: 32,
  kernel: 5,
  decoderDilations: [2, 4, 1],
  minLogVar: -5,
};
let layerSeed = seed * 1000;
const init = (): ReturnType<typeof tf.initializers.glorotUniform> =>
  tf.initializers.glorotUniform({ seed: layerSeed++ });

/**
 * A 1-D convolution ('same' padding, stride 1, dilation) written as taps of shifted slices and one matrix
 * product: tfjs's WebAssembly backend has no gradient kernel for convolutions, but has them for these.
 * The kernel is [K × in × out] like tfjs's Conv1D, so src/generate/nn.ts runs it as it is.
 */
class Conv {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly name: string,
    readonly inChannels: number,
    readonly filters: number,
    readonly size: number,
    readonly dilation = 1,
    readonly activation: 'relu' | 'linear' = 'relu',
  ) {
    const w = init().apply([size, inChannels, filters]) as tf.Tensor;
    this.kernel = tf.variable(w, true, `${name}/kernel`);
    this.bias = tf.variable(tf.zeros([filters]), true, `${name}/bias`);
  }
  apply(x: tf.Tensor): tf.Tensor {
    const [B, T, Cin] = x.shape as [number, number, number];
    const span = (this.size - 1) * this.dilation;
    const left = Math.floor(span / 2);
    const xp = tf.pad(x, [
      [0, 0],
      [left, span - left],
      [0, 0],
    ]);
    const taps: tf.Tensor[] = [];
    for (let k = 0; k < this.size; k++) taps.push(tf.slice(xp, [0, k * this.dilation, 0], [B, T, Cin]));
    const unfolded = tf.reshape(taps.length === 1 ? taps[0]! : tf.concat(taps, 2), [B * T, this.size * Cin]);
    const y = tf.add(tf.matMul(unfolded, tf.reshape(this.kernel, [this.size * Cin, this.filters])), this.bias);
    const out = tf.reshape(y, [B, T, this.filters]);
    return this.activation === 'relu' ? tf.relu(out) : out;
  }
}

/** Halves the time axis by averaging pairs of steps (the length must be even). */
const pool2 = (x: tf.Tensor): tf.Tensor => {
  const [B, T, C] = x.shape as [number, number, number];
  return tf.mean(tf.reshape(x, [B, T / 2, 2, C]), 2);
};

const H = G.channels;
const C = labels.length;
const L = G.localLatent;
const convs: Record<string, Conv> = {
  enc_in: new Conv('enc_in', F + C, H, G.kernel),
  enc_0: new Conv('enc_0', H, H, G.kernel),
  enc_1: new Conv('enc_1', H, H, G.kernel),
  enc_2: new Conv('enc_2', H, H, G.kernel),
  enc_local: new Conv('enc_local', H, 2 * L, 1, 1, 'linear'),
  dec_in: new Conv('dec_in', L + G.globalLatent + C, H, G.kernel),
  ...Object.fromEntries(G.decoderDilations.map((d, i) => [`dec_${i}`, new Conv(`dec_${i}`, H, H, G.kernel, d)])),
  dec_out: new Conv('dec_out', H, 2 * F, 1, 1, 'linear'),
};
const encGlobal = tf.layers.dense({ name: 'enc_global', units: 2 * G.globalLatent, kernelInitializer: init() });
const apply = (name: string, x: tf.Tensor): tf.Tensor =>
  name === 'enc_global' ? (encGlobal.apply(x) as tf.Tensor) : convs[name]!.apply(x);

/** Per-frame losses of a batch: reconstruction (Gaussian negative log-likelihood) and the two KL terms. */
function generatorLoss(
  x: tf.Tensor3D,
  y: tf.Tensor2D,
  epsL: tf.Tensor,
  epsG: tf.Tensor,
  sample = true,
): { nll: tf.Scalar; klL: tf.Scalar; klG: tf.Scalar } {
  const [B, Tn] = x.shape;
  const yT = tf.tile(tf.expandDims(y, 1), [1, Tn, 1]);
  let h = apply('enc_in', tf.concat([x, yT], 2));
  for (let i = 0; i < 3; i++) h = pool2(apply(`enc_${i}`, h));
  const loc = apply('enc_local', h);
  const muL = tf.slice(loc, [0, 0, 0], [-1, -1, L]);
  const lvL = tf.clipByValue(tf.slice(loc, [0, 0, L], [-1, -1, L]), -8, 4);
  const g = apply('enc_global', tf.mean(h, 1));
  const muG = tf.slice(g, [0, 0], [-1, G.globalLatent]);
  const lvG = tf.clipByValue(tf.slice(g, [0, G.globalLatent], [-1, G.globalLatent]), -8, 4);
  const zL = sample ? tf.add(muL, tf.mul(tf.exp(tf.mul(lvL, 0.5)), epsL)) : muL;
  const zG = sample ? tf.add(muG, tf.mul(tf.exp(tf.mul(lvG, 0.5)), epsG)) : muG;
  const steps = zL.shape[1]!;
  const zLup = tf.slice(
    tf.reshape(tf.tile(tf.expandDims(zL, 2), [1, 1, G.stride, 1]), [B!, steps * G.stride, L]),
    [0, 0, 0],
    [-1, Tn!, -1],
  );
  let d = apply('dec_in', tf.concat([zLup, tf.tile(tf.expandDims(zG, 1), [1, Tn!, 1]), yT], 2));
  for (let i = 0; i < G.decoderDilations.length; i++) d = apply(`dec_${i}`, d);
  const out = apply('dec_out', d);
  const m = tf.slice(out, [0, 0, 0], [-1, -1, F]);
  const lv = tf.maximum(tf.slice(out, [0, 0, F], [-1, -1, F]), G.minLogVar);
  const err = tf.sub(x, m);
  const nll = tf.mean(
    tf.sum(tf.mul(0.5, tf.add(tf.add(tf.div(tf.square(err), tf.exp(lv)), lv), Math.log(2 * Math.PI))), 2),
  );
  const kl = (mu: tf.Tensor, lvv: tf.Tensor): tf.Tensor =>
    tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, lvv), tf.square(mu)), tf.exp(lvv)), -1));
  const klL = tf.div(tf.mean(kl(muL, lvL)), G.stride) as tf.Scalar;
  const klG = tf.div(tf.mean(kl(muG, lvG)), Tn!) as tf.Scalar;
  return { nll: nll as tf.Scalar, klL, klG };
}

function normal(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

function batch(B: number): { x: tf.Tensor3D; y: tf.Tensor2D } {
  const xs = new Float32Array(B * T * F);
  const ys = new Float32Array(B * C);
  for (let b = 0; b < B; b++) {
    // Labels equally often (the rare ones would be drowned otherwise), clips by length within a label.
    let label = labels[Math.floor(rng.next() * C)]!;
    while (byLabel.get(label)!.length === 0) label = labels[Math.floor(rng.next() * C)]!;
    const pool = byLabel.get(label)!.filter((s) => s.x.length >= T);
    const total = pool.reduce((a, s) => a + s.x.length - T + 1, 0);
    let r = rng.next() * total;
    const s = pool.find((p) => (r -= p.x.length - T + 1) < 0) ?? pool[pool.length - 1]!;
    const o = Math.floor(rng.next() * (s.x.length - T + 1));
    for (let t = 0; t < T; t++) xs.set(s.x[o + t]!, (b * T + t) * F);
    ys[b * C + labels.indexOf(label)] = 1;
  }
  return { x: tf.tensor3d(xs, [B, T, F]), y: tf.tensor2d(ys, [B, C]) };
}

/** Fixed validation windows: every non-overlapping 48-frame window of the validation clips. */
const valWindows: { x: Float32Array; label: string }[] = [];
for (const s of val) {
  for (let o = 0; o + T <= s.x.length; o += T) {
    const x = new Float32Array(T * F);
    for (let t = 0; t < T; t++) x.set(s.x[o + t]!, t * F);
    valWindows.push({ x, label: s.label });
  }
}

function validationBound(): { nll: number; kl: number; elbo: number } {
  return tf.tidy(() => {
    const B = valWindows.length;
    const x = tf.tensor3d(Float32Array.from(valWindows.flatMap((w) => Array.from(w.x))), [B, T, F]);
    const y = tf.oneHot(
      tf.tensor1d(
        valWindows.map((w) => labels.indexOf(w.label)),
        'int32',
      ),
      C,
    ) as tf.Tensor2D;
    const r = generatorLoss(x, y, tf.zeros([B, T / G.stride, G.localLatent]), tf.zeros([B, G.globalLatent]), false);
    const nll = r.nll.dataSync()[0]!;
    const kl = r.klL.dataSync()[0]! + r.klG.dataSync()[0]!;
    return { nll, kl, elbo: -(nll + kl) };
  });
}

// Build the layers once so the optimiser sees their variables.
tf.tidy(() => {
  const b = batch(2);
  generatorLoss(b.x, b.y, normal([2, T / G.stride, G.localLatent]), normal([2, G.globalLatent]));
});
const epochs = Number(args.epochs);
/** Weight of the KL terms after annealing (below 1 the latents carry more of each sequence, a β-VAE). */
const betaMax = Number(args.beta);
const stepsPerEpoch = 20;
const B = 16;
const opt = tf.train.adam(2e-3);
for (let ep = 0; ep < epochs; ep++) {
  // KL annealing over the first third; then the full bound.
  const beta = betaMax * Math.min(1, (ep + 1) / Math.max(1, epochs / 3));
  let sum = 0;
  for (let s = 0; s < stepsPerEpoch; s++) {
    const { x, y } = batch(B);
    const eL = normal([B, T / G.stride, G.localLatent]);
    const eG = normal([B, G.globalLatent]);
    const loss = opt.minimize(() => {
      const r = generatorLoss(x, y, eL, eG);
      return tf.add(r.nll, tf.mul(beta, tf.add(r.klL, r.klG))) as tf.Scalar;
    }, true);
    sum += loss!.dataSync()[0]!;
    loss!.dispose();
    tf.dispose([x, y, eL, eG]);
  }
  if (ep % 10 === 9 || ep === epochs - 1) {
    const v = validationBound();
    log(
      `generator epoch ${ep + 1}/${epochs}: training loss ${(sum / stepsPerEpoch).toFixed(3)} (β ${beta.toFixed(2)}), validation: reconstruction NLL ${v.nll.toFixed(3)}, KL ${v.kl.toFixed(3)} per frame`,
    );
  }
}
const genVal = validationBound();

// ---------------------------------------------------------------------------------------------------
// 2. Envelope LSTM on real expression episodes.
interface EpisodeSample {
  target: string;
  intensity: number;
  current: number[];
  rise: number[];
  keep: number[];
  keepMask: number;
}
function episodeSamples(clips: MotionClip[]): { samples: EpisodeSample[]; episodes: { clip: string; ep: Episode }[] } {
  const samples: EpisodeSample[] = [];
  const episodes: { clip: string; ep: Episode }[] = [];
  for (const clip of clips) {
    if (!clip.usable) continue;
    const track = clipEmotionTrack(clip);
    for (const ep of clipEpisodes(clip, track)) {
      episodes.push({ clip: clip.file, ep });
      const current = Array.from(track[ep.start]!);
      const others = current.reduce((a, v, k) => (k === ep.emotion ? a : a + v), 0);
      const rise: number[] = [];
      const keep: number[] = [];
      for (let t = ep.start; t <= ep.end; t++) {
        const c = track[t]!;
        rise.push(Math.max(0, Math.min(1, c[ep.emotion]! / ep.peakValue)));
        const o = Array.from(c).reduce((a, v, k) => (k === ep.emotion ? a : a + v), 0);
        keep.push(others > 0.15 ? Math.max(0, Math.min(1, o / others)) : 1);
      }
      samples.push({
        target: EXPRESSIVE_EMOTIONS[ep.emotion]!,
        intensity: ep.peakValue,
        current,
        rise,
        keep,
        keepMask: others > 0.15 ? 1 : 0,
      });
    }
  }
  return { samples, episodes };
}
// Expression episodes last seconds: every clip shows their timing, whatever its frame rate.
const trainEp = episodeSamples(data.clips.filter((c) => c.split === 'train'));
const valEp = episodeSamples(data.clips.filter((c) => c.split === 'val'));
const count = (s: EpisodeSample[]): string =>
  EXPRESSIVE_EMOTIONS.map((e) => `${e} ${s.filter((x) => x.target === e).length}`).join(', ');
log(
  `episodes: ${trainEp.samples.length} training (${count(trainEp.samples)}), ${valEp.samples.length} validation (${count(valEp.samples)})`,
);

const E: EnvelopeConfig = { units: 24, fps: MODEL_FPS / 2, emotions: [...EXPRESSIVE_EMOTIONS], horizonS: 3 };
/** Episodes at the envelope's rate (every other frame). */
for (const set of [trainEp.samples, valEp.samples]) {
  for (const e of set) {
    e.rise = e.rise.filter((_, t) => t % 2 === 0);
    e.keep = e.keep.filter((_, t) => t % 2 === 0);
  }
}
const envLstm = tf.layers.lstm({
  name: 'lstm',
  units: E.units,
  returnSequences: true,
  recurrentActivation: 'sigmoid',
  kernelInitializer: init(),
  recurrentInitializer: tf.initializers.orthogonal({ seed: layerSeed++, gain: 1 }),
});
const envOut = tf.layers.dense({ name: 'out', units: 2, activation: 'sigmoid', kernelInitializer: init() });
const maxLen = Math.max(...trainEp.samples.map((s) => s.rise.length), ...valEp.samples.map((s) => s.rise.length));

function envelopeBatch(s: EpisodeSample[]): { x: tf.Tensor3D; y: tf.Tensor3D; m: tf.Tensor3D } {
  const W = 2 * E.emotions.length + 4;
  const xs = new Float32Array(s.length * maxLen * W);
  const ys = new Float32Array(s.length * maxLen * 2);
  const ms = new Float32Array(s.length * maxLen * 2);
  s.forEach((e, b) => {
    const x = envelopeInputs(E, e.target, e.intensity, e.current, e.rise.length, E.fps);
    xs.set(x, b * maxLen * W);
    for (let t = 0; t < e.rise.length; t++) {
      ys[(b * maxLen + t) * 2] = e.rise[t]!;
      ys[(b * maxLen + t) * 2 + 1] = e.keep[t]!;
      ms[(b * maxLen + t) * 2] = 1;
      ms[(b * maxLen + t) * 2 + 1] = e.keepMask;
    }
  });
  return {
    x: tf.tensor3d(xs, [s.length, maxLen, W]),
    y: tf.tensor3d(ys, [s.length, maxLen, 2]),
    m: tf.tensor3d(ms, [s.length, maxLen, 2]),
  };
}
const envLoss = (x: tf.Tensor3D, y: tf.Tensor3D, m: tf.Tensor3D): tf.Scalar =>
  tf.div(
    tf.sum(tf.mul(m, tf.square(tf.sub(envOut.apply(envLstm.apply(x)) as tf.Tensor, y)))),
    tf.add(tf.sum(m), 1e-6),
  ) as tf.Scalar;
const envTrain = envelopeBatch(trainEp.samples);
tf.tidy(() => envLoss(envTrain.x, envTrain.y, envTrain.m));
const envOpt = tf.train.adam(1e-2);
const envEpochs = Number(args['envelope-epochs']);
for (let ep = 0; ep < envEpochs; ep++) {
  const l = envOpt.minimize(() => envLoss(envTrain.x, envTrain.y, envTrain.m), true);
  if (ep % 25 === 24 || ep === envEpochs - 1)
    log(`envelope epoch ${ep + 1}/${envEpochs}: loss ${l!.dataSync()[0]!.toFixed(4)}`);
  l!.dispose();
}

// ---------------------------------------------------------------------------------------------------
// 3. Blinks.
/** Blink statistics of a set of clips: intervals (log-normal) and lengths. */
function blinkStats(clips: MotionClip[]): BlinkStats {
  const intervals: number[] = [];
  const lengths: number[] = [];
  let minutes = 0;
  let blinkCount = 0;
  for (const clip of clips) {
    const b = findBlinks(clipClosure(clip));
    blinkCount += b.length;
    minutes += clipClosure(clip).length / MODEL_FPS / 60;
    for (let i = 1; i < b.length; i++) intervals.push((b[i]!.start - b[i - 1]!.start) / MODEL_FPS);
    for (const x of b) lengths.push(x.frames / MODEL_FPS);
  }
  const logI = intervals.map(Math.log);
  // Intervals inside short clips are biased short (a long one does not fit), so the spread comes from them
  // and the level from the rate: the log-normal's mean interval is the minutes per blink.
  const sd = Math.sqrt(
    logI.reduce((a, b) => a + (b - logI.reduce((x, y) => x + y, 0) / logI.length) ** 2, 0) / logI.length,
  );
  const mu = Math.log((minutes * 60) / blinkCount) - (sd * sd) / 2;
  const lm = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  const ls = Math.sqrt(lengths.reduce((a, b) => a + (b - lm) ** 2, 0) / lengths.length);
  log(
    `blinks: ${blinkCount} in ${minutes.toFixed(1)} min of training video (${(blinkCount / minutes).toFixed(1)} a minute), median interval ${Math.exp(mu).toFixed(2)} s (log-sd ${sd.toFixed(2)}), length ${lm.toFixed(3)} ± ${ls.toFixed(3)} s`,
  );
  return { intervalLogMean: mu, intervalLogStd: sd, durationMean: lm, durationStd: ls, count: blinkCount, minutes };
}
const trainingClips = learnable.filter((c) => c.split === 'train');
const blinks = blinkStats(trainingClips.filter((c) => generatorLabel(c)));
/** Labels with enough blinks of their own (≥ 40) get their own statistics; the others use all clips'. */
const labelBlinks: Record<string, BlinkStats> = {};
for (const l of labels) {
  const clips = trainingClips.filter((c) => generatorLabels(c).includes(l));
  const count = clips.reduce((a, c) => a + findBlinks(clipClosure(c)).length, 0);
  if (count >= 40) {
    log(`${l}:`);
    labelBlinks[l] = blinkStats(clips);
  }
}

// ---------------------------------------------------------------------------------------------------
// Export, then measure the exported models through the run-time code (what ships is what is measured).
type Exported = Record<string, { shape: number[]; data: string }>;
const encode = (t: tf.Tensor): { shape: number[]; data: string } => ({
  shape: t.shape as number[],
  data: Buffer.from(new Float32Array(t.dataSync() as Float32Array).buffer).toString('base64'),
});
/** Layer weights as "<layer>/<kernel|bias|recurrent_kernel>". */
function exportLayers(layers: tf.layers.Layer[]): Exported {
  const out: Exported = {};
  for (const layer of layers) {
    for (const w of layer.weights)
      out[`${layer.name}/${w.name.split('/').pop()!.replace(/_\d+$/, '')}`] = encode(w.read());
  }
  return out;
}
const generatorWeights: Exported = { ...exportLayers([encGlobal]) };
for (const c of Object.values(convs)) {
  generatorWeights[`${c.name}/kernel`] = encode(c.kernel);
  generatorWeights[`${c.name}/bias`] = encode(c.bias);
}
const file: MotionModelFile = {
  format: MOTION_MODEL_FORMAT,
  version: MOTION_MODEL_VERSION,
  versions,
  trainedBy: `scripts/train-motion.ts --epochs ${epochs} --envelope-epochs ${envEpochs} --seed ${seed}`,
  validation: {},
  fps: MODEL_FPS,
  featureMean: mean.map((v) => Number(v.toFixed(5))),
  featureStd: std.map((v) => Number(v.toFixed(5))),
  generator: { config: G, weights: generatorWeights },
  envelope: { config: E, weights: exportLayers([envLstm, envOut]) },
  noise: {},
  timing: { onsetLogSd: 0, offsetLogSd: 0 },
  blinks,
  labelBlinks,
};
const clean = loadMotionModels(JSON.parse(JSON.stringify({ ...file, noise: {} })));
for (const l of labels.filter((x) => byLabel.get(x)!.length)) {
  const real = byLabel.get(l)!.map((q) => q.x);
  const fitted = fitNoise(real, (r) => sampleFeatures(clean, l, 96, r, { noise: 0 }).map((f) => norm(f)), seed);
  const withNoise = (): MotionModels =>
    loadMotionModels(JSON.parse(JSON.stringify({ ...file, noise: { [l]: fitted } })));
  const activity = fitActivity(
    real,
    (r) => sampleFeatures(withNoise(), l, 96, r).map((f) => norm(f)),
    ACTIVITY_GROUPS,
    fitted.sigma,
    seed,
  );
  const withActivity = (): MotionModels =>
    loadMotionModels(JSON.parse(JSON.stringify({ ...file, noise: { [l]: { ...fitted, activity } } })));
  calibrateNoise(fitted, real, (r) => sampleFeatures(withActivity(), l, 96, r).map((f) => norm(f)), seed);
  const offset = levelOffset(real, (r) => sampleFeatures(withActivity(), l, 96, r).map((f) => norm(f)), seed);
  const withOffset = (): MotionModels =>
    loadMotionModels(JSON.parse(JSON.stringify({ ...file, noise: { [l]: { ...fitted, activity, offset } } })));
  const slow = fitSway(
    real,
    (r) => sampleFeatures(withOffset(), l, 400, r).map((f) => norm(f)),
    (r, frames) => unitSmoothNoise(r, frames, SWAY_SIGMA),
    [F_POSE, F_POSE + 1, F_POSE + 2],
    seed,
  );
  file.noise[l] = { ...fitted, activity, offset, slow };
}
log(
  `head sway fitted (yaw, pitch, roll): ${labels.map((l) => `${l} ${(file.noise[l]?.slow ?? []).slice(F_POSE, F_POSE + 3).join('/')}`).join(', ')}`,
);
log(
  `residual noise fitted: mean σ per label ${labels.map((l) => `${l} ${(file.noise[l]!.sigma.reduce((a, v) => a + v, 0) / F).toFixed(2)}`).join(', ')}`,
);
// The emotions' typical share in the samples (with the fitted noise): intensity 1 is the edit's apex.
file.emotionShare = {};
{
  const noisy = loadMotionModels(JSON.parse(JSON.stringify(file)));
  for (const e of EXPRESSIVE_EMOTIONS) file.emotionShare[e] = Number(emotionShare(noisy, e).toFixed(4));
}
log(`emotion shares of the samples: ${JSON.stringify(file.emotionShare)}`);
const models = loadMotionModels(JSON.parse(JSON.stringify(file)));

// The envelope on the validation actors' episodes, through the run-time LSTM (as `vivify eval generate`).
const envVal = envelopeOnEpisodes(models, data);
// Timing spread: real training episodes' onset and offset lengths against the envelope's predictions.
{
  const lr = (k: 'onset' | 'offset'): number[] =>
    trainEp.samples.map((e) => {
      const real = Math.max(1, phasesOf(e.rise)[k]);
      const pred = Math.max(
        1,
        phasesOf(Array.from(models.envelope.run(e.target, e.intensity, e.current, e.rise.length, E.fps).rise))[k],
      );
      return Math.log(real / pred);
    });
  const sdOf = (v: number[]): number => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  };
  file.timing = {
    onsetLogSd: Number(sdOf(lr('onset')).toFixed(3)),
    offsetLogSd: Number(sdOf(lr('offset')).toFixed(3)),
  };
  log(`timing spread (log-sd): onset ${file.timing.onsetLogSd}, offset ${file.timing.offsetLogSd}`);
}
const r4 = (v: number): number => Number(v.toFixed(4));
file.validation = {
  generatorReconstructionNll: r4(genVal.nll),
  generatorKl: r4(genVal.kl),
  generatorElbo: r4(genVal.elbo),
  validationWindows: valWindows.length,
  envelopeEpisodes: envVal.episodes,
  envelopeRiseRmse: r4(envVal.riseRmse),
  envelopeTrapezoidRmse: r4(envVal.trapezoidRmse),
  envelopeOnsetErrorS: r4(envVal.onsetErrorS),
  envelopeOffsetErrorS: r4(envVal.offsetErrorS),
  trainingEpisodes: trainEp.samples.length,
  machine: machine(),
  trainingSeconds: Math.round((performance.now() - started) / 1000),
};
await writeAtomically(path.resolve(args.out!), (tmp) => fs.writeFile(tmp, `${JSON.stringify(file)}\n`));
log(`validation: ${JSON.stringify(file.validation)}`);
log(`wrote ${args.out} (${(JSON.stringify(file).length / 1024).toFixed(0)} KiB)`);
