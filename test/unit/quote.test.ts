import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidArgument, printable, quote, VivifyError } from '../../src/errors.js';

test('printable escapes what a terminal would act on and keeps everything else', () => {
  assert.equal(printable('plain ascii, äöü, 日本, 🙂 and \\ backslash'), 'plain ascii, äöü, 日本, 🙂 and \\ backslash');
  assert.equal(printable('a\x1b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(printable('tab\tnew\nline\rend\x00\x7f'), 'tab\\tnew\\nline\\rend\\x00\\u007f');
  assert.equal(printable('c1 \u009b31m'), 'c1 \\u009b31m');
  assert.equal(printable('bidi \u202eevil\u2066 \u2028'), 'bidi \\u202eevil\\u2066 \\u2028');
  assert.equal(printable('lone \ud800 half'), 'lone \\ud800 half');
});

test('printable keeps JSON valid and equal (machine output goes through the same CLI lines)', () => {
  const value = { file: 'a\x1b[2J\u009b\u202e\u2028b.mp4', n: [1, 'tab\t'], s: 'back\\slash "q"' };
  assert.deepEqual(JSON.parse(printable(JSON.stringify(value))), value);
});

test('quote escapes, marks the cut of long content, and stays short whatever the input', () => {
  assert.equal(quote('happpy'), '"happpy"');
  assert.equal(quote('say "hi"\\'), '"say \\"hi\\"\\\\"');
  assert.equal(quote('\x1b]0;title\x07'), '"\\x1b]0;title\\x07"');
  const long = quote('x'.repeat(5000));
  assert.equal(long, `"${'x'.repeat(59)}…"`);
  assert.equal(quote('🙂'.repeat(100), 10), `"${'🙂'.repeat(9)}…"`, 'cut between characters, not inside one');
  const garbage = String.fromCharCode(...Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
  const q = quote(garbage);
  assert.ok(q.length < 60 * 4 + 3, `${q.length} characters`);
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  assert.doesNotMatch(q, /[\u0000-\u001f\u007f-\u009f]/);
});

test('messages built from user content are one printable line', () => {
  assert.equal(new VivifyError('E_USAGE', 'bad\nname\x1b.png').message, 'bad\\nname\\x1b.png');
  assert.equal(
    invalidArgument('a string', 'motion', 'abs\x1bolute').message,
    'Expected a string for motion but received "abs\\x1bolute"',
  );
});
