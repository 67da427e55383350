/**
 * The bank of real mouths, engine side: tiles are cut aligned with the mouth; retrieval finds the exemplar
 * of the nearest shape, leaves out excluded people, blends only near-ties and gives up on shapes far from
 * anything; a portrait whose mouth opens takes its interior from the chosen exemplar, warped onto its
 * opening and carried into its light; a malformed bank is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyAUs, bothSides } from '../../src/face/action-units.js';
import { createImage, type RgbaImage } from '../../src/face/image.js';
import { MOUTH_OPENING } from '../../src/face/topology.js';
import { projectState, type FaceState } from '../../src/motion/motion.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import {
  DRIVER,
  featureOpening,
  BANK_ORIGIN_U,
  BANK_ORIGIN_V,
  BANK_SCALE,
  BANK_TILE,
  cutMouthTile,
  FEATURE_LENGTH,
  MOUTH_BANK_VERSION,
  mouthShapeFeature,
  parseMouthBank,
  saturationRatio,
  teethGain,
  upperTeethShare,
  type MouthBank,
  type MouthExemplar,
} from '../../src/render/mouth-bank.js';
import { BANK_MAX_DISTANCE, createMouthTrack, rankMouths, shapeDistance } from '../../src/render/mouth-retrieval.js';
import { createRenderer } from '../../src/render/renderer.js';
import { portrait } from '../synthetic-face.js';

/** The portrait with its mouth opened by AUs: state and projected landmarks. */
function opened(p: ReturnType<typeof portrait>, aus: Parameters<typeof bothSides>[0]): FaceState {
  return { pose: p.state.pose, canon: applyAUs(p.state.canon, bothSides(aus)) };
}

/** An exemplar cut from a frame (the portrait rendered open), its tile painted one flat colour. */
function exemplarFrom(
  image: RgbaImage,
  state: FaceState,
  colour: [number, number, number],
  person: string,
  slot: number,
  atlas: RgbaImage,
): MouthExemplar {
  const lm = projectState(state);
  const points = cutMouthTile(image, lm, atlas.data as Uint8ClampedArray, atlas.width, slot * BANK_TILE, 0);
  for (let j = 0; j < BANK_TILE; j++)
    for (let i = 0; i < BANK_TILE; i++) atlas.data.set([...colour, 255], 4 * (j * atlas.width + slot * BANK_TILE + i));
  return {
    person,
    clip: `${person}.mp4`,
    frame: 0,
    feature: mouthShapeFeature(state.canon),
    points,
    teeth: [200, 200, 200],
    lip: [180, 90, 90],
    skin: [200, 150, 130],
    yawDeg: 0,
    widthPx: 80,
    x: slot * BANK_TILE,
    y: 0,
  };
}

/** A bank of two mouths of the portrait, a (a little open, red) and b (wide open, green). */
function twoMouths(): { p: ReturnType<typeof portrait>; a: FaceState; b: FaceState; bank: MouthBank } {
  const p = portrait(110);
  const atlas = createImage(2 * BANK_TILE, BANK_TILE);
  const a = opened(p, { 25: 2, 26: 1 });
  const b = opened(p, { 25: 3.5, 26: 4 });
  const bank: MouthBank = {
    atlas,
    exemplars: [
      exemplarFrom(p.image, a, [200, 0, 0], 'a', 0, atlas),
      exemplarFrom(p.image, b, [0, 200, 0], 'b', 1, atlas),
    ],
  };
  return { p, a, b, bank };
}

test('a tile is cut with the inner corners on its origin row, BANK_SCALE pixels apart', () => {
  const p = portrait(110);
  const lm = projectState(opened(p, { 25: 3, 26: 3 }));
  const tile = new Uint8ClampedArray(BANK_TILE * BANK_TILE * 4);
  const pts = cutMouthTile(p.image, lm, tile, BANK_TILE);
  const r = MOUTH_OPENING.indexOf(78);
  const l = MOUTH_OPENING.indexOf(308);
  assert.ok(Math.abs(pts[2 * r]! - (BANK_ORIGIN_U - BANK_SCALE / 2)) < 1e-3, `right corner x ${pts[2 * r]}`);
  assert.ok(Math.abs(pts[2 * l]! - (BANK_ORIGIN_U + BANK_SCALE / 2)) < 1e-3, `left corner x ${pts[2 * l]}`);
  assert.ok(Math.abs(pts[2 * r + 1]! - BANK_ORIGIN_V) < 1e-3 && Math.abs(pts[2 * l + 1]! - BANK_ORIGIN_V) < 1e-3);
  // The lower inner lip lies below the corners, the upper above (an open mouth).
  assert.ok(pts[2 * MOUTH_OPENING.indexOf(14) + 1]! > BANK_ORIGIN_V + 5);
  assert.ok(pts[2 * MOUTH_OPENING.indexOf(13) + 1]! < pts[2 * MOUTH_OPENING.indexOf(14) + 1]! - 10);
  // The tile holds the portrait's pixels (not left empty).
  assert.ok(tile.some((v, i) => i % 4 !== 3 && v > 0));
});

