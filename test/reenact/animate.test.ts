import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node.js';
import type { RgbaImage } from '../../src/face/image.js';
import { decodeVideo, probeVideo } from '../../src/media/video.js';
import { animate, drivingDecodeSide, DRIVING_FACE_MIN_PX } from '../../src/reenact/animate.js';
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
  assert.deepEqual([(await probeVideo(out)).width, (await probeVideo(out)).frameCount], [512, 8]);

  // Its own first frame as the portrait (self-reenactment): the driver keeps its size.
  let first: RgbaImage | undefined;
  for await (const f of decodeVideo(driving, { maxFrames: 1 })) first = f;
  const self = await animate(first!, driving, path.join(dir, 'self.mp4'), { analyzer });
  assert.deepEqual(self.drivingSize, { width: 1024, height: 1024 });
});
