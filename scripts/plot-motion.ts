/**
 * Plots motion curves as PNG line charts, to look at them: one panel per channel group, one chart per
 * clip (or per generated sequence). Reads data/motion-curves.json.gz, or a `--curves` file written by
 * `vivify generate`. Writes into out/ (not committed: the plots are pictures of the data).
 *
 *   npx tsx scripts/plot-motion.ts [clip-name-regex | generated.json] [out/plots]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTION_UNITS } from '../src/face/action-units.js';
import { createImage, type RgbaImage } from '../src/face/image.js';
import { writeImage } from '../src/media/image-file.js';
import { readMotionDataFile } from '../src/dataset/motion-data-file.js';
import { drawLine, drawText, fillRect, type Rgb } from '../src/render/draw.js';

interface Series {
  name: string;
  fps: number;
  au: number[][];
  pose: number[][];
  gaze: number[][];
  closure: number[][];
}

const arg = process.argv[2] ?? 'happy';
const outDir = process.argv[3] ?? 'out/plots';
let series: Series[];
if (arg.endsWith('.json') && !arg.includes('motion-curves')) {
  // A --curves file of vivify generate: AU changes per side, head rotation, gaze, blink per frame.
  const g = JSON.parse(readFileSync(arg, 'utf8')) as {
    samples: {
      label: string;
      seed: number;
      fps: number;
      frames: {
        aus: { left: Record<string, number>; right: Record<string, number> };
        pose: { yawDeg: number; pitchDeg: number; rollDeg: number };
        gaze: { x: number; y: number };
        blink: number;
      }[];
    }[];
  };
  series = g.samples.map((s) => ({
    name: `${path.basename(arg, '.json')}-${s.label}-seed${s.seed}`,
    fps: s.fps,
    au: s.frames.map((f) => ACTION_UNITS.flatMap((au) => [f.aus.left[au] ?? 0, f.aus.right[au] ?? 0])),
    pose: s.frames.map((f) => [f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg]),
    gaze: s.frames.map((f) => [f.gaze.x, f.gaze.y]),
    closure: s.frames.map((f) => [f.blink, f.blink]),
  }));
} else {
  const data = (await readMotionDataFile()) as {
    clips: (Series & { file: string })[];
  };
  const re = new RegExp(arg);
  series = data.clips.filter((c) => re.test(c.file)).map((c) => ({ ...c, name: path.basename(c.file, '.mp4') }));
}

const COLORS: Rgb[] = [
  [230, 60, 60],
  [60, 140, 230],
  [60, 180, 90],
  [220, 160, 40],
  [160, 80, 200],
  [40, 190, 190],
];
const au = (s: Series, n: number): number[] => {
  const k = ACTION_UNITS.indexOf(n as (typeof ACTION_UNITS)[number]);
  return s.au.map((r) => (r[2 * k]! + r[2 * k + 1]!) / 2);
};
const PANELS: { title: string; range: [number, number]; lines: (s: Series) => [string, number[]][] }[] = [
  {
    title: 'smile: AU12 AU6 AU14',
    range: [0, 5],
    lines: (s) => [
      ['AU12', au(s, 12)],
      ['AU6', au(s, 6)],
      ['AU14', au(s, 14)],
    ],
  },
  {
    title: 'brows: AU1 AU2 AU4',
    range: [0, 5],
    lines: (s) => [
      ['AU1', au(s, 1)],
      ['AU2', au(s, 2)],
      ['AU4', au(s, 4)],
    ],
  },
  {
    title: 'mouth: AU25 AU26 AU15 AU10 AU20',
    range: [0, 5],
    lines: (s) => [
      ['AU25', au(s, 25)],
      ['AU26', au(s, 26)],
      ['AU15', au(s, 15)],
      ['AU10', au(s, 10)],
      ['AU20', au(s, 20)],
    ],
  },
  {
    title: 'eyes: AU45 AU5 AU7 closure',
    range: [0, 5],
    lines: (s) => [
      ['AU45', au(s, 45)],
      ['AU5', au(s, 5)],
      ['AU7', au(s, 7)],
      ['closure x5', s.closure.map((c) => 2.5 * (c[0]! + c[1]!))],
    ],
  },
  {
    title: 'head: yaw pitch roll (deg)',
    range: [-15, 15],
    lines: (s) => [
      ['yaw', s.pose.map((p) => p[0]!)],
      ['pitch', s.pose.map((p) => p[1]!)],
      ['roll', s.pose.map((p) => p[2]!)],
    ],
  },
  {
    title: 'gaze x y (x100)',
    range: [-15, 15],
    lines: (s) => [
      ['x', s.gaze.map((g) => 100 * g[0]!)],
      ['y', s.gaze.map((g) => 100 * g[1]!)],
    ],
  },
];

const W = 900;
const PH = 110;
for (const s of series) {
  const img: RgbaImage = createImage(W, PANELS.length * PH + 20);
  fillRect(img, 0, 0, img.width, img.height, [255, 255, 255]);
  drawText(img, `${s.name}  (${s.au.length} frames, ${s.fps} fps)`, 8, 4, 2, [0, 0, 0]);
  PANELS.forEach((p, k) => {
    const y0 = 20 + k * PH;
    const h = PH - 22;
    const top = y0 + 16;
    fillRect(img, 40, top, W - 50, h, [245, 245, 245]);
    drawText(img, p.title, 44, y0 + 4, 1, [0, 0, 0]);
    drawText(img, String(p.range[1]), 4, top, 1, [90, 90, 90]);
    drawText(img, String(p.range[0]), 4, top + h - 8, 1, [90, 90, 90]);
    const ys = (v: number): number => top + h - ((v - p.range[0]) / (p.range[1] - p.range[0])) * h;
    if (p.range[0] < 0) drawLine(img, 40, ys(0), W - 10, ys(0), [200, 200, 200]);
    p.lines(s).forEach(([name, v], j) => {
      const c = COLORS[j % COLORS.length]!;
      const xs = (i: number): number => 40 + (i / Math.max(1, v.length - 1)) * (W - 50);
      for (let i = 1; i < v.length; i++) drawLine(img, xs(i - 1), ys(v[i - 1]!), xs(i), ys(v[i]!), c);
      drawText(img, name, W - 200 + 50 * (j % 4), y0 + 4 + 9 * Math.floor(j / 4), 1, c);
    });
    // One tick per second.
    for (let t = 0; t * s.fps < s.au.length; t++) {
      const x = 40 + ((t * s.fps) / Math.max(1, s.au.length - 1)) * (W - 50);
      drawLine(img, x, top + h, x, top + h + 3, [0, 0, 0]);
    }
  });
  const file = path.join(outDir, `${s.name}.png`);
  await writeImage(file, img);
  console.log(`wrote ${file}`);
}
