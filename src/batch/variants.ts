/**
 * The variants `vivify augment` renders for each face, their names and their labels. Each kind of variant
 * is one entry of {@link Variant}: an id that names its output file (stable, so a re-run writes the same
 * names), and what the engine is asked to do. New kinds (generated motion, …) add an entry here and a
 * renderer in src/batch/augment.ts. Pure.
 */
import { ACTION_UNITS, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import type { EmotionName } from '../emotion/emotion-names.js';
import type { AugmentSettings, PoseAxis } from './options.js';

export type Variant =
  | { kind: 'emotion'; id: string; emotion: EmotionName; intensity: number }
  | { kind: 'aus'; id: string; aus: AuIntensities }
  | { kind: 'pose'; id: string; axis: PoseAxis; deg: number }
  /** `clip` is the driving video's path; `name` the part of the id that names it. */
  | { kind: 'drive'; id: string; clip: string; name: string };

export type VariantKind = Variant['kind'];

/** Kinds whose output is a video (the others are images). */
export const VIDEO_VARIANTS: readonly VariantKind[] = ['drive'];

/** A number as it appears in a name: at most 3 decimals, no trailing zeros, a sign when asked. */
export function numberName(v: number, sign = false): string {
  const s = String(Number(v.toFixed(3)));
  return sign && v > 0 ? `+${s}` : s;
}

/** The canonical text of an AU set: AUs in FACS order, `L`/`R` for one-sided values, joined by "+". */
export function auSetName(aus: AuIntensities): string {
  const parts: string[] = [];
  for (const au of ACTION_UNITS) {
    const l = aus.left[au];
    const r = aus.right[au];
    if (l === undefined && r === undefined) continue;
    if (l !== undefined && r !== undefined && l === r) parts.push(`${au}=${numberName(l)}`);
    else {
      if (l !== undefined) parts.push(`L${au}=${numberName(l)}`);
      if (r !== undefined) parts.push(`R${au}=${numberName(r)}`);
    }
  }
  return parts.join('+');
}

/**
 * The variants of one face, in manifest order: emotions × intensities, AU sets, head turns, driving clips.
 * `clips` are the driving videos (already listed) with the names that identify them.
 */
export function planVariants(
  settings: AugmentSettings,
  clips: readonly { path: string; name: string }[] = [],
): Variant[] {
  const out: Variant[] = [];
  for (const emotion of settings.emotions ?? [])
    for (const intensity of settings.intensities)
      out.push({ kind: 'emotion', id: `${emotion}-${numberName(intensity)}`, emotion, intensity });
  for (const set of settings.aus ?? []) out.push({ kind: 'aus', id: `au-${auSetName(set.aus)}`, aus: set.aus });
  for (const p of settings.poses ?? [])
    out.push({ kind: 'pose', id: `${p.axis}${numberName(p.deg, true)}`, axis: p.axis, deg: p.deg });
  for (const c of clips) out.push({ kind: 'drive', id: `drive-${c.name}`, clip: c.path, name: c.name });
  // Two spellings of one variant (12=3 and 12=3.0) would write the same file twice: keep the first.
  const seen = new Set<string>();
  return out.filter((v) => (seen.has(v.id) ? false : (seen.add(v.id), true)));
}

/** The AU intensities of a side pair as one vector for a label: the mean of the sides, 3 decimals, FACS order. */
export function auLabel(aus: AuIntensities): Record<string, number> {
  const out: Record<string, number> = {};
  for (const au of ACTION_UNITS) {
    const v = ((aus.left[au as ActionUnit] ?? 0) + (aus.right[au as ActionUnit] ?? 0)) / 2;
    out[`AU${au}`] = Number(v.toFixed(3));
  }
  return out;
}

/** True when the two sides differ anywhere (then the manifest also lists them apart). */
export function isAsymmetric(aus: AuIntensities): boolean {
  return ACTION_UNITS.some((au) => Math.abs((aus.left[au] ?? 0) - (aus.right[au] ?? 0)) > 1e-6);
}
