/**
 * The shipped motion data and models agree with the code: measured and trained with the same landmark
 * analysis, AU estimator and emotion directions (a change of any leaves them stale, and this fails until
 * `npm run build:motion-data && npm run train:motion` is run), and train:motion refuses stale data. The
 * emotion vectors (the edit's apexes) shape the models only, so only the model file records them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readMotionDataFile } from '../../src/dataset/motion-data-file.js';
import { motionDataVersions, motionVersions, versionDifferences } from '../../src/dataset/motion-versions.js';
import { parseMotionData } from '../../src/generate/data.js';
import { currentEmotionVectors, emotionVectorsFingerprint } from '../../src/generate/features.js';
import type { MotionModelFile } from '../../src/generate/model.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the motion data and the shipped motion models were built with the versions the code has now', async () => {
  const data = parseMotionData(await readMotionDataFile());
  assert.deepEqual(
    data.versions,
    motionDataVersions(),
    'data/motion-curves.json.gz is stale: npm run build:motion-data',
  );
  const model = JSON.parse(readFileSync(path.join(ROOT, 'models', 'motion.json'), 'utf8')) as MotionModelFile;
  assert.deepEqual(model.versions, motionVersions(), 'models/motion.json is stale: npm run train:motion');
});

test('the fingerprints change with what they fingerprint', () => {
  const now = motionVersions();
  assert.match(now.auEstimator, /^1:\d/);
  const vectors = currentEmotionVectors();
  assert.equal(emotionVectorsFingerprint(structuredClone(vectors)), now.emotionVectors);
  const stronger = structuredClone(vectors);
  stronger[0] = stronger[0]!.map((v) => v * 1.01);
  assert.notEqual(emotionVectorsFingerprint(stronger), now.emotionVectors);
  const moved = structuredClone(vectors);
  moved[1]![0]! += 0.01;
  assert.notEqual(emotionVectorsFingerprint(moved), now.emotionVectors);
  assert.deepEqual(versionDifferences(now, now), []);
  assert.deepEqual(
    versionDifferences({ ...now, auEstimator: 'older' }, now).map((d) => d.split(':')[0]),
    ['auEstimator'],
  );
  assert.equal(versionDifferences(undefined, now).length, 4);
  // A field the code no longer records is a difference too.
  assert.deepEqual(
    versionDifferences(now, motionDataVersions()).map((d) => d.split(':')[0]),
    ['emotionVectors'],
  );
});

test('train:motion refuses data built with another AU estimator', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vivify-motion-versions-'));
  try {
    const file = path.join(dir, 'stale.json');
    const now = motionVersions();
    writeFileSync(
      file,
      JSON.stringify({ version: now.motionData, versions: { ...now, auEstimator: 'older' }, clips: [] }),
    );
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/train-motion.ts', '--data', file, '--out', path.join(dir, 'm.json')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /auEstimator: "older"/);
    assert.match(r.stderr, /npm run build:motion-data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
