/** Expression edits written as text, and edit specs: each AU (per side) and each emotion once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuEstimate } from '../../src/analysis/au-estimate.js';
import { editTargets } from '../../src/expression/edit.js';
import { parseAuText, parseEmotionText } from '../../src/expression/options.js';
import { ACTION_UNITS, type ActionUnit } from '../../src/face/action-units.js';

test('an AU given twice for a side, or an emotion named twice, is refused', () => {
  assert.throws(
    () => parseAuText('12=3,12=0'),
    /^Error: Expected each action unit once per side \(AU12 is given twice\)$/,
  );
  assert.throws(() => parseAuText('6=1,R12=2,12=3'), /\(AU12 is given twice\)$/);
  assert.throws(() => parseAuText('L45=5,L45=0'), /AU45 is given twice for the left side/);
  assert.deepEqual(parseAuText('L12=2,R12=3,6=1'), { left: { 12: 2, 6: 1 }, right: { 12: 3, 6: 1 } });
  assert.throws(
    () => parseEmotionText('sad=0.6,sad=0.6'),
    /^Error: Expected each emotion once \(sad is named twice\)$/,
  );
  assert.throws(() => parseEmotionText('sad, happy=0.2 ,sad=0.1'), /sad is named twice/);
  assert.deepEqual(parseEmotionText('happy=0.8,surprised'), [
    { name: 'happy', intensity: 0.8 },
    { name: 'surprised', intensity: 1 },
  ]);
});

test('an edit spec naming an emotion twice is refused: it would add up past the range', () => {
  const zero = Object.fromEntries(ACTION_UNITS.map((au) => [au, 0])) as Record<ActionUnit, number>;
  const before: AuEstimate = { intensity: { ...zero }, left: { ...zero }, right: { ...zero }, residual: 0 };
  const once = editTargets(before, { emotions: [{ name: 'sad', intensity: 0.6 }] });
  assert.ok((once.delta.left[15] ?? 0) > 0, 'sad moves the lip corners down');
  assert.throws(
    () =>
      editTargets(before, {
        emotions: [
          { name: 'sad', intensity: 0.6 },
          { name: 'sad', intensity: 0.6 },
        ],
      }),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message === 'Expected each emotion at most once for emotions but received "sad" twice',
  );
  // Different emotions still combine, in order.
  const two = editTargets(before, {
    emotions: [
      { name: 'sad', intensity: 0.6 },
      { name: 'surprised', intensity: 0.5 },
    ],
  });
  assert.ok((two.delta.left[1] ?? 0) > (once.delta.left[1] ?? 0));
});
