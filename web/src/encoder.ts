/**
 * Frame-exact video export in the browser: RGBA frames → WebCodecs VideoEncoder (VP8, or VP9 where VP8 is
 * missing) → a WebM file (webm.ts). Every frame gets its own timestamp at the chosen rate, however long it
 * took to render, so the file plays at the right speed. A sound track (mono samples) is encoded as Opus
 * with WebCodecs' AudioEncoder and muxed beside the video, timed from the same 0.
 */
import type { RgbaImage } from '../../src/engine.js';
import { muxWebm, type WebmAudioTrack, type WebmChunk, type WebmTrack } from './webm.js';

export interface VideoFileEncoder {
  add(image: RgbaImage): Promise<void>;
  finish(): Promise<Blob>;
  readonly frames: number;
}

/** Mono sound to mux beside the video. */
export interface SoundTrack {
  samples: Float32Array;
  sampleRate: number;
}

/** The sample rates Opus encodes (WebCodecs refuses others). */
const OPUS_RATES = [48000, 24000, 16000, 12000, 8000];

/**
 * Encodes mono samples as Opus. Undefined where the browser has no Opus AudioEncoder (the video is then
 * exported without sound, and the caller says so).
 */
export async function encodeOpus(sound: SoundTrack): Promise<WebmAudioTrack | undefined> {
  if (typeof AudioEncoder === 'undefined' || !OPUS_RATES.includes(sound.sampleRate)) return undefined;
  const config: AudioEncoderConfig = {
    codec: 'opus',
    sampleRate: sound.sampleRate,
    numberOfChannels: 1,
    bitrate: 64_000,
  };
  if (!(await AudioEncoder.isConfigSupported(config)).supported) return undefined;
  const chunks: WebmChunk[] = [];
  let description: Uint8Array | undefined;
  let failure: Error | undefined;
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ data, timestampUs: chunk.timestamp, key: true });
      const d = meta?.decoderConfig?.description;
      if (d && !description)
        description = ArrayBuffer.isView(d)
          ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice()
          : new Uint8Array(d).slice();
    },
    error: (e) => {
      failure = e;
    },
  });
  encoder.configure(config);
  // 20-ms pieces, Opus's own frame length.
  const step = Math.round(sound.sampleRate / 50);
  for (let at = 0; at < sound.samples.length; at += step) {
    const piece = sound.samples.slice(at, Math.min(sound.samples.length, at + step));
    const data = new AudioData({
      format: 'f32',
      sampleRate: sound.sampleRate,
      numberOfFrames: piece.length,
      numberOfChannels: 1,
      timestamp: Math.round((at * 1e6) / sound.sampleRate),
      data: piece,
    });
    encoder.encode(data);
    data.close();
    while (encoder.encodeQueueSize > 16) await new Promise((r) => setTimeout(r, 2));
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw failure;
  return {
    codec: 'A_OPUS',
    sampleRate: sound.sampleRate,
    channels: 1,
    codecPrivate: description ?? opusHead(sound.sampleRate),
    chunks,
  };
}

/** An OpusHead (RFC 7845, 5.1) for mono: libopus's usual 312-sample pre-skip, no gain, mapping family 0. */
function opusHead(inputRate: number): Uint8Array {
  const b = new Uint8Array(19);
  b.set([...'OpusHead'].map((c) => c.charCodeAt(0)));
  const v = new DataView(b.buffer);
  v.setUint8(8, 1);
  v.setUint8(9, 1);
  v.setUint16(10, 312, true);
  v.setUint32(12, inputRate, true);
  return b;
}

const CODECS: { codec: string; track: WebmTrack['codec'] }[] = [
  { codec: 'vp8', track: 'V_VP8' },
  { codec: 'vp09.00.10.08', track: 'V_VP9' },
];

export async function createVideoEncoder(
  width: number,
  height: number,
  fps: number,
  sound?: WebmAudioTrack,
): Promise<VideoFileEncoder> {
  if (typeof VideoEncoder === 'undefined') {
    throw new Error(
      'this browser cannot encode video (no WebCodecs VideoEncoder); use a recent Chrome, Edge or Firefox',
    );
  }
  const bitrate = Math.min(8_000_000, Math.round(width * height * fps * 0.25));
  let chosen: (typeof CODECS)[number] | undefined;
  for (const c of CODECS) {
    const support = await VideoEncoder.isConfigSupported({ codec: c.codec, width, height, bitrate, framerate: fps });
    if (support.supported) {
      chosen = c;
      break;
    }
  }
  if (!chosen) throw new Error(`this browser cannot encode ${width}×${height} video as VP8 or VP9`);
  const chunks: WebmChunk[] = [];
  let failure: Error | undefined;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ data, timestampUs: chunk.timestamp, key: chunk.type === 'key' });
    },
    error: (e) => {
      failure = e;
    },
  });
  encoder.configure({ codec: chosen.codec, width, height, bitrate, framerate: fps, latencyMode: 'quality' });
  const frameUs = 1e6 / fps;
  let n = 0;
  return {
    get frames() {
      return n;
    },
    async add(image) {
      if (failure) throw failure;
      const frame = new VideoFrame(image.data, {
        format: 'RGBA',
        codedWidth: image.width,
        codedHeight: image.height,
        timestamp: Math.round(n * frameUs),
        duration: Math.round(frameUs),
      });
      encoder.encode(frame, { keyFrame: n % Math.max(1, Math.round(fps * 2)) === 0 });
      frame.close();
      n++;
      // Keep the encoder's queue short so frames do not pile up in memory.
      while (encoder.encodeQueueSize > 4) await new Promise((r) => setTimeout(r, 5));
    },
    async finish() {
      await encoder.flush();
      encoder.close();
      if (failure) throw failure;
      chunks.sort((a, b) => a.timestampUs - b.timestampUs);
      return muxWebm({ codec: chosen.track, width, height, frameDurationUs: frameUs }, chunks, sound);
    },
  };
}
