/**
 * `vivify augment` at scale: every face of ../shared/data/images × 6 emotions × 2 intensities, with one
 * worker process and with one per core — throughput and how much it gains (bar: ≥ 1.7× one worker on
 * 2 cores) — and whether the manifest's labels are right:
 *  - re-analysing a sample of the variants with Human's emotion model, the labelled emotion's probability
 *    rises against the source face (and, as a control, how often a wrong label's would);
 *  - re-rendering a sample from nothing but its manifest line gives the very same file.
 * Writes docs/results/batch.json and docs/results/batch.md.
 *
 *   npm run bench:batch                       # both runs and the label check (tens of minutes on 2 cores)
 *   npm run bench:batch -- --workers 2        # only these pool sizes
 *   npm run bench:batch -- --images DIR --sample 96 --no-write
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { augment } from '../src/batch/jobs.js';
import type { BatchReport } from '../src/batch/run.js';
import { createFaceEditor } from '../src/expression/edit.js';
import type { FaceResult } from '../src/face/types.js';
import { encodeImage, readImage } from '../src/media/image-file.js';
import type { EmotionName } from '../src/emotion/emotion.js';
import { DATA } from '../test/helpers.js';
import { machine } from './machine.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: path.join(DATA, 'images') },
    workers: { type: 'string', default: `1,${availableParallelism()}` },
    sample: { type: 'string', default: '144' },
    rerender: { type: 'string', default: '24' },
    write: { type: 'boolean', default: true },
    'no-write': { type: 'boolean', default: false },
  },
});
const EMOTIONS: EmotionName[] = ['happy', 'sad', 'angry', 'surprised', 'fear', 'disgusted'];
/** Human's class for each label. */
const CLASS: Record<string, string> = {
  happy: 'happy',
  sad: 'sad',
  angry: 'angry',
  surprised: 'surprise',
  fear: 'fear',
  disgusted: 'disgust',
};
const INTENSITIES = [0.5, 1];
const write = values.write && !values['no-write'];

/**
 * How long `workers` processes, each with a core to itself, would take over items costing `cpuMs` each,
 * taken in this order by whichever worker is free (what the pool does).
 */
function makespan(cpuMs: readonly number[], workers: number): number {
  const free = new Array<number>(workers).fill(0);
  for (const c of cpuMs) {
    const i = free.indexOf(Math.min(...free));
    free[i]! += c;
  }
  return Math.max(...free);
}

interface Run {
  workers: number;
  wallS: number;
  variants: number;
  items: number;
  variantsPerS: number;
  cpuS: number;
  /** Share of the pool's cores the workers got: CPU seconds / (wall seconds × workers). */
  cpuShare: number;
  loadBefore: number;
  loadAfter: number;
}

