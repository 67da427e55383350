/**
 * `vivify eval generate`: measures generated motion and writes docs/results/generate.md (+ .json). Curve
 * measures against held-back real clips (src/generate/evaluate.ts), then rendered ones: generated episodes of each
 * emotion on core portraits, judged at the apex by Human's 7-class emotion model, and their identity
 * consistency (ACD) beside the real clips' first-to-last-frame identity distance. Node: reads the data,
 * the model file and the portraits.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../analysis/node/analyze.js';
import { pickFace } from '../analysis/pick-face.js';
import { throwIfAborted, VivifyError } from '../errors.js';
import { loadShippedMotionModels } from '../expression/node/generate-video.js';
import { createFaceEditor } from '../expression/edit.js';
import { generatedFrames } from '../expression/generated.js';
import type { AuIntensities } from '../face/action-units.js';
import type { RgbaImage } from '../face/image.js';
import { EMOTIONS, type Emotion } from '../face/types.js';
import { writeAtomically } from '../media/atomic.js';
import { readImage } from '../media/image-file.js';
import { decodeVideo, probeVideo } from '../media/video.js';
import type { EmotionName } from '../emotion/emotion-names.js';
import type { GenerateLabel } from '../generate/generate.js';
import { parseMotionData, type MotionData } from '../generate/data.js';
import { generatorLabel } from '../generate/dataset.js';
import type { MotionModels } from '../generate/model.js';
import { faceState } from '../motion/motion.js';
import { createRenderer } from '../render/renderer.js';
import { cropAroundFace } from '../render/resize.js';
import { loadMouthBank } from '../reenact/node/mouth-bank-file.js';
import { evaluateCurves, type CurveEvaluation } from '../generate/evaluate.js';
import { embeddingDistance } from './metrics.js';
import { MOTION_DATA_FILE, readMotionDataFile } from '../dataset/motion-data-file.js';
import { readManifest } from '../dataset/manifest.js';

/** Emotions the judge has a class for, with that class. */
const JUDGED: Partial<Record<GenerateLabel, Emotion>> = {
  happy: 'happy',
  sad: 'sad',
  angry: 'angry',
  fear: 'fear',
  surprised: 'surprise',
  disgusted: 'disgust',
  'spontaneous-smile': 'happy',
  'posed-smile': 'happy',
};
const BAR_LABELS: GenerateLabel[] = ['happy', 'sad', 'angry', 'fear', 'surprised', 'disgusted'];

export interface RenderedResult {
  portraits: string[];
  /** Per label: how many portraits the judge gave the target as its top class, and the top classes. */
  judged: Record<string, { top: number; total: number; classes: Record<string, number>; targetProbability: number }>;
  /** Share of (portrait, emotion) pairs over the six judged emotions with the target on top. */
  topShare: number;
  /** The same share with the shape alone (no expression appearance), as generated episodes rendered before. */
  shapeOnlyTopShare: number;
  /** `vivify edit --emotion X=1` on the same portraits, judged the same way (the readability reference). */
  edit: Record<string, { top: number; total: number; classes: Record<string, number>; targetProbability: number }>;
  editTopShare: number;
  /** Mean pairwise identity-embedding distance across frames of the rendered episodes. */
  acd: number;
  acdByLabel: Record<string, number>;
  /** Real clips: identity-embedding distance between their first and last frames (mean over clips). */
  realFirstLast: number;
  realClips: number;
}

export interface GenerateEvaluation {
  curves: CurveEvaluation;
  rendered: RenderedResult;
  seconds: number;
  machine: string;
}

