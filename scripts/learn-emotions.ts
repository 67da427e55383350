/**
 * Learns the eight emotions as directions in action-unit space from the MEAD clips in ../shared/data (two
 * actors, M030 and W009, each in all eight emotions), the way attribute directions are fitted on labelled
 * latent codes (InterFaceGAN): per emotion, a logistic-regression boundary between that emotion's frames
 * and the same actor's neutral frames; its normal is the direction. AU intensities are measured relative
 * to each actor's own neutral face (the mean of the neutral clip), so identity does not enter.
 * Two actors are few, so the regression is regularised towards the emotion's FACS prototype (EMFACS:
 * which AUs the emotion shows) rather than towards zero: the data decide the weights, the prototype keeps
 * an AU the actors' speech happened to mask (e.g. the dropped jaw of surprise). All emotions but contempt
 * are made left-right symmetric; contempt is one-sided by definition.
 * Components under 15% of the largest are zeroed (the masking that keeps unaffected regions still), and
 * the step for intensity 1 is the mean distance, along the direction, from neutral frames to the 20% of
 * emotion frames that show it most (the apex). Writes src/motion/emotion-data.ts.
 *
 *   npx tsx scripts/learn-emotions.ts [../shared/data]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node.js';
import { decodeVideo } from '../src/media/video.js';
import { ACTION_UNITS } from '../src/face/action-units.js';
import { estimateAUs } from '../src/analysis/action-units.js';
import { faceState } from '../src/motion/motion.js';
import { EMOTION_NAMES } from '../src/motion/emotion-names.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const actors = ['M030', 'W009'];
const clipName = (actor: string, e: string): string =>
  `videos/dreamtalk_${actor}_front_${e === 'neutral' ? 'neutral_level1' : `${e}_level3`}_001.mp4`;
const analyzer = await createFaceAnalyzer({ emotion: false });

/** Canonical shapes of every frame of a clip. */
async function shapes(file: string): Promise<Float32Array[]> {
  const tracker = analyzer.createTracker();
  const out: Float32Array[] = [];
  for await (const f of decodeVideo(path.join(data, file))) {
    const face = (await tracker.next(f, { emotion: false })).faces[0];
    if (face) out.push(faceState(face).canon);
  }
  return out;
}

const features = (e: ReturnType<typeof estimateAUs>): number[] =>
  ACTION_UNITS.flatMap((au) => [e.left[au], e.right[au]]);
const D = ACTION_UNITS.length * 2;
const samples: Record<string, number[][]> = {};
for (const actor of actors) {
  const neutralShapes = await shapes(clipName(actor, 'neutral'));
  const neutral = new Float32Array(neutralShapes[0]!.length);
  for (const s of neutralShapes) for (let i = 0; i < s.length; i++) neutral[i]! += s[i]! / neutralShapes.length;
  for (const e of EMOTION_NAMES) {
    const frames = e === 'neutral' ? neutralShapes : await shapes(clipName(actor, e));
    (samples[e] ??= []).push(...frames.map((s) => features(estimateAUs(s, neutral))));
    console.log(`${actor} ${e}: ${frames.length} frames`);
  }
}

/** EMFACS prototypes (Friesen & Ekman 1983), AUs at equal weight; contempt on the subject's left. */
const PROTOTYPES: Record<string, { au: number; side?: 'left' }[]> = {
  happy: [{ au: 6 }, { au: 12 }],
  sad: [{ au: 1 }, { au: 4 }, { au: 15 }],
  angry: [{ au: 4 }, { au: 5 }, { au: 7 }, { au: 23 }],
  fear: [{ au: 1 }, { au: 2 }, { au: 4 }, { au: 5 }, { au: 7 }, { au: 20 }, { au: 26 }],
  surprised: [{ au: 1 }, { au: 2 }, { au: 5 }, { au: 26 }],
  disgusted: [{ au: 9 }, { au: 10 }, { au: 15 }],
  contempt: [
    { au: 12, side: 'left' },
    { au: 14, side: 'left' },
  ],
};
const PRIOR_WEIGHT = 0.02;

function prior(e: string): number[] {
  const w = new Array<number>(D).fill(0);
  for (const p of PROTOTYPES[e] ?? []) {
    const i = ACTION_UNITS.indexOf(p.au as (typeof ACTION_UNITS)[number]);
    w[2 * i] = 1;
    if (p.side !== 'left') w[2 * i + 1] = 1;
  }
  const n = Math.hypot(...w) || 1;
  return w.map((v) => v / n);
}

