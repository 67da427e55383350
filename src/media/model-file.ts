/**
 * The trained models that ship in the package's models/ folder (motion.json, speech.json): read once, checked
 * by their own loader, and a one-line E_MODEL_LOAD error naming the file when either step fails.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VivifyError } from '../errors.js';
import { firstLine } from './image-file.js';

/** The path of `name` in the package's models/ folder. */
export function packageModelFile(name: string): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', name);
}

/**
 * A reader of one kind of model file: `read()` gives the shipped file (`shipped`), read and checked once;
 * `read(file)` reads another file each time. `what` names the kind in errors ("the speech model").
 */
export function modelFileReader<T>(
  what: string,
  shipped: string,
  load: (json: unknown) => T,
): (file?: string) => Promise<T> {
  let cached: Promise<T> | undefined;
  const readOne = async (file: string): Promise<T> => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (cause) {
      throw new VivifyError('E_MODEL_LOAD', `cannot read ${what} ${file}: ${firstLine(cause)}`, { cause });
    }
    try {
      return load(JSON.parse(text));
    } catch (cause) {
      throw new VivifyError('E_MODEL_LOAD', `${file} is not a usable file of ${what}: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  return (file = shipped) => (file === shipped ? (cached ??= readOne(file)) : readOne(file));
}
