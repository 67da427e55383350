import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../analysis/node/analyze.js';
import { DEFAULT_IDENTITY_EVERY, type ReenactMetrics } from '../eval/reenact.js';
import { optionKey } from '../options.js';
import { ANIMATE_OPTIONS } from '../reenact/options.js';
import { evaluateFiles, runReenactJob, type ReenactJob } from '../eval/reenact-run.js';
import { DEFAULT_CURVE_SAMPLES } from '../generate/evaluate.js';
import { DEFAULT_EVAL_PORTRAITS, evaluateGenerate } from '../eval/generate-run.js';
import { loadShippedMotionModels } from '../expression/node/generate-video.js';
import { evaluateSpeech } from '../eval/speech-run.js';
import { runSuite, summariseSuite, writeSuiteReport } from '../eval/suite.js';
import {
  evaluateExpressionReal,
  HELD_OUT_ACTOR,
  realActors,
  tableLines,
  writeExpressionRealReport,
} from '../eval/expression-real.js';
import { EMOTION_NAMES } from '../emotion/emotion-names.js';
import { quote, VivifyError } from '../errors.js';
import { writeAtomically } from '../media/atomic.js';
import { checkRunPaths } from '../media/run-paths.js';
import type { CommandContext } from './context.js';
import { machine } from './machine.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';
import { runEvalBody } from './eval-body.js';

/** A comma-separated list of names, each one of `known` (repeats dropped), or an "Expected …" error. */
function namesFrom<T extends string>(text: string, what: string, known: readonly T[]): T[] {
  const list = text.split(',').map((x) => x.trim());
  const isKnown = (n: string): n is T => (known as readonly string[]).includes(n);
  if (!list.every(isKnown)) throw new Error(`Expected comma-separated ${what} among ${known.join(', ')}`);
  return [...new Set(list)];
}

