/**
 * What a batch works on: the files in a folder (recursively) or in a list (CSV, TSV, JSONL or plain text),
 * each once, in a stable order, with a key that names its outputs. Whatever cannot be an item — a symbolic
 * link loop, a broken link, a folder that cannot be read, a named pipe, a file listed twice, a name that is
 * not valid UTF-8 — becomes a note with a one-line reason, reported in the manifest; nothing stops the
 * listing, and nothing here reads a file's contents (so a pipe or a device never blocks it).
 */
import { createHash } from 'node:crypto';
import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { firstLine } from '../media/image-file.js';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../media/kind.js';

/** One input file. */
export interface ListedFile {
  /** Its path as the user would type it: the input joined with the path below it, or as the list gives it. */
  source: string;
  /** Absolute path. */
  path: string;
  /** Its path below the listing's root, with "/" separators: unique, and the name of its outputs. */
  key: string;
}

/** Something found that is not an item, with why (a manifest line with status "skipped"). */
export interface ListingNote {
  source: string;
  key: string;
  reason: string;
}

export interface Listing {
  files: ListedFile[];
  notes: ListingNote[];
  /** Files left out because their names do not say they are inputs of this kind, and hidden entries. */
  ignored: { otherNames: number; hidden: number };
}

/** Image names a folder walk takes: the readable formats, and other image formats so that they are reported. */
export const IMAGE_INPUT_EXTENSIONS = [
  ...IMAGE_EXTENSIONS,
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
  '.avif',
  '.jxl',
  '.jp2',
];
export { VIDEO_EXTENSIONS };
/** File names that make an input a list of paths rather than a file to process. */
const LIST_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.txt'];

