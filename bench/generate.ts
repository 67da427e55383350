/**
 * `vivify generate` speed: 10 s of generated motion (an emotion episode; idle) rendered on the 512×512
 * portrait into H.264, end to end — model loading, the portrait's analysis, sampling and encoding
 * included. Bar: ≥ 30 frames/s on this machine. Also times sampling alone.
 *
 *   npm run bench:generate
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateVideo, loadShippedMotionModels } from '../src/expression/node/generate-video.js';
import { generateMotion } from '../src/generate/generate.js';
import { ASTRONAUT } from '../test/helpers.js';
import { machine, stats } from './machine.js';

console.log(`machine: ${machine()}`);
const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-'));
try {
  for (const label of ['happy', 'idle'] as const) {
    const t0 = performance.now();
    const r = await generateVideo(ASTRONAUT, path.join(dir, `${label}.mp4`), { label, durationS: 10, fps: 30 });
    const s = (performance.now() - t0) / 1000;
    console.log(
      `generate ${label}, 10 s at 30 fps on a 512x512 portrait: ${r.frames} frames in ${s.toFixed(2)} s = ${(r.frames / s).toFixed(1)} frames/s end to end ` +
        `(model loading, face analysis, sampling, rendering, H.264); after the analysis ${r.msPerFrame.toFixed(1)} ms/frame = ${(1000 / r.msPerFrame).toFixed(0)} frames/s`,
    );
  }
  const models = await loadShippedMotionModels();
  const ms: number[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    const t0 = performance.now();
    generateMotion(models, { label: 'surprised', seed, durationS: 10, fps: 30 });
    ms.push(performance.now() - t0);
  }
  const st = stats(ms);
  console.log(`sampling alone, 10 s at 30 fps: ${st.median.toFixed(1)} ms (median of 10; p90 ${st.p90.toFixed(1)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
