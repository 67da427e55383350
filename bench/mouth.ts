/**
 * What the bank of real mouths costs the renderer: per portrait × driver pair, the same targets rendered with
 * the drawn interior and with the bank (the driver's own mouth a candidate, as in `animate`), interleaved
 * frame by frame in one process so that a busy machine slows both alike. Prints the median render time of
 * each and their ratio per pair, then the median and worst ratio over the pairs; first, what reading the
 * shipped bank costs once per run (JSON and JPEG read, decoded and checked; median of 5).
 *
 *   npm run bench:mouth     (needs ../shared/data)
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { readImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import { DEFAULT_RETARGET, faceState, retarget, type FaceState } from '../src/motion/motion.js';
import { ASSETS_DIR, loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { createRenderer } from '../src/render/renderer.js';
import { fitSize, resizeImage } from '../src/render/resize.js';
import { DATA } from '../test/helpers.js';
import { machine, stats } from './machine.js';

const PORTRAITS = ['skimage_astronaut.png', 'deepface_img35.jpg', 'human_stock-teen-6.jpg'];
const DRIVERS = ['lp_d0.mp4', 'lp_d3.mp4'];
const FRAMES = 120;

console.log(`machine: ${machine()}`);
// A folder given explicitly is read afresh each time (the shipped bank is otherwise read once per process).
const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await loadMouthBank(ASSETS_DIR);
  loads.push(performance.now() - t0);
}
console.log(`reading the bank: ${stats(loads).median.toFixed(0)} ms (median of 5)`);
const analyzer = await createFaceAnalyzer({ emotion: false });
const bank = await loadMouthBank();
const ratios: number[] = [];
for (const p of PORTRAITS) {
  let source = await readImage(path.join(DATA, 'images', p));
  const s = fitSize(source.width, source.height, 512);
  source = resizeImage(source, s.width, s.height);
  const sf = (await analyzer.analyze(source))[0]!;
  const ss = faceState(sf);
  for (const d of DRIVERS) {
    const tracker = analyzer.createTracker();
    const targets: { target: FaceState; driver: { image: typeof source; landmarks: Float32Array } }[] = [];
    let ref: FaceState | undefined;
    for await (const f of decodeVideo(path.join(DATA, 'videos', d), { maxFrames: FRAMES })) {
      const face = (await tracker.next(f, { emotion: false })).faces[0];
      if (!face) continue;
      const st = faceState(face);
      ref ??= st;
      targets.push({
        target: retarget(ss, ref, st, DEFAULT_RETARGET),
        driver: { image: f, landmarks: face.landmarks },
      });
    }
    const drawn = createRenderer(source, ss, sf.landmarks);
    const real = createRenderer(source, ss, sf.landmarks, { mouth: { bank } });
    const ms = { drawn: [] as number[], bank: [] as number[] };
    const kinds: Record<string, number> = {};
    for (const [i, t] of targets.entries()) {
      for (const [k, r] of [
        ['drawn', drawn],
        ['bank', real],
      ] as const) {
        const t0 = performance.now();
        const out = r.render(t);
        ms[k].push(performance.now() - t0);
        if (k === 'bank' && i >= 0) kinds[out.mouth] = (kinds[out.mouth] ?? 0) + 1;
      }
    }
    const a = stats(ms.drawn).median;
    const b = stats(ms.bank).median;
    ratios.push(b / a);
    console.log(
      `${p} ← ${d} (${source.width}x${source.height}, ${targets.length} frames; mouth ${Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}): drawn ${a.toFixed(2)} ms, bank ${b.toFixed(2)} ms, ×${(b / a).toFixed(3)}`,
    );
  }
}
ratios.sort((x, y) => x - y);
console.log(
  `render time with the bank over drawn: median ×${ratios[ratios.length >> 1]!.toFixed(3)}, worst ×${ratios.at(-1)!.toFixed(3)} (${ratios.length} pairs)`,
);
analyzer.close();
