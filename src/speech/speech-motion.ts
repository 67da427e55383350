/**
 * A talking face's motion from speech: the mouth from the audio → mouth model (src/speech/model.ts),
 * everything else — head motion, blinks, gaze, and the emotion if one is asked for — from the generated-
 * motion models (src/generate/generate.ts: the `talking` label, learnt from people speaking, or the emotion's),
 * in time with the speech: the head moves with the voice and rests
 * in pauses, and nods a little on loud onsets (stressed syllables). Pure and deterministic for a seed.
 */
import type { AuIntensities } from '../face/action-units.js';
import { generateMotion, type GenerateLabel } from '../generate/generate.js';
import { DEFAULT_SEED } from '../generate/random.js';
import type { EmotionName } from '../emotion/emotion-names.js';
import type { MotionFrame } from '../generate/features.js';
import type { MotionModels } from '../generate/model.js';
import { SPEECH_AUS, SPEECH_FPS, type SpeechModel, type SpeechPrediction } from './model.js';

/** How far the mouth moves with the speech by default (`vivify speak --mouth-scale`): as the model predicts. */
export const DEFAULT_MOUTH_SCALE = 1;

export interface SpeechMotionOptions {
  /** Seed of the head motion and blinks. Default 1. */
  seed?: number;
  /** An emotion shown while speaking (lips still follow the speech), and its strength 0–1. */
  emotion?: { name: EmotionName; intensity: number };
  /** Frames per second of the result. Default 25. */
  fps?: number;
  /** Scales the mouth's movements (1: as the model predicts). Default 1. */
  mouthScale?: number;
  /** Head motion in pauses, as a share of that while speaking. Default 0.3. */
  pauseMotion?: number;
  /** Nod on a stressed onset, degrees of pitch at the strongest. Default 2. */
  nodDeg?: number;
}

export interface SpeechMotion {
  fps: number;
  frames: MotionFrame[];
  /** The model's output at 25 fps (for evaluation). */
  prediction: SpeechPrediction;
  /** Speech activity per output frame, 0 (pause) … 1. */
  activity: Float32Array;
}

/** Linear interpolation of a per-frame series at fractional index x. */
function sample(v: ArrayLike<number>, x: number): number {
  if (v.length === 0) return 0;
  const i = Math.max(0, Math.min(v.length - 1, Math.floor(x)));
  const j = Math.min(v.length - 1, i + 1);
  const w = Math.max(0, Math.min(1, x - i));
  return v[i]! * (1 - w) + v[j]! * w;
}

/** A centred moving average over `radius` frames each side. */
function smooth(v: ArrayLike<number>, radius: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - radius); j <= Math.min(v.length - 1, i + radius); j++) {
      s += v[j]!;
      c++;
    }
    out[i] = s / c;
  }
  return out;
}

function quantile(v: Float32Array, q: number): number {
  const s = Float32Array.from(v).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
}

/** Voice-activity gate: 0 in pauses, 1 from a quarter of full activity up (smooth in between). */
function gate(a: number): number {
  const x = Math.min(1, Math.max(0, a / 0.25));
  return x * x * (3 - 2 * x);
}

/**
 * The mouth's AU curves (25 fps) from the model's output: each AU's movements scaled to the spread real
 * talkers show (a small model regresses to the mean, which looks like mumbling), and closed in pauses
 * (the voice-activity gate), so the lips rest when the voice does.
 */
