/**
 * Reads speech for `vivify speak` and the speech data: decodes the file in one-second chunks (memory flat
 * however long it is), computes the features as the chunks come, and refuses what cannot drive a face —
 * a file without sound, a silent one, one longer than the limit — with one clear error each.
 */
import {
  createAudioFeatureStream,
  normaliseAudioFeatures,
  SILENCE_RMS,
  type AudioFrames,
} from '../../analysis/audio-features.js';
import { VivifyError } from '../../errors.js';
import { decodeAudio, probeAudio, SPEECH_SAMPLE_RATE } from '../../media/audio.js';
import { SPEECH_FPS } from '../model.js';

/** The longest speech `vivify speak` takes by default: 10 minutes. */
export const MAX_SPEECH_SECONDS = 600;

export interface SpeechAudio {
  /** Raw features and levels at `fps`. */
  frames: AudioFrames;
  /** Normalised features (what the model reads). */
  normalised: Float32Array[];
  durationS: number;
  /** The loudest sample's magnitude (1 = full scale) and the share of samples at full scale (clipping). */
  peak: number;
  clippedShare: number;
}

export interface ReadSpeechOptions {
  fps?: number;
  /** Refuse longer audio (seconds). Default {@link MAX_SPEECH_SECONDS}. */
  maxSeconds?: number;
  /** Accept digital silence (the speech data does; `vivify speak` does not). Default false. */
  allowSilent?: boolean;
  signal?: AbortSignal;
  onProgress?: (doneS: number, totalS: number) => void;
}

/**
 * Decodes `file` and computes its speech features at `fps` (default 25, the speech model's rate).
 *
 * @example
 * const speech = await readSpeech('hello.wav');
 * console.log(speech.durationS, speech.frames.features.length);
 */
export async function readSpeech(file: string, options: ReadSpeechOptions = {}): Promise<SpeechAudio> {
  const fps = options.fps ?? SPEECH_FPS;
  const maxSeconds = options.maxSeconds ?? MAX_SPEECH_SECONDS;
  const info = await probeAudio(file);
  const tooLong = (s: number): VivifyError =>
    new VivifyError(
      'E_AUDIO_TOO_LONG',
      `${file} is ${formatLength(s)} long; speech is limited to ${formatLength(maxSeconds)} (cut it into parts, e.g. with ffmpeg -ss/-t)`,
    );
  if (info.durationS > maxSeconds + 0.5) throw tooLong(info.durationS);
  const stream = createAudioFeatureStream(SPEECH_SAMPLE_RATE, fps);
  let samples = 0;
  let peak = 0;
  let clipped = 0;
  // One second past the limit is read at most, for containers that do not state their length.
  for await (const chunk of decodeAudio(file, { maxSeconds: maxSeconds + 1, signal: options.signal })) {
    for (let i = 0; i < chunk.length; i++) {
      const a = Math.abs(chunk[i]!);
      if (a > peak) peak = a;
      if (a >= 0.999) clipped++;
    }
    samples += chunk.length;
    stream.push(chunk);
    options.onProgress?.(samples / SPEECH_SAMPLE_RATE, info.durationS);
  }
  const durationS = samples / SPEECH_SAMPLE_RATE;
  if (durationS > maxSeconds + 0.5) throw tooLong(durationS);
  const frames = stream.end();
  if (!options.allowSilent && peak < SILENCE_RMS * 10)
    throw new VivifyError(
      'E_AUDIO_SILENT',
      `${file} is silent (${formatLength(durationS)} of audio, loudest sample ${peak === 0 ? '0' : `${(20 * Math.log10(peak)).toFixed(0)} dBFS`}): there is no speech to follow`,
    );
  return {
    frames,
    normalised: normaliseAudioFeatures(frames),
    durationS,
    peak,
    clippedShare: samples ? clipped / samples : 0,
  };
}

function formatLength(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h ? `${h} h ${m} min` : `${m} min ${sec} s`;
}
