/**
 * A big folder holds bad input: the batch jobs go through the bad-input corpus (scripts/bad-input-corpus.ts)
 * without stopping, and report every case in the manifest — done, or skipped/failed with a one-line reason
 * — with no stack trace and no hang. The full sweep of every command over every case is
 * scripts/robustness.ts (docs/results/robustness.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBadInputCorpus, type CorpusCase } from '../../scripts/bad-input-corpus.js';
import { classify, cliPrefix } from '../../scripts/robustness.js';
import { ROOT } from '../helpers.js';

interface Line {
  source: string;
  status: 'ok' | 'skipped' | 'failed';
  code?: string;
  reason?: string;
  face?: number;
  box?: { x: number; y: number; width: number; height: number };
}

/** The CLI from source, as root without the capabilities that let root read any file (so 000 means unreadable). */
function vivify(
  args: string[],
  timeoutMs = 300_000,
): { code: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const prefix = cliPrefix();
  const node = prefix.indexOf(process.execPath);
  const cmd = [...prefix.slice(0, node), process.execPath, '--import', 'tsx', path.join(ROOT, 'src', 'cli', 'bin.ts')];
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

function manifest(out: string): Line[] {
  return readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

function assertClean(r: ReturnType<typeof vivify>, what: string): void {
  const { outcome, line } = classify({ ...r, signal: null, ms: 0 });
  assert.ok(outcome === 'ok' || outcome === 'error', `${what}: ${outcome}: ${line}\n${r.stderr}`);
}

describe('batch jobs over the bad-input corpus', { timeout: 900_000 }, () => {
  let dir = '';
  let cases: CorpusCase[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vivify-corpus-'));
    cases = await makeBadInputCorpus(dir);
  });
  after(() => {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the corpus holds at least 20 kinds of bad or unusual input', () => {
    assert.ok(cases.length >= 20, `${cases.length} cases`);
    assert.ok(new Set(cases.map((c) => c.kind)).size >= 4);
  });

  test('augment: every image case is done or reported with a one-line reason; the job never stops', () => {
    const out = path.join(dir, 'aug');
    const r = vivify(['augment', path.join(dir, 'images'), '-o', out, '--emotions', 'happy', '--workers', '2']);
    assert.equal(r.code, 0, r.stderr);
    assertClean(r, 'augment');
    const lines = manifest(out);
    const of = (name: string): Line[] => lines.filter((l) => path.basename(l.source) === name);
    for (const l of lines) {
      assert.ok(['ok', 'skipped', 'failed'].includes(l.status));
      if (l.status !== 'ok') assert.ok(l.reason && !l.reason.includes('\n'), `one-line reason for ${l.source}`);
    }
    const expect: Record<string, [Line['status'], RegExp?]> = {
      'zero-byte.jpg': ['failed', /empty \(0 bytes\)/],
      'truncated.jpg': ['failed', /could not be decoded/],
      'truncated.png': ['failed', /could not be decoded/],
      'not-an-image.jpg': ['failed', /not a readable image/],
      'document.jpg': ['failed', /not a readable image/],
      'tiff.tif': ['failed', /is TIFF; Vivify reads JPEG, PNG, WEBP/],
      'animated.gif': ['failed', /is GIF/],
      'huge-20000x20000.png': ['failed', /20000x20000 = 400\.0 megapixels; the limit is 67\.1/],
      'bomb-header.png': ['failed', /100000x100000/],
      '1x1.png': ['skipped', /no face/],
      '1x4000.png': ['skipped', /no face/],
      'faceless.jpg': ['skipped', /no face/],
      'tiny-face.png': ['skipped', /no face/],
      'fifo.jpg': ['skipped', /named pipe/],
      'broken-link.jpg': ['skipped', /broken symbolic link/],
      'alias.jpg': ['skipped', /same file as good\.jpg/],
      'cmyk.jpg': ['ok'],
      '16-bit.png': ['ok'],
      'grey.png': ['ok'],
      'palette.png': ['ok'],
      'transparent.png': ['ok'],
      'mislabelled.png': ['ok'],
      'webp.webp': ['ok'],
      'exif-rotated.jpg': ['ok'],
      'animated.webp': ['ok'],
      'two-faces.jpg': ['ok'],
      'good.jpg': ['ok'],
      'name with spaces.jpg': ['ok'],
      'имя 名前 ελληνικά.jpg': ['ok'],
      'ctrl-\x1b[31m-name.jpg': ['ok'],
    };
    for (const [name, [status, re]] of Object.entries(expect)) {
      const got = of(name);
      assert.ok(got.length > 0, `${JSON.stringify(name)} is in the manifest`);
      assert.ok(
        got.every((l) => l.status === status),
        `${name}: ${got.map((l) => `${l.status} ${l.reason ?? ''}`).join('; ')}`,
      );
      if (re) assert.match(got[0]!.reason!, re, name);
    }
    // Two faces, two variants; the rotated photo is read upright (the face near the top, where it is).
    assert.deepEqual(
      of('two-faces.jpg').map((l) => l.face),
      [0, 1],
    );
    assert.ok(of('exif-rotated.jpg')[0]!.box!.y < 150, JSON.stringify(of('exif-rotated.jpg')[0]!.box));
    // Names that are not UTF-8 are reported, not lost.
    assert.ok(lines.some((l) => /not valid UTF-8/.test(l.reason ?? '')));
    // Permissions 000: unreadable for anyone but root with its override; as root the sweep drops it.
    const unreadable = of('unreadable.jpg');
    if (cliPrefix()[0] === 'setpriv' || process.getuid?.() !== 0) {
      assert.equal(unreadable[0]!.status, 'failed');
      assert.match(unreadable[0]!.reason!, /permission denied/);
    } else assert.equal(unreadable[0]!.status, 'ok', 'root without setpriv reads it');
    // Terminal output: the name with ESC is printed escaped, never raw.
    assert.ok(!(r.stdout + r.stderr).includes('\x1b'), 'no raw ESC on the terminal');
  });

  test('batch scan and batch analyze of a folder with symbolic-link loops: each file once, loops reported', () => {
    const loops = path.join(dir, 'loops');
    const scan = vivify(['batch', 'scan', loops, '-o', path.join(dir, 'bscan')]);
    assert.equal(scan.code, 0, scan.stderr);
    assertClean(scan, 'batch scan');
    const s = manifest(path.join(dir, 'bscan'));
    assert.deepEqual(
      s.filter((l) => l.status === 'ok').map((l) => path.basename(l.source)),
      ['good.mp4'],
    );
    assert.deepEqual(
      s
        .filter((l) => l.status === 'skipped')
        .map((l) => path.basename(l.source))
        .sort(),
      ['parent', 'self'],
    );
    const analyze = vivify(['batch', 'analyze', loops, '-o', path.join(dir, 'banalyze')]);
    assert.equal(analyze.code, 0, analyze.stderr);
    const a = manifest(path.join(dir, 'banalyze'));
    assert.deepEqual(
      a.filter((l) => l.status === 'ok').map((l) => path.basename(l.source)),
      ['good.mp4', 'good.png'],
    );
    const doc = JSON.parse(readFileSync(path.join(dir, 'banalyze', 'good.png.json'), 'utf8')) as { faces: unknown[] };
    assert.equal(doc.faces.length, 1);
  });

  test('single-file commands on a named pipe and on a folder named .jpg answer at once, in one line', () => {
    for (const name of ['fifo.jpg', 'folder.jpg']) {
      const file = path.join(dir, 'images', name);
      for (const args of [
        ['analyze', file],
        ['edit', '--source', file, '-o', path.join(dir, 'e.png'), '--au', '12=2'],
      ]) {
        const r = vivify(args, 60_000);
        assert.ok(!r.timedOut, `vivify ${args[0]} ${name} hung`);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr.trim(), /^error: .*is a (named pipe|folder), not an image/);
      }
    }
  });
});