export const evalCommand = defineCommand({
  name: 'eval',
  summary:
    "measure quality: one reenactment (eval reenact), the reenactment protocol on ../shared/data (eval suite), generated motion (eval generate), emotion edits against the MEAD actors' real expressions (eval expression-real), whole bodies on one clip (eval body), talking portraits on held-out speakers (eval speech)",
  usage:
    'vivify eval reenact --source S --driving D --result R [--self] [--json out.json] | vivify eval suite [--data dir] [--out docs/results] | vivify eval generate [--data dir] [--out docs/results] | vivify eval expression-real [--data dir] [--out docs/results] [--actors M030,W009] [--emotions happy,sad] [--json out.json]',
  positionals: { name: 'reenact|suite|generate|expression-real|speech|body', min: 1, max: 2 },
  options: {
    source: { type: 'string', value: 'image', description: '(reenact) The source portrait' },
    driving: { type: 'string', value: 'video', description: '(reenact) The driving video' },
    result: { type: 'string', value: 'video', description: '(reenact) The reenactment result to measure' },
    self: {
      type: 'boolean',
      default: false,
      description: '(reenact) Self-reenactment: the driving video is the ground truth (adds L1, PSNR, SSIM, AKD, AED)',
    },
    json: { type: 'string', value: 'out.json', description: '(reenact, expression-real) Write the metrics as JSON' },
    'identity-every': {
      type: 'integer',
      value: 'n',
      default: DEFAULT_IDENTITY_EVERY,
      min: 1,
      max: 1000,
      description: 'Compute identity embeddings on every nth frame',
    },
    data: {
      type: 'string',
      value: 'dir',
      default: '../shared/data',
      description: '(suite, generate, expression-real) The data folder with MANIFEST.tsv',
    },
    out: {
      type: 'string',
      value: 'dir',
      default: 'docs/results',
      description:
        '(suite, generate, expression-real) Where to write reenact-suite.md / generate.md / expression-real.md and their .json',
    },
    portraits: {
      type: 'integer',
      value: 'n',
      default: DEFAULT_EVAL_PORTRAITS,
      min: 1,
      max: 200,
      description: '(generate) Core portraits the generated episodes are rendered on',
    },
    samples: {
      type: 'integer',
      value: 'K',
      default: DEFAULT_CURVE_SAMPLES,
      min: 2,
      max: 20,
      description: '(generate) Samples per label',
    },
    models: {
      type: 'string',
      value: 'motion.json',
      description:
        '(generate) The motion models to measure, e.g. ones just trained with npm run train:motion -- --out (default: the shipped models/motion.json)',
    },
    'max-frames': {
      type: 'integer',
      value: 'n',
      min: 1,
      description: 'Frames per clip (suite default 150; reenact: all)',
    },
    jobs: {
      type: 'integer',
      value: 'n',
      min: 1,
      max: 64,
      description: '(suite) Parallel worker processes (default: one per core)',
    },
    only: {
      type: 'string',
      choices: ['self', 'cross'] as const,
      description: '(suite) Run only self- or only cross-reenactment',
    },
    reenact: {
      type: 'string',
      value: 'json',
      description: '(suite) Reenactment options to measure instead of the defaults, as JSON, e.g. \'{"detail":1}\'',
      parse: (s) => {
        const v = JSON.parse(s) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('Expected a JSON object');
        const known = Object.keys(ANIMATE_OPTIONS).map(optionKey);
        for (const k of Object.keys(v))
          if (!known.includes(k)) throw new Error(`Expected a JSON object with keys among ${known.join(', ')}`);
        return v;
      },
    },
    actors: {
      type: 'string',
      value: 'list',
      description: `(expression-real) Comma-separated MEAD actors to measure (default all: ${realActors()
        .map((a) => a.name)
        .join(', ')}; held out: ${HELD_OUT_ACTOR})`,
      parse: (s) =>
        namesFrom(
          s,
          'actors',
          realActors().map((a) => a.name),
        ),
    },
    emotions: {
      type: 'string',
      value: 'list',
      description: '(expression-real) Comma-separated emotions to edit (default every one the actor has a clip of)',
      parse: (s) =>
        namesFrom(
          s,
          'emotions',
          EMOTION_NAMES.filter((e) => e !== 'neutral'),
        ),
    },
    clips: {
      type: 'string',
      value: 'regex',
      description: '(suite) Only clips or portraits whose path matches, e.g. "fomm_|lia_|pcavs_"',
      parse: (s) => {
        try {
          return new RegExp(s);
        } catch {
          throw new Error('Expected a regular expression');
        }
      },
    },
  },
  examples: [
    'vivify animate --source frame0.png --driving clip.mp4 -o out.mp4 && vivify eval reenact --source frame0.png --driving clip.mp4 --result out.mp4 --self',
    'vivify eval reenact --source portrait.jpg --driving talk.mp4 --result out.mp4 --json metrics.json',
    'vivify eval suite --data ../shared/data --out docs/results',
    'vivify eval generate --data ../shared/data --out docs/results',
    'vivify eval expression-real --data ../shared/data --out docs/results',
    'vivify eval body --driving taichi.mp4 --max-frames 150 --json body-self.json',
    'vivify eval body --source person.jpg --driving taichi.mp4 --max-frames 150',
    'vivify eval speech --data ../shared/data --out docs/results',
    'vivify eval expression-real --actors M030 --emotions happy,sad --out scratch/expr',
  ],
});

type EvalArgs = FlagsOf<typeof evalCommand.options>;

export async function runEval(positionals: string[], args: EvalArgs, ctx: CommandContext): Promise<number> {
  const [sub, extra] = positionals;
  if (sub === 'job') return runJob(extra, ctx);
  if (extra !== undefined)
    throw new VivifyError('E_USAGE', `unexpected argument ${quote(extra)} (usage: ${evalCommand.usage})`);
  if (sub === 'reenact') return runEvalReenact(args, ctx);
  if (sub === 'suite') return runEvalSuite(args, ctx);
  if (sub === 'generate') return runEvalGenerate(args, ctx);
  if (sub === 'expression-real') return runEvalExpressionReal(args, ctx);
  if (sub === 'body') return runEvalBody(args, ctx);
  if (sub === 'speech') return runEvalSpeech(args, ctx);
  throw new VivifyError(
    'E_USAGE',
    `vivify eval needs reenact, suite, generate, expression-real, speech or body, got ${sub === undefined ? 'nothing' : quote(sub)}`,
  );
}

