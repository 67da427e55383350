/**
 * Audio features of speech at the video's frame rate, computed as the samples stream in: per frame, two
 * 32-ms windows (at the frame's time and half a frame later), each giving 13 MFCCs and the log RMS level.
 * MFCCs come from Meyda (a maintained, dependency-light feature library that runs unchanged in Node and
 * in browsers); docs/speech.md says why. Pure: samples in, numbers out.
 */
import * as meyda from 'meyda';

/** The part of Meyda's one configurable object used here. */
interface MeydaApi {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  extract(feature: 'mfcc', signal: Float32Array): number[] | null;
}
function isMeydaApi(v: unknown): v is MeydaApi {
  return typeof v === 'object' && v !== null && 'extract' in v && typeof v.extract === 'function';
}

/** Meyda's one object: Node's CommonJS interop gives it as `default`, bundlers may give it directly. */
function meydaApi(module: unknown): MeydaApi {
  const inner = typeof module === 'object' && module !== null && 'default' in module ? module.default : undefined;
  if (isMeydaApi(inner)) return inner;
  if (isMeydaApi(module)) return module;
  throw new Error('The Meyda audio-feature library loaded without its extract() function');
}
const Meyda = meydaApi(meyda);

/**
 * The sample rate the features are computed at, for code that cannot reach the decoder (the web app
 * resamples to it). The decoder's own constant (src/media/audio.ts, below this layer) is the same number;
 * the browser test checks that they agree.
 */
export const SPEECH_SAMPLE_RATE = 16000;
/** Samples per analysis window (32 ms at 16 kHz; Meyda needs a power of two). */
export const AUDIO_WINDOW = 512;
export const MFCC_COUNT = 13;
/** Analysis windows per video frame. */
export const WINDOWS_PER_FRAME = 2;
/** Numbers per frame: per window, the MFCCs and the log RMS level. */
export const AUDIO_FEATURES = WINDOWS_PER_FRAME * (MFCC_COUNT + 1);
/** Below this RMS (−80 dBFS) a window counts as digital silence. */
export const SILENCE_RMS = 1e-4;

export interface AudioFrames {
  fps: number;
  /** Per frame: AUDIO_FEATURES raw numbers (MFCCs and log10 RMS per window). */
  features: Float32Array[];
  /** Per frame: the RMS level of the frame's windows (0–1 full scale). */
  rms: Float32Array;
}

export interface AudioFeatureStream {
  /** Adds samples; returns how many frames are complete so far (drained ones included). */
  push(samples: Float32Array): number;
  /**
   * Hands out the frames completed since the last drain and forgets them (a live consumer's memory stays
   * flat); `end()` then returns only the frames not drained.
   */
  drain(): AudioFrames;
  /** Ends the stream (the last frames see zeros past the end) and returns every frame (not drained). */
  end(): AudioFrames;
}

/**
 * A feature extractor that takes samples in chunks of any size and keeps only the samples the next
 * windows need. Frame i covers [i / fps, (i + 1) / fps); `end()` returns ceil(duration × fps) frames.
 *
 * @example
 * const s = createAudioFeatureStream(16000, 25);
 * for await (const chunk of decodeAudio('speech.wav')) s.push(chunk);
 * const { features, rms } = s.end();
 */
