/**
 * Every exported value of the engine (`export const`, `export function`) is used by some other file: the
 * library's index, the CLI, the web app, a script, a benchmark or a test. An export nothing imports is
 * either dead code or a private detail shown as an interface; both mislead a reader. Types are left out:
 * an exported function's parameter types must stay exported for its declaration file.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist') return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : /\.(ts|mjs)$/.test(e.name) ? [full] : [];
  });
}

test('every exported value in src/ is used outside its own file', () => {
  const everywhere = ['src', 'web/src', 'test', 'scripts', 'bench'].flatMap((d) => files(path.join(ROOT, d)));
  const text = new Map(everywhere.map((f) => [f, readFileSync(f, 'utf8')]));
  // Every identifier-like word of each file, to look names up without a scan per name.
  const words = new Map([...text].map(([f, t]) => [f, new Set(t.match(/[A-Za-z_$][\w$]*/g) ?? [])]));
  const unused: string[] = [];
  for (const file of everywhere.filter((f) => f.startsWith(path.join(ROOT, 'src') + path.sep))) {
    for (const m of text.get(file)!.matchAll(/^export (?:async )?(?:const|let|function\*?) (?!enum\b)([\w$]+)/gm)) {
      const name = m[1]!;
      if (![...words].some(([f, w]) => f !== file && w.has(name))) unused.push(`${path.relative(ROOT, file)}: ${name}`);
    }
  }
  assert.deepEqual(unused, [], 'exported but used by no other file (make it private, or delete it if unused)');
});
