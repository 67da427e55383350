import { createFaceAnalyzer } from '../analysis/node/analyze.js';
import { VivifyError } from '../errors.js';
import type { EditSpec } from '../expression/edit.js';
import { createGroupEditor, facesNamed, selectedFaces, splitPerFace } from '../expression/faces.js';
import { imageFormatForPath, readImage, writeImage } from '../media/image-file.js';
import { checkRunPaths } from '../media/run-paths.js';
import { ACTION_UNITS, AU_MAX, type ActionUnit } from '../face/action-units.js';
import { EMOTION_NAMES } from '../emotion/emotion.js';
import { parseAuText, parseEmotionText } from '../expression/options.js';
import { faceState } from '../motion/motion.js';
import { pickFace } from '../analysis/pick-face.js';
import type { FaceSelection } from '../options.js';
import type { CommandContext } from './context.js';
import { FACES_OPTION, MOUTH_OPTION } from './common-options.js';
import { loadMouthBank } from '../reenact/node/mouth-bank-file.js';
import { RENDER_DEFAULTS } from '../render/renderer.js';
import { type FlagsOf, defineCommand } from './options.js';

export const editCommand = defineCommand({
  name: 'edit',
  summary: 'expression editing: set action units or an emotion, or copy another face’s expression',
  usage:
    'vivify edit --source S -o out.png (--au 12=3,6=2 | --emotion happy=0.8 | --like other.jpg) [--face n|0,2|all] [--absolute] [--steps N] [--mask mask.png]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait to edit' },
    output: {
      type: 'string',
      short: 'o',
      value: 'out.png',
      description: 'The edited image (.png or .jpg); with --steps, a strip of the steps',
    },
    au: {
      type: 'string',
      value: 'AU=v,…',
      description: `Action units and intensities 0–${AU_MAX} (FACS A–E); L or R before the number for one side, e.g. 12=3,6=2,L45=5; n: before an item for face n only, e.g. 0:12=3,1:45=5. AUs: ${ACTION_UNITS.join(', ')}`,
      parse: (t) => perFaceText(t, parseAuText),
    },
    emotion: {
      type: 'string',
      value: 'name=i,…',
      description: `Emotions with intensities 0–1, e.g. happy=0.8; n: before an item for face n only, e.g. 0:happy,1:surprised=0.5: ${EMOTION_NAMES.join(', ')}`,
      parse: (t) => perFaceText(t, parseEmotionText),
    },
    like: { type: 'string', value: 'image', description: 'Take the expression of the (largest) face in this image' },
    absolute: {
      type: 'boolean',
      default: false,
      description: 'Set the given values, accounting for the expression the face already has (default: add to it)',
    },
    steps: {
      type: 'integer',
      value: 'n',
      default: 1,
      min: 1,
      max: 32,
      description: 'Write a strip of n images from the source to the target',
    },
    appearance: {
      type: 'number',
      value: '0..1',
      default: RENDER_DEFAULTS.appearance,
      min: 0,
      max: 1,
      description:
        'Strength of the learned expression appearance (folds, wrinkles, bulges, shadows) on the portrait’s own skin; 0 changes the shape only',
    },
    mask: {
      type: 'string',
      value: 'mask.png',
      description: 'Also write the change mask (white: changed, black: untouched)',
    },
    face: FACES_OPTION,
    mouth: MOUTH_OPTION,
  },
  examples: [
    'vivify edit --source portrait.jpg -o smile.png --au 12=3,6=2',
    'vivify edit --source portrait.jpg -o happy.png --emotion happy=0.8 --mask mask.png',
    'vivify edit --source portrait.jpg -o wink.png --au L45=5',
    'vivify edit --source portrait.jpg -o neutral.png --emotion neutral=1 --absolute',
    'vivify edit --source portrait.jpg -o like.png --like other.jpg --steps 5',
    'vivify edit --source group.jpg -o all-happy.png --face all --emotion happy=0.8',
    'vivify edit --source group.jpg -o two.png --emotion 0:happy,1:surprised=0.6',
  ],
});

/**
 * Checks settings text with optional `n:` face prefixes: every face's items (its own and the unprefixed ones
 * together) must parse. Returns the text per face ('*': every chosen face) for {@link forFace}.
 */
function perFaceText<T>(text: string, parse: (t: string) => T): Map<number | '*', string> {
  const parts = splitPerFace(text);
  const shared = parts.get('*');
  if (shared !== undefined) parse(shared);
  for (const [k, own] of parts) if (k !== '*') parse(shared === undefined ? own : `${shared},${own}`);
  return parts;
}

/** Face `i`'s setting from per-face text: its own items and the unprefixed ones, or undefined if neither. */
function forFace<T>(parts: Map<number | '*', string> | undefined, i: number, parse: (t: string) => T): T | undefined {
  const items = [parts?.get('*'), parts?.get(i)].filter((x) => x !== undefined);
  return items.length ? parse(items.join(',')) : undefined;
}