console.log(`machine: ${machine()}`);
console.log(`images: ${values.images}; load average now ${loadavg()[0]!.toFixed(2)} (other jobs share this machine)`);
const tmp = mkdtempSync(path.join(tmpdir(), 'vivify-bench-batch-'));
const runs: Run[] = [];
let lastOut = '';
let itemCpuMs: number[] = [];
try {
  for (const w of values.workers!.split(',').map(Number)) {
    const out = path.join(tmp, `w${w}`);
    const loadBefore = loadavg()[0]!;
    const t0 = performance.now();
    const report: BatchReport = await augment(values.images!, out, {
      emotions: EMOTIONS,
      intensities: INTENSITIES,
      workers: w,
    });
    const wallS = (performance.now() - t0) / 1000;
    const run: Run = {
      workers: w,
      wallS,
      variants: report.lines.ok,
      items: report.items,
      variantsPerS: report.lines.ok / wallS,
      cpuS: report.cpuS,
      cpuShare: report.cpuS / (wallS * w),
      loadBefore,
      loadAfter: loadavg()[0]!,
    };
    runs.push(run);
    // Per-item CPU times, in the order the pool took the items (by key; the journal is in finishing order).
    itemCpuMs = readFileSync(path.join(out, '.vivify', 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string; cpuMs?: number })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((e) => e.cpuMs ?? 0);
    console.log(
      `${w} worker(s): ${run.variants} variants of ${run.items} images in ${wallS.toFixed(1)} s = ${run.variantsPerS.toFixed(2)} variants/s; ` +
        `worker CPU ${run.cpuS.toFixed(0)} s (${(100 * run.cpuShare).toFixed(0)}% of ${w} core(s)); load ${loadBefore.toFixed(1)} → ${run.loadAfter.toFixed(1)}`,
    );
    if (
      lastOut &&
      readFileSync(path.join(lastOut, 'manifest.jsonl'), 'utf8') !==
        readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    )
      throw new Error('the manifests of the runs differ');
    if (lastOut) rmSync(lastOut, { recursive: true, force: true });
    lastOut = out;
  }
  const speedup = runs.length > 1 ? runs.at(-1)!.variantsPerS / runs[0]!.variantsPerS : undefined;
  if (speedup)
    console.log(`throughput with ${runs.at(-1)!.workers} workers: ${speedup.toFixed(2)}× one worker (bar ≥ 1.7)`);
  // What the same items would take with a core per worker: a model, from the measured per-item CPU times.
  const total = itemCpuMs.reduce((a, b) => a + b, 0);
  const model = {
    items: itemCpuMs.length,
    cpuS: total / 1000,
    largestItemS: Math.max(...itemCpuMs) / 1000,
    speedup: Object.fromEntries([2, 4, 8].map((w) => [String(w), total / makespan(itemCpuMs, w)])),
  };
  console.log(
    `with a core per worker (list scheduling over the measured per-item CPU times): 2 workers ${model.speedup['2']!.toFixed(2)}×, 4 ${model.speedup['4']!.toFixed(2)}×, 8 ${model.speedup['8']!.toFixed(2)}× one worker (largest item ${model.largestItemS.toFixed(1)} s of ${model.cpuS.toFixed(0)} s)`,
  );

  const labels = await checkLabels(lastOut, Number(values.sample), Number(values.rerender));
  const result = {
    machine: machine(),
    images: path.relative(process.cwd(), values.images!),
    variants: { emotions: EMOTIONS, intensities: INTENSITIES },
    runs,
    speedup,
    model,
    labels,
  };
  if (write) {
    writeFileSync(path.join('docs', 'results', 'batch.json'), `${JSON.stringify(result, null, 1)}\n`);
    writeFileSync(path.join('docs', 'results', 'batch.md'), markdown(result));
    console.log('wrote docs/results/batch.json, docs/results/batch.md');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

interface Rec {
  source: string;
  face: number;
  variant: string;
  kind: string;
  status: string;
  output: string;
  emotion?: EmotionName;
  intensity?: number;
  box: { x: number; y: number; width: number; height: number };
}

function iou(a: Rec['box'], b: Rec['box']): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return i / (a.width * a.height + b.width * b.height - i);
}

async function checkLabels(out: string, sampleSize: number, rerenderSize: number) {
  const recs = readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec)
    .filter((r) => r.status === 'ok' && r.kind === 'emotion');
  // An even sample of each (emotion, intensity): every k-th line, so the same sample each time.
  const groups = new Map<string, Rec[]>();
  for (const r of recs) groups.set(r.variant, [...(groups.get(r.variant) ?? []), r]);
  const per = Math.max(1, Math.floor(sampleSize / groups.size));
  const sample = [...groups.values()].flatMap((g) =>
    Array.from({ length: Math.min(per, g.length) }, (_, i) => g[Math.floor((i * g.length) / Math.min(per, g.length))]!),
  );
  const judge = await createFaceAnalyzer({ emotion: true, maxFaces: 20 });
  const plain = await createFaceAnalyzer({ emotion: false, maxFaces: 20 });
  const sources = new Map<string, FaceResult[]>();
  const rows: {
    variant: string;
    emotion: string;
    intensity: number;
    rise: number;
    topRise: boolean;
    wrongRises: number;
  }[] = [];
  let unmatched = 0;
  try {
    for (const r of sample) {
      if (!sources.has(r.source)) sources.set(r.source, await judge.analyze(r.source));
      const src = sources.get(r.source)![r.face];
      if (!src || iou(src.box, r.box) < 0.9) {
        unmatched++;
        continue;
      }
      const outFaces = await judge.analyze(path.join(out, r.output));
      const best = outFaces.map((f) => ({ f, o: iou(f.box, r.box) })).sort((a, b) => b.o - a.o)[0];
      if (!src?.emotion || !best || best.o < 0.5 || !best.f.emotion) {
        unmatched++;
        continue;
      }
      const rises = Object.fromEntries(
        EMOTIONS.map((e) => [
          e,
          best.f.emotion![CLASS[e] as keyof typeof src.emotion]! - src.emotion![CLASS[e] as keyof typeof src.emotion]!,
        ]),
      );
      const label = r.emotion!;
      const others = EMOTIONS.filter((e) => e !== label);
      rows.push({
        variant: r.variant,
        emotion: label,
        intensity: r.intensity!,
        rise: rises[label]!,
        topRise: others.every((e) => rises[label]! > rises[e]!),
        wrongRises: others.filter((e) => rises[e]! > 0).length / others.length,
      });
    }
    // Re-render from the manifest line alone: same source, same face, same edit → the same bytes.
    const step = Math.max(1, Math.floor(sample.length / rerenderSize));
    let same = 0;
    let tried = 0;
    for (let i = 0; i < sample.length && tried < rerenderSize; i += step) {
      const r = sample[i]!;
      const image = await readImage(r.source);
      const face = (await plain.analyze(image))[r.face]!;
      const png = await encodeImage(
        createFaceEditor(image, face).edit({ emotions: [{ name: r.emotion!, intensity: r.intensity! }] }).image,
        'png',
      );
      tried++;
      if (png.equals(readFileSync(path.join(out, r.output)))) same++;
    }
    const by = (pred: (x: (typeof rows)[number]) => boolean) => rows.filter(pred);
    const summary = (xs: typeof rows) => ({
      n: xs.length,
      rises: xs.filter((x) => x.rise > 0).length / Math.max(1, xs.length),
      risesMost: xs.filter((x) => x.topRise).length / Math.max(1, xs.length),
      meanRise: xs.reduce((s, x) => s + x.rise, 0) / Math.max(1, xs.length),
      wrongLabelRises: xs.reduce((s, x) => s + x.wrongRises, 0) / Math.max(1, xs.length),
    });
    const result = {
      sampled: sample.length,
      unmatched,
      all: summary(rows),
      byEmotion: Object.fromEntries(EMOTIONS.map((e) => [e, summary(by((x) => x.emotion === e))])),
      byIntensity: Object.fromEntries(INTENSITIES.map((v) => [String(v), summary(by((x) => x.intensity === v))])),
      rerender: { tried, identical: same },
    };
    console.log(
      `labels: ${rows.length} sampled variants re-analysed (${unmatched} unmatched); the labelled emotion's probability rose on ${(100 * result.all.rises).toFixed(0)}% ` +
        `(a wrong label's on ${(100 * result.all.wrongLabelRises).toFixed(0)}%), rose most of the six on ${(100 * result.all.risesMost).toFixed(0)}%; ` +
        `re-rendered from the manifest line: ${same} of ${tried} byte-identical`,
    );
    return result;
  } finally {
    judge.close();
    plain.close();
  }
}