export function mouthCurves(
  prediction: SpeechPrediction,
  speech: SpeechModel,
  activity: ArrayLike<number>,
): Float32Array[] {
  const n = prediction.aus.length;
  // The jaw and lip parting (AU25, AU26) follow the predicted inner-lip gap, which the model predicts
  // better than those two AUs (held-out figures in models/speech.json).
  const upper = speech.file.lipPoints.indexOf(13);
  const lower = speech.file.lipPoints.indexOf(14);
  const gap = Float32Array.from(prediction.lips, (l) => l[2 * lower + 1]! - l[2 * upper + 1]!);
  return SPEECH_AUS.map((au, j) => {
    const p = au === 25 || au === 26 ? gap : Float32Array.from(prediction.aus, (r) => r[j]!);
    const m = p.reduce((a, b) => a + b, 0) / Math.max(1, n);
    const sd = Math.sqrt(p.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, n));
    const want = speech.file.targetStd[j]!;
    const fromGap = au === 25 || au === 26;
    // The gap is in mouth widths, not AU units: its gain is a change of units, not a correction.
    const gain = n >= SPEECH_FPS && sd > 1e-6 ? (fromGap ? want / sd : Math.min(4, want / sd)) : fromGap ? 20 : 1;
    // Lip parting and jaw drop open from closed: the utterance's own 10th percentile is the closed mouth
    // (the training targets are relative to each talker's usual, half-open face, so their mean is no
    // rest level for a portrait whose mouth is shut). The other actions move about their learnt mean.
    const base = fromGap ? quantile(p, 0.1) : m - speech.file.targetMean[j]! / gain;
    return Float32Array.from(p, (v, t) => Math.min(5, Math.max(0, (v - base) * gain * gate(sample(activity, t)))));
  });
}

/**
 * Motion for one utterance: `features` are its normalised audio features at 25 fps, `activity` its speech
 * activity at 25 fps (src/analysis/audio-features.ts).
 *
 * @example
 * const m = speechMotion(motionModels, speechModel, speech.normalised, activity, { seed: 7 });
 * for (const f of m.frames) renderer.render({ target: scriptedState(state, f) });
 */
export function speechMotion(
  motion: MotionModels,
  speech: SpeechModel,
  features: readonly Float32Array[],
  activity: ArrayLike<number>,
  options: SpeechMotionOptions = {},
): SpeechMotion {
  const fps = options.fps ?? SPEECH_FPS;
  const mouthScale = options.mouthScale ?? DEFAULT_MOUTH_SCALE;
  const pause = options.pauseMotion ?? 0.3;
  const nodDeg = options.nodDeg ?? 2;
  if (features.length === 0) throw new RangeError('Expected at least one frame of speech for speechMotion');
  const prediction = speech.predict(features);
  const durationS = features.length / SPEECH_FPS;
  const label: GenerateLabel =
    options.emotion && options.emotion.name !== 'neutral' && options.emotion.intensity > 0
      ? options.emotion.name
      : 'talking';
  const base = generateMotion(motion, {
    label,
    seed: options.seed ?? DEFAULT_SEED,
    durationS: Math.max(durationS, 2 / fps),
    fps,
    intensity: label === 'talking' ? 1 : options.emotion!.intensity,
    shape: 'hold',
    talking: false,
  });
  // Head motion follows the voice (slow envelope, ~0.5 s); nods follow onsets (fast above slow).
  const slow = smooth(activity, Math.round(SPEECH_FPS * 0.25));
  const fast = smooth(activity, 1);
  const onset = smooth(
    Float32Array.from(fast, (v, i) => Math.max(0, v - slow[i]!)),
    2,
  );
  const peakOnset = Math.max(1e-6, ...onset);
  const columns = mouthCurves(prediction, speech, activity);
  const frames: MotionFrame[] = [];
  const act = new Float32Array(base.frames.length);
  for (let i = 0; i < base.frames.length; i++) {
    const f = base.frames[i]!;
    const x = (i / fps) * SPEECH_FPS;
    const a = sample(slow, x);
    act[i] = sample(fast, x);
    const k = pause + (1 - pause) * a;
    const aus: AuIntensities = { left: { ...f.aus.left }, right: { ...f.aus.right } };
    SPEECH_AUS.forEach((au, j) => {
      const v = mouthScale * sample(columns[j]!, x);
      aus.left[au] = Math.min(5, Math.max(0, (aus.left[au] ?? 0) + v));
      aus.right[au] = Math.min(5, Math.max(0, (aus.right[au] ?? 0) + v));
    });
    const nod = nodDeg * Math.min(1, sample(onset, x) / peakOnset);
    frames.push({
      aus,
      pose: { yawDeg: f.pose.yawDeg * k, pitchDeg: f.pose.pitchDeg * k + nod, rollDeg: f.pose.rollDeg * k },
      gaze: f.gaze,
      blink: f.blink,
    });
  }
  return { fps, frames, prediction, activity: act };
}
