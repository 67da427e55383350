import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { IMAGE_INPUT_EXTENSIONS, listInputs } from '../../src/batch/inputs.js';
import { JobStore } from '../../src/batch/store.js';
import { isVivifyError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const EXT = { extensions: IMAGE_INPUT_EXTENSIONS };

test('folder listing: sorted by key, recursive, hidden and other files left out, each file once', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'in', 'b'), { recursive: true });
  mkdirSync(path.join(dir, 'in', '.cache'));
  for (const f of ['b/z.jpg', 'a.PNG', 'notes.txt', '.hidden.jpg', '.cache/x.jpg', 'c d.webp'])
    writeFileSync(path.join(dir, 'in', f), 'x');
  symlinkSync('a.PNG', path.join(dir, 'in', '0-link.png')); // sorts first, but the real name wins
  symlinkSync('.', path.join(dir, 'in', 'b', 'again'));
  symlinkSync('..', path.join(dir, 'in', 'b', 'up'));
  symlinkSync('nothing.jpg', path.join(dir, 'in', 'gone.jpg'));
  const l = await listInputs(path.join(dir, 'in'), EXT);
  assert.deepEqual(
    l.files.map((f) => f.key),
    ['a.PNG', 'b/z.jpg', 'c d.webp'],
  );
  assert.equal(l.files[1]!.source, path.join(dir, 'in', 'b', 'z.jpg'));
  const notes = Object.fromEntries(l.notes.map((n) => [n.key, n.reason]));
  assert.match(notes['0-link.png']!, /same file as a\.PNG/);
  assert.match(notes['b/again']!, /symbolic link loop/);
  assert.match(notes['b/up']!, /symbolic link loop/);
  assert.match(notes['gone.jpg']!, /broken symbolic link/);
  assert.deepEqual(l.ignored, { otherNames: 1, hidden: 2 });
});

test('folder listing leaves out the output folder when it lies inside the input', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'out', 'x.jpg'), { recursive: true });
  writeFileSync(path.join(dir, 'out', 'x.jpg', 'v.png'), 'x');
  writeFileSync(path.join(dir, 'x.jpg'), 'x');
  const l = await listInputs(dir, { ...EXT, exclude: [path.join(dir, 'out')] });
  assert.deepEqual(
    l.files.map((f) => f.key),
    ['x.jpg'],
  );
});

test('lists: CSV with a path column, JSONL, plain text; relative to the list; duplicates and bad lines noted', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'lists'));
  writeFileSync(path.join(dir, 'lists', 'a.csv'), 'id,path\n1,../p/x.jpg\n2,"../p/y z.jpg"\n3,../p/x.jpg\n4,\n');
  const csv = await listInputs(path.join(dir, 'lists', 'a.csv'), EXT);
  assert.deepEqual(
    csv.files.map((f) => [f.key, f.source]),
    [
      ['x.jpg', path.join(dir, 'lists', '..', 'p', 'x.jpg')],
      ['y z.jpg', path.join(dir, 'lists', '..', 'p', 'y z.jpg')],
    ],
  );
  assert.deepEqual(
    csv.notes.map((n) => n.reason),
    ['empty path', 'listed again (line 4; first on line 2)'],
  );
  writeFileSync(path.join(dir, 'lists', 'b.jsonl'), '{"image":"/abs/a.jpg"}\n"rel/b.jpg"\nnot json\n{"n":1}\n');
  const jsonl = await listInputs(path.join(dir, 'lists', 'b.jsonl'), EXT);
  assert.deepEqual(
    jsonl.files.map((f) => f.path),
    ['/abs/a.jpg', path.join(dir, 'lists', 'rel', 'b.jpg')].sort((a, b) =>
      path.relative('/', a) < path.relative('/', b) ? -1 : 1,
    ),
  );
  assert.deepEqual(
    jsonl.notes.map((n) => n.reason),
    ['not valid JSON', 'no path (a string, or an object with path/source/file)'],
  );
  writeFileSync(path.join(dir, 'lists', 'c.txt'), '# a comment\n/x/1.jpg\n\n/x/2.jpg\n');
  assert.deepEqual(
    (await listInputs(path.join(dir, 'lists', 'c.txt'), EXT)).files.map((f) => f.key),
    ['1.jpg', '2.jpg'],
  );
  await assert.rejects(listInputs(path.join(dir, 'missing'), EXT), /cannot read .*missing: no such file or folder/);
});

test('job folder: refuses a folder with other files, a different job, and a live coordinator; a torn journal line is dropped', async (t) => {
  const dir = tempDir(t);
  const job = { task: 'augment', spec: { settings: { emotions: ['happy'] } } };
  writeFileSync(path.join(dir, 'mine.txt'), 'x');
  await assert.rejects(JobStore.open(dir, job), /not empty and holds no vivify batch/);
  const out = path.join(dir, 'out');
  const s = await JobStore.open(out, job);
  s.append({ key: 'a', status: 'ok', records: [{ source: 'a', status: 'ok' }] });
  s.append({ key: 'b', status: 'failed', records: [{ source: 'b', status: 'failed', reason: 'bad' }] });
  // Another coordinator while this one holds the folder: refused.
  await assert.rejects(JobStore.open(out, job), (e) => isVivifyError(e, 'E_BUSY'));
  await s.close();
  // A kill in the middle of an append leaves half a line: it is dropped, the rest kept.
  writeFileSync(
    path.join(out, '.vivify', 'journal.jsonl'),
    readFileSync(path.join(out, '.vivify', 'journal.jsonl'), 'utf8') + '{"key":"c","sta',
  );
  const again = await JobStore.open(out, job);
  assert.deepEqual([again.status('a'), again.status('b'), again.status('c')], ['ok', 'failed', undefined]);
  assert.equal(again.read('b')!.records[0]!.reason, 'bad');
  await again.close();
  await assert.rejects(
    JobStore.open(out, { task: 'augment', spec: { settings: { emotions: ['sad'] } } }),
    /holds a different job \(different emotions\)/,
  );
  // A lock left by a process that is gone is taken over.
  const gone = spawn('true');
  await new Promise((r) => gone.on('exit', r));
  writeFileSync(
    path.join(out, '.vivify', 'lock'),
    JSON.stringify({ pid: gone.pid, host: (await import('node:os')).hostname() }),
  );
  const restarted = await JobStore.open(
    out,
    { task: 'augment', spec: { settings: { emotions: ['sad'] } } },
    { restart: true },
  );
  assert.equal(restarted.finishedCount, 0);
  await restarted.close();
});
