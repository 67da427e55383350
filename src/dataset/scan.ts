/**
 * Dataset scan, the checks VoxCeleb-style preprocessing applies before training: does each video decode
 * completely, is it static, how long and at what rate, and does it show exactly one face.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { FaceAnalyzer } from '../analysis/analyzer.js';
import { isVivifyError, throwIfAborted } from '../errors.js';
import { firstLine } from '../media/image-file.js';
import { VIDEO_EXTENSIONS } from '../media/kind.js';
import type { RgbaImage } from '../face/image.js';
import { decodeVideo, probeFrameTiming, probeVideo, type VideoInfo } from '../media/video.js';

export type ScanStatus = 'good' | 'corrupt' | 'static' | 'faceless';

export interface ScanOptions {
  /** Frames sampled evenly through each video for the face check. Default 8. */
  samples?: number;
  /**
   * A video is static when no frame differs from its first frame by more than this mean squared error
   * (0–255 scale, on a 64-pixel thumbnail). Default 8: a still image encoded as video flickers by up to
   * ~5 through codec noise, while the lowest-motion real clip in the test data drifts by 44.
   */
  staticMse?: number;
  /** A video is faceless when fewer than this fraction of its sampled frames show exactly one face. Default 0.5. */
  minFaceFraction?: number;
  signal?: AbortSignal;
  /** Called before each file. */
  onFile?: (file: string, index: number, total: number) => void;
}

export const DEFAULT_SCAN_OPTIONS = { samples: 8, staticMse: 8, minFaceFraction: 0.5 } as const;

export interface ScanResult {
  file: string;
  status: ScanStatus;
  /** Why the status is not `good` (and any decoder warnings), empty when good. */
  problems: string[];
  width?: number;
  height?: number;
  fps?: number;
  durationS?: number;
  codec?: string;
  hasAudio?: boolean;
  /**
   * Frames that decoded, and the count the container declares (if it does). The two may differ in a good
   * file (packets the container marks as discardable are counted but not shown): integrity is judged by
   * what the decoder reports, not by this difference.
   */
  framesDecoded: number;
  framesDeclared?: number;
  /** The frame rate varies (see FrameTiming.variable in media/video.ts): `fps` is then an average. */
  variableFrameRate?: boolean;
  /** Mean and maximum MSE between successive thumbnail frames (the VoxCeleb-style motion measure). */
  meanFrameMse?: number;
  maxFrameMse?: number;
  /** Largest MSE between any thumbnail frame and the first (what decides `static`). */
  maxDriftMse?: number;
  /** Fraction of sampled frames with exactly one face, and the sampled frames' face counts. */
  faceFraction?: number;
  faceCounts?: number[];
}

export interface ListVideosOptions {
  /** Called for each path not listed: a link that leads back into the folders being walked (a loop), a file or folder already listed under another name, a folder that cannot be read. */
  onSkip?: (path: string, reason: string) => void;
}

/**
 * Expands folders (recursively) into the video files inside them, sorted; files named explicitly are kept
 * whatever their name. Symbolic links are followed, but each real file and folder is listed once (under
 * the first name met, a link's name only when there is no other), and a link to a folder that contains the folder it is in (`self -> .`,
 * `up -> ..`) is a loop: reported through `onSkip`, never followed.
 */