export interface GenerateEvalOptions {
  dataDir: string;
  out: string;
  machine: string;
  /** Core portraits to render on (default {@link DEFAULT_EVAL_PORTRAITS}). */
  portraits?: number;
  k?: number;
  models?: MotionModels;
  data?: MotionData;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** Core portraits the generated episodes are rendered on by default (`vivify eval generate --portraits`). */
export const DEFAULT_EVAL_PORTRAITS = 10;

export async function evaluateGenerate(
  options: GenerateEvalOptions,
): Promise<{ result: GenerateEvaluation; files: string[] }> {
  const started = performance.now();
  const say = options.onProgress ?? (() => undefined);
  const models = options.models ?? (await loadShippedMotionModels());
  const data = options.data ?? (await readMotionData());
  say('curves: generated against held-back real clips');
  const curves = evaluateCurves(models, data, { k: options.k, onLabel: (l) => say(`curves: ${l}`) });
  throwIfAborted(options.signal);
  const rendered = await evaluateRendered(models, data, options, say);
  const result: GenerateEvaluation = {
    curves,
    rendered,
    seconds: (performance.now() - started) / 1000,
    machine: options.machine,
  };
  await fs.mkdir(options.out, { recursive: true });
  const md = path.join(options.out, 'generate.md');
  const json = path.join(options.out, 'generate.json');
  await writeAtomically(json, (tmp) => fs.writeFile(tmp, `${JSON.stringify(result, null, 1)}\n`));
  await writeAtomically(md, (tmp) => fs.writeFile(tmp, report(result, models)));
  return { result, files: [md, json] };
}

async function readMotionData(): Promise<MotionData> {
  try {
    return parseMotionData(await readMotionDataFile());
  } catch (cause) {
    throw new VivifyError(
      'E_INPUT_NOT_FOUND',
      `cannot read the motion curves ${MOTION_DATA_FILE} (npm run build:motion-data builds them): ${(cause as Error).message.split('\n')[0]}`,
      { cause },
    );
  }
}

async function evaluateRendered(
  models: MotionModels,
  data: MotionData,
  options: GenerateEvalOptions,
  say: (m: string) => void,
): Promise<RenderedResult> {
  const portraits = readManifest(options.dataDir)
    .filter((r) => r.kind === 'image' && r.category === 'core')
    .map((r) => r.file)
    .sort()
    .slice(0, options.portraits ?? DEFAULT_EVAL_PORTRAITS);
  const analyzer = await createFaceAnalyzer({ emotion: true, identity: false });
  const judged: RenderedResult['judged'] = {};
  const acdByLabel: Record<string, number[]> = {};
  const labels = Object.keys(JUDGED) as GenerateLabel[];
  const shapeOnly: RenderedResult['judged'] = {};
  const edit: RenderedResult['edit'] = {};
  type Judged = RenderedResult['judged'];
  const judgeOf = async (image: RgbaImage, what: string): Promise<Record<Emotion, number>> =>
    pickFace(await analyzer.analyze(image), 0, what).emotion!;
  const tally = (into: Judged, label: GenerateLabel, scores: Record<Emotion, number>): void => {
    const top = EMOTIONS.reduce((a, b) => (scores[a] >= scores[b] ? a : b));
    const j = (into[label] ??= { top: 0, total: 0, classes: {}, targetProbability: 0 });
    j.total++;
    if (top === JUDGED[label]) j.top++;
    j.classes[top] = (j.classes[top] ?? 0) + 1;
    j.targetProbability += scores[JUDGED[label]!];
  };
  try {
    // Episodes and edits fill an opening mouth from the bank of real mouths, as the CLI does by default.
    const bank = await loadMouthBank();
    for (const [n, p] of portraits.entries()) {
      say(`rendered: ${p} (${n + 1}/${portraits.length})`);
      const full = await readImage(path.join(options.dataDir, p));
      const img = cropAroundFace(full, pickFace(await analyzer.analyze(full, { emotion: false }), 0, p).box);
      const face = pickFace(await analyzer.analyze(img, { actionUnits: true }), 0, p);
      const state = faceState(face);
      const renderer = createRenderer(img, state, face.landmarks, { mouth: { bank } });
      const current: AuIntensities | undefined = face.actionUnits && {
        left: { ...face.actionUnits.left },
        right: { ...face.actionUnits.right },
      };
      // The reference: the edit of each emotion at the same intensity (1) on the same portrait.
      const editor = createFaceEditor(img, face, undefined, { mouth: { bank } });
      for (const label of BAR_LABELS)
        tally(
          edit,
          label,
          await judgeOf(editor.edit({ emotions: [{ name: label as EmotionName, intensity: 1 }] }).image, label),
        );
      for (const label of labels) {
        throwIfAborted(options.signal);
        const g = generatedFrames(models, state, { label, seed: 1, durationS: 4, current });
        const frames = g.motion.frames.length;
        const apex = g.motion.envelope!.indexOf(Math.max(...g.motion.envelope!));
        // Rendered as `vivify generate` renders it: the shape and the expression's appearance.
        tally(judged, label, await judgeOf(renderer.render({ target: g.state(apex), aus: g.aus(apex) }).image, label));
        tally(shapeOnly, label, await judgeOf(renderer.render({ target: g.state(apex) }).image, label));
        // Identity consistency: embeddings of every tenth frame.
        const embeddings: Float32Array[] = [];
        for (let i = 0; i < frames; i += 10) {
          const frame = renderer.render({ target: g.state(i) }).image;
          const f = (await analyzer.analyze(frame, { emotion: false }))[0];
          if (f) embeddings.push(await analyzer.embed(frame, f));
        }
        (acdByLabel[label] ??= []).push(acd(embeddings));
      }
    }
    for (const set of [judged, shapeOnly, edit]) for (const j of Object.values(set)) j.targetProbability /= j.total;
    // Real clips: identity distance between the first and the last frame.
    say('rendered: identity of real clips (first and last frame)');
    const real: number[] = [];
    for (const c of data.clips.filter((x) => generatorLabel(x) !== null)) {
      throwIfAborted(options.signal);
      const file = path.join(options.dataDir, c.file);
      const info = await probeVideo(file).catch(() => undefined);
      if (!info) continue;
      const emb: Float32Array[] = [];
      for await (const f of decodeVideo(file, { frames: [0, c.frames - 1] })) {
        const face = (await analyzer.analyze(f, { emotion: false }))[0];
        if (face) emb.push(await analyzer.embed(f, face));
      }
      if (emb.length === 2) real.push(embeddingDistance(emb[0]!, emb[1]!));
    }
    const all = Object.values(acdByLabel).flat();
    const share = (set: Judged): number => {
      const inBar = BAR_LABELS.map((l) => set[l]!);
      return inBar.reduce((a, j) => a + j.top, 0) / inBar.reduce((a, j) => a + j.total, 0);
    };
    return {
      portraits,
      judged,
      topShare: share(judged),
      shapeOnlyTopShare: share(shapeOnly),
      edit,
      editTopShare: share(edit),
      acd: all.reduce((a, b) => a + b, 0) / all.length,
      acdByLabel: Object.fromEntries(
        Object.entries(acdByLabel).map(([l, v]) => [l, v.reduce((a, b) => a + b, 0) / v.length]),
      ),
      realFirstLast: real.reduce((a, b) => a + b, 0) / real.length,
      realClips: real.length,
    };
  } finally {
    analyzer.close();
  }
}

/** Average content distance: mean pairwise Euclidean distance of the embeddings. */
function acd(e: readonly Float32Array[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < e.length; i++)
    for (let j = i + 1; j < e.length; j++) {
      s += embeddingDistance(e[i]!, e[j]!);
      n++;
    }
  return n ? s / n : 0;
}

const f2 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));
const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');

