/**
 * Trains the audio → mouth model from data/speech-data.json.gz and writes models/speech.json
 * (src/speech/model.ts; docs/speech.md): TensorFlow.js layers on the WebAssembly backend — a 1-D
 * convolution over seven frames (120 ms of look-ahead), an LSTM, a dense read-out of the nine mouth AUs
 * and the lip-landmark offsets — on 64-frame windows of the training speakers' clips. The held-out
 * speakers' figures (through the run-time code: what ships is what is measured) are printed and stored.
 * Refuses data built with other versions than the code's. The initial weights follow the seed; the batch
 * order does not (TensorFlow.js shuffles with Math.random), so two runs differ slightly.
 *
 * The loss is the standardised targets' squared error plus `--corr` × (1 − the correlation of the predicted
 * and real inner-lip gap over each window); targets are taken about each clip's own mean (`--centre clip`).
 * `--validate` sets every fourth training speaker aside and reports on them instead of the held-out
 * speakers (whom it does not read): settings are chosen that way (docs/speech.md).
 *
 *   npm run train:speech [-- --epochs 15 --units 16 --dropout 0.5 --l2 0.03 --corr 10 --centre clip|none
 *                            --seed 1 --validate --out models/speech.json]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AUDIO_FEATURES } from '../src/analysis/audio-features.js';
import { initBackend } from '../src/analysis/models.js';
import { wasmDir } from '../src/analysis/node/load-models.js';
import { machine } from '../src/cli/machine.js';
import { writeAtomically } from '../src/media/atomic.js';
import {
  loadSpeechModel,
  SPEECH_AUS,
  SPEECH_FPS,
  SPEECH_MODEL_FORMAT,
  SPEECH_MODEL_VERSION,
  type SpeechModelFile,
} from '../src/speech/model.js';
import { readSpeechData, type SpeechClip } from '../src/speech/node/speech-dataset.js';
import { speechVersions } from '../src/speech/node/versions.js';
import { pearsonOrZero } from '../src/eval/speech-metrics.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '15' },
    units: { type: 'string', default: '16' },
    dropout: { type: 'string', default: '0.5' },
    l2: { type: 'string', default: '0.03' },
    seed: { type: 'string', default: '1' },
    corr: { type: 'string', default: '10' },
    centre: { type: 'string', default: 'clip' },
    validate: { type: 'boolean', default: false },
    out: { type: 'string', default: 'models/speech.json' },
  },
});
const epochs = Number(args.epochs);
if (args.centre !== 'clip' && args.centre !== 'none')
  throw new RangeError(`Expected --centre clip or none but received ${args.centre}`);
const seed = Number(args.seed);
const started = performance.now();
const log = (s: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${s}`);

const data = await readSpeechData();
const versions = speechVersions();
if (JSON.stringify(data.versions) !== JSON.stringify(versions))
  throw new Error(
    `data/speech-data.json.gz was built with ${JSON.stringify(data.versions)}, the code is at ${JSON.stringify(versions)}: run npm run build:speech-data first`,
  );
await initBackend(wasmDir());

// --validate: every fourth training speaker (in name order) stands in for the held-out ones, which are not
// read at all — settings are chosen on this split, never on the held-out speakers.
const trainSpeakers = [...new Set(data.clips.filter((c) => c.split === 'train').map((c) => c.speaker))].sort();
const isValidation = (c: SpeechClip): boolean => trainSpeakers.indexOf(c.speaker) % 4 === 3;
const train = data.clips.filter((c) => c.split === 'train' && !(args.validate && isValidation(c)));
const held = data.clips.filter((c) => (args.validate ? c.split === 'train' && isValidation(c) : c.split === 'heldout'));
const A = SPEECH_AUS.length;
const L = data.lipPoints.length * 2;
const O = A + L;
const raw = (c: SpeechClip, t: number): number[] => [...c.aus[t]!, ...c.lips[t]!];

// Standardised targets (training speakers' mean and spread). With --centre clip (the default) each clip's own mean is
// taken out first: the model learns the movement about the talker's own rest, not where that rest lies
// (which the per-utterance-normalised audio cannot tell); the spread is then the spread within clips.
// --centre none keeps the pooled mean (the recipe before).
const mean = new Array<number>(O).fill(0);
let n = 0;
for (const c of train) for (let t = 0; t < c.frames; t++, n++) raw(c, t).forEach((v, k) => (mean[k]! += v));
for (let k = 0; k < O; k++) mean[k]! /= n;
const centre = new Map<SpeechClip, number[]>();
for (const c of train) {
  const m = new Array<number>(O).fill(0);
  for (let t = 0; t < c.frames; t++) raw(c, t).forEach((v, k) => (m[k]! += v / c.frames));
  centre.set(c, args.centre === 'clip' ? m : mean);
}
const target = (c: SpeechClip, t: number): number[] => raw(c, t).map((v, k) => v - centre.get(c)![k]! + mean[k]!);
const sd = new Array<number>(O).fill(0);
for (const c of train)
  for (let t = 0; t < c.frames; t++) target(c, t).forEach((v, k) => (sd[k]! += (v - mean[k]!) ** 2 / n));
const std = sd.map((v) => Math.max(Math.sqrt(v), 1e-3));

const units = Number(args.units);
const l2 = Number(args.l2);
const config = { convKernel: 7, convFilters: units, lstmUnits: units };
const HALF = (config.convKernel - 1) / 2;
/**
 * The seven frames around t, side by side (zeros past the ends): the 1-D convolution is trained as a dense
 * layer over these (the wasm backend has no convolution gradients) and shipped as the convolution it is.
 */
