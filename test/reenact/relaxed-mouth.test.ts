/**
 * An emotion that contradicts a smile, on a portrait that smiles with its teeth showing (the astronaut): the
 * lips close over the teeth instead of the grin surviving the edit; happy keeps them.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { bothSides } from '../../src/face/action-units.js';
import type { FaceResult } from '../../src/face/types.js';
import type { RgbaImage } from '../../src/face/image.js';
import { MOUTH_OPENING } from '../../src/face/topology.js';
import { createFaceEditor, type FaceEditor } from '../../src/expression/edit.js';
import { scriptedAUs, scriptedState } from '../../src/expression/scripted.js';
import { createTimelineSampler, parseTimeline } from '../../src/expression/timeline.js';
import { createRenderer } from '../../src/render/renderer.js';
import type { EmotionName } from '../../src/emotion/emotion.js';
import { forEachPixelInRing } from '../../src/render/geometry.js';
import { loadMouthBank } from '../../src/reenact/node/mouth-bank-file.js';
import { astronautFixture } from '../helpers.js';

let image: RgbaImage;
let landmarks: Float32Array;
let face: FaceResult;
let editor: FaceEditor;
before(async () => {
  ({ image, landmarks, face } = await astronautFixture());
  editor = createFaceEditor(image, face, undefined, { mouth: { bank: await loadMouthBank() } });
});

/** Pixels inside the portrait's own mouth opening that look like teeth: bright and nearly grey. */
function teeth(img: RgbaImage): number {
  let n = 0;
  forEachPixelInRing(landmarks, 3, MOUTH_OPENING, img.width, img.height, (_x, _y, o) => {
    const [r, g, b] = [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
    if (Math.min(r, g, b) > 150 && Math.max(r, g, b) - Math.min(r, g, b) < 35) n++;
  });
  return n;
}

test('sadness, anger and neutral close a toothy smile; happy keeps the teeth', (t) => {
  assert.ok(editor.before.lipsApart, 'the astronaut smiles with her teeth showing');
  const own = teeth(image);
  assert.ok(own > 40, `teeth pixels in the portrait: ${own}`);
  const shown = (name: EmotionName): number => teeth(editor.edit({ emotions: [{ name, intensity: 1 }] }).image) / own;
  for (const name of ['sad', 'angry', 'neutral'] as const) {
    const share = shown(name);
    t.diagnostic(`${name}: ${(100 * share).toFixed(0)}% of the teeth show`);
    assert.ok(share < 0.15, `${name}: ${(100 * share).toFixed(0)}% of the teeth still show`);
  }
  const happy = shown('happy');
  t.diagnostic(`happy: ${(100 * happy).toFixed(0)}% of the teeth show`);
  assert.ok(happy > 0.6, `happy: ${(100 * happy).toFixed(0)}% of the teeth show`);
  // Half the intensity, half relaxed: some teeth still show.
  const half = teeth(editor.edit({ emotions: [{ name: 'sad', intensity: 0.5 }] }).image) / own;
  t.diagnostic(`sad=0.5: ${(100 * half).toFixed(0)}% of the teeth show`);
  assert.ok(half > 0.15 && half < 0.8, `sad=0.5: ${(100 * half).toFixed(0)}%`);
});

test('an AU the edit sets itself still moves the mouth of a face showing its teeth', () => {
  // Only the emotions' fading gives way to the relaxed mouth: `--au 12=0 --absolute` takes the smile's corners in.
  const out = editor.edit({ aus: bothSides({ 12: 0 }), absolute: true, appearance: 0 }).image;
  let moved = 0;
  let n = 0;
  forEachPixelInRing(landmarks, 3, MOUTH_OPENING, image.width, image.height, (_x, _y, o) => {
    n++;
    if (Math.abs(out.data[o]! - image.data[o]!) + Math.abs(out.data[o + 1]! - image.data[o + 1]!) > 30) moved++;
  });
  assert.ok(moved > 0.2 * n, `${moved} of ${n} pixels of the opening changed`);
});

test('a timeline fades what its emotions contradict as the edit does: sad closes the grin, happy keeps it', async (t) => {
  const renderer = createRenderer(image, editor.state, landmarks, { mouth: { bank: await loadMouthBank() } });
  const sample = createTimelineSampler(
    parseTimeline(['duration 3s', 'blink off', 'at 0s neutral', 'at 1s sad', 'at 2s happy'].join('\n')),
  );
  const own = teeth(image);
  const shownAt = (time: number): number => {
    const frame = sample(time);
    const out = renderer.render({ target: scriptedState(editor.state, frame), aus: scriptedAUs(frame, editor.state) });
    return teeth(out.image) / own;
  };
  const [start, sad, happy] = [shownAt(0), shownAt(1), shownAt(2)];
  t.diagnostic(
    `teeth shown: start ${(100 * start).toFixed(0)}%, sad ${(100 * sad).toFixed(0)}%, happy ${(100 * happy).toFixed(0)}%`,
  );
  assert.ok(start > 0.9, `the timeline starts from the portrait as it is: ${(100 * start).toFixed(0)}%`);
  assert.ok(sad < 0.15, `sad: ${(100 * sad).toFixed(0)}% of the teeth still show`);
  assert.ok(happy > 0.6, `happy: ${(100 * happy).toFixed(0)}% of the teeth show`);
});
