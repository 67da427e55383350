/**
 * How closed a closed eye reads: each portrait is edited with AU45 = 5 (the lids closed) twice, with the open
 * lid stretched down over the eye (no bank) and with a real closed lid from the bank (the default), and the
 * face tracker measures the result's eye opening (area over the squared corner-to-corner width, both eyes'
 * mean) as a share of the portrait's own. A closed eye that reads closed measures near 0; one that reads as a
 * squint or a slit keeps more. Prints a Markdown table and writes it with the figures to
 * docs/results/closed-eyes.md and .json.
 *
 *   npm run eval:closed-eyes [-- ../shared/data]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { bothSides } from '../src/face/action-units.js';
import { LEFT_EYE_OPENING, RIGHT_EYE_OPENING } from '../src/face/topology.js';
import { createFaceEditor } from '../src/expression/edit.js';
import { writeAtomically } from '../src/media/atomic.js';
import { readImage } from '../src/media/image-file.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { eyeAxes } from '../src/render/eye-bank.js';
import { polygonArea } from '../src/render/geometry.js';
import { cropAroundFace } from '../src/render/resize.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
/** Portraits of the data with both eyes open: photographs, greyscale photos, a painting, made-up eyes. */
const PORTRAITS = [
  'skimage_astronaut.png',
  'facerec_obama.jpg',
  'human_person-lexi.jpg',
  'human_person-linda.jpg',
  'deepface_img35.jpg',
  'hallo_4.jpg',
  'lp_s0.jpg',
  'lp_s1.jpg',
  'lp_s2.jpg',
  'human_stock-teen-6.jpg',
  'codeformer_0478.png',
  'sadtalker_art_14.png',
];

const bank = await loadMouthBank();
const stretched = { ...bank, closedEyes: undefined };
const analyzer = await createFaceAnalyzer({ emotion: false });
const opening = (lm: Float32Array): number =>
  (polygonArea(lm, 3, RIGHT_EYE_OPENING) / eyeAxes(lm, 'right').w ** 2 +
    polygonArea(lm, 3, LEFT_EYE_OPENING) / eyeAxes(lm, 'left').w ** 2) /
  2;
const rows: { portrait: string; stretched: number | null; real: number | null }[] = [];
for (const file of PORTRAITS) {
  const full = await readImage(path.join(data, 'images', file));
  const img = cropAroundFace(full, pickFace(await analyzer.analyze(full), 0, file).box, 512, 0.62);
  const face = pickFace(await analyzer.analyze(img), 0, file);
  const own = opening(face.landmarks);
  const measure = async (b: typeof bank): Promise<number | null> => {
    const out = createFaceEditor(img, face, undefined, { mouth: { bank: b } }).edit({ aus: bothSides({ 45: 5 }) });
    const found = (await analyzer.analyze(out.image))[0];
    return found ? opening(found.landmarks) / own : null;
  };
  const row = { portrait: file, stretched: await measure(stretched), real: await measure(bank) };
  rows.push(row);
  console.log(`${file}: ${row.stretched?.toFixed(3) ?? 'no face'} → ${row.real?.toFixed(3) ?? 'no face'}`);
}
analyzer.close();

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const valid = rows.filter((r) => r.stretched !== null && r.real !== null) as {
  portrait: string;
  stretched: number;
  real: number;
}[];
const summary = {
  portraits: rows.length,
  medianStretched: median(valid.map((r) => r.stretched)),
  medianReal: median(valid.map((r) => r.real)),
  worstStretched: Math.max(...valid.map((r) => r.stretched)),
  worstReal: Math.max(...valid.map((r) => r.real)),
  realMoreClosed: valid.filter((r) => r.real < r.stretched).length,
};
const f = (v: number | null): string => (v === null ? 'no face' : v.toFixed(3));
const md = [
  '# Closed eyes: stretched lid against a real closed lid',
  '',
  'Each portrait edited with AU45 = 5; the tracker’s eye opening of the result as a share of the portrait’s own',
  '(both eyes’ mean; 0 reads fully closed). `npm run eval:closed-eyes`; see docs/images/eyes.jpg for the pictures.',
  '',
  '| portrait | lid stretched | real closed lid |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.portrait} | ${f(r.stretched)} | ${f(r.real)} |`),
  `| **median** | **${summary.medianStretched.toFixed(3)}** | **${summary.medianReal.toFixed(3)}** |`,
  `| worst | ${summary.worstStretched.toFixed(3)} | ${summary.worstReal.toFixed(3)} |`,
  '',
  `The real closed lid reads more closed on ${summary.realMoreClosed} of ${valid.length} portraits.`,
  '',
].join('\n');
console.log(`\n${md}`);
await fs.mkdir('docs/results', { recursive: true });
await writeAtomically('docs/results/closed-eyes.md', (tmp) => fs.writeFile(tmp, md));
await writeAtomically('docs/results/closed-eyes.json', (tmp) =>
  fs.writeFile(tmp, `${JSON.stringify({ summary, rows }, null, 2)}\n`),
);
