/**
 * `--mouth` on the command line: an opened mouth is filled from the bank of real mouths by default and drawn
 * with `--mouth drawn` (the two differ inside the opening and nowhere far from it); a wrong value is a one-line
 * usage error.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readImage } from '../../src/media/image-file.js';
import { ASTRONAUT, runCli, tempDir } from '../helpers.js';

test('vivify edit fills an opened mouth from real mouths by default, drawn with --mouth drawn', async (t) => {
  const dir = tempDir(t);
  const real = path.join(dir, 'real.png');
  const drawn = path.join(dir, 'drawn.png');
  const aus = ['--au', '25=4,26=5'];
  assert.equal(runCli(['edit', '--source', ASTRONAUT, '-o', real, ...aus]).code, 0);
  const r = runCli(['edit', '--source', ASTRONAUT, '-o', drawn, ...aus, '--mouth', 'drawn']);
  assert.equal(r.code, 0, r.stderr);
  const a = await readImage(real);
  const b = await readImage(drawn);
  // Where the two differ: a region the size of a mouth, not the whole picture.
  let n = 0;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) > 24) {
      n++;
      const x = (i / 4) % a.width;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
    }
  }
  assert.ok(n > 100, `${n} pixels differ`);
  assert.ok(x1 - x0 < 0.2 * a.width, `differences span ${x1 - x0} px of ${a.width}`);
  const bad = runCli(['edit', '--source', ASTRONAUT, '-o', path.join(dir, 'x.png'), ...aus, '--mouth', 'painted']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /--mouth/);
});
