/**
 * The action units' rig (action-units.ts applies it): for each AU a displacement field over the mesh at
 * intensity 5, given by a few handle points with what FACS describes the action doing, spread smoothly to
 * the points around them and confined to the part of the face the muscle moves; the lid raise (AU5) and the
 * blink (AU45) from the eye's own opening. Canonical units (the outer eye corners 1 apart). Pure.
 */
import type { ActionUnit } from './action-units.js';
import { closeLids } from './lids.js';
import { CANONICAL_FACE } from './measures.js';
import { AU_HANDLES, soft, type FieldSpec } from './au-handles.js';
import { GROUPS, LANDMARK_COUNT, MESH_POINTS } from './topology.js';

const c = CANONICAL_FACE;
const X = (i: number): number => c[3 * i]!;
const Y = (i: number): number => c[3 * i + 1]!;

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

/** One side's field of `au` (+1 the subject's left, −1 the right): its displacement at intensity 5. */
export function rigField(au: ActionUnit, side: 1 | -1): Float32Array {
  return au === 45 ? blinkField(side) : au === 5 ? lidRaiseField(side) : buildField(AU_HANDLES[au], side);
}
