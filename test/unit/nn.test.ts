/**
 * The run-time forward passes of the motion networks (plain arrays) give the numbers TensorFlow.js
 * layers give for the same weights: dense, strided and dilated 1-D convolutions, LSTM.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { conv1d, decodeFloat32, dense, lstm, type WeightArray } from '../../src/generate/nn.js';
import { createRandom } from '../../src/generate/random.js';

// tfjs's pure-JS backend is enough for these tiny layers (and needs no wasm files).
await tf.setBackend('cpu');

const rng = createRandom(3);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * 0.5);
const weightsOf = (layer: tf.layers.Layer): WeightArray[] =>
  layer.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array }));

function close(a: Float32Array, b: Float32Array, tol = 1e-4): void {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < tol, `largest difference ${worst}`);
}

test('dense matches tfjs', () => {
  const layer = tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [7] });
  const x = rand(3 * 7);
  const ref = (layer.apply(tf.tensor2d(x, [3, 7])) as tf.Tensor).dataSync() as Float32Array;
  const [W, b] = weightsOf(layer);
  close(dense(x, 3, W!, b!, 'tanh'), ref);
});

for (const { strides, dilationRate, steps } of [
  { strides: 1, dilationRate: 1, steps: 11 },
  { strides: 2, dilationRate: 1, steps: 11 },
  { strides: 2, dilationRate: 1, steps: 12 },
  { strides: 1, dilationRate: 4, steps: 13 },
]) {
  test(`conv1d ('same', stride ${strides}, dilation ${dilationRate}, ${steps} steps) matches tfjs`, () => {
    const layer = tf.layers.conv1d({
      filters: 4,
      kernelSize: 5,
      padding: 'same',
      strides,
      dilationRate,
      activation: 'relu',
      inputShape: [steps, 3],
    });
    const x = rand(steps * 3);
    const out = layer.apply(tf.tensor3d(x, [1, steps, 3])) as tf.Tensor;
    const [k, b] = weightsOf(layer);
    const mine = conv1d(x, steps, k!, b!, 'relu', strides, dilationRate);
    assert.equal(mine.steps, out.shape[1]);
    close(mine.y, out.dataSync() as Float32Array);
  });
}

test('lstm (sigmoid gates) matches tfjs', () => {
  const layer = tf.layers.lstm({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [9, 4] });
  const x = rand(9 * 4);
  const ref = (layer.apply(tf.tensor3d(x, [1, 9, 4])) as tf.Tensor).dataSync() as Float32Array;
  const [k, r, b] = weightsOf(layer);
  close(lstm(x, 9, k!, r!, b!), ref);
});

test('float32 weights survive base64', () => {
  const v = Float32Array.of(1.5, -2.25, 3e-8, 0);
  assert.deepEqual(decodeFloat32(Buffer.from(v.buffer).toString('base64')), v);
});
