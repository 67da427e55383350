/**
 * Frame-exact video export in the browser: RGBA frames → WebCodecs VideoEncoder (VP8, or VP9 where VP8 is
 * missing) → a WebM file (webm.ts). Every frame gets its own timestamp at the chosen rate, however long it
 * took to render, so the file plays at the right speed.
 */
import type { RgbaImage } from '../../src/face/image.js';
import { muxWebm, type WebmChunk, type WebmTrack } from './webm.js';

export interface VideoFileEncoder {
  add(image: RgbaImage): Promise<void>;
  finish(): Promise<Blob>;
  readonly frames: number;
}

const CODECS: { codec: string; track: WebmTrack['codec'] }[] = [
  { codec: 'vp8', track: 'V_VP8' },
  { codec: 'vp09.00.10.08', track: 'V_VP9' },
];

export async function createVideoEncoder(width: number, height: number, fps: number): Promise<VideoFileEncoder> {
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
      return muxWebm({ codec: chosen.track, width, height, frameDurationUs: frameUs }, chunks);
    },
  };
}
