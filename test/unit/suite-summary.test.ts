/** The evaluation suite's summary keeps the narrow, painted and carved eyes apart from the 50 cross pairs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseSuite } from '../../src/eval/suite.js';
import type { ReenactMetrics } from '../../src/eval/reenact.js';
import type { ReenactJobResult } from '../../src/eval/reenact-run.js';

function metrics(eyeCorrelation: number, poseErrorDeg: number): ReenactMetrics {
  return {
    frames: 10,
    faceFound: 1,
    csim: 0.9,
    poseErrorDeg,
    poseErrorByAxisDeg: { yaw: poseErrorDeg, pitch: poseErrorDeg, roll: poseErrorDeg },
    mouthCorrelation: 0.9,
    eyeCorrelation,
    jitterRatio: 1,
    jitterRatioRaw: 1,
    acd: 0.3,
    mouthColour: { frames: 0, teethFrames: 0, teethChromaDistance: Number.NaN, offHue: 0 },
  } as ReenactMetrics;
}

const pair = (source: string, eye: number, pose: number, config?: string): ReenactJobResult => ({
  job: { kind: 'cross', driving: 'videos/lp_d0.mp4', source, ...(config ? { config } : {}) },
  mode: 'cross',
  result: metrics(eye, pose),
  baseline: metrics(0, 2),
  msPerFrame: 100,
});

test('narrow-eye pairs are summarised on their own: the worst pair, not the mean of the 50', () => {
  const s = summariseSuite([
    pair('a.png', 0.9, 1),
    pair('b.png', 0.8, 1),
    pair('statue.jpg', 0.75, 0.9, 'narrow-eyes'),
    pair('painting.jpg', 0.4, 3.5, 'narrow-eyes'),
  ]);
  assert.equal(s.cross.pairs, 2);
  assert.ok(Math.abs(s.cross.eyeCorrelation - 0.85) < 1e-9, 'the cross means leave the narrow eyes out');
  assert.equal(s.narrowEyes.pairs, 2);
  assert.equal(s.narrowEyes.lowestEyeCorrelation, 0.4);
  assert.ok(Math.abs(s.narrowEyes.meanEyeCorrelation - 0.575) < 1e-9);
  assert.equal(s.narrowEyes.largestPoseErrorDeg, 3.5);
});
