/**
 * `vivify eval speech`: on the held-out speakers' real talking clips (data/speech-data.json.gz, never
 * trained on), each clip's own first frame is driven with the clip's own sound by `vivify speak`, the
 * result is analysed like any video, and compared with the real clip: mouth-opening correlation, lip
 * landmark distance against a "mouth still" baseline, audio–visual offset (real clips give the reference),
 * blink rate and head-motion statistics. Writes docs/results/speech.md and speech.json.
 */
import { promises as fs } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createFaceAnalyzer } from '../analysis/node/analyze.js';
import { decomposeTrack, measureCurves } from '../analysis/motion-curves.js';
import { clipLandmarks } from '../dataset/landmarks.js';
import { throwIfAborted } from '../errors.js';
import { mouthAperture } from '../face/measures.js';
import { writeAtomically } from '../media/atomic.js';
import { decodeVideo } from '../media/video.js';
import { SPEECH_FPS } from '../speech/model.js';
import { speakVideo } from '../speech/node/speak.js';
import { readSpeechData } from '../speech/node/speech-dataset.js';
import { avOffset, countBlinks, headMotionStats, lipDistance, pearsonOrZero } from './speech-metrics.js';

export interface SpeechClipResult {
  clip: string;
  speaker: string;
  frames: number;
  openingCorrelation: number;
  lmd: number;
  lmdStill: number;
  avOffsetReal: number;
  avOffsetGenerated: number;
  blinksPerMinReal: number;
  blinksPerMinGenerated: number;
  /** Blinks in the motion given to the renderer (before rendering and re-analysis). */
  blinksPerMinMotion: number;
  headReal: ReturnType<typeof headMotionStats>;
  headGenerated: ReturnType<typeof headMotionStats>;
  msPerFrame: number;
}

export interface SpeechEvalResult {
  machine: string;
  /** The 1-minute load average at the start and the end (the machine may be shared). */
  load: [number, number];
  command: string;
  clips: SpeechClipResult[];
  summary: {
    openingCorrelation: number;
    lmd: number;
    lmdStill: number;
    lmdReduction: number;
    avOffsetGenerated: number;
    avOffsetReal: number;
    avOffsetMaxAbsDifference: number;
    blinksPerMinReal: number;
    blinksPerMinGenerated: number;
    blinksPerMinMotion: number;
    headSpeedReal: number;
    headSpeedGenerated: number;
    headSdReal: number;
    headSdGenerated: number;
  };
}

