/** `vivify analyze --body`: body keypoints instead of faces, as a skeleton sequence and an overlay. */
import { analyzeBodyFile, type BodyAnalysisStats } from '../body/node/analyze.js';
import { createBodyDetector } from '../body/node/load-models.js';
import { drawSkeleton } from '../body/skeleton-overlay.js';
import { VivifyError } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import { writeImage } from '../media/image-file.js';
import { openVideoWriter, probeVideo, type VideoWriter } from '../media/video.js';
import type { CommandContext } from './context.js';
import { createProgress } from './progress.js';

export interface AnalyzeBodyArgs {
  json?: string;
  overlay?: string;
}

/** Runs body analysis on an image or a video (paths already checked by `vivify analyze`). */
export async function runAnalyzeBody(
  input: string,
  kind: 'image' | 'video',
  args: AnalyzeBodyArgs,
  ctx: CommandContext,
): Promise<number> {
  const detector = await createBodyDetector();
  let writer: VideoWriter | undefined;
  let still: RgbaImage | undefined;
  try {
    const total = kind === 'video' ? (await probeVideo(input)).frameCount : 1;
    if (args.overlay && kind === 'video')
      writer = await openVideoWriter(args.overlay, { fps: (await probeVideo(input)).fpsRational });
    const progress = kind === 'video' ? createProgress('analyze', total) : undefined;
    let n = 0;
    const stats: BodyAnalysisStats = await analyzeBodyFile(input, kind, detector, {
      json: args.json,
      signal: ctx.signal,
      onFrame: async (frame, pose) => {
        if (writer) await writer.write(drawSkeleton(frame, pose));
        else if (args.overlay) still = drawSkeleton(frame, pose);
        progress?.update(++n);
      },
    });
    if (writer) await writer.close();
    writer = undefined;
    if (still && args.overlay) await writeImage(args.overlay, still);
    progress?.done(`${stats.frames} frames`);
    ctx.out(
      `${input}: ${stats.width}x${stats.height}, ${stats.frames} frame(s), a person in ${stats.framesWithPerson}, ${stats.msPerFrame.toFixed(1)} ms/frame (body keypoints, COCO-17)`,
    );
    if (args.json) ctx.out(`wrote ${args.json}`);
    if (args.overlay) ctx.out(`wrote ${args.overlay}`);
    if (stats.framesWithPerson === 0)
      throw new VivifyError('E_NO_PERSON', `no person found in ${kind === 'video' ? 'any frame of ' : ''}${input}`);
    return 0;
  } finally {
    await writer?.abort();
    detector.close();
  }
}
