import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sampleCrop } from '../../src/analysis/crop.js';
import { regionFromLandmarks } from '../../src/analysis/mesh.js';
import { fileModelLoader, humanModelDir, wasmDir } from '../../src/analysis/node/load-models.js';
import { initBackend, liveTensors, loadModels, outputNames, runModel } from '../../src/analysis/models.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { EMOTIONS } from '../../src/face/types.js';
import { readImage } from '../../src/media/image-file.js';
import { createImage } from '../../src/face/image.js';
import { decodeVideo } from '../../src/media/video.js';
import { ASTRONAUT, makeMovingFaceVideo, tempDir } from '../helpers.js';

let analyzer: NodeFaceAnalyzer;
before(async () => {
  analyzer = await createFaceAnalyzer();
});
after(() => analyzer.close());

/** Astronaut landmarks checked by eye on the overlay (index → image pixels). */
const ASTRONAUT_LANDMARKS: Record<number, [number, number]> = {
  1: [223.1, 131.3], // nose tip
  10: [226.9, 69.8], // top of forehead
  33: [195.5, 100.7], // right eye, outer corner
  133: [213.2, 103.8], // right eye, inner corner
  263: [255.6, 104.7], // left eye, outer corner
  362: [237.6, 104.7], // left eye, inner corner
  152: [220.9, 177.6], // chin
  61: [201.2, 139.3], // mouth corners
  291: [246.1, 142.1],
  13: [223.1, 142.5], // inner lips
  14: [222.7, 150.1],
  468: [246.5, 103.5], // left iris centre
  473: [203.7, 101.1], // right iris centre
};

test('astronaut: one face, landmarks within 3 px of the reference table, frontal pose, smiling', async () => {
  const faces = await analyzer.analyze(ASTRONAUT);
  assert.equal(faces.length, 1);
  const f = faces[0]!;
  assert.equal(f.landmarks.length, 478 * 3);
  for (const [i, [x, y]] of Object.entries(ASTRONAUT_LANDMARKS)) {
    const d = Math.hypot(f.landmarks[3 * Number(i)]! - x, f.landmarks[3 * Number(i) + 1]! - y);
    assert.ok(d < 3, `landmark ${i} is ${d.toFixed(1)} px from its reference`);
  }
  assert.ok(
    Math.abs(f.pose.yawDeg) < 8 && Math.abs(f.pose.pitchDeg) < 10 && Math.abs(f.pose.rollDeg) < 8,
    JSON.stringify(f.pose),
  );
  assert.ok(f.pose.fitErrorRms < 0.06);
  assert.ok(f.eyes.left > 0.2 && f.eyes.right > 0.2, 'eyes open');
  assert.ok(f.mouth.open > 0.05, 'lips apart (teeth showing)');
  const top = EMOTIONS.reduce((a, b) => (f.emotion![a] > f.emotion![b] ? a : b));
  assert.equal(top, 'happy');
  assert.ok(Math.abs(EMOTIONS.reduce((s, e) => s + f.emotion![e], 0) - 1) < 1e-6);
  assert.ok(f.box.x > 150 && f.box.x + f.box.width < 300);
});

test('a mirrored portrait mirrors yaw, roll and gaze, and swaps the eyes', async () => {
  const img = await readImage(ASTRONAUT);
  const m = createImage(img.width, img.height);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++)
      m.data.set(
        img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
        (y * img.width + (img.width - 1 - x)) * 4,
      );
  }
  const [a] = await analyzer.analyze(img);
  const [b] = await analyzer.analyze(m);
  assert.ok(a && b);
  assert.ok(Math.abs(a.pose.yawDeg + b.pose.yawDeg) < 2.5, `${a.pose.yawDeg} vs ${b.pose.yawDeg}`);
  assert.ok(Math.abs(a.pose.rollDeg + b.pose.rollDeg) < 2.5, `${a.pose.rollDeg} vs ${b.pose.rollDeg}`);
  assert.ok(Math.abs(a.pose.pitchDeg - b.pose.pitchDeg) < 2.5);
  assert.ok(Math.abs(a.eyes.left - b.eyes.right) < 0.05);
  // The left eye's outer corner lands where the mirrored right eye's outer corner is.
  assert.ok(Math.abs(img.width - a.landmarks[3 * 263]! - b.landmarks[3 * 33]!) < 3);
});

