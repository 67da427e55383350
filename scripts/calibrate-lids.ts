/**
 * Measures how much of a rendered eyelid closure the landmark models report. For each portrait, the
 * renderer closes the eyes by known amounts; the analyzer then measures the rendered faces, and the ratio
 * true / measured closure is fitted. (LID_CLOSURE_GAIN in src/motion/lid-transfer.ts is calibrated on real blinks
 * instead, by scripts/calibrate-blinks.ts: the driver is a real face. This shows how much less closed a
 * rendered lid looks to the models than it is.)
 *
 *   npx tsx scripts/calibrate-lids.ts [../shared/data]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { eyeApertures } from '../src/face/measures.js';
import { readImage } from '../src/media/image-file.js';
import { faceState } from '../src/motion/motion.js';
import { closeLids } from '../src/face/lids.js';
import { createRenderer } from '../src/render/renderer.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const portraits = [
  'skimage_astronaut.png',
  'lp_s2.jpg',
  'facerec_obama.jpg',
  'deepface_img35.jpg',
  'human_stock-teen-6.jpg',
  'codeformer_Einstein01.png',
  'fomm_03.png',
  'dfl_000044.jpg',
];
const analyzer = await createFaceAnalyzer({ emotion: false });
const pairs: [number, number][] = [];
for (const p of portraits) {
  const img = await readImage(path.join(data, 'images', p));
  const face = (await analyzer.analyze(img))[0]!;
  const st = faceState(face);
  const renderer = createRenderer(img, st, face.landmarks);
  const base = (await analyzer.analyze(renderer.render({ target: st }).image))[0]!.eyes;
  const trueBase = eyeApertures(st.canon);
  const row: string[] = [];
  for (const c of [0.2, 0.4, 0.6, 0.8, 1]) {
    const canon = closeLids(st.canon, c, c);
    const out = (await analyzer.analyze(renderer.render({ target: { pose: st.pose, canon } }).image))[0];
    if (!out) continue;
    const t = eyeApertures(canon);
    for (const side of ['left', 'right'] as const) {
      const measured = 1 - out.eyes[side] / base[side];
      const real = 1 - t[side] / trueBase[side];
      pairs.push([measured, real]);
    }
    row.push(`${c}: ${(1 - out.eyes.left / base.left).toFixed(2)}/${(1 - out.eyes.right / base.right).toFixed(2)}`);
  }
  console.log(p.padEnd(28), 'measured closure at true closure', row.join('  '));
}
// Least-squares slope through the origin over the range where the response is still linear (measured < 0.45).
const lin = pairs.filter(([m]) => m > 0.02 && m < 0.45);
const k = lin.reduce((s, [m, r]) => s + m * r, 0) / lin.reduce((s, [m]) => s + m * m, 0);
console.log(
  `${pairs.length} measurements; true/measured closure gain k = ${k.toFixed(2)} (fit on ${lin.length} in the linear range)`,
);
analyzer.close();
