import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';

/** Path of a temporary sibling of `target` (same folder, so the final rename is atomic). */
export function tempSibling(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const ext = path.extname(base);
  return path.join(
    dir,
    `.vivify-tmp-${randomBytes(4).toString('hex')}-${base.slice(0, -ext.length || undefined)}${ext}`,
  );
}

/** Makes sure the folder that will hold `target` exists (creating it and its parents), or fails with E_OUTPUT. */
export async function ensureOutputFolder(target: string): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  try {
    await fs.mkdir(dir, { recursive: true });
    if (!(await fs.stat(dir)).isDirectory()) throw new Error('not a folder');
  } catch (cause) {
    throw new VivifyError(
      'E_OUTPUT',
      `cannot write ${target}: cannot create the folder ${dir} (${(cause as Error).message.split('\n')[0]})`,
      { cause },
    );
  }
}

/**
 * Writes `target` atomically: `write` receives a temporary path in the same folder (created if missing);
 * when it resolves, the temporary file (or folder) is renamed over `target`. On failure the temporary is
 * removed and `target` is untouched, so an interrupted run never leaves a half file that looks complete.
 */
export async function writeAtomically<T>(target: string, write: (tmpPath: string) => Promise<T>): Promise<T> {
  await ensureOutputFolder(target);
  const tmp = tempSibling(target);
  try {
    const result = await write(tmp);
    await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
    await fs.rename(tmp, target);
    return result;
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}
