/**
 * The audio → mouth model (scripts/train-speech.ts trains it, models/speech.json ships it): per frame at
 * 25 fps, normalised audio features in (src/analysis/audio-features.ts), the mouth's action units
 * (10, 12, 14, 15, 17, 20, 23, 25, 26) and its lip-landmark offsets out. A 1-D convolution over seven
 * frames (three frames, 120 ms, of look-ahead), an LSTM over the past, a dense read-out. Inference in
 * plain Float32Arrays (src/generate/nn.ts): the same numbers in Node and in a browser. Pure.
 */
import type { ActionUnit } from '../face/action-units.js';
import { conv1d, decodeFloat32, dense, lstm, type WeightArray } from '../generate/nn.js';

export const SPEECH_MODEL_FORMAT = 'vivify-speech-model';
export const SPEECH_MODEL_VERSION = 1;
/** Bump when data/speech-data.json.gz changes shape or meaning. */
export const SPEECH_DATA_VERSION = 1;
/** The model's frame rate. */
export const SPEECH_FPS = 25;
/** The mouth actions the model predicts, in output order (the mean of both sides). */
export const SPEECH_AUS: readonly ActionUnit[] = [10, 12, 14, 15, 17, 20, 23, 25, 26];

/** What the data and the model were built with; a test fails when these disagree with the code's. */
export interface SpeechVersions {
  speechData: number;
  landmarkCache: number;
  /** The AU estimator's answers on a fixed probe face (changes whenever the estimator does). */
  auEstimator: string;
  /** The audio features: count, windows, library. */
  audioFeatures: string;
}

export interface SpeechModelFile {
  format: typeof SPEECH_MODEL_FORMAT;
  version: number;
  versions: SpeechVersions;
  trainedBy: string;
  fps: number;
  inputs: number;
  /** Lip points whose offsets the model predicts (mesh indices), x and y each. */
  lipPoints: number[];
  config: { convKernel: number; convFilters: number; lstmUnits: number };
  /** Per output: mean and spread of the training targets (outputs are standardised). */
  targetMean: number[];
  targetStd: number[];
  weights: Record<string, { shape: number[]; data: string }>;
  validation: Record<string, number | string>;
}

export interface SpeechPrediction {
  /** Per frame: the SPEECH_AUS intensities (0–5, relative to the speaker's usual face). */
  aus: Float32Array[];
  /** Per frame: x, y offsets of each lip point from the neutral face, in mouth widths. */
  lips: Float32Array[];
}

export interface SpeechModel {
  file: SpeechModelFile;
  /** Runs the model over a whole utterance of normalised feature frames. */
  predict(features: readonly Float32Array[]): SpeechPrediction;
}

/** Checks a parsed models/speech.json and returns a runnable model. */
export function loadSpeechModel(json: unknown): SpeechModel {
  const f = json as SpeechModelFile;
  if (!f || typeof f !== 'object' || f.format !== SPEECH_MODEL_FORMAT)
    throw new TypeError(`Expected a ${SPEECH_MODEL_FORMAT} file for the speech model but received something else`);
  if (f.version !== SPEECH_MODEL_VERSION)
    throw new RangeError(
      `Expected speech model version ${SPEECH_MODEL_VERSION} for the speech model but received ${f.version}`,
    );
  const w = (name: string): WeightArray => {
    const e = f.weights[name];
    if (!e) throw new RangeError(`Expected weights ${name} in the speech model`);
    return { shape: e.shape, data: decodeFloat32(e.data) };
  };
  const conv = { k: w('conv/kernel'), b: w('conv/bias') };
  const rnn = { k: w('lstm/kernel'), r: w('lstm/recurrent_kernel'), b: w('lstm/bias') };
  const out = { k: w('out/kernel'), b: w('out/bias') };
  const outputs = f.targetMean.length;
  if (outputs !== SPEECH_AUS.length + 2 * f.lipPoints.length || out.k.shape[1] !== outputs)
    throw new RangeError(`Expected ${SPEECH_AUS.length + 2 * f.lipPoints.length} outputs in the speech model`);
  return {
    file: f,
    predict(features) {
      const T = features.length;
      if (T === 0) return { aus: [], lips: [] };
      const x = new Float32Array(T * f.inputs);
      features.forEach((row, t) => {
        if (row.length !== f.inputs)
          throw new RangeError(`Expected ${f.inputs} audio features per frame but received ${row.length}`);
        x.set(row, t * f.inputs);
      });
      const c = conv1d(x, T, conv.k, conv.b, 'relu');
      const h = lstm(c.y, T, rnn.k, rnn.r, rnn.b);
      const y = dense(h, T, out.k, out.b, 'linear');
      const aus: Float32Array[] = [];
      const lips: Float32Array[] = [];
      const A = SPEECH_AUS.length;
      for (let t = 0; t < T; t++) {
        const row = y.subarray(t * outputs, (t + 1) * outputs);
        const a = new Float32Array(A);
        for (let k = 0; k < A; k++) a[k] = Math.min(5, Math.max(0, row[k]! * f.targetStd[k]! + f.targetMean[k]!));
        const l = new Float32Array(outputs - A);
        for (let k = A; k < outputs; k++) l[k - A] = row[k]! * f.targetStd[k]! + f.targetMean[k]!;
        aus.push(a);
        lips.push(l);
      }
      return { aus, lips };
    },
  };
}
