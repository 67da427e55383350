/**
 * Option definitions shared by the library, the command line and the web app. Each option is defined once
 * — name, type, range, default, help and how to read it from text — and every front end reads that one
 * definition: the library validates its option objects with {@link resolveOptions}, the CLI builds its flags
 * and help from it, the web app builds its controls from it. Pure: no Node APIs.
 *
 * Names are the command-line flag names (`expression-scale`); the library's option objects use the same
 * names in camelCase (`expressionScale`).
 */
import { outOfRange, quote } from './errors.js';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean';

export interface OptionSpec<T = unknown> {
  type: OptionType;
  description: string;
  /** What the option does for the picture, in plain words, for people who do not know the flag (the web app's tooltip). */
  hint?: string;
  /** Placeholder shown in help, e.g. "out.json". */
  value?: string;
  /** One-letter command-line alias. */
  short?: string;
  default?: T;
  /** Allowed values (for strings). */
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** The option may be given several times; the result is an array. */
  multiple?: boolean;
  /** Reads a value from text (a flag, a text field); throws an Error whose message says what was expected. */
  parse?: (raw: string) => T;
  /**
   * For options whose value is not a plain string, number or boolean (lists, records, 'first'|N…): checks a
   * library value, and `expected` says what is allowed, for the error message.
   */
  check?: (value: unknown) => boolean;
  expected?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value one definition gives once parsed: its parser's result, else what its type and choices allow. */
type FlagValue<S> = S extends { parse: (raw: string) => infer T }
  ? T
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'number' | 'integer' }
      ? number
      : S extends { choices: readonly (infer C)[] }
        ? C
        : S extends OptionSpec<infer T>
          ? unknown extends T
            ? string
            : T
          : string;
type Flag<S> = S extends { multiple: true } ? FlagValue<S>[] : FlagValue<S>;
type HasDefault<S> = S extends { default: infer D } ? (undefined extends D ? false : true) : false;

/**
 * The parsed flags of a command, typed from its definitions (flag names as keys): an option with a
 * default is always present, the others may be missing. One source of truth: the definitions that parse
 * the command line also give its type.
 */
export type FlagsOf<O> = {
  -readonly [K in keyof O as HasDefault<O[K]> extends true ? K : never]: Flag<O[K]>;
} & {
  -readonly [K in keyof O as HasDefault<O[K]> extends true ? never : K]?: Flag<O[K]>;
};

/** `expression-scale` → `expressionScale`, for types. */
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/**
 * The settings a set of definitions resolves to, by library key (camelCase): the one type of the options
 * object, derived from the definitions so that it cannot drift from them.
 */
export type SettingsOf<O> = {
  [K in keyof FlagsOf<O> as K extends string ? CamelCase<K> : never]: FlagsOf<O>[K];
};