function report(r: GenerateEvaluation, models: MotionModels): string {
  const c = r.curves;
  const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const unlabelled = (l: string): boolean => l === 'idle' || l === 'talking';
  const emotionRows = c.labels.filter((l) => !unlabelled(l.label));
  const lines = [
    '# Generated motion: measurements',
    '',
    `Generated by \`vivify eval generate\` on ${r.machine} in ${(r.seconds / 60).toFixed(1)} min. Models: ${models.file.trainedBy}. Definitions: [../metrics.md](../metrics.md#generated-motion); how the motion is made: [../generate.md](../generate.md).`,
    '',
    '## AU curves against held-back real clips',
    '',
    `DTW distance between the 16 AU-intensity curves (mean of both sides, per-frame Euclidean, path-normalised) of generated and real sequences of the same label. *Generated*: ${c.k} samples per held-back clip, as long as the clip, in the form the real clips were recorded (the emotion held, speech kept). *Floor*: the training actors' real clips of the label against the held-back ones (the real inter-actor distance). *Ceiling*: samples of every other label against the held-back clips. Only clips with a neutral reference (AU levels known) are compared. Bar: generated ≤ 1.25 × floor for every emotion.`,
    '',
    '| label | held-back / training clips | generated | floor | ceiling | generated / floor | |',
    '|---|---|---|---|---|---|---|',
    ...c.labels.map(
      (l) =>
        `| ${l.label} | ${l.realVal.length} / ${l.realTrain.length} | ${f2(l.generated)} | ${f2(l.floor)} | ${f2(l.ceiling)} | ${f2(l.ratio)} | ${unlabelled(l.label) ? '' : met(l.ratio <= 1.25)} |`,
    ),
    '',
    `Emotions meeting the bar: ${emotionRows.filter((l) => l.ratio <= 1.25).length} of ${emotionRows.length}.`,
    '',
    '## Diversity',
    '',
    `${c.k} samples of 4 s per label: mean pairwise DTW distance beside the real inter-actor variety (mean DTW between real clips of the label from different actors). Bar: ≥ 0.5 × the real variety. A pair counts as a time-shifted copy when some shift (up to half the length) brings it within 0.1 × the real variety (mean frame distance over the overlap); *closest* is the smallest such distance over all pairs, in units of the real variety.`,
    '',
    '| label | diversity | real variety | ratio | closest shifted pair | copies | |',
    '|---|---|---|---|---|---|---|',
    ...c.labels.map(
      (l) =>
        `| ${l.label} | ${f2(l.diversity)} | ${f2(l.realVariety)} | ${f2(l.diversityRatio)} | ${f2(l.closestShiftedPair)} | ${l.copies} | ${met(l.diversityRatio >= 0.5 && l.copies === 0)} |`,
    ),
    ...c.synthetic.map((s) => `| ${s.label} | ${f2(s.diversity)} | (no real examples) | | | | |`),
    '',
    ...classifierSection(c),
    '## Talking',
    '',
    `Head motion and blinks of people speaking, without their mouths (the mouth comes from speech): ${c.talking.realClips} held-back real talking clips (${f2(c.talking.realMinutes)} min; people speaking without a marked emotion) and the training talkers' clips the generator learns \`talking\` from, beside ${c.talking.generatedSamples} generated samples of 20 s of \`talking\` and of \`idle\`. Head spread: standard deviation of yaw, pitch and roll within 4-s windows (mean of the three, degrees); head speed: mean absolute change a second (degrees); blinks: closures crossing half.`,
    '',
    '| source | head spread (°) | head speed (°/s) | blinks a minute |',
    '|---|---|---|---|',
    ...c.talking.rows.map(
      (t) => `| ${t.source} | ${f2(t.headSpreadDeg)} | ${f2(t.headSpeedDegS)} | ${f2(t.blinksPerMinute)} |`,
    ),
    '',
    '## Emotion-sequence predictor (the envelope)',
    '',
    `On ${c.envelope.episodes} expression episodes of the held-back actors (rise and fall of one emotion, found in their curves): RMS error of the predicted rise ${f2(c.envelope.riseRmse)} beside ${f2(c.envelope.trapezoidRmse)} for a trapezoid with the training episodes' mean onset and offset shares; onset error ${f2(c.envelope.onsetErrorS)} s, offset error ${f2(c.envelope.offsetErrorS)} s.`,
    '',
    '## Smiles, listening and blinks',
    '',
    '| label | onset (s) | offset (s) | AU12 at apex | AU6 / AU12 at apex | head dips a minute (idle: same count) |',
    '|---|---|---|---|---|---|',
    ...c.synthetic.map(
      (s) =>
        `| ${s.label} | ${f2(s.onsetS)} | ${f2(s.offsetS)} | ${f2(s.amplitude)} | ${f2(s.au6Ratio)} | ${s.nodsPerMinute === undefined ? '–' : `${f2(s.nodsPerMinute)} (idle ${f2(s.idleNodsPerMinute)})`} |`,
    ),
    '',
    `Targets (docs/generate.md): spontaneous onset 0.5–1.0 s, offset 0.7–1.4 s, AU6/AU12 0.6; posed onset 0.2–0.4 s, offset 0.3–0.6 s, AU6/AU12 0.15, larger amplitude. Head dips: pitch rising ≥ 2.5° above its lowest within ±0.6 s (listening adds nods every 2–6 s to idle motion). Blinks: ${f2(c.blinks.generatedPerMinute)} a minute generated, ${f2(c.blinks.realPerMinute)} a minute detected in the held-back real clips.`,
    '',
    '## Rendered',
    '',
    `Each label generated as a 4-s episode (seed 1, intensity 1) on ${r.rendered.portraits.length} core portraits (512×512 crops around the face: ${r.rendered.portraits.map((p) => path.basename(p)).join(', ')}), rendered as \`vivify generate\` renders it (shape and expression appearance) and judged at the apex by Human's 7-class emotion model; beside it, \`vivify edit --emotion X=1\` on the same portraits, judged the same way. Bar: over the six emotions the judge knows, the target on top at least 80% as often as for the edit.`,
    '',
    '| label | judge class | top class | target probability | top classes | edit: top class | edit: target probability |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(r.rendered.judged).map(
      ([l, j]) =>
        `| ${l} | ${JUDGED[l as GenerateLabel]} | ${j.top}/${j.total} | ${f2(j.targetProbability)} | ${Object.entries(
          j.classes,
        )
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )} | ${r.rendered.edit[l] ? `${r.rendered.edit[l].top}/${r.rendered.edit[l].total}` : ''} | ${r.rendered.edit[l] ? f2(r.rendered.edit[l].targetProbability) : ''} |`,
    ),
    '',
    `Target on top over the six emotions: generated **${pct(r.rendered.topShare)}** (the shape alone, as generated episodes were rendered before: ${pct(r.rendered.shapeOnlyTopShare)}), edit ${pct(r.rendered.editTopShare)}: ${r.rendered.editTopShare > 0 ? `**${f2(r.rendered.topShare / r.rendered.editTopShare)}** of the edit's rate` : 'the edit never reads'} (bar ≥ 0.80; ${met(r.rendered.topShare >= 0.8 * r.rendered.editTopShare)}).`,
    '',
    `Identity consistency: ACD (mean pairwise distance of identity embeddings over every tenth frame) of the rendered episodes ${f2(r.rendered.acd)} (${Object.entries(
      r.rendered.acdByLabel,
    )
      .map(([l, v]) => `${l} ${f2(v)}`)
      .join(
        ', ',
      )}), beside ${f2(r.rendered.realFirstLast)}, the mean distance between the first and the last frame of ${r.rendered.realClips} real clips. Bar: below it — ${met(r.rendered.acd < r.rendered.realFirstLast)}.`,
    '',
  ];
  return lines.join('\n');
}

