/** The motion-curve data set on disk: the shipped file parses, and a written file reads back the same, compressed. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readMotionDataFile, writeMotionDataFile } from '../../src/dataset/motion-data-file.js';
import { parseMotionData } from '../../src/generate/data.js';

test('the shipped motion curves parse', async () => {
  const data = parseMotionData(await readMotionDataFile());
  assert.ok(data.clips.length >= 50, `${data.clips.length} clips`);
  assert.ok(data.clips.some((c) => c.split === 'train') && data.clips.some((c) => c.split !== 'train'));
});

test('a .gz data file is written compressed, byte for byte the same for the same text, and reads back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vivify-motion-data-'));
  try {
    const text = JSON.stringify({ version: 1, clips: [{ a: [1, 2, 3] }] });
    const a = path.join(dir, 'a.json.gz');
    const b = path.join(dir, 'b.json.gz');
    await writeMotionDataFile(text, a);
    await writeMotionDataFile(text, b);
    assert.deepEqual(readFileSync(a), readFileSync(b));
    assert.notEqual(readFileSync(a).toString('utf8'), text, 'stored compressed');
    assert.deepEqual(await readMotionDataFile(a), JSON.parse(text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
