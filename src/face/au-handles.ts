/**
 * The action units' handles (au-rig.ts builds the fields from them): per AU, the points FACS's description
 * of the action moves and by how much at intensity 5, how far each reaches, and the part of the face the
 * muscle may move. Canonical units (the outer eye corners 1 apart; x towards the subject's left, y down).
 */
import type { ActionUnit } from './action-units.js';
import { CANONICAL_FACE } from './measures.js';
import { GROUPS, LM } from './topology.js';

const c = CANONICAL_FACE;
const Y = (i: number): number => c[3 * i + 1]!;

/** Which points a field may move. */
type Region = (i: number) => number;

const mouthY = (Y(LM.upperLipInner) + Y(LM.lowerLipInner)) / 2;
const eyeY = (Y(LM.rightEyeTop) + Y(LM.rightEyeBottom)) / 2;
const noseBaseY = Y(LM.noseBottom);
export const soft = (v: number, width: number): number => 1 / (1 + Math.exp(-v / width));
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

export interface FieldSpec {
  handles: Handle[];
  /** Reach of each handle, canonical units. */
  sigma: number;
  region: Region;
}

/**
 * The AUs' handles, from FACS's descriptions of each action's appearance changes. Handles are given for
 * the subject's right side (x < 0) and mirrored, unless stated.
 */
export const AU_HANDLES: Record<Exclude<ActionUnit, 45 | 5>, FieldSpec> = {
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
