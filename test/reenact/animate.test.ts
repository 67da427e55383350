import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import type { RgbaImage } from '../../src/face/image.js';
import { decodeVideo, probeVideo } from '../../src/media/video.js';
import { animate, drivingDecodeSide, DRIVING_FACE_MIN_PX, prepareReenactment } from '../../src/reenact/node/animate.js';
import { driveReenactor, type ReenactedFrame } from '../../src/reenact/reenactor.js';
import { createWorkerReenactor } from '../../src/reenact/node/render-worker.js';
import { ASTRONAUT, makeMovingFaceVideo, tempDir } from '../helpers.js';

let analyzer: NodeFaceAnalyzer;
before(async () => {
  analyzer = await createFaceAnalyzer({ emotion: false });
});
after(() => analyzer.close());

test('drivingDecodeSide: large driver faces are decoded down to what the portrait needs, never up', () => {
  const hd = { width: 1920, height: 1080 };
  // A 480-px face for a small portrait face: decoded so the face is DRIVING_FACE_MIN_PX.
  assert.equal(drivingDecodeSide(hd, 480, 100), Math.round((1920 * DRIVING_FACE_MIN_PX) / 480));
  // A large portrait face keeps more of the driver.
  assert.equal(drivingDecodeSide(hd, 480, 320), Math.round((1920 * 320) / 480));
  // Self-reenactment (the portrait's face is the driver's) and small driver faces: the video's own size.
  assert.equal(drivingDecodeSide(hd, 480, 480), undefined);
  assert.equal(drivingDecodeSide(hd, 200, 100), undefined);
  // Less than a quarter to gain: not worth a different decode.
  assert.equal(drivingDecodeSide(hd, 300, 100), undefined);
});

test('animate decodes a large driver at a smaller size, with its face tracked in every frame', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'big.mp4');
  makeMovingFaceVideo(driving, { frames: 8, fps: 8, size: 1024 });
  const info = await probeVideo(driving);
  const out = path.join(dir, 'out.mp4');
  const report = await animate(ASTRONAUT, driving, out, { analyzer });
  assert.ok(
    report.drivingSize.width < info.width && report.drivingSize.width >= 400,
    `decoded at ${report.drivingSize.width}×${report.drivingSize.height}`,
  );
  assert.equal(report.drivingSize.width % 2, 0);
  assert.equal(report.frames, 8);
  assert.equal(report.framesWithoutFace, 0);
  // The split per stage: render time comes back from the render thread; waiting for ffmpeg is counted.
  const m = report.msPerFrame;
  assert.ok(m.render > 0 && m.analyse > 0 && m.encode > 0 && m.decode >= 0, JSON.stringify(m));
  assert.ok(m.total >= m.analyse + m.decode + m.encode, JSON.stringify(m));
  assert.deepEqual([(await probeVideo(out)).width, (await probeVideo(out)).frameCount], [512, 8]);

  // Its own first frame as the portrait (self-reenactment): the driver keeps its size.
  let first: RgbaImage | undefined;
  for await (const f of decodeVideo(driving, { maxFrames: 1 })) first = f;
  const self = await animate(first!, driving, path.join(dir, 'self.mp4'), { analyzer });
  assert.deepEqual(self.drivingSize, { width: 1024, height: 1024 });
});

test('rendering on a worker thread gives the same frames, in the same order, as rendering in the loop', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'move.mp4');
  makeMovingFaceVideo(driving, { frames: 14, fps: 12, size: 256 });
  const prepared = await prepareReenactment(ASTRONAUT, driving, { smooth: 0.5 }, analyzer, { occlusion: true });
  const run = async (worker: boolean): Promise<ReenactedFrame[]> => {
    const reenactor = worker ? await createWorkerReenactor(prepared.setup) : prepared.reenactor;
    const out: ReenactedFrame[] = [];
    try {
      for await (const r of driveReenactor(prepared.frames(), analyzer.createTracker(), reenactor)) out.push(r);
    } finally {
      if ('close' in reenactor) await reenactor.close();
    }
    return out;
  };
  const here = await run(false);
  const there = await run(true);
  assert.equal(there.length, 14);
  assert.equal(here.length, 14);
  for (let i = 0; i < 14; i++) {
    assert.equal(there[i]!.frame.index, i);
    assert.equal(there[i]!.mouth, here[i]!.mouth);
    assert.deepEqual(there[i]!.image.data, here[i]!.image.data, `frame ${i}`);
    assert.deepEqual(there[i]!.occlusion, here[i]!.occlusion);
    assert.ok(there[i]!.face && there[i]!.frame.data.length === 256 * 256 * 4, 'the caller keeps its frames and faces');
  }
});

test('the reenactor gets the appearance and detail options it was asked for', async (t) => {
  const dir = tempDir(t);
  const driving = path.join(dir, 'move.mp4');
  makeMovingFaceVideo(driving, { frames: 4, fps: 12, size: 256 });
  const prepared = await prepareReenactment(ASTRONAUT, driving, { appearance: 0.25, detail: 0.5 }, analyzer, {});
  assert.equal(prepared.setup.options.appearance, 0.25);
  assert.equal(prepared.setup.options.detail, 0.5);
});

test('a failure on the render thread surfaces in the loop as an error with its message', async () => {
  const source = { width: 4, height: 4, data: new Uint8ClampedArray(64) };
  const face = (await analyzer.analyze(ASTRONAUT))[0]!;
  // A face without a pose cannot be reenacted: the worker's reenactor fails on the first frame.
  const broken = { ...face, pose: undefined } as unknown as typeof face;
  const reenactor = await createWorkerReenactor({ source, sourceFace: broken, options: {}, occlusion: false });
  try {
    await reenactor.push({ ...source, index: 0 }, face); // handed over; the worker fails on it
    await assert.rejects(reenactor.flush(), /render worker: TypeError: .*rotation/);
  } finally {
    await reenactor.close();
  }
});
