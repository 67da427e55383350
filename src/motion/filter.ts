/**
 * The One Euro filter (Casiez, Roussel & Vogel, CHI 2012): a low-pass filter whose cutoff rises with
 * speed, so still landmarks stop jittering while fast motion (a blink, a turn) keeps its timing.
 * One filter smooths a whole vector (every coordinate with its own state), causally, in O(dim) memory.
 */
export interface OneEuroOptions {
  /** Cutoff frequency at rest, Hz: lower is smoother. */
  minCutoffHz: number;
  /** How fast the cutoff rises with speed (per unit/s of the signal). */
  beta: number;
  /** Cutoff for the speed estimate, Hz. Default 1. */
  derivativeCutoffHz?: number;
}

export interface VectorFilter {
  /** Filters one sample taken at `timeS` seconds; returns a new array. */
  next(value: ArrayLike<number>, timeS: number): Float32Array;
  reset(): void;
}

const alpha = (cutoffHz: number, dtS: number): number => {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtS);
};

export function createOneEuroFilter(dim: number, options: OneEuroOptions): VectorFilter {
  const dCutoff = options.derivativeCutoffHz ?? 1;
  let prev: Float64Array | undefined;
  let dPrev = new Float64Array(dim);
  let lastT = 0;
  return {
    next(value, timeS) {
      if (value.length !== dim)
        throw new RangeError(`Expected ${dim} values for the filter but received ${value.length}`);
      if (!prev) {
        prev = Float64Array.from(value);
        dPrev = new Float64Array(dim);
        lastT = timeS;
        return Float32Array.from(value);
      }
      const dt = Math.max(1e-4, timeS - lastT);
      lastT = timeS;
      const ad = alpha(dCutoff, dt);
      const out = new Float32Array(dim);
      for (let i = 0; i < dim; i++) {
        const dx = (value[i]! - prev[i]!) / dt;
        const edx = dPrev[i]! + ad * (dx - dPrev[i]!);
        dPrev[i] = edx;
        const a = alpha(options.minCutoffHz + options.beta * Math.abs(edx), dt);
        prev[i] = prev[i]! + a * (value[i]! - prev[i]!);
        out[i] = prev[i]!;
      }
      return out;
    },
    reset() {
      prev = undefined;
    },
  };
}
