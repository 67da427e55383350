/** The renderer on a real portrait: identity, translation, blink and mouth opening. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { GROUPS, LM, RIGHT_EYE_OPENING } from '../../src/face/topology.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import type { FaceResult } from '../../src/face/types.js';
import { readImage } from '../../src/media/image-file.js';
import type { RgbaImage } from '../../src/face/image.js';
import { closeLids, setLidOpening } from '../../src/face/lids.js';
import { faceState, projectState, type FaceState } from '../../src/motion/motion.js';
import { prepareMouth } from '../../src/render/mouth.js';
import { createRenderer, type Renderer } from '../../src/render/renderer.js';
import { ASTRONAUT } from '../helpers.js';

let analyzer: NodeFaceAnalyzer;
let img: RgbaImage;
let face: FaceResult;
let state: FaceState;
let renderer: Renderer;
before(async () => {
  analyzer = await createFaceAnalyzer({ emotion: false });
  img = await readImage(ASTRONAUT);
  face = (await analyzer.analyze(img))[0]!;
  state = faceState(face);
  renderer = createRenderer(img, state, face.landmarks);
});
after(() => analyzer.close());

/** Standard deviation of a list of values. */
function sdOf(v: number[]): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

/** Mean absolute RGB difference over a box. */
function meanDiff(a: RgbaImage, b: RgbaImage, x0: number, y0: number, x1: number, y1: number, dx = 0, dy = 0): number {
  let s = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * a.width + x) * 4;
      const q = ((y - dy) * b.width + (x - dx)) * 4;
      for (let k = 0; k < 3; k++) s += Math.abs(a.data[p + k]! - b.data[q + k]!);
      n += 3;
    }
  }
  return s / n;
}

test('rendering the source’s own pose and shape gives back the source', () => {
  const { image, mouth } = renderer.render({ target: state });
  // Exactly: an edit with every setting at 0 must be the portrait (before, the eyes' re-rendered irises and
  // the mirrored texture of the mesh’s folds left 59 pixels off by 30–165 levels here).
  let worst = 0;
  let off = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(image.data[4 * i + c]! - img.data[4 * i + c]!));
    worst = Math.max(worst, d);
    if (d > 1) off++;
  }
  assert.ok(worst <= 1, `${off} pixels differ, by up to ${worst} levels`);
  assert.equal(mouth, 'source');
});

test('a head moved 12 px right shows the face 12 px right, while the background stays', () => {
  const moved: FaceState = {
    ...state,
    pose: {
      ...state.pose,
      translation: [state.pose.translation[0] + 12, state.pose.translation[1], state.pose.translation[2]],
    },
  };
  const { image } = renderer.render({ target: moved });
  // Inner face (between the eyes, down to the mouth) matches the source shifted by 12 px.
  const lm = face.landmarks;
  const x0 = Math.round(lm[3 * LM.rightEyeInner]!);
  const x1 = Math.round(lm[3 * LM.leftEyeInner]!);
  const y0 = Math.round(lm[3 * LM.rightEyeInner + 1]!);
  const y1 = Math.round(lm[3 * LM.upperLipTop + 1]!);
  const shifted = meanDiff(image, img, x0 + 12, y0, x1 + 12, y1, 12, 0);
  const unshifted = meanDiff(image, img, x0 + 12, y0, x1 + 12, y1, 0, 0);
  assert.ok(
    shifted < 4 && shifted < unshifted / 3,
    `shifted ${shifted.toFixed(2)} vs unshifted ${unshifted.toFixed(2)}`,
  );
  assert.ok(meanDiff(image, img, 0, 470, 80, 512) < 0.5, 'the bottom-left corner (background) stays');
});

test('a blink covers the eye with lid skin instead of squeezing the iris', () => {
  const closed: FaceState = { ...state, canon: closeLids(state.canon, 1, 1) };
  const { image } = renderer.render({ target: closed });
  // Along the closed lid line, the colour is skin-like (close to the lid above), not the dark iris.
  const iris = face.landmarks.subarray(3 * LM.rightIrisCenter, 3 * LM.rightIrisCenter + 2);
  const at = (im: RgbaImage, x: number, y: number): number => {
    const p = (Math.round(y) * im.width + Math.round(x)) * 4;
    return (im.data[p]! + im.data[p + 1]! + im.data[p + 2]!) / 3;
  };
  const irisBefore = at(img, iris[0]!, iris[1]!);
  const lidTop = GROUPS.rightEyeUpper1[3]!;
  const skin = at(img, face.landmarks[3 * lidTop]!, face.landmarks[3 * lidTop + 1]!);
  // Where the iris was, the closed eye now shows lid skin.
  const atIrisAfter = at(image, iris[0]!, iris[1]! - 1);
  assert.ok(irisBefore < skin - 40, `iris ${irisBefore} is darker than lid skin ${skin}`);
  assert.ok(
    Math.abs(atIrisAfter - skin) < Math.abs(atIrisAfter - irisBefore),
    `closed eye ${atIrisAfter}: skin ${skin}, iris ${irisBefore}`,
  );
});

