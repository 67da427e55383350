/**
 * The landmark stage: detector → face region → 468-point mesh → iris refinement, all on RGBA pixels.
 * Model execution goes through tfjs; everything else is plain arithmetic on typed arrays.
 */
import type { RgbaImage } from '../face/image.js';
import { decodeDetections, DETECTOR_INPUT, weightedNms, type RawDetection } from './blazeface.js';
import { cropToImage, imageToCrop, sampleCrop, type RotatedSquare } from './crop.js';
import { outputNames, runModel, type ModelSet } from './models.js';
import { GROUPS, LANDMARK_COUNT, LM, MESH_POINTS } from '../face/topology.js';

const MESH_INPUT = 192;
const IRIS_INPUT = 64;
/** Face region side = this × the landmarks' extent (MediaPipe's face-landmark ROI scale). */
const ROI_SCALE = 1.5;
/** Eye region side = this × the eye's corner-to-corner width. */
const EYE_SCALE = 2.3;

export interface Detection {
  score: number;
  /** Face box in image pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Eyes, nose, mouth, ears in image pixels: right eye first (the subject's right, image left). */
  keypoints: [number, number][];
}

/** Runs BlazeFace on the whole image (letterboxed into its 256×256 input). */
export function detectFaces(models: ModelSet, image: RgbaImage, minScore: number, maxFaces: number): Detection[] {
  const side = Math.max(image.width, image.height);
  const region: RotatedSquare = { cx: image.width / 2, cy: image.height / 2, size: side, angleRad: 0 };
  const input = sampleCrop(image, region, DETECTOR_INPUT, { scale: 2, offset: -1 });
  const outputs = runModel(models.blazeface, input, [1, DETECTOR_INPUT, DETECTOR_INPUT, 3]);
  const bySize = (n: number): Float32Array => {
    const o = outputs.find((t) => t.length === n);
    if (!o) throw new Error(`detector output of ${n} values missing`);
    return o;
  };
  const raw = decodeDetections(bySize(512), bySize(512 * 16), bySize(384), bySize(384 * 16), minScore);
  return weightedNms(raw, 0.3, maxFaces).map((d) => toImage(d, region));
}

function toImage(d: RawDetection, region: RotatedSquare): Detection {
  const s = region.size / DETECTOR_INPUT;
  const [cx, cy] = cropToImage(region, DETECTOR_INPUT, d.cx, d.cy);
  const keypoints: [number, number][] = [];
  for (let k = 0; k < 6; k++)
    keypoints.push(cropToImage(region, DETECTOR_INPUT, d.keypoints[2 * k]!, d.keypoints[2 * k + 1]!));
  return {
    score: d.score,
    box: { x: cx - (d.w * s) / 2, y: cy - (d.h * s) / 2, width: d.w * s, height: d.h * s },
    keypoints,
  };
}

/** Face region for the mesh model from a detection: square, 1.5× the box, rotated so the eyes are level. */
export function regionFromDetection(d: Detection): RotatedSquare {
  const [re, le] = [d.keypoints[0]!, d.keypoints[1]!];
  return {
    cx: d.box.x + d.box.width / 2,
    cy: d.box.y + d.box.height / 2,
    size: Math.max(d.box.width, d.box.height) * ROI_SCALE,
    angleRad: Math.atan2(le[1] - re[1], le[0] - re[0]),
  };
}

/** Face region from a previous mesh (tracking): the landmarks' extent in the eye-levelled frame, ×1.5. */
export function regionFromLandmarks(lm: Float32Array): RotatedSquare {
  const angleRad = Math.atan2(
    lm[3 * LM.leftEyeOuter + 1]! - lm[3 * LM.rightEyeOuter + 1]!,
    lm[3 * LM.leftEyeOuter]! - lm[3 * LM.rightEyeOuter]!,
  );
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  let minU = Infinity,
    maxU = -Infinity,
    minV = Infinity,
    maxV = -Infinity;
  for (let i = 0; i < MESH_POINTS; i++) {
    const x = lm[3 * i]!;
    const y = lm[3 * i + 1]!;
    const u = c * x + s * y;
    const v = -s * x + c * y;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (v < minV) minV = v;
    if (v > maxV) maxV = v;
  }
  const mu = (minU + maxU) / 2;
  const mv = (minV + maxV) / 2;
  return { cx: c * mu - s * mv, cy: s * mu + c * mv, size: Math.max(maxU - minU, maxV - minV) * ROI_SCALE, angleRad };
}

