/**
 * Evaluation of generated motion against held-back real clips, in curve space (docs/metrics.md,
 * "Generated motion"). Per label: the DTW distance of the AU curves between generated and real sequences
 * beside the distance between real sequences of different actors (the floor) and of samples with a wrong
 * label (the ceiling); the diversity of K samples beside real inter-actor variety, and whether any sample
 * is a time-shifted copy of another; a real-vs-generated two-sample test on curve windows; the envelope's
 * timing on held-back episodes; smile dynamics against their published targets. Pure: models and data in.
 */
import { phasesOf } from './episodes.js';
import { GENERATE_LABELS, generateMotion, sampleFeatures, SMILE_DYNAMICS } from './generate.js';
import type { MotionClip, MotionData } from './data.js';
import {
  clipClosure,
  clipEmotionTrack,
  clipEpisodes,
  clipFeatures,
  findBlinks,
  generatorLabel,
  generatorLabels,
  levelsRelative,
  TRAINED_LABELS,
} from './dataset.js';
import { EXPRESSIVE_EMOTIONS, meanAUs, MODEL_AUS, MODEL_FPS } from './features.js';
import type { MotionModels } from './model.js';
import { createRandom, hashString } from './random.js';
import { dtwDistance, shiftedDistance, twoSampleAccuracy, windowFeatures, windows } from './curve-metrics.js';
import { headDips, talkingFigures, type TalkingFigures } from './evaluate-talking.js';
import { classifierBreakdown, testChannels, topFeatures, type ClassifierBreakdown } from './classifier-breakdown.js';

export interface LabelCurveResult {
  label: string;
  /** Held-back real clips of the label (validation actors) and the training clips compared with them. */
  realVal: string[];
  realTrain: string[];
  /** Mean DTW distance (AU units per frame) generated ↔ held-back real. */
  generated: number;
  /** Real training-actor clips ↔ held-back real (the floor). */
  floor: number;
  /** Samples of the other labels ↔ held-back real (the ceiling). */
  ceiling: number;
  ratio: number;
  /** Mean pairwise DTW among K samples, and among real clips of different actors. */
  diversity: number;
  realVariety: number;
  diversityRatio: number;
  /** Smallest time-shifted distance between two of the K samples, over the real variety. */
  closestShiftedPair: number;
  copies: number;
}

export interface CurveEvaluation {
  labels: LabelCurveResult[];
  /** Real-vs-generated classifier accuracy on 32-frame windows (0.5: indistinguishable). */
  classifier: {
    accuracy: number;
    realWindows: number;
    generatedWindows: number;
    features: number;
    realVsReal: number;
    /**
     * The same test within each kind of clip, beside the real reference of that kind: the held-back real
     * clips against the generated ones, and against the training actors' real clips of the same kind.
     * Emotions: the MEAD actors acting the eight emotions; talking: people talking without a marked emotion
     * (the idle label).
     */
    byKind: {
      kind: 'emotions' | 'talking';
      accuracy: number;
      realVsReal: number;
      realWindows: number;
      /** The features that tell this kind's held-back windows from the generated ones best, with their means (and the training clips'). */
      topFeatures: (ClassifierBreakdown['topFeatures'][number] & { training: number })[];
    }[];
  } & ClassifierBreakdown;
  /** Head motion and blinks of talking: held-back real talking clips against generated talking and idle. */
  talking: TalkingFigures;
  envelope: {
    episodes: number;
    riseRmse: number;
    trapezoidRmse: number;
    onsetErrorS: number;
    offsetErrorS: number;
  };
  /** Per label without real examples: diversity of K samples and (smiles) dynamics against the targets. */
  synthetic: {
    label: string;
    diversity: number;
    onsetS?: number;
    offsetS?: number;
    amplitude?: number;
    au6Ratio?: number;
    nodsPerMinute?: number;
    /** The same count on idle motion (same seeds), for reference. */
    idleNodsPerMinute?: number;
  }[];
  blinks: { realPerMinute: number; generatedPerMinute: number };
  k: number;
}

const AU_ROWS = (frames: readonly Float32Array[]): number[][] => frames.map((f) => meanAUs(f));

const meanOf = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/**
 * Curve-space evaluation on the validation split of `data`. `k` samples per label (default 5); seeds are
 * fixed, so the figures are reproducible.
 */
/** Samples per label in the curve evaluation by default (`vivify eval generate --samples`). */
export const DEFAULT_CURVE_SAMPLES = 5;

