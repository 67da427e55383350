/**
 * Facial action units (FACS, Ekman & Friesen) as deformations of the face mesh in the canonical frame.
 *
 * Each of the 17 AUs that GANimation-style models use (OpenFace's intensity set) is a displacement field
 * over the 478 points at intensity 5 (FACS "E", maximum), scaled linearly by intensity 0–5 and split into a
 * left and a right half (the subject's sides) so one-sided actions — a one-sided AU12 for contempt, a
 * one-sided AU45 for a wink — are the same fields on one side only. Fields add up: several AUs compose.
 *
 * A field is given by a few handle points with their displacement (what FACS describes the action doing:
 * "inner brow raised", "lip corners pulled up and out"), spread smoothly to the points around them and
 * confined to the part of the face the muscle moves (upper lip and jaw never share a field). Units are
 * canonical: 1 = the distance between the outer eye corners (about 9–10 cm on an adult), so a lip corner
 * pulled 0.12 moves about 1.1 cm.
 *
 * Estimation runs the model backwards: the shape change from a neutral reference is fitted with
 * non-negative intensities (estimateAUs in src/analysis/action-units.ts). This file is the model itself,
 * shared by analysis (estimation), motion (emotions, timelines) and rendering.
 */
import { CANONICAL_FACE } from './measures.js';
import { GROUPS, LANDMARK_COUNT, LM, MESH_POINTS } from './topology.js';
import { closeLids } from './lids.js';

export const ACTION_UNITS = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];

export const AU_NAMES: Record<ActionUnit, string> = {
  1: 'inner brow raiser',
  2: 'outer brow raiser',
  4: 'brow lowerer',
  5: 'upper lid raiser',
  6: 'cheek raiser',
  7: 'lid tightener',
  9: 'nose wrinkler',
  10: 'upper lip raiser',
  12: 'lip corner puller',
  14: 'dimpler',
  15: 'lip corner depressor',
  17: 'chin raiser',
  20: 'lip stretcher',
  23: 'lip tightener',
  25: 'lips part',
  26: 'jaw drop',
  45: 'blink',
};

/** FACS intensity scale: 0 (absent) to 5 (maximum, "E"). */
export const AU_MAX = 5;

/** Intensities per AU, each side separately (left and right are the subject's). */
export interface AuIntensities {
  left: Partial<Record<ActionUnit, number>>;
  right: Partial<Record<ActionUnit, number>>;
}

const c = CANONICAL_FACE;
const X = (i: number): number => c[3 * i]!;
const Y = (i: number): number => c[3 * i + 1]!;

/** Which points a field may move. */
type Region = (i: number) => number;

const mouthY = (Y(LM.upperLipInner) + Y(LM.lowerLipInner)) / 2;
const eyeY = (Y(LM.rightEyeTop) + Y(LM.rightEyeBottom)) / 2;
const noseBaseY = Y(LM.noseBottom);
const soft = (v: number, width: number): number => 1 / (1 + Math.exp(-v / width));
const LOWER_LIP = new Set<number>([...GROUPS.lipsLowerOuter, ...GROUPS.lipsLowerInner]);
const UPPER_LIP = new Set<number>([...GROUPS.lipsUpperOuter, ...GROUPS.lipsUpperInner]);
const CORNERS = new Set<number>([61, 291, 78, 308]);

/** Below the mouth line (lower lip, chin, jaw), not the upper lip. */
const jaw: Region = (i) =>
  UPPER_LIP.has(i) && !CORNERS.has(i) ? 0 : LOWER_LIP.has(i) && !CORNERS.has(i) ? 1 : soft(Y(i) - mouthY, 0.015);
/** The upper lip and the skin above it up to the nose, not the lower lip or jaw. */
const upperLip: Region = (i) =>
  LOWER_LIP.has(i) && !CORNERS.has(i) ? 0 : soft(mouthY + 0.005 - Y(i), 0.01) * soft(Y(i) - noseBaseY + 0.08, 0.03);
