/**
 * Measures of talking faces against real video (docs/results/speech.md): correlation of mouth opening,
 * the audio–visual offset (the lag that best lines audio energy up with mouth opening), normalised lip
 * landmark distance, blink rate and head-motion statistics. Pure.
 */
import { pearson } from '../face/stats.js';

/** Pearson correlation of two equally long series, 0 when either is constant (see {@link pearson}). */
export function pearsonOrZero(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const r = pearson(a, b, 0);
  return Number.isNaN(r) ? 0 : r;
}

/**
 * The lag (frames, within ±maxLag) that maximises the correlation of `audio[t]` with `mouth[t + lag]`:
 * positive when the mouth follows the sound, negative when it leads.
 */
export function avOffset(audio: ArrayLike<number>, mouth: ArrayLike<number>, maxLag = 10): { lag: number; r: number } {
  let best = { lag: 0, r: -Infinity };
  const n = Math.min(audio.length, mouth.length);
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const a: number[] = [];
    const m: number[] = [];
    for (let t = Math.max(0, -lag); t < n && t + lag < n; t++) {
      a.push(audio[t]!);
      m.push(mouth[t + lag]!);
    }
    const r = pearsonOrZero(a, m);
    if (r > best.r) best = { lag, r };
  }
  return best;
}

/**
 * Mean distance between corresponding lip points of two shapes (x, y pairs), over a reference width:
 * the normalised mouth landmark distance (LMD).
 */
export function lipDistance(a: ArrayLike<number>, b: ArrayLike<number>, width: number): number {
  const n = Math.min(a.length, b.length) / 2;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.hypot(a[2 * i]! - b[2 * i]!, a[2 * i + 1]! - b[2 * i + 1]!);
  return n ? s / n / width : 0;
}

/** Blinks in an eye-closure series (0 open … 1 closed): rises above 0.5 that last at most `maxFrames`. */
export function countBlinks(closure: ArrayLike<number>, maxFrames = 15): number {
  let count = 0;
  let run = 0;
  for (let i = 0; i <= closure.length; i++) {
    if (i < closure.length && closure[i]! > 0.5) run++;
    else {
      if (run > 0 && run <= maxFrames) count++;
      run = 0;
    }
  }
  return count;
}

/** Head-motion statistics of a pose series (degrees): spread of each angle and mean angular speed (°/s). */
export function headMotionStats(
  pose: readonly (readonly [number, number, number])[],
  fps: number,
): { yawSdDeg: number; pitchSdDeg: number; rollSdDeg: number; speedDegPerS: number } {
  const sdOf = (k: number): number => {
    const v = pose.map((p) => p[k]!);
    const m = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length));
  };
  let speed = 0;
  for (let i = 1; i < pose.length; i++)
    speed += Math.hypot(...([0, 1, 2] as const).map((k) => pose[i]![k] - pose[i - 1]![k])) * fps;
  return {
    yawSdDeg: sdOf(0),
    pitchSdDeg: sdOf(1),
    rollSdDeg: sdOf(2),
    speedDegPerS: speed / Math.max(1, pose.length - 1),
  };
}