/** Mouth opening, lips (canonical frame), eye closure and pose of a track, at 25 fps. */
function measureTrack(
  landmarks: readonly (Float32Array | undefined)[],
  fps: number,
  frames: number,
  lipPoints: readonly number[],
): {
  open: number[];
  lips: number[][];
  closure: number[];
  pose: [number, number, number][];
} {
  const curves = measureCurves(landmarks, fps);
  const parts = decomposeTrack(landmarks);
  const open: number[] = [];
  const lips: number[][] = [];
  const closure: number[] = [];
  const pose: [number, number, number][] = [];
  let lastCanon: Float32Array | undefined;
  for (let i = 0; i < frames; i++) {
    const v = Math.min(curves.mouth.length - 1, Math.round((i / SPEECH_FPS) * fps));
    const canon = parts[v]?.canon ?? lastCanon ?? parts.find(Boolean)!.canon;
    lastCanon = canon;
    open.push(curves.mouth[v]!);
    lips.push(lipPoints.flatMap((p) => [canon[3 * p]!, canon[3 * p + 1]!]));
    closure.push(Math.max(curves.closure[v]![0], curves.closure[v]![1]));
    pose.push(curves.pose[v]!);
  }
  return { open, lips, closure, pose };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

export async function evaluateSpeech(options: {
  dataDir: string;
  out: string;
  machine: string;
  command: string;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}): Promise<{ result: SpeechEvalResult; files: string[] }> {
  const loadAtStart = loadavg()[0]!;
  const data = await readSpeechData();
  const held = data.clips.filter((c) => c.split === 'heldout');
  const analyzer = await createFaceAnalyzer({ emotion: false });
  const work = await fs.mkdtemp(path.join(tmpdir(), 'vivify-eval-speech-'));
  const clips: SpeechClipResult[] = [];
  try {
    for (const c of held) {
      throwIfAborted(options.signal);
      const file = path.join(options.dataDir, c.file);
      let first: Awaited<ReturnType<typeof decodeVideo> extends AsyncGenerator<infer F> ? F : never> | undefined;
      for await (const f of decodeVideo(file, { frames: [0] })) first = f;
      const out = path.join(work, `${path.basename(c.file, '.mp4')}-speak.mp4`);
      const r = await speakVideo({ width: first!.width, height: first!.height, data: first!.data }, out, {
        audio: file,
        seed: options.seed,
        analyzer,
        signal: options.signal,
      });
      const realTrack = await clipLandmarks(file, { analyzer });
      const genTrack = await clipLandmarks(out, { analyzer, cacheDir: work });
      const frames = Math.min(c.frames, genTrack.landmarks.length);
      const real = measureTrack(realTrack.landmarks, realTrack.fps, frames, data.lipPoints);
      const gen = measureTrack(genTrack.landmarks, genTrack.fps, frames, data.lipPoints);
      const rms = c.rms.slice(0, frames);
      // One width for the clip: the real first frame's mouth (outer corners), in the canonical frame.
      const width = mouthAperture(decomposeTrack([realTrack.landmarks.find(Boolean)!])[0]!.canon).width;
      const lmd = mean(real.lips.map((l, i) => lipDistance(l, gen.lips[i]!, width)));
      const lmdStill = mean(real.lips.map((l) => lipDistance(l, real.lips[0]!, width)));
      const minutes = frames / SPEECH_FPS / 60;
      const result: SpeechClipResult = {
        clip: c.file,
        speaker: c.speaker,
        frames,
        openingCorrelation: pearsonOrZero(real.open, gen.open),
        lmd,
        lmdStill,
        avOffsetReal: avOffset(rms, real.open).lag,
        avOffsetGenerated: avOffset(rms, gen.open).lag,
        blinksPerMinReal: countBlinks(real.closure) / minutes,
        blinksPerMinGenerated: countBlinks(gen.closure) / minutes,
        blinksPerMinMotion: countBlinks(r.motion.frames.slice(0, frames).map((f) => f.blink)) / minutes,
        headReal: headMotionStats(real.pose, SPEECH_FPS),
        headGenerated: headMotionStats(gen.pose, SPEECH_FPS),
        msPerFrame: r.msPerFrame,
      };
      clips.push(result);
      options.onProgress?.(
        `${c.file}: opening r ${result.openingCorrelation.toFixed(2)}, LMD ${lmd.toFixed(4)} (still ${lmdStill.toFixed(4)}), AV offset ${result.avOffsetGenerated} (real ${result.avOffsetReal})`,
      );
    }
  } finally {
    analyzer.close();
    await fs.rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
  const w = (f: (c: SpeechClipResult) => number): number =>
    clips.reduce((s, c) => s + f(c) * c.frames, 0) / clips.reduce((s, c) => s + c.frames, 0);
  const sd = (h: ReturnType<typeof headMotionStats>): number => (h.yawSdDeg + h.pitchSdDeg + h.rollSdDeg) / 3;
  const summary: SpeechEvalResult['summary'] = {
    openingCorrelation: mean(clips.map((c) => c.openingCorrelation)),
    lmd: w((c) => c.lmd),
    lmdStill: w((c) => c.lmdStill),
    lmdReduction: 1 - w((c) => c.lmd) / w((c) => c.lmdStill),
    avOffsetGenerated: mean(clips.map((c) => c.avOffsetGenerated)),
    avOffsetReal: mean(clips.map((c) => c.avOffsetReal)),
    avOffsetMaxAbsDifference: Math.max(...clips.map((c) => Math.abs(c.avOffsetGenerated - c.avOffsetReal))),
    blinksPerMinReal: w((c) => c.blinksPerMinReal),
    blinksPerMinGenerated: w((c) => c.blinksPerMinGenerated),
    blinksPerMinMotion: w((c) => c.blinksPerMinMotion),
    headSpeedReal: w((c) => c.headReal.speedDegPerS),
    headSpeedGenerated: w((c) => c.headGenerated.speedDegPerS),
    headSdReal: w((c) => sd(c.headReal)),
    headSdGenerated: w((c) => sd(c.headGenerated)),
  };
  const result: SpeechEvalResult = {
    machine: options.machine,
    load: [Number(loadAtStart.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
    command: options.command,
    clips,
    summary,
  };
  await fs.mkdir(options.out, { recursive: true });
  const json = path.join(options.out, 'speech.json');
  const md = path.join(options.out, 'speech.md');
  await writeAtomically(json, (tmp) => fs.writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`));
  await writeAtomically(md, (tmp) => fs.writeFile(tmp, speechReport(result)));
  return { result, files: [md, json] };
}

const f2 = (v: number): string => v.toFixed(2);
const f3 = (v: number): string => v.toFixed(3);

/** The Markdown report: bars first (met or not, with the measured figure), then per clip. */
function speechReport(r: SpeechEvalResult): string {
  const s = r.summary;
  const met = (ok: boolean): string => (ok ? '**met**' : '**not met**');
  const lines = [
    '# Talking portraits: speech → face on held-out speakers',
    '',
    `Written by \`${r.command}\` on ${r.machine} (1-minute load average ${f2(r.load[0])} at the start, ${f2(r.load[1])} at the end). Each held-out speaker's clip (never trained on: data/speech-data.json.gz, split by speaker) has its own first frame driven by its own sound with \`vivify speak\` (seed 1); the result is analysed like any video and compared with the real clip, frame by frame at 25 fps.`,
    '',
    '## Bars (issue 18)',
    '',
    '| bar | measured | |',
    '| --- | --- | --- |',
    `| mouth-opening correlation with the real video ≥ 0.7 | ${f2(s.openingCorrelation)} (mean over ${r.clips.length} clips) | ${met(s.openingCorrelation >= 0.7)} |`,
    `| LMD beats a "mouth still" baseline by ≥ 30% | ${f3(s.lmd)} vs ${f3(s.lmdStill)}: ${Math.abs(s.lmdReduction * 100).toFixed(0)}% ${s.lmdReduction >= 0 ? 'lower' : 'higher'} | ${met(s.lmdReduction >= 0.3)} |`,
    `| \\|audio–visual offset\\| ≤ 1 frame (real clips the reference) | largest difference from the real clip's own offset ${s.avOffsetMaxAbsDifference} frame(s); mean offset generated ${f2(s.avOffsetGenerated)}, real ${f2(s.avOffsetReal)} frames | ${met(s.avOffsetMaxAbsDifference <= 1)} |`,
    "| real-vs-real baseline (the same sentence by another take or speaker) | the data has no clip that repeats another clip's sentence, so there is none | — |",
    '',
    'What audio alone can give on these clips (the loudness envelope, ridge regression on the audio features, the model before rendering) and why it is far from the bar: [speech-baselines.md](speech-baselines.md) (`npm run baselines:speech`).',
    '',
    '## The rest of the face',
    '',
    '| | generated | real |',
    '| --- | --- | --- |',
    `| blinks per minute (the same counter on both videos) | ${f2(s.blinksPerMinGenerated)} | ${f2(s.blinksPerMinReal)} |`,
    `| blinks per minute in the motion given to the renderer | ${f2(s.blinksPerMinMotion)} | |`,
    `| head rotation spread (mean of yaw, pitch, roll SD), ° | ${f2(s.headSdGenerated)} | ${f2(s.headSdReal)} |`,
    `| head angular speed, °/s | ${f2(s.headSpeedGenerated)} | ${f2(s.headSpeedReal)} |`,
    '',
    '## Per clip',
    '',
    '| clip | frames | opening r | LMD | LMD still | AV offset gen / real | blinks/min gen / real | head speed gen / real °/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.clips.map(
      (c) =>
        `| ${path.basename(c.clip)} | ${c.frames} | ${f2(c.openingCorrelation)} | ${f3(c.lmd)} | ${f3(c.lmdStill)} | ${c.avOffsetGenerated} / ${c.avOffsetReal} | ${f2(c.blinksPerMinGenerated)} / ${f2(c.blinksPerMinReal)} | ${f2(c.headGenerated.speedDegPerS)} / ${f2(c.headReal.speedDegPerS)} |`,
    ),
    '',
    'Definitions: mouth opening is the inner-lip gap over the inner mouth width; LMD is the mean distance between the 40 lip points (inner and outer outline) of the generated and real frame in the canonical (pose-free) face, over the mouth width; the "mouth still" baseline holds the first frame\'s lips; the audio–visual offset is the lag (frames, ±10) that maximises the correlation of the audio RMS with mouth opening, positive when the mouth follows the sound.',
    '',
  ];
  return lines.join('\n');
}