/**
 * Brows, the lower forehead and the eye cover fold down to the upper lid's crease — not the lid margin, and
 * not the top of the forehead (the scalp and hairline do not move with the brows; the skin between bunches).
 */
const liftRegion: Region = (i) => soft(-0.17 - Y(i), 0.006) * soft(Y(i) + 0.58, 0.05);
/** Everything (the handles decide). */
const all: Region = () => 1;

interface Handle {
  point: number;
  /** Displacement at intensity 5, canonical units (x towards the subject's left, y down, z away). */
  d: [number, number, number];
  /** Mirror it to the other side of the face (x negated). Default true. */
  mirror?: boolean;
}

interface FieldSpec {
  handles: Handle[];
  /** Reach of each handle, canonical units. */
  sigma: number;
  region: Region;
}

/**
 * The AUs' handles, from FACS's descriptions of each action's appearance changes. Handles are given for
 * the subject's right side (x < 0) and mirrored, unless stated.
 */
const SPECS: Record<Exclude<ActionUnit, 45 | 5>, FieldSpec> = {
  // Frontalis, medial: raises the inner brow (about 1 cm at E); the eye cover fold rises with it and the skin
  // of the upper lid is stretched (FACS), the lid margin stays; horizontal wrinkles in the middle of the
  // forehead (appearance.ts).
  1: {
    sigma: 0.08,
    region: liftRegion,
    handles: [
      { point: 107, d: [0, -0.125, 0] },
      { point: 55, d: [0, -0.12, 0] },
      { point: 66, d: [0, -0.105, 0] },
      { point: 65, d: [0, -0.105, 0] },
      { point: 105, d: [0, -0.06, 0] },
      { point: 52, d: [0, -0.06, 0] },
      { point: 63, d: [0, -0.025, 0] },
      { point: 53, d: [0, -0.025, 0] },
      { point: 108, d: [0, -0.05, 0] },
      { point: 9, d: [0, -0.05, 0], mirror: false },
      { point: 221, d: [0, -0.08, 0] },
      { point: 222, d: [0, -0.065, 0] },
      { point: 223, d: [0, -0.04, 0] },
      { point: 189, d: [0, -0.06, 0] },
      { point: 56, d: [0, -0.035, 0] },
      { point: 28, d: [0, -0.03, 0] },
      { point: 190, d: [0, -0.03, 0] },
    ],
  },
  // Frontalis, lateral: raises the outer brow, arching it; the outer eye cover fold rises with it.
  2: {
    sigma: 0.08,
    region: liftRegion,
    handles: [
      { point: 70, d: [0, -0.125, 0] },
      { point: 46, d: [0, -0.125, 0] },
      { point: 63, d: [0, -0.115, 0] },
      { point: 53, d: [0, -0.11, 0] },
      { point: 156, d: [0, -0.09, 0] },
      { point: 124, d: [0, -0.08, 0] },
      { point: 105, d: [0, -0.07, 0] },
      { point: 52, d: [0, -0.065, 0] },
      { point: 104, d: [0, -0.05, 0] },
      { point: 107, d: [0, -0.01, 0] },
      { point: 55, d: [0, -0.01, 0] },
      { point: 113, d: [0, -0.07, 0] },
      { point: 225, d: [0, -0.08, 0] },
      { point: 224, d: [0, -0.07, 0] },
      { point: 223, d: [0, -0.045, 0] },
      { point: 247, d: [0, -0.03, 0] },
      { point: 30, d: [0, -0.035, 0] },
      { point: 29, d: [0, -0.03, 0] },
    ],
  },
  // Corrugator, depressor supercilii, procerus: lowers the brows hard (1 cm at the inner end at E) and draws
  // them together, the brow coming down over the upper lid; vertical furrows between the brows.
  4: {
    sigma: 0.075,
    region: (i) => soft(-0.175 - Y(i), 0.008) * soft(Y(i) + 0.58, 0.05),
    handles: [
      { point: 107, d: [0.065, 0.105, -0.01] },
      { point: 55, d: [0.065, 0.11, -0.01] },
      { point: 65, d: [0.05, 0.1, -0.005] },
      { point: 66, d: [0.05, 0.1, -0.005] },
      { point: 105, d: [0.03, 0.08, 0] },
      { point: 52, d: [0.03, 0.08, 0] },
      { point: 63, d: [0.01, 0.055, 0] },
      { point: 53, d: [0.01, 0.06, 0] },
      { point: 70, d: [0, 0.04, 0] },
      { point: 46, d: [0, 0.04, 0] },
      { point: 221, d: [0.04, 0.06, 0] },
      { point: 222, d: [0.025, 0.055, 0] },
      { point: 223, d: [0.015, 0.05, 0] },
      { point: 9, d: [0, 0.05, 0], mirror: false },
      { point: 8, d: [0, 0.035, 0], mirror: false },
      { point: 151, d: [0, 0.02, 0], mirror: false },
      { point: 108, d: [0.02, 0.05, 0] },
    ],
  },
  // Orbicularis oculi, orbital part: raises the cheeks (the infraorbital triangle) and pushes the skin below
  // the eye up, narrowing the eye from below; the outer eye corner's skin is drawn in (crow's feet).
  6: {
    sigma: 0.09,
    region: (i) => soft(Y(i) - eyeY + 0.005, 0.012) * soft(mouthY - 0.06 - Y(i), 0.03),
    handles: [
      { point: 117, d: [0, -0.08, -0.015] },
      { point: 118, d: [0, -0.085, -0.02] },
      { point: 119, d: [0, -0.075, -0.02] },
      { point: 101, d: [0, -0.07, -0.025] },
      { point: 50, d: [0, -0.075, -0.02] },
      { point: 36, d: [0, -0.05, -0.015] },
      { point: 205, d: [0, -0.055, -0.02] },
      { point: 123, d: [0.005, -0.06, -0.01] },
      { point: 187, d: [0, -0.035, -0.01] },
      { point: 111, d: [0.01, -0.065, 0] },
      { point: 228, d: [0, -0.065, -0.01] },
      { point: 229, d: [0, -0.065, -0.01] },
      { point: 230, d: [0, -0.06, -0.01] },
      { point: 110, d: [0, -0.055, 0] },
      { point: 24, d: [0, -0.05, 0] },
      { point: 23, d: [0, -0.045, 0] },
      { point: 145, d: [0, -0.035, 0] },
      { point: 153, d: [0, -0.03, 0] },
      { point: 144, d: [0, -0.033, 0] },
      { point: 163, d: [0, -0.025, 0] },
      { point: 130, d: [0.02, -0.015, 0] },
      { point: 226, d: [0.02, -0.02, 0] },
      { point: 35, d: [0.015, -0.02, 0] },
    ],
  },
  // Orbicularis oculi, palpebral part: tightens the lids; the lower lid rises and straightens most.
  7: {
    sigma: 0.045,
    region: (i) => soft(Y(i) - eyeY + 0.08, 0.02) * soft(eyeY + 0.1 - Y(i), 0.02),
    handles: [
      { point: 145, d: [0, -0.055, 0] },
      { point: 144, d: [0, -0.05, 0] },
      { point: 153, d: [0, -0.05, 0] },
      { point: 163, d: [0, -0.035, 0] },
      { point: 154, d: [0, -0.035, 0] },
      { point: 7, d: [0, -0.02, 0] },
      { point: 110, d: [0, -0.035, 0] },
      { point: 24, d: [0, -0.035, 0] },
      { point: 23, d: [0, -0.035, 0] },
      { point: 159, d: [0, 0.018, 0] },
      { point: 160, d: [0, 0.015, 0] },
      { point: 158, d: [0, 0.015, 0] },
    ],
  },
  // Levator labii superioris alaeque nasi: wrinkles the nose, raises the nostril wings and the upper lip,
  // pulls the skin between the brows down; the infraorbital skin beside the nose rises.
  9: {
    sigma: 0.06,
    region: (i) => soft(mouthY - 0.01 - Y(i), 0.01),
    handles: [
      { point: 98, d: [0.01, -0.065, -0.01] },
      { point: 129, d: [0.01, -0.065, -0.01] },
      { point: 64, d: [0.01, -0.06, -0.01] },
      { point: 48, d: [0.008, -0.055, -0.01] },
      { point: 209, d: [0.005, -0.05, 0] },
      { point: 198, d: [0.005, -0.045, 0] },
      { point: 217, d: [0.005, -0.04, 0] },
      { point: 174, d: [0, -0.03, 0] },
      { point: 196, d: [0, -0.02, 0] },
      { point: 142, d: [0, -0.04, -0.01] },
      { point: 100, d: [0, -0.035, 0] },
      { point: 36, d: [0, -0.04, -0.01] },
      { point: 203, d: [0, -0.045, -0.01] },
      { point: 107, d: [0.015, 0.04, 0] },
      { point: 55, d: [0.015, 0.04, 0] },
      { point: 9, d: [0, 0.03, 0], mirror: false },
      { point: 8, d: [0, 0.025, 0], mirror: false },
      { point: 0, d: [0, -0.04, 0], mirror: false },
      { point: 37, d: [0, -0.04, 0] },
      { point: 39, d: [0, -0.035, 0] },
      { point: 145, d: [0, -0.015, 0] },
    ],
  },
  // Levator labii superioris: raises the upper lip, most beside the philtrum (which can bare the upper
  // teeth); the skin above the lip and the nostril wings go up with it.
  10: {
    sigma: 0.055,
    region: upperLip,
    handles: [
      { point: 0, d: [0, -0.06, 0], mirror: false },
      { point: 37, d: [0, -0.075, 0] },
      { point: 39, d: [0, -0.075, 0] },
      { point: 40, d: [0, -0.055, 0] },
      { point: 185, d: [0, -0.035, 0] },
      { point: 13, d: [0, -0.06, 0], mirror: false },
      { point: 82, d: [0, -0.07, 0] },
      { point: 81, d: [0, -0.07, 0] },
      { point: 80, d: [0, -0.055, 0] },
      { point: 191, d: [0, -0.035, 0] },
      { point: 167, d: [0, -0.05, 0] },
      { point: 165, d: [0, -0.05, 0] },
      { point: 92, d: [0, -0.035, 0] },
      { point: 98, d: [0, -0.025, 0] },
      { point: 206, d: [0, -0.02, 0] },
    ],
  },
  // Zygomaticus major: pulls the lip corners up and out towards the cheekbone (the smile); the lips stretch
  // over the teeth, the cheeks and the infraorbital triangle rise and bulge, the nasolabial fold deepens.
  12: {
    sigma: 0.07,
    region: all,
    handles: [
      { point: 61, d: [-0.14, -0.13, 0.03] },
      { point: 78, d: [-0.13, -0.12, 0.03] },
      { point: 57, d: [-0.12, -0.115, 0.02] },
      { point: 146, d: [-0.1, -0.08, 0.015] },
      { point: 185, d: [-0.1, -0.09, 0.015] },
      { point: 95, d: [-0.085, -0.07, 0.01] },
      { point: 191, d: [-0.085, -0.075, 0.01] },
      { point: 91, d: [-0.06, -0.05, 0.01] },
      { point: 40, d: [-0.06, -0.055, 0.01] },
      { point: 43, d: [-0.07, -0.07, 0.01] },
      { point: 202, d: [-0.05, -0.05, 0] },
      { point: 204, d: [-0.02, -0.025, 0] },
      { point: 212, d: [-0.08, -0.1, -0.01] },
      { point: 214, d: [-0.05, -0.06, -0.01] },
      { point: 216, d: [-0.05, -0.08, -0.02] },
      { point: 207, d: [-0.035, -0.075, -0.025] },
      { point: 206, d: [-0.02, -0.06, -0.025] },
      { point: 205, d: [-0.015, -0.06, -0.03] },
      { point: 187, d: [-0.02, -0.05, -0.02] },
      { point: 203, d: [-0.01, -0.035, -0.015] },
      { point: 50, d: [-0.005, -0.045, -0.025] },
      { point: 36, d: [0, -0.03, -0.015] },
      { point: 101, d: [0, -0.03, -0.015] },
      { point: 118, d: [0, -0.025, -0.01] },
      { point: 117, d: [0, -0.02, -0.01] },
    ],
  },
  // Buccinator: tightens the lip corners inwards and back, dimpling the cheek beside them.
  14: {
    sigma: 0.05,
    region: all,
    handles: [
      { point: 61, d: [0.035, -0.015, 0.05] },
      { point: 78, d: [0.03, -0.012, 0.045] },
      { point: 57, d: [0.02, -0.01, 0.045] },
      { point: 212, d: [0.01, 0, 0.035] },
      { point: 185, d: [0.015, -0.005, 0.02] },
      { point: 146, d: [0.015, -0.005, 0.02] },
    ],
  },
  // Depressor anguli oris: pulls the lip corners down (and a little out); the lower lip's sides and the
  // skin below the corners go down with them.
  15: {
    sigma: 0.065,
    region: all,
    handles: [
      { point: 61, d: [-0.02, 0.11, 0] },
      { point: 78, d: [-0.015, 0.1, 0] },
      { point: 57, d: [-0.02, 0.1, 0] },
      { point: 146, d: [-0.005, 0.08, 0] },
      { point: 95, d: [-0.005, 0.075, 0] },
      { point: 91, d: [0, 0.05, 0] },
      { point: 185, d: [0, 0.055, 0] },
      { point: 191, d: [0, 0.055, 0] },
      { point: 40, d: [0, 0.03, 0] },
      { point: 43, d: [-0.01, 0.09, 0] },
      { point: 202, d: [-0.01, 0.07, 0] },
      { point: 204, d: [0, 0.055, 0] },
      { point: 106, d: [0, 0.045, 0] },
      { point: 212, d: [-0.01, 0.05, 0] },
    ],
  },
  // Mentalis: raises the chin boss and pushes the lower lip up and out; the lip line bows into an inverted U.
  17: {
    sigma: 0.07,
    region: jaw,
    handles: [
      { point: 17, d: [0, -0.05, -0.03], mirror: false },
      { point: 14, d: [0, -0.045, -0.03], mirror: false },
      { point: 87, d: [0, -0.04, -0.025] },
      { point: 84, d: [0, -0.045, -0.025] },
      { point: 181, d: [0, -0.035, -0.02] },
      { point: 18, d: [0, -0.06, -0.03], mirror: false },
      { point: 200, d: [0, -0.065, -0.03], mirror: false },
      { point: 199, d: [0, -0.055, -0.025], mirror: false },
      { point: 201, d: [0, -0.05, -0.02] },
      { point: 208, d: [0, -0.045, -0.02] },
      { point: 175, d: [0, -0.035, -0.015], mirror: false },
      { point: 152, d: [0, -0.02, -0.01], mirror: false },
      { point: 61, d: [0, 0.015, 0] },
    ],
  },
  // Risorius/platysma: stretches the lips sideways, flattening them.
  20: {
    sigma: 0.07,
    region: all,
    handles: [
      { point: 61, d: [-0.12, 0.02, 0.01] },
      { point: 78, d: [-0.11, 0.015, 0.01] },
      { point: 57, d: [-0.1, 0.02, 0.01] },
      { point: 146, d: [-0.07, 0.015, 0] },
      { point: 185, d: [-0.07, 0.01, 0] },
      { point: 212, d: [-0.06, 0.02, 0] },
      { point: 43, d: [-0.05, 0.025, 0] },
    ],
  },
  // Orbicularis oris: tightens and narrows the lips, thinning the red parts; the corners come in a little.
  23: {
    sigma: 0.045,
    region: all,
    handles: [
      { point: 61, d: [0.04, 0, -0.01] },
      { point: 78, d: [0.035, 0, -0.01] },
      { point: 0, d: [0, 0.028, 0], mirror: false },
      { point: 37, d: [0.01, 0.028, 0] },
      { point: 39, d: [0.01, 0.022, 0] },
      { point: 17, d: [0, -0.028, 0], mirror: false },
      { point: 84, d: [0.01, -0.028, 0] },
      { point: 181, d: [0.01, -0.022, 0] },
      { point: 13, d: [0, 0.004, 0], mirror: false },
      { point: 14, d: [0, -0.004, 0], mirror: false },
    ],
  },
  // Depressor labii / relaxed mentalis: the lips part; the lower lip drops, the jaw stays.
  25: {
    sigma: 0.06,
    region: jaw,
    handles: [
      { point: 14, d: [0, 0.08, 0], mirror: false },
      { point: 87, d: [0, 0.075, 0] },
      { point: 178, d: [0, 0.06, 0] },
      { point: 17, d: [0, 0.065, 0], mirror: false },
      { point: 84, d: [0, 0.06, 0] },
      { point: 181, d: [0, 0.045, 0] },
      { point: 200, d: [0, 0.035, 0], mirror: false },
    ],
  },
  // Jaw drop (masseter relaxed): the mandible rotates down — chin and lower lip move down and slightly back.
  26: {
    sigma: 0.16,
    region: jaw,
    handles: [
      { point: 152, d: [0, 0.24, 0.05], mirror: false },
      { point: 200, d: [0, 0.22, 0.04], mirror: false },
      { point: 17, d: [0, 0.2, 0.03], mirror: false },
      { point: 14, d: [0, 0.19, 0.02], mirror: false },
      { point: 87, d: [0, 0.18, 0.02] },
      { point: 84, d: [0, 0.19, 0.03] },
      { point: 148, d: [0, 0.2, 0.05] },
      { point: 150, d: [0, 0.12, 0.04] },
      { point: 172, d: [0, 0.05, 0.03] },
      { point: 58, d: [0, 0.02, 0.02] },
    ],
  },
};

