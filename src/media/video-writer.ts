/**
 * Writing videos: H.264 MP4 or GIF streamed to ffmpeg, or a folder of PNG frames; written to a temporary
 * sibling and moved into place only once the file reads back with every frame (media/atomic.ts), so a
 * failed or cancelled run leaves nothing that looks complete.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import { commitTemp, outputFailure, prepareTemp, throwOutputFailure, type OutputShape } from './atomic.js';
import { findFfmpeg } from './ffmpeg.js';
import { encodeImage, firstLine } from './image-file.js';
import { checkInputFile, collectStderr, rationalToNumber, runTool, waitExit } from './tool.js';

export type VideoOutputFormat = 'mp4' | 'gif' | 'png-sequence';

/** A writer that never waits gives the event loop a turn at least this often (signals must get through). */
const YIELD_EVERY_MS = 50;

/** `.mp4` → H.264 MP4, `.gif` → GIF, a name without extension or ending in `/` → a folder of PNG frames. */
export function videoFormatForPath(file: string): VideoOutputFormat {
  if (file.endsWith('/') || file.endsWith(path.sep)) return 'png-sequence';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mp4') return 'mp4';
  if (ext === '.gif') return 'gif';
  if (ext === '') return 'png-sequence';
  throw new VivifyError(
    'E_UNSUPPORTED_FORMAT',
    `cannot write ${file}: use .mp4, .gif, or a folder name for PNG frames`,
  );
}

/** What writing a video to `file` makes: a folder of frames or one file (see {@link videoFormatForPath}). */
export function outputShape(file: string | undefined): OutputShape {
  return file !== undefined && videoFormatForPath(file) === 'png-sequence' ? 'frames' : 'file';
}

export interface VideoWriterOptions {
  /** Frames per second, a number or an exact rational string such as "30000/1001". */
  fps: number | string;
  /** Copy the first audio stream of this file into the MP4 (cut to the video's length). */
  audioFrom?: string;
  /** H.264 constant rate factor (0–51, lower is better). Default 18. */
  crf?: number;
  /** Output format; default from the file name (see {@link videoFormatForPath}). */
  format?: VideoOutputFormat;
}

export interface VideoWriter {
  readonly path: string;
  readonly framesWritten: number;
  /** Appends a frame; every frame must have the size of the first. */
  write(frame: RgbaImage): Promise<void>;
  /** Finishes encoding and moves the file into place. */
  close(): Promise<void>;
  /** Stops encoding and removes the partial output; the target is left untouched. */
  abort(): Promise<void>;
}

/**
 * Opens a streaming video writer: frames go straight to the encoder, nothing is buffered.
 * The output appears at `file` only when `close()` succeeds: it is written to a temporary sibling first
 * (`.vivify-tmp-…`, see media/atomic.ts), and leftovers of earlier killed runs to the same file are removed.
 * MP4 is H.264 yuv420p; odd sizes are padded to even by repeating the last row/column.
 *
 * @example
 * const out = await openVideoWriter('out.mp4', { fps: 25 });
 * for (const f of frames) await out.write(f);
 * await out.close();
 */
export async function openVideoWriter(file: string, options: VideoWriterOptions): Promise<VideoWriter> {
  const format = options.format ?? videoFormatForPath(file);
  const named = file.endsWith('/') ? file.slice(0, -1) : file;
  const fps = String(options.fps);
  if (!(rationalToNumber(fps) > 0)) throw new RangeError(`Expected a positive frame rate for fps but received ${fps}`);
  if (options.audioFrom !== undefined) await checkInputFile(options.audioFrom);
  const { tmp, target } = await prepareTemp(named, format === 'png-sequence' ? 'frames' : 'file');
  return format === 'png-sequence'
    ? pngSequenceWriter(named, target, tmp)
    : ffmpegWriter(named, target, tmp, format, fps, options);
}