function stacked(c: SpeechClip, t: number): number[] {
  const out: number[] = [];
  for (let k = -HALF; k <= HALF; k++) {
    const f = c.features[t + k];
    if (f) out.push(...f);
    else for (let i = 0; i < AUDIO_FEATURES; i++) out.push(0);
  }
  return out;
}

/** 64-frame windows every 8 frames. */
const WINDOW = 64;
const STRIDE = 8;
const xs: number[][][] = [];
const ys: number[][][] = [];
for (const c of train) {
  for (let s = 0; s + WINDOW <= c.frames; s += STRIDE) {
    const x: number[][] = [];
    const y: number[][] = [];
    for (let t = s; t < s + WINDOW; t++) {
      x.push(stacked(c, t));
      y.push(target(c, t).map((v, k) => (v - mean[k]!) / std[k]!));
    }
    xs.push(x);
    ys.push(y);
  }
}
log(
  `${train.length} training clips (${train.reduce((s, c) => s + c.frames, 0)} frames) → ${xs.length} windows of ${WINDOW}; ${held.length} held-out clips`,
);

const input = tf.input({ shape: [null, AUDIO_FEATURES * config.convKernel] });
const conv = tf.layers.dense({
  name: 'conv',
  units: config.convFilters,
  kernelRegularizer: l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined,
  activation: 'relu',
  kernelInitializer: tf.initializers.glorotUniform({ seed }),
});
const drop = tf.layers.dropout({ rate: Number(args.dropout), seed });
const inputDrop = tf.layers.dropout({ rate: Number(args.dropout) / 2, seed: seed + 4 });
const rnn = tf.layers.lstm({
  name: 'lstm',
  units: config.lstmUnits,
  returnSequences: true,
  kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 2 }),
});
const outLayer = tf.layers.dense({
  name: 'out',
  units: O,
  kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }),
});
const output = outLayer.apply(rnn.apply(drop.apply(conv.apply(inputDrop.apply(input))))) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: output });
// The AUs and the lips weigh half each in the loss, whatever their counts.
const weights = tf.tensor1d(Array.from({ length: O }, (_, k) => (k < A ? 0.5 / A : 0.5 / L) * O));
// --corr w adds w × (1 − the correlation of the predicted and real inner-lip gap over each window): the
// figure the model is judged by, insensitive to the gap's level and scale.
const corrWeight = Number(args.corr);
const gapOf = (y: tf.Tensor): tf.Tensor => {
  const col = (k: number): tf.Tensor => tf.squeeze(tf.slice(y, [0, 0, k], [-1, -1, 1]), [2]);
  const li = A + 2 * data.lipPoints.indexOf(14) + 1;
  const ui = A + 2 * data.lipPoints.indexOf(13) + 1;
  return tf.sub(tf.mul(col(li), std[li]!), tf.mul(col(ui), std[ui]!));
};
const windowCorrelation = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
  const ac = tf.sub(a, tf.mean(a, 1, true));
  const bc = tf.sub(b, tf.mean(b, 1, true));
  const cov = tf.sum(tf.mul(ac, bc), 1);
  return tf.div(cov, tf.sqrt(tf.add(tf.mul(tf.sum(tf.square(ac), 1), tf.sum(tf.square(bc), 1)), 1e-6)));
};
model.compile({
  optimizer: tf.train.adam(2e-3),
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => {
    const mse = tf.mean(tf.mul(tf.square(tf.sub(yTrue, yPred)), weights));
    if (!(corrWeight > 0)) return mse;
    const r = tf.mean(windowCorrelation(gapOf(yPred), gapOf(yTrue)));
    return tf.add(mse, tf.mul(corrWeight, tf.sub(1, r)));
  },
});
const X = tf.tensor3d(xs);
const Y = tf.tensor3d(ys);
await model.fit(X, Y, {
  epochs,
  batchSize: 16,
  shuffle: true,
  verbose: 0,
  callbacks: {
    onEpochEnd: (e, logs) => {
      if ((e + 1) % 5 === 0 || e === 0) log(`epoch ${e + 1}/${epochs}: loss ${logs!.loss!.toFixed(4)}`);
    },
  },
});

