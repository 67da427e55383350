/**
 * Every command line and every flag the README and docs show works: each `vivify …` line in their code
 * (blocks and inline) parses with that command's own definitions, and each `--flag` they mention in inline
 * code belongs to a command that parses it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { parseCommand, type CommandDef } from '../../src/cli/options.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Code in a markdown text: fenced blocks line by line, and inline `spans`. */
function codeOf(md: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of md.split('\n')) {
    if (line.trimStart().startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (fenced) out.push(line);
    else for (const m of line.matchAll(/`([^`]+)`/g)) out.push(m[1]!);
  }
  return out;
}

/** Shell-like words: quotes group, a trailing `# comment` goes. */
function words(s: string): string[] {
  const out: string[] = [];
  for (const m of s.replace(/\s#\s.*$/, '').matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const byName = new Map(COMMANDS.map((c) => [c.def.name, c.def]));

/** The `vivify <command> …` invocations in a line of code (several when chained with &&). */
function invocations(code: string): { def: CommandDef; args: string[]; text: string }[] {
  const out: { def: CommandDef; args: string[]; text: string }[] = [];
  for (const part of code.split('&&')) {
    const w = words(part.replace(/[[\]]/g, ' '));
    const at = w.indexOf('vivify');
    if (at < 0 || /[|(]/.test(part)) continue;
    const def = byName.get(w[at + 1] ?? '');
    // A bare `vivify scan` in prose names the command; it is not a command line.
    if (def && w.length > at + 2) out.push({ def, args: w.slice(at + 2), text: part.trim() });
  }
  return out;
}

test('every vivify command line in the README and docs parses', () => {
  let n = 0;
  const failures: string[] = [];
  for (const file of DOCS) {
    for (const code of codeOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
      for (const { def, args, text } of invocations(code)) {
        n++;
        try {
          parseCommand(def, args);
        } catch (err) {
          failures.push(`${file}: ${text}: ${(err as Error).message}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(n >= 20, `only ${n} command lines found: is the scan still reading the docs?`);
});

test('every --flag the docs mention in inline code is an option of a command that parses it', () => {
  const failures: string[] = [];
  let n = 0;
  for (const file of DOCS) {
    for (const code of codeOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
      if (!code.startsWith('--') || code.includes('vivify')) continue;
      const args = words(code);
      const flags = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).replace(/^no-/, '').split('=')[0]!);
      if (flags.some((f) => f === 'help' || f === 'version')) continue;
      const def = COMMANDS.map((c) => c.def).find((d) => flags.every((f) => f in d.options));
      n++;
      if (!def) {
        failures.push(`${file}: \`${code}\`: no command has ${flags.map((f) => `--${f}`).join(', ')}`);
        continue;
      }
      // A bare flag (\`--detail\`) or a placeholder value (\`--reference first|best|N\`) only has to exist.
      if (args.every((a) => a.startsWith('--')) || code.includes('|')) continue;
      const positionals = Array.from({ length: def.positionals.min }, () => 'x');
      try {
        parseCommand(def, [...positionals, ...args]);
      } catch (err) {
        failures.push(`${file}: \`${code}\` (vivify ${def.name}): ${(err as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(n >= 5, `only ${n} flags found in inline code`);
});