export interface MeshResult {
  /** 478 × xyz in image pixels (z scaled like x). */
  landmarks: Float32Array;
  /** Face presence confidence from the mesh model, in [0, 1]. */
  score: number;
  region: RotatedSquare;
}

/**
 * The mesh model's outputs Vivify reads (landmarks and face score), by name, learnt from its first run. Its
 * third output (266 values, not used) is then not computed: the graph is pruned to what these need.
 */
const meshOutputs = new WeakMap<ModelSet['facemesh'], string[]>();

/** Runs the mesh model on one face region, then the iris model on both eyes. */
export function meshFromRegion(models: ModelSet, image: RgbaImage, region: RotatedSquare): MeshResult {
  const input = sampleCrop(image, region, MESH_INPUT);
  const used = meshOutputs.get(models.facemesh);
  const outputs = runModel(models.facemesh, input, [1, MESH_INPUT, MESH_INPUT, 3], used);
  const coords = outputs.find((t) => t.length === MESH_POINTS * 3);
  const conf = outputs.find((t) => t.length === 1);
  if (!used && coords && conf) {
    const names = outputNames(models.facemesh);
    meshOutputs.set(models.facemesh, [names[outputs.indexOf(coords)]!, names[outputs.indexOf(conf)]!]);
  }
  if (!coords || !conf) throw new Error('face mesh outputs missing');
  const raw = conf[0]!;
  // The model's confidence output is a logit in some exports and a probability in others.
  const score = raw >= 0 && raw <= 1 ? raw : 1 / (1 + Math.exp(-raw));
  const landmarks = new Float32Array(LANDMARK_COUNT * 3);
  const zScale = region.size / MESH_INPUT;
  for (let i = 0; i < MESH_POINTS; i++) {
    const [x, y] = cropToImage(region, MESH_INPUT, coords[3 * i]!, coords[3 * i + 1]!);
    landmarks[3 * i] = x;
    landmarks[3 * i + 1] = y;
    landmarks[3 * i + 2] = coords[3 * i + 2]! * zScale;
  }
  refineEyes(models, image, region, landmarks);
  return { landmarks, score, region };
}

/** Iris model output layout: 71 eye-contour points, then 5 iris points (centre first). */
const IRIS_CONTOUR = 71;
const IRIS_POINTS = 76;
/** Which eye-contour groups the iris model refines, and its point indices for each (MediaPipe's mapping). */
const IRIS_TO_MESH: [EyeGroupName, number[]][] = [
  ['Upper0', [9, 10, 11, 12, 13, 14, 15]],
  ['Upper1', [25, 26, 27, 28, 29, 30, 31]],
  ['Upper2', [41, 42, 43, 44, 45, 46, 47]],
  ['Lower0', [0, 1, 2, 3, 4, 5, 6, 7, 8]],
  ['Lower1', [16, 17, 18, 19, 20, 21, 22, 23, 24]],
  ['Lower2', [32, 33, 34, 35, 36, 37, 38, 39, 40]],
  ['Lower3', [54, 55, 56, 57, 58, 59, 60, 61, 62]],
];
type EyeGroupName = 'Upper0' | 'Upper1' | 'Upper2' | 'Lower0' | 'Lower1' | 'Lower2' | 'Lower3';
type EyeGroups = Record<EyeGroupName, readonly number[]>;
const EYE_GROUPS_RIGHT: EyeGroups = {
  Upper0: GROUPS.rightEyeUpper0,
  Upper1: GROUPS.rightEyeUpper1,
  Upper2: GROUPS.rightEyeUpper2,
  Lower0: GROUPS.rightEyeLower0,
  Lower1: GROUPS.rightEyeLower1,
  Lower2: GROUPS.rightEyeLower2,
  Lower3: GROUPS.rightEyeLower3,
};
const EYE_GROUPS_LEFT: EyeGroups = {
  Upper0: GROUPS.leftEyeUpper0,
  Upper1: GROUPS.leftEyeUpper1,
  Upper2: GROUPS.leftEyeUpper2,
  Lower0: GROUPS.leftEyeLower0,
  Lower1: GROUPS.leftEyeLower1,
  Lower2: GROUPS.leftEyeLower2,
  Lower3: GROUPS.leftEyeLower3,
};

