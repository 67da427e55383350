/**
 * Narrow, carved eyes follow the driver's lids (issue 16): on the terracotta statue (lp_s6.jpg), whose
 * eyes have no iris and whose lid landmarks sit inside the carved eye, a blink of lp_d0.mp4 must read as
 * a blink in the result. Before the fix the lids closed onto their landmarks, the carved groove and the
 * pale eyeball below it stayed, and the eye read as open (eyes r 0.08 over the whole clip).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { createReenactEvaluator } from '../../src/eval/reenact.js';
import { readImage } from '../../src/media/image-file.js';
import { decodeVideo } from '../../src/media/video.js';
import { createReenactor, driveReenactor, type DrivingFrame } from '../../src/reenact/reenactor.js';
import { DATA, HAVE_DATA } from '../helpers.js';

let analyzer: NodeFaceAnalyzer;
before(async () => {
  if (HAVE_DATA) analyzer = await createFaceAnalyzer({ emotion: false });
});
after(() => analyzer?.close());

/** Frames `from` to the end of a video. */
async function* framesFrom(file: string, from: number): AsyncGenerator<DrivingFrame> {
  let i = 0;
  for await (const f of decodeVideo(file)) if (i++ >= from) yield f;
}

test(
  'a carved statue blinks with the driver: eye-opening correlation ≥ 0.7 on lp_s6 × lp_d0 frames 40–77',
  { skip: !HAVE_DATA && 'needs ../shared/data' },
  async (t) => {
    const source = await readImage(path.join(DATA, 'images', 'lp_s6.jpg'));
    const sourceFace = (await analyzer.analyze(source))[0]!;
    // The driver's last 38 frames: a smile, gaze shifts and one blink (frames 64–67).
    const reenactor = createReenactor(source, sourceFace);
    const evaluator = createReenactEvaluator(analyzer, { mode: 'cross', source, sourceFace, identityEvery: 1000 });
    const driving = path.join(DATA, 'videos', 'lp_d0.mp4');
    for await (const out of driveReenactor(framesFrom(driving, 40), analyzer.createTracker(), reenactor)) {
      await evaluator.add(out.frame, out.face, out.image);
    }
    const { result } = evaluator.finish();
    t.diagnostic(`eyes r ${result.eyeCorrelation.toFixed(3)}, pose error ${result.poseErrorDeg.toFixed(2)}°`);
    assert.equal(result.frames, 38);
    assert.equal(result.faceFound, 1);
    assert.ok(result.eyeCorrelation >= 0.7, `eyes r ${result.eyeCorrelation.toFixed(3)}`);
  },
);
