/**
 * The look-at-it picture for docs/images/eyes.jpg: 8 portraits (rows) × the eyes as the portrait has them,
 * half closed (AU45 2.5), closed (AU45 5) with the open lid stretched down (no bank) and with a real closed
 * lid from the bank (the default), and opened wide (AU5 4 with the brows raised), each the eye region
 * of a 512-px face crop scaled into one cell; only these small crops of the portraits of ../shared/data
 * appear in the repository.
 *
 *   npx tsx scripts/make-eyes-image.ts [../shared/data] [-o docs/images/eyes.jpg]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { bothSides } from '../src/face/action-units.js';
import type { RgbaImage } from '../src/face/image.js';
import { createFaceEditor, type EditSpec } from '../src/expression/edit.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import { drawText, fillRect } from '../src/render/draw.js';
import { cropAroundFace, cropBox, resizeImage } from '../src/render/resize.js';
import { LM } from '../src/face/topology.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';

const args = process.argv.slice(2);
const oi = args.indexOf('-o');
const out = oi >= 0 ? args[oi + 1]! : 'docs/images/eyes.jpg';
const data = path.resolve(args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-o') ?? '../shared/data');
const PORTRAITS = [
  'skimage_astronaut.png',
  'human_stock-teen-6.jpg',
  'deepface_img35.jpg',
  'facerec_obama.jpg',
  'lp_s2.jpg',
  'lp_s6.jpg',
  'hallo_4.jpg',
  'sadtalker_art_14.png',
];
const STATES: { name: string; spec: EditSpec | undefined; stretched?: boolean }[] = [
  { name: 'SOURCE', spec: undefined },
  { name: 'HALF 45=2.5', spec: { aus: bothSides({ 45: 2.5 }) } },
  { name: 'CLOSED, LID STRETCHED', spec: { aus: bothSides({ 45: 5 }) }, stretched: true },
  { name: 'CLOSED 45=5 (REAL LID)', spec: { aus: bothSides({ 45: 5 }) } },
  { name: 'WIDE 5=4', spec: { aus: bothSides({ 5: 4, 1: 2, 2: 2 }) } },
];
const bank = await loadMouthBank();
const CW = 320;
const CH = 110;
const HEAD = 20;
const analyzer = await createFaceAnalyzer({ emotion: false });
const grid: RgbaImage = {
  width: STATES.length * CW,
  height: HEAD + PORTRAITS.length * CH,
  data: new Uint8ClampedArray(STATES.length * CW * (HEAD + PORTRAITS.length * CH) * 4),
};
fillRect(grid, 0, 0, grid.width, grid.height, [24, 24, 24]);
STATES.forEach((s, k) => drawText(grid, s.name, k * CW + 8, 6, 1, [240, 240, 240]));
function cell(img: RgbaImage, lm: Float32Array): RgbaImage {
  const ax = lm[3 * LM.rightEyeOuter]!,
    ay = lm[3 * LM.rightEyeOuter + 1]!;
  const bx = lm[3 * LM.leftEyeOuter]!,
    by = lm[3 * LM.leftEyeOuter + 1]!;
  const cx = (ax + bx) / 2,
    cy = (ay + by) / 2;
  const w = 1.5 * Math.hypot(bx - ax, by - ay),
    h = (w * CH) / CW;
  const x0 = Math.round(cx - w / 2),
    y0 = Math.round(cy - h / 2);
  const crop = cropBox(img, x0, y0, Math.round(w), Math.round(h));
  return resizeImage(crop, CW, CH);
}
for (const [r, file] of PORTRAITS.entries()) {
  const full = await readImage(path.join(data, 'images', file));
  const img = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, file).box, 512, 0.62);
  const face = pickFace(await analyzer.analyze(img), 0, file);
  const editor = createFaceEditor(img, face, undefined, { mouth: { bank } });
  const stretched = createFaceEditor(img, face, undefined, { mouth: { bank: { ...bank, closedEyes: undefined } } });
  STATES.forEach((s, k) => {
    const o = s.spec ? (s.stretched ? stretched : editor).edit(s.spec).image : img;
    const c = cell(o, face.landmarks);
    for (let y = 0; y < CH; y++)
      grid.data.set(c.data.subarray(y * CW * 4, (y + 1) * CW * 4), ((HEAD + r * CH + y) * grid.width + k * CW) * 4);
  });
  drawText(grid, file.toUpperCase(), 4, HEAD + r * CH + CH - 10, 1, [255, 255, 0]);
}
await writeImage(out, grid);
console.log(`wrote ${out}`);
analyzer.close();
