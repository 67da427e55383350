/**
 * Eyes with no iris (a statue's carved eyes) on a synthetic portrait: the pale eyeball under a dark groove
 * that lies above the upper-lid landmarks. The renderer finds the groove, renders the unchanged face as
 * the portrait, and closes the lid over groove and eyeball, leaving a thin shadow line; an eye with an
 * iris is left to the landmarks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbaImage } from '../../src/face/image.js';
import { closeLids } from '../../src/face/lids.js';
import { GROUPS, LEFT_EYE_OPENING, RIGHT_EYE_OPENING } from '../../src/face/topology.js';
import { projectState, type FaceState } from '../../src/motion/motion.js';
import { prepareEye } from '../../src/render/eyes.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import { measureLidEdges } from '../../src/render/lid-edges.js';
import { createRenderer } from '../../src/render/renderer.js';
import { portrait, SKIN } from '../synthetic-face.js';

const luma = (img: RgbaImage, x: number, y: number): number => {
  const p = 4 * (Math.round(y - 0.5) * img.width + Math.round(x - 0.5));
  return 0.3 * img.data[p]! + 0.59 * img.data[p + 1]! + 0.11 * img.data[p + 2]!;
};
const SKIN_LUMA = 0.3 * SKIN[0] + 0.59 * SKIN[1] + 0.11 * SKIN[2];

/** Distance from (x, y) to the polyline through `points` of `lm`. */
function toPolyline(lm: Float32Array, points: readonly number[], x: number, y: number): number {
  let best = Infinity;
  for (let k = 0; k + 1 < points.length; k++) {
    const ax = lm[3 * points[k]!]!;
    const ay = lm[3 * points[k]! + 1]!;
    const bx = lm[3 * points[k + 1]!]!;
    const by = lm[3 * points[k + 1]! + 1]!;
    const t = Math.max(
      0,
      Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
    );
    best = Math.min(best, Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)));
  }
  return best;
}

/** The synthetic portrait with carved eyes: clay eyeballs a little paler than the skin, a dark groove above. */
function carved(): { image: RgbaImage; state: FaceState; landmarks: Float32Array } {
  const p = portrait(160);
  const lm = p.landmarks;
  const data = Uint8ClampedArray.from(p.image.data);
  const lids = [
    [33, ...GROUPS.rightEyeUpper0, 133],
    [263, ...GROUPS.leftEyeUpper0, 362],
  ];
  for (let y = 0; y < p.image.height; y++) {
    for (let x = 0; x < p.image.width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let c: readonly number[] | undefined;
      for (const [ring, lid] of [
        [RIGHT_EYE_OPENING, lids[0]!],
        [LEFT_EYE_OPENING, lids[1]!],
      ] as const) {
        if (pointInPolygon(lm, 3, ring, px, py)) c = SKIN.map((v) => v * 1.08);
        else if (toPolyline(lm, lid, px, py) < 3 && py < lm[3 * lid[4]!]! + 2) {
          // The groove: above the margin (outside the opening), up to 3 px from it.
          const d = toPolyline(lm, lid, px, py);
          if (d > 0.5) c = SKIN.map((v) => v * 0.45);
        }
      }
      if (c) for (let k = 0; k < 3; k++) data[4 * (y * p.image.width + x) + k] = c[k]!;
    }
  }
  return { image: { ...p.image, data }, state: p.state, landmarks: lm };
}

test('an eye with an iris keeps its landmarks; a carved one has no iris and its groove is found above the margin', () => {
  const photo = portrait(160);
  assert.ok(prepareEye(photo.image, photo.landmarks, 'right').hasIris);
  assert.equal(measureLidEdges(photo.image, photo.landmarks, { right: true, left: true }), undefined);

  const statue = carved();
  for (const side of ['right', 'left'] as const)
    assert.equal(prepareEye(statue.image, statue.landmarks, side).hasIris, false);
  const edges = measureLidEdges(statue.image, statue.landmarks, { right: true, left: true });
  assert.ok(edges, 'the grooves are found');
  for (const side of ['right', 'left'] as const) {
    const up = edges[side].upper;
    // The middle of the upper lid moves up (y decreases) past the groove: 2–4 px.
    const lift = -up[2 * 3 + 1]!;
    assert.ok(lift >= 2 && lift <= 4.5, `${side} lift ${lift}`);
  }
});

test('a carved eye renders unchanged as the portrait and closes over its groove with a thin shadow line', () => {
  const statue = carved();
  const renderer = createRenderer(statue.image, statue.state, statue.landmarks);
  const same = renderer.render({ target: statue.state }).image;
  let worst = 0;
  for (let i = 0; i < same.data.length; i++) worst = Math.max(worst, Math.abs(same.data[i]! - statue.image.data[i]!));
  assert.ok(worst <= 2, `unchanged face differs by ${worst}`);

  const closed = renderer.render({ target: { ...statue.state, canon: closeLids(statue.state.canon, 1, 1) } }).image;
  const target = projectState({ ...statue.state, canon: closeLids(statue.state.canon, 1, 1) });
  for (const [mid, lower] of [
    [159, 145],
    [386, 374],
  ] as const) {
    const x = statue.landmarks[3 * mid]!;
    // Where the groove was (1.5 px above the margin): lid skin now, not the groove.
    const groove = statue.landmarks[3 * mid + 1]! - 1.5;
    assert.ok(luma(statue.image, x, groove) < 0.6 * SKIN_LUMA, 'the portrait has its groove there');
    assert.ok(luma(closed, x, groove) > 0.85 * SKIN_LUMA, `groove still shows: ${luma(closed, x, groove).toFixed(0)}`);
    // Along the closed lids, a line of shadow (darker than the skin) within a pixel or two of the lower lid.
    const yl = target[3 * lower + 1]!;
    let darkest = Infinity;
    for (let dy = -3; dy <= 1; dy += 0.5) darkest = Math.min(darkest, luma(closed, x, yl + dy));
    assert.ok(darkest < 0.75 * SKIN_LUMA, `no closure line: darkest ${darkest.toFixed(0)}`);
    // And no pale eyeball left between the groove's old place and the closed lids (the eyeball is 1.08× the
    // skin, the shaded skin at most 1×).
    for (let y = groove; y < yl - 1; y += 0.5)
      assert.ok(luma(closed, x, y) < 1.04 * SKIN_LUMA, `eyeball shows at y ${y}`);
  }
});
