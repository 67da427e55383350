/**
 * Builds the bank of real mouths (assets/mouth-bank.json + assets/mouth-bank.jpg) from the face videos in
 * ../shared/data: every frame whose inner lips are open by at least a tenth of their width, with the head
 * near frontal, is a candidate; each person's candidates are taken sharpest first, and one is kept only
 * when its mouth shape differs from every mouth already kept for that person (so a person's many frames
 * of the same opening become one exemplar). Each exemplar is cut into a tile aligned with its mouth
 * (src/render/mouth-bank.ts) and its teeth colour measured in its own frame, as the renderer measures a
 * portrait's.
 *
 * The landmarks come from the per-clip cache (src/dataset/landmarks.ts), so a rebuild after the first
 * takes a minute. Clips marked hard or body are left out.
 *
 *   npm run build:mouth-bank [-- ../shared/data]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { actorOf } from '../src/dataset/actors.js';
import { clipLandmarks } from '../src/dataset/landmarks.js';
import { estimatePose, toCanonicalFrame } from '../src/face/measures.js';
import { MOUTH_OPENING } from '../src/face/topology.js';
import { writeAtomically } from '../src/media/atomic.js';
import { encodeImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import { prepareEye } from '../src/render/eyes.js';
import { forEachPixelInRing } from '../src/render/geometry.js';
import {
  BANK_TILE,
  cutMouthTile,
  featureOpening,
  MOUTH_BANK_VERSION,
  mouthShapeFeature,
  tileFrame,
} from '../src/render/mouth-bank.js';
import { shapeDistance } from '../src/render/mouth-retrieval.js';
import {
  faceHighlight,
  measureTeeth,
  mouthSurroundColours,
  plausibleTeeth,
  type Rgb,
} from '../src/render/mouth-colours.js';
import { readManifest } from '../src/dataset/manifest.js';

const dataDir = path.resolve(process.argv[2] ?? '../shared/data');
const outDir = path.resolve('assets');
const started = performance.now();

/** Inner-lip gap at the midline over the inner width: the "open mouth". */
const MIN_OPENING = 0.1;
const MAX_YAW = 25;
const MAX_PITCH = 20;
/** Inner mouth width in the frame, pixels: narrower mouths have too little detail to show enlarged. */
const MIN_WIDTH_PX = 22;
/** Two mouths of one person closer than this in shape are one exemplar. */
const MIN_SHAPE_DISTANCE = 0.04;
const MAX_PER_PERSON = 40;
/** Exemplars whose opening is more than this share lip-coloured are left out (see lipShare). */
const MAX_LIP_SHARE = 0.4;
/** Depth of the band under the upper lip that must not be lip-coloured, tile pixels (a tenth of the inner width). */
const UPPER_BAND = 8;
const COLUMNS = 20;

const clips = readManifest(dataDir)
  .filter((r) => r.kind === 'video' && ['driving', 'talking', 'expression'].includes(r.category))
  .map((r) => r.file);

interface Candidate {
  clip: string;
  person: string;
  frame: number;
  landmarks: Float32Array;
  feature: Float32Array;
  yawDeg: number;
}

const analyzer = await createFaceAnalyzer({ emotion: false });
const byPerson = new Map<string, Candidate[]>();
for (const [n, clip] of clips.entries()) {
  const track = await clipLandmarks(path.join(dataDir, clip), { analyzer });
  let found = 0;
  track.landmarks.forEach((lm, frame) => {
    if (!lm || track.scores[frame]! < 0.8) return;
    const pose = estimatePose(lm);
    if (Math.abs(pose.yawDeg) > MAX_YAW || Math.abs(pose.pitchDeg) > MAX_PITCH) return;
    if (tileFrame(lm).w < MIN_WIDTH_PX) return;
    const feature = mouthShapeFeature(toCanonicalFrame(lm, pose));
    if (featureOpening(feature) < MIN_OPENING) return;
    const person = actorOf(clip);
    byPerson.set(person, [
      ...(byPerson.get(person) ?? []),
      { clip, person, frame, landmarks: lm, feature, yawDeg: pose.yawDeg },
    ]);
    found++;
  });
  console.log(`[${n + 1}/${clips.length}] ${clip}: ${found} open-mouth frames of ${track.landmarks.length}`);
}
analyzer.close();