const encode = (t: tf.Tensor): { shape: number[]; data: string } => ({
  shape: t.shape as number[],
  data: Buffer.from(new Float32Array(t.dataSync() as Float32Array).buffer).toString('base64'),
});
const exported: SpeechModelFile['weights'] = {};
for (const layer of [conv, rnn, outLayer])
  // The stacked dense kernel [7·28 × 64] is the convolution's [7 × 28 × 64], row for row.
  for (const w of layer.weights) {
    const name = `${layer.name}/${w.name.split('/').pop()!.replace(/_\d+$/, '')}`;
    const value = w.read();
    exported[name] = encode(
      name === 'conv/kernel' ? value.reshape([config.convKernel, AUDIO_FEATURES, config.convFilters]) : value,
    );
  }

const file: SpeechModelFile = {
  format: SPEECH_MODEL_FORMAT,
  version: SPEECH_MODEL_VERSION,
  versions,
  trainedBy: `scripts/train-speech.ts --epochs ${epochs} --units ${units} --dropout ${args.dropout} --l2 ${l2} --seed ${seed} --corr ${corrWeight} --centre ${args.centre}`,
  fps: SPEECH_FPS,
  inputs: AUDIO_FEATURES,
  lipPoints: data.lipPoints,
  config,
  targetMean: mean.map((v) => Number(v.toFixed(5))),
  targetStd: std.map((v) => Number(v.toFixed(5))),
  weights: exported,
  validation: {},
};
const runtime = loadSpeechModel(JSON.parse(JSON.stringify(file)));

// Held-out speakers through the run-time code: correlation of the predicted and real mouth opening
// (the jaw and lip-parting AUs 25 + 26, and the inner-lip gap from the predicted lip offsets).
const upper = data.lipPoints.indexOf(13);
const lower = data.lipPoints.indexOf(14);
const rows: string[] = [];
let rAu = 0;
let rLips = 0;
for (const c of held) {
  const p = runtime.predict(c.features.map((f) => Float32Array.from(f)));
  const real = c.open;
  const fromAus = p.aus.map((a) => a[SPEECH_AUS.indexOf(25)]! + a[SPEECH_AUS.indexOf(26)]!);
  const fromLips = p.lips.map((l) => l[2 * lower + 1]! - l[2 * upper + 1]!);
  const a = pearsonOrZero(fromAus, real);
  const b = pearsonOrZero(fromLips, real);
  rAu += a / held.length;
  rLips += b / held.length;
  rows.push(`${path.basename(c.file)} AUs ${a.toFixed(2)} lips ${b.toFixed(2)}`);
}
log(
  `${args.validate ? 'validation (training speakers set aside)' : 'held-out'} mouth-opening correlation: lips ${rLips.toFixed(3)}, AUs ${rAu.toFixed(3)}; ${rows.join('; ')}`,
);
file.validation = {
  heldOutClips: held.length,
  heldOutSpeakers: new Set(held.map((c) => c.speaker)).size,
  openingCorrelationAus: Number(rAu.toFixed(3)),
  openingCorrelationLips: Number(rLips.toFixed(3)),
  trainingWindows: xs.length,
  machine: machine(),
  trainingSeconds: Math.round((performance.now() - started) / 1000),
};
const outFile = args.validate && args.out === 'models/speech.json' ? 'scratch/speech-validate.json' : args.out!;
await writeAtomically(path.resolve(outFile), (tmp) => fs.writeFile(tmp, `${JSON.stringify(file)}\n`));
log(`validation: ${JSON.stringify(file.validation)}`);
log(`wrote ${outFile} (${(JSON.stringify(file).length / 1024).toFixed(0)} KiB)`);