/** A field's displacement of every point (478 × 3) at intensity 5, for one side (+1 left, −1 right). */
function buildField(spec: FieldSpec, side: 1 | -1): Float32Array {
  const handles: { p: number; d: [number, number, number] }[] = [];
  for (const h of spec.handles) {
    const onRight = X(h.point) <= 0;
    if (h.mirror === false) {
      handles.push({ p: h.point, d: h.d });
    } else {
      // Handles are written for the right side; the left side is their mirror image.
      const p = side === -1 ? h.point : mirrorPoint(h.point);
      if (onRight || side === -1) handles.push({ p, d: side === -1 ? h.d : [-h.d[0], h.d[1], h.d[2]] });
    }
  }
  const out = new Float32Array(LANDMARK_COUNT * 3);
  const s2 = 2 * spec.sigma * spec.sigma;
  // The mesh points only: the irises move with the gaze, not with the muscles around the eye.
  for (let i = 0; i < MESH_POINTS; i++) {
    // Normalised Gaussian blend of the handles (a handle point itself takes its own displacement).
    let wsum = 0;
    const d = [0, 0, 0];
    let maxW = 0;
    for (const h of handles) {
      const w = Math.exp(-((X(i) - X(h.p)) ** 2 + (Y(i) - Y(h.p)) ** 2) / s2);
      wsum += w;
      maxW = Math.max(maxW, w);
      for (let k = 0; k < 3; k++) d[k]! += w * h.d[k]!;
    }
    if (wsum < 1e-9) continue;
    // Fade to zero away from all handles; the region mask confines the field.
    const reach = Math.min(1, maxW * 1.2) * spec.region(i);
    // Midline points are shared by both sides: each side takes half.
    const share = side === 1 ? soft(X(i), 0.015) : 1 - soft(X(i), 0.015);
    for (let k = 0; k < 3; k++) out[3 * i + k] = ((d[k]! / wsum) * reach * share) as number;
  }
  return out;
}

