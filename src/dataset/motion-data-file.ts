/**
 * The motion-curve data set on disk (data/motion-curves.json.gz, built by scripts/build-motion-data.ts): one
 * JSON line per clip, gzip-compressed (2.6 MB of text, 0.6 MB stored). Node only; the pure checks and types
 * are in src/generate/data.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeAtomically } from '../media/atomic.js';

/** The data set in the repository. */
export const MOTION_DATA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'motion-curves.json.gz',
);

/** The parsed JSON of a motion-curve file (gzip-compressed when its name ends in .gz); check it with parseMotionData. */
export async function readMotionDataFile(file = MOTION_DATA_FILE): Promise<unknown> {
  const bytes = await fs.readFile(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

/** Writes `text` (the data set's JSON) atomically, compressed when the name ends in .gz (no timestamp: same input, same bytes). */
export async function writeMotionDataFile(text: string, file = MOTION_DATA_FILE): Promise<number> {
  const bytes = file.endsWith('.gz') ? gzipSync(text, { level: 9 }) : Buffer.from(text);
  await writeAtomically(file, (tmp) => fs.writeFile(tmp, bytes));
  return bytes.length;
}
