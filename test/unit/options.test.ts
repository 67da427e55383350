import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineCommand, formatHelp, isFlagsOf, parseCommand, type CommandDef } from '../../src/cli/options.js';
import { storedSettings, type OptionSpecs, type SettingsOf } from '../../src/options.js';
import { isVivifyError } from '../../src/errors.js';

const def: CommandDef = {
  name: 'demo',
  summary: 'a test command',
  usage: 'vivify demo <in>',
  positionals: { name: '<in>', min: 1, max: 1 },
  options: {
    size: { type: 'integer', min: 16, max: 4096, default: 512, description: 'Output size' },
    mode: { type: 'string', choices: ['a', 'b'], default: 'a', description: 'Mode' },
    smooth: { type: 'boolean', default: true, description: 'Smooth' },
    scale: { type: 'number', min: -2, max: 2, default: 1, description: 'Scale' },
    name: { type: 'string', description: 'A name' },
    weights: { type: 'string', default: { lips: 0.5, eyes: 1 }, description: 'Weights' },
    parts: { type: 'string', default: ['eyes', 'lips'], description: 'Parts' },
    none: { type: 'string', default: {}, description: 'Nothing by default' },
  },
  examples: ['vivify demo x'],
};

test('parseCommand fills defaults and converts values', () => {
  const { positionals, options } = parseCommand(def, ['in.png', '--size', '256', '--no-smooth']);
  assert.deepEqual(positionals, ['in.png']);
  assert.deepEqual(options, {
    size: 256,
    mode: 'a',
    smooth: false,
    scale: 1,
    weights: { lips: 0.5, eyes: 1 },
    parts: ['eyes', 'lips'],
    none: {},
  });
});

test('a negative number is the value of a numeric option, checked against its range', () => {
  assert.equal(parseCommand(def, ['x', '--scale', '-1.5']).options.scale, -1.5);
  assert.equal(parseCommand(def, ['x', '--scale', '-.5']).options.scale, -0.5);
  assert.throws(
    () => parseCommand(def, ['x', '--size', '-3']),
    (e: unknown) => isVivifyError(e, 'E_USAGE') && /between 16 and 4096 for --size but received "-3"/.test(e.message),
  );
  // A string option's value that starts with a dash: say how to give it, in full.
  assert.throws(
    () => parseCommand(def, ['x', '--name', '-z']),
    (e: unknown) =>
      isVivifyError(e, 'E_USAGE') &&
      e.message.includes('--name needs a value; to give one that starts with a dash, write --name=-…'),
  );
  assert.deepEqual(parseCommand(def, ['--', '-3']).positionals, ['-3']);
});

test('parseCommand rejects bad values with one-line usage errors naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['x', '--size', 'big'], /Expected an integer for --size but received "big"/],
    [['x', '--size', '8'], /between 16 and 4096 for --size/],
    [['x', '--mode', 'c'], /Expected one of a, b for --mode/],
    [['x', '--nope'], /Unknown option '--nope'/],
    [[], /needs <in>/],
    [['x', 'y'], /at most 1/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(
      () => parseCommand(def, argv),
      (e: unknown) => isVivifyError(e, 'E_USAGE') && re.test(e.message) && !e.message.includes('\n'),
    );
  }
});

test('formatHelp lists every option with its default', () => {
  const help = formatHelp(def);
  for (const s of ['--size', 'default: 512', 'one of: a, b', '--no-smooth to turn off']) assert.ok(help.includes(s), s);
  assert.ok(help.includes('default: lips=0.5,eyes=1'), 'a record as key=value pairs');
  assert.ok(help.includes('default: eyes,lips'), 'a list joined by commas');
  assert.ok(!help.includes('[object Object]'));
  assert.match(help, /Nothing by default\n/, 'an empty default is not shown');
});

test('library options: an unknown key is an error naming the nearest valid one; declared extra keys pass', async () => {
  const { resolveOptions } = await import('../../src/options.js');
  const { ANIMATE_OPTIONS } = await import('../../src/reenact/options.js');
  const { resolveAnimateOptions } = await import('../../src/reenact/node/animate.js');
  assert.throws(
    () => resolveOptions(ANIMATE_OPTIONS, { expresionScale: 2 }),
    /^TypeError: Unknown option "expresionScale" \(did you mean "expressionScale"\?\)/,
  );
  // Nothing near: no guess, but the valid names.
  assert.throws(
    () => resolveOptions(ANIMATE_OPTIONS, { zzz: 1 }),
    (e: Error) => !/did you mean/.test(e.message) && /expected one of motion, /.test(e.message),
  );
  assert.equal(resolveOptions<{ smooth: number }>(ANIMATE_OPTIONS, { smooth: 0.5 }).smooth, 0.5);
  // animate()'s own keys beside the definitions are known to it.
  assert.equal(resolveAnimateOptions({ face: 'all', signal: new AbortController().signal }).face, 'all');
  assert.throws(() => resolveAnimateOptions({ fase: 1 } as never), /did you mean "face"\?/);
});

test('a command is typed by its own definitions: defaults always there, parsers give their types', () => {
  const typed = defineCommand({
    ...def,
    options: {
      size: { type: 'integer', default: 512, description: 'Output size' },
      mode: { type: 'string', choices: ['a', 'b'] as const, default: 'a', description: 'Mode' },
      name: { type: 'string', description: 'A name' },
      'max-faces': { type: 'integer', description: 'Faces' },
      list: { type: 'string', parse: (s) => s.split(',').map(Number), description: 'Numbers' },
    },
  });
  const { options } = parseCommand(typed, ['in.png', '--mode', 'b', '--list', '1,2']);
  assert.ok(isFlagsOf(typed, options));
  // Checked by the compiler: each assignment fails to type-check if FlagsOf loses what the definitions say.
  const size: number = options.size;
  const mode: 'a' | 'b' = options.mode;
  const name: string | undefined = options.name;
  const list: number[] | undefined = options.list;
  assert.deepEqual([size, mode, name, list], [512, 'b', undefined, [1, 2]]);
  type Settings = SettingsOf<typeof typed.options>;
  const settings: Settings = { size: 1, mode: 'a', maxFaces: 2 };
  assert.equal(settings.maxFaces, 2);
  assert.equal(isFlagsOf(typed, { size: 1, sizes: 2 }), false);
});

test('settings read back from a job file are checked against their definitions', () => {
  const specs = { k: { type: 'integer', min: 1, max: 4, default: 1, description: 'K' } } satisfies OptionSpecs;
  assert.deepEqual(storedSettings<SettingsOf<typeof specs>>(specs, {}), { k: 1 });
  assert.throws(() => storedSettings(specs, { k: 9 }), /Expected an integer between 1 and 4 for k but received 9/);
  assert.throws(() => storedSettings(specs, { kk: 2 }), /Unknown option "kk" \(did you mean "k"\?\)/);
});