export function evaluateCurves(
  models: MotionModels,
  data: MotionData,
  options: { k?: number; onLabel?: (label: string) => void } = {},
): CurveEvaluation {
  const k = options.k ?? DEFAULT_CURVE_SAMPLES;
  const usable = data.clips.filter((c) => generatorLabel(c) !== null);
  // Only clips whose AU levels are known compare with generated levels (idle: the person's usual face).
  const comparable = usable.filter((c) => !levelsRelative(c));
  const ctx: CurveContext = {
    models,
    k,
    features: new Map<MotionClip, Float32Array[]>(comparable.map((c) => [c, clipFeatures(c)])),
    sample: (label, frames, seed) => sampleFeatures(models, label, frames, createRandom(seed).fork('generator')),
    seedOf: (...parts) => hashString(parts.join('/')),
  };
  const labels: LabelCurveResult[] = [];
  for (const label of TRAINED_LABELS) {
    options.onLabel?.(label);
    const result = labelCurves(ctx, label, comparable);
    if (result) labels.push(result);
  }
  const synthetic: CurveEvaluation['synthetic'] = [];
  const classifier = twoSampleTest(ctx, comparable);
  // Envelope on held-back episodes.
  const envelope = envelopeOnEpisodes(models, data);
  // Labels without real examples.
  for (const label of ['posed-smile', 'spontaneous-smile', 'listening'] as const) {
    options.onLabel?.(label);
    synthetic.push(syntheticLabel(ctx, label));
  }
  return {
    labels,
    classifier,
    envelope,
    talking: talkingFigures(models, data, ctx.seedOf),
    synthetic,
    blinks: blinkRates(ctx, usable),
    k,
  };
}

/** What the parts of the curve evaluation share: the models, the samples per label, seeded sampling. */
interface CurveContext {
  models: MotionModels;
  k: number;
  /** The comparable clips' feature frames. */
  features: Map<MotionClip, Float32Array[]>;
  sample(label: string, frames: number, seed: number): Float32Array[];
  seedOf(...parts: (string | number)[]): number;
}

/** One trained label: DTW against held-back clips (floor, ceiling), and the diversity of K samples. */
function labelCurves(
  ctx: CurveContext,
  label: string,
  comparable: readonly MotionClip[],
): LabelCurveResult | undefined {
  const { k, features, sample, seedOf } = ctx;
  const real = comparable.filter((c) => generatorLabels(c).includes(label));
  const val = real.filter((c) => c.split === 'val');
  const train = real.filter((c) => c.split === 'train');
  if (val.length === 0 || train.length === 0) return undefined;
  const gen: number[] = [];
  const floor: number[] = [];
  const ceil: number[] = [];
  for (const v of val) {
    const rv = AU_ROWS(features.get(v)!);
    for (const t of train) floor.push(dtwDistance(rv, AU_ROWS(features.get(t)!)));
    for (let i = 0; i < k; i++) gen.push(dtwDistance(rv, AU_ROWS(sample(label, rv.length, seedOf(label, v.file, i)))));
    for (const other of TRAINED_LABELS) {
      if (other === label) continue;
      ceil.push(dtwDistance(rv, AU_ROWS(sample(other, rv.length, seedOf(other, v.file, 'ceiling')))));
    }
  }
  // Diversity: K samples of 4 s; real variety: pairs of clips of different actors.
  const samples = Array.from({ length: k }, (_, i) =>
    AU_ROWS(sample(label, 4 * MODEL_FPS, seedOf(label, 'diversity', i))),
  );
  const pair: number[] = [];
  let closest = Infinity;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      pair.push(dtwDistance(samples[i]!, samples[j]!));
      closest = Math.min(closest, shiftedDistance(samples[i]!, samples[j]!).distance);
    }
  }
  const variety: number[] = [];
  for (let i = 0; i < real.length; i++) {
    for (let j = i + 1; j < real.length; j++) {
      if (real[i]!.actor === real[j]!.actor) continue;
      variety.push(dtwDistance(AU_ROWS(features.get(real[i]!)!), AU_ROWS(features.get(real[j]!)!)));
    }
  }
  const g = meanOf(gen);
  const f = meanOf(floor);
  const d = meanOf(pair);
  const rv = meanOf(variety);
  return {
    label,
    realVal: val.map((c) => c.file),
    realTrain: train.map((c) => c.file),
    generated: g,
    floor: f,
    ceiling: meanOf(ceil),
    ratio: g / f,
    diversity: d,
    realVariety: rv,
    diversityRatio: d / rv,
    closestShiftedPair: closest / rv,
    // A copy: some shift brings two samples within a tenth of the real variety of each other.
    copies: pair.length ? countCopies(samples, rv) : 0,
  };
}

