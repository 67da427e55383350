/**
 * The check every command makes before it starts work: that none of its outputs would lose anything.
 * Paths are compared by what they really are — real paths after every symbolic link, and device and
 * inode, so that a hard link is the same file too — never by how they were spelled.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { resolveOutputTarget, type OutputShape } from './atomic.js';

/** A path given on the command line, with the option that named it ("--source", "the input"). */
export interface NamedPath {
  name: string;
  path: string | undefined;
}

export interface NamedOutput extends NamedPath {
  /** What the output is; default 'file'. */
  shape?: OutputShape;
}

interface Identity {
  name: string;
  given: string;
  real: string;
  dev?: number;
  ino?: number;
}

/** `p` with every symbolic link resolved, also when `p` (or some of its parent folders) does not exist yet. */
export async function realPathOf(p: string): Promise<string> {
  const abs = path.resolve(p);
  try {
    return await fs.realpath(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(await realPathOf(parent), path.basename(abs));
  }
}

async function identify(p: NamedPath, real: string): Promise<Identity> {
  const st = await fs.stat(real).catch(() => undefined);
  return { name: p.name, given: p.path!, real, dev: st?.dev, ino: st?.ino };
}

function same(a: Identity, b: Identity): boolean {
  return a.real === b.real || (a.ino !== undefined && a.dev === b.dev && a.ino === b.ino);
}

/**
 * Refuses (E_USAGE, one line) a run whose outputs would overwrite one of its inputs — by real path, or the
 * same file through a hard link — or a folder of frames that holds an input, or whose outputs name the
 * same file twice; and (E_OUTPUT) an output whose path holds something that must not be replaced (see
 * {@link resolveOutputTarget}: a folder, a device, …). Missing entries (`path` undefined) are skipped.
 *
 * @example
 * await checkRunPaths([{ name: '--source', path: src }], [{ name: '--output', path: out }]);
 */
export async function checkRunPaths(inputs: NamedPath[], outputs: NamedOutput[]): Promise<void> {
  const ins: Identity[] = [];
  for (const i of inputs) if (i.path) ins.push(await identify(i, await realPathOf(i.path)));
  const outs: Identity[] = [];
  for (const o of outputs) {
    if (!o.path) continue;
    const target = await resolveOutputTarget(o.path, o.shape ?? 'file');
    const out = await identify(o, await realPathOf(target));
    for (const i of ins) {
      const inside = o.shape === 'frames' && i.real.startsWith(out.real + path.sep);
      if (same(out, i) || inside) {
        const how = inside ? `it holds ${i.name} ${i.given}` : `it is ${i.name} ${i.given}`;
        throw new VivifyError('E_USAGE', `refusing to overwrite the input: ${o.name} ${o.path} (${how})`);
      }
    }
    const twice = outs.find((p) => same(p, out));
    if (twice) {
      throw new VivifyError(
        'E_USAGE',
        `${o.name} ${o.path} and ${twice.name} ${twice.given} are the same file: give each output its own name`,
      );
    }
    outs.push(out);
  }
}
