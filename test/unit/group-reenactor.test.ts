import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbaImage } from '../../src/face/image.js';
import { shareOut, splitReenactor } from '../../src/reenact/group-reenactor.js';
import type { AsyncReenactor, DrivingFrame, ReenactedFrame } from '../../src/reenact/reenactor.js';

test('shareOut: neighbours in runs, the costliest run as cheap as it can be', () => {
  const cost = (c: number): number => c;
  assert.deepEqual(shareOut([3, 1, 1, 1], cost, 2), [[3], [1, 1, 1]]);
  assert.deepEqual(shareOut([1, 1, 1, 3], cost, 2), [[1, 1, 1], [3]]);
  // Three equal faces on two threads: two neighbours together (never the outer two), one alone.
  const three = shareOut([1, 1, 1], cost, 2);
  assert.deepEqual(three.map((r) => r.length).sort(), [1, 2]);
  assert.deepEqual(three.flat(), [1, 1, 1]);
  assert.deepEqual(shareOut([5, 2], cost, 8), [[5], [2]]);
  assert.deepEqual(shareOut([5, 2, 4], cost, 1), [[5, 2, 4]]);
  const six = shareOut([2, 2, 1, 1, 2, 2], cost, 3);
  assert.deepEqual(six.flat(), [2, 2, 1, 1, 2, 2], 'order kept');
  assert.equal(Math.max(...six.map((r) => r.reduce((a, b) => a + b, 0))), 4);
});

/** A render thread stand-in: sets one pixel of the 4×1 source to the frame's index, answering `lag` pushes late. */
function fakePart(source: RgbaImage, pixel: number, lag: number): AsyncReenactor & { pushed: number } {
  const queue: DrivingFrame[] = [];
  const render = (frame: DrivingFrame): ReenactedFrame => {
    // The left part has no motion yet at frame 0: the source itself, an empty box.
    if (pixel === 0 && frame.index === 0)
      return { image: source, mouth: 'none', changed: { x0: 0, y0: 0, x1: 0, y1: 0 }, frame, face: undefined };
    const data = new Uint8ClampedArray(source.data);
    data[4 * pixel] = 100 + frame.index!;
    return {
      image: { ...source, data },
      mouth: 'none',
      changed: { x0: pixel, y0: 0, x1: pixel + 1, y1: 1 },
      frame,
      face: undefined,
    };
  };
  return {
    delay: lag,
    renderMs: 10 * (pixel + 1),
    pushed: 0,
    async push(frame) {
      this.pushed++;
      queue.push(frame);
      return queue.length > lag ? [render(queue.shift()!)] : [];
    },
    async flush() {
      return queue.splice(0).map(render);
    },
    async close() {},
  };
}

test('splitReenactor: every frame goes to every part; their frames come back composed, in order', async () => {
  const source: RgbaImage = { width: 4, height: 1, data: new Uint8ClampedArray(16).fill(7) };
  const left = fakePart(source, 0, 0);
  const right = fakePart(source, 3, 2); // answers two frames late
  const split = splitReenactor(source, [left, right]);
  assert.equal(split.delay, 2);
  assert.equal(split.renderMs, 40, 'the busiest part, not the sum');
  const out: ReenactedFrame[] = [];
  for (let i = 0; i < 5; i++) {
    const got = await split.push({ ...source, index: i }, undefined);
    assert.equal(got.length, i < 2 ? 0 : 1, `frames ready after push ${i}`);
    out.push(...got);
  }
  out.push(...(await split.flush()));
  assert.equal(left.pushed, 5);
  assert.equal(right.pushed, 5);
  assert.deepEqual(
    out.map((f) => [f.frame.index, f.image.data[0], f.image.data[4], f.image.data[12]]),
    [0, 1, 2, 3, 4].map((i) => [i, i === 0 ? 7 : 100 + i, 7, 100 + i]),
  );
  assert.deepEqual(out[0]!.changed, { x0: 3, y0: 0, x1: 4, y1: 1 }, 'an empty box adds nothing');
  assert.deepEqual(out[1]!.changed, { x0: 0, y0: 0, x1: 4, y1: 1 }, 'the union of the parts’ boxes');
});
