/**
 * Per-frame landmarks of a video, tracked once and cached on disk: the slow part of learning from the
 * clips in ../shared/data (about 20–25 ms per frame on one core), done once per clip and reused by every
 * script that needs the frames' faces (motion curves, expression appearance).
 *
 * Cache: one binary file per clip in the cache folder (`VIVIFY_CACHE`, default `scratch/cache/`, never in
 * git), named after the clip and checked against its size, modification time and the landmark pipeline's
 * version before use; anything that does not match is analysed again. Layout: the 4 bytes "VLMK", a
 * little-endian uint32 header length, the header (JSON: clip facts), then per frame a float32 mesh score
 * (0 when no face was found) followed by 478 × 3 float32 landmarks (x, y in pixels, z depth; NaN when no
 * face was found).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../analysis/node/analyze.js';
import { LANDMARK_COUNT } from '../face/topology.js';
import { throwIfAborted } from '../errors.js';
import { writeAtomically } from '../media/atomic.js';
import { decodeVideo, probeVideo } from '../media/video.js';

/** Bump when the analysis changes what it reports for the same frames, so old caches are not reused. */
export const LANDMARK_CACHE_VERSION = 1;

const MAGIC = 'VLMK';
const FLOATS_PER_FRAME = 1 + LANDMARK_COUNT * 3;

export interface ClipLandmarks {
  /** The clip's path as given. */
  file: string;
  width: number;
  height: number;
  fps: number;
  /** Per decoded frame: the largest face's 478 landmarks, or undefined when no face was found. */
  landmarks: (Float32Array | undefined)[];
  /** Per frame: the mesh confidence, 0 when no face was found. */
  scores: Float32Array;
  /** True when the result came from the cache. */
  cached: boolean;
}

interface Header {
  version: number;
  source: string;
  sizeBytes: number;
  mtimeMs: number;
  width: number;
  height: number;
  fps: number;
  frames: number;
}

/** The cache folder: `$VIVIFY_CACHE`, else `scratch/cache` under the working directory. */
export function cacheDir(): string {
  return path.resolve(process.env.VIVIFY_CACHE || path.join('scratch', 'cache'));
}

function cacheFile(dir: string, file: string): string {
  return path.join(dir, 'landmarks', `${path.basename(file).replace(/[^\w.-]/g, '_')}.vlmk`);
}

export interface ClipLandmarkOptions {
  /** Cache folder (default {@link cacheDir}). */
  cacheDir?: string;
  /** An analyzer to reuse (emotion off is enough); one is created and closed otherwise. */
  analyzer?: NodeFaceAnalyzer;
  /** Ignore an existing cache entry and analyse again. */
  refresh?: boolean;
  signal?: AbortSignal;
  onFrame?: (index: number) => void;
}

/**
 * The tracked landmarks of every frame of `file`, from the cache when it holds them for this very file.
 *
 * @example
 * const clip = await clipLandmarks('../shared/data/videos/lp_d0.mp4');
 * console.log(clip.landmarks.length, clip.fps);
 */
export async function clipLandmarks(file: string, options: ClipLandmarkOptions = {}): Promise<ClipLandmarks> {
  const dir = options.cacheDir ?? cacheDir();
  const stat = await fs.stat(file);
  const target = cacheFile(dir, file);
  if (!options.refresh) {
    const hit = await readCache(target, stat.size, stat.mtimeMs).catch(() => undefined);
    if (hit) return { ...hit, file, cached: true };
  }
  const info = await probeVideo(file);
  const analyzer = options.analyzer ?? (await createFaceAnalyzer({ emotion: false }));
  const landmarks: (Float32Array | undefined)[] = [];
  const scores: number[] = [];
  try {
    const tracker = analyzer.createTracker();
    for await (const frame of decodeVideo(file, { signal: options.signal })) {
      throwIfAborted(options.signal);
      const face = (await tracker.next(frame, { emotion: false, identity: false, actionUnits: false })).faces[0];
      landmarks.push(face ? Float32Array.from(face.landmarks) : undefined);
      scores.push(face?.score ?? 0);
      options.onFrame?.(landmarks.length);
    }
  } finally {
    if (!options.analyzer) analyzer.close();
  }
  const header: Header = {
    version: LANDMARK_CACHE_VERSION,
    source: path.basename(file),
    sizeBytes: stat.size,
    mtimeMs: stat.mtimeMs,
    width: info.width,
    height: info.height,
    fps: info.fps,
    frames: landmarks.length,
  };
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeAtomically(target, (tmp) => fs.writeFile(tmp, encode(header, landmarks, scores)));
  return {
    file,
    width: info.width,
    height: info.height,
    fps: info.fps,
    landmarks,
    scores: Float32Array.from(scores),
    cached: false,
  };
}

function encode(header: Header, landmarks: (Float32Array | undefined)[], scores: number[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const body = new Float32Array(landmarks.length * FLOATS_PER_FRAME);
  landmarks.forEach((lm, i) => {
    const o = i * FLOATS_PER_FRAME;
    body[o] = scores[i]!;
    if (lm) body.set(lm, o + 1);
    else body.fill(NaN, o + 1, o + FLOATS_PER_FRAME);
  });
  const head = Buffer.alloc(8);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length + pad, 4);
  return Buffer.concat([head, json, Buffer.alloc(pad, 0x20), Buffer.from(body.buffer)]);
}

async function readCache(
  target: string,
  sizeBytes: number,
  mtimeMs: number,
): Promise<Omit<ClipLandmarks, 'file' | 'cached'> | undefined> {
  const buf = await fs.readFile(target);
  if (buf.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const len = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + len)) as Header;
  if (header.version !== LANDMARK_CACHE_VERSION || header.sizeBytes !== sizeBytes || header.mtimeMs !== mtimeMs)
    return undefined;
  const start = 8 + len;
  if (buf.length - start !== header.frames * FLOATS_PER_FRAME * 4) return undefined;
  const body = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  const landmarks: (Float32Array | undefined)[] = [];
  const scores = new Float32Array(header.frames);
  for (let i = 0; i < header.frames; i++) {
    const o = i * FLOATS_PER_FRAME;
    scores[i] = body[o]!;
    landmarks.push(Number.isNaN(body[o + 1]!) ? undefined : body.slice(o + 1, o + FLOATS_PER_FRAME));
  }
  return { width: header.width, height: header.height, fps: header.fps, landmarks, scores };
}