interface EyeSpec {
  outer: number;
  inner: number;
  groups: EyeGroups;
  /** The iris model is trained on one eye; the other is mirrored in and out. */
  flip: boolean;
  irisBase: number;
}
// The model is trained on the subject's right eye as seen (outer corner on the image's left); the left eye
// goes in mirrored. Measured on real faces: mirroring the wrong eye puts its contour ~60% of an eye width off.
const EYES: EyeSpec[] = [
  { outer: LM.leftEyeOuter, inner: LM.leftEyeInner, groups: EYE_GROUPS_LEFT, flip: true, irisBase: 468 },
  { outer: LM.rightEyeOuter, inner: LM.rightEyeInner, groups: EYE_GROUPS_RIGHT, flip: false, irisBase: 473 },
];

function refineEyes(models: ModelSet, image: RgbaImage, face: RotatedSquare, lm: Float32Array): void {
  const regions: RotatedSquare[] = [];
  const input = new Float32Array(2 * IRIS_INPUT * IRIS_INPUT * 3);
  EYES.forEach((eye, k) => {
    // Work in the face region's levelled frame so the eye box is square to the eye line.
    const [ou, ov] = imageToCrop(face, MESH_INPUT, lm[3 * eye.outer]!, lm[3 * eye.outer + 1]!);
    const [iu, iv] = imageToCrop(face, MESH_INPUT, lm[3 * eye.inner]!, lm[3 * eye.inner + 1]!);
    const sizeCrop = Math.max(Math.abs(ou - iu), Math.abs(ov - iv)) * EYE_SCALE;
    const [cx, cy] = cropToImage(face, MESH_INPUT, (ou + iu) / 2, (ov + iv) / 2);
    const r: RotatedSquare = {
      cx,
      cy,
      size: Math.max(2, (sizeCrop * face.size) / MESH_INPUT),
      angleRad: face.angleRad,
    };
    regions.push(r);
    input.set(sampleCrop(image, r, IRIS_INPUT, { flip: eye.flip }), k * IRIS_INPUT * IRIS_INPUT * 3);
  });
  const [out] = runModel(models.iris, input, [2, IRIS_INPUT, IRIS_INPUT, 3]);
  if (!out || out.length !== 2 * IRIS_POINTS * 3) throw new Error('iris outputs missing');
  // How far each eye is turned away: a large depth gap between the outer corners means a profile view,
  // where the far eye's refined contour is unreliable (only the lid margins are kept for the near eye).
  const depthGap = (lm[3 * LM.leftEyeOuter + 2]! - lm[3 * LM.rightEyeOuter + 2]!) / (face.size / MESH_INPUT);
  EYES.forEach((eye, k) => {
    const r = regions[k]!;
    const pts = new Float32Array(IRIS_POINTS * 2);
    for (let i = 0; i < IRIS_POINTS; i++) {
      let u = out[(k * IRIS_POINTS + i) * 3]!;
      const v = out[(k * IRIS_POINTS + i) * 3 + 1]!;
      if (eye.flip) u = IRIS_INPUT - u;
      const [x, y] = cropToImage(r, IRIS_INPUT, u, v);
      pts[2 * i] = x;
      pts[2 * i + 1] = y;
    }
    const farEye = k === 0 ? depthGap > 30 : depthGap < -30;
    const frontal = Math.abs(depthGap) < 30;
    if (frontal || !farEye) {
      for (const [key, idx] of IRIS_TO_MESH) {
        if (!frontal && key !== 'Upper0' && key !== 'Lower0') continue;
        const group = eye.groups[key];
        idx.forEach((src, j) => {
          const m = group[j]!;
          lm[3 * m] = pts[2 * src]!;
          lm[3 * m + 1] = pts[2 * src + 1]!;
        });
      }
    }
    // Iris points take their depth from the lid centres (the iris model's own depth is unreliable).
    const zUp = lm[3 * eye.groups.Upper0[3]! + 2]!;
    const zLow = lm[3 * eye.groups.Lower0[4]! + 2]!;
    for (let j = 0; j < 5; j++) {
      const m = eye.irisBase + j;
      lm[3 * m] = pts[2 * (IRIS_CONTOUR + j)]!;
      lm[3 * m + 1] = pts[2 * (IRIS_CONTOUR + j) + 1]!;
      lm[3 * m + 2] = j === 2 ? zUp : j === 4 ? zLow : (zUp + zLow) / 2;
    }
  });
}
