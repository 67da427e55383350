/**
 * The user's data is never lost through an output path (the sweep's data-loss cases, as a user types
 * them): a folder named as the output, an input reached through a symbolic link, an output named twice,
 * a full disk. Each run must leave every file that was there byte-identical and fail in one line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ASTRONAUT, makeMovingFaceVideo, runCli, tempDir } from '../helpers.js';

/** Every file under `dir` (relative path → content), to compare before and after a run. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(path.relative(dir, p), readFileSync(p, 'latin1'));
      else files.set(path.relative(dir, p), `<${e.isSymbolicLink() ? 'link' : 'special'}>`);
    }
    if (readdirSync(d).length === 0) files.set(`${path.relative(dir, d)}/`, '<empty folder>');
  };
  walk(dir);
  return files;
}

function assertRefused(r: { code: number; stderr: string }, message: RegExp): void {
  assert.notEqual(r.code, 0, 'refused');
  assert.notEqual(r.code, 70, `not a bug report: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('an existing folder named as the output is refused by every command, its files kept', (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'o', 'p');
  mkdirSync(path.join(out, 's'), { recursive: true });
  writeFileSync(path.join(out, 'a.jpg'), 'x');
  const json = path.join(dir, 'r.json');
  mkdirSync(json);
  writeFileSync(path.join(json, 'keep'), 'y');
  const before = snapshot(dir);
  const runs = [
    ['generate', '--source', ASTRONAUT, '--label', 'happy', '-o', out, '--duration', '0.2s'],
    ['analyze', ASTRONAUT, '--json', json],
    ['analyze', ASTRONAUT, '--overlay', path.join(dir, 'o', 'p')],
    ['scan', path.join(dir, 'o'), '--report', json],
  ];
  for (const args of runs) {
    const r = runCli(args, { timeoutMs: 90_000 });
    assertRefused(r, /refusing to replace|cannot write/);
    assert.deepEqual(snapshot(dir), before, `${args[0]}: nothing changed`);
  }
});

test('an input reached through a symbolic link or named as a second output is never overwritten', (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'in'));
  const victim = path.join(dir, 'in', 'victim.png');
  copyFileSync(ASTRONAUT, victim);
  symlinkSync(victim, path.join(dir, 'l.png'));
  const clip = path.join(dir, 'in', 'clip.mp4');
  makeMovingFaceVideo(clip, { frames: 6, fps: 12, size: 128 });
  const before = snapshot(dir);
  const edit = runCli(['edit', '--source', path.join(dir, 'l.png'), '-o', victim, '--au', '4=3'], { cwd: dir });
  assertRefused(edit, /refusing to overwrite the input/);
  const mask = runCli(['edit', '--source', victim, '-o', 'e.png', '--mask', './e.png', '--au', '4=3'], { cwd: dir });
  assertRefused(mask, /same file/);
  const grid = runCli(
    ['animate', '--source', victim, '--driving', clip, '-o', 'a.mp4', '--debug-grid', path.join(dir, 'a.mp4')],
    { cwd: dir },
  );
  assertRefused(grid, /same file/);
  const driving = runCli(['animate', '--source', 'l.png', '--driving', clip, '-o', 'in/../in/clip.mp4'], { cwd: dir });
  assertRefused(driving, /refusing to overwrite the input/);
  assert.deepEqual(snapshot(dir), before);
});

test('a full disk or a read-only folder: one-line error, exit 1, no output that looks complete', (t) => {
  const disk = mkdtempSync(path.join(os.tmpdir(), 'vivify-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', disk]).status === 0;
  t.after(() => {
    if (mounted) spawnSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  if (!mounted) return t.skip('mounting a tmpfs needs root');
  const ro = path.join(disk, 'ro');
  mkdirSync(ro);
  writeFileSync(path.join(disk, 'fill'), Buffer.alloc(512 * 1024)); // the whole disk
  const runs: [string[], RegExp][] = [
    [
      ['generate', '--source', ASTRONAUT, '--label', 'happy', '-o', path.join(disk, 'g.mp4'), '--duration', '2s'],
      /ENOSPC/,
    ],
    [['edit', '--source', ASTRONAUT, '-o', path.join(disk, 'e.png'), '--au', '4=3'], /ENOSPC/],
    [['analyze', ASTRONAUT, '--json', path.join(disk, 'a.json')], /ENOSPC/],
    [
      ['generate', '--source', ASTRONAUT, '--label', 'happy', '-o', path.join(disk, 'frames'), '--duration', '1s'],
      /ENOSPC/,
    ],
  ];
  for (const [args, message] of runs) {
    const r = runCli(args, { timeoutMs: 90_000 });
    assert.equal(r.code, 1, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assertRefused(r, message);
    assert.match(r.stderr, /^error: cannot write .*: no space left on the device \(ENOSPC\)$/m);
    assert.deepEqual(readdirSync(disk).sort(), ['fill', 'ro'], `${args[0]}: nothing left on the disk`);
  }
  if (spawnSync('mount', ['-o', 'remount,ro', disk]).status === 0) {
    const r = runCli([
      'generate',
      '--source',
      ASTRONAUT,
      '--label',
      'happy',
      '-o',
      path.join(os.tmpdir(), `g-${process.pid}.mp4`),
      '--duration',
      '0.2s',
      '--curves',
      path.join(ro, 'c.json'),
    ]);
    const video = path.join(os.tmpdir(), `g-${process.pid}.mp4`);
    const left = existsSync(video);
    rmSync(video, { force: true });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: cannot write .*c\.json: read-only file system \(EROFS\)$/m);
    assert.ok(!left, 'a failed run leaves no video that looks like its result');
  }
});