test('no face: an empty array, not an error; a blank image likewise', async () => {
  assert.deepEqual(await analyzer.analyze(createImage(64, 48, new Uint8ClampedArray(64 * 48 * 4).fill(200))), []);
});

test('identity embedding on request: unit length, the same face scores higher than a different one', async () => {
  const img = await readImage(ASTRONAUT);
  const [f] = await analyzer.analyze(img, { identity: true });
  assert.ok(f?.embedding && f.embedding.length === 1024);
  const norm = Math.hypot(...f.embedding);
  assert.ok(Math.abs(norm - 1) < 1e-4);
  const again = await analyzer.embed(img, f);
  let same = 0;
  for (let i = 0; i < 1024; i++) same += again[i]! * f.embedding[i]!;
  assert.ok(same > 0.99, `same image, same face: ${same}`);
});

test('tracking: the detector runs once, landmarks follow the moving face, no tensors leak', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'move.mp4');
  makeMovingFaceVideo(file, { frames: 20, fps: 10, size: 256 });
  const tensorsBefore = liveTensors();
  const tracker = analyzer.createTracker();
  let frames = 0;
  const nose: [number, number][] = [];
  for await (const frame of decodeVideo(file)) {
    const r = await tracker.next(frame);
    assert.equal(r.faces.length, 1, `frame ${frame.index}`);
    nose.push([r.faces[0]!.landmarks[3]!, r.faces[0]!.landmarks[4]!]);
    // Detection on the same frame agrees with tracking.
    if (frame.index % 7 === 0) {
      const [d] = await analyzer.analyze(frame);
      assert.ok(Math.hypot(d!.landmarks[3]! - nose.at(-1)![0], d!.landmarks[4]! - nose.at(-1)![1]) < 2.5);
    }
    frames++;
  }
  assert.equal(frames, 20);
  assert.equal(tracker.detections, 1);
  // The crop window moves 30·sin(n/4) px (scaled 256/320): the nose moves the opposite way, by up to ~24 px.
  const xs = nose.map((p) => p[0]);
  assert.ok(Math.max(...xs) - Math.min(...xs) > 20, 'nose moves');
  assert.equal(liveTensors(), tensorsBefore, 'no tensor leaked');
});

test('the mesh model pruned to the outputs the analysis reads gives the same landmarks and score', async () => {
  await initBackend(wasmDir());
  const models = await loadModels(fileModelLoader(humanModelDir()));
  const face = (await analyzer.analyze(ASTRONAUT))[0]!;
  const input = sampleCrop(await readImage(ASTRONAUT), regionFromLandmarks(face.landmarks), 192);
  const all = runModel(models.facemesh, input, [1, 192, 192, 3]);
  assert.equal(all.length, 3);
  const names = outputNames(models.facemesh);
  const wanted = all.map((o, i) => [o.length, names[i]!] as const).filter(([n]) => n === 1404 || n === 1);
  const pruned = runModel(
    models.facemesh,
    input,
    [1, 192, 192, 3],
    wanted.map(([, name]) => name),
  );
  assert.deepEqual(
    pruned,
    all.filter((o) => o.length === 1404 || o.length === 1),
  );
});

test('rejects wrong arguments at once', async () => {
  await assert.rejects(createFaceAnalyzer({ maxFaces: 0 }), RangeError);
  await assert.rejects(
    createFaceAnalyzer({ minFaceScore: 2 }),
    /Expected a number in \[0, 1\] for minFaceScore but received 2/,
  );
});