let mirrorMap: readonly number[] | undefined;
function mirrorPoint(i: number): number {
  mirrorMap ??= (() => {
    // Nearest mirrored point in the symmetric canonical face.
    const m: number[] = [];
    for (let a = 0; a < LANDMARK_COUNT; a++) {
      let best = a;
      let bd = Infinity;
      for (let b = 0; b < LANDMARK_COUNT; b++) {
        const dd = (X(a) + X(b)) ** 2 + (Y(a) - Y(b)) ** 2 + (c[3 * a + 2]! - c[3 * b + 2]!) ** 2;
        if (dd < bd) {
          bd = dd;
          best = b;
        }
      }
      m.push(best);
    }
    return m;
  })();
  return mirrorMap[i]!;
}

/** Upper-lid raise (AU5): the upper lid margin moves up by 40% of the eye's opening at intensity 5. */
function lidRaiseField(side: 1 | -1): Float32Array {
  const out = new Float32Array(LANDMARK_COUNT * 3);
  const upper = side === 1 ? GROUPS.leftEyeUpper0 : GROUPS.rightEyeUpper0;
  const upper1 = side === 1 ? GROUPS.leftEyeUpper1 : GROUPS.rightEyeUpper1;
  const lower = side === 1 ? GROUPS.leftEyeLower0 : GROUPS.rightEyeLower0;
  upper.forEach((u, k) => {
    const l = lower[k + 1]!;
    out[3 * u + 1] = -0.4 * (Y(l) - Y(u));
  });
  upper1.forEach((u, k) => {
    out[3 * u + 1] = 0.6 * out[3 * upper[Math.min(k, upper.length - 1)]! + 1]!;
  });
  return out;
}

