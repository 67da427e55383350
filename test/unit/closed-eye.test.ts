/**
 * Real closed eyes (eye-bank.ts, closed-eye.ts) on a synthetic portrait: a closing eye takes a bank exemplar's
 * relief (its lash line dark, its lid plain) in the portrait's own skin colours, and nothing of the eyeball is
 * left; an open eye, an excluded person and a half-open eye are left as they were; the two eyes' tiles are
 * mirror images; a malformed bank is refused; the shipped bank holds real closed eyes of several people.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { closedAmount } from '../../src/render/closed-eye.js';
import { createImage, type RgbaImage } from '../../src/face/image.js';
import { closeLids } from '../../src/face/lids.js';
import { LEFT_EYE_OPENING, RIGHT_EYE_OPENING } from '../../src/face/topology.js';
import { projectState, type FaceState } from '../../src/motion/motion.js';
import {
  EYE_BANK_VERSION,
  EYE_ORIGIN_U,
  EYE_SCALE,
  EYE_TILE_H,
  EYE_TILE_W,
  eyeTilePoints,
  lidLine,
  parseEyeBank,
  type EyeBank,
} from '../../src/render/eye-bank.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import type { MouthBank } from '../../src/render/mouth-bank.js';
import { createRenderer } from '../../src/render/renderer.js';
import { portrait, SKIN } from '../synthetic-face.js';

const SKIN_LUMA = 0.3 * SKIN[0] + 0.59 * SKIN[1] + 0.11 * SKIN[2];
const luma = (img: RgbaImage, x: number, y: number): number => {
  const p = 4 * (Math.floor(y) * img.width + Math.floor(x));
  return 0.3 * img.data[p]! + 0.59 * img.data[p + 1]! + 0.11 * img.data[p + 2]!;
};

/**
 * A one-exemplar bank: plain grey skin (150) with a dark lash line (50) three tile pixels thick where its lids
 * meet, a straight line 2 pixels below the corners.
 */
function lashBank(person = 'someone'): EyeBank {
  const atlas = createImage(EYE_TILE_W, EYE_TILE_H);
  const line = 38;
  for (let j = 0; j < EYE_TILE_H; j++)
    for (let i = 0; i < EYE_TILE_W; i++) {
      const v = Math.abs(j + 0.5 - line) < 1.5 && i >= EYE_ORIGIN_U && i < EYE_ORIGIN_U + EYE_SCALE ? 50 : 150;
      atlas.data.set([v, v, v, 255], 4 * (j * EYE_TILE_W + i));
    }
  const points: number[] = [];
  for (let k = 0; k < 16; k++) {
    // Outer corner, 7 upper points, inner corner, 7 lower points: all on the line.
    const u = k <= 8 ? k / 8 : (16 - k) / 8;
    points.push(EYE_ORIGIN_U + u * EYE_SCALE, k === 0 || k === 8 ? 36 : line);
  }
  return parseEyeBank(
    {
      version: EYE_BANK_VERSION,
      tile: [EYE_TILE_W, EYE_TILE_H],
      eyes: ['right', 'left'].map((side) => ({
        person,
        clip: 'c.mp4',
        frame: 1,
        side,
        points,
        sharpness: 1,
        x: 0,
        y: 0,
      })),
    },
    atlas,
  );
}

const withEyes = (
  eyes: EyeBank | undefined,
  exclude: string[] = [],
): { mouth: { bank: MouthBank; bankExclude: string[] } } => ({
  mouth: { bank: { atlas: createImage(1, 1), exemplars: [], closedEyes: eyes }, bankExclude: exclude },
});

test('a closing eye shows the exemplar’s lash line on the portrait’s skin, and none of its eyeball', () => {
  const p = portrait(160);
  const target: FaceState = { ...p.state, canon: closeLids(p.state.canon, 1, 1) };
  const lm = projectState(target);
  const withBank = createRenderer(p.image, p.state, p.landmarks, withEyes(lashBank())).render({ target }).image;
  for (const [side, ring] of [
    ['right', RIGHT_EYE_OPENING],
    ['left', LEFT_EYE_OPENING],
  ] as const) {
    // Along where the lids meet (the target's upper and lower lid landmarks, together): the lash line, the
    // skin times the exemplar's 50/150.
    const src = p.landmarks;
    const w = Math.hypot(src[3 * ring[8]!]! - src[3 * ring[0]!]!, src[3 * ring[8]! + 1]! - src[3 * ring[0]! + 1]!);
    const darkest: number[] = [];
    for (let k = 2; k <= 6; k++) {
      const tx = (lm[3 * ring[k]!]! + lm[3 * ring[16 - k]!]!) / 2;
      const ty = (lm[3 * ring[k]! + 1]! + lm[3 * ring[16 - k]! + 1]!) / 2;
      let d = 255;
      for (let dy = -3; dy <= 3; dy++) d = Math.min(d, luma(withBank, tx, ty + dy));
      darkest.push(d);
      // Above the line, where the eyeball was: plain skin.
      const above = luma(withBank, tx, ty - 0.12 * w);
      assert.ok(
        Math.abs(above - SKIN_LUMA) < 0.12 * SKIN_LUMA,
        `${side} eye's lid at ${k} is ${above.toFixed(0)}, skin ${SKIN_LUMA.toFixed(0)}`,
      );
    }
    for (const d of darkest)
      assert.ok(d < 0.5 * SKIN_LUMA, `${side} lash line luma ${d.toFixed(0)} (skin ${SKIN_LUMA.toFixed(0)})`);
    // Nothing of the eyeball (white, iris) inside the open eye's outline.
    let bright = 0;
    for (let y = 0; y < withBank.height; y++)
      for (let x = 0; x < withBank.width; x++)
        if (pointInPolygon(src, 3, ring, x + 0.5, y + 0.5) && luma(withBank, x, y) > SKIN_LUMA + 20) bright++;
    assert.equal(bright, 0, `${side} eye shows ${bright} pixels brighter than skin`);
  }
});

