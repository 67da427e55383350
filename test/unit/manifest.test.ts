/** The data folder's MANIFEST.tsv is read by column name; a folder without one, or without its columns, is refused. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readManifest } from '../../src/dataset/manifest.js';
import { isVivifyError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

test('rows are read by column name, whatever the columns’ order', (t) => {
  const dir = tempDir(t);
  writeFileSync(
    path.join(dir, 'MANIFEST.tsv'),
    'category\tfile\tkind\tself_reenactment\n' +
      'core\timages/a.jpg\timage\t\n' +
      'talking\tvideos/b.mp4\tvideo\tyes\n',
  );
  const rows = readManifest(dir);
  assert.deepEqual(
    rows.map((r) => [r.file, r.kind, r.category, r.self_reenactment]),
    [
      ['images/a.jpg', 'image', 'core', ''],
      ['videos/b.mp4', 'video', 'talking', 'yes'],
    ],
  );
});

test('a folder without a manifest, or a manifest without its columns, is refused with a one-line error', (t) => {
  const dir = tempDir(t);
  assert.throws(
    () => readManifest(dir),
    (e: unknown) => isVivifyError(e, 'E_INPUT_NOT_FOUND') && /no MANIFEST\.tsv in /.test(e.message),
  );
  writeFileSync(path.join(dir, 'MANIFEST.tsv'), 'file\tkind\nimages/a.jpg\timage\n');
  assert.throws(() => readManifest(dir), /has no "category" column/);
});