/** Blink (AU45): the lids close fully at intensity 5 (closeLids on the canonical face). */
function blinkField(side: 1 | -1): Float32Array {
  const closed = closeLids(CANONICAL_FACE, side === -1 ? 1 : 0, side === 1 ? 1 : 0);
  return closed.map((v, i) => v - CANONICAL_FACE[i]!);
}

export interface AuField {
  au: ActionUnit;
  side: 'left' | 'right';
  /** Displacement of the 478 points at intensity 5. */
  field: Float32Array;
}

let fields: AuField[] | undefined;

/** All 34 fields (17 AUs × 2 sides), built once. */
export function auFields(): readonly AuField[] {
  fields ??= ACTION_UNITS.flatMap((au) =>
    ([1, -1] as const).map((s) => ({
      au,
      side: s === 1 ? ('left' as const) : ('right' as const),
      field: au === 45 ? blinkField(s) : au === 5 ? lidRaiseField(s) : buildField(SPECS[au], s),
    })),
  );
  return fields;
}

/**
 * A canonical shape with AUs applied on top (intensities 0–5 per side; negative values undo). The lid margins
 * move in proportion to the face's own eye opening (an action narrows a narrow eye no more, relatively, than
 * a wide one: AU45 at 5 closes any eye exactly), the skin around them halfway so.
 */