/** Logistic regression, regularised towards `w0` (gradient descent); returns the unit normal. */
function logistic(pos: number[][], neg: number[][], w0: number[]): number[] {
  const xs = [...pos.map((x) => [x, 1] as const), ...neg.map((x) => [x, 0] as const)];
  let w = [...w0];
  let b = 0;
  const lr = 0.05;
  for (let it = 0; it < 4000; it++) {
    const gw = new Array<number>(D).fill(0);
    let gb = 0;
    for (const [x, y] of xs) {
      const z = x.reduce((s, v, k) => s + v * w[k]!, b);
      const p = 1 / (1 + Math.exp(-z));
      const weight = y ? xs.length / (2 * pos.length) : xs.length / (2 * neg.length); // balance the classes
      for (let k = 0; k < D; k++) gw[k]! += weight * (p - y) * x[k]!;
      gb += weight * (p - y);
    }
    // The prior pulls the direction (scaled to the current norm) towards the prototype.
    const norm = Math.hypot(...w) || 1;
    w = w.map((v, k) => v - lr * (gw[k]! / xs.length + PRIOR_WEIGHT * (v - w0[k]! * norm)));
    b -= lr * (gb / xs.length);
  }
  const n = Math.hypot(...w) || 1;
  return w.map((v) => v / n);
}

const result: Record<string, { direction: number[]; step: number; accuracy: number }> = {};
for (const e of EMOTION_NAMES) {
  if (e === 'neutral') continue;
  const pos = samples[e]!;
  const neg = samples.neutral!;
  let dir = logistic(pos, neg, prior(e));
  if (e !== 'contempt') {
    // Symmetric emotions: both sides the same (the mean of the two).
    for (let i = 0; i < D; i += 2) dir[i] = dir[i + 1] = (dir[i]! + dir[i + 1]!) / 2;
  }
  const max = Math.max(...dir.map(Math.abs));
  dir = dir.map((v) => (Math.abs(v) < 0.15 * max ? 0 : v));
  const n = Math.hypot(...dir) || 1;
  dir = dir.map((v) => v / n);
  const proj = (x: number[]): number => x.reduce((s, v, k) => s + v * dir[k]!, 0);
  const pn = neg.map(proj);
  const pp = pos.map(proj).sort((a, b) => b - a);
  const apex = pp.slice(0, Math.max(1, Math.round(pp.length * 0.2)));
  const step = apex.reduce((s, v) => s + v, 0) / apex.length - pn.reduce((s, v) => s + v, 0) / pn.length;
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const cut = (median(pp) + median(pn)) / 2;
  const accuracy = (pp.filter((v) => v > cut).length + pn.filter((v) => v <= cut).length) / (pp.length + pn.length);
  result[e] = {
    direction: dir.map((v) => Number(v.toFixed(4))),
    step: Number(step.toFixed(4)),
    accuracy: Number(accuracy.toFixed(3)),
  };
  const top = ACTION_UNITS.flatMap(
    (au, i) =>
      [
        [`AU${au}L`, dir[2 * i]!],
        [`AU${au}R`, dir[2 * i + 1]!],
      ] as [string, number][],
  )
    .filter(([, v]) => v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 8)
    .map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${v.toFixed(2)}`);
  console.log(`${e}: step ${step.toFixed(2)}, separation accuracy ${(accuracy * 100).toFixed(0)}%: ${top.join(', ')}`);
}
writeFileSync(
  new URL('../src/motion/emotion-data.ts', import.meta.url),
  `// Generated by scripts/learn-emotions.ts from the MEAD clips of actors ${actors.join(' and ')}. Do not edit by hand.

/**
 * Per emotion: a unit direction over the action units, left and right interleaved in ACTION_UNITS order
 * (AU1 left, AU1 right, AU2 left, …), the intensity-space distance from neutral to the emotion's apex along
 * it (\`step\`, used for intensity 1), and how well the direction separates the emotion's frames from neutral.
 */
export const EMOTION_DIRECTIONS: Record<string, { direction: number[]; step: number; accuracy: number }> = ${JSON.stringify(result, null, 2)};
`,
);
analyzer.close();