type EditArgs = FlagsOf<typeof editCommand.options>;

export async function runEdit(args: EditArgs, ctx: CommandContext): Promise<number> {
  if (!args.source) throw new VivifyError('E_USAGE', `vivify edit needs --source (usage: ${editCommand.usage})`);
  if (!args.output) throw new VivifyError('E_USAGE', `vivify edit needs --output (usage: ${editCommand.usage})`);
  if (!args.au && !args.emotion && !args.like)
    throw new VivifyError('E_USAGE', 'vivify edit needs --au, --emotion or --like (what to change)');
  imageFormatForPath(args.output);
  if (args.mask) imageFormatForPath(args.mask);
  await checkRunPaths(
    [
      { name: '--source', path: args.source },
      { name: '--like', path: args.like },
    ],
    [
      { name: '--output', path: args.output },
      { name: '--mask', path: args.mask },
    ],
  );
  // Faces named by a prefix (0:happy) are edited even without --face; unprefixed settings go to every face.
  const named = [...new Set([...facesNamed(args.au ?? new Map()), ...facesNamed(args.emotion ?? new Map())])];
  const shared = args.au?.has('*') || args.emotion?.has('*') || args.like !== undefined;
  const analyzer = await createFaceAnalyzer({ emotion: false, maxFaces: 100 });
  try {
    const image = await readImage(args.source);
    const found = await analyzer.analyze(image);
    pickFace(found, 0, args.source);
    const selection: FaceSelection = args.face ?? (named.length ? [...(shared ? [0] : []), ...named] : [0]);
    let chosen: number[];
    try {
      chosen = [...new Set(selectedFaces(selection, found.length, args.source))];
    } catch (e) {
      throw new VivifyError('E_FACE_INDEX', (e as Error).message);
    }
    for (const i of named)
      if (!chosen.includes(i))
        throw new VivifyError(
          'E_USAGE',
          `the settings name face ${i}, which --face ${String(args.face)} does not choose`,
        );
    const like = args.like ? faceState(pickFace(await analyzer.analyze(args.like), 0, args.like)) : undefined;
    const specs: EditSpec[] = chosen.map((i) => ({
      aus: forFace(args.au, i, parseAuText),
      emotions: forFace(args.emotion, i, parseEmotionText),
      absolute: args.absolute,
      appearance: args.appearance,
      like,
    }));
    const group = createGroupEditor(
      image,
      chosen.map((i) => found[i]!),
      { mouth: args.mouth === 'bank' ? { bank: await loadMouthBank() } : undefined },
    );
    const result = group.edit(specs);
    const fmt = (r: Partial<Record<ActionUnit, number>>): string =>
      ACTION_UNITS.filter((au) => (r[au] ?? 0) >= 0.25)
        .map((au) => `AU${au} ${(r[au] ?? 0).toFixed(1)}`)
        .join(', ') || 'none above 0.25';
    chosen.forEach((faceIndex, k) => {
      const pre = chosen.length > 1 || faceIndex !== 0 ? `face ${faceIndex}: ` : '';
      const mine = result.faces[k]!;
      ctx.out(`${pre}before: ${fmt(group.editors[k]!.before.intensity)}`);
      const mean: Partial<Record<ActionUnit, number>> = {};
      for (const au of ACTION_UNITS) mean[au] = ((mine.target.left[au] ?? 0) + (mine.target.right[au] ?? 0)) / 2;
      if (!args.like) ctx.out(`${pre}target: ${fmt(mean)}`);
    });
    if (found.length > chosen.length && args.face === undefined)
      ctx.out(
        `${args.source} has ${found.length} faces; edited ${chosen.map((i) => `face ${i}`).join(', ')} (--face all edits every one)`,
      );
    if (args.steps > 1) {
      const frames = Array.from({ length: args.steps }, (_, i) => group.edit(specs, i / (args.steps - 1), true).image);
      const strip = {
        width: image.width * frames.length,
        height: image.height,
        data: new Uint8ClampedArray(image.width * frames.length * image.height * 4),
      };
      frames.forEach((f, i) => {
        for (let y = 0; y < image.height; y++)
          strip.data.set(
            f.data.subarray(y * f.width * 4, (y + 1) * f.width * 4),
            (y * strip.width + i * image.width) * 4,
          );
      });
      await writeImage(args.output, strip);
    } else {
      await writeImage(args.output, result.image);
    }
    ctx.out(`wrote ${args.output}`);
    if (args.mask) {
      const m = {
        width: image.width,
        height: image.height,
        data: new Uint8ClampedArray(image.width * image.height * 4),
      };
      result.mask.forEach((v, i) => m.data.set([v * 255, v * 255, v * 255, 255], 4 * i));
      await writeImage(args.mask, m);
      const changed = result.mask.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
      ctx.out(`wrote ${args.mask} (${((100 * changed) / result.mask.length).toFixed(1)}% of pixels changed)`);
    }
  } finally {
    analyzer.close();
  }
  return 0;
}