function ffmpegWriter(
  named: string,
  target: string,
  tmp: string,
  format: 'mp4' | 'gif',
  fps: string,
  options: VideoWriterOptions,
): VideoWriter {
  let child: ChildProcess | undefined;
  let stderr: () => string = () => '';
  let exited: Promise<number> | undefined;
  let size: { width: number; height: number } | undefined;
  let framesWritten = 0;
  let finished = false;
  let lastTurn = performance.now();

  const start = (width: number, height: number): void => {
    const { ffmpeg } = findFfmpeg();
    const args = encoderArgs(width, height, fps, format, options, tmp);
    child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin!.on('error', () => undefined); // reported through the exit code below
    stderr = collectStderr(child);
    exited = waitExit(child);
  };

  const fail = async (what: string, cause?: unknown): Promise<never> => {
    finished = true;
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (exited) await exited.catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const io = outputFailure(named, cause) ?? diskFailure(named, stderr());
    if (io) throw io;
    throw new VivifyError('E_VIDEO_ENCODE', `${named}: ${what}${stderr() ? ` (${firstLine(stderr())})` : ''}`, {
      cause,
    });
  };

  return {
    path: named,
    get framesWritten() {
      return framesWritten;
    },
    async write(frame) {
      const first = size === undefined;
      size = checkFrame(named, finished, size, frame, framesWritten);
      if (first) start(frame.width, frame.height);
      const stdin = child!.stdin!;
      const buf = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.length);
      const ok = stdin.write(buf);
      if (!ok) {
        const drained = await Promise.race([
          new Promise<boolean>((r) => stdin.once('drain', () => r(true))),
          exited!.then(() => false),
        ]);
        if (!drained) await fail(`the encoder stopped unexpectedly (exit ${await exited})`);
        lastTurn = performance.now();
      } else if (performance.now() - lastTurn > YIELD_EVERY_MS) {
        // The pipe took the frame without pushing back: without a turn of the event loop now and then, a
        // fast render loop never lets a signal handler (Ctrl-C, SIGTERM) run.
        await new Promise((r) => setImmediate(r));
        lastTurn = performance.now();
      }
      framesWritten++;
    },
    async close() {
      if (finished) return;
      if (!child) await fail('no frames were written');
      finished = true;
      child!.stdin!.end();
      const code = await exited!;
      if (code !== 0) await fail(`encoder exited with code ${code}`);
      // The encoder can exit 0 with a file it could not finish (a full disk loses the MP4's index): the
      // file moves into place only once it reads back with every frame.
      const problem = await verifyEncoded(tmp, framesWritten, format === 'mp4' && options.audioFrom !== undefined);
      if (problem) await fail(problem);
      try {
        await commitTemp(tmp, target, 'file');
      } catch (cause) {
        await fail('could not move the finished file into place', cause);
      }
    },
    async abort() {
      finished = true;
      if (child && child.exitCode === null) child.kill('SIGKILL');
      if (exited) await exited.catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    },
  };
}

/** ffmpeg's arguments for raw RGBA frames of this size on stdin, encoded to `tmp` as MP4 (with the sound of `audioFrom`) or GIF. */
function encoderArgs(
  width: number,
  height: number,
  fps: string,
  format: 'mp4' | 'gif',
  options: VideoWriterOptions,
  tmp: string,
): string[] {
  const args = [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-s',
    `${width}x${height}`,
    '-r',
    fps,
    '-i',
    'pipe:0',
  ];
  const audio = format === 'mp4' && options.audioFrom !== undefined;
  if (audio) args.push('-i', options.audioFrom!);
  if (format === 'mp4') {
    const padW = width % 2;
    const padH = height % 2;
    if (padW || padH) {
      args.push('-vf', `pad=${width + padW}:${height + padH}:0:0,fillborders=right=${padW}:bottom=${padH}:mode=smear`);
    }
    args.push('-map', '0:v:0');
    if (audio) args.push('-map', '1:a:0?', '-c:a', 'aac', '-b:a', '160k', '-shortest');
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(options.crf ?? 18), '-pix_fmt', 'yuv420p');
    args.push('-movflags', '+faststart', '-f', 'mp4', tmp);
  } else {
    // A palette per frame keeps GIF encoding streaming (no whole-video buffering) and accurate in colour.
    args.push(
      '-vf',
      'split[a][b];[a]palettegen=stats_mode=single:reserve_transparent=0[p];[b][p]paletteuse=new=1:dither=bayer:bayer_scale=4',
    );
    args.push('-loop', '0', '-f', 'gif', tmp);
  }
  return args;
}

