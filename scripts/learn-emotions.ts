/**
 * Learns the eight emotions as action-unit intensities at the apex of real expressions, from the labelled
 * clips in ../shared/data (src/dataset/expression-clips.ts: the MEAD actors at level 3, the strongest, the
 * MEAD-style actors, the in-the-wild emotional clips), and writes src/emotion/emotion-data.ts.
 *
 * Which AUs an emotion involves comes from FACS (the EMFACS prototypes and their common variants, Friesen &
 * Ekman 1983, Ekman, Friesen & Hager 2002: a smile with raised cheeks for happy, inner brows up and together
 * with the lip corners down for sad, …, the variants' AUs optional: lips parted, a dropped lid, a raised chin);
 * how strong each one is comes from the data:
 *
 * 1. Every frame's shape change from the same person's neutral face (their neutral clip; for people without
 *    one, their least expressive frames) is fitted, by non-negative least squares, with the response fields of
 *    the emotion's AUs (what the landmark models report of each AU the renderer applies, src/analysis/
 *    au-response.ts) and of the speech AUs (lips part, jaw drop, chin raise, lip press), which soak up the
 *    talking the actors do. So a fitted intensity is the intensity the renderer must apply for the landmark
 *    models to see what they saw on the real face. AUs the landmark models barely see (the nose wrinkler, the
 *    dimpler) are held near FACS's C level by a weak prior; the data move the others.
 * 2. A clip's apex is the 10% of its frames where the emotion's own AUs are strongest (speech AUs do not
 *    count); intensity 1 of the emotion is the mean of the clips' apex intensities, people weighted equally —
 *    the MEAD actors at their strongest level (they were also filmed neutral, so their intensities are
 *    measured from a true neutral face; the other clips are listed for comparison). The ceiling follows:
 *    intensity 1 lies within what the real apex faces show (scripts/eval-expression.ts measures it).
 * 3. Symmetric emotions are fitted with both sides together; contempt one side at a time, kept on the
 *    subject's left (the side its clips show most, mirrored where needed).
 *
 *   npx tsx scripts/learn-emotions.ts [../shared/data]
 *
 * The landmark cache is $VIVIFY_CACHE (default scratch/cache); clips missing from it are tracked first.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { responseFields } from '../src/analysis/au-response.js';
import { estimateAUs } from '../src/analysis/au-estimate.js';
import { EXPRESSION_CLIPS, loadClip, type ClipFrames } from '../src/dataset/expression-clips.js';
import { ACTION_UNITS, type ActionUnit } from '../src/face/action-units.js';
import { MESH_POINTS } from '../src/face/topology.js';
import { rotationToEuler } from '../src/face/pose.js';
import type { EmotionName } from '../src/emotion/emotion-names.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const D = MESH_POINTS * 3;

/** Per emotion: its AUs (FACS prototype) with the prior intensity, and AUs the data may add (prior 0). */
const PROTOTYPES: Record<Exclude<EmotionName, 'neutral'>, { core: ActionUnit[]; optional: ActionUnit[] }> = {
  happy: { core: [6, 12], optional: [25] },
  sad: { core: [1, 4, 15], optional: [17] },
  // The glare: brows down and together, lids tightened, lips pressed. AU5 (often with it) is left out: over
  // AU7's raised lower lid it moves the opening above the iris, which a still reads as eyes rolled down.
  angry: { core: [4, 7, 23], optional: [17] },
  fear: { core: [1, 2, 4, 5, 20], optional: [25, 26] },
  surprised: { core: [1, 2, 5, 26], optional: [25] },
  disgusted: { core: [9, 10], optional: [4, 15, 17, 25] },
  contempt: { core: [12, 14], optional: [] },
};
/** AUs of speech: always fitted (so talking does not read as the emotion), kept only when the emotion has them. */
const SPEECH: ActionUnit[] = [25, 26, 17, 23];
/** Prior intensity of a core AU (FACS C), and the prior's weight relative to each AU's response energy. */
const PRIOR_CORE = 2.5;
const PRIOR_WEIGHT = 0.15;
const APEX_FRACTION = 0.1;

