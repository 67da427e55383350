/**
 * What a batch folder holds besides the job's own results: files a user put there survive the end sweep and
 * `--restart`; an earlier batch's output folder inside the input is not taken for inputs; an input folder
 * without images says so.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recordedOutputs, recordOutput, sweep } from '../../src/batch/outputs.js';
import { runCli, tempDir } from '../helpers.js';
import { makePortraits } from './fixtures.js';

interface Line {
  source: string;
  status: string;
  variant?: string;
  output?: string;
  reason?: string;
}

const manifest = (out: string): Line[] =>
  readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

test("an earlier batch's output folder inside the input is skipped with a note, not augmented again", async (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 2);
  const earlier = path.join(input, 'aug');
  const first = runCli(['augment', input, '-o', earlier, '--emotions', 'happy', '--workers', '1'], {
    timeoutMs: 240_000,
  });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(manifest(earlier).length, 2);

  const out = path.join(dir, 'out');
  const r = runCli(['augment', input, '-o', out, '--emotions', 'happy', '--workers', '1'], { timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /augment: 2 items — 2 done/, 'the earlier output folder holds no inputs');
  const lines = manifest(out);
  assert.deepEqual(
    lines.map((l) => [path.relative(dir, l.source), l.status, l.variant]),
    [
      ['in/aug', 'skipped', undefined],
      ['in/p000.jpg', 'ok', 'happy-1'],
      ['in/p001.png', 'ok', 'happy-1'],
    ],
  );
  assert.match(lines[0]!.reason!, /output folder of a vivify batch/);
  assert.match(r.stdout, /skipped .*in\/aug: output folder of a vivify batch/);
});

test("--restart and the end sweep remove the job's own files only: files a user added survive byte for byte", async (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'in');
  await makePortraits(input, 2);
  const out = path.join(dir, 'out');
  const args = ['augment', input, '-o', out, '--workers', '1'];
  const r = runCli([...args, '--emotions', 'happy'], { timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);

  // A user's files in the output folder: at the top, inside a folder of the job's, and a folder of their own.
  const mine: Record<string, Buffer> = {
    'notes.txt': Buffer.from('my notes\n'),
    'p000.jpg/face0/comment.txt': Buffer.from('looks good'),
    'p001.png/face0/sad-1.png': Buffer.from('not a render: the name of one'),
    'extra/data.bin': Buffer.from([0, 1, 2, 255]),
  };
  for (const [rel, bytes] of Object.entries(mine)) {
    mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    writeFileSync(path.join(out, rel), bytes);
  }
  mkdirSync(path.join(out, 'empty-folder'));
  const assertMine = (when: string): void => {
    for (const [rel, bytes] of Object.entries(mine))
      assert.ok(readFileSync(path.join(out, rel)).equals(bytes), `${when}: ${rel} changed or lost`);
    assert.ok(existsSync(path.join(out, 'empty-folder')), `${when}: the user's empty folder was removed`);
  };

  // The same command again: nothing to do; the end sweep leaves the user's files alone.
  const again = runCli([...args, '--emotions', 'happy'], { timeoutMs: 240_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /resumed: 2 item\(s\) were already done/);
  assertMine('resumed run');

  // --restart with other variants: the job's own outputs go, the user's files stay byte for byte.
  const restarted = runCli([...args, '--emotions', 'angry', '--restart'], { timeoutMs: 240_000 });
  assert.equal(restarted.code, 0, restarted.stderr);
  assertMine('--restart');
  for (const name of ['p000.jpg', 'p001.png']) {
    assert.ok(!existsSync(path.join(out, name, 'face0', 'happy-1.png')), `${name}: the old job's output stays`);
    assert.ok(existsSync(path.join(out, name, 'face0', 'angry-1.png')), `${name}: no new output`);
  }
  assert.deepEqual(
    manifest(out)
      .filter((l) => l.status === 'ok')
      .map((l) => l.output),
    ['p000.jpg/face0/angry-1.png', 'p001.png/face0/angry-1.png'],
  );
  assert.deepEqual(readdirSync(path.join(out, 'p000.jpg', 'face0')).sort(), ['angry-1.png', 'comment.txt']);
});

test('an input folder without images: a warning, an empty manifest, exit status 0', (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'empty');
  mkdirSync(input);
  writeFileSync(path.join(input, 'readme.txt'), 'no pictures here\n');
  const out = path.join(dir, 'out');
  const r = runCli(['augment', input, '-o', out, '--emotions', 'happy']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`^warning: no images found in ${input} \\(1 file of other types left out\\)$`, 'm'),
  );
  assert.match(r.stdout, /augment: 0 items/);
  assert.equal(readFileSync(path.join(out, 'manifest.jsonl'), 'utf8'), '');
  const scan = runCli(['batch', 'scan', input, '-o', path.join(dir, 'scan')]);
  assert.equal(scan.code, 0, scan.stderr);
  assert.match(scan.stderr, /^warning: no videos found in /m);
});

test('the sweep removes the listed outputs no result accounts for, never other files; a list removed meanwhile starts again', async (t) => {
  const out = tempDir(t);
  const put = (rel: string, text = rel): void => {
    mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    writeFileSync(path.join(out, rel), text);
  };
  for (const rel of ['a.png/face0/happy-1.png', 'a.png/face0/sad-1.png', 'gone.png/face0/happy-1.png']) {
    recordOutput(out, rel);
    put(rel);
  }
  put('a.png/face0/mine.txt');
  put('other/mine.txt');
  mkdirSync(path.join(out, 'empty'));
  put('a.png/face0/.vivify-tmp-0123abcd-happy-1.png'); // a temporary of a writer that is gone
  const removed = await sweep(out, new Set(['a.png/face0/happy-1.png']), await recordedOutputs(out));
  assert.deepEqual(removed, { temps: 1, orphans: 2 });
  assert.deepEqual(readdirSync(path.join(out, 'a.png', 'face0')).sort(), ['happy-1.png', 'mine.txt']);
  assert.ok(!existsSync(path.join(out, 'gone.png')), 'a folder the tool made, left empty, goes');
  assert.equal(readFileSync(path.join(out, 'other', 'mine.txt'), 'utf8'), 'other/mine.txt');
  assert.ok(existsSync(path.join(out, 'empty')), "a user's empty folder stays");
  // The lists removed (--restart) while this process lives on (a queue worker): what it writes next is listed.
  rmSync(path.join(out, '.vivify'), { recursive: true });
  recordOutput(out, 'a.png/face0/happy-1.png');
  assert.deepEqual([...(await recordedOutputs(out))], ['a.png/face0/happy-1.png']);
});
