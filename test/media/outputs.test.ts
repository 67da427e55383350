/**
 * Output paths never lose what the user had: folders, devices and inputs at an output path are refused,
 * folders of frames are replaced only when this tool wrote them, full disks and refused writes fail in one
 * line with nothing left behind, and any legal output name works.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
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
import { isVivifyError } from '../../src/errors.js';
import { FRAMES_MARKER, tempSibling, writeAtomically } from '../../src/media/atomic.js';
import { checkRunPaths } from '../../src/media/run-paths.js';
import { openVideoWriter } from '../../src/media/video.js';
import { tempDir } from '../helpers.js';

const frame = (w: number, h: number, seed: number): { width: number; height: number; data: Uint8ClampedArray } => {
  const data = new Uint8ClampedArray(w * h * 4);
  let x = seed * 2654435761;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : x >>> 24; // noise: incompressible, so it fills a disk fast
  }
  return { width: w, height: h, data };
};

/** A small tmpfs mounted for the test (root only), or undefined where mounting is not allowed. */
function smallDisk(t: { after: (fn: () => void) => void }, kib: number): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vivify-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]).status === 0;
  t.after(() => {
    if (mounted) spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return mounted ? dir : undefined;
}

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isVivifyError(err), `expected a VivifyError, got ${String((err as Error)?.stack ?? err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

test('an existing folder at a file output is refused and kept as it was', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'report.json');
  mkdirSync(path.join(target, 'sub'), { recursive: true });
  writeFileSync(path.join(target, 'notes.txt'), 'mine');
  await rejectsWith(
    writeAtomically(target, async (tmp) => writeFileSync(tmp, '{}')),
    'E_OUTPUT',
    /refusing to replace .*report\.json: it is a folder/,
  );
  assert.deepEqual(readdirSync(target).sort(), ['notes.txt', 'sub']);
  assert.equal(readFileSync(path.join(target, 'notes.txt'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(dir), ['report.json'], 'no temporary left');
});

test('a device at an output path is refused, also behind a symbolic link', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'out.png');
  symlinkSync('/dev/null', target);
  await rejectsWith(
    writeAtomically(target, async (tmp) => writeFileSync(tmp, 'x')),
    'E_OUTPUT',
    /it is a device/,
  );
  await rejectsWith(openVideoWriter(path.join(dir, 'out.png'), { fps: 25 }), 'E_UNSUPPORTED_FORMAT', /\.mp4/);
  const video = path.join(dir, 'v.mp4');
  symlinkSync('/dev/full', video);
  await rejectsWith(openVideoWriter(video, { fps: 25 }), 'E_OUTPUT', /it is a device/);
});

test('a symbolic link at a file output is followed: the file it names is replaced, the link stays', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'real'));
  const real = path.join(dir, 'real', 'result.json');
  writeFileSync(real, 'old');
  const link = path.join(dir, 'link.json');
  symlinkSync(real, link);
  await writeAtomically(link, async (tmp) => writeFileSync(tmp, 'new'));
  assert.equal(readFileSync(real, 'utf8'), 'new');
  assert.equal(readFileSync(link, 'utf8'), 'new');
  symlinkSync(path.join(dir, 'nowhere.json'), path.join(dir, 'broken.json'));
  await rejectsWith(
    writeAtomically(path.join(dir, 'broken.json'), async (tmp) => writeFileSync(tmp, 'x')),
    'E_OUTPUT',
    /symbolic link to nothing/,
  );
});

test('folders of frames: an empty folder or one this tool wrote is replaced, anything else is refused', async (t) => {
  const dir = tempDir(t);
  const frames = path.join(dir, 'frames');
  const write = async (n: number): Promise<void> => {
    const w = await openVideoWriter(frames, { fps: 25 });
    for (let i = 0; i < n; i++) await w.write(frame(8, 8, i));
    await w.close();
  };
  mkdirSync(frames);
  await write(3);
  assert.deepEqual(readdirSync(frames).sort(), [
    FRAMES_MARKER,
    'frame_000001.png',
    'frame_000002.png',
    'frame_000003.png',
  ]);
  await write(2); // its own earlier output: replaced, no frame of the longer run left
  assert.deepEqual(readdirSync(frames).sort(), [FRAMES_MARKER, 'frame_000001.png', 'frame_000002.png']);
  writeFileSync(path.join(frames, 'keep.txt'), 'a file the user put there');
  await rejectsWith(write(1), 'E_OUTPUT', /folder with files that vivify did not write/);
  assert.equal(readFileSync(path.join(frames, 'keep.txt'), 'utf8'), 'a file the user put there');
  assert.equal(readdirSync(frames).length, 4);
  // A folder of PNGs without the marker (another tool's, or the user's) is not this tool's either.
  rmSync(path.join(frames, FRAMES_MARKER));
  rmSync(path.join(frames, 'keep.txt'));
  await rejectsWith(write(1), 'E_OUTPUT', /did not write/);
  assert.deepEqual(readdirSync(frames).sort(), ['frame_000001.png', 'frame_000002.png']);
  // A file where a folder of frames goes.
  writeFileSync(path.join(dir, 'clip'), 'a file');
  await rejectsWith(openVideoWriter(path.join(dir, 'clip'), { fps: 25 }), 'E_OUTPUT', /it is a file/);
  assert.equal(readFileSync(path.join(dir, 'clip'), 'utf8'), 'a file');
  assert.deepEqual(readdirSync(dir).sort(), ['clip', 'frames'], 'no temporary left');
});

test('any legal output name works: a 250-byte name gets a short temporary', async (t) => {
  const dir = tempDir(t);
  const name = `${'é'.repeat(123)}.json`; // 251 bytes
  assert.ok(Buffer.byteLength(path.basename(tempSibling(path.join(dir, name)))) <= 255);
  await writeAtomically(path.join(dir, name), async (tmp) => writeFileSync(tmp, '{}'));
  assert.deepEqual(readdirSync(dir), [name]);
  const video = `${'v'.repeat(251)}.mp4`;
  const w = await openVideoWriter(path.join(dir, video), { fps: 25 });
  for (let i = 0; i < 3; i++) await w.write(frame(16, 16, i));
  await w.close();
  assert.deepEqual(readdirSync(dir).sort(), [name, video].sort());
});

test('a failed write is one line naming the output and the reason, and leaves nothing', async (t) => {
  const dir = tempDir(t);
  const target = path.join(dir, 'out.json');
  for (const code of ['ENOSPC', 'EACCES', 'EROFS', 'EDQUOT']) {
    await rejectsWith(
      writeAtomically(target, async (tmp) => {
        writeFileSync(tmp, 'half');
        throw Object.assign(new Error(`${code}: injected`), { code });
      }),
      'E_OUTPUT',
      new RegExp(`cannot write .*out\\.json: .*\\(${code}\\)`),
    );
  }
  assert.deepEqual(readdirSync(dir), []);
});

test('a full disk: the encoder’s broken file is never moved into place (real tmpfs)', async (t) => {
  const disk = smallDisk(t, 256);
  if (!disk) return t.skip('mounting a tmpfs needs root');
  writeFileSync(path.join(disk, 'fill'), Buffer.alloc(200 * 1024));
  for (const name of ['out.mp4', 'out.gif', 'frames']) {
    const target = path.join(disk, name);
    const w = await openVideoWriter(target, { fps: 25 });
    const run = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) await w.write(frame(96, 96, i));
      await w.close();
    };
    await rejectsWith(run(), 'E_OUTPUT', /no space left on the device \(ENOSPC\)/);
    assert.ok(!existsSync(target), `${name}: nothing at the output`);
    assert.deepEqual(readdirSync(disk), ['fill'], `${name}: no temporary left`);
  }
});

test('run paths: an output that is an input through a link, or two outputs at one path, are refused', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'in'));
  const victim = path.join(dir, 'in', 'victim.png');
  writeFileSync(victim, 'the user’s photo');
  symlinkSync(victim, path.join(dir, 'l.png'));
  linkSync(victim, path.join(dir, 'hard.png'));
  symlinkSync(path.join(dir, 'in'), path.join(dir, 'via'));
  const src = (p: string): { name: string; path: string }[] => [{ name: '--source', path: p }];
  const out = (p: string, shape: 'file' | 'frames' = 'file') => [{ name: '--output', path: p, shape }];
  await rejectsWith(checkRunPaths(src(path.join(dir, 'l.png')), out(victim)), 'E_USAGE', /overwrite the input/);
  await rejectsWith(checkRunPaths(src(victim), out(path.join(dir, 'l.png'))), 'E_USAGE', /overwrite the input/);
  await rejectsWith(checkRunPaths(src(victim), out(path.join(dir, 'hard.png'))), 'E_USAGE', /overwrite the input/);
  await rejectsWith(checkRunPaths(src(path.join(dir, 'via', 'victim.png')), out(victim)), 'E_USAGE', /input/);
  await rejectsWith(
    checkRunPaths(src(victim), [
      { name: '--output', path: path.join(dir, 'a.png') },
      { name: '--mask', path: path.join(dir, 'via', '..', 'a.png') },
    ]),
    'E_USAGE',
    /--mask .* and --output .* are the same file/,
  );
  // A folder of frames that holds an input (this tool's own folder, so otherwise replaceable).
  const frames = path.join(dir, 'frames');
  mkdirSync(frames);
  writeFileSync(path.join(frames, FRAMES_MARKER), '');
  writeFileSync(path.join(frames, 'frame_000001.png'), 'a frame used as the source');
  await rejectsWith(
    checkRunPaths(src(path.join(frames, 'frame_000001.png')), out(frames, 'frames')),
    'E_USAGE',
    /it holds --source/,
  );
  await checkRunPaths(src(victim), out(path.join(dir, 'new', 'deeper', 'out.png')));
  assert.equal(readFileSync(victim, 'utf8'), 'the user’s photo');
});
