import path from 'node:path';
import { VivifyError } from '../errors.js';
import { generateVideo, sampleOutput } from '../expression/node/generate-video.js';
import { GENERATE_OPTIONS } from '../generate/options.js';
import { mediaKind } from '../media/kind.js';
import { checkRunPaths } from '../media/run-paths.js';
import { outputShape, videoFormatForPath } from '../media/video.js';
import type { CommandContext } from './context.js';
import { VIDEO_OUTPUT_OPTION } from './common-options.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const generateCommand = defineCommand({
  name: 'generate',
  summary:
    'bring a portrait to life without a driving video: generated motion for an emotion, a smile, idle or listening',
  usage: 'vivify generate --source portrait.jpg --label happy -o out.mp4 [--k 3] [--seed 7] [--duration 4s] [options]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait to animate (JPEG, PNG, WebP)' },
    output: VIDEO_OUTPUT_OPTION,
    ...GENERATE_OPTIONS,
    curves: {
      type: 'string',
      value: 'curves.json',
      description: 'Also write the generated motion (per frame: AU changes, head rotation, gaze, blink) as JSON',
    },
  },
  examples: [
    'vivify generate --source portrait.jpg --label happy -o happy.mp4',
    'vivify generate --source portrait.jpg --label spontaneous-smile -o smile.mp4 --k 3 --seed 7',
    'vivify generate --source portrait.jpg --label idle -o idle.mp4 --duration 10s --curves idle.json',
    'vivify generate --source portrait.jpg --label surprised -o s.mp4 --intensity 0.8 --shape hold --talking',
  ],
});

type GenerateArgs = FlagsOf<typeof generateCommand.options>;

export async function runGenerate(args: GenerateArgs, ctx: CommandContext): Promise<number> {
  for (const k of ['source', 'label', 'output'] as const) {
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify generate needs --${k} (usage: ${generateCommand.usage})`);
  }
  const source = args.source!;
  const output = args.output!;
  videoFormatForPath(output);
  if (args.curves && path.extname(args.curves).toLowerCase() !== '.json')
    throw new VivifyError('E_USAGE', `--curves needs a .json file name, got ${args.curves}`);
  const outputs = Array.from({ length: args.k }, (_, i) => sampleOutput(output, i + 1, args.k));
  await checkRunPaths(
    [{ name: '--source', path: source }],
    [
      ...outputs.map((o) => ({ name: '--output', path: o, shape: outputShape(o) })),
      { name: '--curves', path: args.curves },
    ],
  );
  if ((await mediaKind(source)) !== 'image')
    throw new VivifyError('E_USAGE', `--source must be an image (JPEG, PNG, WebP): ${source}`);
  let bar: ReturnType<typeof createProgress> | undefined;
  const r = await generateVideo(source, output, {
    label: args.label!,
    k: args.k,
    seed: args.seed,
    durationS: args.duration,
    intensity: args.intensity,
    shape: args.shape,
    talking: args.talking,
    fps: args.fps,
    face: args.face,
    size: args.size,
    curves: args.curves,
    signal: ctx.signal,
    onProgress: ({ sample, frame, total }) => {
      bar ??= createProgress('generate', total * args.k);
      bar.update((sample - 1) * total + frame);
    },
  });
  bar?.done(`${r.frames * args.k} frames`);
  for (const [i, out] of r.outputs.entries()) {
    const m = r.samples[i]!;
    const p = m.phases;
    ctx.out(
      `${out}: ${args.label} (seed ${m.seed}), ${r.frames} frames at ${r.fps} fps (${r.durationS.toFixed(2)} s)${
        p
          ? `; onset ${(p.onset / r.fps).toFixed(2)} s, apex and hold ${(p.hold / r.fps).toFixed(2)} s, offset ${(p.offset / r.fps).toFixed(2)} s`
          : ''
      }`,
    );
  }
  ctx.out(`${r.msPerFrame.toFixed(1)} ms/frame (${(1000 / r.msPerFrame).toFixed(0)} frames/s), sampling included`);
  if (args.curves) ctx.out(`wrote ${args.curves}`);
  return 0;
}