test('an eye opened wider than the portrait shows shows its own white stretched, not a flat fill', (t) => {
  // Upper lids raised to 1.8× the portrait's opening: white the portrait never showed appears above and
  // below the iris.
  const wide: FaceState = { ...state, canon: setLidOpening(state.canon, state.canon, 1.8, 1.8) };
  const { image, occlusion } = renderer.render({ target: wide, occlusion: true });
  const lm = projectState(wide);
  let inside = 0;
  let invented = 0;
  const greys: number[] = [];
  const iris = [lm[3 * LM.rightIrisCenter]!, lm[3 * LM.rightIrisCenter + 1]!];
  const irisR = Math.hypot(lm[3 * 474]! - iris[0]!, lm[3 * 474 + 1]! - iris[1]!);
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      if (!pointInPolygon(lm, 3, RIGHT_EYE_OPENING, x + 0.5, y + 0.5)) continue;
      inside++;
      if (occlusion![y * image.width + x]! >= 1) invented++;
      // The white beside the iris (same rows, outside it): its brightness varies as a real eye's does.
      if (Math.abs(x + 0.5 - iris[0]!) > 1.3 * irisR) {
        const p = (y * image.width + x) * 4;
        greys.push((image.data[p]! + image.data[p + 1]! + image.data[p + 2]!) / 3);
      }
    }
  assert.ok(inside > 100, `the opening covers ${inside} px`);
  // Before, the white the portrait did not show was one flat colour: 62% of this opening.
  t.diagnostic(`${inside} px, ${invented} invented, white sd ${sdOf(greys).toFixed(1)}`);
  assert.ok(invented / inside < 0.05, `${((100 * invented) / inside).toFixed(1)}% of the opening invented`);
  const sd = sdOf(greys);
  assert.ok(sd > 8, `the white's brightness varies by ${sd.toFixed(1)} (a flat fill varies by ~2)`);
});

test('opening the mouth without a driver synthesises a dark interior between the lips', () => {
  const canon = Float32Array.from(state.canon);
  // Drop the lower lip and jaw by 0.25 canonical units (a wide-open mouth).
  const lower = new Set<number>([
    ...GROUPS.lipsLowerOuter,
    ...GROUPS.lipsLowerInner,
    152,
    148,
    176,
    149,
    150,
    377,
    400,
    378,
    379,
    365,
    17,
    84,
    181,
    91,
    314,
    405,
    321,
    375,
    200,
    199,
    175,
    18,
  ]);
  for (const i of lower) if (i !== 61 && i !== 291 && i !== 78 && i !== 308) canon[3 * i + 1]! += 0.25;
  const { image, mouth } = renderer.render({ target: { ...state, canon } });
  assert.equal(mouth, 'synthesised');
  const lm = projectState({ ...state, canon });
  // Down the middle of the opening, between the inner lips: teeth under the upper lip, then dark cavity.
  const x = Math.round((lm[3 * LM.upperLipInner]! + lm[3 * LM.lowerLipInner]!) / 2);
  const y0 = Math.ceil(lm[3 * LM.upperLipInner + 1]!);
  const y1 = Math.floor(lm[3 * LM.lowerLipInner + 1]!);
  assert.ok(y1 - y0 > 10, `the mouth opens ${y1 - y0} px`);
  let darkest = 255;
  for (let y = y0; y <= y1; y++) {
    const p = (y * image.width + x) * 4;
    darkest = Math.min(darkest, (image.data[p]! + image.data[p + 1]! + image.data[p + 2]!) / 3);
  }
  assert.ok(darkest < 70, `darkest point inside the mouth: ${darkest}`);
});

test('expression appearance: no AUs change nothing; a smile shades the face only, on its own skin', () => {
  const plain = renderer.render({ target: state }).image;
  const zero = renderer.render({ target: state, aus: { left: {}, right: {} } }).image;
  assert.deepEqual(zero.data, plain.data, 'AU 0 is the identity');
  const smile = { left: { 12: 5, 6: 5 }, right: { 12: 5, 6: 5 } } as const;
  const shaded = renderer.render({ target: state, aus: smile, motion: true });
  let changed = 0;
  let outside = 0;
  let hueShift = 0;
  const b = face.box;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const p = (y * img.width + x) * 4;
      const d =
        Math.abs(shaded.image.data[p]! - plain.data[p]!) + Math.abs(shaded.image.data[p + 1]! - plain.data[p + 1]!);
      if (d === 0) continue;
      changed++;
      const inBox = x >= b.x - 4 && x <= b.x + b.width + 4 && y >= b.y - 4 && y <= b.y + b.height + 4;
      if (!inBox) outside++;
      // Multiplicative on luminance: the colour's proportions stay (up to rounding).
      const r0 = plain.data[p]! + 1;
      const g0 = plain.data[p + 1]! + 1;
      const r1 = shaded.image.data[p]! + 1;
      const g1 = shaded.image.data[p + 1]! + 1;
      if (r0 > 40 && g0 > 40 && Math.abs(r1 / g1 - r0 / g0) > 0.06) hueShift++;
    }
  }
  assert.ok(changed > 2000, `${changed} pixels shaded`);
  assert.equal(outside, 0, 'nothing outside the face changes');
  assert.ok(hueShift < changed * 0.01, `${hueShift} pixels changed hue`);
  assert.ok(
    shaded.shading && shaded.shading.reduce((m, v) => Math.max(m, v), 0) > 0.02,
    'the shading map reports the change',
  );
  const off = renderer.render({ target: state, aus: smile, appearance: 0 }).image;
  assert.deepEqual(off.data, plain.data, 'appearance 0 is off');
});

test('teeth the portrait shows are found beside the gap between the central incisors', () => {
  // The astronaut smiles with her teeth together; the midline runs down the dark gap between her central
  // incisors, so a midline-only search found no upper teeth and a smile opened onto a thin sliver of them.
  const m = prepareMouth(img, face.landmarks, new Float32Array(0), state);
  assert.ok(m.teethMeasured, 'her teeth are measured');
  const y13 = state.canon[3 * LM.upperLipInner + 1]!;
  const y14 = state.canon[3 * LM.lowerLipInner + 1]!;
  const shown = (m.upperEdge - y13) / (y14 - y13);
  assert.ok(shown > 0.6, `the upper teeth reach ${(100 * shown).toFixed(0)}% of the way to the lower lip`);
});
