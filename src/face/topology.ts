/**
 * Named landmarks and landmark groups of the 478-point face mesh (MediaPipe Face Mesh topology:
 * 468 mesh points + 2 × 5 iris points). "Right" and "left" are the subject's own: the right eye is
 * the one on the image's left in a frontal photo.
 */
import { MESH_TRIANGLES, MESH_UV } from './topology-data.js';

export { MESH_TRIANGLES, MESH_UV };

export const MESH_POINTS = 468;
export const LANDMARK_COUNT = 478;

export const LM = {
  foreheadTop: 10,
  betweenEyes: 168,
  noseTip: 1,
  noseBottom: 2,
  chin: 152,
  rightEyeOuter: 33,
  rightEyeInner: 133,
  rightEyeTop: 159,
  rightEyeBottom: 145,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  leftEyeTop: 386,
  leftEyeBottom: 374,
  mouthRight: 61,
  mouthLeft: 291,
  upperLipTop: 0,
  lowerLipBottom: 17,
  upperLipInner: 13,
  lowerLipInner: 14,
  innerMouthRight: 78,
  innerMouthLeft: 308,
  leftIrisCenter: 468,
  rightIrisCenter: 473,
  rightCheek: 205,
  leftCheek: 425,
  rightBrowInner: 107,
  rightBrowMid: 105,
  rightBrowOuter: 70,
  leftBrowInner: 336,
  leftBrowMid: 334,
  leftBrowOuter: 300,
} as const;

/** Iris points: centre first, then four points on the iris rim. */
export const LEFT_IRIS = [468, 469, 470, 471, 472] as const;
export const RIGHT_IRIS = [473, 474, 475, 476, 477] as const;

export const GROUPS = {
  silhouette: [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150,
    136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
  ],
  lipsUpperOuter: [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291],
  lipsLowerOuter: [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291],
  lipsUpperInner: [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308],
  lipsLowerInner: [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308],
  rightEyeUpper0: [246, 161, 160, 159, 158, 157, 173],
  rightEyeLower0: [33, 7, 163, 144, 145, 153, 154, 155, 133],
  rightEyeUpper1: [247, 30, 29, 27, 28, 56, 190],
  rightEyeLower1: [130, 25, 110, 24, 23, 22, 26, 112, 243],
  rightEyeUpper2: [113, 225, 224, 223, 222, 221, 189],
  rightEyeLower2: [226, 31, 228, 229, 230, 231, 232, 233, 244],
  rightEyeLower3: [143, 111, 117, 118, 119, 120, 121, 128, 245],
  rightEyebrowUpper: [156, 70, 63, 105, 66, 107, 55, 193],
  rightEyebrowLower: [35, 124, 46, 53, 52, 65],
  leftEyeUpper0: [466, 388, 387, 386, 385, 384, 398],
  leftEyeLower0: [263, 249, 390, 373, 374, 380, 381, 382, 362],
  leftEyeUpper1: [467, 260, 259, 257, 258, 286, 414],
  leftEyeLower1: [359, 255, 339, 254, 253, 252, 256, 341, 463],
  leftEyeUpper2: [342, 445, 444, 443, 442, 441, 413],
  leftEyeLower2: [446, 261, 448, 449, 450, 451, 452, 453, 464],
  leftEyeLower3: [372, 340, 346, 347, 348, 349, 350, 357, 465],
  leftEyebrowUpper: [383, 300, 293, 334, 296, 336, 285, 417],
  leftEyebrowLower: [265, 353, 276, 283, 282, 295],
  noseBridge: [168, 6, 197, 195, 5, 4, 1],
} as const satisfies Record<string, readonly number[]>;

/** Closed outline of each eye opening (upper lid then lower lid, corner to corner). */
export const RIGHT_EYE_OPENING = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7] as const;
export const LEFT_EYE_OPENING = [
  263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249,
] as const;
/** Closed outline of the mouth opening (inner lip line). */
export const MOUTH_OPENING = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
] as const;
/** Closed outer lip outline. */
export const LIPS_OUTER = [
  61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
] as const;

/**
 * Points of the face that move little with expression (forehead, temples, nose bridge, eye corners,
 * cheekbones): the rigid-fit set for head pose. Mouth, jaw, lids and brows are left out.
 */
export const RIGID_POINTS: readonly number[] = [
  10, 338, 297, 332, 109, 67, 103, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 33, 133, 263, 362, 130, 359, 226, 446, 127,
  356, 234, 454, 93, 323, 116, 345, 123, 352, 50, 280, 36, 266, 198, 420, 129, 358, 98, 327, 2, 94, 19, 64, 294, 168,
  122, 351, 245, 465, 244, 464, 143, 372, 111, 340,
];

/**
 * For each mesh point, its mirror image across the face's symmetry plane (itself for points on the
 * midline), found from the symmetric UV map. Iris points map to the other iris.
 */
export const MIRROR: readonly number[] = buildMirror();

function buildMirror(): number[] {
  const mirror = new Array<number>(LANDMARK_COUNT).fill(-1);
  // 468² pairs, run on import (in the browser app's workers while the page starts): flat coordinates, so the
  // inner loop is cheap even before the JIT has compiled it.
  const us = new Float64Array(MESH_POINTS);
  const vs = new Float64Array(MESH_POINTS);
  for (let i = 0; i < MESH_POINTS; i++) [us[i], vs[i]] = MESH_UV[i]!;
  for (let i = 0; i < MESH_POINTS; i++) {
    const u = us[i]!;
    const v = vs[i]!;
    let best = i;
    let bestD = Infinity;
    for (let j = 0; j < MESH_POINTS; j++) {
      const du = 1 - u - us[j]!;
      const dv = v - vs[j]!;
      const d = du * du + dv * dv;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    mirror[i] = best;
  }
  // Iris rim order is centre, right, top, left, bottom: mirroring swaps right and left.
  const rim = [0, 3, 2, 1, 4];
  for (let k = 0; k < 5; k++) {
    mirror[LEFT_IRIS[k]!] = RIGHT_IRIS[rim[k]!]!;
    mirror[RIGHT_IRIS[k]!] = LEFT_IRIS[rim[k]!]!;
  }
  return mirror;
}
