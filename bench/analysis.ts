/**
 * Face-analysis speed: ms per still image (with and without the identity embedding) and ms per frame
 * for tracked video analysis at 512×512, on one core (tfjs WebAssembly backend, SIMD, one thread).
 *
 *   npm run bench            (needs ../shared/data for the video; falls back to a clip made from the astronaut)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { readImage } from '../src/media/image-file.js';
import type { RgbaImage } from '../src/face/image.js';
import { decodeVideo } from '../src/media/video.js';
import { ASTRONAUT, DATA } from '../test/helpers.js';
import { machine, stats } from './machine.js';

const fmt = (v: number): string => v.toFixed(1);
console.log(`machine: ${machine()}`);

const analyzer = await createFaceAnalyzer();
const stills = [
  ASTRONAUT,
  ...['fomm_03.png', 'lp_d9.jpg', 'facerec_obama.jpg'].map((f) => path.join(DATA, 'images', f)).filter(existsSync),
];
const images: [string, RgbaImage][] = [];
for (const f of stills) images.push([path.basename(f), await readImage(f)]);

for (const identity of [false, true]) {
  for (const [name, img] of images) {
    await analyzer.analyze(img, { identity }); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await analyzer.analyze(img, { identity });
      ms.push(performance.now() - t);
    }
    console.log(
      `still ${identity ? 'with   ' : 'without'} identity  ${name} ${img.width}x${img.height}: ${fmt(stats(ms).median)} ms/image (median of 5)`,
    );
  }
}

const clip = path.join(DATA, 'videos', 'lp_d3.mp4'); // 512×512, head turns and expressions
if (existsSync(clip)) {
  for (const emotion of [true, false]) {
    const tracker = analyzer.createTracker();
    const ms: number[] = [];
    for await (const frame of decodeVideo(clip, { maxFrames: 200 })) {
      const t = performance.now();
      await tracker.next(frame, { emotion });
      ms.push(performance.now() - t);
    }
    const s = stats(ms.slice(1));
    console.log(
      `tracked video 512x512 (${path.basename(clip)}, ${ms.length} frames, emotion ${emotion ? 'on' : 'off'}): ` +
        `median ${fmt(s.median)} ms/frame, mean ${fmt(s.mean)}, p90 ${fmt(s.p90)}; detector ran ${tracker.detections}x`,
    );
  }
} else {
  console.log(`tracked video: skipped (${clip} not found)`);
}
analyzer.close();