/** A writer takes frames until it is closed, each the size of the first; returns that size. */
function checkFrame(
  named: string,
  finished: boolean,
  size: { width: number; height: number } | undefined,
  frame: RgbaImage,
  n: number,
): { width: number; height: number } {
  if (finished) throw new VivifyError('E_VIDEO_ENCODE', `${named}: write after close`);
  if (size && (frame.width !== size.width || frame.height !== size.height))
    throw new RangeError(
      `Expected ${size.width}x${size.height} for frame ${n} but received ${frame.width}x${frame.height}`,
    );
  return size ?? { width: frame.width, height: frame.height };
}

function pngSequenceWriter(named: string, target: string, tmpDir: string): VideoWriter {
  let framesWritten = 0;
  let size: { width: number; height: number } | undefined;
  let finished = false;
  return {
    path: named,
    get framesWritten() {
      return framesWritten;
    },
    async write(frame) {
      size = checkFrame(named, finished, size, frame, framesWritten);
      const png = await encodeImage(frame, 'png');
      const name = path.join(tmpDir, `frame_${String(framesWritten + 1).padStart(6, '0')}.png`);
      await fs.writeFile(name, png).catch(async (cause: unknown) => {
        finished = true;
        await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
        throwOutputFailure(named, cause);
      });
      framesWritten++;
    },
    async close() {
      if (finished) return;
      finished = true;
      try {
        if (!size) throw new VivifyError('E_VIDEO_ENCODE', `${named}: no frames were written`);
        await commitTemp(tmpDir, target, 'frames');
      } catch (cause) {
        await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
        throwOutputFailure(named, cause);
      }
    },
    async abort() {
      finished = true;
      await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/**
 * Why an encoded file at `file` is not a complete video of `frames` frames, or undefined when it is: it
 * must be a non-empty file that ffprobe reads with a video stream of exactly that many packets (with
 * `shortened`, when audio was muxed with -shortest, at least one).
 */
async function verifyEncoded(file: string, frames: number, shortened: boolean): Promise<string | undefined> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st?.size) return 'the encoder wrote nothing';
  const { ffprobe } = findFfmpeg();
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets'];
  args.push('-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file);
  const { stdout, stderr, code } = await runTool(ffprobe, args);
  const packets = Number(stdout.trim().split(/[\s,]+/)[0]);
  if (code !== 0 || !Number.isFinite(packets))
    return `the encoded file does not read back (${firstLine(stderr) || `ffprobe exit ${code}`})`;
  if (shortened ? packets < 1 : packets !== frames)
    return `the encoded file holds ${packets} of the ${frames} frames written`;
  return undefined;
}

/** The encoder's own report of a full disk or a refused write, as a one-line E_OUTPUT error. */
function diskFailure(target: string, stderr: string): VivifyError | undefined {
  const codes: [RegExp, string][] = [
    [/No space left on device/i, 'ENOSPC'],
    [/Disk quota exceeded/i, 'EDQUOT'],
    [/Read-only file system/i, 'EROFS'],
    [/Permission denied/i, 'EACCES'],
  ];
  const hit = codes.find(([re]) => re.test(stderr));
  return hit && outputFailure(target, Object.assign(new Error(firstLine(stderr)), { code: hit[1] }));
}
