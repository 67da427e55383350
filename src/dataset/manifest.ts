/**
 * The data folder's index, MANIFEST.tsv (../shared/data/README.md): one row per file, read by column name, so
 * a script asks for `row.category`, not for the third field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';

/** One file of the data folder: its path (relative to the folder), kind (image, video), category and the rest. */
export interface ManifestRow {
  file: string;
  kind: string;
  category: string;
  /** 'yes' for clips in the self-reenactment protocol. */
  self_reenactment: string;
  [column: string]: string;
}

/**
 * Reads `dataDir/MANIFEST.tsv`; a folder without one is refused with a one-line error naming it.
 *
 * @example
 * const clips = readManifest('../shared/data').filter((r) => r.kind === 'video' && r.category !== 'body');
 */
export function readManifest(dataDir: string): ManifestRow[] {
  const file = path.join(dataDir, 'MANIFEST.tsv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VivifyError('E_INPUT_NOT_FOUND', `no MANIFEST.tsv in ${dataDir}`, { cause });
  }
  const [head, ...lines] = text.trim().split('\n');
  const columns = head!.split('\t');
  for (const name of ['file', 'kind', 'category'])
    if (!columns.includes(name)) throw new VivifyError('E_INPUT_NOT_FOUND', `${file} has no "${name}" column`);
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) as ManifestRow;
  });
}
