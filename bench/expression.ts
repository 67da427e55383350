/**
 * `vivify script` speed: a 10-second timeline (emotions, AUs, head turns, gaze, blinks) rendered on the
 * 512×512 portrait into H.264, end to end. Bar: ≥ 30 frames/s on this machine.
 *
 *   npm run bench:expression
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderScript } from '../src/expression/script.js';
import { ASTRONAUT } from '../test/helpers.js';
import { machine } from './machine.js';

const TIMELINE = `# a 10-second story
duration 10s
fps 30
at 0s neutral
at 1.5s happy 0.8, pose yaw 12 pitch -4
at 3s surprised 1, gaze up
at 4.5s au 12=2 6=1, pose yaw -10, gaze left
at 6s sad 0.7, pose pitch 6
at 7.5s angry 0.8, gaze center
at 9s neutral, pose yaw 0 pitch 0
`;

console.log(`machine: ${machine()}`);
const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-'));
try {
  const t0 = performance.now();
  const r = await renderScript(ASTRONAUT, TIMELINE, path.join(dir, 'out.mp4'));
  const s = (performance.now() - t0) / 1000;
  console.log(
    `script, 10-s timeline on a 512x512 portrait: ${r.frames} frames in ${s.toFixed(2)} s = ${(r.frames / s).toFixed(1)} frames/s end to end ` +
      `(including model loading and face analysis of the portrait); render loop ${r.msPerFrame.toFixed(1)} ms/frame = ${(1000 / r.msPerFrame).toFixed(0)} frames/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