/** Cuts each candidate's tile and measures its sharpness and teeth colour, decoding only the frames needed. */
const tiles = new Map<
  Candidate,
  {
    tile: Uint8ClampedArray;
    points: Float32Array;
    sharpness: number;
    lipShare: number;
    teeth: number[];
    lip: number[];
    skin: number[];
  }
>();
const byClip = new Map<string, Candidate[]>();
for (const list of byPerson.values()) for (const c of list) byClip.set(c.clip, [...(byClip.get(c.clip) ?? []), c]);
for (const [clip, list] of byClip) {
  const want = new Map(list.map((c) => [c.frame, c]));
  for await (const frame of decodeVideo(path.join(dataDir, clip), { frames: [...want.keys()].sort((a, b) => a - b) })) {
    const c = want.get(frame.index);
    if (!c) continue;
    const tile = new Uint8ClampedArray(BANK_TILE * BANK_TILE * 4);
    const points = cutMouthTile(frame, c.landmarks, tile, BANK_TILE);
    const { skin, lip } = mouthSurroundColours(frame, c.landmarks);
    const eyes = [prepareEye(frame, c.landmarks, 'right'), prepareEye(frame, c.landmarks, 'left')];
    const teeth =
      measureTeeth(frame, c.landmarks, skin, lip)?.colour ??
      plausibleTeeth(skin, lip, faceHighlight(frame, c.landmarks), eyes);
    tiles.set(c, {
      tile,
      points,
      sharpness: sharpness(tile, points),
      lipShare: lipShare(tile, points, lip),
      teeth: teeth.map((v) => Math.round(v)),
      lip: lip.map((v) => Math.round(v)),
      skin: skin.map((v) => Math.round(v)),
    });
  }
}

/** The tile pixels inside the exemplar's inner-lip outline, as [r, g, b, x, y]. */
function insideOpening(tile: Uint8ClampedArray, points: Float32Array): number[][] {
  const ring = new Float32Array(3 * MOUTH_OPENING.length);
  for (let k = 0; k < MOUTH_OPENING.length; k++) {
    ring[3 * k] = points[2 * k]!;
    ring[3 * k + 1] = points[2 * k + 1]!;
  }
  const out: number[][] = [];
  forEachPixelInRing(
    ring,
    3,
    MOUTH_OPENING.map((_, k) => k),
    BANK_TILE,
    BANK_TILE,
    (x, y, o) => out.push([tile[o]!, tile[o + 1]!, tile[o + 2]!, x + 0.5, y + 0.5]),
  );
  return out;
}

/**
 * Share of the opening's band under the upper lip (within UPPER_BAND of its inner edge) that looks like the
 * lips themselves (their hue, about their brightness, at least half their colourfulness): where the tracked
 * inner-lip outline lies on the upper lip instead of at the opening's edge, an exemplar would paste lip
 * inside the portrait's mouth. (The lower band is left alone: a tongue against the lower lip is real.)
 */
function lipShare(tile: Uint8ClampedArray, points: Float32Array, lip: Rgb): number {
  const hsv = (c: readonly number[]): [number, number, number] => {
    const max = Math.max(...c);
    const min = Math.min(...c);
    const d = max - min;
    let h = 0;
    if (d > 0)
      h =
        max === c[0] ? ((c[1]! - c[2]!) / d + 6) % 6 : max === c[1] ? (c[2]! - c[0]!) / d + 2 : (c[0]! - c[1]!) / d + 4;
    return [60 * h, max ? d / max : 0, max];
  };
  const [lh, ls, lv] = hsv(lip);
  const upper = MOUTH_OPENING.slice(0, MOUTH_OPENING.indexOf(308) + 1).map((_, k) => [
    points[2 * k]!,
    points[2 * k + 1]!,
  ]);
  const nearUpper = (x: number, y: number): boolean =>
    upper.slice(1).some(([bx, by], k) => {
      const [ax, ay] = upper[k]!;
      const dx = bx! - ax!;
      const dy = by! - ay!;
      const t = Math.max(0, Math.min(1, ((x - ax!) * dx + (y - ay!) * dy) / Math.max(1e-9, dx * dx + dy * dy)));
      return Math.hypot(x - ax! - t * dx, y - ay! - t * dy) < UPPER_BAND;
    });
  const px = insideOpening(tile, points).filter((c) => nearUpper(c[3]!, c[4]!));
  const like = px.filter((c) => {
    const [h, sat, v] = hsv(c);
    const dh = Math.min(Math.abs(h - lh), 360 - Math.abs(h - lh));
    return dh < 20 && sat > 0.5 * ls && v > 0.6 * lv && v < 1.4 * lv;
  });
  return px.length ? like.length / px.length : 1;
}

