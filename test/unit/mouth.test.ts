/**
 * The mouth interior on synthetic portraits (a painted face on the canonical landmarks): nothing shows
 * through a closed mouth; an opened mouth's teeth and cavity stay within the portrait's colours (grey for
 * a grey photo, never a driver's tint); the teeth scale with the portrait's mouth; and the colour check of
 * the evaluation flags green teeth.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyAUs, bothSides } from '../../src/face/action-units.js';
import type { RgbaImage } from '../../src/face/image.js';
import { LIPS_OUTER, MOUTH_OPENING } from '../../src/face/topology.js';
import { mouthColourReference, mouthColourSample, srgbToLab } from '../../src/eval/mouth-colour.js';
import { projectState, type FaceState } from '../../src/motion/motion.js';
import { pointInPolygon } from '../../src/render/geometry.js';
import { createRenderer } from '../../src/render/renderer.js';
import { portrait, SKIN, type Portrait } from '../synthetic-face.js';

/** Renders the portrait with its mouth opened by AUs; returns the image, the target landmarks and the interior pixels. */
function open(
  p: Portrait,
  aus: Parameters<typeof bothSides>[0],
  driver?: { image: RgbaImage; landmarks: Float32Array },
) {
  const renderer = createRenderer(p.image, p.state, p.landmarks);
  const target: FaceState = { pose: p.state.pose, canon: applyAUs(p.state.canon, bothSides(aus)) };
  const out = renderer.render({ target, driver });
  const lm = projectState(target);
  const inside: [number, number, number, number, number][] = [];
  for (let y = 0; y < out.image.height; y++) {
    for (let x = 0; x < out.image.width; x++) {
      if (!pointInPolygon(lm, 3, MOUTH_OPENING, x + 0.5, y + 0.5)) continue;
      const o = 4 * (y * out.image.width + x);
      inside.push([out.image.data[o]!, out.image.data[o + 1]!, out.image.data[o + 2]!, x, y]);
    }
  }
  return { ...out, lm, inside };
}

const luma = (p: readonly number[]): number => 0.3 * p[0]! + 0.59 * p[1]! + 0.11 * p[2]!;

test('a closed mouth renders no interior', () => {
  const p = portrait(110);
  const renderer = createRenderer(p.image, p.state, p.landmarks);
  const out = renderer.render({ target: p.state });
  assert.equal(out.mouth, 'none');
  // Around the lips the portrait comes back unchanged.
  const xs = LIPS_OUTER.map((i) => p.landmarks[3 * i]!);
  const ys = LIPS_OUTER.map((i) => p.landmarks[3 * i + 1]!);
  let diff = 0;
  for (let y = Math.floor(Math.min(...ys)) - 4; y <= Math.ceil(Math.max(...ys)) + 4; y++) {
    for (let x = Math.floor(Math.min(...xs)) - 4; x <= Math.ceil(Math.max(...xs)) + 4; x++) {
      for (let k = 0; k < 3; k++) {
        const o = 4 * (y * p.image.width + x) + k;
        diff = Math.max(diff, Math.abs(out.image.data[o]! - p.image.data[o]!));
      }
    }
  }
  assert.ok(diff <= 1, `the mouth comes back unchanged (max difference ${diff})`);
});

test('an opened mouth shows teeth and a dark cavity, within the portrait’s colours', () => {
  const p = portrait(110);
  const out = open(p, { 25: 4, 26: 4 });
  assert.equal(out.mouth, 'synthesised');
  assert.ok(out.inside.length > 200, `interior of ${out.inside.length} px`);
  const skinY = luma(SKIN);
  const teeth = out.inside.filter((c) => luma(c) > skinY);
  const dark = out.inside.filter((c) => luma(c) < 0.35 * skinY);
  assert.ok(teeth.length > 0.05 * out.inside.length, `teeth: ${teeth.length} of ${out.inside.length} px`);
  assert.ok(dark.length > 0.15 * out.inside.length, `cavity: ${dark.length} of ${out.inside.length} px`);
  // No pure white, and the teeth lie above the cavity (upper teeth hang from the upper lip).
  for (const c of out.inside) assert.ok(Math.max(c[0]!, c[1]!, c[2]!) < 250, `pure white ${c.slice(0, 3).join(',')}`);
  const meanY = (px: typeof teeth): number => px.reduce((s, c) => s + c[4]!, 0) / px.length;
  assert.ok(meanY(teeth.filter((c) => c[4]! < meanY(out.inside))) < meanY(dark));
  // Every coloured interior pixel has a hue the portrait's mouth region has.
  const ref = mouthColourReference(p.image, p.landmarks);
  const check = mouthColourSample(out.image, out.lm, ref)!;
  assert.ok(check.offHue < 0.005, `off-hue share ${check.offHue}`);
  assert.ok(check.teethChromaDistance < 10, `teeth ΔC*ab ${check.teethChromaDistance}`);
});

test('a grey photo gets a grey mouth', () => {
  const p = portrait(110, true);
  const out = open(p, { 25: 4, 26: 4, 12: 3 });
  assert.ok(out.inside.length > 200);
  for (const c of out.inside) {
    assert.ok(
      Math.max(c[0]!, c[1]!, c[2]!) - Math.min(c[0]!, c[1]!, c[2]!) <= 2,
      `coloured pixel ${c.slice(0, 3).join(',')}`,
    );
  }
});