export function applyAUs(canon: Float32Array, intensities: AuIntensities): Float32Array {
  const out = Float32Array.from(canon);
  const scale = lidScale(canon);
  const add = (f: AuField): void => {
    const v = intensities[f.side][f.au];
    if (!v) return;
    const k = v / AU_MAX;
    const keep = f.au === 4 ? browLowerKept(f.side, intensities) : undefined;
    for (let i = 0; i < out.length; i++) {
      const d = k * scale[(i / 3) | 0]! * f.field[i]!;
      out[i]! += keep && i % 3 === 1 ? d * keep[(i / 3) | 0]! : d;
    }
  };
  for (const f of auFields()) if (f.au !== 45) add(f);
  keepEyesOpen(canon, out);
  for (const f of auFields()) if (f.au === 45) add(f);
  return out;
}

/** Per point: how much of the AU1 field's lift it takes (0–1, 1 at the inner brow), per side. */
let innerLift: Record<'left' | 'right', Float32Array> | undefined;

/**
 * FACS's 1+4: with the inner brow raiser acting, the brow lowerer draws the brows together but no longer
 * lowers their inner ends (the oblique brows of sadness and fear); summed as they are, the two fields cancel
 * at the inner brow. Per point, the share of AU4's vertical movement that is kept, or undefined with no AU1.
 */