const R = responseFields();
if (!R) throw new Error('No AU response fields: run scripts/calibrate-aus.ts first');
const fieldOf = (au: ActionUnit, side: 'left' | 'right'): Float32Array =>
  R.find((f) => f.au === au && f.side === side)!.field;

interface Regressor {
  au: ActionUnit;
  side: 'both' | 'left' | 'right';
  field: Float64Array; // per unit intensity
  prior: number;
  keep: boolean;
}

function regressors(e: keyof typeof PROTOTYPES, oneSide?: 'left' | 'right'): Regressor[] {
  const p = PROTOTYPES[e];
  const list: { au: ActionUnit; prior: number; keep: boolean }[] = [
    ...p.core.map((au) => ({ au, prior: PRIOR_CORE, keep: true })),
    ...p.optional.map((au) => ({ au, prior: 0, keep: true })),
    ...SPEECH.filter((au) => !p.core.includes(au) && !p.optional.includes(au)).map((au) => ({
      au,
      prior: 0,
      keep: false,
    })),
  ];
  return list.map(({ au, prior, keep }) => {
    const field = new Float64Array(D);
    const sides: ('left' | 'right')[] = oneSide && keep ? [oneSide] : ['left', 'right'];
    for (const s of sides) {
      const f = fieldOf(au, s);
      for (let i = 0; i < D; i++) field[i]! += f[i]! / 5;
    }
    return { au, side: oneSide && keep ? oneSide : 'both', field, prior, keep };
  });
}

/** min Σ‖Σ a_k f_k − δ‖² + Σ w_k (a_k − prior_k)², 0 ≤ a ≤ 5 (projected gradient). */
function fit(regs: Regressor[], delta: Float64Array): number[] {
  const n = regs.length;
  const G = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    for (let q = p; q < n; q++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += regs[p]!.field[i]! * regs[q]!.field[i]!;
      G[p * n + q] = G[q * n + p] = s;
    }
    for (let i = 0; i < D; i++) b[p]! += regs[p]!.field[i]! * delta[i]!;
  }
  for (let p = 0; p < n; p++) {
    const w = PRIOR_WEIGHT * G[p * n + p]!;
    G[p * n + p]! += w;
    b[p]! += w * regs[p]!.prior;
  }
  let L = 0;
  for (let p = 0; p < n; p++) {
    let row = 0;
    for (let q = 0; q < n; q++) row += Math.abs(G[p * n + q]!);
    L = Math.max(L, row);
  }
  let a = new Float64Array(n);
  for (let it = 0; it < 2000; it++) {
    const next = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      let g = -b[p]!;
      for (let q = 0; q < n; q++) g += G[p * n + q]! * a[q]!;
      next[p] = Math.max(0, Math.min(5, a[p]! - g / L));
    }
    a = next;
  }
  return [...a];
}

const mean = (ss: Float32Array[]): Float32Array => {
  const m = new Float32Array(ss[0]!.length);
  for (const s of ss) for (let i = 0; i < m.length; i++) m[i]! += s[i]! / ss.length;
  return m;
};

// Load the clips, and each person's neutral face.
const clips: ClipFrames[] = [];
for (const c of EXPRESSION_CLIPS) {
  const l = await loadClip(data, c);
  if (l) clips.push(l);
}
const shapes = (c: ClipFrames): Float32Array[] =>
  c.frames.flatMap((f) => {
    if (!f) return [];
    const e = rotationToEuler(f.state.pose.rotation);
    return Math.abs(e.yawDeg) > 30 || Math.abs(e.pitchDeg) > 25 ? [] : [f.state.canon];
  });
const neutrals = new Map<string, { shape: Float32Array; from: string }>();
for (const person of new Set(clips.map((c) => c.clip.person))) {
  const mine = clips.filter((c) => c.clip.person === person);
  const nc = mine.filter((c) => c.clip.neutral);
  if (nc.length) {
    neutrals.set(person, { shape: mean(nc.flatMap(shapes)), from: 'neutral clip' });
    continue;
  }
  const all = mine.flatMap(shapes);
  const median = new Float32Array(all[0]!.length);
  for (let i = 0; i < median.length; i++) median[i] = all.map((s) => s[i]!).sort((a, b) => a - b)[all.length >> 1]!;
  const scored = all
    .map((s) => {
      const e = estimateAUs(s, median);
      return { s, v: ACTION_UNITS.reduce((t, au) => t + e.intensity[au], 0) };
    })
    .sort((a, b) => a.v - b.v);
  const k = Math.max(5, Math.round(scored.length * 0.15));
  neutrals.set(person, { shape: mean(scored.slice(0, k).map((x) => x.s)), from: `${k} least expressive frames` });
}

