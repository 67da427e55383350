/**
 * docs/architecture.md describes the code as it is: its layer table names every folder (and top-level
 * file) of src/ with the folders it may import, and the code imports no folder its row does not list; every
 * source file the page names exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');
const page = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** `face/` → face, `errors.ts` → errors. */
const unit = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, ''));

/** The table's rows: unit → the units it may import ('*' for every one). */
function table(): Map<string, Set<string>> {
  const rows = new Map<string, Set<string>>();
  for (const line of page.split('\n')) {
    const m = /^\| `([\w.-]+\/?)`\s*\|[^|]*\|\s*([^|]+?)\s*\|$/.exec(line);
    if (!m) continue;
    const may = m[2]!.trim();
    rows.set(
      unit(m[1]!),
      new Set(may === 'every folder' ? ['*'] : may === '—' ? [] : may.split(',').map((s) => s.trim())),
    );
  }
  return rows;
}

test('the layer table of docs/architecture.md names every folder of src/ and what it imports', () => {
  const rows = table();
  const units = new Set(files(SRC).map((f) => unit(path.relative(SRC, f))));
  assert.deepEqual([...units].filter((u) => !rows.has(u)).sort(), [], 'folders of src/ missing from the table');
  assert.deepEqual([...rows.keys()].filter((u) => !units.has(u)).sort(), [], 'table rows that are not in src/');
  const crossing: string[] = [];
  for (const file of files(SRC)) {
    const from = unit(path.relative(SRC, file));
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g,
    )) {
      const target = unit(
        path.relative(SRC, path.resolve(path.dirname(file), (m[1] ?? m[2])!)).replace(/\.js$/, '.ts'),
      );
      const may = rows.get(from)!;
      if (target !== from && !may.has('*') && !may.has(target))
        crossing.push(`${path.relative(ROOT, file)} imports ${target}/, which its row does not list`);
    }
  }
  assert.deepEqual([...new Set(crossing)], []);
});

test('every source file docs/architecture.md names exists', () => {
  const named = [...page.matchAll(/`((?:src|web\/src)\/[\w./-]+\.ts)`/g)].map((m) => m[1]!);
  assert.ok(named.length >= 10, `only ${named.length} files named`);
  assert.deepEqual(
    named.filter((f) => !existsSync(path.join(ROOT, f))),
    [],
  );
});
