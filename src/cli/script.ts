import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { renderScript } from '../expression/node/script.js';
import { checkRunPaths } from '../media/run-paths.js';
import { outputShape, videoFormatForPath } from '../media/video.js';
import { checkRegularFile } from '../media/kind.js';
import { DEFAULT_SEED } from '../generate/random.js';
import type { CommandContext } from './context.js';
import { FACE_OPTION, MOUTH_OPTION, SIZE_OPTION, VIDEO_OUTPUT_OPTION } from './common-options.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const scriptCommand = defineCommand({
  name: 'script',
  summary: 'render a timeline of emotions, action units, head poses, gaze and blinks on a portrait',
  usage: 'vivify script --source portrait.jpg --timeline t.txt -o out.mp4',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait to animate' },
    timeline: { type: 'string', value: 't.txt', description: 'The timeline (format: docs/timeline.md)' },
    output: VIDEO_OUTPUT_OPTION,
    size: SIZE_OPTION,
    face: FACE_OPTION,
    mouth: MOUTH_OPTION,
    seed: { type: 'integer', value: 'n', default: DEFAULT_SEED, min: 0, description: 'Seed of the automatic blinks' },
  },
  examples: [
    'vivify script --source portrait.jpg --timeline story.txt -o story.mp4',
    'vivify script --source portrait.jpg --timeline t.txt -o t.gif --size 384',
  ],
});

type ScriptArgs = FlagsOf<typeof scriptCommand.options>;

export async function runScript(args: ScriptArgs, ctx: CommandContext): Promise<number> {
  for (const k of ['source', 'timeline', 'output'] as const) {
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify script needs --${k} (usage: ${scriptCommand.usage})`);
  }
  videoFormatForPath(args.output!);
  await checkRunPaths(
    [
      { name: '--source', path: args.source },
      { name: '--timeline', path: args.timeline },
    ],
    [{ name: '--output', path: args.output, shape: outputShape(args.output) }],
  );
  let text: string;
  await checkRegularFile(args.timeline!, 'a text file', `the timeline ${args.timeline}`);
  try {
    text = await fs.readFile(args.timeline!, 'utf8');
  } catch (cause) {
    throw new VivifyError(
      'E_INPUT_NOT_FOUND',
      `cannot read the timeline ${args.timeline}: ${(cause as Error).message.split('\n')[0]}`,
      { cause },
    );
  }
  let bar: ReturnType<typeof createProgress> | undefined;
  let preparing: ReturnType<typeof createProgress> | undefined;
  let prepareStarted: number | undefined;
  const r = await renderScript(args.source!, text, args.output!, {
    face: args.face,
    size: args.size,
    seed: args.seed,
    mouth: args.mouth,
    // `audio` files named in the timeline are found beside it.
    baseDir: path.dirname(path.resolve(args.timeline!)),
    signal: ctx.signal,
    // Generated motion is computed before the first frame: a progress line (seconds of motion) when that
    // takes more than half a second.
    onPrepare: ({ doneS, totalS }) => {
      const total = Math.ceil(totalS);
      const done = Math.min(total, Math.floor(doneS));
      prepareStarted ??= performance.now();
      if (!preparing) {
        if (doneS >= totalS || performance.now() - prepareStarted < 500) return;
        preparing = createProgress('generated motion (s)', total, process.stderr, { base: done });
      }
      preparing.update(done);
      if (doneS >= totalS) preparing.done(`${+totalS.toFixed(1)} s`);
    },
    onProgress: ({ frame, total }) => {
      bar ??= createProgress('script', total);
      bar.update(frame);
    },
  }).catch((err: unknown) => {
    if (err instanceof VivifyError && err.code === 'E_BAD_TIMELINE')
      throw new VivifyError('E_BAD_TIMELINE', `${args.timeline}: ${err.message}`, { cause: err });
    throw err;
  });
  bar?.done(`${r.frames} frames`);
  ctx.out(
    `${args.output}: ${r.frames} frames at ${r.fps} fps (${r.durationS.toFixed(2)} s), ${r.msPerFrame.toFixed(1)} ms/frame (${(1000 / r.msPerFrame).toFixed(0)} frames/s)`,
  );
  return 0;
}
