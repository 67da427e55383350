/**
 * Reenactment speed across content: `animate` end to end over a matrix of portraits × driving clips
 * (open mouths, head turns, large and small faces, driving frames from 224×224 to 1920×1080), per pair and
 * overall — frames/s, the split per frame (waiting for the decoder, analysing the driver, motion + render,
 * waiting for the encoder) and the median and worst pair.
 *
 *   npm run bench:matrix                                   (needs ../shared/data; builds dist/ first)
 *   npm run bench:matrix -- --frames 90 --out docs/results/speed-matrix.md
 *   npm run bench:matrix -- --portraits astronaut --drivers lp_d0,lp_d13 --surroundings tracked
 *
 * It measures the compiled package (dist/, what `vivify` runs); `--build src` measures the TypeScript
 * sources through tsx instead. Each driving clip is cut to its first `--frames` frames (stream copy, so
 * decoding costs what the original does). The pairs always run in the same order with the same settings; only the timings vary with the machine
 * and its load (the load average is printed with the results).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readImage } from '../src/media/image-file.js';
import { decodeVideo, probeVideo } from '../src/media/video.js';
import type { animate as animateType, AnimateReport } from '../src/reenact/node/animate.js';
import type { createFaceAnalyzer as createFaceAnalyzerType } from '../src/analysis/node/analyze.js';
import { fitSize, resizeImage } from '../src/render/resize.js';
import { DATA, ffmpeg } from '../test/helpers.js';
import { machine } from './machine.js';

interface Portrait {
  name: string;
  file: string;
  /** Output size (longest side); the matrix runs at 512 or below, as the speed bar is stated. */
  size: number;
  what: string;
}
interface Driver {
  name: string;
  file: string;
  what: string;
}

const PORTRAITS: Portrait[] = [
  { name: 'astronaut', file: 'images/skimage_astronaut.png', size: 512, what: 'photo, mid-size face' },
  { name: 'img1', file: 'images/deepface_img1.jpg', size: 512, what: 'large photo, large face' },
  { name: 'img24', file: 'images/deepface_img24.jpg', size: 512, what: 'beard and glasses' },
  { name: 'pearl', file: 'images/lp_s10.jpg', size: 512, what: 'painting, 3/4 view' },
  { name: 'einstein', file: 'images/codeformer_Einstein01.png', size: 512, what: 'aligned crop, large face' },
  { name: 'fomm03', file: 'images/fomm_03.png', size: 270, what: 'small portrait (270 px)' },
];
const DRIVERS: Driver[] = [
  { name: 'lp_d0', file: 'videos/lp_d0.mp4', what: 'wide mouth opening' },
  { name: 'lp_d6', file: 'videos/lp_d6.mp4', what: 'exaggerated expressions' },
  { name: 'lp_d9', file: 'videos/lp_d9.mp4', what: 'head turns' },
  { name: 'pcavs373', file: 'videos/pcavs_Audio_Source_00373.mp4', what: 'VoxCeleb crop, 3/4 view' },
  { name: 'lp_d13', file: 'videos/lp_d13.mp4', what: 'phone video, 720×1280' },
  { name: 'eamm1080', file: 'videos/eamm_M030_sad_3_001.mp4', what: 'uncropped full HD' },
];

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '90' },
    portraits: { type: 'string' },
    drivers: { type: 'string' },
    surroundings: { type: 'string', default: 'head' },
    out: { type: 'string' },
    label: { type: 'string' },
    build: { type: 'string', default: 'dist' },
  },
});
if (args.build !== 'dist' && args.build !== 'src') throw new RangeError('Expected dist or src for --build');
// What users run is the compiled package (dist/, as `vivify` runs it); --build src measures the TypeScript sources
// through tsx, whose render thread compiles the engine again each time it starts (about 0.4 s per run here).
const built = path.resolve('dist/reenact/node/animate.js');
if (args.build === 'dist' && !existsSync(built))
  throw new Error(`${built} is missing: run npm run build first (npm run bench:matrix does), or pass --build src`);
const { animate } = (await import(args.build === 'dist' ? built : '../src/reenact/node/animate.js')) as {
  animate: typeof animateType;
};
const { createFaceAnalyzer } = (await import(
  args.build === 'dist' ? path.resolve('dist/analysis/node/analyze.js') : '../src/analysis/node/analyze.js'
)) as { createFaceAnalyzer: typeof createFaceAnalyzerType };
const maxFrames = Number(args.frames);
if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new RangeError(`Expected an integer ≥ 1 for --frames`);
const surroundings = args.surroundings === 'tracked' ? 'tracked' : 'head';
const pick = <T extends { name: string }>(all: T[], list: string | undefined): T[] => {
  if (!list) return all;
  const names = list.split(',');
  const bad = names.filter((n) => !all.some((x) => x.name === n));
  if (bad.length) throw new Error(`unknown ${bad.join(', ')}; known: ${all.map((x) => x.name).join(', ')}`);
  return all.filter((x) => names.includes(x.name));
};
const portraits = pick(PORTRAITS, args.portraits);
const drivers = pick(DRIVERS, args.drivers);
for (const x of [...portraits, ...drivers]) {
  if (!existsSync(path.join(DATA, x.file))) throw new Error(`missing ${path.join(DATA, x.file)} (../shared/data)`);
}