/** Mean absolute Laplacian of the luma inside the tile's opening: blurred (moving, compressed) mouths score low. */
function sharpness(tile: Uint8ClampedArray, points: Float32Array): number {
  const luma = (i: number, j: number): number => {
    const o = 4 * (j * BANK_TILE + i);
    return 0.3 * tile[o]! + 0.59 * tile[o + 1]! + 0.11 * tile[o + 2]!;
  };
  const ring = new Float32Array(3 * MOUTH_OPENING.length);
  for (let k = 0; k < MOUTH_OPENING.length; k++) {
    ring[3 * k] = points[2 * k]!;
    ring[3 * k + 1] = points[2 * k + 1]!;
  }
  let s = 0;
  let n = 0;
  forEachPixelInRing(
    ring,
    3,
    MOUTH_OPENING.map((_, k) => k),
    BANK_TILE,
    BANK_TILE,
    (x, y) => {
      if (x < 1 || y < 1 || x >= BANK_TILE - 1 || y >= BANK_TILE - 1) return;
      s += Math.abs(4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1));
      n++;
    },
  );
  return n ? s / n : 0;
}

const shares = [...tiles.values()].map((t) => t.lipShare).sort((a, b) => a - b);
console.log(
  `lip-coloured share of the openings: median ${shares[shares.length >> 1]!.toFixed(2)}, ` +
    `${shares.filter((v) => v > MAX_LIP_SHARE).length} of ${shares.length} above ${MAX_LIP_SHARE} left out`,
);
const kept: Candidate[] = [];
for (const [person, list] of [...byPerson].sort(([a], [b]) => a.localeCompare(b))) {
  const mine: Candidate[] = [];
  for (const c of list
    .filter((c) => tiles.has(c) && tiles.get(c)!.lipShare <= MAX_LIP_SHARE)
    .sort((a, b) => tiles.get(b)!.sharpness - tiles.get(a)!.sharpness)) {
    if (mine.length >= MAX_PER_PERSON) break;
    if (mine.every((m) => shapeDistance(m.feature, c.feature) >= MIN_SHAPE_DISTANCE)) mine.push(c);
  }
  console.log(`${person}: ${mine.length} exemplars from ${list.length} open-mouth frames`);
  kept.push(...mine);
}

const rowsOfTiles = Math.ceil(kept.length / COLUMNS);
const atlas = new Uint8ClampedArray(COLUMNS * BANK_TILE * rowsOfTiles * BANK_TILE * 4).fill(255);
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
const exemplars = kept.map((c, i) => {
  const x = (i % COLUMNS) * BANK_TILE;
  const y = Math.floor(i / COLUMNS) * BANK_TILE;
  const t = tiles.get(c)!;
  for (let j = 0; j < BANK_TILE; j++) {
    atlas.set(t.tile.subarray(4 * j * BANK_TILE, 4 * (j + 1) * BANK_TILE), 4 * ((y + j) * COLUMNS * BANK_TILE + x));
  }
  return {
    person: c.person,
    clip: path.basename(c.clip),
    frame: c.frame,
    feature: [...c.feature].map((v) => round(v, 4)),
    points: [...t.points].map((v) => round(v, 2)),
    teeth: t.teeth,
    lip: t.lip,
    skin: t.skin,
    yawDeg: round(c.yawDeg, 1),
    widthPx: Math.round(tileFrame(c.landmarks).w),
    x,
    y,
  };
});

await fs.mkdir(outDir, { recursive: true });
const jpeg = await encodeImage({ width: COLUMNS * BANK_TILE, height: rowsOfTiles * BANK_TILE, data: atlas }, 'jpeg', {
  quality: 88,
});
await writeAtomically(path.join(outDir, 'mouth-bank.jpg'), (tmp) => fs.writeFile(tmp, jpeg));
const index = JSON.stringify({ version: MOUTH_BANK_VERSION, tile: BANK_TILE, exemplars });
await writeAtomically(path.join(outDir, 'mouth-bank.json'), (tmp) => fs.writeFile(tmp, index));
console.log(
  `${exemplars.length} exemplars of ${new Set(kept.map((c) => c.person)).size} people: ` +
    `assets/mouth-bank.jpg ${(jpeg.length / 1024).toFixed(0)} KiB, assets/mouth-bank.json ${(index.length / 1024).toFixed(0)} KiB, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
);
