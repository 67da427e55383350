import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { removeStaleTemps, STALE_TEMP_AGE_MS, tempSibling, writeAtomically } from '../../src/media/atomic.js';
import { tempDir } from '../helpers.js';

/** A process id that no process has any more: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return r.pid!;
}

/** A temporary name as another process of this machine would make it (same host tag, another pid). */
function tempOf(target: string, pid: number): string {
  const mine = path.basename(tempSibling(target));
  return path.join(path.dirname(target), mine.replace(`-${process.pid}-`, `-${pid}-`));
}

test('temporary names say which process on which machine owns them', (t) => {
  const dir = tempDir(t);
  const a = path.basename(tempSibling(path.join(dir, 'out.mp4')));
  assert.match(a, new RegExp(`^\\.vivify-tmp-[0-9a-f]{6}-${process.pid}-[0-9a-f]{8}-out\\.mp4$`));
  assert.notEqual(a, path.basename(tempSibling(path.join(dir, 'out.mp4'))));
});

test('leftovers of dead processes for the same output are removed; anything else stays', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'out.png');
  const dead = deadPid();
  const deadFile = tempOf(target, dead);
  writeFileSync(deadFile, 'a killed run');
  const deadFolder = tempOf(path.join(dir, 'frames'), dead); // a PNG-sequence leftover of another target
  mkdirSync(deadFolder);
  const live = tempSibling(target); // this process is alive
  writeFileSync(live, 'being written');
  const foreignHost = path.join(dir, `.vivify-tmp-zzzzzz-${dead}-0123abcd-out.png`); // not a hex host tag
  const otherHost = path.join(dir, `.vivify-tmp-000000-${dead}-0123abcd-out.png`);
  const keep = ['.vivify-tmp-notes.txt', 'out.png.bak', `.vivify-tmp-${dead}-out.png`, 'x-out.png'];
  for (const f of [foreignHost, otherHost, ...keep.map((k) => path.join(dir, k))]) writeFileSync(f, 'keep');

  const removed = await removeStaleTemps(target);
  assert.deepEqual(removed, [deadFile]);
  assert.deepEqual(
    readdirSync(dir).sort(),
    [
      path.basename(deadFolder),
      path.basename(live),
      path.basename(foreignHost),
      path.basename(otherHost),
      ...keep,
    ].sort(),
  );

  // After a day untouched, a temporary is a leftover whoever it names (process ids are reused); the
  // earlier releases' names (no owner) too.
  const old = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
  const legacy = path.join(dir, '.vivify-tmp-0123abcd-out.png');
  writeFileSync(legacy, 'from an earlier release');
  for (const f of [live, otherHost, legacy]) utimesSync(f, old, old);
  assert.deepEqual((await removeStaleTemps(target)).sort(), [live, otherHost, legacy].sort());
  assert.ok(readdirSync(dir).includes(path.basename(foreignHost)), 'not this tool’s name: never touched');
});

test('writeAtomically cleans up leftovers of its target before writing', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'report.json');
  writeFileSync(tempOf(target, deadPid()), '{"half": ');
  const live = tempSibling(target);
  writeFileSync(live, 'another writer, still alive');
  await writeAtomically(target, async (tmp) => writeFileSync(tmp, '{"done": true}'));
  assert.equal(readFileSync(target, 'utf8'), '{"done": true}');
  assert.deepEqual(readdirSync(dir).sort(), [path.basename(live), 'report.json'].sort());
});
