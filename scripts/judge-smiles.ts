/**
 * What the emotion judge reads on the edits of broad, toothy smiles (docs/expression.md): the core portraits
 * whose lips are apart and whose smile (AU12) is 3 or more — the ones emotion edits relax fully — edited to
 * each emotion that contradicts a smile (intensity 1, default options, as `vivify edit`), and judged by Human's
 * 7-class emotion model twice: as rendered, and with the mouth greyed out (the box of the outer lips found on
 * the edit, padded by half its size on each side), to see how much of the judge's "happy" the mouth carries.
 *
 *   npx tsx scripts/judge-smiles.ts [../shared/data]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { estimateAUs } from '../src/analysis/au-estimate.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { machine } from '../src/cli/machine.js';
import { readManifest } from '../src/dataset/manifest.js';
import type { EmotionName } from '../src/emotion/emotion.js';
import { createFaceEditor } from '../src/expression/edit.js';
import type { RgbaImage } from '../src/face/image.js';
import { LIPS_OUTER } from '../src/face/topology.js';
import { readImage } from '../src/media/image-file.js';
import { faceState } from '../src/motion/motion.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { ringBounds } from '../src/render/geometry.js';
import { cropAroundFace } from '../src/render/resize.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const core = readManifest(data)
  .filter((r) => r.kind === 'image' && r.category === 'core')
  .map((r) => path.basename(r.file));
const analyzer = await createFaceAnalyzer({ emotion: true, identity: false });
const bank = await loadMouthBank();
const CONTRADICT: EmotionName[] = ['sad', 'angry', 'fear', 'surprised', 'disgusted'];
/** A copy of `img` with the box around `lm`'s outer lips, padded by half its size, filled with mid grey. */
function mouthGreyed(img: RgbaImage, lm: Float32Array): RgbaImage {
  const { x0, y0, x1, y1 } = ringBounds(lm, 3, LIPS_OUTER);
  const pw = (x1 - x0) / 2;
  const ph = (y1 - y0) / 2;
  const data = Uint8ClampedArray.from(img.data);
  for (let y = Math.max(0, Math.round(y0 - ph)); y < Math.min(img.height, Math.round(y1 + ph)); y++)
    for (let x = Math.max(0, Math.round(x0 - pw)); x < Math.min(img.width, Math.round(x1 + pw)); x++)
      data.fill(128, 4 * (y * img.width + x), 4 * (y * img.width + x) + 3);
  return { ...img, data };
}
let apart = 0;
const smiles: string[] = [];
const happy: number[] = [];
const greyed: number[] = [];
for (const p of core) {
  const full = await readImage(path.join(data, 'images', p));
  const img = cropAroundFace(full, pickFace(await analyzer.analyze(full, { emotion: false }), 0, p).box);
  const face = pickFace(await analyzer.analyze(img), 0, p);
  const before = estimateAUs(faceState(face).canon);
  if (!before.lipsApart) continue;
  apart++;
  if (before.intensity[12] < 3) continue;
  smiles.push(p);
  const editor = createFaceEditor(img, face, undefined, { mouth: { bank } });
  const row: string[] = [];
  for (const e of CONTRADICT) {
    const out = editor.edit({ emotions: [{ name: e, intensity: 1 }] }).image;
    const judged = pickFace(await analyzer.analyze(out), 0, p);
    const g = pickFace(await analyzer.analyze(mouthGreyed(out, judged.landmarks)), 0, p);
    happy.push(judged.emotion!.happy);
    greyed.push(g.emotion!.happy);
    row.push(`${e} ${judged.emotion!.happy.toFixed(2)} / ${g.emotion!.happy.toFixed(2)}`);
  }
  console.log(`${p}: happy, as rendered / mouth greyed: ${row.join(', ')}`);
}
analyzer.close();
const range = (v: number[]): string => `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
console.log(
  `${machine()}: ${core.length} core portraits, ${apart} with their lips apart, ${smiles.length} of them broad smiles (AU12 ≥ 3). ` +
    `Their ${happy.length} edits to ${CONTRADICT.join(', ')}: judged happy ${range(happy)} ` +
    `(${happy.filter((v) => v >= 0.95).length} at 0.95 or more, above 0.5 on ${happy.filter((v) => v > 0.5).length}); ` +
    `mouth greyed ${range(greyed)}, lower on ${happy.filter((v, i) => greyed[i]! < v).length}.`,
);
