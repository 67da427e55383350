/**
 * The person to animate in a source photo, decided from pixels already at the working size: with several
 * faces (several people), the largest (or the N-th by face size), whose body MoveNet finds under their
 * face; the pose, completed where the frame cuts the legs; and the face the face engine re-renders, when it
 * is large enough and no hand lies on it. The command line (node/animate.ts, which reads the files) and the web
 * studio (which has the pixels and the faces already) both decide here. Pure: pixels and faces in.
 */
import { VivifyError } from '../errors.js';
import type { RgbaImage } from '../face/image.js';
import type { FaceResult } from '../face/types.js';
import { stateFromLandmarks } from '../motion/motion.js';
import { handOnFace, type BodyFace } from './face.js';
import { cropAround, type BodyDetector, type SquareCrop } from './movenet.js';
import { completeCroppedLegs, cropBelowFace, poseHasFace, requirePerson, type FaceBox } from './person.js';
import { BODY_OPTIONS } from './options.js';
import { J, JOINT_COUNT, seen, seenCount, type BodyPose } from './skeleton.js';

/** What a face needs to be re-rendered by the face engine: its width at the output size, in pixels. */
const MIN_BODY_FACE_PX = 32;

/** The person chosen in a photo: pose, face for the face engine, how many people, and lines for the user. */
export interface BodyPerson {
  pose: BodyPose;
  /** The person's face, landmarks at the working size, when it is large enough for the face engine. */
  face?: BodyFace;
  /** Faces found in the photo (people, as far as this can tell). */
  people: number;
  /** Lines for the user: several people and which was taken, a face left to the rig. */
  warnings: string[];
}

export interface BodyPersonOptions {
  /** The photo's name in messages. */
  name: string;
  /** Which person, by face size (1: the largest). Default 1. */
  person?: number;
  /**
   * The faces found in the photo (largest first), with `scale` from their coordinates to the working size
   * (the command line finds them at the photo's full resolution). Without them: no choice of person and no
   * face for the face engine.
   */
  faces?: readonly Pick<FaceResult, 'box' | 'landmarks'>[];
  scale?: number;
  /** How the user picks another person, said when there are several (default: the command line's flag). */
  pickAnother?: string;
}

/** MoveNet on a crop, then again on a crop around what it found, as long as that is still the same person. */
function detectAt(detector: BodyDetector, image: RgbaImage, crop: SquareCrop, face: FaceBox): BodyPose {
  const first = detector.detect(image, crop);
  const again = cropAround(first, image);
  if (!again) return first;
  const second = detector.detect(image, again);
  return poseHasFace(second, face) && seenCount(second) >= seenCount(first) ? second : first;
}

const scaleBox = (b: FaceBox, k: number): FaceBox => ({
  x: b.x * k,
  y: b.y * k,
  width: b.width * k,
  height: b.height * k,
});

/**
 * The person to animate in `image` (at the working size). Throws E_NO_PERSON when there is none to rig,
 * E_USAGE when `person` asks for a face the photo does not have.
 *
 * @example
 * const { pose, face, warnings } = chooseBodyPerson(image, detector, { name: 'me.jpg', faces });
 */
export function chooseBodyPerson(image: RgbaImage, detector: BodyDetector, options: BodyPersonOptions): BodyPerson {
  const { name, faces = [], scale: k = 1 } = options;
  const n = options.person ?? BODY_OPTIONS.person.default;
  const warnings: string[] = [];
  let found: BodyPose;
  if (faces.length > 1 || n > 1) {
    const chosen = faces[n - 1];
    if (!chosen)
      throw new VivifyError(
        'E_USAGE',
        `--person ${n}: ${name} shows ${faces.length} ${faces.length === 1 ? 'face' : 'faces'} (people are counted by their faces)`,
      );
    const box = scaleBox(chosen.box, k);
    found = detectAt(detector, image, cropBelowFace(box, image.width, image.height), box);
    if (!poseHasFace(found, box))
      throw new VivifyError(
        'E_NO_PERSON',
        `no person to animate in ${name}: no body found under face ${n} of ${faces.length} (at ${Math.round(chosen.box.x)},${Math.round(chosen.box.y)})`,
      );
    if (faces.length > 1)
      warnings.push(
        `${name} shows ${faces.length} people: animating ${n === 1 ? 'the largest' : `person ${n} by face size`} (${options.pickAnother ?? '--person N picks another; 1 is the largest'})`,
      );
  } else found = detector.detectStill(image);
  requirePerson(found, name);
  const pose = completeCroppedLegs(found, image.width, image.height);
  let face: BodyFace | undefined;
  if (options.faces) {
    const mine = faces.find((f) => poseHasFace(pose, scaleBox(f.box, k)));
    if (!mine) warnings.push(`no face found on the person in ${name}: the face moves as a flat piece of the photo`);
    else if (mine.box.width * k < MIN_BODY_FACE_PX)
      warnings.push(
        `the face in ${name} is ${Math.round(mine.box.width * k)} px wide at the output size, under the face engine's ${MIN_BODY_FACE_PX}: it moves as a flat piece of the photo (a larger --size helps)`,
      );
    else {
      const landmarks = mine.landmarks.map((v) => v * k);
      if (handOnFace(pose, landmarks))
        warnings.push(
          `a hand lies on or beside the face in ${name}: the face moves with the rig, not re-rendered (the face engine would drag the hand across it)`,
        );
      else face = { landmarks, state: stateFromLandmarks(landmarks) };
    }
  }
  return { pose, face, people: faces.length, warnings };
}

/**
 * True when a pose shows a full-length (or nearly full-length) person: both hips and at least one knee
 * seen inside the picture, so the photo shows the body down to the knees at least. A head-and-shoulders or
 * waist-up portrait (MoveNet often still finds hips at its bottom edge) is not: there the face is most of
 * what moves, and the face engine does it better. The web studio animates the whole body by default only
 * for a full-length photo (a waist-up one when asked).
 */
export function isFullLength(pose: BodyPose, width: number, height: number): boolean {
  const inside = (j: number): boolean => seenInside(pose, j, width, height);
  return inside(J.leftHip) && inside(J.rightHip) && (inside(J.leftKnee) || inside(J.rightKnee));
}

/** A joint seen inside the picture (one placed below the frame by completeCroppedLegs is a guess, not seen). */
const seenInside = (pose: BodyPose, j: number, width: number, height: number): boolean =>
  seen(pose, j) && pose.x[j]! >= 0 && pose.x[j]! < width && pose.y[j]! >= 0 && pose.y[j]! < height;

/** Joints seen inside the picture, of 17. */
export function jointsInPicture(pose: BodyPose, width: number, height: number): number {
  let n = 0;
  for (let j = 0; j < JOINT_COUNT; j++) if (seenInside(pose, j, width, height)) n++;
  return n;
}
