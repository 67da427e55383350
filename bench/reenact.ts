/**
 * Reenactment speed and memory on this machine:
 * - render alone (the renderer only, targets precomputed), 512×512 portrait;
 * - motion + render alone as animate's render thread runs them (the reenactor), on a mid-size and a large face;
 * - end to end (`animate`: decode, analyse the driver, smooth, retarget, render, encode H.264), 512×512
 *   portrait and 512×512 driver;
 * - peak memory (RSS) along a 60-second driving clip, to show it stays flat — with one face, and with two
 *   faces of a group driven by two talkers (`--face all`); `--seconds N` drives them N seconds instead.
 *
 *   npm run bench:reenact     (needs ../shared/data; `-- --render-only` stops after the render timings)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import type { RgbaImage } from '../src/face/image.js';
import { decodeVideo } from '../src/media/video.js';
import { DEFAULT_RETARGET, faceState, retarget, type FaceState } from '../src/motion/motion.js';
import { animate } from '../src/reenact/node/animate.js';
import { createRenderer } from '../src/render/renderer.js';
import { fitSize, resizeImage } from '../src/render/resize.js';
import { createReenactor } from '../src/reenact/reenactor.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import type { FaceResult } from '../src/face/types.js';
import { DATA, ffmpeg } from '../test/helpers.js';
import { machine, stats } from './machine.js';

const portrait = path.join(DATA, 'images', 'skimage_astronaut.png'); // 512×512
const driving = path.join(DATA, 'videos', 'lp_d3.mp4'); // 512×512, 30 fps, head turns and expressions
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, 'render-only': { type: 'boolean', default: false } },
});
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 1)
  throw new RangeError('Expected a whole number of seconds ≥ 1 for --seconds');
console.log(`machine: ${machine()}`);

// 1. Render alone.
const analyzer = await createFaceAnalyzer({ emotion: false });
const source = await readImage(portrait);
const sf = (await analyzer.analyze(source))[0]!;
const ss = faceState(sf);
const tracker = analyzer.createTracker();
const targets: { target: FaceState; image: typeof source; landmarks: Float32Array }[] = [];
const driven: { frame: typeof source; face: FaceResult | undefined }[] = [];
let ref: FaceState | undefined;
for await (const f of decodeVideo(driving, { maxFrames: 150 })) {
  const face = (await tracker.next(f, { emotion: false })).faces[0];
  driven.push({ frame: f, face });
  if (!face) continue;
  const st = faceState(face);
  ref ??= st;
  targets.push({ target: retarget(ss, ref, st, DEFAULT_RETARGET), image: f, landmarks: face.landmarks });
}
const renderer = createRenderer(source, ss, sf.landmarks);
for (const t of targets.slice(0, 5)) renderer.render({ target: t.target, driver: t });
const ms: number[] = [];
for (const t of targets) {
  const t0 = performance.now();
  renderer.render({ target: t.target, driver: { image: t.image, landmarks: t.landmarks } });
  ms.push(performance.now() - t0);
}
const r = stats(ms);
console.log(
  `render alone, 512x512 portrait, ${ms.length} frames: median ${r.median.toFixed(2)} ms (${(1000 / r.median).toFixed(0)} frames/s), mean ${r.mean.toFixed(2)}, p90 ${r.p90.toFixed(2)}`,
);

// 1b. Motion + render as animate's render thread runs them (the reenactor: smoothing, retargeting, the AUs and
// their appearance, the bank of real mouths), on the astronaut and on a large face (Einstein's, 275 px).
const bank = await loadMouthBank();
for (const file of ['skimage_astronaut.png', 'codeformer_Einstein01.png']) {
  let img = await readImage(path.join(DATA, 'images', file));
  const fit = fitSize(img.width, img.height, 512);
  img = resizeImage(img, fit.width, fit.height);
  const face = (await analyzer.analyze(img))[0]!;
  const round = (): number => {
    const reenactor = createReenactor(img, face, { mouth: { bank } });
    const t0 = performance.now();
    for (const d of driven) reenactor.push(d.frame, d.face);
    reenactor.flush();
    return (performance.now() - t0) / driven.length;
  };
  const rounds = [round(), round(), round()];
  console.log(
    `motion + render alone (the reenactor), ${file} at ${img.width}x${img.height}, ${driven.length} frames: best of 3 rounds ${Math.min(...rounds).toFixed(2)} ms/frame (rounds ${rounds.map((x) => x.toFixed(2)).join(', ')})`,
  );
}

if (values['render-only']) process.exit(0);

// 2. End to end.
const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-'));
try {
  for (const surroundings of ['head', 'tracked'] as const) {
    const t0 = performance.now();
    const rep = await animate(portrait, driving, path.join(dir, 'out.mp4'), { analyzer, surroundings });
    const s = (performance.now() - t0) / 1000;
    console.log(
      `end to end (animate, surroundings ${surroundings}), 512x512 portrait + 512x512 driver, ${rep.frames} frames: ${s.toFixed(1)} s = ${(rep.frames / s).toFixed(1)} frames/s ` +
        `(per frame: analyse driver ${rep.msPerFrame.analyse.toFixed(1)} ms, motion + render ${rep.msPerFrame.render.toFixed(1)} ms)`,
    );
  }

  // 3. Memory along a long clip (the driving clip looped).
  const long = path.join(dir, 'long.mp4');
  ffmpeg(
    '-stream_loop',
    String(Math.ceil(seconds / 10)),
    '-i',
    driving,
    '-t',
    String(seconds),
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '23',
    long,
  );
  await memoryAlong(portrait, long, path.join(dir, 'long-out.mp4'), `${seconds}-s clip`, {});

  // 4. The same with several faces: the portrait twice side by side, driven by two talkers side by side
  // (`--face all`, each face its own talker).
  const pair = path.join(dir, 'pair.png');
  await writeImage(pair, sideBySide(source, source));
  const two = path.join(dir, 'two.mp4');
  ffmpeg(
    ...['-stream_loop', String(Math.ceil(seconds / 10)), '-i', driving],
    ...['-stream_loop', String(Math.ceil(seconds / 8)), '-i', path.join(DATA, 'videos', 'lp_d11.mp4')],
    ...['-filter_complex', '[0:v][1:v]hstack=inputs=2,format=yuv420p', '-t', String(seconds), '-an'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', two],
  );
  await memoryAlong(pair, two, path.join(dir, 'two-out.mp4'), `${seconds}-s clip, two faces (--face all)`, {
    face: 'all',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
  analyzer.close();
}

/** Animates `portrait` by `clip`, printing the resident memory every 300 frames and its peak. */
async function memoryAlong(
  portrait: string,
  clip: string,
  out: string,
  what: string,
  options: { face?: 'all' },
): Promise<void> {
  const samples: { frame: number; rssMiB: number }[] = [];
  let peak = 0;
  const t0 = performance.now();
  const rep = await animate(portrait, clip, out, {
    ...options,
    analyzer,
    onProgress: ({ frame }) => {
      const rss = process.memoryUsage().rss / 2 ** 20;
      peak = Math.max(peak, rss);
      if (frame % 300 === 0) samples.push({ frame, rssMiB: rss });
    },
  });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${what}, ${rep.frames} frames in ${s.toFixed(1)} s (${(rep.frames / s).toFixed(1)} frames/s); RSS by frame: ${samples.map((x) => `${x.frame}: ${x.rssMiB.toFixed(0)} MiB`).join(', ')}; peak ${peak.toFixed(0)} MiB`,
  );
}

/** Two images of one height side by side. */
function sideBySide(a: RgbaImage, b: RgbaImage): RgbaImage {
  const width = a.width + b.width;
  const data = new Uint8ClampedArray(width * a.height * 4);
  for (let y = 0; y < a.height; y++) {
    data.set(a.data.subarray(y * a.width * 4, (y + 1) * a.width * 4), y * width * 4);
    data.set(b.data.subarray(y * b.width * 4, (y + 1) * b.width * 4), (y * width + a.width) * 4);
  }
  return { width, height: a.height, data };
}