test('retrieval: nearest shape first, excluded people skipped; far shapes get nothing', () => {
  const p = portrait(110);
  const atlas = createImage(3 * BANK_TILE, BANK_TILE);
  const small = opened(p, { 25: 2, 26: 1 });
  const wide = opened(p, { 25: 4, 26: 5 });
  const bank: MouthBank = {
    atlas,
    exemplars: [
      exemplarFrom(p.image, small, [200, 0, 0], 'a', 0, atlas),
      exemplarFrom(p.image, wide, [0, 200, 0], 'b', 1, atlas),
      exemplarFrom(p.image, wide, [0, 0, 200], 'c', 2, atlas),
    ],
  };
  const near = rankMouths(bank, mouthShapeFeature(opened(p, { 25: 2, 26: 1.2 }).canon));
  assert.equal(near[0]!.exemplar.person, 'a');
  assert.ok(near[0]!.distance < near[1]!.distance);
  const noB = rankMouths(bank, mouthShapeFeature(wide.canon), { exclude: new Set(['b']) });
  assert.ok(noB.every((c) => c.exemplar.person !== 'b') && noB[0]!.exemplar.person === 'c');
  // A mouth a little more open than an exemplar is near it (the exemplar may be stretched), a different form is not.
  const f = mouthShapeFeature(small.canon);
  const taller = Float32Array.from(f, (v, i) => (i % 2 === 1 && i < 2 * MOUTH_OPENING.length ? 1.2 * v : v));
  assert.ok(shapeDistance(f, taller) < 0.1, `stretched: ${shapeDistance(f, taller)}`);
  assert.ok(shapeDistance(f, mouthShapeFeature(wide.canon)) > 2 * shapeDistance(f, taller));
  // Nothing close: the track gives nothing (the drawn interior is used).
  assert.deepEqual(createMouthTrack()(bank, new Float32Array(FEATURE_LENGTH).fill(3)), []);
  assert.ok(BANK_MAX_DISTANCE < 3);
});

test('retrieval weighs the teeth shown: a smile off the upper teeth takes a mouth that shows them', () => {
  const p = portrait(110);
  const shape = opened(p, { 12: 3, 25: 2, 26: 1 });
  const atlas = createImage(2 * BANK_TILE, BANK_TILE);
  const dark = exemplarFrom(p.image, shape, [60, 20, 25], 'dark', 0, atlas);
  const toothy = exemplarFrom(p.image, shape, [60, 20, 25], 'toothy', 1, atlas);
  // Paint upper teeth into the second tile: a pale band under the upper lip, a third of the opening deep.
  const up = MOUTH_OPENING.indexOf(13);
  const down = MOUTH_OPENING.indexOf(14);
  const [top, bottom] = [toothy.points[2 * up + 1]!, toothy.points[2 * down + 1]!];
  for (let y = Math.ceil(top); y < top + (bottom - top) / 3; y++)
    for (let x = 0; x < BANK_TILE; x++) atlas.data.set([235, 230, 220, 255], 4 * (y * atlas.width + BANK_TILE + x));
  const bank: MouthBank = { atlas, exemplars: [dark, toothy] };
  for (const e of bank.exemplars) e.upperTeeth = upperTeethShare(atlas, e);
  assert.equal(dark.upperTeeth, 0);
  assert.ok(toothy.upperTeeth! > 0.25 && toothy.upperTeeth! < 0.45, `toothy ${toothy.upperTeeth}`);
  const f = mouthShapeFeature(shape.canon);
  assert.equal(rankMouths(bank, f, { upperTeeth: 0.35 })[0]!.exemplar.person, 'toothy');
  assert.equal(rankMouths(bank, f, { upperTeeth: 0 })[0]!.exemplar.person, 'dark');
});