export function createAudioFeatureStream(sampleRate: number, fps: number): AudioFeatureStream {
  if (!(sampleRate > 0 && fps > 0)) throw new RangeError(`Expected positive rates but received ${sampleRate}, ${fps}`);
  const half = AUDIO_WINDOW / 2;
  /** Samples held, starting at absolute sample `base`. */
  let held = new Float32Array(0);
  let base = 0;
  let received = 0;
  let window = 0;
  let features: Float32Array[] = [];
  let rmsOut: number[] = [];
  /** Frames drained so far (frame numbers in `end()` count them). */
  let drained = 0;
  let current = new Float32Array(AUDIO_FEATURES);
  let currentRms = 0;
  const centre = (w: number): number => Math.round((w * sampleRate) / (fps * WINDOWS_PER_FRAME));
  const buf = new Float32Array(AUDIO_WINDOW);

  const analyse = (): void => {
    const c = centre(window);
    for (let k = 0; k < AUDIO_WINDOW; k++) {
      const at = c - half + k - base;
      buf[k] = at >= 0 && at < held.length ? held[at]! : 0;
    }
    let sq = 0;
    for (let k = 0; k < AUDIO_WINDOW; k++) sq += buf[k]! * buf[k]!;
    const rms = Math.sqrt(sq / AUDIO_WINDOW);
    const mfcc = rms < SILENCE_RMS ? undefined : Meyda.extract('mfcc', buf);
    const slot = (window % WINDOWS_PER_FRAME) * (MFCC_COUNT + 1);
    for (let m = 0; m < MFCC_COUNT; m++) {
      const v = mfcc?.[m] ?? 0;
      current[slot + m] = Number.isFinite(v) ? v : 0;
    }
    current[slot + MFCC_COUNT] = Math.log10(Math.max(rms, SILENCE_RMS));
    currentRms += (rms * rms) / WINDOWS_PER_FRAME;
    window++;
    if (window % WINDOWS_PER_FRAME === 0) {
      features.push(current);
      rmsOut.push(Math.sqrt(currentRms));
      current = new Float32Array(AUDIO_FEATURES);
      currentRms = 0;
    }
  };

  Meyda.bufferSize = AUDIO_WINDOW;
  Meyda.sampleRate = sampleRate;
  Meyda.melBands = 26;
  Meyda.numberOfMFCCCoefficients = MFCC_COUNT;
  Meyda.windowingFunction = 'hanning';

  return {
    push(samples) {
      const joined = new Float32Array(held.length + samples.length);
      joined.set(held);
      joined.set(samples, held.length);
      held = joined;
      received += samples.length;
      while (centre(window) + half <= received) analyse();
      // Keep only what the next window needs.
      const keepFrom = Math.max(0, centre(window) - half - base);
      if (keepFrom > 0) {
        held = held.slice(keepFrom);
        base += keepFrom;
      }
      return drained + features.length;
    },
    drain() {
      const out = { fps, features, rms: Float32Array.from(rmsOut) };
      drained += features.length;
      features = [];
      rmsOut = [];
      return out;
    },
    end() {
      const frames = Math.ceil((received * fps) / sampleRate - 1e-9);
      while (drained + features.length < frames) analyse();
      return { fps, features, rms: Float32Array.from(rmsOut) };
    },
  };
}

/** Features of a whole signal held in memory (tests, short clips). */
export function audioFeatures(samples: Float32Array, sampleRate: number, fps: number): AudioFrames {
  const s = createAudioFeatureStream(sampleRate, fps);
  s.push(samples);
  return s.end();
}

/**
 * Normalises one utterance's features as the model expects them: each MFCC to zero mean and unit spread
 * over the utterance's voiced frames (speaker and microphone drop out), and the log level relative to the
 * utterance's loud frames (its 95th percentile), so a quiet recording and a loud one read the same.
 */
export function normaliseAudioFeatures(frames: AudioFrames): Float32Array[] {
  const n = frames.features.length;
  if (n === 0) return [];
  const loud = percentile(Array.from(frames.rms), 0.95);
  const voiced = frames.features.filter((_, i) => frames.rms[i]! > Math.max(SILENCE_RMS, loud * 0.05));
  const pool = voiced.length >= 5 ? voiced : frames.features;
  const mean = new Float32Array(AUDIO_FEATURES);
  const sd = new Float32Array(AUDIO_FEATURES);
  for (const f of pool) for (let k = 0; k < AUDIO_FEATURES; k++) mean[k]! += f[k]! / pool.length;
  for (const f of pool) for (let k = 0; k < AUDIO_FEATURES; k++) sd[k]! += (f[k]! - mean[k]!) ** 2 / pool.length;
  const ref = Math.log10(Math.max(loud, SILENCE_RMS));
  return frames.features.map((f) => {
    const out = new Float32Array(AUDIO_FEATURES);
    for (let k = 0; k < AUDIO_FEATURES; k++) {
      const isLevel = k % (MFCC_COUNT + 1) === MFCC_COUNT;
      out[k] = isLevel ? Math.max(-4, f[k]! - ref) : (f[k]! - mean[k]!) / Math.sqrt(sd[k]! + 1e-6);
    }
    return out;
  });
}

/**
 * Speech activity per frame, 0 (pause) … 1 (speaking loudly): the frame's level in decibels between 40 dB
 * below the utterance's loud frames (0) and their level (1), smoothed over about 100 ms.
 */
export function speechActivity(rms: Float32Array, fps: number): Float32Array {
  const loud = Math.max(percentile(Array.from(rms), 0.95), SILENCE_RMS);
  const raw = Array.from(rms, (r) => {
    const db = 20 * Math.log10(Math.max(r, SILENCE_RMS) / loud);
    return Math.min(1, Math.max(0, (db + 40) / 40));
  });
  const k = Math.max(1, Math.round(fps * 0.05));
  return Float32Array.from(raw, (_, i) => {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - k); j <= Math.min(raw.length - 1, i + k); j++) {
      s += raw[j]!;
      c++;
    }
    return s / c;
  });
}

function percentile(v: number[], p: number): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
