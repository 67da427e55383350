/**
 * The look-at-it grid for docs/images/emotions-grid.png: 8 portraits (photos, a painting, a grey photo, a
 * bearded and an older face; rows) × the source and the 8 emotions at intensity 1 (columns), then two strips
 * of intensities 0 → 1 (happy and sad on two of the portraits). Default options throughout (relative edits,
 * appearance on). Each cell is a crop around the face, at thumbnail size (150 px by default): the real
 * portraits of ../shared/data appear in the repository only this small, and the file stays under 2 MiB.
 *
 *   npx tsx scripts/make-emotions-grid.ts [../shared/data] [-o docs/images/emotions-grid.png] [--cell 150]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pickFace } from '../src/analysis/pick-face.js';
import type { RgbaImage } from '../src/face/image.js';
import { createFaceEditor, type FaceEditor } from '../src/expression/edit.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { EMOTION_NAMES } from '../src/emotion/emotion.js';
import { drawText, fillRect } from '../src/render/draw.js';
import { cropAroundFace, resizeImage } from '../src/render/resize.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const data = path.resolve(args.find((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('-')) ?? '../shared/data');
const output = opt('-o') ?? 'docs/images/emotions-grid.png';
const CELL = Number(opt('--cell') ?? 150);

export const GRID_PORTRAITS: { file: string; label: string }[] = [
  { file: 'human_stock-teen-6.jpg', label: 'PHOTO' },
  { file: 'deepface_img35.jpg', label: 'PHOTO' },
  { file: 'facerec_obama.jpg', label: 'PHOTO, SMILING' },
  { file: 'dfl_000044.jpg', label: 'PHOTO' },
  { file: 'sadtalker_art_14.png', label: 'PAINTING' },
  { file: 'lp_s2.jpg', label: 'GREY PHOTO' },
  { file: 'deepface_img24.jpg', label: 'BEARD' },
  { file: 'dfl_000068.jpg', label: 'OLDER' },
];
const STRIPS: { portrait: number; emotion: (typeof EMOTION_NAMES)[number] }[] = [
  { portrait: 0, emotion: 'happy' },
  { portrait: 1, emotion: 'sad' },
];
const STEPS = [0, 0.2, 0.4, 0.6, 0.8, 1];

const analyzer = await createFaceAnalyzer({ emotion: false });
const cols = 1 + EMOTION_NAMES.length;
const head = 22;
const rows = GRID_PORTRAITS.length + STRIPS.length;
const grid: RgbaImage = {
  width: cols * CELL,
  height: head + rows * CELL + 8,
  data: new Uint8ClampedArray(cols * CELL * (head + rows * CELL + 8) * 4),
};
fillRect(grid, 0, 0, grid.width, grid.height, [24, 24, 24]);
['SOURCE', ...EMOTION_NAMES.map((e) => e.toUpperCase())].forEach((t, c) =>
  drawText(grid, t, c * CELL + 6, 6, 2, [240, 240, 240]),
);
const put = (img: RgbaImage, row: number, col: number, label?: string): void => {
  const small = resizeImage(img, CELL, CELL);
  const oy = head + row * CELL + (row >= GRID_PORTRAITS.length ? 8 : 0);
  for (let y = 0; y < CELL; y++)
    grid.data.set(small.data.subarray(y * CELL * 4, (y + 1) * CELL * 4), ((oy + y) * grid.width + col * CELL) * 4);
  if (label) drawText(grid, label, col * CELL + 4, oy + CELL - 12, 1, [255, 255, 0]);
};

/** Opening mouths come from the bank of real mouths, as in `vivify edit` by default. */
const bank = await loadMouthBank();
const editors: FaceEditor[] = [];
for (const [r, p] of GRID_PORTRAITS.entries()) {
  const full = await readImage(path.join(data, 'images', p.file));
  // A tight crop around the face: what the cells show.
  const img = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, p.file).box, 512, 0.62);
  const editor = createFaceEditor(img, pickFace(await analyzer.analyze(img), 0, p.file), undefined, {
    mouth: { bank },
  });
  editors.push(editor);
  put(img, r, 0, p.label);
  EMOTION_NAMES.forEach((e, c) => put(editor.edit({ emotions: [{ name: e, intensity: 1 }] }).image, r, c + 1));
  console.log(`${p.file} done`);
}
// Intensity strips: the source column holds the emotion's name.
for (const [k, s] of STRIPS.entries()) {
  const row = GRID_PORTRAITS.length + k;
  const oy = head + row * CELL + 8;
  fillRect(grid, 0, oy, CELL, CELL, [24, 24, 24]);
  drawText(grid, s.emotion.toUpperCase(), 8, oy + CELL / 2 - 16, 2, [240, 240, 240]);
  drawText(grid, '0 TO 1', 8, oy + CELL / 2 + 4, 2, [240, 240, 240]);
  STEPS.forEach((t, c) => {
    const out = editors[s.portrait]!.edit({ emotions: [{ name: s.emotion, intensity: t }] }).image;
    put(out, row, c + 1, t.toFixed(1));
  });
}
await writeImage(output, grid);
console.log(`wrote ${output}`);
analyzer.close();
