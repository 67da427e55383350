import path from 'node:path';
import { DEFAULT_ANALYZER_OPTIONS } from '../analysis/analyzer.js';
import {
  analyzeImageFile,
  analyzeVideoFile,
  createFaceAnalyzer,
  type VideoAnalysisStats,
} from '../analysis/node/analyze.js';
import { faceSummary } from '../analysis/serialize.js';
import { VivifyError } from '../errors.js';
import { imageFormatForPath, writeImage } from '../media/image-file.js';
import { mediaKind } from '../media/kind.js';
import { checkRunPaths } from '../media/run-paths.js';
import { openVideoWriter, outputShape, probeVideo, videoFormatForPath, type VideoWriter } from '../media/video.js';
import { drawAnalysisOverlay } from '../render/overlay.js';
import { runAnalyzeBody } from './analyze-body.js';
import type { CommandContext } from './context.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const analyzeCommand = defineCommand({
  name: 'analyze',
  summary: 'find faces and measure landmarks, head pose, eyes, mouth, gaze and emotion',
  usage: 'vivify analyze <image|video> [--json out.json] [--overlay out.png|out.mp4]',
  positionals: { name: '<image|video>', min: 1, max: 1 },
  options: {
    json: { type: 'string', value: 'out.json', description: 'Write the full result (all landmarks) as JSON' },
    overlay: {
      type: 'string',
      value: 'out.png|out.mp4',
      description:
        'Draw mesh, pose axes and emotion on the input: .png/.jpg for an image; .mp4, .gif or a folder for a video',
    },
    body: {
      type: 'boolean',
      default: false,
      description:
        'Body keypoints (COCO-17) instead of faces; --json writes the skeleton file vivify body --driving reads',
    },
    identity: {
      type: 'boolean',
      default: DEFAULT_ANALYZER_OPTIONS.identity,
      description: 'Also compute the 1024-D identity embedding (slower)',
    },
    emotion: {
      type: 'boolean',
      default: DEFAULT_ANALYZER_OPTIONS.emotion,
      description: 'Run the 7-class emotion model',
    },
    'max-faces': {
      type: 'integer',
      value: 'n',
      default: DEFAULT_ANALYZER_OPTIONS.maxFaces,
      min: 1,
      max: 100,
      description: 'Report at most this many faces, largest first',
    },
  },
  examples: [
    'vivify analyze portrait.jpg',
    'vivify analyze portrait.jpg --json faces.json --overlay check.png',
    'vivify analyze clip.mp4 --json clip.json --overlay clip-overlay.mp4',
    'vivify analyze dance.mp4 --body --json dance-skeleton.json --overlay dance-skeleton.mp4',
  ],
});

type AnalyzeArgs = FlagsOf<typeof analyzeCommand.options>;

export async function runAnalyze(input: string, args: AnalyzeArgs, ctx: CommandContext): Promise<number> {
  const kind = await mediaKind(input);
  if (args.json && path.extname(args.json).toLowerCase() !== '.json') {
    throw new VivifyError('E_USAGE', `--json needs a .json file name, got ${args.json}`);
  }
  if (args.overlay) {
    if (kind === 'image') imageFormatForPath(args.overlay);
    else videoFormatForPath(args.overlay);
  }
  await checkRunPaths(
    [{ name: 'the input', path: input }],
    [
      { name: '--json', path: args.json },
      { name: '--overlay', path: args.overlay, shape: kind === 'image' ? 'file' : outputShape(args.overlay) },
    ],
  );
  if (args.body) return runAnalyzeBody(input, kind === 'image' ? 'image' : 'video', args, ctx);
  const analyzer = await createFaceAnalyzer({
    identity: args.identity,
    actionUnits: true,
    emotion: args.emotion,
    maxFaces: args['max-faces'],
  });
  try {
    return kind === 'image'
      ? await analyzeImage(input, args, analyzer, ctx)
      : await analyzeVideo(input, args, analyzer, ctx);
  } finally {
    analyzer.close();
  }
}

type Analyzer = Awaited<ReturnType<typeof createFaceAnalyzer>>;

async function analyzeImage(
  input: string,
  args: AnalyzeArgs,
  analyzer: Analyzer,
  ctx: CommandContext,
): Promise<number> {
  const { image, faces, ms } = await analyzeImageFile(input, analyzer, { json: args.json });
  ctx.out(
    `${input}: ${image.width}x${image.height}, ${faces.length} face${faces.length === 1 ? '' : 's'} (${ms.toFixed(0)} ms)`,
  );
  faces.forEach((f, i) => ctx.out(`  #${i + 1} ${faceSummary(f)}`));
  if (args.json) ctx.out(`wrote ${args.json}`);
  if (args.overlay) {
    await writeImage(args.overlay, drawAnalysisOverlay(image, faces));
    ctx.out(`wrote ${args.overlay}`);
  }
  if (faces.length === 0) throw new VivifyError('E_NO_FACE', `no face found in ${input}`);
  return 0;
}

async function analyzeVideo(
  input: string,
  args: AnalyzeArgs,
  analyzer: Analyzer,
  ctx: CommandContext,
): Promise<number> {
  const info = await probeVideo(input);
  const progress = createProgress('analyze', info.frameCount);
  let writer: VideoWriter | undefined;
  let stats: VideoAnalysisStats;
  try {
    if (args.overlay) writer = await openVideoWriter(args.overlay, { fps: info.fpsRational });
    let n = 0;
    stats = await analyzeVideoFile(input, analyzer, {
      json: args.json,
      signal: ctx.signal,
      onFrame: async (frame, result) => {
        if (writer) await writer.write(drawAnalysisOverlay(frame, result.faces));
        progress.update(++n);
      },
    });
    if (writer) await writer.close();
  } catch (err) {
    await writer?.abort();
    throw err;
  }
  progress.done(`${stats.frames} frames`);
  for (const w of stats.warnings) ctx.err(`warning: ${w}`);
  const pct = stats.frames ? (100 * stats.framesWithFace) / stats.frames : 0;
  ctx.out(
    `${input}: ${info.width}x${info.height} @ ${info.fps.toFixed(2)} fps, ${stats.frames} frames, face in ${pct.toFixed(1)}%, ` +
      `detector ran on ${stats.detections} frame(s), ${(stats.analyseMs / Math.max(1, stats.frames)).toFixed(1)} ms/frame`,
  );
  if (stats.framesWithFace > 0) {
    const [y0, y1] = stats.yawRangeDeg;
    const [p0, p1] = stats.pitchRangeDeg;
    ctx.out(`  yaw ${y0.toFixed(0)}°..${y1.toFixed(0)}°, pitch ${p0.toFixed(0)}°..${p1.toFixed(0)}°`);
  }
  if (args.json) ctx.out(`wrote ${args.json}`);
  if (args.overlay) ctx.out(`wrote ${args.overlay}`);
  if (stats.framesWithFace === 0) throw new VivifyError('E_NO_FACE', `no face found in any frame of ${input}`);
  return 0;
}
