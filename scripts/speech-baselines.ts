/**
 * Checks the speech data and prints simple baselines beside the shipped audio → mouth model, on the
 * held-out speakers of data/speech-data.json.gz (docs/results/speech.md), so the model's figure can be
 * judged against what the data allows:
 *
 * - per clip, the correlation of the audio level with the analysed mouth opening at lag 0 and at the
 *   clip's best lag within ±15 frames, and that cross-correlation pooled over the training and the
 *   held-out clips (is any clip offset, does the mouth lead or follow the sound);
 * - the loudness envelope as the prediction, at the lag that is best over the training clips (and, as an
 *   upper bound that is not a fair figure, at each held-out clip's own best lag);
 * - ridge regression on a context of audio-feature frames (all 28 features, or MFCCs 0–3 and the level),
 *   its penalty chosen by leave-one-speaker-out on the training speakers, fitted on all of them;
 * - the shipped model (models/speech.json): the inner-lip gap it predicts.
 *
 * Every figure is the Pearson correlation with the real clip's opening (inner-lip gap over inner mouth
 * width), per clip, then the mean over clips; nothing is chosen on the held-out speakers.
 *
 *   npm run baselines:speech [-- --model models/speech.json --out docs/results/speech-baselines.md]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MFCC_COUNT } from '../src/analysis/audio-features.js';
import { machine } from '../src/cli/machine.js';
import { fitRidge, laggedCorrelation, pooledCrossCorrelation, zscore } from '../src/eval/speech-baselines.js';
import { pearsonOrZero } from '../src/eval/speech-metrics.js';
import { loadSpeechModel } from '../src/speech/model.js';
import { readSpeechData, type SpeechClip } from '../src/speech/node/speech-dataset.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/speech.json' },
    out: { type: 'string' },
  },
});
const loadAtStart = loadavg()[0]!;
const lines: string[] = [];
const say = (line: string): void => {
  console.log(line);
  lines.push(line);
};
const data = await readSpeechData();
const train = data.clips.filter((c) => c.split === 'train');
const held = data.clips.filter((c) => c.split === 'heldout');
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const f2 = (v: number): string => v.toFixed(2);
const name = (c: SpeechClip): string => path.basename(c.file, '.mp4');

/** The two windows' normalised log levels, averaged, over three frames: the loudness envelope. */
const LEVELS = [MFCC_COUNT, 2 * MFCC_COUNT + 1];
function envelope(c: SpeechClip): number[] {
  const level = c.features.map((f) => mean(LEVELS.map((k) => f[k]!)));
  return level.map((_, t) => mean(level.slice(Math.max(0, t - 1), t + 2)));
}

// 1. The data: is the level locked to the mouth, and at which lag?
say('## Audio level against the analysed mouth opening, per clip (lag > 0: the mouth follows the sound)\n');
say('| split | clip | frames | face found | r at lag 0 | best lag (±15) | r there |');
say('| --- | --- | --- | --- | --- | --- | --- |');
for (const c of data.clips) {
  const env = envelope(c);
  let best = { lag: 0, r: -Infinity };
  for (let lag = -15; lag <= 15; lag++) {
    const r = laggedCorrelation(env, c.open, lag);
    if (r > best.r) best = { lag, r };
  }
  const found = [...c.found].filter((x) => x === '1').length / c.frames;
  say(
    `| ${c.split} | ${name(c)} | ${c.frames} | ${f2(found)} | ${f2(laggedCorrelation(env, c.open, 0))} | ${best.lag} | ${f2(best.r)} |`,
  );
}
const pooled = (clips: SpeechClip[]): { lag: number; r: number }[] =>
  pooledCrossCorrelation(
    clips.map((c) => ({ a: envelope(c), b: c.open })),
    10,
  );