test('open and half-open eyes, and an excluded person, are left to the warp', () => {
  const p = portrait(160);
  const plain = createRenderer(p.image, p.state, p.landmarks);
  const banked = createRenderer(p.image, p.state, p.landmarks, withEyes(lashBank()));
  const same = (a: RgbaImage, b: RgbaImage): boolean => a.data.every((v, i) => v === b.data[i]);
  assert.ok(same(plain.render({ target: p.state }).image, banked.render({ target: p.state }).image));
  const half: FaceState = { ...p.state, canon: closeLids(p.state.canon, 0.4, 0.4) };
  assert.ok(same(plain.render({ target: half }).image, banked.render({ target: half }).image));
  const closed: FaceState = { ...p.state, canon: closeLids(p.state.canon, 1, 1) };
  const excluded = createRenderer(p.image, p.state, p.landmarks, withEyes(lashBank('them'), ['them']));
  assert.ok(same(plain.render({ target: closed }).image, excluded.render({ target: closed }).image));
  assert.ok(!same(plain.render({ target: closed }).image, banked.render({ target: closed }).image));
  // The blend in between: none while the eye is open, all once closed, rising steadily.
  assert.equal(closedAmount(1), 0);
  assert.equal(closedAmount(0), 1);
  for (let s = 0; s < 1; s += 0.05) assert.ok(closedAmount(s) >= closedAmount(s + 0.05));
});

test('a left eye’s tile is the mirror image of the right eye’s', () => {
  const p = portrait(160);
  const right = eyeTilePoints(p.landmarks, 'right');
  const left = eyeTilePoints(p.landmarks, 'left');
  for (let k = 0; k < right.length; k++) assert.ok(Math.abs(right[k]! - left[k]!) < 1, `point ${k >> 1}`);
});

test('a malformed eye bank is refused', () => {
  const atlas = createImage(EYE_TILE_W, EYE_TILE_H);
  const eye = { person: 'p', clip: 'c', frame: 0, side: 'right', points: new Array(32).fill(1), x: 0, y: 0 };
  const index = { version: EYE_BANK_VERSION, tile: [EYE_TILE_W, EYE_TILE_H], eyes: [eye] };
  assert.doesNotThrow(() => parseEyeBank(index, atlas));
  assert.throws(() => parseEyeBank({ ...index, version: 0 }, atlas), /version/);
  assert.throws(() => parseEyeBank({ ...index, eyes: [{ ...eye, x: 10 }] }, atlas), /outside/);
  assert.throws(() => parseEyeBank({ ...index, eyes: [{ ...eye, points: [1, 2] }] }, atlas), /points/);
  assert.throws(() => parseEyeBank({ ...index, eyes: [{ ...eye, side: 'middle' }] }, atlas), /side/);
  assert.throws(() => parseEyeBank({ ...index, eyes: [] }, atlas), /no eyes/);
});

test('the shipped bank holds closed eyes of several people, both sides', () => {
  const index = JSON.parse(readFileSync(path.resolve('assets/eye-bank.json'), 'utf8')) as {
    eyes: { person: string; side: string; points: number[] }[];
  };
  assert.ok(index.eyes.length >= 20, `${index.eyes.length} eyes`);
  assert.ok(new Set(index.eyes.map((e) => e.person)).size >= 6);
  assert.ok(index.eyes.some((e) => e.side === 'left') && index.eyes.some((e) => e.side === 'right'));
  // Every exemplar is closed: its upper and lower lids within a tenth of the eye's width of each other.
  for (const e of index.eyes) {
    const points = Float32Array.from(e.points);
    const upper = lidLine(points, 'upper');
    const lower = lidLine(points, 'lower');
    let gap = 0;
    for (let i = EYE_ORIGIN_U; i < EYE_ORIGIN_U + EYE_SCALE; i++) gap = Math.max(gap, lower[i]! - upper[i]!);
    assert.ok(gap < 0.1 * EYE_SCALE, `${e.person}: lids ${gap.toFixed(1)} tile pixels apart`);
  }
});