export interface ListOptions {
  /** Extensions (lower case, with the dot) that mark a file in a folder as an input. */
  extensions: readonly string[];
  /** Folders never entered (the output folder, when it lies inside the input). */
  exclude?: readonly string[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists the inputs: a folder (recursively, hidden entries left out, links followed once, the output folders
 * of earlier batches noted and not entered), a list file
 * (.csv, .tsv, .jsonl, .txt; paths relative to the list's folder), or one file. Files are sorted by key.
 */
export async function listInputs(input: string, options: ListOptions): Promise<Listing> {
  let st: Stats;
  try {
    st = await fs.stat(input);
  } catch (cause) {
    throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${input}: ${reason(cause)}`, { cause });
  }
  if (st.isDirectory()) return walk(input, options);
  if (LIST_EXTENSIONS.includes(path.extname(input).toLowerCase())) return readList(input);
  if (!st.isFile()) throw new VivifyError('E_INPUT_NOT_FOUND', `${input} is ${kindOf(st)}, not a file or a folder`);
  const key = path.basename(input);
  return {
    files: [{ source: input, path: path.resolve(input), key }],
    notes: [],
    ignored: { otherNames: 0, hidden: 0 },
  };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ELOOP: 'a loop of symbolic links',
    ENOTDIR: 'a path component is not a folder',
    ENAMETOOLONG: 'the name is too long',
    EIO: 'input/output error',
  };
  return (code && known[code]) ?? firstLine(err);
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Whether `dir` is the output folder of a vivify batch: it holds `.vivify/job.json` (src/batch/store.ts). */
async function isBatchFolder(dir: string): Promise<boolean> {
  return fs.stat(path.join(dir, '.vivify', 'job.json')).then(
    (st) => st.isFile(),
    () => false,
  );
}

async function walk(input: string, options: ListOptions): Promise<Listing> {
  const out: Listing = { files: [], notes: [], ignored: { otherNames: 0, hidden: 0 } };
  const exclude = new Set<string>();
  for (const e of options.exclude ?? []) {
    const real = await fs.realpath(e).catch(() => path.resolve(e));
    exclude.add(real);
  }
  /** Real paths of the folders entered, with the key that entered them; the names of each file (device:inode). */
  const folders = new Map<string, string>();
  const files = new Map<string, { file: ListedFile; link: boolean }[]>();
  const note = (rel: string, why: string): void => {
    out.notes.push({ source: rel ? path.join(input, rel) : input, key: rel || '.', reason: why });
  };

  const rootReal = await fs.realpath(input).catch(() => path.resolve(input));
  const visit = async (dir: string, rel: string, ancestors: readonly string[]): Promise<void> => {
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real === undefined) return note(rel, 'cannot resolve this folder');
    if (exclude.has(real)) return;
    if (rel && rootReal.startsWith(real + path.sep)) {
      return note(rel, 'symbolic link loop: leads to a folder that holds the input folder (not followed)');
    }
    const seen = folders.get(real);
    if (seen !== undefined) {
      return note(
        rel,
        ancestors.includes(real)
          ? `symbolic link loop: leads back to ${seen === '' ? 'the input folder' : seen} (not followed)`
          : `same folder as ${seen} (a link to it; not listed twice)`,
      );
    }
    folders.set(real, rel);
    // The output folder of an earlier batch (its outputs are this tool's renders, not inputs).
    if (rel && (await isBatchFolder(dir))) {
      return note(rel, 'output folder of a vivify batch (it holds .vivify/job.json): its files are not inputs');
    }
    let entries: Dirent<Buffer>[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (cause) {
      return note(rel, `cannot read this folder: ${reason(cause)}`);
    }
    const named = entries.map((e) => ({ e, name: e.name.toString('utf8') }));
    named.sort((a, b) => byName(a.name, b.name));
    for (const { e, name } of named) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (!Buffer.from(name, 'utf8').equals(e.name)) {
        note(childRel, 'the file name is not valid UTF-8 (rename it to include it)');
        continue;
      }
      if (name.startsWith('.')) {
        out.ignored.hidden++;
        continue;
      }
      const full = path.join(dir, name);
      let st: Stats;
      try {
        st = await fs.stat(full); // follows links
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        note(
          childRel,
          code === 'ENOENT' && e.isSymbolicLink()
            ? 'broken symbolic link (its target does not exist)'
            : code === 'ELOOP'
              ? 'symbolic link loop (not followed)'
              : `cannot read: ${reason(cause)}`,
        );
        continue;
      }
      if (st.isDirectory()) {
        await visit(full, childRel, [...ancestors, real]);
        continue;
      }
      const wanted = options.extensions.includes(path.extname(name).toLowerCase());
      if (!wanted) {
        out.ignored.otherNames++;
        continue;
      }
      if (!st.isFile()) {
        note(childRel, `${kindOf(st)}, not a file (not read)`);
        continue;
      }
      // One file under several names — symbolic or hard links — is one file.
      const id = `${st.dev}:${st.ino}`;
      const same = files.get(id) ?? [];
      same.push({
        file: { source: path.join(input, childRel), path: path.resolve(full), key: childRel },
        link: e.isSymbolicLink(),
      });
      files.set(id, same);
    }
  };
  await visit(input, '', []);
  // A file reached under several names (links to it) is taken once: under its own name if the folder
  // holds it, else under the first link.
  for (const names of files.values()) {
    const keep = names.find((n) => !n.link) ?? names[0]!;
    out.files.push(keep.file);
    for (const n of names)
      if (n !== keep) note(n.file.key, `same file as ${keep.file.key} (a link to it; not processed twice)`);
  }
  out.files.sort((a, b) => byName(a.key, b.key));
  out.notes.sort((a, b) => byName(a.key, b.key));
  return out;
}

/** Column names that hold the path in a CSV/TSV list or a JSONL object. */
const PATH_FIELDS = ['path', 'source', 'file', 'filename', 'image', 'video', 'portrait', 'driver'];

/** Reads a list of paths: CSV/TSV (a path column, or the first column), JSONL (strings or objects), plain text. */
async function readList(list: string): Promise<Listing> {
  let text: string;
  try {
    const st = await fs.stat(list);
    if (!st.isFile()) throw new VivifyError('E_INPUT_NOT_FOUND', `${list} is ${kindOf(st)}, not a list file`);
    text = await fs.readFile(list, 'utf8');
  } catch (cause) {
    if (cause instanceof VivifyError) throw cause;
    throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${list}: ${reason(cause)}`, { cause });
  }
  if (text.includes('\0')) throw new VivifyError('E_INPUT_NOT_FOUND', `${list} is not a text list of paths`);
  const ext = path.extname(list).toLowerCase();
  const entries: { line: number; value?: string; problem?: string }[] = [];
  if (ext === '.jsonl') {
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      try {
        const v = JSON.parse(line) as unknown;
        const p =
          typeof v === 'string'
            ? v
            : typeof v === 'object' && v !== null
              ? PATH_FIELDS.map((f) => (v as Record<string, unknown>)[f]).find((x) => typeof x === 'string')
              : undefined;
        entries.push(
          typeof p === 'string' && p
            ? { line: i + 1, value: p }
            : { line: i + 1, problem: `no path (a string, or an object with ${PATH_FIELDS.slice(0, 3).join('/')})` },
        );
      } catch {
        entries.push({ line: i + 1, problem: 'not valid JSON' });
      }
    });
  } else if (ext === '.txt') {
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line.trim() && !line.trimStart().startsWith('#')) entries.push({ line: i + 1, value: line.trim() });
    });
  } else {
    const rows = parseDelimited(text, ext === '.tsv' ? '\t' : ',');
    const header = rows[0]?.cells.map((c) => c.trim().toLowerCase()) ?? [];
    const col = header.findIndex((h) => PATH_FIELDS.includes(h));
    for (const row of col >= 0 ? rows.slice(1) : rows) {
      const v = row.cells[Math.max(0, col)]?.trim();
      if (row.cells.every((c) => !c.trim())) continue;
      entries.push(v ? { line: row.line, value: v } : { line: row.line, problem: 'empty path' });
    }
  }
  const base = path.dirname(list);
  const out: Listing = { files: [], notes: [], ignored: { otherNames: 0, hidden: 0 } };
  const resolved = entries
    .filter((e) => e.value !== undefined)
    .map((e) => ({
      ...e,
      abs: path.resolve(base, e.value!),
      source: path.isAbsolute(e.value!) ? e.value! : path.join(base, e.value!),
    }));
  const root = commonFolder(resolved.map((e) => e.abs));
  const seen = new Map<string, number>();
  for (const e of entries) {
    if (e.problem) out.notes.push({ source: `${list}:${e.line}`, key: `:${e.line}`, reason: e.problem });
  }
  for (const e of resolved) {
    const key = path.relative(root, e.abs).split(path.sep).join('/');
    const first = seen.get(e.abs);
    if (first !== undefined) {
      out.notes.push({
        source: e.source,
        key: `${key}:${e.line}`,
        reason: `listed again (line ${e.line}; first on line ${first})`,
      });
      continue;
    }
    seen.set(e.abs, e.line);
    out.files.push({ source: e.source, path: e.abs, key });
  }
  if (!out.files.length && !out.notes.length) throw new VivifyError('E_INPUT_NOT_FOUND', `${list} lists no paths`);
  out.files.sort((a, b) => byName(a.key, b.key));
  out.notes.sort((a, b) => byName(a.key, b.key));
  return out;
}

