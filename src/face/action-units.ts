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
 * non-negative intensities (estimateAUs in src/analysis/au-estimate.ts). This file is the model itself,
 * shared by analysis (estimation), motion (emotions, timelines) and rendering.
 */
import { CANONICAL_FACE } from './measures.js';
import { GROUPS, LANDMARK_COUNT } from './topology.js';
import { rigField } from './au-rig.js';

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
      field: rigField(au, s),
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
      ref += CANONICAL_FACE[3 * l + 1]! - CANONICAL_FACE[3 * u + 1]!;
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
