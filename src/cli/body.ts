import { promises as fs } from 'node:fs';
import { animateBody, isSkeletonFile, type AnimateBodyOptions } from '../body/node/animate.js';
import { BODY_OPTIONS } from '../body/options.js';
import { VivifyError } from '../errors.js';
import { mediaKind } from '../media/kind.js';
import { checkRunPaths } from '../media/run-paths.js';
import { outputShape, videoFormatForPath } from '../media/video.js';
import { optionKey } from '../options.js';
import { VIDEO_OUTPUT_OPTION } from './common-options.js';
import type { CommandContext } from './context.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const bodyCommand = defineCommand({
  name: 'body',
  summary: 'whole bodies: move a full-length photo with a driving video or a skeleton sequence',
  usage: 'vivify body --source person.jpg --driving dance.mp4|skeleton.json -o out.mp4 [options]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The photo of a person seen whole or to the waist' },
    driving: {
      type: 'string',
      value: 'video|json',
      description: 'A driving video (one person), or a skeleton sequence as JSON (docs/body.md)',
    },
    output: VIDEO_OUTPUT_OPTION,
    ...BODY_OPTIONS,
    'debug-grid': {
      type: 'string',
      value: 'grid.mp4',
      description: 'Also write source with rig | driver with skeleton | result | filled background marked',
    },
  },
  examples: [
    'vivify body --source person.jpg --driving taichi.mp4 -o out.mp4',
    'vivify body --source person.jpg --driving moves.json -o out.mp4 --mode absolute',
    'vivify body --source person.jpg --driving talk.mp4 -o out.mp4 --keep-audio --debug-grid grid.mp4',
    'vivify body --source person.jpg --driving taichi.mp4 -o out.mp4 --background empty-room.jpg',
  ],
});

type BodyArgs = FlagsOf<typeof bodyCommand.options>;

function libraryOptions(args: BodyArgs): AnimateBodyOptions {
  const out: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(args))
    if (flag in BODY_OPTIONS && value !== undefined) out[optionKey(flag)] = value;
  return out as AnimateBodyOptions;
}

async function checkDriving(driving: string): Promise<void> {
  if (isSkeletonFile(driving)) {
    const st = await fs.stat(driving).catch(() => undefined);
    if (!st?.isFile()) throw new VivifyError('E_INPUT_NOT_FOUND', `--driving ${driving}: no such file`);
    return;
  }
  if ((await mediaKind(driving)) !== 'video')
    throw new VivifyError('E_USAGE', `--driving must be a video or a skeleton .json: ${driving}`);
}

export async function runBody(args: BodyArgs, ctx: CommandContext): Promise<number> {
  for (const k of ['source', 'driving', 'output'] as const)
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify body needs --${k} (usage: ${bodyCommand.usage})`);
  const source = args.source!;
  const driving = args.driving!;
  const output = args.output!;
  videoFormatForPath(output);
  if (args['debug-grid']) videoFormatForPath(args['debug-grid']);
  await checkRunPaths(
    [
      { name: '--source', path: source },
      { name: '--driving', path: driving },
      ...(typeof args.background === 'string' ? [{ name: '--background', path: args.background }] : []),
    ],
    [
      { name: '--output', path: output, shape: outputShape(output) },
      { name: '--debug-grid', path: args['debug-grid'], shape: outputShape(args['debug-grid']) },
    ],
  );
  if ((await mediaKind(source)) !== 'image')
    throw new VivifyError('E_USAGE', `--source must be an image (JPEG, PNG, WebP): ${source}`);
  await checkDriving(driving);
  if (typeof args.background === 'string' && (await mediaKind(args.background)) !== 'image')
    throw new VivifyError('E_USAGE', `--background must be an image (JPEG, PNG, WebP): ${args.background}`);
  let bar: ReturnType<typeof createProgress> | undefined;
  const report = await animateBody(source, driving, output, {
    ...libraryOptions(args),
    debugGrid: args['debug-grid'],
    signal: ctx.signal,
    onProgress: ({ frame, total }) => {
      bar ??= createProgress('body', total);
      bar.update(frame);
    },
  });
  bar?.done(`${report.frames} frames`);
  ctx.out(
    `${output}: ${report.width}x${report.height}, ${report.frames} frames at ${report.fps.toFixed(2)} fps; source shows ${report.sourceJoints} of 17 joints`,
  );
  const m = report.msPerFrame;
  ctx.out(
    `  ${m.total.toFixed(1)} ms/frame (${(1000 / m.total).toFixed(1)} fps): driver keypoints ${m.analyse.toFixed(1)}, render ${m.render.toFixed(1)}, encode ${m.encode.toFixed(1)}`,
  );
  ctx.out(
    report.faceEngine
      ? `  face re-rendered by the face engine (--head ${args.head})${report.expressionFrames ? `, the driver's expression on ${report.expressionFrames} frame(s)` : ''}`
      : '  face moved with the rig (not re-rendered)',
  );
  if (report.framesWithoutPerson)
    ctx.err(
      `warning: ${report.framesWithoutPerson} driving frame(s) showed no person; their bones held their last motion`,
    );
  for (const w of report.warnings) ctx.err(`warning: ${w}`);
  if (args['debug-grid']) ctx.out(`wrote ${args['debug-grid']}`);
  return 0;
}
