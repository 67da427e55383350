import { spawn } from 'node:child_process';
import { VivifyError, throwIfAborted } from '../errors.js';
import { findFfmpeg } from './ffmpeg.js';
import { firstLine } from './image-file.js';
import { checkInputFile, collectStderr, rationalToNumber, runTool, waitExit } from './tool.js';
import type { VideoFrame } from '../face/image.js';

export interface VideoInfo {
  width: number;
  height: number;
  /** Average frame rate (frames per second). */
  fps: number;
  /** The frame rate as ffprobe states it, e.g. "30000/1001"; pass it to the writer to keep it exact. */
  fpsRational: string;
  durationS: number;
  /** Frame count from the container, or estimated from duration × fps when the container does not say. */
  frameCount: number;
  frameCountExact: boolean;
  codec: string;
  hasAudio: boolean;
}

/** Reads a video's stream information with ffprobe (no decoding). */
export async function probeVideo(file: string): Promise<VideoInfo> {
  await checkInputFile(file);
  const { ffprobe } = findFfmpeg();
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file];
  const { stdout, stderr, code } = await runTool(ffprobe, args);
  if (code !== 0) {
    throw new VivifyError(
      'E_VIDEO_DECODE',
      `${file} is not a readable video (${firstLine(stderr) || `ffprobe exit ${code}`})`,
    );
  }
  let json: { streams?: ProbeStream[]; format?: { duration?: string } };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch (cause) {
    throw new VivifyError('E_VIDEO_DECODE', `${file}: ffprobe returned unreadable output`, { cause });
  }
  const streams = json.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!v || !v.width || !v.height) throw new VivifyError('E_VIDEO_EMPTY', `${file} has no video stream`);
  const fpsRational = pickRate(v.avg_frame_rate) ?? pickRate(v.r_frame_rate) ?? '25/1';
  const fps = rationalToNumber(fpsRational);
  const durationS = Number(v.duration ?? json.format?.duration ?? 0) || 0;
  const nb = Number(v.nb_frames ?? NaN);
  const rotation = Math.abs(
    Number(v.tags?.rotate ?? v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0),
  );
  const swap = rotation % 180 === 90;
  return {
    width: swap ? v.height : v.width,
    height: swap ? v.width : v.height,
    fps,
    fpsRational,
    durationS,
    frameCount: Number.isFinite(nb) && nb > 0 ? nb : Math.round(durationS * fps),
    frameCountExact: Number.isFinite(nb) && nb > 0,
    codec: v.codec_name ?? 'unknown',
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

function pickRate(r: string | undefined): string | undefined {
  if (!r) return undefined;
  const n = rationalToNumber(r);
  return Number.isFinite(n) && n > 0 && n < 1000 ? r : undefined;
}

/**
 * A video's frame timing, read from its packets (demuxing only, no decoding). Packets the container marks
 * as discardable (before an edit list's start, say) are left out, as decoders leave them out.
 */
export interface FrameTiming {
  /** Frames with a presentation time. */
  frames: number;
  /**
   * The frame rate varies: showing the frames one after another at the average rate would put some frame
   * more than one frame interval (+1 ms for timestamp rounding) away from its own time. Up to one interval
   * — a single dropped frame, a 30 fps clip that skips every third frame — stays within lip-sync
   * tolerance and is not worth the repeated frames of resampling.
   */
  variable: boolean;
  /** The largest distance between a frame's own time and its time at the average rate, in seconds. */
  maxDriftS: number;
  /**
   * The constant rate that keeps the timing: the average rate when the rate is constant; when it varies,
   * the rate of the video's fastest steady part (the 10th percentile of frame intervals), as the nearest
   * standard rate within 3% (23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, …), at most 120.
   */
  fps: number;
  /** `fps` as an exact rational, e.g. "30000/1001". */
  fpsRational: string;
}

const STANDARD_RATES = [
  '24000/1001',
  '24/1',
  '25/1',
  '30000/1001',
  '30/1',
  '48/1',
  '50/1',
  '60000/1001',
  '60/1',
  '90/1',
  '100/1',
  '120/1',
];

/**
 * Frame timing from presentation times (seconds, any order) and the average rate the container states.
 * Pure; {@link probeFrameTiming} reads the times from a file.
 */
export function frameTimingFromTimes(
  timesS: readonly number[],
  averageFps: number,
  averageRational: string,
): FrameTiming {
  const t = [...timesS].filter(Number.isFinite).sort((a, b) => a - b);
  const constant = { frames: t.length, variable: false, maxDriftS: 0, fps: averageFps, fpsRational: averageRational };
  if (t.length < 3 || !(averageFps > 0)) return constant;
  let maxDriftS = 0;
  for (let i = 0; i < t.length; i++) maxDriftS = Math.max(maxDriftS, Math.abs(t[i]! - t[0]! - i / averageFps));
  if (maxDriftS <= 1 / averageFps + 0.001) return { ...constant, maxDriftS };
  const gaps = t
    .slice(1)
    .map((x, i) => x - t[i]!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  const fastest = 1 / (gaps[Math.floor(gaps.length * 0.1)] ?? 1 / averageFps);
  const rate = Math.min(120, Math.max(averageFps, fastest));
  const off = (r: string): number => Math.abs(rationalToNumber(r) / rate - 1);
  const standard = STANDARD_RATES.filter((r) => off(r) <= 0.03).sort((a, b) => off(a) - off(b))[0];
  const fpsRational = standard ?? (rate >= 10 ? `${Math.round(rate)}/1` : `${Math.round(rate * 100)}/100`);
  return { frames: t.length, variable: true, maxDriftS, fps: rationalToNumber(fpsRational), fpsRational };
}

/** Reads a video's frame timing from its packets (see {@link FrameTiming}); fast, as nothing is decoded. */
export async function probeFrameTiming(file: string, info?: VideoInfo): Promise<FrameTiming> {
  const v = info ?? (await probeVideo(file));
  const { ffprobe } = findFfmpeg();
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0'];
  const { stdout, stderr, code } = await runTool(ffprobe, [...args, file]);
  if (code !== 0) {
    throw new VivifyError(
      'E_VIDEO_DECODE',
      `${file}: cannot read frame times (${firstLine(stderr) || `ffprobe exit ${code}`})`,
    );
  }
  const times: number[] = [];
  for (const line of stdout.split('\n')) {
    const [pts, flags] = line.trim().split(',');
    if (!pts || flags?.includes('D')) continue;
    const x = Number(pts);
    if (Number.isFinite(x)) times.push(x);
  }
  return frameTimingFromTimes(times, v.fps, v.fpsRational);
}

/** How to read a video at a constant frame rate without losing its timing: see {@link planConstantRate}. */
export interface ConstantRatePlan {
  /** The constant rate of the frames decoding yields, as a number and as an exact rational (for the writer). */
  fps: number;
  fpsRational: string;
  /** Pass as {@link DecodeOptions.fps}; undefined when every frame is taken as it is. */
  decodeFps?: string;
  /** Frames decoding yields (estimated from the duration when resampling, for progress). */
  frameCount: number;
  /** The file's own frame rate varies (see {@link FrameTiming.variable}). */
  variable: boolean;
}

/**
 * Plans reading `file` as frames at one constant rate that keep its timing, so that any output (MP4, GIF,
 * PNG frames) lasts as long as the input and stays in sync with its audio: at `fps` when given (frames
 * taken by time); otherwise every frame as it is when the file's rate is constant, and frames taken by
 * time at {@link FrameTiming.fps} when it varies (a slow part's frames are repeated, none is lost from a
 * fast part).
 *
 * @example
 * const plan = await planConstantRate('phone.mp4');
 * const out = await openVideoWriter('out.mp4', { fps: plan.fpsRational });
 * for await (const f of decodeVideo('phone.mp4', { fps: plan.decodeFps })) await out.write(f);
 */
export async function planConstantRate(file: string, fps?: number | string): Promise<ConstantRatePlan> {
  const info = await probeVideo(file);
  const timing = await probeFrameTiming(file, info);
  const resampled = (r: string): ConstantRatePlan => {
    const n = rationalToNumber(r);
    return {
      fps: n,
      fpsRational: r,
      decodeFps: r,
      frameCount: Math.max(1, Math.round(info.durationS * n)),
      variable: timing.variable,
    };
  };
  if (fps !== undefined) return resampled(String(fps));
  if (timing.variable) return resampled(timing.fpsRational);
  return { fps: info.fps, fpsRational: info.fpsRational, frameCount: info.frameCount, variable: false };
}

export interface DecodeOptions {
  /**
   * Resample to this constant frame rate (a number, or an exact rational such as "30000/1001"): each output
   * frame is the input frame on screen at its time, so durations hold. `frames` then counts output frames.
   * Default: every frame as decoded, whatever its time (see {@link planConstantRate}).
   */
  fps?: number | string;
  /** Scale so that the longer side is at most this many pixels (aspect kept, even sizes). Default: no scaling. */
  maxSide?: number;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Decode only these frame indices (ascending); yielded frames keep their original `index`. */
  frames?: readonly number[];
  signal?: AbortSignal;
  /** Called once, after the last frame, if the decoder reported errors but some frames decoded (partly corrupt file). */
  onWarning?: (message: string) => void;
}

/**
 * Decodes a video to RGBA frames as a stream: one frame in memory at a time, whatever the length.
 * A partly corrupt file yields the frames that decode, then calls `onWarning`; a file with no
 * decodable frame throws `E_VIDEO_DECODE` (or `E_VIDEO_EMPTY` when it decodes to nothing cleanly).
 *
 * @example
 * for await (const frame of decodeVideo('driving.mp4')) console.log(frame.index, frame.width);
 */
export async function* decodeVideo(
  file: string,
  options: DecodeOptions = {},
): AsyncGenerator<VideoFrame, void, undefined> {
  const info = await probeVideo(file);
  const { ffmpeg } = findFfmpeg();
  let { width, height } = info;
  const filters: string[] = [];
  const pick = options.frames ? [...new Set(options.frames)].filter((n) => n >= 0).sort((a, b) => a - b) : undefined;
  if (pick?.length === 0) return;
  if (options.fps !== undefined) filters.push(`fps=${options.fps}`); // before select: frame numbers count resampled frames
  if (pick) filters.push(`select=${pick.map((n) => `eq(n\\,${Math.round(n)})`).join('+')}`);
  if (options.maxSide !== undefined && Math.max(width, height) > options.maxSide) {
    const s = options.maxSide / Math.max(width, height);
    width = Math.max(2, Math.round((width * s) / 2) * 2);
    height = Math.max(2, Math.round((height * s) / 2) * 2);
    filters.push(`scale=${width}:${height}:flags=area`);
  }
  const fps = options.fps !== undefined ? rationalToNumber(String(options.fps)) : info.fps;
  if (!(fps > 0)) throw new RangeError(`Expected a positive frame rate for fps but received ${String(options.fps)}`);
  const args = ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-an', '-sn', '-dn'];
  if (filters.length) args.push('-vf', filters.join(','));
  args.push('-vsync', pick ? 'vfr' : 'passthrough'); // exactly the frames the filters give, none added
  if (options.maxFrames !== undefined) args.push('-frames:v', String(options.maxFrames));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');

  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collectStderr(child);
  const exited = waitExit(child);
  const frameBytes = width * height * 4;
  let index = 0;
  // Each chunk from the pipe is copied once, straight into the frame it belongs to (a byte view of the
  // frame's buffer, so the copy is a memcpy): no joined copies of whole frames, which for large frames
  // cost as much time and garbage as the rest of the analysis.
  let frame: Uint8ClampedArray | undefined;
  let bytes: Uint8Array | undefined;
  let filled = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      throwIfAborted(options.signal);
      let at = 0;
      while (at < chunk.length) {
        if (!frame) {
          frame = new Uint8ClampedArray(frameBytes);
          bytes = new Uint8Array(frame.buffer);
        }
        const n = Math.min(chunk.length - at, frameBytes - filled);
        bytes!.set(n === chunk.length ? chunk : chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < frameBytes) continue;
        const original = pick ? (pick[index] ?? index) : index;
        const data = frame;
        frame = undefined;
        filled = 0;
        yield { width, height, data, index: original, timestampMs: (original * 1000) / fps };
        index++;
        throwIfAborted(options.signal);
      }
    }
    const code = await exited;
    const errText = stderr().trim();
    if (index === 0) {
      if (code !== 0 || errText) {
        throw new VivifyError(
          'E_VIDEO_DECODE',
          `${file}: no frame could be decoded (${firstLine(errText) || `ffmpeg exit ${code}`})`,
        );
      }
      throw new VivifyError('E_VIDEO_EMPTY', `${file} contains no video frames`);
    }
    if (code !== 0 || errText) {
      options.onWarning?.(
        `${file}: decoded ${index} frame(s), then the decoder reported errors — the file is damaged (${firstLine(errText) || `ffmpeg exit ${code}`})`,
      );
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export {
  openVideoWriter,
  outputShape,
  videoFormatForPath,
  type VideoOutputFormat,
  type VideoWriter,
  type VideoWriterOptions,
} from './video-writer.js';
export { runTool } from './tool.js';