/** `expression-scale` → `expressionScale`. */
export function optionKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** What a value of this option must be, in words ("a number between 0 and 5"). */
function expectedValue(spec: OptionSpec): string {
  if (spec.expected) return spec.expected;
  if (spec.choices) return `one of ${spec.choices.join(', ')}`;
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'string') return 'a string';
  const what = spec.type === 'integer' ? 'an integer' : 'a number';
  if (spec.min !== undefined && spec.max !== undefined) return `${what} between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return `${what} ≥ ${spec.min}`;
  if (spec.max !== undefined) return `${what} ≤ ${spec.max}`;
  return what;
}

/** True when `v` is a valid library value for the option. */
function isValidValue(spec: OptionSpec, v: unknown): boolean {
  const one = (x: unknown): boolean => {
    if (spec.check) return spec.check(x);
    switch (spec.type) {
      case 'boolean':
        return typeof x === 'boolean';
      case 'string':
        return typeof x === 'string' && (!spec.choices || spec.choices.includes(x));
      case 'number':
      case 'integer':
        return (
          typeof x === 'number' &&
          Number.isFinite(x) &&
          (spec.type === 'number' || Number.isInteger(x)) &&
          (spec.min === undefined || x >= spec.min) &&
          (spec.max === undefined || x <= spec.max)
        );
    }
  };
  return spec.multiple ? Array.isArray(v) && v.every(one) : one(v);
}

/**
 * Fills defaults and validates a library options object against its definitions (keys in camelCase).
 * Unknown keys pass through untouched (callbacks, signals, objects the definitions do not describe).
 * Throws a RangeError "Expected X for Y but received Z" for the first bad value.
 */
export function resolveOptions<T extends object>(
  specs: OptionSpecs,
  options: Partial<T>,
  also: readonly string[] = [],
): T {
  return resolveEntries(specs, Object.entries(options), also) as T;
}

/**
 * Settings read back from storage (a batch job's file), checked against their definitions exactly as a
 * library call's options are: a file edited by hand gets the same errors as a bad call.
 */
export function storedSettings<T extends object>(specs: OptionSpecs, stored: Readonly<Record<string, unknown>>): T {
  return resolveEntries(specs, Object.entries(stored), []) as T;
}

function resolveEntries(
  specs: OptionSpecs,
  entries: readonly [string, unknown][],
  also: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = [...Object.keys(specs).map(optionKey), ...also];
  for (const [k, v] of entries) {
    if (!known.includes(k)) throw unknownOption(k, known);
    if (v !== undefined) out[k] = v;
  }
  for (const [flag, spec] of Object.entries(specs)) {
    const key = optionKey(flag);
    if (out[key] === undefined) {
      if (spec.default !== undefined) out[key] = spec.default;
      continue;
    }
    if (!isValidValue(spec, out[key])) throw outOfRange(expectedValue(spec), key, out[key]);
  }
  return out;
}

/** The library keys (camelCase) of a set of definitions, for {@link resolveOptions}'s `also`. */
export function optionKeys(specs: OptionSpecs): string[] {
  return Object.keys(specs).map(optionKey);
}

/** "Unknown option faces (did you mean face?)": the nearest known name by edit distance, when one is near. */
function unknownOption(key: string, known: readonly string[]): TypeError {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  const near = best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3));
  return new TypeError(
    `Unknown option ${quote(key)}${near ? ` (did you mean ${quote(best!)}?)` : ''}; expected one of ${known.join(', ')}`,
  );
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Parses a time: 1.5s, 1500ms, 0:01.5, 1:02:03, or bare seconds. */
export function parseTime(text: string): number | undefined {
  let m = /^(\d+(?:\.\d+)?)(s|ms)?$/.exec(text);
  if (m) return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
  m = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (m) return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return undefined;
}

/**
 * Reads one option's value from text, as typed on a command line or in a text field. Throws an Error whose
 * message reads "Expected … for --flag but received …".
 */
export function parseOptionText(flag: string, spec: OptionSpec, raw: string): unknown {
  const fail = (expected: string): Error => new Error(`${expected} for --${flag} but received ${quote(raw)}`);
  if (spec.parse) {
    try {
      return spec.parse(raw);
    } catch (err) {
      throw fail((err as Error).message);
    }
  }
  if (spec.type === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw fail('Expected true or false');
  }
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) throw fail(`Expected one of ${spec.choices.join(', ')}`);
    return raw;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
    throw fail(`Expected ${spec.type === 'integer' ? 'an integer' : 'a number'}`);
  }
  if (!isValidValue({ ...spec, multiple: false }, n)) throw fail(`Expected ${expectedValue(spec)}`);
  return n;
}

/** The defaults of a set of definitions, by library key (camelCase). */
export function optionDefaults(specs: OptionSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(specs)) if (spec.default !== undefined) out[optionKey(flag)] = spec.default;
  return out;
}

/** Which face of a picture to work on. */
export const FACE_OPTION = {
  type: 'integer',
  value: 'n',
  default: 0,
  min: 0,
  max: 100,
  description: 'Which face of the source (0 = largest; faces are numbered by size)',
} satisfies OptionSpec<number>;

/** Which faces of a picture: every one, or these indices (0 = largest). */
export type FaceSelection = 'all' | readonly number[];

/** Reads `all`, `2` or `0,2` (indices from 0, largest face first). */
export function parseFaceSelection(text: string): FaceSelection {
  const t = text.trim().toLowerCase();
  if (t === 'all') return 'all';
  const out: number[] = [];
  for (const s of t.split(',').map((x) => x.trim())) {
    if (!/^\d+$/.test(s) || Number(s) > 100)
      throw new Error('Expected all, a face number (0 = largest) or a comma-separated list such as 0,2');
    if (out.includes(Number(s))) throw new Error(`Expected each face once (face ${s} is named twice)`);
    out.push(Number(s));
  }
  return out;
}

/** Which faces of a picture to work on, several at once. */
export const FACES_OPTION = {
  type: 'string',
  value: 'n|n,m|all',
  description:
    'Which faces of the source: a number (0 = largest; faces are numbered by size), a list such as 0,2, or all (default: 0, or the faces the settings name with n: prefixes)',
  parse: parseFaceSelection,
  check: (v) =>
    v === 'all' || (Array.isArray(v) && v.length > 0 && v.every((i) => Number.isInteger(i) && i >= 0 && i <= 100)),
  expected: "'all' or a list of face numbers",
} satisfies OptionSpec<FaceSelection>;

/** How a mouth opened wider than the portrait shows it is filled. */
export const MOUTH_OPTION = {
  type: 'string',
  value: 'bank|drawn',
  choices: ['bank', 'drawn'] as const,
  default: 'bank',
  description:
    "How an opening mouth the portrait does not show is filled: bank (real mouths of real people, chosen by the lips' shape and fitted to this face's light) or drawn (teeth drawn on a dental arch)",
  hint: "Bank: teeth, tongue and throat taken from real mouths of the same shape, in this portrait's light. Drawn: teeth drawn in the portrait's colours",
} satisfies OptionSpec<'bank' | 'drawn'>;

/** The size of an output. */
export const SIZE_OPTION = {
  type: 'integer',
  value: 'px',
  min: 16,
  max: 8192,
  description: "Longest side of the output (default: the source's own size)",
} satisfies OptionSpec<number>;
