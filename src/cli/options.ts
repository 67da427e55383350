/**
 * Command-line parsing and help, from the shared option definitions (src/options.ts): each option is
 * defined once — flag, description, default, validation — and the library, the parser, the help text and
 * the web app all read that definition.
 */
import { parseArgs } from 'node:util';
import { quote, VivifyError } from '../errors.js';
import { parseOptionText, type FlagsOf, type OptionSpec } from '../options.js';

export type { FlagsOf };

/** A command-line option: the shared option definition (src/options.ts). */
export type OptionDef<T = unknown> = OptionSpec<T>;

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

/** A command whose option definitions keep their own types (see {@link defineCommand}). */
export interface TypedCommandDef<O extends Record<string, OptionDef>> extends CommandDef {
  options: O;
}

/**
 * Declares a command: its definitions keep their literal types so that {@link FlagsOf} can type what the
 * parser gives the command.
 */
export function defineCommand<O extends Record<string, OptionDef>>(def: TypedCommandDef<O>): TypedCommandDef<O> {
  return def;
}

/** True when every parsed key is one of the command's options (what parseCommand gives). */
export function isFlagsOf<O extends Record<string, OptionDef>>(
  def: TypedCommandDef<O>,
  options: ParsedOptions,
): options is FlagsOf<O> & ParsedOptions {
  return Object.keys(options).every((k) => k in def.options);
}

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
    parsed = parseArgs({ args: joinNegativeNumbers(def, argv), options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const ambiguous = /^Option '(-[^']+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      const flag = ambiguous[1]!.split(', ').at(-1)!;
      throw usageError(
        `${flag} needs a value; to give one that starts with a dash, write ${flag}=-… (see \`vivify ${def.name} --help\`)`,
      );
    }
    throw usageError(`${message.split('\n')[0]} (see \`vivify ${def.name} --help\`)`);
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

/**
 * `--k -3` as `--k=-3` for numeric options, so that a negative number is read as the option's value (and
 * checked against its range) instead of as an unknown flag.
 */
function joinNegativeNumbers(def: CommandDef, argv: string[]): string[] {
  const numeric = new Set<string>();
  for (const [name, o] of Object.entries(def.options)) {
    if (o.type !== 'number' && o.type !== 'integer') continue;
    numeric.add(`--${name}`);
    if (o.short) numeric.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (numeric.has(a) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A default as help shows it: lists joined by commas, records as key=value pairs; undefined for none. */
function shownDefault(v: unknown): string | undefined {
  if (v === undefined || v === false) return undefined;
  if (Array.isArray(v)) return v.length ? v.join(',') : undefined;
  if (typeof v === 'object' && v !== null) {
    const pairs = Object.entries(v).map(([k, x]) => `${k}=${String(x)}`);
    return pairs.length ? pairs.join(',') : undefined;
  }
  return String(v);
}

function convert(name: string, o: OptionDef, raw: string | boolean): unknown {
  if (o.type === 'boolean') return raw;
  try {
    return parseOptionText(name, o, String(raw));
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/** Help text for one command, from its definition. */
export function formatHelp(def: CommandDef): string {
  const rows = Object.entries(def.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` <${o.value}>` : ''}`;
    const extra: string[] = [];
    if (o.choices) extra.push(`one of: ${o.choices.join(', ')}`);
    const shown = shownDefault(o.default);
    if (shown !== undefined) extra.push(`default: ${shown}`);
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
