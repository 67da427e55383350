/**
 * Atomic output: every file (or folder of frames) is written to a temporary sibling of its target and
 * renamed into place when complete. Temporaries live beside the target (same folder, so the rename is
 * atomic) and are named `.vivify-tmp-<host>-<pid>-<random>-<target name>`: the host tag and the process
 * id say who owns one, so a later run to the same target can tell the leftovers of a killed run from
 * files another live run is still writing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { ioFailureReason, VivifyError } from '../errors.js';

const PREFIX = '.vivify-tmp-';
/** A temporary nobody has written to for this long is a leftover whatever its owner id says (ids are reused). */
export const STALE_TEMP_AGE_MS = 24 * 3600 * 1000;

/** Six hex digits naming this machine, so that process ids are only compared on the machine that issued them. */
const HOST_TAG = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);

/** Longest file name the usual file systems take (ext4, XFS, APFS, NTFS: 255 bytes or UTF-16 units). */
const NAME_MAX_BYTES = 255;

/**
 * The part of a temporary's name that says which target it is for: the target's own name when the whole
 * temporary name fits in {@link NAME_MAX_BYTES}, else a hash of it (plus its extension, for readers that
 * look at one), so that any name that is legal for the target is legal for its temporary too.
 */
function targetTag(base: string): string {
  if (Buffer.byteLength(`${PREFIX}000000-4294967295-00000000-${base}`) <= NAME_MAX_BYTES) return base;
  const ext = path.extname(base);
  return `${createHash('sha1').update(base).digest('hex').slice(0, 16)}${Buffer.byteLength(ext) <= 16 ? ext : ''}`;
}

/** Path of a temporary sibling of `target`, owned by this process (same folder, so the final rename is atomic). */
export function tempSibling(target: string): string {
  return path.join(
    path.dirname(target),
    `${PREFIX}${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}-${targetTag(path.basename(target))}`,
  );
}

