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
import { emotionAUs } from '../../src/emotion/emotion.js';

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

/** Asserts that parsing `text` fails at `line`, `column` with a message matching `re`. */
function refused(text: string, line: number, column: number, re: RegExp): void {
  assert.throws(
    () => parseTimeline(text),
    (e: unknown) => e instanceof TimelineError && e.line === line && e.column === column && re.test(e.message),
    text.slice(0, 200),
  );
}

test('times stay within the hour: keyframes, segment ends and the default duration', () => {
  // Once rendered 1,080,030 frames: a keyframe at ten hours with no duration line.
  refused('at 10:00:00 happy', 1, 4, /time 10:00:00 is out of range: expected 0 to 3600 s/);
  refused('duration 10s\nat 0s neutral\nat 3600.5s sad', 3, 4, /time 3600.5s is out of range/);
  // Without a duration line, what lasts longest sets it: a segment or blink that ends past the hour is refused.
  refused(
    'at 0s neutral\nat 3500s generate idle 600s',
    2,
    4,
    /generated segment at 3500s ends at 4100 s, after 3600 s/,
  );
  refused('at 3599.9s blink 300ms', 1, 4, /blink at 3599.9s ends at 3600.2 s, after 3600 s/);
  // A keyframe at the very end is fine, and the extra second of the default duration stops at the hour.
  assert.equal(parseTimeline('at 1:00:00 happy').durationS, 3600);
  assert.equal(parseTimeline('at 3599.5s happy').durationS, 3600);
  assert.equal(parseTimeline('at 2s happy\nat 3s blink 500ms').durationS, 4.5);
  // With a duration line, a segment that runs past the end is cut, not refused.
  const t = parseTimeline('duration 1:00:00\nat 3500s generate idle 600s');
  assert.equal(t.durationS, 3600);
  assert.equal(t.generated[0]!.durationS, 600);
});

test('a keyframe after the duration is an error naming its line, wherever the duration is set', () => {
  refused(
    'duration 10s\nat 0s happy\nat 12s sad',
    3,
    4,
    /keyframe at 12s comes after the end of the timeline \(duration 10s on line 1\)/,
  );
  refused('at 0s happy\nat 0:12 blink\nduration 10s', 2, 4, /keyframe at 0:12 comes after the end.*line 3/);
  // At the end itself: shown as the value the last frames move towards.
  assert.equal(parseTimeline('duration 10s\nat 10s sad').expression.length, 1);
});

test('a hundred thousand keyframes parse and sample (no arguments spread onto the stack)', () => {
  const n = 100_000;
  // Three clauses each: 300,000 times, far more than Math.max(...times) takes.
  const text = Array.from({ length: n }, (_, i) => `at ${i / 100}s happy 0.5, pose yaw ${i % 7}, blink 50ms`).join(
    '\n',
  );
  const t = parseTimeline(text);
  assert.equal(t.expression.length, n);
  assert.equal(t.blinks.length, n);
  // The default duration: the last blink's end and a second.
  assert.ok(Math.abs(t.durationS - ((n - 1) / 100 + 0.05 + 1)) < 1e-9, `${t.durationS}`);
  const s = createTimelineSampler(t, 1);
  const happy = emotionAUs('happy', 0.5);
  for (const time of [0.5, 400.005, 999.985]) {
    const f = s(time);
    assert.ok(Math.abs((f.aus.left[12] ?? 0) - (happy.left[12] ?? 0)) < 1e-9, `happy at ${time}`);
    // 0.005 s into a 50-ms blink (which starts every 10 ms): the eyes are closing.
    assert.ok(f.blink > 0.3, `blink at ${time}: ${f.blink}`);
  }
  // Halfway from key 40,000 (yaw 2) to the next (yaw 3), in-out easing.
  assert.ok(Math.abs(s(400.005).pose.yawDeg - 2.5) < 1e-9);
});

test('generated segments add up to at most an hour (what is shown of each)', () => {
  const seven = Array.from({ length: 7 }, () => 'at 0s generate idle 600s').join('\n');
  refused(`duration 3600s\n${seven}`, 8, 4, /generated segments add up to more than 3600 s here/);
  // Cut by the end, they count as far as they are shown.
  assert.equal(parseTimeline(`duration 300s\n${seven}`).generated.length, 7);
});

