import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  autoBlinks,
  createTimelineSampler,
  parseTime,
  parseTimeline,
  TimelineError,
} from '../../src/expression/timeline.js';
import { emotionAUs } from '../../src/motion/emotion.js';

test('times in seconds, milliseconds and clock form', () => {
  assert.equal(parseTime('1.5s'), 1.5);
  assert.equal(parseTime('250ms'), 0.25);
  assert.equal(parseTime('0:01.5'), 1.5);
  assert.equal(parseTime('1:02:03'), 3723);
  assert.equal(parseTime('2'), 2);
  assert.equal(parseTime('soon'), undefined);
});

test('a timeline parses into keyframes and samples with easing and held ends', () => {
  const t = parseTimeline(
    [
      '# a short story',
      'duration 4s',
      'fps 25',
      'blink off',
      'ease linear',
      '',
      'at 0s neutral',
      'at 1s happy 0.8, pose yaw 10 pitch -5',
      'at 2s au 12=3 L45=5 ease step',
      'at 3s gaze right, blink 300ms',
    ].join('\n'),
  );
  assert.equal(t.durationS, 4);
  assert.equal(t.fps, 25);
  assert.equal(t.autoBlink, false);
  assert.equal(t.expression.length, 3);
  const s = createTimelineSampler(t);
  const happy = emotionAUs('happy', 0.8);
  // Halfway from neutral to happy 0.8, linear.
  const mid = s(0.5);
  assert.ok(Math.abs((mid.aus.left[12] ?? 0) - 0.5 * (happy.left[12] ?? 0)) < 1e-9);
  assert.ok(Math.abs(mid.pose.yawDeg - 5) < 1e-9 && Math.abs(mid.pose.pitchDeg + 2.5) < 1e-9);
  // Step easing: still happy just before 2 s, AU set from 2 s on; one-sided AU45.
  assert.ok(Math.abs((s(1.99).aus.left[12] ?? 0) - (happy.left[12] ?? 0)) < 1e-9);
  assert.equal(s(2).aus.left[45], 5);
  assert.equal(s(2).aus.right[45], undefined);
  // Held after the last keyframe; the explicit blink closes the eyes around 3.12 s.
  assert.ok(s(3.5).gaze.x > 0.2);
  assert.ok(s(3.12).blink > 0.9 && s(2.9).blink === 0 && s(3.35).blink === 0);
});

test('errors name the line and column and give the allowed range', () => {
  const cases: [string, number, number, RegExp][] = [
    ['at 0s neutral\nat 1s hapy', 2, 7, /unknown keyframe "hapy"/],
    ['at 1s pose yaw 95', 1, 16, /yaw 95 is out of range: expected -45 to 45 degrees/],
    ['at 1s au 13=2', 1, 10, /AU13 is not one of the supported/],
    ['at 1s au 12=7', 1, 10, /out of range: expected 0 to 5/],
    ['at 2s happy\nat 1s sad', 2, 4, /must be in time order/],
    ['duration forever', 1, 10, /expected a duration/],
    ['jump 3', 1, 1, /unknown statement "jump"/],
    ['at 1s happy 1.5', 1, 13, /intensity 1.5 is out of range: expected 0 to 1/],
    ['at 1s happy,', 1, 13, /empty clause/],
    // Input is quoted escaped and cut: no raw control character, no kilobytes of it.
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    [`at 0s happy\n\u001b[2J\u009b31m${'y'.repeat(3000)}`, 2, 1, /^[^\u001b\u009b]{0,200}$/],
    [`at 0s happy\n\u001b[2J\u009b31m${'y'.repeat(3000)}`, 2, 1, /unknown statement "\\x1b\[2J\\u009b31my+…"/],
    ['at 0s sad, gaze \u202eleft', 1, 17, /found "\\u202eleft"/],
    ['at 0s happy\nPK\u0003\u0004\u0000\u0000\ufffd', 2, 5, /binary data, not timeline text/],
  ];
  for (const [text, line, column, re] of cases) {
    assert.throws(
      () => parseTimeline(text),
      (e: unknown) => e instanceof TimelineError && e.line === line && e.column === column && re.test(e.message),
      text,
    );
  }
});

test('automatic blinks: about 15 a minute, deterministic', () => {
  const a = autoBlinks(60, 7);
  assert.deepEqual(a, autoBlinks(60, 7));
  assert.ok(a.length >= 9 && a.length <= 30, `${a.length} blinks`);
  assert.ok(a.every((b) => b.durationS >= 0.15 && b.durationS <= 0.25));
  assert.notDeepEqual(a, autoBlinks(60, 8));
});

test("the demo's timeline parses: eight seconds with emotions, head turns and gaze", () => {
  const text = readFileSync(new URL('../../assets/demo-timeline.txt', import.meta.url), 'utf8');
  const t = parseTimeline(text);
  assert.equal(t.durationS, 8);
  const sample = createTimelineSampler(t, 1);
  assert.ok(Math.abs(sample(1).pose.yawDeg - 10) < 0.5, 'turns its head at 1 s');
  assert.ok(
    Object.values(sample(2.5).aus.left).some((v) => (v ?? 0) > 0.5),
    'smiles at 2.5 s',
  );
});