/**
 * Two-sample test: every held-back comparable clip's 32-frame windows against windows of a sample of the
 * same label and length; beside it, the same test between the training actors' real clips and the held-back
 * ones.
 */
function twoSampleTest(ctx: CurveContext, comparable: readonly MotionClip[]): CurveEvaluation['classifier'] {
  const { features, sample, seedOf } = ctx;
  type Row = { features: number[]; group: string; kind: 'emotions' | 'talking' };
  const kindOf = (c: MotionClip): Row['kind'] => (generatorLabel(c) === 'idle' ? 'talking' : 'emotions');
  const rowsOf = (frames: readonly Float32Array[], group: string, kind: Row['kind']): Row[] =>
    windows(frames.map(testChannels), 32, 16).map((w) => ({ features: windowFeatures(w), group, kind }));
  const realRows: Row[] = [];
  const genRows: Row[] = [];
  for (const c of comparable.filter((x) => x.split === 'val')) {
    const label = generatorLabel(c)!;
    const r = features.get(c)!;
    realRows.push(...rowsOf(r, c.file, kindOf(c)));
    genRows.push(...rowsOf(sample(label, r.length, seedOf(label, c.file, 'two-sample')), `gen:${c.file}`, kindOf(c)));
  }
  const accuracy = twoSampleAccuracy(realRows, genRows);
  const breakdown = classifierBreakdown(realRows, genRows);
  const trainRows = comparable
    .filter((x) => x.split === 'train')
    .flatMap((c) => rowsOf(features.get(c)!, c.file, kindOf(c)));
  const realVsReal = twoSampleAccuracy(realRows, trainRows);
  const mean = (rows: readonly Row[], i: number): number =>
    rows.reduce((a, r) => a + r.features[i]!, 0) / Math.max(1, rows.length);
  const byKind = (['emotions', 'talking'] as const).flatMap((kind) => {
    const [real, gen, train] = [realRows, genRows, trainRows].map((rows) => rows.filter((r) => r.kind === kind));
    if (!real!.length || !train!.length) return [];
    return [
      {
        kind,
        accuracy: twoSampleAccuracy(real!, gen!),
        realVsReal: twoSampleAccuracy(real!, train!),
        realWindows: real!.length,
        topFeatures: topFeatures(real!, gen!, 4).map((f) => ({
          ...f,
          training: mean(train!, f.index),
        })),
      },
    ];
  });
  return {
    accuracy,
    realWindows: realRows.length,
    generatedWindows: genRows.length,
    features: realRows[0]?.features.length ?? 0,
    realVsReal,
    byKind,
    ...breakdown,
  };
}

/** A label without real examples: the diversity of K samples, and its published dynamics or nod rate. */
function syntheticLabel(
  ctx: CurveContext,
  label: 'posed-smile' | 'spontaneous-smile' | 'listening',
): CurveEvaluation['synthetic'][number] {
  const { models, k, seedOf } = ctx;
  const runs = Array.from({ length: k }, (_, i) =>
    generateMotion(models, { label, seed: seedOf(label, i) + 1, durationS: 4 }),
  );
  const rows = runs.map((m) =>
    m.frames.map((f) => MODEL_AUS.map((au) => ((f.aus.left[au] ?? 0) + (f.aus.right[au] ?? 0)) / 2)),
  );
  const pair: number[] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pair.push(dtwDistance(rows[i]!, rows[j]!));
  const entry: CurveEvaluation['synthetic'][number] = { label, diversity: meanOf(pair) };
  if (label !== 'listening') {
    const au12 = MODEL_AUS.indexOf(12);
    const au6 = MODEL_AUS.indexOf(6);
    const on: number[] = [];
    const off: number[] = [];
    const amp: number[] = [];
    const ratio: number[] = [];
    runs.forEach((m, i) => {
      // Phases from the episode's envelope; amplitude and AU6 at its apex.
      on.push(m.phases!.onset / m.fps);
      off.push(m.phases!.offset / m.fps);
      const apex = m.envelope!.indexOf(Math.max(...m.envelope!));
      amp.push(rows[i]![apex]![au12]!);
      ratio.push(rows[i]![apex]![au6]! / Math.max(1e-6, rows[i]![apex]![au12]!));
    });
    Object.assign(entry, { onsetS: meanOf(on), offsetS: meanOf(off), amplitude: meanOf(amp), au6Ratio: meanOf(ratio) });
  } else {
    // Nods over 10-s samples, beside idle with the same seeds (idle's own head motion has dips too).
    const rate = (l: 'listening' | 'idle'): number =>
      meanOf(
        Array.from({ length: k }, (_, i) => {
          const m = generateMotion(models, { label: l, seed: seedOf('nods', i), durationS: 10 });
          return (headDips(m.frames.map((f) => f.pose.pitchDeg)) * 60) / 10;
        }),
      );
    entry.nodsPerMinute = rate('listening');
    entry.idleNodsPerMinute = rate('idle');
  }
  return entry;
}

