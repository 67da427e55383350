/**
 * What a batch wrote into its output folder, so that cleaning up — the end sweep, `--restart` — removes the
 * tool's own files and never one somebody else put there. Every process that writes an output (a worker
 * rendering a variant, the coordinator writing the manifest) first appends the output's path, relative to
 * the output folder, to its own list `.vivify/outputs/<host>-<pid>.txt`: one process per file, so lines
 * from several processes and machines never interleave. The line is written before the file is started, so
 * a process killed at any moment leaves nothing of its own unlisted (a line cut short by the kill belongs
 * to a write that never started). A file that is neither listed there nor in the journal is not the tool's
 * and stays where it is.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { tempWriter } from '../media/atomic.js';
import { firstLine } from '../media/image-file.js';

/** The folder inside `.vivify/` that holds the lists of written outputs. */
const OUTPUTS_DIR = 'outputs';
const STATE_DIR = '.vivify';

/** Paths this process has listed already, per output folder. */
const listed = new Map<string, Set<string>>();

function listFile(out: string): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  return path.join(out, STATE_DIR, OUTPUTS_DIR, `${host}-${process.pid}.txt`);
}

/**
 * Notes that this process is about to write `rel` (a path relative to the batch folder `out`): call it
 * before the write starts. Fails with E_OUTPUT (the item is tried again) when the note cannot be written,
 * so that the tool never makes a file it would not know as its own.
 */
export function recordOutput(out: string, rel: string): void {
  const key = path.normalize(rel);
  const file = listFile(out);
  let done = listed.get(out);
  // A list removed meanwhile (`--restart` by a coordinator, while this queue worker lives on) starts again.
  if (!done || (done.size && !existsSync(file))) listed.set(out, (done = new Set()));
  if (done.has(key)) return;
  try {
    if (!done.size) mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(key)}\n`);
  } catch (cause) {
    throw new VivifyError('E_OUTPUT', `cannot write ${file}: ${firstLine(cause)}`, { cause });
  }
  done.add(key);
}

/** Every path the lists of `out` hold (relative, normalized). */
export async function recordedOutputs(out: string): Promise<Set<string>> {
  const dir = path.join(out, STATE_DIR, OUTPUTS_DIR);
  const paths = new Set<string>();
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      try {
        const p = JSON.parse(line) as unknown;
        if (typeof p === 'string' && p) paths.add(path.normalize(p));
      } catch {
        /* a line cut short by a kill: its write never started */
      }
    }
  }
  return paths;
}

/**
 * Makes the folder `out` hold what `wanted` lists and what the tool did not write: temporaries left by
 * writers that were killed are removed (not those a live process on this machine still writes, where the
 * name says whose it is), and so are the files in `owned` (the tool's own) that `wanted` does not list.
 * Folders left empty go too, if the tool made them (they hold, or held, one of its files). Files and folders
 * the tool did not write are left as they are. `.vivify/` stays.
 */
export async function sweep(
  out: string,
  wanted: ReadonlySet<string>,
  owned: ReadonlySet<string>,
): Promise<{ temps: number; orphans: number }> {
  const removed = { temps: 0, orphans: 0 };
  const ownedDirs = new Set<string>();
  for (const p of [...owned, ...wanted])
    for (let d = path.dirname(p); d !== '.' && d !== path.sep && !ownedDirs.has(d); d = path.dirname(d))
      ownedDirs.add(d);
  const visit = async (dir: string, rel: string): Promise<boolean> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    let left = 0;
    for (const e of entries) {
      const childRel = rel ? path.join(rel, e.name) : e.name;
      const full = path.join(dir, e.name);
      if (!rel && e.name === STATE_DIR) {
        left++;
        continue;
      }
      const temp = tempWriter(e.name);
      if (temp) {
        // Another live process here still writes it (a worker of a killed coordinator finishing its render).
        if (temp.live) {
          left++;
          continue;
        }
        await fs.rm(full, { recursive: true, force: true });
        removed.temps++;
        continue;
      }
      if (wanted.has(childRel)) {
        left++;
        continue;
      }
      if (e.isDirectory()) {
        if (await visit(full, childRel)) left++;
        else if (ownedDirs.has(childRel)) await fs.rmdir(full).catch(() => left++);
        else left++;
        continue;
      }
      if (!owned.has(childRel)) {
        left++; // not the tool's
        continue;
      }
      await fs.rm(full, { force: true });
      removed.orphans++;
    }
    return left > 0;
  };
  await visit(out, '');
  return removed;
}