function browLowerKept(side: 'left' | 'right', intensities: AuIntensities): Float32Array | undefined {
  const a1 = intensities[side][1] ?? 0;
  const a4 = intensities[side][4] ?? 0;
  if (!(a1 > 0) || !(a4 > 0)) return undefined;
  innerLift ??= (() => {
    const lift = (s: 'left' | 'right'): Float32Array => {
      const f = auFields().find((x) => x.au === 1 && x.side === s)!.field;
      let max = 0;
      for (let i = 0; i < LANDMARK_COUNT; i++) max = Math.max(max, -f[3 * i + 1]!);
      return Float32Array.from({ length: LANDMARK_COUNT }, (_, i) => Math.max(0, -f[3 * i + 1]!) / max);
    };
    return { left: lift('left'), right: lift('right') };
  })();
  const s = Math.min(1, a1 / a4);
  return innerLift[side].map((w) => 1 - s * w);
}

/**
 * The least opening (of the face's own) that actions other than the blink leave an eye: cheeks raised and
 * lids tightened together narrow a real eye at the apex of a smile or a glare by up to about a third; they
 * do not shut it (only AU45 does).
 */
const MIN_EYE_OPENING = 0.62;

/** Limits the lid margins' movement in `out` (from `canon`) so that each eye keeps MIN_EYE_OPENING of its opening. */
function keepEyesOpen(canon: Float32Array, out: Float32Array): void {
  for (const { margin, pairs } of LID_SETS) {
    let before = 0;
    let after = 0;
    for (const [u, l] of pairs) {
      before += canon[3 * l + 1]! - canon[3 * u + 1]!;
      after += out[3 * l + 1]! - out[3 * u + 1]!;
    }
    if (!(before > 0) || after >= MIN_EYE_OPENING * before) continue;
    // Scale the margins' displacement so the opening lands on the limit.
    const t = ((1 - MIN_EYE_OPENING) * before) / (before - after);
    for (const i of margin)
      for (let k = 0; k < 3; k++) out[3 * i + k] = canon[3 * i + k]! + t * (out[3 * i + k]! - canon[3 * i + k]!);
  }
}