async function runEvalSpeech(args: EvalArgs, ctx: CommandContext): Promise<number> {
  await fs.stat(path.join(args.data, 'MANIFEST.tsv')).catch((cause: unknown) => {
    throw new VivifyError('E_INPUT_NOT_FOUND', `no MANIFEST.tsv in ${args.data} (pass --data)`, { cause });
  });
  const progress = createProgress('eval speech', undefined);
  const { result: r, files } = await evaluateSpeech({
    dataDir: args.data,
    out: args.out,
    machine: machine(),
    command: `vivify eval speech --data ${args.data} --out ${args.out}`,
    signal: ctx.signal,
    onProgress: (m) => progress.log(m),
  });
  progress.done();
  const s = r.summary;
  ctx.out(
    `held-out speakers (${r.clips.length} clips): mouth-opening correlation ${n(s.openingCorrelation, 2)}; LMD ${n(s.lmd)} vs mouth still ${n(s.lmdStill)} (${n(Math.abs(s.lmdReduction * 100), 0)}% ${s.lmdReduction >= 0 ? 'lower' : 'higher'}); AV offset generated ${n(s.avOffsetGenerated, 2)} vs real ${n(s.avOffsetReal, 2)} frames (largest difference ${s.avOffsetMaxAbsDifference})`,
  );
  ctx.out(
    `blinks/min ${n(s.blinksPerMinGenerated, 1)} (real ${n(s.blinksPerMinReal, 1)}); head speed ${n(s.headSpeedGenerated, 1)} °/s (real ${n(s.headSpeedReal, 1)})`,
  );
  ctx.out(`wrote ${files.join(', ')}`);
  return 0;
}

async function runEvalGenerate(args: EvalArgs, ctx: CommandContext): Promise<number> {
  await fs.stat(path.join(args.data, 'MANIFEST.tsv')).catch((cause: unknown) => {
    throw new VivifyError('E_INPUT_NOT_FOUND', `no MANIFEST.tsv in ${args.data} (pass --data)`, { cause });
  });
  const progress = createProgress('eval generate', undefined);
  const models = args.models === undefined ? undefined : await loadShippedMotionModels(args.models);
  const { result: r, files } = await evaluateGenerate({
    models,
    dataDir: args.data,
    out: args.out,
    machine: machine(),
    portraits: args.portraits,
    k: args.samples,
    signal: ctx.signal,
    onProgress: (m) => progress.log(m),
  });
  progress.done();
  const c = r.curves;
  for (const l of c.labels)
    ctx.out(
      `${l.label}: DTW generated ${n(l.generated, 2)} vs floor ${n(l.floor, 2)} (×${n(l.ratio, 2)}), ceiling ${n(l.ceiling, 2)}; diversity ×${n(l.diversityRatio, 2)} of real variety, copies ${l.copies}`,
    );
  ctx.out(
    `real-vs-generated classifier accuracy ${n(c.classifier.accuracy * 100, 1)}% (real vs real ${n(c.classifier.realVsReal * 100, 1)}%)`,
  );
  ctx.out(
    `envelope: rise RMSE ${n(c.envelope.riseRmse)} (trapezoid ${n(c.envelope.trapezoidRmse)}), onset error ${n(c.envelope.onsetErrorS, 2)} s, offset error ${n(c.envelope.offsetErrorS, 2)} s`,
  );
  ctx.out(
    `rendered: target emotion on top ${n(r.rendered.topShare * 100, 0)}% over ${r.rendered.portraits.length} portraits; ACD ${n(r.rendered.acd)} vs real first-last ${n(r.rendered.realFirstLast)}`,
  );
  ctx.out(`wrote ${files.join(', ')}`);
  return 0;
}

