/**
 * The pieces of `vivify eval expression-real` (src/eval/expression-real.ts) on synthetic landmarks: the
 * aligned, inter-ocular-normalised landmark error, the judge's distances, the apex's AUs and the actor list.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANONICAL_FACE } from '../../src/face/canonical-data.js';
import { applySimilarity, eulerToRotation } from '../../src/face/pose.js';
import { MESH_POINTS, RIGID_POINTS } from '../../src/face/topology.js';
import type { Emotion } from '../../src/face/types.js';
import {
  alignedError,
  apexActionUnits,
  HELD_OUT_ACTOR,
  interOcular,
  probabilityL1,
  realActors,
  topClass,
} from '../../src/eval/expression-real.js';

/** The canonical face as image landmarks: 200 px across the eyes' outer corners, y down, centred at (256, 256). */
const face = (): Float32Array => {
  const out = new Float32Array(CANONICAL_FACE.length);
  for (let i = 0; i < out.length; i += 3) {
    out[i] = 256 + 200 * CANONICAL_FACE[i]!;
    out[i + 1] = 256 - 200 * CANONICAL_FACE[i + 1]!;
    out[i + 2] = 200 * CANONICAL_FACE[i + 2]!;
  }
  return out;
};

const moved = (p: Float32Array, yawDeg: number, rollDeg: number, scale: number, t: [number, number, number]) =>
  applySimilarity({ rotation: eulerToRotation(yawDeg, 0, rollDeg), scale, translation: t }, p);

test('expression-real: a face moved by a similarity is at error 0 from itself', () => {
  const a = face();
  const b = moved(a, 12, 25, 1.7, [40, -30, 5]);
  assert.ok(alignedError(b, a, a) < 1e-4, `${alignedError(b, a, a)}`);
  assert.ok(alignedError(a, b, a) < 1e-4);
  // Both moved, differently: still the same face.
  assert.ok(alignedError(b, moved(a, -8, -10, 0.6, [-5, 9, 0]), a) < 1e-4);
  assert.ok(alignedError(a, a, a) === 0);
});

test('expression-real: an offset of the points expressions move gives the expected normalised error', () => {
  const a = face();
  const iod = interOcular(a);
  assert.ok(Math.abs(iod - 200) < 2, `${iod}`);
  // Every mesh point outside the rigid set moved by (3, 4) px: 5 px each.
  const rigid = new Set(RIGID_POINTS);
  const b = Float32Array.from(a);
  let count = 0;
  for (let i = 0; i < MESH_POINTS; i++) {
    if (rigid.has(i)) continue;
    b[3 * i]! += 3;
    b[3 * i + 1]! += 4;
    count++;
  }
  const expected = (5 * count) / MESH_POINTS / iod;
  assert.ok(Math.abs(alignedError(b, a, a) - expected) < 1e-5, `${alignedError(b, a, a)} vs ${expected}`);
  // The same offset face seen at another scale, turn and place: the alignment takes that out.
  const c = moved(b, 10, -15, 2.5, [100, 50, 0]);
  assert.ok(Math.abs(alignedError(c, a, a) - expected) < 1e-4, `${alignedError(c, a, a)} vs ${expected}`);
  // Iris points (beyond the 468 mesh points) do not count.
  const d = Float32Array.from(a);
  for (let i = 3 * MESH_POINTS; i < d.length; i++) d[i]! += 50;
  assert.ok(alignedError(d, a, a) < 1e-6);
});

test('expression-real: judge distances, top class, apex AUs and the actors', () => {
  const p = (o: Partial<Record<Emotion, number>>): Record<Emotion, number> => ({
    angry: 0,
    disgust: 0,
    fear: 0,
    happy: 0,
    sad: 0,
    surprise: 0,
    neutral: 0,
    ...o,
  });
  assert.equal(probabilityL1(p({ happy: 1 }), p({ happy: 1 })), 0);
  assert.ok(Math.abs(probabilityL1(p({ happy: 1 }), p({ sad: 1 })) - 2) < 1e-9);
  assert.ok(Math.abs(probabilityL1(p({ happy: 0.7, neutral: 0.3 }), p({ happy: 0.5, neutral: 0.5 })) - 0.4) < 1e-9);
  assert.equal(topClass(p({ happy: 0.6, neutral: 0.4 })), 'happy');
  const happy = apexActionUnits('happy');
  assert.ok(happy.includes(12) && happy.includes(6), `${happy.join(',')}`);
  assert.ok(!happy.includes(25) && !happy.includes(26), 'speech AUs do not score an apex');
  const actors = realActors();
  const names = actors.map((a) => a.name);
  for (const a of ['M030', 'W009', HELD_OUT_ACTOR]) assert.ok(names.includes(a), names.join(','));
  assert.ok(!names.includes('M030-full'));
  assert.equal(actors.find((a) => a.name === 'M030')!.clips.filter((c) => c.neutral).length, 1);
  assert.deepEqual(
    actors
      .find((a) => a.name === HELD_OUT_ACTOR)!
      .clips.map((c) => c.emotion)
      .sort(),
    ['fear', 'surprised'],
  );
});
