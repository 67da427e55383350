/**
 * Builds the bank of real closed eyes (assets/eye-bank.json + assets/eye-bank.jpg) from the face videos in
 * ../shared/data: in every frame where a near-frontal face has an eye closed (its opening under a fifth of
 * that eye's usual opening in the clip) and the eye is wide enough in the frame to hold detail, the eye is a
 * candidate; each person's candidate frames are taken sharpest first, at least a second apart, and each kept
 * frame gives its closed eyes. Each is cut into a tile aligned with the eye (src/render/eye-bank.ts).
 *
 * The landmarks come from the per-clip cache (src/dataset/landmarks.ts), as for the mouth bank.
 *
 *   npm run build:eye-bank [-- ../shared/data]
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { actorOf } from '../src/dataset/actors.js';
import { clipLandmarks } from '../src/dataset/landmarks.js';
import { estimatePose } from '../src/face/measures.js';
import { LEFT_EYE_OPENING, RIGHT_EYE_OPENING } from '../src/face/topology.js';
import { writeAtomically } from '../src/media/atomic.js';
import { encodeImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import {
  cutEyeTile,
  EYE_BANK_VERSION,
  EYE_ORIGIN_U,
  EYE_SCALE,
  EYE_TILE_H,
  EYE_TILE_W,
  eyeAxes,
  type EyeSide,
  lidLine,
} from '../src/render/eye-bank.js';
import { polygonArea } from '../src/render/geometry.js';
import { readManifest } from '../src/dataset/manifest.js';

const dataDir = path.resolve(process.argv[2] ?? '../shared/data');
const outDir = path.resolve('assets');
const started = performance.now();

/** An eye is closed when its opening is under this share of its median opening in the clip. */
const CLOSED_SHARE = 0.2;
const MAX_YAW = 20;
const MAX_PITCH = 15;
/** Corner-to-corner eye width in the frame, pixels: narrower eyes are blurred when enlarged to a portrait's. */
const MIN_EYE_PX = 36;
/** Frames of one person kept at most, and how far apart (frames) they must be: one blink gives one frame. */
const MAX_FRAMES_PER_PERSON = 4;
const MIN_FRAME_GAP = 25;
/**
 * Glasses: a frame is left out when more than this share of its eye's tile columns cross a thin line (a second
 * difference of the luma over GLASSES_EDGE, two pixels apart) outside the lid: the rim of a pair of glasses
 * arcs across the tile; skin, brows and the lid's crease do not.
 */
const MAX_GLASSES_COLUMNS = 0.3;
const GLASSES_EDGE = 20;
const COLUMNS = 12;

const clips = readManifest(dataDir)
  .filter((r) => r.kind === 'video' && ['driving', 'talking', 'expression'].includes(r.category))
  .map((r) => r.file);

const SIDES = [
  ['right', RIGHT_EYE_OPENING],
  ['left', LEFT_EYE_OPENING],
] as const;

interface Candidate {
  clip: string;
  person: string;
  frame: number;
  landmarks: Float32Array;
  sides: EyeSide[];
}

const analyzer = await createFaceAnalyzer({ emotion: false });
const byPerson = new Map<string, Candidate[]>();
for (const [n, clip] of clips.entries()) {
  const track = await clipLandmarks(path.join(dataDir, clip), { analyzer });
  const openings = SIDES.map(([side, ring]) =>
    track.landmarks.map((lm) => (lm ? polygonArea(lm, 3, ring) / eyeAxes(lm, side).w ** 2 : NaN)),
  );
  const medians = openings.map((o) => {
    const s = o.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    return s[s.length >> 1] ?? 0;
  });
  let found = 0;
  track.landmarks.forEach((lm, frame) => {
    if (!lm || track.scores[frame]! < 0.8) return;
    const pose = estimatePose(lm);
    if (Math.abs(pose.yawDeg) > MAX_YAW || Math.abs(pose.pitchDeg) > MAX_PITCH) return;
    const sides = SIDES.map(([side]) => side).filter(
      (side, k) => eyeAxes(lm, side).w >= MIN_EYE_PX && openings[k]![frame]! < CLOSED_SHARE * medians[k]!,
    );
    if (!sides.length) return;
    const person = actorOf(clip);
    byPerson.set(person, [...(byPerson.get(person) ?? []), { clip, person, frame, landmarks: lm, sides }]);
    found++;
  });
  if (found) console.log(`[${n + 1}/${clips.length}] ${clip}: ${found} frames with a closed eye`);
}
analyzer.close();

/** Cuts the candidates' tiles, decoding only the frames needed. */
const tiles = new Map<
  Candidate,
  { side: EyeSide; tile: Uint8ClampedArray; points: Float32Array; sharpness: number; glasses: number }[]
>();
const byClip = new Map<string, Candidate[]>();
for (const list of byPerson.values()) for (const c of list) byClip.set(c.clip, [...(byClip.get(c.clip) ?? []), c]);
for (const [clip, list] of byClip) {
  const want = new Map(list.map((c) => [c.frame, c]));
  for await (const frame of decodeVideo(path.join(dataDir, clip), { frames: [...want.keys()].sort((a, b) => a - b) })) {
    const c = want.get(frame.index);
    if (!c) continue;
    tiles.set(
      c,
      c.sides.map((side) => {
        const tile = new Uint8ClampedArray(EYE_TILE_W * EYE_TILE_H * 4);
        const points = cutEyeTile(frame, c.landmarks, side, tile, EYE_TILE_W);
        return { side, tile, points, sharpness: sharpness(tile, points), glasses: thinLineColumns(tile, points) };
      }),
    );
  }
}

