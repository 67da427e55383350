import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { measureCurves } from '../../src/analysis/motion-curves.js';
import { createFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { clipLandmarks } from '../../src/dataset/landmarks.js';
import { makeMovingFaceVideo, tempDir } from '../helpers.js';

test('per-clip landmarks are tracked once, cached, and re-tracked when the clip changes', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'clip.mp4');
  makeMovingFaceVideo(clip, { frames: 8, fps: 8, size: 192 });
  const cache = path.join(dir, 'cache');
  const analyzer = await createFaceAnalyzer({ emotion: false });
  t.after(() => analyzer.close());
  const first = await clipLandmarks(clip, { cacheDir: cache, analyzer });
  assert.equal(first.cached, false);
  assert.equal(first.landmarks.length, 8);
  assert.ok(first.landmarks.every((l) => l && l.length === 478 * 3));
  const second = await clipLandmarks(clip, { cacheDir: cache, analyzer });
  assert.equal(second.cached, true);
  assert.deepEqual(second.landmarks, first.landmarks);
  assert.deepEqual(second.scores, first.scores);
  assert.equal(second.fps, first.fps);
  // A changed file (here: its modification time) is analysed again.
  utimesSync(clip, new Date(), new Date(Date.now() + 5000));
  assert.equal((await clipLandmarks(clip, { cacheDir: cache, analyzer })).cached, false);
  // The curves of a moving (but expressionless) face: head motion shows, expression stays small.
  const c = measureCurves(first.landmarks, first.fps);
  assert.equal(c.au.length, 8);
  assert.ok(c.found.every(Boolean));
  const meanAu = c.au.flat().reduce((a, b) => a + b, 0) / c.au.flat().length;
  assert.ok(meanAu < 1, `mean AU intensity of a still face ${meanAu}`);
});