async function runEvalExpressionReal(args: EvalArgs, ctx: CommandContext): Promise<number> {
  // Usage first: a mistyped option is reported as such, whether or not the data folder is there.
  if (args.json && path.extname(args.json).toLowerCase() !== '.json')
    throw new VivifyError('E_USAGE', `--json needs a .json file name, got ${args.json}`);
  await fs.stat(path.join(args.data, 'MANIFEST.tsv')).catch((cause: unknown) => {
    throw new VivifyError('E_INPUT_NOT_FOUND', `no MANIFEST.tsv in ${args.data} (pass --data)`, { cause });
  });
  await checkRunPaths([], [{ name: '--json', path: args.json }]);
  const command = [
    'vivify eval expression-real',
    `--data ${args.data}`,
    `--out ${args.out}`,
    ...(args.actors ? [`--actors ${args.actors.join(',')}`] : []),
    ...(args.emotions ? [`--emotions ${args.emotions.join(',')}`] : []),
    ...(args.json ? [`--json ${args.json}`] : []),
  ].join(' ');
  let bar: ReturnType<typeof createProgress> | undefined;
  const r = await evaluateExpressionReal({
    dataDir: args.data,
    actors: args.actors,
    emotions: args.emotions,
    machine: machine(),
    command,
    signal: ctx.signal,
    onProgress: (done, total, detail) => {
      bar ??= createProgress('eval expression-real', total);
      bar.update(done, detail);
    },
    onLog: (m) => (bar ? bar.log(m) : ctx.err(m)),
  });
  bar?.done(`${r.rows.length} edits`);
  if (r.rows.length === 0)
    throw new VivifyError(
      'E_INPUT_NOT_FOUND',
      `no labelled MEAD clip of ${args.actors?.join(', ') ?? 'any actor'}${args.emotions ? ` in ${args.emotions.join(', ')}` : ''} in ${args.data}`,
    );
  for (const s of r.skipped) ctx.err(`warning: skipped ${s}`);
  for (const l of tableLines(r)) ctx.out(l);
  const files = await writeExpressionRealReport(args.out, r, args.json);
  ctx.out(`wrote ${files.join(', ')}`);
  return 0;
}

const n = (v: number | undefined, d = 3): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

function metricLines(m: ReenactMetrics, self: boolean): string[] {
  const out: string[] = [];
  if (self)
    out.push(`L1 ${n(m.l1, 4)}  PSNR ${n(m.psnr, 2)} dB  SSIM ${n(m.ssim)}  AKD ${n(m.akd, 2)} px  AED ${n(m.aed)}`);
  out.push(
    `CSIM ${n(m.csim)}  pose error ${n(m.poseErrorDeg, 2)}° (yaw ${n(m.poseErrorByAxisDeg.yaw, 2)}, pitch ${n(m.poseErrorByAxisDeg.pitch, 2)}, roll ${n(m.poseErrorByAxisDeg.roll, 2)})`,
    `mouth r ${n(m.mouthCorrelation)}  eyes r ${n(m.eyeCorrelation)}  jitter ratio ${n(m.jitterRatio, 2)}  ACD ${n(m.acd)}  face found ${n(m.faceFound * 100, 1)}% of ${m.frames} frames`,
    `mouth interior (${m.mouthColour.frames} open-mouth frames): teeth ΔC*ab ${n(m.mouthColour.teethChromaDistance, 1)} to the source's teeth or eye white, off-hue pixels ${n(m.mouthColour.offHue * 100, 2)}%`,
  );
  return out;
}