/** Who owns a temporary of `target` named `name`, or undefined if `name` is not one (earlier releases: no owner). */
function tempOwner(name: string, target: string): { host?: string; pid?: number } | undefined {
  const base = targetTag(path.basename(target));
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
async function ensureOutputFolder(target: string): Promise<void> {
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
 * What an output is: one file, or a folder of frames (`frame_000001.png`, …) that carries
 * {@link FRAMES_MARKER}, by which a later run knows the folder as this tool's own.
 */
export type OutputShape = 'file' | 'frames';

/** The file inside every folder of frames this tool writes; its presence is what allows replacing the folder. */
export const FRAMES_MARKER = '.vivify-frames';
const FRAMES_MARKER_TEXT = 'Frames written by vivify. vivify replaces this folder when it writes to it again.\n';
const FRAME_FILE = /^frame_\d{6,}\.png$/;

/** `cause` (a Node I/O error) as the one-line E_OUTPUT error "cannot write TARGET: REASON (CODE)", or undefined. */
export function outputFailure(target: string, cause: unknown): VivifyError | undefined {
  if (cause instanceof VivifyError) return cause;
  const reason = ioFailureReason(cause);
  return reason ? new VivifyError('E_OUTPUT', `cannot write ${target}: ${reason}`, { cause }) : undefined;
}

/** Rethrows `cause` as {@link outputFailure} when it is an I/O failure, else as it is. */
export function throwOutputFailure(target: string, cause: unknown): never {
  throw outputFailure(target, cause) ?? cause;
}

/**
 * Where `target` will really be written, after checking that writing it there loses nothing the tool did
 * not make. Nothing there: fine. A symbolic link: followed, so that the file it names is the one replaced
 * (a broken link is refused). A regular file, for a file output: replaced once the new one is complete —
 * naming it as the output asks for that. A folder, for frames: an empty one, or one that this tool wrote
 * (it holds {@link FRAMES_MARKER} and frames only). Anything else — a folder where a file goes, a folder
 * holding other files, a device, a named pipe, a socket, a file where frames go — is refused with E_OUTPUT.
 */
export async function resolveOutputTarget(target: string, shape: OutputShape): Promise<string> {
  const abs = path.resolve(target);
  const link = await fs.lstat(abs).catch(() => undefined);
  let real = abs;
  if (link?.isSymbolicLink()) {
    real = await fs.realpath(abs).catch((cause: unknown) => {
      throw new VivifyError('E_OUTPUT', `cannot write ${target}: it is a symbolic link to nothing`, { cause });
    });
  }
  const st = link?.isSymbolicLink() ? await fs.stat(real) : link;
  if (!st) return real;
  const refuse = (what: string): never => {
    throw new VivifyError('E_OUTPUT', `refusing to replace ${target}: ${what}; choose another output name`);
  };
  if (shape === 'file') {
    if (st.isFile()) return real;
    if (st.isDirectory()) refuse('it is a folder');
  } else if (st.isDirectory()) {
    const names = await fs.readdir(real).catch((cause: unknown) => throwOutputFailure(target, cause));
    if (names.length === 0 || (await isFramesFolder(real, names))) return real;
    refuse('it is a folder with files that vivify did not write');
  } else if (st.isFile()) refuse('it is a file, and a folder of frames would replace it');
  return refuse(`it is ${specialKind(st)}, not a file`);
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** Whether `dir` (whose entries are `names`) is a folder of frames this tool wrote: its marker and frames only. */
async function isFramesFolder(dir: string, names: string[]): Promise<boolean> {
  if (!names.includes(FRAMES_MARKER)) return false;
  for (const name of names) {
    if (name !== FRAMES_MARKER && !FRAME_FILE.test(name)) return false;
    const st = await fs.lstat(path.join(dir, name)).catch(() => undefined);
    if (!st?.isFile()) return false;
  }
  return true;
}

/**
 * Gets ready to write `target`: checks what is there ({@link resolveOutputTarget}), creates its folder,
 * removes leftovers of earlier killed runs (see {@link removeStaleTemps}) and returns the real target and a
 * fresh temporary path for it. A folder of frames is created here, with its marker.
 */
export async function prepareTemp(
  target: string,
  shape: OutputShape = 'file',
): Promise<{ tmp: string; target: string }> {
  const real = await resolveOutputTarget(target, shape);
  await ensureOutputFolder(real);
  await removeStaleTemps(real);
  const tmp = tempSibling(real);
  if (shape === 'frames') {
    try {
      await fs.mkdir(tmp);
      await fs.writeFile(path.join(tmp, FRAMES_MARKER), FRAMES_MARKER_TEXT);
    } catch (cause) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throwOutputFailure(target, cause);
    }
  }
  return { tmp, target: real };
}

/**
 * Moves the finished temporary `tmp` into place at `target` (a path from {@link prepareTemp}), checking
 * again what is there now (the run may have taken minutes). A file is renamed over the old one in one
 * step. A folder of frames this tool wrote earlier is moved aside, the new one renamed into place, and
 * only the old frames and marker are removed. On failure `tmp` is left for the caller to remove.
 */
export async function commitTemp(tmp: string, target: string, shape: OutputShape = 'file'): Promise<void> {
  await resolveOutputTarget(target, shape);
  try {
    if (shape === 'file') {
      await fs.rename(tmp, target);
      return;
    }
    const st = await fs.lstat(target).catch(() => undefined);
    if (!st) {
      await fs.rename(tmp, target);
      return;
    }
    const aside = tempSibling(target);
    await fs.rename(target, aside);
    await fs.rename(tmp, target);
    const names = await fs.readdir(aside).catch(() => [] as string[]);
    for (const name of names) {
      if (name === FRAMES_MARKER || FRAME_FILE.test(name)) await fs.rm(path.join(aside, name), { force: true });
    }
    await fs.rmdir(aside).catch(() => undefined); // something else appeared in it meanwhile: it stays
  } catch (cause) {
    throwOutputFailure(target, cause);
  }
}

/**
 * Writes `target` atomically: `write` receives a temporary path in the same folder (created if missing);
 * when it resolves, the temporary file is renamed over `target`. On failure the temporary is removed and
 * `target` is untouched, so an interrupted run never leaves a half file that looks complete. What is at
 * `target` must be replaceable ({@link resolveOutputTarget}); a symbolic link there is followed. Full
 * disks, permissions and the like fail as one-line E_OUTPUT errors ({@link outputFailure}).
 */
export async function writeAtomically<T>(target: string, write: (tmpPath: string) => Promise<T>): Promise<T> {
  const { tmp, target: real } = await prepareTemp(target, 'file');
  try {
    const result = await write(tmp);
    await commitTemp(tmp, real, 'file');
    return result;
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throwOutputFailure(target, err);
  }
}
