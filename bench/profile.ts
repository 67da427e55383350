/**
 * Where a reenactment frame's time goes: a CPU profile (V8's sampling profiler) of the two halves of
 * `animate` that run beside each other — the driver's analysis (the main thread) and motion + render (the
 * worker) — each alone in this process, over the first frames of one pair, and their self time per function,
 * grouped by file (the tfjs WebAssembly kernels as one).
 *
 *   npm run bench:profile                                     (einstein × eamm1080, the slowest pair of bench:matrix)
 *   npm run bench:profile -- --portrait images/lp_s6.jpg --driving videos/lp_d0.mp4 --frames 90
 *   npm run bench:profile -- --out docs/results/profile.md
 *
 * The driving clip is decoded at the size `animate` decodes it at (its face scaled to the portrait's, see
 * src/reenact/node/driving.ts), once, before either profile starts; decoding and encoding run in ffmpeg's own
 * processes and are not in these profiles (bench:matrix times them).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import type { FaceResult } from '../src/face/types.js';
import type { VideoFrame } from '../src/face/image.js';
import { readImage } from '../src/media/image-file.js';
import { decodeVideo, probeVideo } from '../src/media/video.js';
import { drivingDecodeSide } from '../src/reenact/node/driving.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { createReenactor } from '../src/reenact/reenactor.js';
import { DATA } from '../test/helpers.js';
import { machine } from './machine.js';

const { values: args } = parseArgs({
  options: {
    portrait: { type: 'string', default: 'images/codeformer_Einstein01.png' },
    driving: { type: 'string', default: 'videos/eamm_M030_sad_3_001.mp4' },
    frames: { type: 'string', default: '60' },
    top: { type: 'string', default: '12' },
    out: { type: 'string' },
  },
});
const frames = Number(args.frames);
const top = Number(args.top);
if (!(frames >= 10) || !(top >= 1)) throw new Error('--frames must be at least 10 and --top at least 1');

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function and per file (share of the samples), from a V8 CPU profile. */
function selfTimes(profile: Profile): { byFunction: [string, number][]; byFile: [string, number][] } {
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const dt = profile.timeDeltas?.[i] ?? 0;
    const { functionName, url } = node.get(id)!.callFrame;
    const where = url.startsWith('wasm://')
      ? 'WebAssembly (tfjs kernels)'
      : url.includes('/node_modules/')
        ? `${url.split('/node_modules/')[1]!.split('/')[0]} (package)`
        : url
          ? path.relative(path.resolve(import.meta.dirname, '..'), new URL(url).pathname)
          : '(no script: garbage collection, native code)';
    const name = url.startsWith('wasm://') ? 'kernels' : functionName || '(anonymous)';
    fn.set(`${name} — ${where}`, (fn.get(`${name} — ${where}`) ?? 0) + dt);
    file.set(where, (file.get(where) ?? 0) + dt);
    total += dt;
  });
  const share = (m: Map<string, number>): [string, number][] =>
    [...m.entries()].map(([k, v]): [string, number] => [k, v / total]).sort((a, b) => b[1] - a[1]);
  return { byFunction: share(fn), byFile: share(file) };
}

async function profiled<T>(run: () => Promise<T>): Promise<{ result: T; profile: Profile }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const result = await run();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  return { result, profile: profile as Profile };
}

const portraitFile = path.join(DATA, args.portrait!);
const drivingFile = path.join(DATA, args.driving!);
const analyzer = await createFaceAnalyzer({ emotion: false });
const source = await readImage(portraitFile);
const sourceFace = (await analyzer.analyze(source))[0];
if (!sourceFace) throw new Error(`no face in ${args.portrait}`);
const info = await probeVideo(drivingFile);
const px = (f: FaceResult): number => Math.max(f.box.width, f.box.height);
let maxSide: number | undefined;
for await (const f of decodeVideo(drivingFile, { maxFrames: 1 })) {
  const face = (await analyzer.analyze(f, { emotion: false }))[0];
  if (face) maxSide = drivingDecodeSide(f, px(face), px(sourceFace));
}
const driving: VideoFrame[] = [];
for await (const f of decodeVideo(drivingFile, { maxFrames: frames, maxSide })) driving.push(f);
const bank = await loadMouthBank();

// Warm both halves (JIT, models, the bank's tables) on the first frames, then profile each alone.
const warm = analyzer.createTracker();
const warmFaces: (FaceResult | undefined)[] = [];
for (const f of driving.slice(0, 10)) warmFaces.push((await warm.next(f, { emotion: false })).faces[0]);
const warmRe = createReenactor(source, sourceFace, { mouth: { bank } });
driving.slice(0, 10).forEach((f, i) => warmRe.push(f, warmFaces[i]));
warmRe.flush();

const tracker = analyzer.createTracker();
const faces: (FaceResult | undefined)[] = [];
const analysis = await profiled(async () => {
  const t = performance.now();
  for (const f of driving) faces.push((await tracker.next(f, { emotion: false })).faces[0]);
  return (performance.now() - t) / driving.length;
});
const render = await profiled(async () => {
  const re = createReenactor(source, sourceFace, { mouth: { bank } });
  const t = performance.now();
  let n = 0;
  driving.forEach((f, i) => (n += re.push(f, faces[i]).length));
  n += re.flush().length;
  return (performance.now() - t) / n;
});
analyzer.close();

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const section = (title: string, msPerFrame: number, p: Profile): string[] => {
  const { byFunction, byFile } = selfTimes(p);
  return [
    `## ${title}: ${msPerFrame.toFixed(1)} ms/frame (profiler on)`,
    '',
    '| file | self time |',
    '| --- | ---: |',
    ...byFile.slice(0, top).map(([k, v]) => `| ${k} | ${pct(v)} |`),
    '',
    '| function — file | self time |',
    '| --- | ---: |',
    ...byFunction.slice(0, top).map(([k, v]) => `| ${k} | ${pct(v)} |`),
    '',
  ];
};
const first = driving[0]!;
const md = [
  '# Where a reenactment frame goes: a profile',
  '',
  `Written by \`npm run bench:profile${args.out ? ` -- --out ${args.out}` : ''}\` on ${machine()}; load average at the end ${(
    await import('node:os')
  )
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(', ')}.`,
  '',
  `${args.portrait} driven by ${args.driving} (${info.width}×${info.height}, decoded at ${first.width}×${first.height}), ${driving.length} frames, the mouth bank on, every other option at its default. The two halves that \`animate\` runs side by side (the driver's analysis on the main thread, motion and render on a worker) are profiled one after the other in one thread, after 10 frames of warm-up; self time is the time spent in a function's own code, not in what it calls. V8's sampling profiler, one sample every 0.2 ms; it slows what it measures a little.`,
  '',
  ...section("The driver's analysis (main thread)", analysis.result, analysis.profile),
  ...section('Motion and render (worker)', render.result, render.profile),
];
console.log(md.join('\n'));
if (args.out) writeFileSync(args.out, md.join('\n'));