async function runEvalReenact(args: EvalArgs, ctx: CommandContext): Promise<number> {
  for (const k of ['source', 'driving', 'result'] as const) {
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify eval reenact needs --${k} (usage: ${evalCommand.usage})`);
  }
  if (args.json && path.extname(args.json).toLowerCase() !== '.json')
    throw new VivifyError('E_USAGE', `--json needs a .json file name, got ${args.json}`);
  await checkRunPaths(
    (['source', 'driving', 'result'] as const).map((k) => ({ name: `--${k}`, path: args[k] })),
    [{ name: '--json', path: args.json }],
  );
  const analyzer = await createFaceAnalyzer({ emotion: false });
  const progress = createProgress('eval', undefined);
  try {
    const mode = args.self ? 'self' : 'cross';
    const ev = await evaluateFiles(analyzer, args.source!, args.driving!, args.result!, {
      mode,
      identityEvery: args['identity-every'],
      maxFrames: args['max-frames'],
      signal: ctx.signal,
      onFrame: (i) => progress.update(i),
    });
    progress.done(`${ev.result.frames} frames`);
    for (const w of ev.warnings) ctx.err(`warning: ${w}`);
    if (ev.result.faceFound === 0)
      ctx.err(
        `warning: ${args.result} shows no face in any of its ${ev.result.frames} frames: its face metrics are n/a`,
      );
    ctx.out(`${mode}-reenactment of ${args.result}:`);
    for (const l of metricLines(ev.result, args.self)) ctx.out(`  ${l}`);
    ctx.out('static baseline (the source repeated):');
    for (const l of metricLines(ev.baseline, args.self)) ctx.out(`  ${l}`);
    if (args.self && ev.result.l1 !== undefined && ev.baseline.l1)
      ctx.out(`L1 ratio result / baseline: ${(ev.result.l1 / ev.baseline.l1).toFixed(3)}`);
    if (args.json) {
      const doc = { source: args.source, driving: args.driving, resultVideo: args.result, machine: machine(), ...ev };
      await writeAtomically(args.json, (tmp) => fs.writeFile(tmp, JSON.stringify(doc, null, 1)));
      ctx.out(`wrote ${args.json}`);
    }
  } finally {
    analyzer.close();
  }
  return 0;
}

async function runEvalSuite(args: EvalArgs, ctx: CommandContext): Promise<number> {
  await fs.stat(path.join(args.data, 'MANIFEST.tsv')).catch((cause: unknown) => {
    throw new VivifyError('E_INPUT_NOT_FOUND', `no MANIFEST.tsv in ${args.data} (pass --data)`, { cause });
  });
  await fs.mkdir(args.out, { recursive: true });
  const started = performance.now();
  const progress = createProgress('suite', undefined);
  let bar: ReturnType<typeof createProgress> | undefined;
  const workerArgv = [process.execPath, ...process.execArgv, process.argv[1]!, 'eval', 'job'];
  const { results, failures } = await runSuite({
    dataDir: args.data,
    maxFrames: args['max-frames'],
    maxCrossFrames: args['max-frames'] ? Math.min(args['max-frames'], 150) : undefined,
    jobs: args.jobs,
    only: args.only,
    filter: args.clips,
    reenact: args.reenact,
    workerArgv,
    signal: ctx.signal,
    onJob: (done, total, label) => {
      bar ??= createProgress('suite', total);
      bar.update(done, label);
    },
  });
  (bar ?? progress).done(`${results.length} jobs`);
  const seconds = (performance.now() - started) / 1000;
  const files = await writeSuiteReport(args.out, results, failures, machine(), seconds);
  const s = summariseSuite(results);
  for (const [config, ss] of Object.entries(s.self)) {
    ctx.out(
      `self-reenactment [${config}], VoxCeleb-style clips (${ss.vox.clips}): L1 ${n(ss.vox.l1, 4)}, AKD ${n(ss.vox.akd, 2)}, AED ${n(ss.vox.aed)} (static baseline L1 ${n(ss.vox.baselineL1, 4)})`,
    );
  }
  ctx.out(
    `cross-reenactment (${s.cross.pairs} pairs): CSIM ${n(s.cross.csim)}, mouth r ${n(s.cross.mouthCorrelation)}, eyes r ${n(s.cross.eyeCorrelation)}, pose error ${n(s.cross.poseErrorDeg, 2)}°, jitter ratio ${n(s.cross.jitterRatio, 2)}, face found ${n(s.cross.faceFound * 100, 1)}%, teeth ΔC*ab ${n(s.cross.teethChromaDistance, 1)}, off-hue interior ${n(s.cross.offHue * 100, 2)}%`,
  );
  if (s.narrowEyes.pairs)
    ctx.out(
      `narrow, painted and carved eyes (${s.narrowEyes.pairs} portraits ← lp_d0): eyes r lowest ${n(s.narrowEyes.lowestEyeCorrelation)} (mean ${n(s.narrowEyes.meanEyeCorrelation)}), pose error largest ${n(s.narrowEyes.largestPoseErrorDeg, 2)}°`,
    );
  for (const x of failures) ctx.err(`warning: ${x.error}`);
  ctx.out(`wrote ${files.join(', ')}`);
  return 0;
}

/** Internal: one suite job in this process, result as one JSON line on stdout. */
async function runJob(json: string | undefined, ctx: CommandContext): Promise<number> {
  if (!json) throw new VivifyError('E_USAGE', 'eval job needs a job description');
  const job = JSON.parse(json) as ReenactJob;
  const analyzer = await createFaceAnalyzer({ emotion: false });
  try {
    const r = await runReenactJob(analyzer, job, ctx.signal);
    ctx.out(JSON.stringify(r));
  } finally {
    analyzer.close();
  }
  return 0;
}
