/**
 * The learned expression basis (see scripts/build-expression-basis.ts): orthonormal directions of
 * within-person face-shape change in the canonical frame. Projecting a face onto it gives expression
 * coordinates that carry little identity.
 */
import { CANONICAL_FACE } from './measures.js';
import { MESH_POINTS } from './topology.js';
import { EXPRESSION_BASIS_BASE64, EXPRESSION_COMPONENTS, EXPRESSION_STDEV } from './expression-basis-data.js';

export interface ExpressionBasis {
  readonly components: number;
  /** Coefficient standard deviations over the training frames. */
  readonly stdev: readonly number[];
  /** Expression coordinates of a canonical shape (478 or 468 points): B·(shape − canonical). */
  project(canon: Float32Array): Float64Array;
  /** The 468 × 3 shape change for given coordinates: Bᵀ·coefficients. */
  reconstruct(coefficients: ArrayLike<number>): Float32Array;
  subtract(a: Float64Array, b: Float64Array): Float64Array;
}

let cached: ExpressionBasis | undefined;

export function expressionBasis(): ExpressionBasis {
  if (cached) return cached;
  const bin = atob(EXPRESSION_BASIS_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const B = new Float32Array(bytes.buffer);
  const D = MESH_POINTS * 3;
  const K = EXPRESSION_COMPONENTS;
  if (B.length !== K * D) throw new Error(`expression basis has ${B.length} values, expected ${K * D}`);
  cached = {
    components: K,
    stdev: EXPRESSION_STDEV,
    project(canon) {
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let s = 0;
        const o = k * D;
        for (let i = 0; i < D; i++) s += B[o + i]! * (canon[i]! - CANONICAL_FACE[i]!);
        out[k] = s;
      }
      return out;
    },
    reconstruct(coefficients) {
      const out = new Float32Array(D);
      for (let k = 0; k < K; k++) {
        const c = coefficients[k]!;
        if (c === 0) continue;
        const o = k * D;
        for (let i = 0; i < D; i++) out[i]! += c * B[o + i]!;
      }
      return out;
    },
    subtract(a, b) {
      return a.map((v, i) => v - b[i]!);
    },
  };
  return cached;
}
