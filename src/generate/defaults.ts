/**
 * The defaults of generated motion (`generateMotion()`), written once: `vivify generate` and the library's
 * GENERATE_OPTIONS (src/generate/options.ts) take theirs from here. Pure.
 */
import { DEFAULT_SEED } from './random.js';

export const GENERATE_DEFAULTS = {
  seed: DEFAULT_SEED,
  /** Length in seconds. */
  durationS: 4,
  /** 1: the apex real actors showed, as `vivify edit --emotion X=1`. */
  intensity: 1,
  shape: 'episode',
} as const;
