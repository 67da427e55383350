/**
 * Measures how deep a real blink looks to the landmark models. In every clip of ../shared/data the eye
 * aperture (eye aspect ratio, both eyes) is tracked; a clip's open level is its 80th percentile and its
 * deepest blink the minimum. Clips whose deepest dip is a clear blink (the aperture below 55% of the open
 * level) give the closure the models report for a closed eye; LID_CLOSURE_GAIN in src/motion/lid-transfer.ts is
 * one over their median, so a driver's full blink is transferred as a full blink.
 *
 *   npx tsx scripts/calibrate-blinks.ts [../shared/data] [max frames per clip, default 300]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { decodeVideo } from '../src/media/video.js';
import { readManifest } from '../src/dataset/manifest.js';

const data = path.resolve(process.argv[2] ?? '../shared/data');
const maxFrames = Number(process.argv[3] ?? 300);
const clips = readManifest(data)
  .filter((r) => r.kind === 'video')
  .map((r) => r.file);
const analyzer = await createFaceAnalyzer({ emotion: false });
const closures: number[] = [];
for (const clip of [...new Set(clips)]) {
  const tracker = analyzer.createTracker();
  const ear: number[] = [];
  for await (const frame of decodeVideo(path.join(data, clip), { maxFrames })) {
    const face = (await tracker.next(frame, { emotion: false })).faces[0];
    if (face) ear.push((face.eyes.left + face.eyes.right) / 2);
  }
  if (ear.length < 30) continue;
  const sorted = [...ear].sort((a, b) => a - b);
  const open = sorted[Math.floor(0.8 * (sorted.length - 1))]!;
  const deepest = sorted[0]!;
  const closure = 1 - deepest / open;
  const blink = deepest < 0.55 * open;
  if (blink) closures.push(closure);
  console.log(
    `${clip.padEnd(52)} open ${open.toFixed(3)} deepest ${deepest.toFixed(3)} closure ${closure.toFixed(2)}${blink ? ' blink' : ''}`,
  );
}
closures.sort((a, b) => a - b);
const median = closures[Math.floor((closures.length - 1) / 2)]!;
console.log(
  `${closures.length} clips with a blink: the models report a full blink as ${(median * 100).toFixed(0)}% closed (median; quartiles ${(closures[Math.floor(closures.length / 4)]! * 100).toFixed(0)}–${(closures[Math.floor((3 * closures.length) / 4)]! * 100).toFixed(0)}%), LID_CLOSURE_GAIN = ${(1 / median).toFixed(2)}`,
);
analyzer.close();