/** The lid margins of each eye (upper and lower, corners excluded) and the skin folds next to them. */
const LID_SETS = (['left', 'right'] as const).map((side) => {
  const g = side === 'left' ? 'left' : 'right';
  const margin = [...GROUPS[`${g}EyeUpper0`], ...GROUPS[`${g}EyeLower0`].slice(1, -1)];
  const folds = [...GROUPS[`${g}EyeUpper1`], ...GROUPS[`${g}EyeLower1`].slice(1, -1)];
  const pairs = GROUPS[`${g}EyeUpper0`].map((u, k) => [u, GROUPS[`${g}EyeLower0`][k + 1]!] as const);
  return { margin, folds, pairs };
});

/** Per point: 1, or on the lid margins the eye's opening relative to the canonical face's (0.35–1.3). */
function lidScale(canon: Float32Array): Float32Array {
  const out = new Float32Array(LANDMARK_COUNT).fill(1);
  for (const { margin, folds, pairs } of LID_SETS) {
    let own = 0;
    let ref = 0;
    for (const [u, l] of pairs) {
      own += canon[3 * l + 1]! - canon[3 * u + 1]!;
      ref += Y(l) - Y(u);
    }
    const s = Math.max(0.35, Math.min(1.3, own / ref));
    for (const i of margin) out[i] = s;
    for (const i of folds) out[i] = (1 + s) / 2;
  }
  return out;
}

/** Both sides at the same intensity. */
export function bothSides(values: Partial<Record<ActionUnit, number>>): AuIntensities {
  return { left: { ...values }, right: { ...values } };
}