/** The deepest folder that holds every one of `paths` (absolute). */
function commonFolder(paths: readonly string[]): string {
  if (!paths.length) return path.resolve('.');
  let parts = path.dirname(paths[0]!).split(path.sep);
  for (const p of paths.slice(1)) {
    const q = path.dirname(p).split(path.sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}

/** Rows of a CSV/TSV text (RFC 4180 quoting), with the line each starts on. */
export function parseDelimited(text: string, sep: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  if (cell !== '' || cells.length) {
    cells.push(cell);
    rows.push({ line: start, cells });
  }
  return rows;
}

/**
 * A key made safe as a relative output path: control characters and characters other systems refuse
 * (\ : * ? " < > |) become "_", over-long names are cut, and a name that had to change gets a short hash
 * of the original so that two names never collide.
 */
export function outputPath(key: string): string {
  return key
    .split('/')
    .map((part) => {
      // eslint-disable-next-line no-control-regex -- replacing control characters is the point
      let safe = part.replace(/[\u0000-\u001f\u007f-\u009f\\:*?"<>|]/g, '_');
      if (safe === '.' || safe === '..') safe = safe.replace(/\./g, '_');
      if (Buffer.byteLength(safe) > 180) safe = cutUtf8(safe, 160);
      return safe === part ? part : `${safe}~${createHash('sha1').update(part).digest('hex').slice(0, 6)}`;
    })
    .join('/');
}

function cutUtf8(s: string, maxBytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}
