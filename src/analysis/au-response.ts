/**
 * What the landmark models report of each action unit: its response field (scripts/calibrate-aus.ts), the
 * measured change of the 468 mesh points when the renderer applies the AU at intensity 5 — on both sides
 * of the face, the left being the mirror image of the measured right.
 */
import { ACTION_UNITS, type AuField } from '../face/action-units.js';
import { decodeInt16 } from '../face/base64.js';
import { MESH_POINTS, MIRROR } from '../face/topology.js';
import { AU_RESPONSE_FIELDS } from './au-calibration-data.js';

/** Units of the stored int16 values (canonical units). */
export const RESPONSE_SCALE = 1e-5;

let cache: readonly AuField[] | undefined | null;

/** The 34 response fields (over the 468 mesh points, × 3), or undefined when no calibration is stored. */
export function responseFields(): readonly AuField[] | undefined {
  if (cache !== undefined) return cache ?? undefined;
  const D = MESH_POINTS * 3;
  const q = AU_RESPONSE_FIELDS ? decodeInt16(AU_RESPONSE_FIELDS) : new Int16Array(0);
  if (q.length !== ACTION_UNITS.length * D) {
    cache = null;
    return undefined;
  }
  cache = ACTION_UNITS.flatMap((au, k) => {
    const right = new Float32Array(D);
    for (let i = 0; i < D; i++) right[i] = q[k * D + i]! * RESPONSE_SCALE;
    const left = new Float32Array(D);
    for (let p = 0; p < MESH_POINTS; p++) {
      const m = MIRROR[p]!;
      left[3 * p] = -right[3 * m]!;
      left[3 * p + 1] = right[3 * m + 1]!;
      left[3 * p + 2] = right[3 * m + 2]!;
    }
    return [
      { au, side: 'left' as const, field: left },
      { au, side: 'right' as const, field: right },
    ];
  });
  return cache;
}