/** The luma of a tile's pixel (i, j). */
function tileLuma(tile: Uint8ClampedArray): (i: number, j: number) => number {
  return (i, j) => {
    const o = 4 * (j * EYE_TILE_W + i);
    return 0.3 * tile[o]! + 0.59 * tile[o + 1]! + 0.11 * tile[o + 2]!;
  };
}

/** Mean absolute Laplacian of the luma over the lid (the eye's width, from the crease to below the lashes). */
function sharpness(tile: Uint8ClampedArray, points: Float32Array): number {
  const luma = tileLuma(tile);
  const line = lidLine(points, 'closed');
  let s = 0;
  let n = 0;
  for (let i = EYE_ORIGIN_U; i < EYE_ORIGIN_U + EYE_SCALE; i++)
    for (let j = Math.max(1, Math.round(line[i]! - 14)); j < Math.min(EYE_TILE_H - 1, line[i]! + 6); j++) {
      s += Math.abs(4 * luma(i, j) - luma(i - 1, j) - luma(i + 1, j) - luma(i, j - 1) - luma(i, j + 1));
      n++;
    }
  return n ? s / n : 0;
}

/** Share of the tile's columns that cross a thin line away from the lid (see MAX_GLASSES_COLUMNS). */
function thinLineColumns(tile: Uint8ClampedArray, points: Float32Array): number {
  const luma = tileLuma(tile);
  const line = lidLine(points, 'closed');
  let columns = 0;
  for (let i = 2; i < EYE_TILE_W - 2; i++)
    for (let j = 2; j < EYE_TILE_H - 2; j++) {
      if (j > line[i]! - 22 && j < line[i]! + 12) continue;
      if (Math.abs(2 * luma(i, j) - luma(i, j - 2) - luma(i, j + 2)) > GLASSES_EDGE) {
        columns++;
        break;
      }
    }
  return columns / (EYE_TILE_W - 4);
}

const kept: Candidate[] = [];
for (const [person, list] of [...byPerson].sort(([a], [b]) => a.localeCompare(b))) {
  const score = (c: Candidate): number => Math.min(...tiles.get(c)!.map((t) => t.sharpness));
  const mine: Candidate[] = [];
  const clear = (c: Candidate): boolean => tiles.has(c) && tiles.get(c)!.every((t) => t.glasses <= MAX_GLASSES_COLUMNS);
  for (const c of list.filter(clear).sort((a, b) => score(b) - score(a))) {
    if (mine.length >= MAX_FRAMES_PER_PERSON) break;
    if (mine.every((m) => m.clip !== c.clip || Math.abs(m.frame - c.frame) >= MIN_FRAME_GAP)) mine.push(c);
  }
  console.log(
    `${person}: ${mine.length} frames from ${list.length} with a closed eye (${list.filter(clear).length} clear of glasses)`,
  );
  kept.push(...mine);
}

const cut = kept.flatMap((c) => tiles.get(c)!.map((t) => ({ c, ...t })));
const rowsOfTiles = Math.ceil(cut.length / COLUMNS);
const atlas = new Uint8ClampedArray(COLUMNS * EYE_TILE_W * rowsOfTiles * EYE_TILE_H * 4).fill(255);
const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;
const eyes = cut.map(({ c, side, tile, points, sharpness }, i) => {
  const x = (i % COLUMNS) * EYE_TILE_W;
  const y = Math.floor(i / COLUMNS) * EYE_TILE_H;
  for (let j = 0; j < EYE_TILE_H; j++)
    atlas.set(tile.subarray(4 * j * EYE_TILE_W, 4 * (j + 1) * EYE_TILE_W), 4 * ((y + j) * COLUMNS * EYE_TILE_W + x));
  return {
    person: c.person,
    clip: path.basename(c.clip),
    frame: c.frame,
    side,
    points: [...points].map((v) => round(v)),
    sharpness: round(sharpness),
    x,
    y,
  };
});

await fs.mkdir(outDir, { recursive: true });
const jpeg = await encodeImage({ width: COLUMNS * EYE_TILE_W, height: rowsOfTiles * EYE_TILE_H, data: atlas }, 'jpeg', {
  quality: 90,
});
await writeAtomically(path.join(outDir, 'eye-bank.jpg'), (tmp) => fs.writeFile(tmp, jpeg));
const index = JSON.stringify({ version: EYE_BANK_VERSION, tile: [EYE_TILE_W, EYE_TILE_H], eyes });
await writeAtomically(path.join(outDir, 'eye-bank.json'), (tmp) => fs.writeFile(tmp, index));
console.log(
  `${eyes.length} closed eyes of ${new Set(kept.map((c) => c.person)).size} people: ` +
    `assets/eye-bank.jpg ${(jpeg.length / 1024).toFixed(0)} KiB, assets/eye-bank.json ${(index.length / 1024).toFixed(0)} KiB, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
);
