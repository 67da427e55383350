import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listVideos } from '../../src/dataset/scan.js';
import { tempDir } from '../helpers.js';

/** listVideos, failing (instead of hanging the suite) if it does not finish within 10 s. */
async function list(inputs: string[]): Promise<{ files: string[]; skipped: Record<string, string> }> {
  const skipped: Record<string, string> = {};
  let timer: NodeJS.Timeout | undefined;
  const files = await Promise.race([
    listVideos(inputs, { onSkip: (p, reason) => (skipped[p] = reason) }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('listVideos did not finish in 10 s')), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return { files, skipped };
}

test('listVideos lists each real file once and reports loops instead of following them', async (t) => {
  const dir = tempDir(t);
  const data = path.join(dir, 'data');
  mkdirSync(path.join(data, 'a', 'deep'), { recursive: true });
  mkdirSync(path.join(dir, 'elsewhere'));
  for (const f of ['x.mp4', 'a/y.MOV', 'a/deep/z.webm', 'notes.txt', '../elsewhere/w.mkv'])
    writeFileSync(path.join(data, f), '');
  symlinkSync('.', path.join(data, 'self'));
  symlinkSync('..', path.join(data, 'parent'));
  symlinkSync('../..', path.join(data, 'a', 'deep', 'up2'));
  symlinkSync(path.join(data, 'a'), path.join(data, 'alias')); // the same folder under a second name
  symlinkSync('../elsewhere', path.join(data, 'ext')); // a folder outside: followed
  symlinkSync('x.mp4', path.join(data, 'x-link.mp4'));
  linkSync(path.join(data, 'x.mp4'), path.join(data, 'x2.mp4'));
  symlinkSync('gone.mp4', path.join(data, 'broken.mp4'));
  symlinkSync('me.mp4', path.join(data, 'me.mp4'));

  const { files, skipped } = await list([data]);
  const rel = (p: string): string => path.relative(data, p);
  assert.deepEqual(files.map(rel), ['a/deep/z.webm', 'a/y.MOV', 'broken.mp4', 'ext/w.mkv', 'x.mp4']);
  const why = Object.fromEntries(Object.entries(skipped).map(([p, r]) => [rel(p), r]));
  assert.deepEqual(Object.keys(why).sort(), [
    'a/deep/up2',
    'alias',
    'me.mp4',
    'parent',
    'self',
    'x-link.mp4',
    'x2.mp4',
  ]);
  assert.match(why.self!, /back to .*data: a loop, not followed/);
  assert.match(why.parent!, /which contains .*data: a loop/);
  assert.match(why['a/deep/up2']!, /a loop/);
  assert.match(why.alias!, /the same folder as .*data\/a/);
  assert.match(why['x-link.mp4']!, /the same file as .*x\.mp4/);
  assert.match(why['x2.mp4']!, /the same file as .*x\.mp4/);
  assert.match(why['me.mp4']!, /leads to itself/);

  // Named twice, or a folder and a file inside it: still once each.
  const again = await list([path.join(data, 'x.mp4'), data, path.join(data, 'a')]);
  assert.equal(again.files.filter((f) => f.endsWith('x.mp4')).length, 1);
  assert.equal(again.files.filter((f) => f.endsWith('y.MOV')).length, 1);
});

test('listVideos reports a folder it cannot read and goes on', { skip: process.getuid?.() === 0 }, async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'closed'));
  writeFileSync(path.join(dir, 'closed', 'hidden.mp4'), '');
  writeFileSync(path.join(dir, 'open.mp4'), '');
  chmodSync(path.join(dir, 'closed'), 0o000);
  t.after(() => chmodSync(path.join(dir, 'closed'), 0o755));
  const { files, skipped } = await list([dir]);
  assert.deepEqual(files, [path.join(dir, 'open.mp4')]);
  assert.match(skipped[path.join(dir, 'closed')]!, /cannot read the folder/);
});
