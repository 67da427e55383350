/**
 * The bank of real mouths that ships with Vivify (assets/mouth-bank.json and assets/mouth-bank.jpg, built by
 * `npm run build:mouth-bank`) and its closed eyes (assets/eye-bank.json and .jpg, `npm run build:eye-bank`),
 * read once per process.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VivifyError } from '../../errors.js';
import { firstLine, readImage } from '../../media/image-file.js';
import { parseEyeBank } from '../../render/eye-bank.js';
import { parseMouthBank, type MouthBank } from '../../render/mouth-bank.js';

/** The package's assets folder (the same from src/ under tsx and from dist/). */
export const ASSETS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets');

let shipped: Promise<MouthBank> | undefined;

/**
 * Reads a mouth bank: `dir/mouth-bank.json` and `dir/mouth-bank.jpg`, with the closed eyes shipped beside them
 * (`dir/eye-bank.json`, `dir/eye-bank.jpg`; default: the bank shipped in assets/, read once and shared).
 *
 * @example
 * const bank = await loadMouthBank();
 * console.log(bank.exemplars.length);
 */
export function loadMouthBank(dir?: string): Promise<MouthBank> {
  if (dir === undefined) return (shipped ??= readBank(ASSETS_DIR));
  return readBank(dir);
}

async function readBank(dir: string): Promise<MouthBank> {
  const json = (file: string): Promise<unknown> =>
    fs.readFile(path.join(dir, file), 'utf8').then((t) => JSON.parse(t) as unknown);
  try {
    const [index, atlas, eyeIndex, eyeAtlas] = await Promise.all([
      json('mouth-bank.json'),
      readImage(path.join(dir, 'mouth-bank.jpg')),
      json('eye-bank.json'),
      readImage(path.join(dir, 'eye-bank.jpg')),
    ]);
    return { ...parseMouthBank(index, atlas), closedEyes: parseEyeBank(eyeIndex, eyeAtlas) };
  } catch (cause) {
    throw new VivifyError('E_MOUTH_BANK', `could not read the mouth bank in ${dir}: ${firstLine(cause)}`, {
      cause,
    });
  }
}
