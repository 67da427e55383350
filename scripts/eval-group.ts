/**
 * Several faces driven at once, measured: a group photo of three portraits side by side, driven by a clip of
 * two people talking side by side (`vivify animate --face all`, the default mapping by position: the left
 * face follows the left speaker, the middle and right faces the right one), against each face animated
 * alone by its own speaker (`--face n --map n:d`). Both are made at run time from ../shared/data; nothing is
 * written to the repository but the report.
 *
 * Per face: the correlation over time between the mouth opening of the result's face and of the driver face
 * that drives it; identity similarity (1024-D embedding) of the result's face to the portrait's, every 5th
 * frame, for the group run and the face's own run; the group run's time per frame against the mean of the
 * single-face runs'.
 *
 *   npx tsx scripts/eval-group.ts [../shared/data] [--frames 120] [--out docs/results]
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { identitySimilarity } from '../src/analysis/analyzer.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { pearson } from '../src/face/stats.js';
import type { RgbaImage } from '../src/face/image.js';
import type { FaceResult } from '../src/face/types.js';
import { writeAtomically } from '../src/media/atomic.js';
import { readImage, writeImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import { animate } from '../src/reenact/node/animate.js';
import { cropAroundFace } from '../src/render/resize.js';
import { machine } from '../bench/machine.js';
import { ffmpeg } from '../test/helpers.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const data = path.resolve(args.find((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('-')) ?? '../shared/data');
const frames = Number(opt('--frames') ?? 120);
const outDir = opt('--out') ?? 'docs/results';

const PORTRAITS = ['skimage_astronaut.png', 'codeformer_Einstein01.png', 'lp_d8.jpg'];
const SPEAKERS = ['lp_d3.mp4', 'lp_d11.mp4'];
const SIDE = 384;

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-group-'));
const analyzer = await createFaceAnalyzer({ emotion: false, identity: true, maxFaces: 10 });
try {
  // The group photo: each portrait cropped around its face to SIDE², side by side.
  const crops: RgbaImage[] = [];
  for (const p of PORTRAITS) {
    const img = await readImage(path.join(data, 'images', p));
    crops.push(cropAroundFace(img, (await analyzer.analyze(img))[0]!.box, SIDE, 0.5));
  }
  const group: RgbaImage = {
    width: SIDE * crops.length,
    height: SIDE,
    data: new Uint8ClampedArray(SIDE * crops.length * SIDE * 4),
  };
  crops.forEach((c, k) => {
    for (let y = 0; y < SIDE; y++)
      group.data.set(c.data.subarray(y * SIDE * 4, (y + 1) * SIDE * 4), (y * group.width + k * SIDE) * 4);
  });
  const photo = path.join(dir, 'group.png');
  await writeImage(photo, group);
  // The driver: the two speakers side by side, `frames` long.
  const driving = path.join(dir, 'two.mp4');
  ffmpeg(
    '-i',
    path.join(data, 'videos', SPEAKERS[0]!),
    '-i',
    path.join(data, 'videos', SPEAKERS[1]!),
    '-filter_complex',
    '[0:v][1:v]hstack=inputs=2,format=yuv420p',
    '-frames:v',
    String(frames),
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    driving,
  );

  const byX = (fs: FaceResult[]): FaceResult[] => [...fs].sort((a, b) => a.box.x - b.box.x);
  /** Per frame, the faces of a video sorted left to right (tracked). */
  const facesOf = async (file: string, a: NodeFaceAnalyzer, identityEvery = 0): Promise<FaceResult[][]> => {
    const tracker = a.createTracker();
    const out: FaceResult[][] = [];
    for await (const f of decodeVideo(file)) {
      const k = out.length;
      const r = await tracker.next(f, { emotion: false, identity: identityEvery > 0 && k % identityEvery === 0 });
      out.push(byX(r.faces));
    }
    return out;
  };
  const sourceFaces = byX(await analyzer.analyze(group, { identity: true }));
  // Portrait face numbers (largest first, as --face counts them) in left-to-right order.
  const bySize = await analyzer.analyze(group);
  const number = sourceFaces.map((f) => bySize.findIndex((g) => Math.abs(g.box.x - f.box.x) < 2));
  const drivers = await facesOf(driving, analyzer);
  const mapped = [0, 1, 2].map((r) => Math.round((r * (SPEAKERS.length - 1)) / (PORTRAITS.length - 1)));

  const measure = async (file: string): Promise<{ mouthR: number[]; identity: number[] }> => {
    const got = await facesOf(file, analyzer, 5);
    return {
      mouthR: [0, 1, 2].map((r) => {
        const a: number[] = [];
        const b: number[] = [];
        got.forEach((fs, t) => {
          const res = fs.find((f) => Math.abs(f.box.x + f.box.width / 2 - (r + 0.5) * SIDE) < SIDE / 2);
          const drv = drivers[t]?.[mapped[r]!];
          if (res && drv) {
            a.push(res.mouth.open);
            b.push(drv.mouth.open);
          }
        });
        return pearson(a, b);
      }),
      identity: [0, 1, 2].map((r) => {
        const sims: number[] = [];
        for (const fs of got) {
          const res = fs.find((f) => Math.abs(f.box.x + f.box.width / 2 - (r + 0.5) * SIDE) < SIDE / 2);
          if (res?.embedding) sims.push(identitySimilarity(sourceFaces[r]!.embedding!, res.embedding));
        }
        return sims.reduce((x, y) => x + y, 0) / Math.max(1, sims.length);
      }),
    };
  };

  const all = path.join(dir, 'all.mp4');
  const groupRun = await animate(photo, driving, all, { face: 'all' });
  const groupM = await measure(all);
  const single: { ms: number; mouthR: number; identity: number }[] = [];
  for (let r = 0; r < 3; r++) {
    const out = path.join(dir, `face${r}.mp4`);
    const rep = await animate(photo, driving, out, { face: number[r]!, map: { [number[r]!]: mapped[r]! } });
    const m = await measure(out);
    single.push({ ms: rep.msPerFrame.total, mouthR: m.mouthR[r]!, identity: m.identity[r]! });
    console.log(`face ${r} alone: mouth r ${m.mouthR[r]!.toFixed(3)}, identity ${m.identity[r]!.toFixed(3)}`);
  }
  const singleMs = single.reduce((s, x) => s + x.ms, 0) / single.length;
  const f3 = (v: number): string => v.toFixed(3);
  const rows = [0, 1, 2].map(
    (r) =>
      `| ${r} (${PORTRAITS[r]}) | ${SPEAKERS[mapped[r]!]} | ${f3(groupM.mouthR[r]!)} | ${f3(single[r]!.mouthR)} | ${f3(groupM.identity[r]!)} | ${f3(single[r]!.identity)} | ${groupM.mouthR[r]! >= 0.85 && groupM.identity[r]! >= single[r]!.identity - 0.02 ? 'met' : '**not met**'} |`,
  );
  const fpsGroup = 1000 / groupRun.msPerFrame.total;
  const fpsSingle = 1000 / singleMs;
  const md = `# Several faces at once — measured

Generated by \`npx tsx scripts/eval-group.ts ${path.relative(process.cwd(), data) || '.'} --frames ${frames}\` on ${machine()}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (this evaluation's own work included).

A group photo of three portraits side by side (${PORTRAITS.join(', ')}; each cropped around its face to ${SIDE}², so ${SIDE * 3}×${SIDE}) driven by two people talking side by side (${SPEAKERS.join(' | ')}, ${frames} frames, 1024×512): \`vivify animate --face all\` with the default mapping by position (left face ← left speaker, middle and right faces ← right speaker), against each face animated alone by the same speaker (\`--face n --map n:d\`). Both are made at run time from ../shared/data.

Per face (left to right): the correlation over time between the mouth opening (inner-lip gap over width) of the result's face and of its speaker's face; identity similarity of the result's face to the portrait's (every 5th frame). Bars (issue: several faces): mouth r ≥ 0.85 and identity ≥ the face's own single-face figure − 0.02.

| face | driven by | mouth r, group | mouth r, alone | identity, group | identity, alone | bars |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Speed, end to end (decode, driver analysis, render, encode): group ${groupRun.msPerFrame.total.toFixed(0)} ms/frame (${fpsGroup.toFixed(1)} frames/s; render ${groupRun.msPerFrame.render.toFixed(0)} ms) against ${singleMs.toFixed(0)} ms/frame (${fpsSingle.toFixed(1)} frames/s) for one face, mean of the three single-face runs: ${((100 * fpsGroup) / fpsSingle).toFixed(0)}% of the single-face rate (bar ≥ 60%: ${fpsGroup >= 0.6 * fpsSingle ? 'met' : '**not met**'}).
`;
  await writeAtomically(path.join(outDir, 'group.md'), (tmp) => fs.writeFile(tmp, md));
  console.log(md);
} finally {
  analyzer.close();
  rmSync(dir, { recursive: true, force: true });
}
