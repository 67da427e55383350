import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../analysis/node.js';
import { faceSummary, faceToJSON } from '../analysis/serialize.js';
import type { FaceResult } from '../face/types.js';
import { VivifyError } from '../errors.js';
import { writeAtomically } from '../media/atomic.js';
import { imageFormatForPath, readImage, writeImage } from '../media/image.js';
import { mediaKind } from '../media/kind.js';
import { decodeVideo, openVideoWriter, probeVideo, videoFormatForPath, type VideoWriter } from '../media/video.js';
import { drawAnalysisOverlay } from '../render/overlay.js';
import type { CommandContext } from './context.js';
import type { CommandDef } from './options.js';
import { createProgress } from './progress.js';

export const analyzeCommand: CommandDef = {
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
    identity: { type: 'boolean', default: false, description: 'Also compute the 1024-D identity embedding (slower)' },
    emotion: { type: 'boolean', default: true, description: 'Run the 7-class emotion model' },
    'max-faces': {
      type: 'integer',
      value: 'n',
      default: 10,
      min: 1,
      max: 100,
      description: 'Report at most this many faces, largest first',
    },
  },
  examples: [
    'vivify analyze portrait.jpg',
    'vivify analyze portrait.jpg --json faces.json --overlay check.png',
    'vivify analyze clip.mp4 --json clip.json --overlay clip-overlay.mp4',
  ],
};

interface AnalyzeArgs {
  json?: string;
  overlay?: string;
  identity: boolean;
  emotion: boolean;
  'max-faces': number;
}

export async function runAnalyze(input: string, args: AnalyzeArgs, ctx: CommandContext): Promise<number> {
  const kind = await mediaKind(input);
  if (args.json && path.extname(args.json).toLowerCase() !== '.json') {
    throw new VivifyError('E_USAGE', `--json needs a .json file name, got ${args.json}`);
  }
  if (args.overlay) {
    if (kind === 'image') imageFormatForPath(args.overlay);
    else videoFormatForPath(args.overlay);
  }
  for (const out of [args.json, args.overlay]) {
    if (out && path.resolve(out) === path.resolve(input)) {
      throw new VivifyError('E_USAGE', `refusing to overwrite the input ${input}`);
    }
  }
  const analyzer = await createFaceAnalyzer({
    identity: args.identity,
    actionUnits: true,
    emotion: args.emotion,
    maxFaces: args['max-faces'],
  });
  try {
    return kind === 'image'
      ? await analyzeImage(input, args, analyzer, ctx)
      : await analyzeVideoFile(input, args, analyzer, ctx);
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
  const image = await readImage(input);
  const started = performance.now();
  const faces = await analyzer.analyze(image);
  const ms = performance.now() - started;
  ctx.out(
    `${input}: ${image.width}x${image.height}, ${faces.length} face${faces.length === 1 ? '' : 's'} (${ms.toFixed(0)} ms)`,
  );
  faces.forEach((f, i) => ctx.out(`  #${i + 1} ${faceSummary(f)}`));
  if (args.json) {
    const doc = { input, kind: 'image', width: image.width, height: image.height, faces: faces.map(faceToJSON) };
    await writeAtomically(args.json, (tmp) => fs.writeFile(tmp, JSON.stringify(doc)));
    ctx.out(`wrote ${args.json}`);
  }
  if (args.overlay) {
    await writeImage(args.overlay, drawAnalysisOverlay(image, faces));
    ctx.out(`wrote ${args.overlay}`);
  }
  if (faces.length === 0) throw new VivifyError('E_NO_FACE', `no face found in ${input}`);
  return 0;
}

async function analyzeVideoFile(
  input: string,
  args: AnalyzeArgs,
  analyzer: Analyzer,
  ctx: CommandContext,
): Promise<number> {
  const info = await probeVideo(input);
  const progress = createProgress('analyze', info.frameCount);
  let writer: VideoWriter | undefined;
  const tracker = analyzer.createTracker();
  const stats = { frames: 0, withFace: 0, yaw: [Infinity, -Infinity], pitch: [Infinity, -Infinity], ms: 0 };
  const warnings: string[] = [];

  const frames = decodeVideo(input, { signal: ctx.signal, onWarning: (w) => warnings.push(w) });
  const body = async (emit?: (chunk: string) => Promise<void>): Promise<void> => {
    if (args.overlay) writer = await openVideoWriter(args.overlay, { fps: info.fpsRational });
    let first = true;
    for await (const frame of frames) {
      const t0 = performance.now();
      const result = await tracker.next(frame);
      stats.ms += performance.now() - t0;
      stats.frames++;
      const face: FaceResult | undefined = result.faces[0];
      if (face) {
        stats.withFace++;
        stats.yaw = [Math.min(stats.yaw[0]!, face.pose.yawDeg), Math.max(stats.yaw[1]!, face.pose.yawDeg)];
        stats.pitch = [Math.min(stats.pitch[0]!, face.pose.pitchDeg), Math.max(stats.pitch[1]!, face.pose.pitchDeg)];
      }
      if (emit) {
        const rec = {
          index: result.index,
          timestampMs: Number(result.timestampMs.toFixed(3)),
          detected: result.detected,
          faces: result.faces.map(faceToJSON),
        };
        await emit(`${first ? '' : ',\n'}${JSON.stringify(rec)}`);
        first = false;
      }
      if (writer) await writer.write(drawAnalysisOverlay(frame, result.faces));
      progress.update(stats.frames);
    }
    if (writer) await writer.close();
  };

  try {
    if (args.json) {
      const json = args.json;
      await writeAtomically(json, async (tmp) => {
        const fh = await fs.open(tmp, 'w');
        try {
          const header = {
            input,
            kind: 'video',
            width: info.width,
            height: info.height,
            fps: info.fps,
            durationS: info.durationS,
          };
          await fh.write(`${JSON.stringify(header).slice(0, -1)},"frames":[\n`);
          await body(async (chunk) => {
            await fh.write(chunk);
          });
          await fh.write(`]}\n`);
        } finally {
          await fh.close();
        }
      });
    } else {
      await body();
    }
  } catch (err) {
    await writer?.abort();
    throw err;
  }
  progress.done(`${stats.frames} frames`);
  for (const w of warnings) ctx.err(`warning: ${w}`);
  const pct = stats.frames ? (100 * stats.withFace) / stats.frames : 0;
  ctx.out(
    `${input}: ${info.width}x${info.height} @ ${info.fps.toFixed(2)} fps, ${stats.frames} frames, face in ${pct.toFixed(1)}%, ` +
      `detector ran on ${tracker.detections} frame(s), ${(stats.ms / Math.max(1, stats.frames)).toFixed(1)} ms/frame`,
  );
  if (stats.withFace > 0) {
    ctx.out(
      `  yaw ${stats.yaw[0]!.toFixed(0)}°..${stats.yaw[1]!.toFixed(0)}°, pitch ${stats.pitch[0]!.toFixed(0)}°..${stats.pitch[1]!.toFixed(0)}°`,
    );
  }
  if (args.json) ctx.out(`wrote ${args.json}`);
  if (args.overlay) ctx.out(`wrote ${args.overlay}`);
  if (stats.withFace === 0) throw new VivifyError('E_NO_FACE', `no face found in any frame of ${input}`);
  return 0;
}
