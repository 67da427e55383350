/**
 * Command-line option definitions. Each option is defined once — flag, description, default,
 * validation — and the parser, the help text and the docs all read that definition.
 */
import { parseArgs } from 'node:util';
import { quote, VivifyError } from '../errors.js';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean';

export interface OptionDef<T = unknown> {
  type: OptionType;
  description: string;
  /** Placeholder shown in help, e.g. "out.json". */
  value?: string;
  short?: string;
  default?: T;
  /** Allowed values (for strings). */
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** The option may be given several times; the result is an array. */
  multiple?: boolean;
  /** Converts and validates a string value; throws an Error whose message says what was expected. */
  parse?: (raw: string) => T;
}

export interface CommandDef {
  name: string;
  summary: string;
  usage: string;
  /** Names of positional arguments, for help; `min`/`max` bound their count. */
  positionals: { name: string; min: number; max: number };
  options: Record<string, OptionDef>;
  examples: string[];
}

export type ParsedOptions = Record<string, unknown>;

function usageError(message: string): VivifyError {
  return new VivifyError('E_USAGE', message);
}

/** Parses argv for one command; every problem is a one-line E_USAGE error naming the option. */
export function parseCommand(def: CommandDef, argv: string[]): { positionals: string[]; options: ParsedOptions } {
  const spec: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(def.options)) {
    spec[name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
    if (o.multiple) spec[name]!.multiple = true;
    if (o.short) spec[name]!.short = o.short;
    if (o.type === 'boolean') spec[`no-${name}`] = { type: 'boolean' };
  }
  spec.help = { type: 'boolean', short: 'h' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`${(err as Error).message.split('\n')[0]} (see \`vivify ${def.name} --help\`)`);
  }
  const { positionals } = parsed;
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) return { positionals, options: { help: true } };
  const { min, max } = def.positionals;
  if (positionals.length < min) {
    throw usageError(`vivify ${def.name} needs ${def.positionals.name} (usage: ${def.usage})`);
  }
  if (positionals.length > max) {
    throw usageError(
      `vivify ${def.name} takes at most ${max} ${def.positionals.name}, got ${positionals.length}: ${positionals
        .slice(0, 4)
        .map((p) => quote(p))
        .join(' ')}${positionals.length > 4 ? ' …' : ''}`,
    );
  }
  const options: ParsedOptions = {};
  for (const [name, o] of Object.entries(def.options)) {
    let raw = values[name];
    if (o.type === 'boolean' && values[`no-${name}`]) raw = false;
    if (raw === undefined) {
      if (o.default !== undefined) options[name] = o.default;
      continue;
    }
    options[name] = Array.isArray(raw) ? raw.map((r) => convert(name, o, r)) : convert(name, o, raw);
  }
  return { positionals, options };
}

function convert(name: string, o: OptionDef, raw: string | boolean): unknown {
  if (o.type === 'boolean') return raw;
  const s = String(raw);
  if (o.parse) {
    try {
      return o.parse(s);
    } catch (err) {
      throw usageError(`${(err as Error).message} for --${name} but received ${quote(s)}`);
    }
  }
  if (o.type === 'string') {
    if (o.choices && !o.choices.includes(s)) {
      throw usageError(`Expected one of ${o.choices.join(', ')} for --${name} but received ${quote(s)}`);
    }
    return s;
  }
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || (o.type === 'integer' && !Number.isInteger(n))) {
    throw usageError(
      `Expected ${o.type === 'integer' ? 'an integer' : 'a number'} for --${name} but received ${quote(s)}`,
    );
  }
  if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
    const range =
      o.max === undefined ? `≥ ${o.min}` : o.min === undefined ? `≤ ${o.max}` : `between ${o.min} and ${o.max}`;
    throw usageError(`Expected a value ${range} for --${name} but received ${s}`);
  }
  return n;
}

/** Help text for one command, from its definition. */
export function formatHelp(def: CommandDef): string {
  const rows = Object.entries(def.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` <${o.value}>` : ''}`;
    const extra: string[] = [];
    if (o.choices) extra.push(`one of: ${o.choices.join(', ')}`);
    if (o.default !== undefined && o.default !== false) extra.push(`default: ${String(o.default)}`);
    if (o.type === 'boolean' && o.default === true) extra.push(`--no-${name} to turn off`);
    if (o.multiple) extra.push('repeatable');
    return [flag, `${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length), 10) + 2;
  return [
    `vivify ${def.name} — ${def.summary}`,
    '',
    `Usage: ${def.usage}`,
    '',
    'Options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
    `      --help${' '.repeat(Math.max(2, width - 6))}Show this help`,
    '',
    'Examples:',
    ...def.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