test('over a video one exemplar shows at a time, held through jitter, crossfaded at a change', () => {
  const { a, b, bank } = twoMouths();
  const fa = mouthShapeFeature(a.canon);
  const fb = mouthShapeFeature(b.canon);
  const mix = (t: number): Float32Array => Float32Array.from(fa, (v, i) => (1 - t) * v + t * fb[i]!);
  // Halfway between the two, jittering by ±2%: whichever shows first keeps showing.
  const track = createMouthTrack();
  const first = track(bank, mix(0.5))[0]!.exemplar.person;
  for (let i = 0; i < 20; i++) {
    const shown = track(bank, mix(0.5 + (i % 2 ? 0.02 : -0.02)));
    assert.equal(shown.length, 1, `frame ${i}: one exemplar`);
    assert.equal(shown[0]!.exemplar.person, first, `frame ${i}: held`);
  }
  // A clear move to the other shape: a crossfade of a few frames, then the other alone.
  const other = first === 'a' ? 'b' : 'a';
  const target = first === 'a' ? fb : fa;
  const seq = Array.from({ length: 8 }, () => track(bank, target));
  assert.equal(seq[0]![0]!.exemplar.person, other);
  assert.equal(seq[0]!.length, 2, 'the change is crossfaded');
  assert.ok(seq[0]![0]!.weight < seq[1]![0]!.weight, 'the new exemplar fades in');
  assert.deepEqual(
    seq.at(-1)!.map((c) => [c.exemplar.person, c.weight]),
    [[other, 1]],
  );
});

test('a still frame (an edit) shows the nearest mouth whatever was rendered before; a sequence holds its mouth', () => {
  const { p, a, b, bank } = twoMouths();
  // Between the two shapes, a little nearer to a: a sequence that came from b keeps showing b.
  const mid: FaceState = { pose: a.pose, canon: Float32Array.from(a.canon, (v, i) => 0.6 * v + 0.4 * b.canon[i]!) };
  const render = (history: FaceState[], still: boolean): Uint8ClampedArray => {
    const r = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank } });
    for (const target of history) r.render({ target, still });
    return r.render({ target: mid, still }).image.data;
  };
  const fresh = render([], true);
  assert.deepEqual(render([b], true), fresh, 'an edit after another renders as if it were the first');
  assert.deepEqual(render([a, b, a], true), fresh);
  assert.notDeepEqual(render([b, b, b, b, b, b], false), fresh, 'a sequence holds the mouth it showed');
});

test('an opening mouth takes its interior from the bank, in the portrait’s light', () => {
  const p = portrait(110);
  const target = opened(p, { 25: 4, 26: 4 });
  const atlas = createImage(BANK_TILE, BANK_TILE);
  const e = exemplarFrom(p.image, target, [180, 60, 60], 'x', 0, atlas);
  const bank: MouthBank = { atlas, exemplars: [e] };
  const withBank = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank } }).render({ target });
  const drawn = createRenderer(p.image, p.state, p.landmarks).render({ target });
  assert.equal(withBank.mouth, 'bank');
  assert.equal(drawn.mouth, 'synthesised');
  // Inside the opening the colour is the tile's, times the gain from the exemplar's teeth to the portrait's.
  const lm = projectState(target);
  const inside: number[][] = [];
  for (let y = 0; y < p.image.height; y++)
    for (let x = 0; x < p.image.width; x++) {
      if (!pointInPolygon(lm, 3, MOUTH_OPENING, x + 0.5, y + 0.5)) continue;
      const o = 4 * (y * p.image.width + x);
      inside.push([...withBank.image.data.subarray(o, o + 3)]);
    }
  assert.ok(inside.length > 200, `${inside.length} interior pixels`);
  const mean = [0, 1, 2].map((k) => inside.reduce((s, c) => s + c[k]!, 0) / inside.length);
  // The renderer's own teeth estimate for this portrait decides the gain; the tile's hue must survive it.
  assert.ok(mean[0]! > 1.8 * mean[1]! && mean[0]! > 1.8 * mean[2]!, `mean interior ${mean.map((v) => v.toFixed(0))}`);
  // Excluding the only person falls back to the drawn interior.
  const excluded = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank, bankExclude: ['x'] } }).render({
    target,
  });
  assert.equal(excluded.mouth, 'synthesised');
});