export async function listVideos(inputs: readonly string[], options: ListVideosOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const seenFiles = new Map<string, string>(); // device:inode → first name (hard links and links to files)
  const seenDirs = new Map<string, string>(); // real path → first name
  const skip = (p: string, reason: string): void => options.onSkip?.(p, reason);
  const inside = (folder: string, maybeParent: string): boolean => {
    const rel = path.relative(maybeParent, folder);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  /** `chain`: real paths of the folders this walk went through to reach `p`. */
  const walk = async (p: string, explicit: boolean, chain: readonly string[]): Promise<void> => {
    let st;
    try {
      st = await fs.stat(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP')
        return skip(p, 'a symbolic link that leads to itself (a loop)');
      // A missing or broken entry named explicitly, or with a video name, is reported as unreadable by the scan.
      if (explicit || isVideoName(p)) out.push(p);
      return;
    }
    if (st.isDirectory()) {
      const real = await fs.realpath(p);
      const ancestor = chain.find((c) => inside(c, real));
      if (ancestor !== undefined) {
        const where = real === ancestor ? `back to ${real}` : `to ${real}, which contains ${ancestor}`;
        return skip(p, `a link ${where}: a loop, not followed`);
      }
      const first = seenDirs.get(real);
      if (first !== undefined) return skip(p, `the same folder as ${first} (already listed)`);
      seenDirs.set(real, p);
      let entries: Dirent[];
      try {
        entries = await fs.readdir(p, { withFileTypes: true });
      } catch (err) {
        return skip(p, `cannot read the folder (${firstLine(err)})`);
      }
      // Sorted by name, links after the rest: a file reached both directly and through a link is listed by its own name.
      const names = (links: boolean): string[] =>
        entries
          .filter((e) => e.isSymbolicLink() === links)
          .map((e) => e.name)
          .sort();
      for (const e of [...names(false), ...names(true)]) await walk(path.join(p, e), false, [...chain, real]);
    } else if (explicit || isVideoName(p)) {
      const id = `${st.dev}:${st.ino}`;
      const first = seenFiles.get(id);
      if (first !== undefined) return skip(p, `the same file as ${first} (already listed)`);
      seenFiles.set(id, p);
      out.push(p);
    }
  };
  for (const i of inputs) {
    const start = out.length;
    await walk(i, true, []);
    out.push(...out.splice(start).sort(byPath));
  }
  return out;
}

/** Orders paths folder by folder ("a/b" before "a-b/c"), as a recursive listing sorted by name does. */
function byPath(a: string, b: string): number {
  const x = a.split(path.sep);
  const y = b.split(path.sep);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

function isVideoName(p: string): boolean {
  return VIDEO_EXTENSIONS.includes(path.extname(p).toLowerCase());
}

/** Scans one video. Never throws for a bad file: problems are in the result. */
export async function scanVideo(file: string, analyzer: FaceAnalyzer, options: ScanOptions = {}): Promise<ScanResult> {
  const o = { ...DEFAULT_SCAN_OPTIONS, ...options };
  const result: ScanResult = { file, status: 'good', problems: [], framesDecoded: 0 };
  let info: VideoInfo;
  try {
    info = await probeVideo(file);
  } catch (err) {
    if (!isVivifyError(err)) throw err;
    result.status = 'corrupt';
    result.problems.push(err.message);
    return result;
  }
  Object.assign(result, {
    width: info.width,
    height: info.height,
    fps: Number(info.fps.toFixed(3)),
    durationS: Number(info.durationS.toFixed(3)),
    codec: info.codec,
    hasAudio: info.hasAudio,
    framesDeclared: info.frameCountExact ? info.frameCount : undefined,
  });

  // Pass 1: decode every frame as a thumbnail — integrity and motion in one go.
  let prev: Uint8ClampedArray | undefined;
  let first: Uint8ClampedArray | undefined;
  let sumMse = 0;
  let maxMse = 0;
  let maxDrift = 0;
  const warnings: string[] = [];
  try {
    for await (const f of decodeVideo(file, { maxSide: 64, signal: o.signal, onWarning: (w) => warnings.push(w) })) {
      if (prev && first) {
        const mse = frameMse(prev, f.data);
        sumMse += mse;
        maxMse = Math.max(maxMse, mse);
        maxDrift = Math.max(maxDrift, frameMse(first, f.data));
      } else {
        first = f.data;
      }
      prev = f.data;
      result.framesDecoded++;
    }
  } catch (err) {
    if (!isVivifyError(err) || err.code === 'E_ABORTED') throw err;
    result.status = 'corrupt';
    result.problems.push(err.message);
    return result;
  }
  if (result.framesDecoded > 1) {
    result.meanFrameMse = Number((sumMse / (result.framesDecoded - 1)).toFixed(3));
    result.maxFrameMse = Number(maxMse.toFixed(3));
    result.maxDriftMse = Number(maxDrift.toFixed(3));
  }
  // Corrupt is what the demuxer and decoder report (a truncated file says "partial file" or "invalid NAL
  // unit"), not a shortfall against the declared count, which counts discardable packets too.
  const corrupt: string[] = [...warnings];
  if (!corrupt.length) {
    try {
      result.variableFrameRate = (await probeFrameTiming(file, info)).variable;
    } catch (err) {
      if (!isVivifyError(err)) throw err;
      corrupt.push(err.message);
    }
  }
  if (corrupt.length) {
    result.status = 'corrupt';
    result.problems.push(...corrupt);
  } else if (result.framesDecoded > 1 && maxDrift <= o.staticMse) {
    result.status = 'static';
    result.problems.push(
      `static: no frame differs from the first by more than MSE ${maxDrift.toFixed(2)} (successive frames at most ${maxMse.toFixed(2)})`,
    );
  }

  // Pass 2: faces on evenly spaced frames.
  const n = result.framesDecoded;
  if (n > 0) {
    const k = Math.min(o.samples, n);
    const picks = Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
    const counts: number[] = [];
    try {
      for await (const f of decodeVideo(file, { frames: picks, maxSide: 960, signal: o.signal })) {
        throwIfAborted(o.signal);
        counts.push((await analyzer.analyze(f as RgbaImage, { emotion: false, identity: false })).length);
      }
    } catch (err) {
      if (!isVivifyError(err) || err.code === 'E_ABORTED') throw err;
      result.problems.push(`face check failed: ${firstLine(err)}`);
    }
    result.faceCounts = counts;
    result.faceFraction = counts.length ? Number((counts.filter((c) => c === 1).length / counts.length).toFixed(3)) : 0;
    if (result.status === 'good' && result.faceFraction < o.minFaceFraction) {
      result.status = 'faceless';
      const none = counts.filter((c) => c === 0).length;
      const many = counts.filter((c) => c > 1).length;
      result.problems.push(
        `exactly one face in ${counts.length - none - many} of ${counts.length} sampled frames (${none} with none, ${many} with several)`,
      );
    }
  }
  return result;
}

/** Mean squared difference of two equal-size RGBA frames over RGB, on the 0–255 scale. */
function frameMse(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d0 = a[i]! - b[i]!;
    const d1 = a[i + 1]! - b[i + 1]!;
    const d2 = a[i + 2]! - b[i + 2]!;
    s += d0 * d0 + d1 * d1 + d2 * d2;
  }
  return s / ((a.length / 4) * 3);
}

export async function scanVideos(
  files: readonly string[],
  analyzer: FaceAnalyzer,
  options: ScanOptions = {},
): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  for (let i = 0; i < files.length; i++) {
    throwIfAborted(options.signal);
    options.onFile?.(files[i]!, i, files.length);
    results.push(await scanVideo(files[i]!, analyzer, options));
  }
  return results;
}

const SCAN_COLUMNS = [
  'file',
  'status',
  'width',
  'height',
  'fps',
  'durationS',
  'framesDecoded',
  'framesDeclared',
  'variableFrameRate',
  'codec',
  'hasAudio',
  'meanFrameMse',
  'maxFrameMse',
  'maxDriftMse',
  'faceFraction',
  'problems',
] as const;

/** What the TSV report shows of one result: its columns (a ScanResult has them all). */
export type ScanRow = { readonly [K in (typeof SCAN_COLUMNS)[number]]?: unknown };

export function scanToTsv(results: readonly ScanRow[]): string {
  const cell = (v: unknown): string =>
    (v === undefined ? '' : Array.isArray(v) ? v.join('; ') : String(v)).replace(/[\t\n]/g, ' ');
  return (
    [SCAN_COLUMNS.join('\t'), ...results.map((r) => SCAN_COLUMNS.map((c) => cell(r[c])).join('\t'))].join('\n') + '\n'
  );
}
