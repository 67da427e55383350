/**
 * The body renderer on a worker thread gives the same frames, in the same order, as rendering in this
 * thread (src/body/node/render-worker.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage } from '../../src/face/image.js';
import { prepareBodyScene } from '../../src/body/render.js';
import { createBodyRenderInline, createBodyRenderWorker } from '../../src/body/node/render-worker.js';
import { createRetargeter } from '../../src/body/retarget.js';
import { J, clonePose, emptyPose, type BodyPose } from '../../src/body/skeleton.js';

function figure(): BodyPose {
  const p = emptyPose();
  const at: [number, number, number][] = [
    [J.nose, 60, 20],
    [J.leftEye, 64, 17],
    [J.rightEye, 56, 17],
    [J.leftEar, 68, 19],
    [J.rightEar, 52, 19],
    [J.leftShoulder, 75, 40],
    [J.rightShoulder, 45, 40],
    [J.leftElbow, 84, 62],
    [J.rightElbow, 36, 62],
    [J.leftWrist, 88, 82],
    [J.rightWrist, 32, 82],
    [J.leftHip, 69, 82],
    [J.rightHip, 51, 82],
    [J.leftKnee, 70, 108],
    [J.rightKnee, 50, 108],
    [J.leftAnkle, 70, 134],
    [J.rightAnkle, 50, 134],
  ];
  for (const [j, x, y] of at) {
    p.x[j] = x;
    p.y[j] = y;
    p.score[j] = 0.9;
  }
  return p;
}

test('the worker renders the same frames as this thread, in order', async () => {
  const img = createImage(120, 150);
  for (let y = 0; y < 150; y++)
    for (let x = 0; x < 120; x++) {
      const o = (y * 120 + x) * 4;
      const body = Math.abs(x - 60) < 14 + (y < 90 ? 12 : 0) && y > 10 && y < 140;
      img.data.set(body ? [40, 30, 90, 255] : [200 + (x % 7), 210, 150 + (y % 5), 255], o);
    }
  const pose = figure();
  const scene = prepareBodyScene(img, pose);
  const targets = [0, 1, 2, 3, 4].map((k) => {
    const d = clonePose(pose);
    d.x[J.leftWrist] = 88 + 6 * k;
    d.y[J.leftWrist] = 82 - 8 * k;
    return createRetargeter(pose, pose).next(d);
  });
  const inline = createBodyRenderInline(scene);
  const worker = createBodyRenderWorker(scene);
  try {
    const a = [];
    const b = [];
    for (const target of targets) {
      a.push(...(await inline.push({ target })));
      b.push(...(await worker.push({ target, revealed: true })));
    }
    b.push(...(await worker.flush()));
    assert.equal(b.length, targets.length);
    for (let i = 0; i < a.length; i++) assert.deepEqual(b[i]!.image.data, a[i]!.image.data, `frame ${i}`);
    assert.ok(b[4]!.revealed instanceof Uint8Array);
    assert.notDeepEqual(a[4]!.image.data, a[0]!.image.data, 'the frames differ: the wrist moved');
  } finally {
    await worker.close();
  }
});
