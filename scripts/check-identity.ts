/**
 * Renders every portrait of the data folder at its own pose and shape (an edit with every setting at 0) and
 * reports how far the result is from the portrait: the number of pixels off by more than 10 levels and the
 * largest difference, per portrait and overall. The renderer should give the portrait back exactly.
 *
 *   npx tsx scripts/check-identity.ts [../shared/data]
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { createFaceEditor } from '../src/expression/edit.js';
import { readImage } from '../src/media/image-file.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const dir = path.join(data, 'images');
const analyzer = await createFaceAnalyzer({ emotion: false });
let portraits = 0;
let exact = 0;
let worst = 0;
for (const name of readdirSync(dir).sort()) {
  if (!/\.(png|jpe?g)$/i.test(name)) continue;
  const img = await readImage(path.join(dir, name));
  const face = (await analyzer.analyze(img))[0];
  if (!face) {
    console.log(`${name}\tno face`);
    continue;
  }
  const out = createFaceEditor(img, face).edit({}).image;
  let off = 0;
  let max = 0;
  for (let p = 0; p < img.data.length; p += 4) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(out.data[p + c]! - img.data[p + c]!));
    if (d > 10) off++;
    if (d > max) max = d;
  }
  portraits++;
  if (max === 0) exact++;
  worst = Math.max(worst, max);
  console.log(`${name}\t${off} px off by more than 10 levels\tlargest difference ${max}`);
}
console.log(`${exact} of ${portraits} portraits with a face given back exactly; largest difference ${worst}`);
analyzer.close();
