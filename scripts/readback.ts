/**
 * Where following is lost between the driver and the measured result: for each portrait ← clip pair, the
 * driver's mouth opening (or eye aperture, `--eyes`) as analysed, the target shape the renderer was asked
 * for, and the rendered result analysed again — with the correlations between the three (the suite's mouth
 * and eye r is driver ↔ result). Default reenactment options; portraits and clips from ../shared/data.
 *
 *   npx tsx scripts/readback.ts facerec_obama.jpg:lp_d12.mp4 [more pairs] [--eyes] [--frames 150] [--series]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pickFace } from '../src/analysis/pick-face.js';
import { machine } from '../src/cli/machine.js';
import { eyeApertures, mouthAperture } from '../src/face/measures.js';
import { pearson } from '../src/face/stats.js';
import { readImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import { loadMouthBank } from '../src/reenact/node/mouth-bank-file.js';
import { createReenactor, driveReenactor } from '../src/reenact/reenactor.js';

const { values: args, positionals: pairs } = parseArgs({
  allowPositionals: true,
  options: {
    eyes: { type: 'boolean', default: false },
    frames: { type: 'string', default: '150' },
    series: { type: 'boolean', default: false },
    data: { type: 'string', default: '../shared/data' },
  },
});
if (pairs.length === 0) throw new Error('usage: readback.ts portrait:clip … [--eyes] [--frames n] [--series]');
const analyzer = await createFaceAnalyzer({ emotion: false });
const bank = await loadMouthBank();
const measure = args.eyes ? 'eye aperture' : 'mouth opening';
console.log(`${machine()}: ${measure}, first ${args.frames} frames, default options`);
for (const pair of pairs) {
  const [portrait, clip] = pair.split(':');
  const image = await readImage(path.join(args.data!, 'images', portrait!));
  const reenactor = createReenactor(image, pickFace(await analyzer.analyze(image), 0, portrait!), {
    mouth: { bank },
  });
  const frames = decodeVideo(path.join(args.data!, 'videos', clip!), { maxFrames: Number(args.frames) });
  const result = analyzer.createTracker();
  const driver: number[] = [];
  const target: number[] = [];
  const read: number[] = [];
  for await (const out of driveReenactor(frames, analyzer.createTracker(), reenactor)) {
    const again = (await result.next(out.image, { emotion: false })).faces[0];
    if (!out.face || !out.target || !again) continue;
    if (args.eyes) {
      const e = eyeApertures(out.target.canon);
      driver.push((out.face.eyes.left + out.face.eyes.right) / 2);
      target.push((e.left + e.right) / 2);
      read.push((again.eyes.left + again.eyes.right) / 2);
    } else {
      driver.push(out.face.mouth.open);
      target.push(mouthAperture(out.target.canon).open);
      read.push(again.mouth.open);
    }
  }
  const r = (a: number[], b: number[]): string => pearson(a, b).toFixed(3);
  const range = (v: number[]): string => `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
  console.log(
    `${portrait} ← ${clip} (${driver.length} frames): r driver↔target ${r(driver, target)}, driver↔result ${r(driver, read)}, target↔result ${r(target, read)}; ` +
      `driver ${range(driver)}, target ${range(target)}, result ${range(read)}`,
  );
  if (args.series)
    for (const [name, v] of [
      ['driver', driver],
      ['target', target],
      ['result', read],
    ] as const)
      console.log(`  ${name} ${v.map((x) => x.toFixed(2)).join(' ')}`);
}
analyzer.close();