const trainXc = pooled(train);
const heldXc = pooled(held);
say('\nPooled cross-correlation (each clip standardised), lag: training clips / held-out clips');
say(trainXc.map((x, i) => `${x.lag}: ${f2(x.r)} / ${f2(heldXc[i]!.r)}`).join(', '));
const trainLag = trainXc.reduce((a, b) => (b.r > a.r ? b : a)).lag;
say(`Best lag over the training clips: ${trainLag}\n`);

// 2. Baselines on the held-out speakers.
const rows = new Map<string, number[]>();
const add = (label: string, values: number[]): void => void rows.set(label, values);
add(
  `loudness envelope at the training clips' best lag (${trainLag})`,
  held.map((c) => laggedCorrelation(envelope(c), c.open, trainLag)),
);
add(
  "loudness envelope at each clip's own best lag, ±15 (an upper bound, chosen on the clip)",
  held.map((c) => Math.max(...Array.from({ length: 31 }, (_, i) => laggedCorrelation(envelope(c), c.open, i - 15)))),
);

/** MFCCs 0–3 and the level of both windows. */
const LOW = [
  0,
  1,
  2,
  3,
  MFCC_COUNT,
  MFCC_COUNT + 1,
  MFCC_COUNT + 2,
  MFCC_COUNT + 3,
  MFCC_COUNT + 4,
  2 * MFCC_COUNT + 1,
];
const ridgeClip = (c: SpeechClip): { features: number[][]; target: number[] } => ({
  features: c.features,
  target: zscore(c.open),
});
for (const [label, columns] of [
  ['all 28 features', undefined],
  ['MFCCs 0–3 and the level', LOW],
] as const) {
  const speakers = [...new Set(train.map((c) => c.speaker))];
  let choice = { lambda: 0, r: -Infinity };
  for (const lambda of [10, 100, 1000, 3000]) {
    const o = { before: 3, after: 3, columns, lambda };
    const r = mean(
      speakers.flatMap((s) => {
        const m = fitRidge(train.filter((c) => c.speaker !== s).map(ridgeClip), o);
        return train.filter((c) => c.speaker === s).map((c) => pearsonOrZero(m.predict(c.features), c.open));
      }),
    );
    if (r > choice.r) choice = { lambda, r };
  }
  const m = fitRidge(train.map(ridgeClip), { before: 3, after: 3, columns, lambda: choice.lambda });
  add(
    `ridge, ${label}, frames t−3…t+3, λ ${choice.lambda} (leave-one-speaker-out on training speakers: ${f2(choice.r)})`,
    held.map((c) => pearsonOrZero(m.predict(c.features), c.open)),
  );
}

const model = loadSpeechModel(JSON.parse(readFileSync(args.model!, 'utf8')));
const upper = model.file.lipPoints.indexOf(13);
const lower = model.file.lipPoints.indexOf(14);
add(
  `shipped model (${args.model}: ${model.file.trainedBy}), predicted inner-lip gap`,
  held.map((c) => {
    const p = model.predict(c.features.map((f) => Float32Array.from(f)));
    return pearsonOrZero(
      p.lips.map((l) => l[2 * lower + 1]! - l[2 * upper + 1]!),
      c.open,
    );
  }),
);

say('## Held-out speakers: correlation with the real mouth opening\n');
say(`| predictor | mean | ${held.map(name).join(' | ')} |`);
say(`| --- | --- | ${held.map(() => '---').join(' | ')} |`);
for (const [label, v] of rows) say(`| ${label} | **${f2(mean(v))}** | ${v.map(f2).join(' | ')} |`);

if (args.out) {
  const head = [
    '# Talking portraits: what audio alone gives on the held-out speakers',
    '',
    `Written by \`npm run baselines:speech -- --out ${args.out}\` on ${machine()} (1-minute load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end), from data/speech-data.json.gz and ${args.model}. Mouth opening: the inner-lip gap over the inner mouth width, as analysed from the real clip; audio level: the normalised log RMS of the two windows of each 25-fps frame, averaged over three frames. The rendered figures are in [speech.md](speech.md).`,
    '',
  ];
  writeFileSync(args.out, `${[...head, ...lines].join('\n')}\n`);
}