const lines: string[] = [];
const say = (s = ''): void => {
  console.log(s);
  lines.push(s);
};
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/**
 * CPU seconds used so far by this process and by its finished child processes (ffmpeg), which on a shared
 * machine say more than wall-clock time: they do not grow while other jobs hold the cores. Children's
 * times come from /proc/self/stat (Linux; undefined elsewhere).
 */
function cpuSeconds(): { node: number; children: number | undefined } {
  const u = process.cpuUsage();
  let children: number | undefined;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state field (3) here; clock ticks of 1/100 s.
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    children = undefined;
  }
  return { node: (u.user + u.system) / 1e6, children };
}

interface Row {
  portrait: Portrait;
  driver: Driver;
  report: AnimateReport;
  wallS: number;
  fps: number;
  /** Frames/s from the 10th frame out to the last: the rate once running, without the start-up. */
  steady: number;
  /** CPU milliseconds per frame: this process (analysis, render, copying frames) and ffmpeg (decode, encode). */
  cpuNode: number;
  cpuFfmpeg: number | undefined;
}

const analyzer = await createFaceAnalyzer({ emotion: false });
const dir = mkdtempSync(path.join(os.tmpdir(), 'vivify-matrix-'));
try {
  // Inputs: clips cut to their first frames, and what each portrait and clip looks like to the analyzer.
  const faceWidth = new Map<string, string>();
  const clips = new Map<string, string>();
  for (const d of drivers) {
    const clip = path.join(dir, `${d.name}.mp4`);
    ffmpeg('-i', path.join(DATA, d.file), '-map', '0:v:0', '-c', 'copy', '-frames:v', String(maxFrames), clip);
    clips.set(d.name, clip);
    const info = await probeVideo(clip);
    for await (const f of decodeVideo(clip, { maxFrames: 1 })) {
      const face = (await analyzer.analyze(f))[0];
      faceWidth.set(d.name, `${info.width}×${info.height}, face ${face ? Math.round(face.box.width) : '–'} px`);
    }
  }
  for (const p of portraits) {
    let img = await readImage(path.join(DATA, p.file));
    const s = fitSize(img.width, img.height, p.size);
    img = resizeImage(img, s.width, s.height);
    const face = (await analyzer.analyze(img))[0];
    faceWidth.set(p.name, `${img.width}×${img.height}, face ${face ? Math.round(face.box.width) : '–'} px`);
  }

  say(`# Reenactment speed across content${args.label ? ` — ${args.label}` : ''}`);
  say();
  say(`Machine: ${machine()}. Load average at the start (1 / 5 / 15 min): ${load()}.`);
  say(
    `\`animate\` end to end (decode, analyse the driver, smooth, retarget, render, encode H.264), surroundings ${surroundings}, ` +
      `first ${maxFrames} frames of each clip, one analyzer reused (models loaded once), the ${args.build === 'dist' ? 'compiled package (dist/, as `vivify` runs)' : 'TypeScript sources through tsx (--build src)'}. ` +
      "End to end counts from the start of the run (its render thread starting, the first frame's face detection) " +
      'to the last frame written; steady is the rate from the 10th frame on. Command: `npm run bench:matrix`.',
  );
  say();
  say('Portraits: ' + portraits.map((p) => `${p.name} (${p.file}, ${p.what}; ${faceWidth.get(p.name)})`).join('; '));
  say();
  say('Driving clips: ' + drivers.map((d) => `${d.name} (${d.file}, ${d.what}; ${faceWidth.get(d.name)})`).join('; '));
  say();

  // Warm-up (JIT, wasm, caches), not counted.
  await animate(path.join(DATA, portraits[0]!.file), clips.get(drivers[0]!.name)!, path.join(dir, 'warm.mp4'), {
    analyzer,
    size: portraits[0]!.size,
    surroundings,
  });

  const rows: Row[] = [];
  for (const p of portraits) {
    for (const d of drivers) {
      const c0 = cpuSeconds();
      const t0 = performance.now();
      const at: number[] = [];
      const report = await animate(path.join(DATA, p.file), clips.get(d.name)!, path.join(dir, 'out.mp4'), {
        analyzer,
        size: p.size,
        surroundings,
        onProgress: () => at.push(performance.now()),
      });
      const wallS = (performance.now() - t0) / 1000;
      const c1 = cpuSeconds();
      const n = report.frames;
      const row: Row = {
        portrait: p,
        driver: d,
        report,
        wallS,
        fps: n / wallS,
        steady: at.length > 10 ? (at.length - 10) / ((at.at(-1)! - at[9]!) / 1000) : NaN,
        cpuNode: (1000 * (c1.node - c0.node)) / n,
        cpuFfmpeg:
          c0.children === undefined || c1.children === undefined ? undefined : (1000 * (c1.children - c0.children)) / n,
      };
      rows.push(row);
      const m = report.msPerFrame;
      console.error(
        `  ${p.name} × ${d.name}: ${row.fps.toFixed(1)} frames/s, CPU ${row.cpuNode.toFixed(1)} + ffmpeg ${row.cpuFfmpeg?.toFixed(1)} ms/frame (decode ${m.decode.toFixed(1)}, analyse ${m.analyse.toFixed(1)}, render ${m.render.toFixed(1)}, encode ${m.encode.toFixed(1)} ms/frame)`,
      );
    }
  }

  const f1 = (x: number): string => x.toFixed(1);
  say('## End-to-end frames/s');
  say();
  say(`| portrait \\ driver | ${drivers.map((d) => d.name).join(' | ')} |`);
  say(`| --- | ${drivers.map(() => '---:').join(' | ')} |`);
  for (const p of portraits) {
    say(
      `| ${p.name} | ${drivers.map((d) => f1(rows.find((r) => r.portrait === p && r.driver === d)!.fps)).join(' | ')} |`,
    );
  }
  say();
  say('## Per pair: milliseconds per frame');
  say();
  say(
    'Per frame: decode and encode are the time the main thread waited for ffmpeg (it runs in its own process); ' +
      'analyse is the driver analysis on the main thread; render is the motion + render work, which runs on a ' +
      'second thread beside the analysis of the next frames (so the parts can add up to more than the total). ' +
      'CPU: milliseconds of CPU per frame used by Node (both threads: analysis, render, moving frames) and by ' +
      'ffmpeg (decode + encode) — on a shared machine these vary less than the wall clock.',
  );
  say();
  say(
    '| pair | frames | frames/s | steady frames/s | total | decode | analyse driver | render | encode | CPU Node | CPU ffmpeg | mouth from |',
  );
  say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const m = r.report.msPerFrame;
    const total = (1000 * r.wallS) / r.report.frames;
    const mouth = Object.entries(r.report.mouth)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    say(
      `| ${r.portrait.name} × ${r.driver.name} | ${r.report.frames} | ${f1(r.fps)} | ${f1(r.steady)} | ${f1(total)} | ${f1(m.decode)} | ${f1(m.analyse)} | ${f1(m.render)} | ${f1(m.encode)} | ${f1(r.cpuNode)} | ${r.cpuFfmpeg === undefined ? '–' : f1(r.cpuFfmpeg)} | ${mouth} |`,
    );
  }
  say();
  const sorted = [...rows].sort((a, b) => a.fps - b.fps);
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const worst = sorted[0]!;
  const best = sorted[sorted.length - 1]!;
  const frames = rows.reduce((s, r) => s + r.report.frames, 0);
  const wall = rows.reduce((s, r) => s + r.wallS, 0);
  const split = (k: 'decode' | 'analyse' | 'render' | 'encode'): string =>
    f1(median(rows.map((r) => r.report.msPerFrame[k])));
  say('## Summary');
  say();
  say(
    `- pairs: ${rows.length} (${portraits.length} portraits × ${drivers.length} clips), ${frames} frames in ${wall.toFixed(1)} s`,
  );
  say(
    `- median pair: ${f1(median(rows.map((r) => r.fps)))} frames/s end to end, ${f1(median(rows.map((r) => r.steady)))} steady`,
  );
  const slowest = [...rows].sort((a, b) => a.steady - b.steady)[0]!;
  say(`- slowest steady rate: ${slowest.portrait.name} × ${slowest.driver.name}, ${f1(slowest.steady)} frames/s`);
  say(
    `- worst pair: ${worst.portrait.name} × ${worst.driver.name}, ${f1(worst.fps)} frames/s; best: ${best.portrait.name} × ${best.driver.name}, ${f1(best.fps)} frames/s (${f1(best.fps / worst.fps)}× the worst)`,
  );
  const byCpu = [...rows].sort((a, b) => b.cpuNode - a.cpuNode);
  say(
    `- Node CPU per frame: median ${f1(median(rows.map((r) => r.cpuNode)))} ms (${f1(1000 / median(rows.map((r) => r.cpuNode)))} frames per CPU-second), ` +
      `worst ${byCpu[0]!.portrait.name} × ${byCpu[0]!.driver.name} ${f1(byCpu[0]!.cpuNode)} ms (${f1(1000 / byCpu[0]!.cpuNode)} frames per CPU-second)`,
  );
  say(
    `- median split, ms per frame: decode ${split('decode')}, analyse driver ${split('analyse')}, render ${split('render')}, encode ${split('encode')}`,
  );
  say(`- load average at the end: ${load()}`);
  if (args.out) {
    writeFileSync(args.out, lines.join('\n') + '\n');
    console.error(`wrote ${args.out}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  analyzer.close();
}
