/**
 * Speech in: any file ffmpeg reads that has sound — WAV, MP3, M4A/AAC, FLAC, Ogg, or the audio track of a
 * video — decoded by the bundled ffmpeg to mono float PCM at one sample rate (16 kHz by default) and handed
 * out in chunks, so a long file never sits in memory whole (docs/speech.md).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { VivifyError, throwIfAborted } from '../errors.js';
import { findFfmpeg } from './ffmpeg.js';
import { firstLine } from './image-file.js';
import { checkRegularFile } from './kind.js';
import { runTool } from './video.js';

/** The sample rate speech is analysed at. */
export const SPEECH_SAMPLE_RATE = 16000;

export interface AudioInfo {
  /** Length of the audio stream in seconds (0 when the container does not say). */
  durationS: number;
  codec: string;
  /** The stream's own sample rate and channel count. */
  sampleRate: number;
  channels: number;
}

/**
 * Reads the first audio stream's facts with ffprobe. A missing, empty or non-media file, or one without an
 * audio stream, is one `VivifyError` (E_INPUT_NOT_FOUND, E_INPUT_EMPTY, E_AUDIO_DECODE).
 */
export async function probeAudio(file: string): Promise<AudioInfo> {
  await checkRegularFile(file, 'an audio file');
  const st = await fs.stat(file);
  if (st.size === 0) throw new VivifyError('E_INPUT_EMPTY', `${file} is empty (0 bytes)`);
  const { ffprobe } = findFfmpeg();
  const { stdout, stderr, code } = await runTool(ffprobe, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_streams',
    '-show_format',
    file,
  ]);
  if (code !== 0)
    throw new VivifyError(
      'E_AUDIO_DECODE',
      `${file} is not a readable audio or video file (${firstLine(stderr) || `ffprobe exit ${code}`})`,
    );
  let json: {
    streams?: {
      codec_type?: string;
      codec_name?: string;
      sample_rate?: string;
      channels?: number;
      duration?: string;
    }[];
    format?: { duration?: string };
  };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch (cause) {
    throw new VivifyError('E_AUDIO_DECODE', `${file}: ffprobe returned unreadable output`, { cause });
  }
  const a = (json.streams ?? []).find((s) => s.codec_type === 'audio');
  if (!a) throw new VivifyError('E_AUDIO_DECODE', `${file} has no audio (no sound track in it)`);
  return {
    durationS: Number(a.duration ?? json.format?.duration ?? 0) || 0,
    codec: a.codec_name ?? 'unknown',
    sampleRate: Number(a.sample_rate ?? 0) || 0,
    channels: a.channels ?? 0,
  };
}

export interface DecodeAudioOptions {
  /** Output sample rate. Default {@link SPEECH_SAMPLE_RATE}. */
  sampleRate?: number;
  /** Samples per yielded chunk (the last may be shorter). Default one second's worth. */
  chunkSamples?: number;
  /** Stop after this many seconds. */
  maxSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Decodes the first audio stream of `file` to mono float32 PCM (channels averaged, resampled), yielding
 * chunks: memory stays flat whatever the file's length.
 *
 * @example
 * for await (const chunk of decodeAudio('speech.m4a')) console.log(chunk.length);
 */
export async function* decodeAudio(
  file: string,
  options: DecodeAudioOptions = {},
): AsyncGenerator<Float32Array, void, undefined> {
  await probeAudio(file);
  const rate = options.sampleRate ?? SPEECH_SAMPLE_RATE;
  const chunkSamples = options.chunkSamples ?? rate;
  if (!(Number.isInteger(chunkSamples) && chunkSamples > 0))
    throw new RangeError(`Expected a positive integer for chunkSamples but received ${chunkSamples}`);
  const { ffmpeg } = findFfmpeg();
  const args = ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1'];
  args.push('-ar', String(rate));
  if (options.maxSeconds !== undefined) args.push('-t', String(options.maxSeconds));
  args.push('-f', 'f32le', '-acodec', 'pcm_f32le', 'pipe:1');
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 16384) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (cause) =>
      reject(new VivifyError('E_FFMPEG_MISSING', `could not start ffmpeg: ${firstLine(cause)}`, { cause })),
    );
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const chunkBytes = chunkSamples * 4;
  let buf = new Uint8Array(chunkBytes);
  let filled = 0;
  let total = 0;
  try {
    for await (const data of child.stdout as AsyncIterable<Buffer>) {
      throwIfAborted(options.signal);
      let at = 0;
      while (at < data.length) {
        const n = Math.min(data.length - at, chunkBytes - filled);
        buf.set(data.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunkBytes) {
          const out = new Float32Array(buf.buffer, 0, chunkSamples);
          buf = new Uint8Array(chunkBytes);
          filled = 0;
          total += chunkSamples;
          yield out;
        }
      }
    }
    const code = await exited;
    const whole = filled - (filled % 4);
    if (whole > 0) {
      total += whole / 4;
      yield new Float32Array(buf.buffer.slice(0, whole));
    }
    if (total === 0)
      throw new VivifyError(
        'E_AUDIO_DECODE',
        `${file}: no audio could be decoded (${firstLine(stderr) || `ffmpeg exit ${code}`})`,
      );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
