/**
 * Skeleton sequences as JSON, so any pose estimator's output (or a generated sequence) can drive a
 * photo, and Vivify's own analysis can be written out. The format (docs/body.md):
 *
 * ```json
 * { "format": "coco17", "fps": 25, "width": 640, "height": 480,
 *   "frames": [ { "keypoints": [[x, y, score], …17 joints…] }, … ] }
 * ```
 *
 * `format` is "coco17" (MoveNet/COCO order) or "blazepose33" (MediaPipe BlazePose order; the 17 COCO
 * joints are taken from it). A joint is `[x, y]` (seen), `[x, y, score]` (score 0–1), or `null` (not
 * seen); coordinates are pixels of a `width` × `height` frame. Anything else — a wrong joint count, a
 * coordinate that is not a finite number, a score outside 0–1, no frames — is refused with one line that
 * says where. Pure.
 */
import { VivifyError, quote } from '../errors.js';
import { JOINTS, JOINT_COUNT, emptyPose, type BodyPose } from './skeleton.js';

export type SkeletonFormat = 'coco17' | 'blazepose33';

export interface SkeletonSequence {
  format: 'coco17';
  fps: number;
  width: number;
  height: number;
  frames: BodyPose[];
}

/** Index in BlazePose-33 of each COCO-17 joint. */
const FROM_BLAZEPOSE = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28];
const JOINTS_IN: Record<SkeletonFormat, number> = { coco17: 17, blazepose33: 33 };
const DEFAULT_FPS = 25;

function bad(name: string, what: string): VivifyError {
  return new VivifyError('E_BAD_SKELETON', `${name}: ${what}`);
}

function positive(doc: Record<string, unknown>, key: string, name: string, fallback?: number): number {
  const v = doc[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw bad(name, `"${key}" must be a positive number, not ${quote(JSON.stringify(v) ?? 'nothing')}`);
  return v;
}

/** One joint entry into the pose at COCO index j. */
function readJoint(entry: unknown, pose: BodyPose, j: number, where: () => string): void {
  if (entry === null) return;
  if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3)
    throw new Error(`${where()} must be [x, y], [x, y, score] or null`);
  const [x, y, score = 1] = entry as unknown[];
  for (const [label, v] of [
    ['x', x],
    ['y', y],
    ['score', score],
  ] as const)
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`${where()} has ${label} ${quote(JSON.stringify(v) ?? String(v))}, not a finite number`);
  if ((score as number) < 0 || (score as number) > 1) throw new Error(`${where()} has a score outside 0–1`);
  pose.x[j] = x as number;
  pose.y[j] = y as number;
  pose.score[j] = score as number;
}

function readFrame(frame: unknown, index: number, format: SkeletonFormat): BodyPose {
  const kps = (frame as { keypoints?: unknown } | null)?.keypoints;
  if (!Array.isArray(kps)) throw new Error(`frame ${index} has no "keypoints" list`);
  const want = JOINTS_IN[format];
  if (kps.length !== want) throw new Error(`frame ${index} has ${kps.length} joints where ${format} has ${want}`);
  const pose = emptyPose();
  for (let j = 0; j < JOINT_COUNT; j++) {
    const from = format === 'blazepose33' ? FROM_BLAZEPOSE[j]! : j;
    readJoint(kps[from], pose, j, () => `frame ${index} joint ${from} (${JOINTS[j]})`);
  }
  return pose;
}

/**
 * Reads a skeleton sequence; `name` (the file) starts every error message.
 *
 * @example
 * const seq = parseSkeletonJson(await fs.readFile('dance.json', 'utf8'), 'dance.json');
 */
export function parseSkeletonJson(text: string, name: string): SkeletonSequence {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // NaN and Infinity are not JSON: Python's json.dump writes them, JSON.parse stops there.
    const hint = /\bNaN\b|\bInfinity\b/.test(text)
      ? ' (NaN or Infinity is not JSON: write null for a missing joint)'
      : '';
    throw bad(name, `not valid JSON: ${(err as Error).message.split('\n')[0]}${hint}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad(name, 'expected a JSON object');
  const d = doc as Record<string, unknown>;
  const format = (d.format ?? 'coco17') as SkeletonFormat;
  if (!(format in JOINTS_IN))
    throw bad(name, `"format" must be "coco17" or "blazepose33", not ${quote(JSON.stringify(d.format))}`);
  const fps = positive(d, 'fps', name, DEFAULT_FPS);
  const width = positive(d, 'width', name);
  const height = positive(d, 'height', name);
  if (!Array.isArray(d.frames) || d.frames.length === 0) throw bad(name, '"frames" must be a non-empty list');
  const frames = d.frames.map((f, i) => {
    try {
      return readFrame(f, i, format);
    } catch (err) {
      throw bad(name, (err as Error).message);
    }
  });
  return { format: 'coco17', fps, width, height, frames };
}

/** One pose as the file stores it (coordinates to 0.1 px, scores to 0.001). */
export function poseToJson(p: BodyPose): { keypoints: [number, number, number][] } {
  const r = (v: number, k: number): number => Math.round(v * k) / k;
  return {
    keypoints: Array.from({ length: JOINT_COUNT }, (_, j) => [r(p.x[j]!, 10), r(p.y[j]!, 10), r(p.score[j]!, 1000)]),
  };
}

/** The document's header, everything but the frames (for writers that stream them). */
export function skeletonHeader(fps: number, width: number, height: number): Record<string, unknown> {
  return { format: 'coco17', joints: JOINTS, fps, width, height };
}