/** The report's section on the real-vs-generated classifier. */
function classifierSection(c: GenerateEvaluation['curves']): string[] {
  const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
  return [
    '## Real or generated?',
    '',
    `A logistic-regression classifier (L2, 5-fold cross-validated with whole clips or samples per fold, balanced) on 32-frame windows (stride 16) of the AU means, head rotation and gaze, each channel summarised by its mean, spread and mean frame-to-frame change (${c.classifier.features} features): ${c.classifier.realWindows} windows of the held-back real clips with a neutral reference against ${c.classifier.generatedWindows} windows of one sample per clip (same label and length). Held-out accuracy **${pct(c.classifier.accuracy)}** (bar ≤ 65%; ${met(c.classifier.accuracy <= 0.65)}; 50% = indistinguishable). For reference, the same classifier tells the training actors' real clips from the held-back actors' at ${pct(c.classifier.realVsReal)}.`,
    '',
    "Within each kind of clip, beside the training actors' real clips of the same kind against the same held-back windows (how far the held-back people differ from the ones the models learnt from):",
    '',
    "| clips | held-back windows | generated vs held-back | training actors' real vs held-back |",
    '|---|---|---|---|',
    ...c.classifier.byKind.map(
      (k) =>
        `| ${k.kind === 'emotions' ? 'emotions (MEAD actors)' : 'talking (no marked emotion; idle label)'} | ${k.realWindows} | ${pct(k.accuracy)} | ${pct(k.realVsReal)} |`,
    ),
    '',
    "Within each kind, the features that tell the held-back windows from the generated ones best, with their means over the held-back, the generated and the training clips' windows:",
    '',
    '| clips | feature | accuracy | held-back | generated | training clips |',
    '|---|---|---|---|---|---|',
    ...c.classifier.byKind.flatMap((k) =>
      k.topFeatures.map(
        (f) =>
          `| ${k.kind} | ${f.feature} | ${pct(f.accuracy)} | ${f3(f.real)} | ${f3(f.generated)} | ${f3(f.training)} |`,
      ),
    ),
    '',
    'What it sees: the same classifier on groups of the features (level: the window mean; spread: its standard deviation; speed: the mean frame-to-frame change), and the single features that separate best, with their means over the real and the generated windows.',
    '',
    '| features | accuracy |',
    '|---|---|',
    ...c.classifier.groups.map((g) => `| ${g.group} | ${pct(g.accuracy)} |`),
    '',
    '| feature | accuracy | real mean | generated mean |',
    '|---|---|---|---|',
    ...c.classifier.topFeatures.map(
      (f) => `| ${f.feature} | ${pct(f.accuracy)} | ${f3(f.real)} | ${f3(f.generated)} |`,
    ),
    '',
  ];
}