/** Blink rate: real training-label clips of the validation actors against generated idle-to-emotion samples. */
function blinkRates(ctx: CurveContext, usable: readonly MotionClip[]): CurveEvaluation['blinks'] {
  const { models, k, seedOf } = ctx;
  let realBlinks = 0;
  let realMinutes = 0;
  for (const c of usable.filter((x) => x.split === 'val')) {
    const cl = clipClosure(c);
    realBlinks += findBlinks(cl).length;
    realMinutes += cl.length / MODEL_FPS / 60;
  }
  let genBlinks = 0;
  let genMinutes = 0;
  for (const label of GENERATE_LABELS.slice(0, 8)) {
    for (let i = 0; i < k; i++) {
      const m = generateMotion(models, { label, seed: seedOf('blinks', label, i), durationS: 10 });
      const closed = m.frames.map((f) => f.blink);
      for (let t = 1; t < closed.length; t++) if (closed[t]! >= 0.5 && closed[t - 1]! < 0.5) genBlinks++;
      genMinutes += 10 / 60;
    }
  }
  return { realPerMinute: realBlinks / realMinutes, generatedPerMinute: genBlinks / genMinutes };
}

function countCopies(samples: number[][][], variety: number): number {
  let copies = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const s = shiftedDistance(samples[i]!, samples[j]!);
      if (s.distance < 0.1 * variety) copies++;
    }
  }
  return copies;
}

/**
 * The envelope LSTM on the validation actors' episodes: RMS error of the predicted rise against the real
 * one, beside a trapezoid with the training episodes' mean onset and offset shares; mean onset and offset
 * errors in seconds.
 */
export function envelopeOnEpisodes(models: MotionModels, data: MotionData): CurveEvaluation['envelope'] {
  const collect = (
    split: 'train' | 'val',
  ): { target: string; intensity: number; current: number[]; rise: number[] }[] =>
    data.clips
      .filter((c) => c.usable && c.split === split)
      .flatMap((c) => {
        const track = clipEmotionTrack(c);
        return clipEpisodes(c, track).map((ep) => ({
          target: EXPRESSIVE_EMOTIONS[ep.emotion]!,
          intensity: ep.peakValue,
          current: Array.from(track[ep.start]!),
          rise: track.slice(ep.start, ep.end + 1).map((f) => Math.max(0, Math.min(1, f[ep.emotion]! / ep.peakValue))),
        }));
      });
  const train = collect('train');
  const val = collect('val');
  const share = (k: 'onset' | 'offset'): number => meanOf(train.map((e) => phasesOf(e.rise)[k] / e.rise.length));
  const onShare = share('onset');
  const offShare = share('offset');
  let se = 0;
  let seBase = 0;
  let n = 0;
  const onErr: number[] = [];
  const offErr: number[] = [];
  for (const e of val) {
    const r = models.envelope.run(e.target, e.intensity, e.current, e.rise.length, MODEL_FPS).rise;
    const L = e.rise.length;
    const on = Math.max(1, Math.round(onShare * L));
    const off = Math.max(1, Math.round(offShare * L));
    for (let t = 0; t < L; t++) {
      const base = t < on ? t / on : t >= L - off ? (L - 1 - t) / off : 1;
      se += (r[t]! - e.rise[t]!) ** 2;
      seBase += (base - e.rise[t]!) ** 2;
      n++;
    }
    const p = phasesOf(Array.from(r));
    const q = phasesOf(e.rise);
    onErr.push(Math.abs(p.onset - q.onset) / MODEL_FPS);
    offErr.push(Math.abs(p.offset - q.offset) / MODEL_FPS);
  }
  return {
    episodes: val.length,
    riseRmse: Math.sqrt(se / Math.max(1, n)),
    trapezoidRmse: Math.sqrt(seBase / Math.max(1, n)),
    onsetErrorS: meanOf(onErr),
    offsetErrorS: meanOf(offErr),
  };
}

export { SMILE_DYNAMICS };
