import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facesNamed, selectedFaces, splitPerFace } from '../../src/expression/faces.js';
import { composeChanges, composeFaces } from '../../src/render/compose.js';
import { parseFaceSelection } from '../../src/options.js';

test('face selections: all, one, a list; missing faces named', () => {
  assert.equal(parseFaceSelection('all'), 'all');
  assert.deepEqual(parseFaceSelection('2'), [2]);
  assert.deepEqual(parseFaceSelection(' 0, 2 '), [0, 2]);
  assert.throws(() => parseFaceSelection('0,x'), /Expected all, a face number/);
  assert.throws(() => parseFaceSelection('1,1'), /face 1 is named twice/);
  assert.deepEqual(selectedFaces('all', 3, 'p.jpg'), [0, 1, 2]);
  assert.throws(() => selectedFaces([0, 3], 3, 'p.jpg'), /p\.jpg has 3 faces; face 3 does not exist/);
});

test('per-face settings: unprefixed items for every face, n: items for face n', () => {
  const m = splitPerFace('happy=0.5,1:surprised,0:sad=0.2,1:fear=0.3');
  assert.equal(m.get('*'), 'happy=0.5');
  assert.equal(m.get(0), 'sad=0.2');
  assert.equal(m.get(1), 'surprised,fear=0.3');
  assert.deepEqual(facesNamed(m), [0, 1]);
  assert.deepEqual(facesNamed(splitPerFace('12=3,L45=5')), []);
});

test('composing faces: each face’s own change where only it moved, a mask-weighted blend where both did', () => {
  const source = {
    width: 3,
    height: 1,
    data: new Uint8ClampedArray([10, 10, 10, 255, 10, 10, 10, 255, 10, 10, 10, 255]),
  };
  const a = {
    image: {
      width: 3,
      height: 1,
      data: new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255, 10, 10, 10, 255]),
    },
    mask: Float32Array.from([1, 0.5, 0]),
  };
  const b = {
    image: { width: 3, height: 1, data: new Uint8ClampedArray([10, 10, 10, 255, 40, 40, 40, 255, 10, 10, 10, 255]) },
    mask: Float32Array.from([0, 1, 0]),
  };
  const { image, mask } = composeFaces(source, [a, b]);
  assert.deepEqual([...image.data.slice(0, 3)], [100, 100, 100]); // a alone
  assert.deepEqual([...image.data.slice(4, 7)], [60, 60, 60]); // (0.5·100 + 1·40) / 1.5
  assert.deepEqual([...image.data.slice(8, 11)], [10, 10, 10]); // neither: the source
  assert.deepEqual([...mask], [1, 1, 0]);
});

test('composing reenacted faces by how far each changed a pixel, within each render’s changed box', () => {
  const px = (...v: number[]): Uint8ClampedArray => new Uint8ClampedArray(v.flatMap((g) => [g, g, g, 255]));
  const source = { width: 4, height: 1, data: px(10, 10, 10, 10) };
  // a changed pixels 0 and 1 (its box 0–2); b changed pixels 1 and 2 (its box 1–3); pixel 3 is in neither.
  const a = { image: { width: 4, height: 1, data: px(100, 40, 10, 10) }, changed: { x0: 0, y0: 0, x1: 2, y1: 1 } };
  const b = { image: { width: 4, height: 1, data: px(10, 100, 70, 99) }, changed: { x0: 1, y0: 0, x1: 3, y1: 1 } };
  const out = composeChanges(source, [a, b]).data;
  assert.equal(out[0], 100); // a alone
  assert.equal(out[4], Math.round((30 * 40 + 90 * 100) / 120)); // both: weighted by change, 85
  assert.equal(out[8], 70); // b alone
  assert.equal(out[12], 10); // outside every box: the source, whatever b's image holds there
  // Without boxes, the whole frame is looked at.
  const all = composeChanges(source, [{ image: a.image }, { image: b.image }]).data;
  assert.equal(all[12], 99);
});
