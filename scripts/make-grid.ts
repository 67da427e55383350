/**
 * The look-at-it grid for docs/images/reenact-grid.png: 6 portraits (rows) reenacted by 3 driving clips
 * (columns), each at the driving frame with the widest mouth, the deepest blink or the largest head turn.
 * The top row shows those driving frames. Default options throughout.
 *
 *   npx tsx scripts/make-grid.ts [../shared/data]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import type { FaceResult } from '../src/face/types.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import type { RgbaImage } from '../src/face/image.js';
import { decodeVideo } from '../src/media/video.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { createReenactor } from '../src/reenact/reenactor.js';
import { drawText, fillRect } from '../src/render/draw.js';
import { cropAroundFace, resizeImage } from '../src/render/resize.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const portraits = [
  'skimage_astronaut.png',
  'facerec_obama.jpg',
  'lp_s2.jpg',
  'human_stock-teen-6.jpg',
  'codeformer_Einstein01.png',
  'dfl_000044.jpg',
];
const drivers: { file: string; label: string; score: (f: FaceResult) => number }[] = [
  { file: 'lp_d0.mp4', label: 'WIDE MOUTH', score: (f) => f.mouth.open },
  { file: 'lp_d3.mp4', label: 'BLINK', score: (f) => -(f.eyes.left + f.eyes.right) },
  { file: 'lp_d9.mp4', label: 'HEAD TURN', score: (f) => Math.abs(f.pose.yawDeg) },
];
const CELL = 192;
const analyzer = await createFaceAnalyzer({ emotion: false });

// Pick each driver's frame.
const picks: { index: number; frame: RgbaImage }[] = [];
for (const d of drivers) {
  const tracker = analyzer.createTracker();
  let best = { index: 0, score: -Infinity, frame: undefined as RgbaImage | undefined };
  for await (const f of decodeVideo(path.join(data, 'videos', d.file), { maxFrames: 300 })) {
    const face = (await tracker.next(f, { emotion: false })).faces[0];
    if (face && d.score(face) > best.score) best = { index: f.index, score: d.score(face), frame: f };
  }
  picks.push({ index: best.index, frame: best.frame! });
  console.log(`${d.file}: frame ${best.index}`);
}

const grid: RgbaImage = {
  width: CELL * 4,
  height: CELL * (portraits.length + 1),
  data: new Uint8ClampedArray(CELL * 4 * CELL * (portraits.length + 1) * 4),
};
const paste = (img: RgbaImage, col: number, row: number): void => {
  const s = resizeImage(img, CELL, CELL);
  for (let y = 0; y < CELL; y++)
    grid.data.set(s.data.subarray(y * CELL * 4, (y + 1) * CELL * 4), ((row * CELL + y) * grid.width + col * CELL) * 4);
};
drivers.forEach((d, i) => {
  const f = picks[i]!.frame;
  const side = Math.min(f.width, f.height);
  paste(resizeImage(f, Math.round((f.width * CELL) / side), Math.round((f.height * CELL) / side)), i + 1, 0);
});
for (const [row, p] of portraits.entries()) {
  const full = await readImage(path.join(data, 'images', p));
  const source = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, p).box);
  const sf = pickFace(await analyzer.analyze(source), 0, p);
  paste(source, 0, row + 1);
  for (const [col, d] of drivers.entries()) {
    const re = createReenactor(source, sf);
    const tracker = analyzer.createTracker();
    let result: RgbaImage | undefined;
    const take = (rs: ReturnType<typeof re.push>): void => {
      for (const r of rs) if (r.frame.index === picks[col]!.index) result = r.image;
    };
    for await (const f of decodeVideo(path.join(data, 'videos', d.file), { maxFrames: picks[col]!.index + 5 })) {
      take(re.push(f, (await tracker.next(f, { emotion: false })).faces[0]));
    }
    take(re.flush());
    paste(result!, col + 1, row + 1);
  }
  console.log(`${p} done`);
}
const label = (text: string, col: number, row: number): void => {
  fillRect(grid, col * CELL, row * CELL, 6 * 2 * text.length + 6, 20, [0, 0, 0], 0.6);
  drawText(grid, text, col * CELL + 4, row * CELL + 3, 2, [255, 255, 255]);
};
label('DRIVER', 0, 0);
label('SOURCE', 0, 1);
drivers.forEach((d, i) => label(d.label, i + 1, 0));
await writeImage(new URL('../docs/images/reenact-grid.png', import.meta.url).pathname, grid);
analyzer.close();
