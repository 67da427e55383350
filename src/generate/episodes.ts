/**
 * Expression episodes in real motion: stretches where one emotion rises from a calmer face to a peak and
 * falls back (onset → apex → hold → offset), found in the emotion coordinates of measured curves. They are
 * what the emotion-sequence predictor learns natural timing from, and what it is checked against.
 */

export interface Episode {
  /** Index into EXPRESSIVE_EMOTIONS. */
  emotion: number;
  /** First and last frame (inclusive): the calm frames before and after the peak. */
  start: number;
  end: number;
  peak: number;
  /** The emotion's coordinate at the start, the peak and the end. */
  startValue: number;
  peakValue: number;
  endValue: number;
}

export interface Phases {
  /** Frames from the start to the first frame at ≥ 90% of the rise. */
  onset: number;
  /** Frames at ≥ 90% of the rise (apex and hold). */
  hold: number;
  /** Frames from the end of the hold to the end. */
  offset: number;
}

export interface EpisodeOptions {
  /** Smallest rise and fall (emotion-intensity units, 1 = the learned apex). Default 0.25. */
  minRise?: number;
  /** Lowest peak. Default 0.4. */
  minPeak?: number;
  /** Longest onset and offset searched, frames. Default 75 and 100 (3 s and 4 s at 25 frames/s). */
  maxOnset?: number;
  maxOffset?: number;
}

/**
 * Episodes in a clip's emotion coordinates (frames × emotions, ideally lightly smoothed). A peak counts
 * when its emotion dominates the face at the peak, rises by `minRise` from the lowest point in the
 * `maxOnset` frames before it and falls by as much within `maxOffset` frames after; the episode runs
 * from that low point before to the one after. Overlapping episodes of one emotion keep the higher peak.
 */
export function findEpisodes(coords: readonly ArrayLike<number>[], options: EpisodeOptions = {}): Episode[] {
  const minRise = options.minRise ?? 0.25;
  const minPeak = options.minPeak ?? 0.4;
  const maxOnset = options.maxOnset ?? 75;
  const maxOffset = options.maxOffset ?? 100;
  const T = coords.length;
  if (T === 0) return [];
  const E = coords[0]!.length;
  const out: Episode[] = [];
  for (let e = 0; e < E; e++) {
    const v = coords.map((c) => c[e]!);
    const found: Episode[] = [];
    for (let p = 1; p < T - 1; p++) {
      if (!(v[p]! >= v[p - 1]! && v[p]! > v[p + 1]!) || v[p]! < minPeak) continue;
      // Dominant at the peak.
      if (coords[p]!.length > 1 && Array.from(coords[p]!).some((x, k) => k !== e && x > v[p]!)) continue;
      let s = p;
      for (let t = p; t >= Math.max(0, p - maxOnset); t--) {
        if (v[t]! > v[p]!) break;
        if (v[t]! < v[s]!) s = t;
      }
      let end = p;
      for (let t = p; t <= Math.min(T - 1, p + maxOffset); t++) {
        if (v[t]! > v[p]!) break;
        if (v[t]! < v[end]!) end = t;
      }
      if (v[p]! - v[s]! < minRise || v[p]! - v[end]! < minRise || s === p || end === p) continue;
      found.push({
        emotion: e,
        start: s,
        end,
        peak: p,
        startValue: v[s]!,
        peakValue: v[p]!,
        endValue: v[end]!,
      });
    }
    // Of overlapping episodes keep the highest peaks.
    found.sort((a, b) => b.peakValue - a.peakValue);
    const kept: Episode[] = [];
    for (const ep of found) if (!kept.some((k) => ep.start < k.end && k.start < ep.end)) kept.push(ep);
    out.push(...kept);
  }
  return out.sort((a, b) => a.start - b.start || a.emotion - b.emotion);
}

/** Onset, hold and offset lengths of an envelope (a curve rising from its first value to a peak and back). */
export function phasesOf(envelope: readonly number[]): Phases {
  const n = envelope.length;
  if (n === 0) return { onset: 0, hold: 0, offset: 0 };
  let peak = 0;
  for (let t = 1; t < n; t++) if (envelope[t]! > envelope[peak]!) peak = t;
  const base = Math.min(envelope[0]!, envelope[n - 1]!);
  const level = base + 0.9 * (envelope[peak]! - base);
  let first = peak;
  while (first > 0 && envelope[first - 1]! >= level) first--;
  let last = peak;
  while (last < n - 1 && envelope[last + 1]! >= level) last++;
  return { onset: first, hold: last - first + 1, offset: n - 1 - last };
}