test('the light gain follows the teeth ratio but keeps the hue within bounds; a grey photo gets a grey mouth', () => {
  const g = teethGain([220, 210, 200], [110, 105, 100]);
  for (const v of g) assert.ok(Math.abs(v - 2) < 0.05, `gain ${g}`);
  // A red-cast measurement may warm the mouth, but no channel gets more than 1.06/0.94 times another's gain.
  const tinted = teethGain([250, 100, 100], [100, 100, 100]);
  assert.ok(Math.max(...tinted) / Math.min(...tinted) <= 1.06 / 0.94 + 1e-9, `gain ${tinted}`);
  assert.ok(tinted[0] > tinted[1], 'still warmer than neutral');
  // Measured on the skin by the mouth: a grey portrait's mouth is grey, a faded one's paler; a colour portrait
  // keeps the exemplar's colours, whatever the two skins' tones (pale skin must not grey a darker person's
  // pink tongue) and whatever the lips (lipstick).
  assert.equal(saturationRatio([120, 120, 120], [200, 150, 130]), 0);
  assert.ok(Math.abs(saturationRatio([200, 150, 130], [200, 150, 130]) - 1) < 1e-9);
  assert.equal(saturationRatio([217, 181, 155], [148, 95, 77]), 1);
  const faded = saturationRatio([200, 180, 170], [148, 95, 77]);
  assert.ok(faded > 0.4 && faded < 0.7, `faded ${faded}`);
  // Rendered: a grey portrait with a red exemplar gets a grey interior.
  const p = portrait(110, true);
  const target = opened(p, { 25: 4, 26: 4 });
  const atlas = createImage(BANK_TILE, BANK_TILE);
  const bank: MouthBank = { atlas, exemplars: [exemplarFrom(p.image, target, [180, 60, 60], 'x', 0, atlas)] };
  const out = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank } }).render({ target });
  assert.equal(out.mouth, 'bank');
  const lm = projectState(target);
  let n = 0;
  for (let y = 0; y < p.image.height; y++)
    for (let x = 0; x < p.image.width; x++) {
      if (!pointInPolygon(lm, 3, MOUTH_OPENING, x + 0.5, y + 0.5)) continue;
      const o = 4 * (y * p.image.width + x);
      const c = out.image.data.subarray(o, o + 3);
      assert.ok(Math.max(...c) - Math.min(...c) <= 2, `coloured pixel ${[...c]}`);
      n++;
    }
  assert.ok(n > 200);
});

test('teeth take the portrait’s tint and at most its brightness: no yellow or blown-out strip is pasted in', () => {
  const p = portrait(110);
  const target = opened(p, { 25: 4, 26: 4 });
  const lm = projectState(target);
  const interior = (colour: [number, number, number], teeth?: [number, number, number]): number[] => {
    const atlas = createImage(BANK_TILE, BANK_TILE);
    const e = exemplarFrom(p.image, target, colour, 'x', 0, atlas);
    if (teeth) e.teeth = teeth;
    const bank: MouthBank = { atlas, exemplars: [e] };
    const out = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank } }).render({ target });
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = 0; y < p.image.height; y++)
      for (let x = 0; x < p.image.width; x++) {
        if (!pointInPolygon(lm, 3, MOUTH_OPENING, x + 0.5, y + 0.5)) continue;
        const o = 4 * (y * p.image.width + x);
        for (let k = 0; k < 3; k++) sum[k]! += out.image.data[o + k]!;
        n++;
      }
    return sum.map((v) => v / n);
  };
  // As bright as teeth and strongly yellow (blue 40% of red): rendered close to the portrait's own white.
  const teeth = interior([235, 215, 95]);
  assert.ok(teeth[2]! > 0.8 * teeth[0]!, `teeth ${teeth.map((v) => v.toFixed(0))}`);
  // A dark red inside (tongue, throat) keeps its colour.
  const tongue = interior([120, 40, 45]);
  assert.ok(tongue[0]! > 2 * tongue[1]!, `tongue ${tongue.map((v) => v.toFixed(0))}`);
  // Teeth measured darker than they are (a dim video) are not lifted far past the portrait's own teeth: the
  // same white tile, its teeth measured at half their brightness, renders at most 15% brighter than when
  // they were measured right.
  const right = interior([235, 235, 235], [235, 235, 235]);
  const dim = interior([235, 235, 235], [118, 118, 118]);
  assert.ok(dim[1]! <= 1.15 * right[1]! + 3, `measured right ${right[1]!.toFixed(0)}, dim ${dim[1]!.toFixed(0)}`);
});