function markdown(r: {
  machine: string;
  images: string;
  runs: Run[];
  speedup?: number;
  model: { items: number; cpuS: number; largestItemS: number; speedup: Record<string, number> };
  labels: Awaited<ReturnType<typeof checkLabels>>;
}): string {
  const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
  const l = r.labels;
  return `# Batch augmentation: measurements

Generated by \`npm run bench:batch\` on ${r.machine}. The load averages below are the machine's (they lag: a
job that ended just before still shows); other jobs running beside the benchmark lower every figure.

## Throughput

\`vivify augment ${r.images} -o OUT --emotions happy,sad,angry,surprised,fear,disgusted --intensities 0.5,1\`, into a
fresh folder each time, with one worker process and with one per core. Both runs write byte-identical manifests.

| workers | variants | images | wall | variants/s | worker CPU | CPU share of the pool | load average (before → after) |
|---|---|---|---|---|---|---|---|
${r.runs.map((x) => `| ${x.workers} | ${x.variants} | ${x.items} | ${x.wallS.toFixed(1)} s | ${x.variantsPerS.toFixed(2)} | ${x.cpuS.toFixed(0)} s | ${pct(x.cpuShare)} | ${x.loadBefore.toFixed(1)} → ${x.loadAfter.toFixed(1)} |`).join('\n')}

${r.speedup ? `Throughput with ${r.runs.at(-1)!.workers} workers: **${r.speedup.toFixed(2)}×** one worker (bar ≥ 1.7×).` : ''}

The runs spent ${r.runs.map((x) => `${x.cpuS.toFixed(0)} s`).join(' and ')} of CPU time on the items (${r.runs.length > 1 ? `${(r.runs.at(-1)!.cpuS / r.runs[0]!.cpuS).toFixed(2)}×` : '—'}): more workers
do ${r.runs.length > 1 && r.runs.at(-1)!.cpuS / r.runs[0]!.cpuS < 1.05 ? 'no' : 'some'} extra work of their own; what they gain on a quiet machine is bounded by how the items
divide between them. From the measured CPU time of each of
the ${r.model.items} items (${r.model.cpuS.toFixed(0)} s in all, the largest ${r.model.largestItemS.toFixed(1)} s), taken in the pool's order by whichever
worker is free, a worker per free core would give ${Object.entries(r.model.speedup)
    .map(([w, x]) => `${x.toFixed(2)}× with ${w}`)
    .join(
      ', ',
    )} — a model that takes each item's CPU time as fixed, not a measurement: the measured throughput above is the figure for the bar.

## Labels

${l.all.n} variants sampled evenly over the 12 (emotion, intensity) variants and re-analysed with Human's emotion
model; each output face is matched to its source face by box overlap (${l.unmatched} not matched). "Rises": the
labelled emotion's probability is higher on the variant than on the source face. Control: how often the
probability of one of the five *other* emotions rises on the same variant — what a wrong label would score.

| | n | labelled emotion rises | rises most of the six | mean rise | a wrong label's rises |
|---|---|---|---|---|---|
| all | ${l.all.n} | ${pct(l.all.rises)} | ${pct(l.all.risesMost)} | ${l.all.meanRise.toFixed(3)} | ${pct(l.all.wrongLabelRises)} |
${Object.entries(l.byEmotion)
  .map(
    ([e, s]) =>
      `| ${e} | ${s.n} | ${pct(s.rises)} | ${pct(s.risesMost)} | ${s.meanRise.toFixed(3)} | ${pct(s.wrongLabelRises)} |`,
  )
  .join('\n')}
${Object.entries(l.byIntensity)
  .map(
    ([v, s]) =>
      `| intensity ${v} | ${s.n} | ${pct(s.rises)} | ${pct(s.risesMost)} | ${s.meanRise.toFixed(3)} | ${pct(s.wrongLabelRises)} |`,
  )
  .join('\n')}

How far Human's model follows the edits is the expression editor's quality, measured on its own in
[expression.md](expression.md) (happy is recognised, the others rarely become the top class). That the labels
describe the files exactly is checked directly: ${l.rerender.tried} sampled variants re-rendered from nothing but their manifest
line (source, face, emotion, intensity) — **${l.rerender.identical} of ${l.rerender.tried} byte-identical** to the file the manifest names.
`;
}
