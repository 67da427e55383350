/**
 * AU estimation speed (estimateAUs, run once per driving frame by `animate` for the learned appearance) on
 * real faces: the first 30 portraits of ../shared/data/images, each estimated from the average face and
 * against another portrait as its neutral reference.
 *
 *   node --import tsx bench/au-estimate.ts      (needs ../shared/data)
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { estimateAUs } from '../src/analysis/au-estimate.js';
import { readImage } from '../src/media/image-file.js';
import { faceState } from '../src/motion/motion.js';
import { DATA } from '../test/helpers.js';
import { machine, stats } from './machine.js';

const dir = path.join(DATA, 'images');
const analyzer = await createFaceAnalyzer({ emotion: false });
const canons: Float32Array[] = [];
for (const f of readdirSync(dir)
  .filter((f) => /\.(png|jpe?g)$/i.test(f))
  .sort()
  .slice(0, 30)) {
  const face = (await analyzer.analyze(await readImage(path.join(dir, f))))[0];
  if (face) canons.push(faceState(face).canon);
}
analyzer.close();
estimateAUs(canons[0]!); // builds the fields and their Gram matrix once
const ms: number[] = [];
for (let round = 0; round < 3; round++) {
  canons.forEach((c, i) => {
    for (const neutral of [undefined, canons[(i + 1) % canons.length]]) {
      const t = performance.now();
      estimateAUs(c, neutral);
      ms.push(performance.now() - t);
    }
  });
}
const s = stats(ms);
console.log(`machine: ${machine()}`);
console.log(
  `estimateAUs on ${canons.length} real faces, ${ms.length} estimates: median ${s.median.toFixed(2)} ms, mean ${s.mean.toFixed(2)}, p90 ${s.p90.toFixed(2)}`,
);
