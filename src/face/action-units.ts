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
import { GROUPS, LANDMARK_COUNT, LM } from './topology.js';
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
/** Brows and forehead, above the eyes. */
const browRegion: Region = (i) => soft(eyeY - 0.06 - Y(i), 0.02);
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
  // Frontalis, medial: raises the inner brow; oblique wrinkles in the middle of the forehead.
  1: {
    sigma: 0.09,
    region: browRegion,
    handles: [
      { point: 107, d: [0, -0.11, 0] },
      { point: 55, d: [0, -0.1, 0] },
      { point: 66, d: [0, -0.08, 0] },
      { point: 65, d: [0, -0.08, 0] },
      { point: 105, d: [0, -0.04, 0] },
      { point: 9, d: [0, -0.03, 0], mirror: false },
    ],
  },
  // Frontalis, lateral: raises the outer brow, arching it.
  2: {
    sigma: 0.09,
    region: browRegion,
    handles: [
      { point: 70, d: [0, -0.1, 0] },
      { point: 46, d: [0, -0.1, 0] },
      { point: 63, d: [0, -0.09, 0] },
      { point: 53, d: [0, -0.08, 0] },
      { point: 105, d: [0, -0.05, 0] },
      { point: 107, d: [0, -0.01, 0] },
    ],
  },
  // Corrugator, depressor supercilii, procerus: lowers the brows and pulls them together.
  4: {
    sigma: 0.08,
    region: browRegion,
    handles: [
      { point: 107, d: [0.045, 0.06, -0.01] },
      { point: 55, d: [0.045, 0.07, -0.01] },
      { point: 66, d: [0.03, 0.055, 0] },
      { point: 65, d: [0.03, 0.055, 0] },
      { point: 105, d: [0.015, 0.045, 0] },
      { point: 70, d: [0, 0.025, 0] },
      { point: 9, d: [0, 0.02, 0], mirror: false },
    ],
  },
  // Orbicularis oculi, orbital: raises the cheeks, narrows the eye from below, crow's feet.
  6: {
    sigma: 0.1,
    region: (i) => soft(Y(i) - eyeY + 0.01, 0.015) * soft(mouthY - 0.02 - Y(i), 0.02),
    handles: [
      { point: 117, d: [0, -0.06, -0.01] },
      { point: 118, d: [0, -0.065, -0.01] },
      { point: 50, d: [0, -0.06, -0.01] },
      { point: 205, d: [0, -0.05, -0.01] },
      { point: 123, d: [0, -0.05, 0] },
      { point: 145, d: [0, -0.03, 0] },
      { point: 153, d: [0, -0.028, 0] },
      { point: 144, d: [0, -0.028, 0] },
      { point: 33, d: [0.005, -0.008, 0] },
    ],
  },
  // Orbicularis oculi, palpebral: tightens the lids, the lower lid rising most.
  7: {
    sigma: 0.045,
    region: (i) => soft(Y(i) - eyeY + 0.08, 0.02) * soft(eyeY + 0.1 - Y(i), 0.02),
    handles: [
      { point: 145, d: [0, -0.045, 0] },
      { point: 144, d: [0, -0.04, 0] },
      { point: 153, d: [0, -0.04, 0] },
      { point: 163, d: [0, -0.025, 0] },
      { point: 154, d: [0, -0.025, 0] },
      { point: 159, d: [0, 0.012, 0] },
      { point: 160, d: [0, 0.01, 0] },
      { point: 158, d: [0, 0.01, 0] },
    ],
  },
  // Levator labii superioris alaeque nasi: wrinkles the nose, raises the nostril wings and the upper lip centre.
  9: {
    sigma: 0.06,
    region: (i) => soft(mouthY - 0.01 - Y(i), 0.01),
    handles: [
      { point: 98, d: [0.01, -0.045, 0] },
      { point: 129, d: [0.008, -0.045, 0] },
      { point: 64, d: [0.01, -0.04, 0] },
      { point: 196, d: [0.01, -0.035, 0] },
      { point: 107, d: [0.01, 0.025, 0] },
      { point: 0, d: [0, -0.03, 0], mirror: false },
      { point: 37, d: [0, -0.028, 0] },
    ],
  },
  // Levator labii superioris: raises the upper lip, most beside the philtrum; deepens the nasolabial fold.
  10: {
    sigma: 0.06,
    region: upperLip,
    handles: [
      { point: 0, d: [0, -0.055, 0], mirror: false },
      { point: 37, d: [0, -0.065, 0] },
      { point: 39, d: [0, -0.06, 0] },
      { point: 40, d: [0, -0.04, 0] },
      { point: 13, d: [0, -0.05, 0], mirror: false },
      { point: 82, d: [0, -0.055, 0] },
      { point: 81, d: [0, -0.05, 0] },
      { point: 98, d: [0, -0.015, 0] },
    ],
  },
  // Zygomaticus major: pulls the lip corners up and out (the smile).
  12: {
    sigma: 0.08,
    region: all,
    handles: [
      { point: 61, d: [-0.15, -0.12, 0.03] },
      { point: 78, d: [-0.14, -0.11, 0.03] },
      { point: 146, d: [-0.1, -0.07, 0.015] },
      { point: 185, d: [-0.1, -0.08, 0.015] },
      { point: 95, d: [-0.085, -0.065, 0.01] },
      { point: 191, d: [-0.085, -0.07, 0.01] },
      { point: 205, d: [-0.03, -0.045, 0] },
      { point: 212, d: [-0.07, -0.07, 0] },
    ],
  },
  // Buccinator: tightens the lip corners inwards and back, dimpling.
  14: {
    sigma: 0.05,
    region: all,
    handles: [
      { point: 61, d: [0.02, -0.01, 0.04] },
      { point: 78, d: [0.018, -0.008, 0.035] },
      { point: 212, d: [0.01, 0, 0.03] },
    ],
  },
  // Depressor anguli oris: pulls the lip corners down.
  15: {
    sigma: 0.07,
    region: all,
    handles: [
      { point: 61, d: [-0.01, 0.075, 0] },
      { point: 78, d: [-0.008, 0.07, 0] },
      { point: 146, d: [0, 0.055, 0] },
      { point: 95, d: [0, 0.05, 0] },
      { point: 185, d: [0, 0.04, 0] },
      { point: 202, d: [0, 0.04, 0] },
    ],
  },
  // Mentalis: raises the chin boss and pushes the lower lip up.
  17: {
    sigma: 0.07,
    region: jaw,
    handles: [
      { point: 17, d: [0, -0.04, -0.02], mirror: false },
      { point: 14, d: [0, -0.035, -0.02], mirror: false },
      { point: 87, d: [0, -0.03, -0.015] },
      { point: 84, d: [0, -0.035, -0.015] },
      { point: 200, d: [0, -0.045, -0.02], mirror: false },
      { point: 199, d: [0, -0.04, -0.015], mirror: false },
      { point: 152, d: [0, -0.02, -0.01], mirror: false },
    ],
  },
  // Risorius/platysma: stretches the lips sideways, flattening them.
  20: {
    sigma: 0.07,
    region: all,
    handles: [
      { point: 61, d: [-0.1, 0.015, 0.01] },
      { point: 78, d: [-0.09, 0.012, 0.01] },
      { point: 146, d: [-0.06, 0.01, 0] },
      { point: 185, d: [-0.06, 0.01, 0] },
      { point: 212, d: [-0.05, 0.015, 0] },
    ],
  },
  // Orbicularis oris: tightens and narrows the lips, thinning the red parts.
  23: {
    sigma: 0.045,
    region: all,
    handles: [
      { point: 61, d: [0.035, 0, -0.01] },
      { point: 78, d: [0.03, 0, -0.01] },
      { point: 0, d: [0, 0.02, 0], mirror: false },
      { point: 37, d: [0.01, 0.02, 0] },
      { point: 17, d: [0, -0.02, 0], mirror: false },
      { point: 84, d: [0.01, -0.02, 0] },
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
  for (let i = 0; i < LANDMARK_COUNT; i++) {
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

/** A canonical shape with AUs applied on top (intensities 0–5 per side; negative values undo). */
export function applyAUs(canon: Float32Array, intensities: AuIntensities): Float32Array {
  const out = Float32Array.from(canon);
  for (const f of auFields()) {
    const v = intensities[f.side][f.au];
    if (!v) continue;
    const k = v / AU_MAX;
    for (let i = 0; i < out.length; i++) out[i]! += k * f.field[i]!;
  }
  return out;
}

/** Both sides at the same intensity. */
export function bothSides(values: Partial<Record<ActionUnit, number>>): AuIntensities {
  return { left: { ...values }, right: { ...values } };
}