test('a green-tinted driver does not give green teeth', () => {
  const p = portrait(110);
  // The driver: the same face with its mouth open and a strong green cast (a bad white balance).
  const d = open(p, { 25: 4, 26: 4 });
  const green = Uint8ClampedArray.from(d.image.data);
  for (let i = 0; i < green.length; i += 4) {
    green[i] = green[i]! * 0.7;
    green[i + 2] = green[i + 2]! * 0.7;
    green[i + 1] = Math.min(255, green[i + 1]! * 1.25);
  }
  const out = open(p, { 25: 4, 26: 4 }, { image: { ...d.image, data: green }, landmarks: d.lm });
  const teeth = out.inside.filter((c) => luma(c) > luma(SKIN));
  assert.ok(teeth.length > 20);
  for (const c of teeth) {
    const [, a] = srgbToLab(c[0]!, c[1]!, c[2]!);
    assert.ok(a > -2, `greenish tooth pixel ${c.slice(0, 3).join(',')} (a* ${a.toFixed(1)})`);
  }
  const check = mouthColourSample(out.image, out.lm, mouthColourReference(p.image, p.landmarks))!;
  assert.ok(check.offHue < 0.005, `off-hue share ${check.offHue}`);
});

test('the teeth scale with the portrait’s mouth and do not stretch with the lips', () => {
  /** Width of the upper teeth band: the extent of teeth pixels along the row of the upper half that has most. */
  const band = (o: ReturnType<typeof open>): number => {
    const ys = o.inside.map((c) => c[4]!);
    const top = Math.min(...ys);
    const mid = (top + Math.max(...ys)) / 2;
    let best = 0;
    for (let row = top; row <= mid; row++) {
      const xs = o.inside.filter((c) => c[4] === row && luma(c) > 0.75 * luma(SKIN)).map((c) => c[3]!);
      if (xs.length) best = Math.max(best, Math.max(...xs) - Math.min(...xs) + 1);
    }
    return best;
  };
  const small = band(open(portrait(90, false, 360), { 25: 3, 26: 3, 12: 4 }));
  const large = band(open(portrait(135, false, 360), { 25: 3, 26: 3, 12: 4 }));
  assert.ok(small > 10, `band ${small} px`);
  assert.ok(Math.abs(large / small - 1.5) < 0.15, `band ${small} → ${large} px for a face 1.5× as large`);
  // Stretching the lips sideways (AU20) widens the opening, but the teeth stay the portrait's: the band
  // does not stretch with the lips (what shows beyond the premolars is the dark of the cheeks).
  const p = portrait(110, false, 360);
  const o1 = open(p, { 25: 3, 26: 3 });
  const o2 = open(p, { 25: 3, 26: 3, 20: 5 });
  const opening = (o: typeof o1): number =>
    Math.hypot(o.lm[3 * 308]! - o.lm[3 * 78]!, o.lm[3 * 308 + 1]! - o.lm[3 * 78 + 1]!);
  assert.ok(opening(o2) > 1.15 * opening(o1), `opening ${opening(o1).toFixed(0)} → ${opening(o2).toFixed(0)} px`);
  const b1 = band(o1);
  const b2 = band(o2);
  assert.ok(Math.abs(b2 / b1 - 1) < 0.08, `band ${b1} → ${b2} px with the lips stretched`);
});

test('the mouth colour check flags green teeth and colour in a grey photo', () => {
  const p = portrait(110);
  const ok = open(p, { 25: 4, 26: 4, 12: 3 });
  const ref = mouthColourReference(p.image, p.landmarks);
  const good = mouthColourSample(ok.image, ok.lm, ref)!;
  // Recolour the interior's bright pixels green.
  const bad = Uint8ClampedArray.from(ok.image.data);
  for (const [, , , x, y] of ok.inside) {
    const o = 4 * (y * ok.image.width + x);
    if (luma([bad[o]!, bad[o + 1]!, bad[o + 2]!]) > luma(SKIN)) {
      bad[o] = 150;
      bad[o + 1] = 215;
      bad[o + 2] = 150;
    }
  }
  const green = mouthColourSample({ ...ok.image, data: bad }, ok.lm, ref)!;
  assert.ok(green.teethChromaDistance > 20 && green.teethChromaDistance > 3 * good.teethChromaDistance);
  assert.ok(green.offHue > 0.05 && good.offHue < 0.005, `off-hue ${good.offHue} → ${green.offHue}`);
  // A grey portrait has no hues at all: any coloured interior pixel is off.
  const g = portrait(110, true);
  const greyRef = mouthColourReference(g.image, g.landmarks);
  assert.ok(mouthColourSample(ok.image, ok.lm, greyRef)!.offHue > 0.2);
  assert.equal(mouthColourSample(p.image, p.landmarks, ref), undefined, 'a closed mouth is not measured');
});

test('sRGB → L*a*b*: white, grey and the primaries', () => {
  const close = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]!) < tol);
  assert.ok(close(srgbToLab(255, 255, 255), [100, 0, 0], 0.05));
  assert.ok(close(srgbToLab(119, 119, 119), [50, 0, 0], 0.3));
  assert.ok(close(srgbToLab(255, 0, 0), [53.24, 80.09, 67.2], 0.2));
  assert.ok(close(srgbToLab(0, 255, 0), [87.73, -86.18, 83.18], 0.2));
});
