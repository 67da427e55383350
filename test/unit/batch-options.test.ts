import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand } from '../../src/cli/options.js';
import { augmentCommand } from '../../src/cli/augment.js';
import { AUGMENT_OPTIONS, parseQueueUrl } from '../../src/batch/options.js';
import { auSetName, numberName, planVariants } from '../../src/batch/variants.js';
import { outputPath, parseDelimited } from '../../src/batch/inputs.js';
import { resolveOptions } from '../../src/options.js';
import type { AugmentSettings } from '../../src/batch/options.js';

const parse = (...args: string[]): Record<string, unknown> =>
  parseCommand(augmentCommand, ['in/', '-o', 'out/', ...args]).options;

test('augment flags: emotions, intensities, AU sets, head turns', () => {
  const o = parse(
    '--emotions',
    'happy,sad',
    '--intensities',
    '0.5,1',
    '--aus',
    '12=3;4=2;6=2,12=3',
    '--poses',
    'yaw=-15,15;pitch=10',
  );
  assert.deepEqual(o.emotions, ['happy', 'sad']);
  assert.deepEqual(o.intensities, [0.5, 1]);
  assert.deepEqual(
    (o.aus as { text: string }[]).map((a) => a.text),
    ['12=3', '4=2', '6=2,12=3'],
  );
  assert.deepEqual(o.poses, [
    { axis: 'yaw', deg: -15 },
    { axis: 'yaw', deg: 15 },
    { axis: 'pitch', deg: 10 },
  ]);
  assert.equal(o['max-faces'], 20);
  assert.equal(o.format, 'png');
});

test('augment flags: mistakes are one-line usage errors naming the flag', () => {
  assert.throws(
    () => parse('--emotions', 'happy,glad'),
    /Expected a comma-separated list of .* for --emotions but received "happy,glad"/,
  );
  assert.throws(() => parse('--intensities', '0,1'), /numbers in \(0, 1\] for --intensities/);
  assert.throws(() => parse('--aus', '99=3'), /for --aus/);
  assert.throws(() => parse('--poses', 'yaw=90'), /yaw angles within ±45° for --poses/);
  assert.throws(() => parse('--poses', 'tilt=5'), /axes yaw, pitch, roll/);
  assert.throws(() => parse('--queue', 'http://x:1'), /Redis URL .* for --queue/);
  assert.throws(() => parse('--format', 'gif'), /one of png, jpg for --format/);
});

test('queue URLs: redis:// and rediss:// with a host, optional port and database', () => {
  for (const ok of ['redis://127.0.0.1:6379', 'redis://host', 'rediss://user:pw@h:6380/2'])
    assert.equal(parseQueueUrl(ok), ok);
  for (const bad of ['127.0.0.1:6379', 'redis://', 'redis://h:1/x', 'nonsense'])
    assert.throws(() => parseQueueUrl(bad));
});

test('variants: names are stable and say what each holds; one spelling per variant', () => {
  const s = resolveOptions<AugmentSettings>(AUGMENT_OPTIONS, {
    emotions: ['happy', 'sad'],
    intensities: [0.5, 1],
    aus: [
      { text: '12=3', aus: { left: { 12: 3 }, right: { 12: 3 } } },
      { text: '12=3.0', aus: { left: { 12: 3 }, right: { 12: 3 } } },
      { text: 'L45=5', aus: { left: { 45: 5 }, right: {} } },
    ],
    poses: [
      { axis: 'yaw', deg: -15 },
      { axis: 'yaw', deg: 15 },
    ],
  });
  const ids = planVariants(s, [{ path: '/clips/talk.mp4', name: 'talk' }]).map((v) => v.id);
  assert.deepEqual(ids, [
    'happy-0.5',
    'happy-1',
    'sad-0.5',
    'sad-1',
    'au-12=3',
    'au-L45=5',
    'yaw-15',
    'yaw+15',
    'drive-talk',
  ]);
  assert.equal(auSetName({ left: { 6: 2, 12: 3 }, right: { 6: 2, 12: 2.5 } }), '6=2+L12=3+R12=2.5');
  assert.equal(numberName(1 / 3), '0.333');
  assert.equal(numberName(15, true), '+15');
});

test('output paths: control characters and reserved characters replaced, names kept distinct', () => {
  assert.equal(outputPath('a/b c/имя.jpg'), 'a/b c/имя.jpg');
  const esc = outputPath('x/ctrl-\x1b[31m.jpg');
  assert.match(esc, /^x\/ctrl-_\[31m\.jpg~[0-9a-f]{6}$/);
  assert.notEqual(outputPath('a:b'), outputPath('a?b'));
  assert.ok(Buffer.byteLength(outputPath('é'.repeat(200))) < 200);
});

test('CSV: quoted fields with commas, quotes and line breaks; the line each row starts on', () => {
  const rows = parseDelimited('path,label\n"a, b.jpg",x\n"say ""hi"".jpg",y\r\n"two\nlines.jpg",z\n', ',');
  assert.deepEqual(
    rows.map((r) => [r.line, r.cells[0]]),
    [
      [1, 'path'],
      [2, 'a, b.jpg'],
      [3, 'say "hi".jpg'],
      [4, 'two\nlines.jpg'],
    ],
  );
});