test('a malformed bank is refused with what is wrong', () => {
  const atlas = createImage(BANK_TILE, BANK_TILE);
  const good = {
    person: 'a',
    clip: 'a.mp4',
    frame: 0,
    feature: new Array(FEATURE_LENGTH).fill(0),
    points: new Array(2 * (MOUTH_OPENING.length + 1)).fill(10),
    teeth: [200, 200, 200],
    lip: [180, 90, 90],
    skin: [200, 150, 130],
    yawDeg: 0,
    widthPx: 80,
    x: 0,
    y: 0,
  };
  assert.equal(
    parseMouthBank({ version: MOUTH_BANK_VERSION, tile: BANK_TILE, exemplars: [good] }, atlas).exemplars.length,
    1,
  );
  assert.throws(() => parseMouthBank({ version: 0, tile: BANK_TILE, exemplars: [good] }, atlas), /version 0/);
  assert.throws(
    () => parseMouthBank({ version: MOUTH_BANK_VERSION, tile: BANK_TILE, exemplars: [{ ...good, x: 10 }] }, atlas),
    /outside/,
  );
  assert.throws(
    () =>
      parseMouthBank(
        { version: MOUTH_BANK_VERSION, tile: BANK_TILE, exemplars: [{ ...good, feature: [1, 2] }] },
        atlas,
      ),
    /feature is not/,
  );
  assert.throws(
    () => parseMouthBank({ version: MOUTH_BANK_VERSION, tile: BANK_TILE, exemplars: [{ ...good, skin: [] }] }, atlas),
    /skin colour is not/,
  );
});

test('in reenactment the driver’s own mouth is a candidate, and can be turned off', () => {
  const p = portrait(110);
  const target = opened(p, { 25: 4, 26: 4 });
  const lm = projectState(target);
  // The driver: the same face opened the same way, its opening painted green.
  const drawn = createRenderer(p.image, p.state, p.landmarks).render({ target }).image;
  const green = Uint8ClampedArray.from(drawn.data);
  const inside = (x: number, y: number): boolean => pointInPolygon(lm, 3, MOUTH_OPENING, x + 0.5, y + 0.5);
  for (let y = 0; y < drawn.height; y++)
    for (let x = 0; x < drawn.width; x++) if (inside(x, y)) green.set([40, 200, 40], 4 * (y * drawn.width + x));
  const driver = { image: { ...drawn, data: green }, landmarks: lm };
  const atlas = createImage(BANK_TILE, BANK_TILE);
  const bank: MouthBank = { atlas, exemplars: [exemplarFrom(p.image, target, [180, 60, 60], 'x', 0, atlas)] };
  const meanInside = (img: RgbaImage): number[] => {
    const acc = [0, 0, 0, 0];
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        if (!inside(x, y)) continue;
        const o = 4 * (y * img.width + x);
        for (let k = 0; k < 3; k++) acc[k]! += img.data[o + k]!;
        acc[3]!++;
      }
    return acc.slice(0, 3).map((v) => v / acc[3]!);
  };
  const own = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank } }).render({ target, driver });
  assert.equal(own.mouth, 'bank');
  const g = meanInside(own.image);
  assert.ok(g[1]! > 1.5 * g[0]!, `the driver's (green) mouth shows: ${g.map((v) => v.toFixed(0))}`);
  const off = createRenderer(p.image, p.state, p.landmarks, { mouth: { bank, driver: false } }).render({
    target,
    driver,
  });
  const r = meanInside(off.image);
  assert.ok(r[0]! > 1.5 * r[1]!, `without it, the bank's (red) mouth: ${r.map((v) => v.toFixed(0))}`);
});

test('the shipped bank loads: hundreds of real mouths of dozens of people, small enough to ship', async () => {
  const { loadMouthBank, ASSETS_DIR } = await import('../../src/reenact/node/mouth-bank-file.js');
  const { statSync } = await import('node:fs');
  const bank = await loadMouthBank();
  const people = new Set(bank.exemplars.map((e) => e.person));
  assert.ok(bank.exemplars.length >= 500, `${bank.exemplars.length} exemplars`);
  assert.ok(people.size >= 30, `${people.size} people`);
  assert.ok(!people.has(DRIVER));
  const bytes = ['mouth-bank.json', 'mouth-bank.jpg'].reduce((s, f) => s + statSync(`${ASSETS_DIR}/${f}`).size, 0);
  assert.ok(bytes < 3 * 1024 * 1024, `${(bytes / 1048576).toFixed(2)} MiB`);
  // Every exemplar is an open mouth, as the build script promises.
  for (const e of bank.exemplars) assert.ok(featureOpening(e.feature) >= 0.0999, `${e.clip}:${e.frame}`);
  // A bank that is not there is one clear error.
  await assert.rejects(loadMouthBank('/nonexistent-dir'), /could not read the mouth bank in \/nonexistent-dir/);
});