test('each channel once per keyframe, each AU, angle and gaze axis once per clause', () => {
  const cases: [string, number, RegExp][] = [
    ['at 1s au 12=3 12=0', 15, /AU12 is given twice/],
    ['at 1s au 12=3 L12=1', 15, /AU12 is given twice for the left side/],
    ['at 1s sad 0.6, sad 0.6', 16, /"sad" sets the expression a second time on this line \(after "sad"\)/],
    ['at 1s happy, au 6=2', 14, /"au" sets the expression a second time.*after "happy"/],
    ['at 1s pose yaw 10 yaw 20', 19, /yaw is given twice/],
    ['at 1s pose yaw 10, pose pitch 5', 20, /"pose" sets the pose a second time/],
    ['at 1s gaze left left', 17, /"left" moves the gaze's x a second time \(after "left"\)/],
    ['at 1s gaze left x 0.1', 17, /"x" moves the gaze's x a second time/],
    ['at 1s gaze center up', 19, /"up" moves the gaze's y a second time \(after "center"\)/],
    ['at 1s idle, listening', 13, /"listening" sets the background a second time/],
    ['at 1s generate happy 2s 3s', 25, /the length is given twice/],
    ['at 1s generate happy intensity 1 intensity 2', 34, /the intensity is given twice/],
  ];
  for (const [text, column, re] of cases) refused(text, 1, column, re);
  // Different sides, axes and channels are fine; so are several blinks and generated segments.
  const t = parseTimeline(
    'at 1s au L12=2 R12=3, gaze up left, pose yaw 5 pitch 2, blink, blink, generate happy 1s, generate sad',
  );
  assert.deepEqual(t.expression[0]!.value, { aus: { left: { 12: 2 }, right: { 12: 3 } } });
  assert.deepEqual(t.gaze[0]!.value, { x: -0.25, y: -0.15 });
  assert.equal(t.generated.length, 2);
});

test('keyframes written out of order are put in time order, same-time lines keeping their order', () => {
  const inOrder = parseTimeline(
    'duration 6s\nat 0s neutral\nat 1s sad, pose yaw 5\nat 2s happy\nat 2s surprised\nat 3s blink\nat 4s generate fear 1s\nat 5s idle',
  );
  const shuffled = parseTimeline(
    'at 4s generate fear 1s\nduration 6s\nat 2s happy\nat 5s idle\nat 1s sad, pose yaw 5\nat 3s blink\nat 0s neutral\nat 2s surprised',
  );
  assert.deepEqual(shuffled, inOrder);
  assert.deepEqual(
    shuffled.expression.map((k) => k.timeS),
    [0, 1, 2, 2],
  );
  // A line added at the end for an earlier moment renders as if written in its place.
  const appended = createTimelineSampler(parseTimeline('duration 3s\nat 0s neutral\nat 2s happy\nat 1s sad'), 1);
  const written = createTimelineSampler(parseTimeline('duration 3s\nat 0s neutral\nat 1s sad\nat 2s happy'), 1);
  for (const s of [0, 0.5, 1, 1.5, 2, 2.5]) assert.deepEqual(appended(s), written(s));
});

test('expression keyframes carry the emotion they name, mixed between keyframes; neutral and au name none', () => {
  const t = parseTimeline(
    ['duration 4s', 'blink off', 'ease linear', 'at 0s neutral', 'at 1s sad 0.8', 'at 2s happy', 'at 3s au 12=2'].join(
      '\n',
    ),
  );
  const sample = createTimelineSampler(t);
  assert.equal(sample(0).emotions, undefined);
  assert.deepEqual(sample(1).emotions, { sad: 0.8 });
  const mid = sample(1.5).emotions!;
  assert.ok(Math.abs(mid.sad! - 0.4) < 1e-9 && Math.abs(mid.happy! - 0.5) < 1e-9, JSON.stringify(mid));
  // The AUs the emotions add are in `aus`, as before.
  assert.deepEqual(sample(1).aus, emotionAUs('sad', 0.8));
  assert.deepEqual(sample(2.5).emotions, { happy: 0.5 });
  assert.equal(sample(3.5).emotions, undefined);
});
