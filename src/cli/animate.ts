import path from 'node:path';
import { VivifyError } from '../errors.js';
import { mediaKind } from '../media/kind.js';
import { videoFormatForPath } from '../media/video.js';
import type { RegionSelection } from '../motion/motion.js';
import { animate, DEFAULT_ANIMATE_OPTIONS } from '../reenact/animate.js';
import type { CommandContext } from './context.js';
import { FACE_OPTION, SIZE_OPTION, VIDEO_OUTPUT_OPTION } from './common-options.js';
import type { CommandDef } from './options.js';
import { createProgress } from './progress.js';

const REGION_NAMES: readonly RegionSelection[] = ['all', 'pose', 'expression', 'eyes', 'brows', 'lips'];
const WEIGHT_NAMES = ['eyes', 'brows', 'lips', 'other'] as const;

export const animateCommand: CommandDef = {
  name: 'animate',
  summary: 'reenactment: move a portrait with the head and face motion of a driving video',
  usage: 'vivify animate --source portrait.jpg --driving video.mp4 -o out.mp4 [options]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait to animate (JPEG, PNG, WebP)' },
    driving: { type: 'string', value: 'video', description: 'The driving video (any person)' },
    output: VIDEO_OUTPUT_OPTION,
    motion: {
      type: 'string',
      choices: ['relative', 'absolute'],
      default: DEFAULT_ANIMATE_OPTIONS.motion,
      description:
        "relative: the portrait keeps its face and takes the driver's changes; absolute: takes the driver's pose and expression",
    },
    reference: {
      type: 'string',
      value: 'first|best|N',
      default: DEFAULT_ANIMATE_OPTIONS.reference,
      description:
        "Driving frame the changes are measured from: the first, the one closest to the source's pose and expression, or frame N",
      parse: (s) => {
        if (s === 'first' || s === 'best') return s;
        const n = Number(s);
        if (!Number.isInteger(n) || n < 0) throw new Error('Expected first, best or a frame number');
        return n;
      },
    },
    regions: {
      type: 'string',
      value: 'list',
      default: 'all',
      description: `What moves, comma-separated: ${REGION_NAMES.join(', ')}`,
      parse: (s) => {
        const list = s.split(',').map((x) => x.trim());
        for (const r of list)
          if (!REGION_NAMES.includes(r as RegionSelection))
            throw new Error(`Expected a comma-separated list of ${REGION_NAMES.join(', ')}`);
        return list;
      },
    },
    weights: {
      type: 'string',
      value: 'part=w,…',
      description: `Expression weight per part (${WEIGHT_NAMES.join(', ')}), e.g. brows=0,eyes=1,lips=0.7`,
      parse: (s) => {
        const out: Record<string, number> = {};
        for (const kv of s.split(',')) {
          const [k, v] = kv.split('=').map((x) => x.trim());
          const n = Number(v);
          if (
            !WEIGHT_NAMES.includes(k as (typeof WEIGHT_NAMES)[number]) ||
            v === undefined ||
            v === '' ||
            !(n >= 0 && n <= 5)
          ) {
            throw new Error(`Expected part=weight pairs with parts ${WEIGHT_NAMES.join(', ')} and weights in [0, 5]`);
          }
          out[k!] = n;
        }
        return out;
      },
    },
    'expression-scale': {
      type: 'number',
      value: 'k',
      default: 1,
      min: 0,
      max: 5,
      description: 'Multiplies expression motion',
    },
    'pose-scale': { type: 'number', value: 'k', default: 1, min: 0, max: 5, description: 'Multiplies head motion' },
    smooth: {
      type: 'number',
      value: '0..1',
      default: DEFAULT_ANIMATE_OPTIONS.smooth,
      min: 0,
      max: 1,
      description:
        'Temporal smoothing of the driving motion: a Savitzky–Golay fit over ±1–4 frames of look-ahead (no lag); 0 is off',
    },
    face: FACE_OPTION,
    'keep-audio': { type: 'boolean', default: false, description: "Copy the driving video's audio into the result" },
    fps: {
      type: 'number',
      value: 'fps',
      min: 1,
      max: 240,
      description: "Output frame rate (default: the driving video's)",
    },
    size: SIZE_OPTION,
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
    'vivify animate --source p.jpg --driving d.mp4 -o out.mp4 --debug-grid grid.mp4',
  ],
};

interface AnimateArgs {
  source?: string;
  driving?: string;
  output?: string;
  motion: 'relative' | 'absolute';
  reference: 'first' | 'best' | number;
  regions: RegionSelection[] | 'all';
  weights?: Record<string, number>;
  'expression-scale': number;
  'pose-scale': number;
  smooth: number;
  surroundings: 'head' | 'tracked';
  detail: number;
  face: number;
  'keep-audio': boolean;
  fps?: number;
  size?: number;
  'debug-grid'?: string;
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
  for (const out of [output, args['debug-grid']]) {
    if (out && [source, driving].some((i) => path.resolve(i) === path.resolve(out))) {
      throw new VivifyError('E_USAGE', `refusing to overwrite the input ${out}`);
    }
  }
  if ((await mediaKind(source)) !== 'image')
    throw new VivifyError('E_USAGE', `--source must be an image (JPEG, PNG, WebP): ${source}`);
  if ((await mediaKind(driving)) !== 'video') throw new VivifyError('E_USAGE', `--driving must be a video: ${driving}`);
  const progress = createProgress('animate', undefined);
  let bar: ReturnType<typeof createProgress> | undefined;
  const report = await animate(source, driving, output, {
    motion: args.motion,
    reference: args.reference,
    regions: args.regions === 'all' ? ['all'] : args.regions,
    weights: args.weights,
    expressionScale: args['expression-scale'],
    poseScale: args['pose-scale'],
    smooth: args.smooth,
    surroundings: args.surroundings,
    detail: args.detail,
    face: args.face,
    keepAudio: args['keep-audio'],
    fps: args.fps,
    size: args.size,
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
    `  ${report.msPerFrame.total.toFixed(1)} ms/frame (${(1000 / report.msPerFrame.total).toFixed(1)} fps): analyse driver ${report.msPerFrame.analyse.toFixed(1)}, render ${report.msPerFrame.render.toFixed(1)}`,
  );
  const m = report.mouth;
  ctx.out(
    `  mouth interior from the driver in ${m.driver} frames, the source in ${m.source}, synthesised in ${m.synthesised}`,
  );
  if (report.framesWithoutFace)
    ctx.err(`warning: ${report.framesWithoutFace} driving frame(s) had no face; the last good motion was held`);
  if (args['debug-grid']) ctx.out(`wrote ${args['debug-grid']}`);
  return 0;
}
