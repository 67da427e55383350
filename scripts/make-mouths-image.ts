/**
 * The look-at-it picture for docs/images/mouths.png: 6 portraits (rows) × 4 mouths — closed (the portrait
 * itself), talking, a wide smile and a shout — each with the drawn interior and with the bank of real mouths
 * side by side (columns). Each cell is the mouth region of a 512-px face crop (the face about 300 px wide),
 * shown at 1.5× so teeth can be seen; only these small crops of the portraits of ../shared/data appear in
 * the repository.
 *
 *   npx tsx scripts/make-mouths-image.ts [../shared/data] [-o docs/images/mouths.png]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { bothSides } from '../src/face/action-units.js';
import type { RgbaImage } from '../src/face/image.js';
import { LIPS_OUTER } from '../src/face/topology.js';
import { createFaceEditor, type EditSpec } from '../src/expression/edit.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { drawText, fillRect } from '../src/render/draw.js';
import { cropAroundFace, cropBox, resizeImage } from '../src/render/resize.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const data = path.resolve(args.find((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('-')) ?? '../shared/data');
const output = opt('-o') ?? 'docs/images/mouths.png';

const PORTRAITS = [
  'skimage_astronaut.png',
  'human_stock-teen-6.jpg',
  'deepface_img35.jpg',
  'facerec_obama.jpg',
  'lp_s2.jpg',
  'lp_s6.jpg',
];
const STATES: { name: string; spec: EditSpec | undefined }[] = [
  { name: 'CLOSED', spec: undefined },
  { name: 'TALKING', spec: { aus: bothSides({ 25: 2, 26: 2.5 }) } },
  { name: 'WIDE SMILE', spec: { aus: bothSides({ 6: 3, 12: 4.5, 25: 3, 26: 1 }) } },
  { name: 'SHOUT', spec: { aus: bothSides({ 10: 2, 20: 1.5, 25: 4, 26: 5 }) } },
];
const CW = 210;
const CH = 150;
const HEAD = 40;

const analyzer = await createFaceAnalyzer({ emotion: false });
const bank = await loadMouthBank();
const cols = 2 * STATES.length;
const grid: RgbaImage = {
  width: cols * CW,
  height: HEAD + PORTRAITS.length * CH,
  data: new Uint8ClampedArray(cols * CW * (HEAD + PORTRAITS.length * CH) * 4),
};
fillRect(grid, 0, 0, grid.width, grid.height, [24, 24, 24]);
STATES.forEach((s, k) => {
  drawText(grid, s.name, 2 * k * CW + 8, 6, 2, [240, 240, 240]);
  drawText(grid, 'DRAWN', 2 * k * CW + 8, 24, 1, [200, 200, 200]);
  drawText(grid, 'REAL MOUTHS', (2 * k + 1) * CW + 8, 24, 1, [120, 230, 120]);
});

/** The mouth region of `img` around the portrait's lips, scaled into one cell. */
function mouthCell(img: RgbaImage, lm: Float32Array): RgbaImage {
  const xs = LIPS_OUTER.map((i) => lm[3 * i]!);
  const ys = LIPS_OUTER.map((i) => lm[3 * i + 1]!);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2 + 0.1 * (Math.max(...xs) - Math.min(...xs));
  const w = 2 * (Math.max(...xs) - Math.min(...xs));
  const h = (w * CH) / CW;
  const x0 = Math.round(cx - w / 2);
  const y0 = Math.round(cy - h / 2);
  const crop = cropBox(img, x0, y0, Math.round(w), Math.round(h));
  return resizeImage(crop, CW, CH);
}

for (const [r, file] of PORTRAITS.entries()) {
  const full = await readImage(path.join(data, 'images', file));
  const img = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, file).box, 512, 0.62);
  const face = pickFace(await analyzer.analyze(img), 0, file);
  const drawn = createFaceEditor(img, face);
  const real = createFaceEditor(img, face, undefined, { mouth: { bank } });
  STATES.forEach((s, k) => {
    for (const [j, editor] of [drawn, real].entries()) {
      const out = s.spec ? editor.edit(s.spec).image : img;
      const cell = mouthCell(out, face.landmarks);
      const ox = (2 * k + j) * CW;
      const oy = HEAD + r * CH;
      for (let y = 0; y < CH; y++)
        grid.data.set(cell.data.subarray(y * CW * 4, (y + 1) * CW * 4), ((oy + y) * grid.width + ox) * 4);
    }
  });
  drawText(grid, file.replace(/\.\w+$/, '').toUpperCase(), 6, HEAD + r * CH + CH - 12, 1, [255, 255, 0]);
  console.log(`${file} done`);
}
await writeImage(output, grid);
console.log(`wrote ${output}`);
analyzer.close();
