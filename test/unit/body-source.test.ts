/**
 * Choosing the person in a source photo (src/body/source.ts), shared by `vivify body` and the web studio: the
 * full-length rule, several people, no person, a face too small for the face engine. MoveNet is replaced by a
 * detector that returns a fixed figure, so only the choice is tested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage } from '../../src/face/image.js';
import type { BodyDetector, SquareCrop } from '../../src/body/movenet.js';
import { completeCroppedLegs } from '../../src/body/person.js';
import { J, clonePose, emptyPose, type BodyPose } from '../../src/body/skeleton.js';
import { chooseBodyPerson, isFullLength, jointsInPicture } from '../../src/body/source.js';
import { isVivifyError } from '../../src/errors.js';

/** A standing figure in a 160×200 frame (nose at 80,30; hips at y 110; knees at 145; ankles at 180). */
function standing(): BodyPose {
  const p = emptyPose();
  const put = (j: number, x: number, y: number): void => {
    p.x[j] = x;
    p.y[j] = y;
    p.score[j] = 0.9;
  };
  put(J.nose, 80, 30);
  put(J.leftEye, 85, 26);
  put(J.rightEye, 75, 26);
  put(J.leftShoulder, 100, 55);
  put(J.rightShoulder, 60, 55);
  put(J.leftElbow, 112, 85);
  put(J.rightElbow, 48, 85);
  put(J.leftWrist, 118, 112);
  put(J.rightWrist, 42, 112);
  put(J.leftHip, 92, 110);
  put(J.rightHip, 68, 110);
  put(J.leftKnee, 93, 145);
  put(J.rightKnee, 67, 145);
  put(J.leftAnkle, 94, 180);
  put(J.rightAnkle, 66, 180);
  return p;
}

/** A detector that finds `pose` wherever it looks, and records the crops it was given. */
function fixed(pose: BodyPose): BodyDetector & { crops: (SquareCrop | undefined)[] } {
  const crops: (SquareCrop | undefined)[] = [];
  return {
    crops,
    detect: (_image, crop) => {
      crops.push(crop);
      return clonePose(pose);
    },
    detectStill: () => {
      crops.push(undefined);
      return clonePose(pose);
    },
    createTracker: () => ({ next: () => clonePose(pose) }),
    close: () => undefined,
  };
}

const face = (
  x: number,
  y: number,
  size: number,
): { box: { x: number; y: number; width: number; height: number }; landmarks: Float32Array } => ({
  box: { x, y, width: size, height: size },
  landmarks: new Float32Array(478 * 3),
});

test('full length: both hips and a knee seen inside the picture; a waist-up figure or knees placed below the frame are not', () => {
  assert.equal(isFullLength(standing(), 160, 200), true);
  const waist = standing();
  for (const j of [J.leftKnee, J.rightKnee, J.leftAnkle, J.rightAnkle]) waist.score[j] = 0;
  assert.equal(isFullLength(waist, 160, 200), false);
  // Cut at y 120: completeCroppedLegs places the knees below the frame, where they are a guess.
  const cut = completeCroppedLegs(waist, 160, 120);
  assert.ok(cut.score[J.leftKnee]! > 0.3 && cut.y[J.leftKnee]! >= 120);
  assert.equal(isFullLength(cut, 160, 120), false);
  assert.equal(jointsInPicture(cut, 160, 120), 11);
  assert.equal(jointsInPicture(standing(), 160, 200), 15);
  const oneHip = standing();
  oneHip.score[J.rightHip] = 0.1;
  assert.equal(isFullLength(oneHip, 160, 200), false);
});

test('one person: the whole picture; a face under 32 px is left to the rig, and says so', () => {
  const d = fixed(standing());
  const p = chooseBodyPerson(createImage(160, 200), d, { name: 'me.jpg', faces: [face(70, 20, 20)] });
  assert.deepEqual(d.crops, [undefined]);
  assert.equal(p.people, 1);
  assert.equal(p.face, undefined);
  assert.deepEqual(p.warnings, [
    "the face in me.jpg is 20 px wide at the output size, under the face engine's 32: it moves as a flat piece of the photo (a larger --size helps)",
  ]);
  // Faces found at twice the working size are scaled down to it.
  const half = chooseBodyPerson(createImage(160, 200), d, { name: 'me.jpg', faces: [face(140, 40, 40)], scale: 0.5 });
  assert.match(half.warnings[0]!, /is 20 px wide/);
});

test('two people: MoveNet looks under the largest face, and the choice is said the caller’s way', () => {
  const d = fixed(standing());
  const p = chooseBodyPerson(createImage(160, 200), d, {
    name: 'two.jpg',
    faces: [face(70, 20, 20), face(130, 20, 12)],
    pickAnother: 'the Person control picks another',
  });
  assert.ok(d.crops[0] && Math.abs(d.crops[0].cx - 80) < 1e-6, `crop ${JSON.stringify(d.crops[0])}`);
  assert.equal(p.people, 2);
  assert.equal(p.warnings[0], 'two.jpg shows 2 people: animating the largest (the Person control picks another)');
  // The second person's face does not hold this figure's nose: no body under it.
  assert.throws(
    () =>
      chooseBodyPerson(createImage(160, 200), d, {
        name: 'two.jpg',
        faces: [face(70, 20, 20), face(130, 20, 12)],
        person: 2,
      }),
    (e: unknown) => isVivifyError(e) && e.code === 'E_NO_PERSON' && /no body found under face 2 of 2/.test(e.message),
  );
  assert.throws(
    () => chooseBodyPerson(createImage(160, 200), d, { name: 'two.jpg', faces: [face(70, 20, 20)], person: 3 }),
    (e: unknown) =>
      isVivifyError(e) &&
      e.code === 'E_USAGE' &&
      e.message === '--person 3: two.jpg shows 1 face (people are counted by their faces)',
  );
});

test('no person: a head alone is refused in one line', () => {
  const head = emptyPose();
  for (const j of [J.nose, J.leftEye, J.rightEye]) head.score[j] = 0.9;
  assert.throws(
    () => chooseBodyPerson(createImage(160, 200), fixed(head), { name: 'face.png' }),
    (e: unknown) =>
      isVivifyError(e) && e.code === 'E_NO_PERSON' && /^no person to animate in face\.png: /.test(e.message),
  );
});
