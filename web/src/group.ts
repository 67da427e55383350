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
  faceState,
  type Reenactor,
  type ReenactorOptions,
  type RgbaImage,
} from '../../src/engine.js';

const centre = (f: FaceResult): number => f.box.x + f.box.width / 2;

/** The faces sorted left to right. */
export const leftToRight = (faces: readonly FaceResult[]): FaceResult[] =>
  [...faces].sort((a, b) => centre(a) - centre(b));

/**
 * The place from the left of the driver face that drives portrait face `rank` of `count`, among `found` driver
 * faces: by position, as the engine's group reenactor maps them.
 */
const driverRank = (rank: number, count: number, found: number): number =>
  count <= 1 ? 0 : Math.round((rank * (found - 1)) / (count - 1));

/**
 * A reenactor for every face of `image` at once. Each member measures motion from `reference` (a driving frame
 * and its faces: the member's driver face in it, mapped by position), or without one from the first frame that
 * shows its driver face.
 */
export function groupReenactor(
  image: RgbaImage,
  faces: readonly FaceResult[],
  options: ReenactorOptions,
  reference?: { image: RgbaImage; faces: readonly FaceResult[] },
): Reenactor {
  const ranked = leftToRight(faces);
  const drivers = reference ? leftToRight(reference.faces) : [];
  return createGroupReenactor(
    image,
    faces.map((face) => {
      const rank = ranked.indexOf(face);
      const driver = drivers[driverRank(rank, faces.length, drivers.length)];
      const own = driver
        ? { reference: faceState(driver), referenceFrame: { image: reference!.image, landmarks: driver.landmarks } }
        : {};
      return { reenactor: createReenactor(image, face, { ...options, ...own }), rank };
    }),
  );
}
