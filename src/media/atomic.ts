/**
 * Atomic output: every file (or folder of frames) is written to a temporary sibling of its target and
 * renamed into place when complete. Temporaries live beside the target (same folder, so the rename is
 * atomic) and are named `.vivify-tmp-<host>-<pid>-<random>-<target name>`: the host tag and the process
 * id say who owns one, so a later run to the same target can tell the leftovers of a killed run from
 * files another live run is still writing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { VivifyError } from '../errors.js';

const PREFIX = '.vivify-tmp-';
/** A temporary nobody has written to for this long is a leftover whatever its owner id says (ids are reused). */
export const STALE_TEMP_AGE_MS = 24 * 3600 * 1000;

/** Six hex digits naming this machine, so that process ids are only compared on the machine that issued them. */
const HOST_TAG = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);

/** Path of a temporary sibling of `target`, owned by this process (same folder, so the final rename is atomic). */
export function tempSibling(target: string): string {
  return path.join(
    path.dirname(target),
    `${PREFIX}${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}-${path.basename(target)}`,
  );
}

/** Who owns a temporary of `target` named `name`, or undefined if `name` is not one (earlier releases: no owner). */
function tempOwner(name: string, target: string): { host?: string; pid?: number } | undefined {
  const base = path.basename(target);
  if (!name.startsWith(PREFIX) || !name.endsWith(`-${base}`)) return undefined;
  const id = name.slice(PREFIX.length, name.length - base.length - 1);
  const m = /^([0-9a-f]{6})-([1-9]\d{0,9})-[0-9a-f]{8}$/.exec(id);
  if (m) return { host: m[1], pid: Number(m[2]) };
  return /^[0-9a-f]{8}$/.test(id) ? {} : undefined;
}

/**
 * Whether `name` (a file name, any target) is one of this tool's temporaries, and if so whether a live
 * process on this machine is writing it. Earlier releases' names say no owner: `live` is false for them.
 */
export function tempWriter(name: string): { live: boolean } | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const m = /^([0-9a-f]{6})-([1-9]\d{0,9})-[0-9a-f]{8}-/.exec(name.slice(PREFIX.length));
  if (!m) return /^[0-9a-f]{8}-/.test(name.slice(PREFIX.length)) ? { live: false } : undefined;
  return { live: m[1] === HOST_TAG && Number(m[2]) !== process.pid && isAlive(Number(m[2])) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}

/**
 * Removes what earlier runs that were killed (SIGKILL, power loss) left while writing `target`: only
 * this tool's temporaries of this very target, and only those no live process owns — their owner, on
 * this machine, has exited, or nothing has written to them for {@link STALE_TEMP_AGE_MS}. Returns the
 * removed paths. Never fails: a leftover that cannot be removed stays.
 */
export async function removeStaleTemps(target: string, now = Date.now()): Promise<string[]> {
  const dir = path.dirname(path.resolve(target));
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const owner = tempOwner(name, target);
    if (!owner) continue;
    const file = path.join(dir, name);
    const st = await fs.lstat(file).catch(() => undefined);
    if (!st) continue;
    const ownerGone = owner.host === HOST_TAG && owner.pid !== process.pid && !isAlive(owner.pid!);
    if (!ownerGone && now - st.mtimeMs < STALE_TEMP_AGE_MS) continue;
    try {
      await fs.rm(file, { recursive: true, force: true });
      removed.push(file);
    } catch {
      /* still there: harmless, and retried by the next run */
    }
  }
  return removed;
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
 * Gets ready to write `target`: creates its folder, removes leftovers of earlier killed runs (see
 * {@link removeStaleTemps}) and returns a fresh temporary path for it.
 */
export async function prepareTemp(target: string): Promise<string> {
  await ensureOutputFolder(target);
  await removeStaleTemps(target);
  return tempSibling(target);
}

/**
 * Writes `target` atomically: `write` receives a temporary path in the same folder (created if missing);
 * when it resolves, the temporary file (or folder) is renamed over `target`. On failure the temporary is
 * removed and `target` is untouched, so an interrupted run never leaves a half file that looks complete.
 */
export async function writeAtomically<T>(target: string, write: (tmpPath: string) => Promise<T>): Promise<T> {
  const tmp = await prepareTemp(target);
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
