/**
 * Long computations written as generators that pause at checkpoints (`yield`), so the same code runs to
 * the end at once ({@link runSteps}) or in slices between which the caller's event loop runs, a cancel
 * is noticed and progress is reported ({@link runStepsAsync}). Pure: timers and `performance` only, which
 * browsers have too.
 */
import { throwIfAborted } from '../errors.js';

/**
 * A computation that pauses at checkpoints: each `yield` gives the fraction of it done so far (0–1), or
 * nothing, and it returns its result.
 */
export type Steps<T> = Generator<number | undefined, T, undefined>;

/** Runs `steps` to the end, synchronously, and returns its result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Passes the fractions `steps` yields on as fractions of the range `from`–`to` of a larger computation. */
export function* within<T>(steps: Steps<T>, from: number, to: number): Steps<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    yield r.value === undefined ? undefined : from + (to - from) * r.value;
  }
}

export interface StepsOptions {
  /** Stops the computation (a VivifyError E_ABORTED) at the first checkpoint after it fires. */
  signal?: AbortSignal;
  /** The fraction done (0–1), at most once per slice, and 1 at the end. */
  onProgress?: (fraction: number) => void;
  /** Milliseconds of work between two yields to the event loop. Default 50. */
  sliceMs?: number;
}

/** Lets the event loop run (timers, I/O, signal handlers) before going on. */
export function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `steps` in slices of about `sliceMs`, yielding to the event loop between them: the caller stays
 * responsive, an aborted `signal` stops it within a slice, and `onProgress` hears how far it is.
 *
 * @example
 * const motion = await runStepsAsync(generateMotionSteps(models, { label: 'idle', durationS: 600 }), { signal });
 */
export async function runStepsAsync<T>(steps: Steps<T>, options: StepsOptions = {}): Promise<T> {
  const slice = options.sliceMs ?? 50;
  throwIfAborted(options.signal);
  let started = performance.now();
  let fraction: number | undefined;
  let reported: number | undefined;
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) {
        options.onProgress?.(1);
        return r.value;
      }
      if (r.value !== undefined) fraction = r.value;
      if (performance.now() - started >= slice) {
        if (fraction !== undefined && fraction !== reported) options.onProgress?.((reported = fraction));
        await pause();
        throwIfAborted(options.signal);
        started = performance.now();
      }
    }
  } finally {
    // Stopped early (aborted, or a callback threw): let the computation's own `finally` blocks run.
    steps.return(undefined as T);
  }
}
