/**
 * What the real-vs-generated two-sample test of the curve evaluation sees (src/generate/evaluate.ts): the
 * channels it reads from a feature frame, and its accuracy on groups of the window features and on single
 * ones. Pure.
 */
import { twoSampleAccuracy } from './curve-metrics.js';
import { F_GAZE, F_POSE, meanAUs, MODEL_AUS } from './features.js';

/** The channels the two-sample test sees: the 16 AU means, head rotation and gaze. */
export function testChannels(f: Float32Array): number[] {
  return [...meanAUs(f), f[F_POSE]!, f[F_POSE + 1]!, f[F_POSE + 2]!, f[F_GAZE]!, f[F_GAZE + 1]!];
}

/** The channels of the two-sample test, in windowFeatures order (3 statistics each). */
const TEST_CHANNELS = [...MODEL_AUS.map((au) => `AU${au}`), 'yaw', 'pitch', 'roll', 'gaze x', 'gaze y'];
const STATISTICS = ['level', 'spread', 'speed'] as const;

export interface ClassifierBreakdown {
  /** The same classifier on feature groups: channel group × statistic (level: mean, spread: sd, speed: mean |Δ|). */
  groups: { group: string; accuracy: number }[];
  /** The single features that tell real from generated best, with their means. */
  topFeatures: { feature: string; index: number; accuracy: number; real: number; generated: number }[];
}

/** What the real-vs-generated classifier sees: its accuracy on groups of features and on single ones. */
export function classifierBreakdown(
  real: readonly { features: number[]; group: string }[],
  gen: readonly { features: number[]; group: string }[],
  top = 8,
): ClassifierBreakdown {
  const pick = (idx: number[]) => (rows: readonly { features: number[]; group: string }[]) =>
    rows.map((r) => ({ group: r.group, features: idx.map((i) => r.features[i]!) }));
  const acc = (idx: number[]): number => twoSampleAccuracy(pick(idx)(real), pick(idx)(gen));
  const channels: Record<string, number[]> = {
    AUs: MODEL_AUS.map((_, i) => i),
    head: [MODEL_AUS.length, MODEL_AUS.length + 1, MODEL_AUS.length + 2],
    gaze: [MODEL_AUS.length + 3, MODEL_AUS.length + 4],
  };
  const groups: ClassifierBreakdown['groups'] = [];
  for (const [name, cs] of Object.entries(channels)) {
    groups.push({ group: `${name}, all`, accuracy: acc(cs.flatMap((c) => [3 * c, 3 * c + 1, 3 * c + 2])) });
    STATISTICS.forEach((st, si) => groups.push({ group: `${name}, ${st}`, accuracy: acc(cs.map((c) => 3 * c + si)) }));
  }
  const D = real[0]?.features.length ?? 0;
  STATISTICS.forEach((st, si) =>
    groups.push({ group: `every channel, ${st}`, accuracy: acc([...Array(D).keys()].filter((i) => i % 3 === si)) }),
  );
  return { groups, topFeatures: topFeatures(real, gen, top) };
}

/** The `top` single features that tell real from generated best, with their means over both. */
export function topFeatures(
  real: readonly { features: number[]; group: string }[],
  gen: readonly { features: number[]; group: string }[],
  top: number,
): ClassifierBreakdown['topFeatures'] {
  const one = (i: number) => (rows: readonly { features: number[]; group: string }[]) =>
    rows.map((r) => ({ group: r.group, features: [r.features[i]!] }));
  const mean = (rows: readonly { features: number[] }[], i: number): number =>
    rows.reduce((a, r) => a + r.features[i]!, 0) / Math.max(1, rows.length);
  return [...Array(real[0]?.features.length ?? 0).keys()]
    .map((i) => ({
      feature: `${TEST_CHANNELS[Math.floor(i / 3)]} ${STATISTICS[i % 3]}`,
      index: i,
      accuracy: twoSampleAccuracy(one(i)(real), one(i)(gen)),
      real: mean(real, i),
      generated: mean(gen, i),
    }))
    .sort((a, b) => b.accuracy - a.accuracy)
    .slice(0, top);
}
