/**
 * Whole-body animation speed and memory on this machine: `animateBody` end to end (decode, MoveNet on the
 * driver, smooth, retarget, skin and render, encode H.264) with a 512-px source and a 512×512 driver — the
 * Tai Chi clip scaled up and looped to 60 s — and the peak memory (RSS) along it, to show it stays flat. Also
 * the CPU time per frame (both threads) and the load average, since the wall time depends on what else runs.
 *
 *   npm run bench:body [seconds] [--one-thread] [--head-off]     (needs ../shared/data)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { animateBody } from '../src/body/node/animate.js';
import { createBodyDetector } from '../src/body/node/load-models.js';
import { DATA, ffmpeg } from '../test/helpers.js';
import { machine } from './machine.js';

const photo = path.join(DATA, 'images', 'human_person-christina.jpg');
const clip = path.join(DATA, 'videos', 'lia_taichi_driving1.mp4');
const seconds = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 60);
console.log(`machine: ${machine()}`);

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-body-'));
try {
  const driving = path.join(dir, 'drive512.mp4');
  ffmpeg(
    '-stream_loop',
    '2',
    '-i',
    clip,
    '-t',
    String(seconds),
    '-vf',
    'scale=512:512',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    driving,
  );
  const detector = await createBodyDetector();
  const rss: number[] = [];
  const load0 = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const report = await animateBody(photo, driving, path.join(dir, 'out.mp4'), {
    detector,
    size: 512,
    renderThread: !process.argv.includes('--one-thread'),
    head: process.argv.includes('--head-off') ? 'off' : 'turn',
    onProgress: ({ frame }) => {
      if (frame % 25 === 0) rss.push(process.memoryUsage().rss / 2 ** 20);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const load1 = loadavg()[0]!;
  detector.close();
  const m = report.msPerFrame;
  console.log(
    `source ${report.width}x${report.height}, driver 512x512, ${report.frames} frames (${seconds} s at ${report.fps} fps)`,
  );
  console.log(
    `end to end: ${m.total.toFixed(1)} ms/frame = ${(1000 / m.total).toFixed(1)} frames/s (driver keypoints ${m.analyse.toFixed(1)}, render ${m.render.toFixed(1)}, encode ${m.encode.toFixed(1)})`,
  );
  // CPU time of this process (both its threads) per frame: what the work costs whatever else the machine runs.
  const cpuMs = (cpu.user + cpu.system) / 1000 / report.frames;
  console.log(
    `CPU: ${cpuMs.toFixed(1)} ms/frame over both threads (${report.faceEngine ? 'face engine on' : 'face engine off'}); load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end`,
  );
  const early = rss.slice(1, 4);
  const late = rss.slice(-3);
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  console.log(
    `RSS: ${mean(early).toFixed(0)} MiB early, ${mean(late).toFixed(0)} MiB at the end, peak ${Math.max(...rss).toFixed(0)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