type Apex = { person: string; file: string; values: Map<string, number>; side?: 'left' | 'right' };
const result: Record<string, { left: Record<number, number>; right: Record<number, number>; clips: number }> = {};
for (const e of Object.keys(PROTOTYPES) as (keyof typeof PROTOTYPES)[]) {
  const apexes: Apex[] = [];
  for (const c of clips.filter((x) => x.clip.emotion === e)) {
    const neutral = neutrals.get(c.clip.person)!.shape;
    const frames = shapes(c);
    if (frames.length < 10) continue;
    const tries: ('left' | 'right' | undefined)[] = e === 'contempt' ? ['left', 'right'] : [undefined];
    let best: Apex | undefined;
    let bestScore = -Infinity;
    for (const side of tries) {
      const regs = regressors(e, side);
      const fitted = frames.map((s) => {
        const delta = new Float64Array(D);
        for (let i = 0; i < D; i++) delta[i] = s[i]! - neutral[i]!;
        const a = fit(regs, delta);
        const score = regs.reduce((t, r, k) => t + (r.keep && !SPEECH.includes(r.au) ? a[k]! : 0), 0);
        return { a, score };
      });
      fitted.sort((x, y) => y.score - x.score);
      const top = fitted.slice(0, Math.max(2, Math.round(fitted.length * APEX_FRACTION)));
      const score = top.reduce((t, f) => t + f.score, 0) / top.length;
      if (score <= bestScore) continue;
      bestScore = score;
      const values = new Map<string, number>();
      regs.forEach((r, k) => {
        if (r.keep) values.set(`${r.au}`, top.reduce((t, f) => t + f.a[k]!, 0) / top.length);
      });
      best = { person: c.clip.person, file: c.clip.file, values, side };
    }
    if (best) {
      apexes.push(best);
      console.log(
        `${e} ${path.basename(best.file)}${best.side ? ` (${best.side})` : ''}: ${[...best.values]
          .map(([k, v]) => `AU${k} ${v.toFixed(1)}`)
          .join(', ')}`,
      );
    }
  }
  // People weighted equally: average within a person, then across people — the people filmed in a neutral
  // clip too (MEAD), where there are any: for the others the neutral face is their least expressive frames,
  // which still show some of the emotion, so their intensities read low.
  const anchored = apexes.filter((a) => neutrals.get(a.person)!.from === 'neutral clip');
  const used = anchored.length ? anchored : apexes;
  const people = [...new Set(used.map((a) => a.person))];
  const avg = new Map<string, number>();
  for (const p of people) {
    const mine = used.filter((a) => a.person === p);
    for (const a of mine)
      for (const [k, v] of a.values) avg.set(k, (avg.get(k) ?? 0) + v / mine.length / people.length);
  }
  const left: Record<number, number> = {};
  const right: Record<number, number> = {};
  for (const [k, v] of avg) {
    const value = Number(v.toFixed(2));
    if (value < 0.1) continue;
    left[Number(k)] = value;
    if (e !== 'contempt') right[Number(k)] = value;
  }
  result[e] = { left, right, clips: used.length };
  console.log(
    `${e}: ${used.length} clips of ${people.length} people → ${Object.entries(left)
      .map(([k, v]) => `AU${k} ${v}`)
      .join(', ')}`,
  );
}
writeFileSync(
  new URL('../src/emotion/emotion-data.ts', import.meta.url),
  `// Generated by scripts/learn-emotions.ts from ${clips.length} labelled clips. Do not edit by hand.

/**
 * Per emotion: the AU intensities (0–5, per side) of intensity 1 — the mean apex of the emotion's real clips,
 * in the renderer's units (see scripts/learn-emotions.ts) — and how many clips they come from.
 */
export const EMOTION_APEX: Record<
  string,
  { left: Record<number, number>; right: Record<number, number>; clips: number }
> = ${JSON.stringify(result, null, 2)};
`,
);
