/**
 * Measures whole-body animation on ../shared/data (category=body) and writes docs/results/body.json and
 * docs/images/body-grid.png (docs/results/body.md is written by hand from the JSON):
 * 1. self-reenactment of every body clip marked self_reenactment=yes (frame 0 as the source, the whole clip
 *    as the driver): L1, AKD, MKR beside the static baseline;
 * 2. cross-identity: every human_person-* photo driven by every body clip (the first --frames frames):
 *    runs or refuses in one line, and the driver–result correlation of each joint group's motion;
 * 3. the grid: each photo driven by one clip at three moments.
 *
 *   npx tsx scripts/eval-body.ts [../shared/data] [--frames 100] [--grid-clip lia_taichi_driving1.mp4]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { crossReenactBody, selfReenactBody, type CrossReport, type SelfReport } from '../src/body/node/evaluate.js';
import { createBodyDetector } from '../src/body/node/load-models.js';
import { createBodyFaceRenderer, createHeadMotion } from '../src/body/face.js';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { loadBodySource } from '../src/body/node/animate.js';
import { renderBody } from '../src/body/render.js';
import { createRetargeter } from '../src/body/retarget.js';
import { drawSkeleton } from '../src/body/skeleton-overlay.js';
import { machine } from '../src/cli/machine.js';
import type { RgbaImage } from '../src/face/image.js';
import { writeImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import { sideBySide } from '../src/render/resize.js';
import { readManifest } from '../src/dataset/manifest.js';

const { values, positionals } = parseArgs({
  options: {
    frames: { type: 'string', default: '100' },
    'grid-clip': { type: 'string', default: 'lia_taichi_driving1.mp4' },
  },
  allowPositionals: true,
});
const data = path.resolve(positionals[0] ?? '../shared/data');
const crossFrames = Number(values.frames);
const body = readManifest(data).filter((r) => r.category === 'body');
const clips = body.filter((r) => r.kind === 'video').map((r) => path.join(data, r.file));
const selfClips = body
  .filter((r) => r.kind === 'video' && r.self_reenactment === 'yes')
  .map((r) => path.join(data, r.file));
const photos = body
  .filter((r) => r[1] === 'image' && r[0]!.includes('human_person-'))
  .map((r) => path.join(data, r[0]!));
const detector = await createBodyDetector();
// The photos' faces: cross-identity and the grid re-render them with the face engine, as `vivify body` does.
const faces = await createFaceAnalyzer({ emotion: false });
const started = performance.now();

const self: SelfReport[] = [];
for (const clip of selfClips) {
  const r = await selfReenactBody(clip, detector);
  self.push({ ...r, clip: path.basename(clip) });
  console.log(
    `${path.basename(clip)}: ${r.frames} frames  L1 ${r.result.l1.toFixed(4)} (static ${r.static.l1.toFixed(4)})  AKD ${r.result.akd.toFixed(2)} (${r.static.akd.toFixed(2)})  MKR ${r.result.mkr.toFixed(3)} (${r.static.mkr.toFixed(3)})  ${r.msPerFrame.toFixed(0)} ms/frame`,
  );
}

const cross: (CrossReport | { photo: string; clip: string; error: string })[] = [];
for (const photo of photos)
  for (const clip of clips) {
    const names = { photo: path.basename(photo), clip: path.basename(clip) };
    try {
      const r = await crossReenactBody(photo, clip, detector, { maxFrames: crossFrames, faces });
      cross.push({ ...r, ...names });
      const c = Object.entries(r.correlations).map(([k, v]) => `${k} ${v === undefined ? '—' : v.toFixed(2)}`);
      console.log(`${names.photo} × ${names.clip}: ${c.join(', ')}`);
    } catch (err) {
      cross.push({ ...names, error: (err as Error).message });
      console.log(`${names.photo} × ${names.clip}: ${(err as Error).message}`);
    }
  }

/** Frames `at` of a clip with their poses (whole-frame analysis through a tracker run up to them). */
async function clipFrames(
  clip: string,
  at: number[],
): Promise<{ frame: RgbaImage; pose: ReturnType<typeof detector.detectStill> }[]> {
  const tracker = detector.createTracker();
  const out: { frame: RgbaImage; pose: ReturnType<typeof detector.detectStill> }[] = [];
  for await (const f of decodeVideo(clip, { maxFrames: Math.max(...at) + 1 })) {
    const pose = tracker.next(f);
    if (at.includes(f.index)) out.push({ frame: f, pose });
  }
  return out;
}

const gridClip = path.join(data, 'videos', values['grid-clip']!);
const moments = await clipFrames(gridClip, [0, 120, 200, 330]);
const gridRows: RgbaImage[] = [
  sideBySide([blank(moments[0]!.frame), ...moments.slice(1).map((m) => drawSkeleton(m.frame, m.pose))], 200),
];
for (const photo of photos) {
  try {
    const { scene, pose, face } = await loadBodySource(photo, detector, { size: 512, faces });
    const rt = createRetargeter(pose, moments[0]!.pose);
    const head = face && createHeadMotion(face, 'turn');
    const faceRenderer = face && createBodyFaceRenderer(scene.source, face);
    const results = moments.slice(1).map((m) => {
      const look = head && faceRenderer ? faceRenderer.render(head.next(m.pose, moments[0]!.pose)) : undefined;
      return renderBody(scene, rt.next(m.pose), {}, look).image;
    });
    gridRows.push(sideBySide([drawSkeleton(scene.source, pose), ...results], 200));
  } catch (err) {
    console.log(`grid: ${path.basename(photo)}: ${(err as Error).message}`);
  }
}

function blank(like: RgbaImage): RgbaImage {
  return { width: like.width, height: like.height, data: new Uint8ClampedArray(like.data.length).fill(255) };
}

function stack(images: RgbaImage[]): RgbaImage {
  const width = Math.max(...images.map((i) => i.width));
  const height = images.reduce((s, i) => s + i.height, 0);
  const out = new Uint8ClampedArray(width * height * 4);
  let y0 = 0;
  for (const im of images) {
    for (let y = 0; y < im.height; y++)
      out.set(im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4), (y0 + y) * width * 4);
    y0 += im.height;
  }
  return { width, height, data: out };
}

mkdirSync('docs/images', { recursive: true });
await writeImage('docs/images/body-grid.png', stack(gridRows));
const doc = {
  machine: machine(),
  date: new Date().toISOString(),
  minutes: (performance.now() - started) / 60000,
  crossFrames,
  gridClip: path.basename(gridClip),
  self,
  cross,
};
writeFileSync('docs/results/body.json', `${JSON.stringify(doc, null, 1)}\n`);
console.log(`wrote docs/results/body.json and docs/images/body-grid.png in ${doc.minutes.toFixed(1)} min`);
detector.close();
faces.close();
