/**
 * Body keypoints of an image or a whole video, written as the skeleton sequence `vivify body --driving`
 * reads (../skeleton-file.ts): the keypoints as found (tracked, not smoothed), a confidence per joint, and
 * for a joint outside the frame a score of 0. Streams: one frame in memory at a time; the JSON file appears
 * only when complete.
 */
import { promises as fs } from 'node:fs';
import { throwIfAborted } from '../../errors.js';
import type { RgbaImage } from '../../face/image.js';
import { writeAtomically } from '../../media/atomic.js';
import { readImage } from '../../media/image-file.js';
import { decodeVideo, probeVideo } from '../../media/video.js';
import type { BodyDetector } from '../movenet.js';
import { poseToJson, skeletonHeader } from '../skeleton-file.js';
import { seenCount, type BodyPose } from '../skeleton.js';

export interface BodyAnalysisStats {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Frames where at least five joints were seen. */
  framesWithPerson: number;
  msPerFrame: number;
}

export interface BodyAnalysisOptions {
  json?: string;
  signal?: AbortSignal;
  onFrame?: (frame: RgbaImage, pose: BodyPose) => Promise<void> | void;
}

type Emit = (pose: BodyPose) => Promise<void>;

/** Writes the document at `file` (atomically), giving `body` a function that appends one frame. */
async function writeSequence(
  file: string,
  header: Record<string, unknown>,
  body: (emit: Emit) => Promise<void>,
): Promise<void> {
  await writeAtomically(file, async (tmp) => {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.write(`${JSON.stringify(header).slice(0, -1)},"frames":[\n`);
      let first = true;
      await body(async (pose) => {
        await fh.write(`${first ? '' : ',\n'}${JSON.stringify(poseToJson(pose))}`);
        first = false;
      });
      await fh.write(']}\n');
    } finally {
      await fh.close();
    }
  });
}

/**
 * Analyses an image (`kind` 'image') or a video, frame by frame.
 *
 * @example
 * const stats = await analyzeBodyFile('dance.mp4', 'video', detector, { json: 'dance.json' });
 */
export async function analyzeBodyFile(
  input: string,
  kind: 'image' | 'video',
  detector: BodyDetector,
  options: BodyAnalysisOptions = {},
): Promise<BodyAnalysisStats> {
  const info =
    kind === 'video'
      ? await probeVideo(input)
      : await readImage(input).then((im) => ({ width: im.width, height: im.height, fps: 1 }));
  const stats: BodyAnalysisStats = {
    width: info.width,
    height: info.height,
    fps: info.fps,
    frames: 0,
    framesWithPerson: 0,
    msPerFrame: 0,
  };
  const run = async (emit?: Emit): Promise<void> => {
    const tracker = detector.createTracker();
    const frames = kind === 'video' ? decodeVideo(input, { signal: options.signal }) : oneImage(input);
    for await (const frame of frames) {
      throwIfAborted(options.signal);
      const t0 = performance.now();
      const pose = kind === 'video' ? tracker.next(frame) : detector.detectStill(frame);
      stats.msPerFrame += performance.now() - t0;
      stats.frames++;
      if (seenCount(pose) >= 5) stats.framesWithPerson++;
      await emit?.(pose);
      await options.onFrame?.(frame, pose);
    }
  };
  if (options.json) await writeSequence(options.json, skeletonHeader(info.fps, info.width, info.height), run);
  else await run();
  stats.msPerFrame /= Math.max(1, stats.frames);
  return stats;
}

async function* oneImage(input: string): AsyncGenerator<RgbaImage> {
  yield await readImage(input);
}
