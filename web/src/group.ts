/**
 * All faces of a portrait at once (`vivify animate --face all`'s core): one reenactor per face, each with its
 * own warp, mouth, eyes and smoothing, composed into one frame by the engine's group reenactor, which maps
 * the driver's faces to the portrait's by position, left to right (one camera face drives them all, two the
 * left and right halves).
 */
import {
  createGroupReenactor,
  createReenactor,
  type FaceResult,
  type Reenactor,
  type ReenactorOptions,
  type RgbaImage,
} from '../../src/engine.js';

const centre = (f: FaceResult): number => f.box.x + f.box.width / 2;

/** The faces sorted left to right. */
export const leftToRight = (faces: readonly FaceResult[]): FaceResult[] =>
  [...faces].sort((a, b) => centre(a) - centre(b));

/**
 * A reenactor for every face of `image` at once. Each member takes its reference (the neutral face it measures
 * motion from) from the first frame that shows its driver face.
 */
export function groupReenactor(image: RgbaImage, faces: readonly FaceResult[], options: ReenactorOptions): Reenactor {
  const ranked = leftToRight(faces);
  return createGroupReenactor(
    image,
    faces.map((face) => ({ reenactor: createReenactor(image, face, options), rank: ranked.indexOf(face) })),
  );
}
