/**
 * Each option's default is written once: in its definition (src/options.ts explains the definitions). Code
 * that uses an option receives the resolved settings, or imports the definition's default; it does not
 * retype it as `smooth ?? 0.5` or as a parameter default `appearance = 1`, which drifts when the
 * definition changes.
 *
 * The test finds every exported set of definitions in src/ (a `… satisfies OptionSpecs` object, or the
 * options of a `defineCommand(…)`), and for each option whose default is a plain literal (a number, a
 * string, a boolean) looks for that literal given again to that name anywhere in src/: `name ?? literal`,
 * `['flag'] ?? literal`, and `name = literal` as a parameter or destructuring default.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { optionKey, type OptionSpec } from '../../src/options.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

/** Repeats that are not a second copy of an option's default, keyed `file: name = default`, with the reason. */
const ALLOWED: Readonly<Record<string, string>> = {
  'src/render/resize.ts: size = 512':
    "cropAroundFace's side in pixels (the 512 crop LivePortrait uses), not the output size `vivify body --size` sets",
  'src/emotion/emotion.ts: absolute = false':
    "emotionChange's switch is off unless asked, as every optional boolean; the edit passes its own setting through",
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function isSpec(v: unknown): v is OptionSpec {
  return (
    typeof v === 'object' &&
    v !== null &&
    ['string', 'number', 'integer', 'boolean'].includes((v as OptionSpec).type) &&
    typeof (v as OptionSpec).description === 'string'
  );
}

function isSpecSet(v: unknown): v is Record<string, OptionSpec> {
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0 && Object.values(v).every(isSpec);
}

interface Definition {
  flag: string;
  value: string | number | boolean;
  /** Where it is defined, as the message names it: `ANIMATE_OPTIONS['smooth'] (src/reenact/options.ts)`. */
  where: string;
}

/** Every option with a literal default, from every exported set of definitions in src/. */
async function definitions(sources: readonly string[]): Promise<Definition[]> {
  const out: Definition[] = [];
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    if (!/satisfies OptionSpecs\b|\bdefineCommand\(/.test(text)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      const command = (value as { options?: unknown } | null)?.options;
      const set = isSpecSet(value) ? value : isSpecSet(command) ? command : undefined;
      if (!set) continue;
      const label = set === value ? name : `${name}.options`;
      for (const [flag, spec] of Object.entries(set)) {
        const d = spec.default;
        if (typeof d !== 'number' && typeof d !== 'string' && typeof d !== 'boolean') continue;
        out.push({ flag, value: d, where: `${label}['${flag}'] (${path.relative(ROOT, file)})` });
      }
    }
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The literal as code writes it: `0.5`, `'bank'` or `"bank"`, `true`. */
function literal(v: string | number | boolean): string {
  if (typeof v === 'string') return `(?:'${escape(v)}'|"${escape(v)}")`;
  return `${escape(String(v))}(?![\\w.])`;
}

/** The places a line gives `flag`'s default again. */
function repeats(flag: string, value: string | number | boolean): RegExp[] {
  const key = escape(optionKey(flag));
  const lit = literal(value);
  return [
    // options.smooth ?? 0.5, smooth ?? 0.5, args['mouth-scale'] ?? 1
    new RegExp(`(?:\\b${key}|\\[['"]${escape(flag)}['"]\\])\\s*\\?\\?\\s*${lit}`),
    // (…, appearance = 1), { smooth = 0.5 }, appearance: number = 1 as a parameter
    new RegExp(`(?:^|[(,{])\\s*${key}\\??\\s*(?::\\s*[\\w.'"| ]+)?=\\s*${lit}\\s*(?:[,)}]|$)`),
  ];
}

test('each option default is written once, in its definition', async () => {
  const sources = files(SRC);
  const defs = await definitions(sources);
  assert.ok(defs.length > 50, `found only ${defs.length} option defaults: is the search for definitions broken?`);
  const found: string[] = [];
  const allowedSeen = new Set<string>();
  for (const file of sources) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const rel = path.relative(ROOT, file);
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return; // a doc comment's line
      const named = new Set<string>();
      for (const d of defs) {
        if (!repeats(d.flag, d.value).some((re) => re.test(code))) continue;
        const key = `${rel}: ${optionKey(d.flag)} = ${JSON.stringify(d.value)}`;
        if (ALLOWED[key] !== undefined) {
          allowedSeen.add(key);
          continue;
        }
        if (named.has(key)) continue;
        named.add(key);
        const specs = defs.filter((o) => o.flag === d.flag && o.value === d.value).map((o) => o.where);
        found.push(`${rel}:${i + 1}: ${line.trim()}\n    repeats the default of ${[...new Set(specs)].join(', ')}`);
      }
    });
  }
  assert.deepEqual(
    found,
    [],
    `${found.length} option default(s) written again outside their definition: take the resolved settings, or import the definition's default\n${found.join('\n')}\n`,
  );
  const stale = Object.keys(ALLOWED).filter((k) => !allowedSeen.has(k));
  assert.deepEqual(stale, [], 'allowed repeats that no longer occur: remove them from ALLOWED');
});
