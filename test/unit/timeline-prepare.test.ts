/**
 * Preparing a timeline's generated motion: cut to what the timeline shows, cancellable while it runs,
 * with progress, and the same motion as the synchronous sampler.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isVivifyError } from '../../src/errors.js';
import {
  createTimelineSampler,
  generatedSeconds,
  parseTimeline,
  prepareTimelineSampler,
} from '../../src/expression/timeline.js';
import { generateMotion, generateMotionSteps } from '../../src/generate/generate.js';
import { loadMotionModels } from '../../src/generate/model.js';
import { runSteps } from '../../src/motion/steps.js';
import { ROOT } from '../helpers.js';

const models = loadMotionModels(JSON.parse(readFileSync(path.join(ROOT, 'models', 'motion.json'), 'utf8')));

test('preparing long generated segments stops within a second of an abort, and reports progress', async () => {
  // Six ten-minute segments: about half a minute of work on two cores, and it used to block signals.
  const labels = ['happy', 'sad', 'idle', 'listening', 'surprised', 'fear'];
  const t = parseTimeline(['duration 600s', ...labels.map((l) => `at 0s generate ${l} 600s`)].join('\n'));
  const progress: number[] = [];
  const controller = new AbortController();
  let abortedAt = 0;
  // A timer has to fire while it runs: only a preparation that yields to the event loop lets it.
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 700);
  const started = performance.now();
  await assert.rejects(
    prepareTimelineSampler(t, 1, models, {
      signal: controller.signal,
      onProgress: ({ doneS, totalS }) => {
        assert.equal(totalS, 3600);
        progress.push(doneS);
      },
    }),
    (e: unknown) => isVivifyError(e, 'E_ABORTED'),
  );
  const stopped = performance.now();
  assert.ok(abortedAt > 0, 'the abort fired while the motion was being prepared');
  assert.ok(stopped - abortedAt < 1000, `stopped ${(stopped - abortedAt).toFixed(0)} ms after the abort`);
  assert.ok(stopped - started < 5000, `${(stopped - started).toFixed(0)} ms in all`);
  assert.ok(progress.length >= 2, `progress reported ${progress.length} times`);
  assert.ok(
    progress.every((p, i) => p > 0 && p < 3600 && (i === 0 || p >= progress[i - 1]!)),
    `${progress}`,
  );
  // An already aborted signal: nothing is computed.
  await assert.rejects(prepareTimelineSampler(t, 1, models, { signal: AbortSignal.abort() }), (e: unknown) =>
    isVivifyError(e, 'E_ABORTED'),
  );
});

test('segments past the end are computed only as far as the timeline shows them, with their own timing', async () => {
  const t = parseTimeline('duration 3s\nfps 25\nat 2s generate surprised 600s seed 4\nat 2.5s generate idle 60s');
  // What is computed: 1 s and 0.5 s of motion, not 660 s.
  assert.equal(generatedSeconds(t), 1.5);
  const reported: { doneS: number; totalS: number }[] = [];
  const sample = await prepareTimelineSampler(t, 1, models, { onProgress: (p) => reported.push(p) });
  assert.deepEqual(reported.at(-1), { doneS: 1.5, totalS: 1.5 });
  // The same motion as the synchronous sampler, frame by frame.
  const sync = createTimelineSampler(t, 1, models);
  for (let i = 0; i < 75; i++) assert.deepEqual(sample(i / 25), sync(i / 25));
  // A cut sample has as many frames as are shown, and the timing of the whole: its envelope is the
  // beginning of the uncut one's (computed for 60 s here, to keep the test short).
  const whole = generateMotion(models, { label: 'surprised', seed: 4, durationS: 60, fps: 25 });
  const cut = generateMotion(models, { label: 'surprised', seed: 4, durationS: 60, shownS: 1, fps: 25 });
  assert.ok(cut.frames.length <= 27, `${cut.frames.length} frames`);
  assert.deepEqual(cut.envelope, whole.envelope!.slice(0, cut.frames.length));
  // Shown in full, it is the same sample as before.
  assert.deepEqual(
    generateMotion(models, { label: 'happy', seed: 2, durationS: 3, shownS: 3, fps: 30 }),
    generateMotion(models, { label: 'happy', seed: 2, durationS: 3, fps: 30 }),
  );
  // The steps of a long sample come in small pieces: a ten-minute one pauses well over a hundred times.
  let checkpoints = 0;
  const steps = generateMotionSteps(models, { label: 'idle', seed: 1, durationS: 600, fps: 30 });
  for (let r = steps.next(); !r.done; r = steps.next()) checkpoints++;
  assert.ok(checkpoints > 50, `${checkpoints} checkpoints`);
  assert.equal(runSteps(generateMotionSteps(models, { label: 'idle', durationS: 1 })).frames.length, 25);
});
