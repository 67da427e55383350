/**
 * Speech in the browser: any file the browser's own decoder reads (WAV, MP3, M4A/AAC, Ogg, WebM, FLAC, a
 * microphone recording), decoded with decodeAudioData, mixed to mono and resampled by the browser's audio
 * graph — to the rate the speech features are computed at (the same pure code as `vivify speak`), and to
 * 48 kHz for the video's sound track. It refuses what cannot drive a face, with one line each: a file that
 * is not audio, one too long for a browser tab, a silent one.
 */
import { SILENCE_RMS, SPEECH_SAMPLE_RATE } from '../../src/engine.js';

/**
 * The longest speech the browser renders: 2 minutes. Every frame is rendered and encoded in the tab, and the
 * video is held in memory until saved; `vivify speak` streams and takes 10 minutes.
 */
export const MAX_BROWSER_SPEECH_S = 120;
/** Files larger than this are refused before decoding (decoded, they would not fit in a tab's memory). */
export const MAX_AUDIO_FILE_BYTES = 64 * 1024 * 1024;
/** The sound track's rate (Opus's own). */
export const SOUND_RATE = 48000;

export interface DecodedSpeech {
  /** Mono at SPEECH_SAMPLE_RATE: what the features read. */
  samples: Float32Array;
  /** Mono at SOUND_RATE: the video's sound. */
  sound: Float32Array;
  durationS: number;
  /** The loudest sample (1 = full scale). */
  peak: number;
}

/** A one-line problem with the speech (shown as it is). */
export class SpeechInputError extends Error {}

export function formatLength(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  return h ? `${h} h ${m} min` : `${m} min ${sec} s`;
}

const tooLong = (name: string, what: string): SpeechInputError =>
  new SpeechInputError(
    `${name} is ${what}; the browser takes up to ${MAX_BROWSER_SPEECH_S / 60} minutes of speech (cut it into parts, or use vivify speak, which takes 10 minutes)`,
  );

/** Decodes, checks and resamples speech. */
export async function decodeSpeech(file: Blob, name: string): Promise<DecodedSpeech> {
  if (file.size === 0) throw new SpeechInputError(`${name} is empty (0 bytes)`);
  if (file.size > MAX_AUDIO_FILE_BYTES) throw tooLong(name, `${(file.size / 1e6).toFixed(0)} MB`);
  // A long file is refused by its stated length before it is decoded (2 hours decoded would not fit in memory).
  const stated = await statedDuration(file);
  if (stated > MAX_BROWSER_SPEECH_S + 0.5) throw tooLong(name, `${formatLength(stated)} long`);
  let decoded: AudioBuffer;
  try {
    // decodeAudioData resamples to its context's rate: the sound track's.
    decoded = await new OfflineAudioContext(1, 1, SOUND_RATE).decodeAudioData(await file.arrayBuffer());
  } catch {
    throw new SpeechInputError(
      `${name} is not audio this browser can decode (try a WAV, MP3, M4A or Ogg file with sound)`,
    );
  }
  if (decoded.duration > MAX_BROWSER_SPEECH_S + 0.5) throw tooLong(name, `${formatLength(decoded.duration)} long`);
  const sound = new Float32Array(decoded.length);
  for (let c = 0; c < decoded.numberOfChannels; c++) {
    const ch = decoded.getChannelData(c);
    for (let i = 0; i < ch.length; i++) sound[i]! += ch[i]! / decoded.numberOfChannels;
  }
  let peak = 0;
  for (const v of sound) peak = Math.max(peak, Math.abs(v));
  // The rule of `vivify speak` (src/speech/node/audio-in.ts).
  if (peak < SILENCE_RMS * 10)
    throw new SpeechInputError(
      `${name} is silent (${formatLength(decoded.duration)} of audio, loudest sample ${peak === 0 ? '0' : `${(20 * Math.log10(peak)).toFixed(0)} dBFS`}): there is no speech to follow`,
    );
  return { samples: await resample(sound, SOUND_RATE, SPEECH_SAMPLE_RATE), sound, durationS: decoded.duration, peak };
}

/**
 * The length a media element reads from the file's headers, without decoding it: 0 where it cannot tell
 * (not a media file, or a recording that states no length).
 */
async function statedDuration(file: Blob): Promise<number> {
  const el = new Audio();
  const url = URL.createObjectURL(file);
  try {
    return await new Promise<number>((resolve) => {
      const done = (): void => resolve(Number.isFinite(el.duration) ? el.duration : 0);
      el.addEventListener('loadedmetadata', done, { once: true });
      el.addEventListener('error', () => resolve(0), { once: true });
      setTimeout(() => resolve(0), 5000);
      el.preload = 'metadata';
      el.src = url;
    });
  } finally {
    el.removeAttribute('src');
    el.load();
    URL.revokeObjectURL(url);
  }
}

/** Resamples mono samples with the browser's audio graph (a band-limited resampler). */
async function resample(samples: Float32Array, from: number, to: number): Promise<Float32Array> {
  const length = Math.max(1, Math.round((samples.length * to) / from));
  const ctx = new OfflineAudioContext(1, length, to);
  const buffer = ctx.createBuffer(1, samples.length, from);
  buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(ctx.destination);
  src.start();
  return (await ctx.startRendering()).getChannelData(0).slice();
}
