import { VivifyError } from '../errors.js';
import { mediaKind } from '../media/kind.js';
import { checkRunPaths } from '../media/run-paths.js';
import { outputShape, videoFormatForPath } from '../media/video.js';
import { optionKey } from '../options.js';
import { animate, type AnimateOptions } from '../reenact/node/animate.js';
import { ANIMATE_OPTIONS } from '../reenact/options.js';
import type { CommandContext } from './context.js';
import { VIDEO_OUTPUT_OPTION } from './common-options.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const animateCommand = defineCommand({
  name: 'animate',
  summary: 'reenactment: move a portrait with the head and face motion of a driving video',
  usage: 'vivify animate --source portrait.jpg --driving video.mp4 -o out.mp4 [options]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait to animate (JPEG, PNG, WebP)' },
    driving: { type: 'string', value: 'video', description: 'The driving video (any person)' },
    output: VIDEO_OUTPUT_OPTION,
    ...ANIMATE_OPTIONS,
    'debug-grid': {
      type: 'string',
      value: 'grid.mp4',
      description: 'Also write source | driving | occlusion map | result side by side',
    },
  },
  examples: [
    'vivify animate --source portrait.jpg --driving talk.mp4 -o out.mp4',
    'vivify animate --source portrait.jpg --driving talk.mp4 -o out.mp4 --reference best --keep-audio',
    'vivify animate --source p.jpg --driving d.mp4 -o lips.mp4 --regions lips --weights lips=0.8',
    'vivify animate --source crop.png --driving vox.mp4 -o out.mp4 --surroundings tracked --detail 1',
    'vivify animate --source p.jpg --driving d.mp4 -o out.mp4 --debug-grid grid.mp4',
  ],
});

type AnimateArgs = FlagsOf<typeof animateCommand.options>;

/** The library's options from the parsed flags (same definitions, camelCase keys). */
function libraryOptions(args: AnimateArgs): AnimateOptions {
  const out: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(args))
    if (flag in ANIMATE_OPTIONS && value !== undefined) out[optionKey(flag)] = value;
  return out as AnimateOptions;
}

export async function runAnimate(args: AnimateArgs, ctx: CommandContext): Promise<number> {
  for (const k of ['source', 'driving', 'output'] as const) {
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify animate needs --${k} (usage: ${animateCommand.usage})`);
  }
  const source = args.source!;
  const driving = args.driving!;
  const output = args.output!;
  videoFormatForPath(output);
  if (args['debug-grid']) videoFormatForPath(args['debug-grid']);
  await checkRunPaths(
    [
      { name: '--source', path: source },
      { name: '--driving', path: driving },
    ],
    [
      { name: '--output', path: output, shape: outputShape(output) },
      { name: '--debug-grid', path: args['debug-grid'], shape: outputShape(args['debug-grid']) },
    ],
  );
  if ((await mediaKind(source)) !== 'image')
    throw new VivifyError('E_USAGE', `--source must be an image (JPEG, PNG, WebP): ${source}`);
  if ((await mediaKind(driving)) !== 'video') throw new VivifyError('E_USAGE', `--driving must be a video: ${driving}`);
  const progress = createProgress('animate', undefined);
  let bar: ReturnType<typeof createProgress> | undefined;
  const report = await animate(source, driving, output, {
    ...libraryOptions(args),
    debugGrid: args['debug-grid'],
    signal: ctx.signal,
    onProgress: ({ frame, total }) => {
      bar ??= createProgress('animate', total);
      bar.update(frame);
    },
  });
  (bar ?? progress).done(`${report.frames} frames`);
  ctx.out(
    `${output}: ${report.width}x${report.height}, ${report.frames} frames at ${report.fps.toFixed(2)} fps; reference frame ${report.referenceFrame < 0 ? 'first with a face' : report.referenceFrame}`,
  );
  ctx.out(
    `  ${report.msPerFrame.total.toFixed(1)} ms/frame (${(1000 / report.msPerFrame.total).toFixed(1)} fps): decode ${report.msPerFrame.decode.toFixed(1)}, analyse driver ${report.msPerFrame.analyse.toFixed(1)}, render ${report.msPerFrame.render.toFixed(1)}, encode ${report.msPerFrame.encode.toFixed(1)}`,
  );
  const m = report.mouth;
  ctx.out(
    `  mouth open in ${m.source + m.bank + m.synthesised} frames: interior from the source in ${m.source}, from real mouths in ${m.bank}, drawn in ${m.synthesised}${m.bank + m.synthesised > 0 && m.synthesised > 0 && args.mouth !== 'drawn' ? ' (no real mouth of a close enough shape)' : ''}`,
  );
  if (report.framesWithoutFace)
    ctx.err(`warning: ${report.framesWithoutFace} driving frame(s) had no face; the last good motion was held`);
  for (const w of report.warnings) ctx.err(`warning: ${w}`);
  if (args['debug-grid']) ctx.out(`wrote ${args['debug-grid']}`);
  return 0;
}
