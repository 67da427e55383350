/**
 * Expression speed:
 * - `vivify edit` on a 1024×1024 portrait (the astronaut scaled up), end to end as a user runs it: a new
 *   process that loads the models, reads the portrait, analyses it, edits it to an emotion (shape and
 *   appearance) and writes a PNG. Bar: under 1 s. Also the edit alone, in process (analysis done).
 * - `vivify script`: a 10-second timeline (emotions, AUs, head turns, gaze, blinks) rendered on the 512×512
 *   portrait into H.264, end to end. Bar: ≥ 30 frames/s.
 *
 *   npm run bench:expression
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node.js';
import { createFaceEditor } from '../src/expression/edit.js';
import { renderScript } from '../src/expression/script.js';
import { readImage, writeImage } from '../src/media/image.js';
import { resizeImage } from '../src/render/resize.js';
import { ASTRONAUT, ROOT } from '../test/helpers.js';
import { machine, stats } from './machine.js';

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
  // edit, 1024×1024.
  const big = path.join(dir, 'portrait-1024.png');
  await writeImage(big, resizeImage(await readImage(ASTRONAUT), 1024, 1024));
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'vivify.js'), 'edit', '--source', big, '-o', path.join(dir, 'edit.png'), '--emotion', 'happy=1'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`vivify edit failed: ${r.stderr}`);
    runs.push(performance.now() - t);
  }
  const analyzer = await createFaceAnalyzer({ emotion: false });
  const image = await readImage(big);
  const face = (await analyzer.analyze(image))[0]!;
  const inProcess: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    createFaceEditor(image, face).edit({ emotions: [{ name: 'happy', intensity: 1 }] });
    inProcess.push(performance.now() - t);
  }
  analyzer.close();
  const e2e = stats(runs);
  console.log(
    `edit, 1024x1024 portrait, happy=1, end to end (new process: load models, read, analyse, edit, write PNG): ` +
      `median ${(e2e.median / 1000).toFixed(2)} s (p90 ${(e2e.p90 / 1000).toFixed(2)} s, 5 runs); ` +
      `the edit alone (editor set-up, shape and appearance, render): median ${stats(inProcess).median.toFixed(0)} ms`,
  );

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
