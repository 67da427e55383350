/** Skeleton JSON files: the documented format reads back; every malformed file is one line naming what is wrong. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSkeletonJson, poseToJson, skeletonHeader } from '../../src/body/skeleton-file.js';
import { J, emptyPose } from '../../src/body/skeleton.js';
import { isVivifyError } from '../../src/errors.js';

const joint = (j: number): [number, number, number] => [10 + j, 20 + 2 * j, 0.9];
const coco = (): unknown[] => Array.from({ length: 17 }, (_, j) => joint(j));
const doc = (frames: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ format: 'coco17', fps: 10, width: 256, height: 256, frames, ...extra });

function refused(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseSkeletonJson(text, 'moves.json'),
    (e: unknown) =>
      isVivifyError(e, 'E_BAD_SKELETON') &&
      e.message.startsWith('moves.json: ') &&
      !e.message.includes('\n') &&
      pattern.test(e.message),
  );
}

test('a COCO-17 sequence reads back with positions, scores, missing joints and the frame rate', () => {
  const kps = coco();
  kps[J.leftAnkle] = null;
  kps[J.nose] = [1, 2];
  const seq = parseSkeletonJson(doc([{ keypoints: kps }, { keypoints: coco() }]), 'moves.json');
  assert.equal(seq.frames.length, 2);
  assert.equal(seq.fps, 10);
  const p = seq.frames[0]!;
  assert.equal(p.x[J.leftWrist], 10 + J.leftWrist);
  assert.ok(Math.abs(p.score[J.leftWrist]! - 0.9) < 1e-6);
  assert.equal(p.score[J.leftAnkle], 0);
  assert.equal(p.score[J.nose], 1);
});

test('what Vivify writes, Vivify reads', () => {
  const p = emptyPose();
  p.x[J.nose] = 12.34;
  p.y[J.nose] = 5;
  p.score[J.nose] = 0.75;
  const text = JSON.stringify({ ...skeletonHeader(25, 640, 480), frames: [poseToJson(p)] });
  const back = parseSkeletonJson(text, 'out.json').frames[0]!;
  assert.ok(Math.abs(back.x[J.nose]! - 12.3) < 1e-4);
  assert.equal(back.score[J.leftHip], 0);
});

test('BlazePose-33 sequences are read through the COCO joints they contain', () => {
  const kps = Array.from({ length: 33 }, (_, k) => [k, k, 1]);
  const seq = parseSkeletonJson(doc([{ keypoints: kps }], { format: 'blazepose33' }), 'bp.json');
  assert.equal(seq.frames[0]!.x[J.leftHip], 23);
  assert.equal(seq.frames[0]!.x[J.rightAnkle], 28);
});

test('malformed skeleton files are refused in one line that says where', () => {
  refused(doc([{ keypoints: coco().slice(0, 16) }]), /frame 0 has 16 joints where coco17 has 17/);
  refused(doc([{ keypoints: coco() }, { keypoints: [...coco(), [1, 1, 1]] }]), /frame 1 has 18 joints/);
  refused(doc([]), /"frames" must be a non-empty list/);
  refused(doc([{ pose: [] }]), /frame 0 has no "keypoints" list/);
  const withNaN = doc([{ keypoints: coco() }]).replace('[10,20,0.9]', '[NaN,20,0.9]');
  refused(withNaN, /not valid JSON.*NaN or Infinity is not JSON/);
  const str = coco();
  str[3] = ['1', 2, 0.5];
  refused(doc([{ keypoints: str }]), /frame 0 joint 3 \(leftEar\) has x "\\?"?1/);
  const score = coco();
  score[5] = [1, 2, 7];
  refused(doc([{ keypoints: score }]), /joint 5 \(leftShoulder\) has a score outside 0–1/);
  refused(doc([{ keypoints: coco() }], { format: 'openpose25' }), /"format" must be "coco17" or "blazepose33"/);
  refused(doc([{ keypoints: coco() }], { width: -3 }), /"width" must be a positive number/);
  refused('[1,2,3]', /expected a JSON object/);
  refused('{"frames": [', /not valid JSON/);
});
