import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHelp, parseCommand, type CommandDef } from '../../src/cli/options.js';
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
  },
  examples: ['vivify demo x'],
};

test('parseCommand fills defaults and converts values', () => {
  const { positionals, options } = parseCommand(def, ['in.png', '--size', '256', '--no-smooth']);
  assert.deepEqual(positionals, ['in.png']);
  assert.deepEqual(options, { size: 256, mode: 'a', smooth: false });
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
});
