/**
 * Inference for the small sequence networks of generated motion (src/generate/generate.ts): dense, 1-D
 * convolution and LSTM layers in the same weight layout as TensorFlow.js layers (which trains them,
 * scripts/train-motion.ts), on plain Float32Arrays — no tensor library at run time, the same numbers in
 * Node and in a browser. A sequence is a row-major [time × channels] array.
 */

/** A weight array with its shape, as stored in a model file. */
export interface WeightArray {
  shape: number[];
  data: Float32Array;
}

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'elu';

function activate(x: Float32Array, act: Activation): Float32Array {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
      return x;
    case 'tanh':
      for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i]!);
      return x;
    case 'sigmoid':
      for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]!));
      return x;
    case 'elu':
      for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = Math.exp(x[i]!) - 1;
      return x;
  }
}

/** y[t] = act(x[t] · W + b); W is [in × out] (tfjs Dense kernel). */
export function dense(x: Float32Array, steps: number, W: WeightArray, b: WeightArray, act: Activation): Float32Array {
  const [I, O] = W.shape as [number, number];
  if (x.length !== steps * I) throw new RangeError(`dense: expected ${steps}×${I} inputs, got ${x.length}`);
  const y = new Float32Array(steps * O);
  const w = W.data;
  for (let t = 0; t < steps; t++) {
    const yo = t * O;
    for (let o = 0; o < O; o++) y[yo + o] = b.data[o]!;
    const xo = t * I;
    for (let i = 0; i < I; i++) {
      const v = x[xo + i]!;
      if (v === 0) continue;
      const wo = i * O;
      for (let o = 0; o < O; o++) y[yo + o]! += v * w[wo + o]!;
    }
  }
  return activate(y, act);
}

/**
 * 1-D convolution with 'same' padding (zeros), stride 1 or more and dilation: kernel [K × in × out]
 * (tfjs Conv1D). With stride s the output has ceil(steps / s) steps, as tfjs's 'same' gives.
 */
export function conv1d(
  x: Float32Array,
  steps: number,
  kernel: WeightArray,
  bias: WeightArray,
  act: Activation,
  stride = 1,
  dilation = 1,
): { y: Float32Array; steps: number } {
  const [K, I, O] = kernel.shape as [number, number, number];
  if (x.length !== steps * I) throw new RangeError(`conv1d: expected ${steps}×${I} inputs, got ${x.length}`);
  const outSteps = Math.ceil(steps / stride);
  // tfjs 'same': total padding so that out = ceil(in / stride), split with the extra on the right.
  const span = (K - 1) * dilation + 1;
  const padTotal = Math.max(0, (outSteps - 1) * stride + span - steps);
  const padLeft = Math.floor(padTotal / 2);
  const y = new Float32Array(outSteps * O);
  const w = kernel.data;
  for (let t = 0; t < outSteps; t++) {
    const yo = t * O;
    for (let o = 0; o < O; o++) y[yo + o] = bias.data[o]!;
    for (let k = 0; k < K; k++) {
      const src = t * stride + k * dilation - padLeft;
      if (src < 0 || src >= steps) continue;
      const xo = src * I;
      const wk = k * I * O;
      for (let i = 0; i < I; i++) {
        const v = x[xo + i]!;
        if (v === 0) continue;
        const wo = wk + i * O;
        for (let o = 0; o < O; o++) y[yo + o]! += v * w[wo + o]!;
      }
    }
  }
  return { y: activate(y, act), steps: outSteps };
}

/**
 * An LSTM over a sequence (tfjs layout: kernel [in × 4U], recurrent kernel [U × 4U], bias [4U], gates in
 * the order input, forget, cell, output; tanh activation, sigmoid recurrent activation). Returns every
 * step's hidden state [steps × U].
 */
export function lstm(
  x: Float32Array,
  steps: number,
  kernel: WeightArray,
  recurrent: WeightArray,
  bias: WeightArray,
): Float32Array {
  const [I, U4] = kernel.shape as [number, number];
  const U = U4 / 4;
  const h = new Float32Array(U);
  const c = new Float32Array(U);
  const z = new Float32Array(U4);
  const out = new Float32Array(steps * U);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  for (let t = 0; t < steps; t++) {
    z.set(bias.data);
    const xo = t * I;
    for (let i = 0; i < I; i++) {
      const v = x[xo + i]!;
      if (v === 0) continue;
      const wo = i * U4;
      for (let j = 0; j < U4; j++) z[j]! += v * kernel.data[wo + j]!;
    }
    for (let i = 0; i < U; i++) {
      const v = h[i]!;
      if (v === 0) continue;
      const wo = i * U4;
      for (let j = 0; j < U4; j++) z[j]! += v * recurrent.data[wo + j]!;
    }
    for (let u = 0; u < U; u++) {
      const ig = sig(z[u]!);
      const fg = sig(z[U + u]!);
      const cg = Math.tanh(z[2 * U + u]!);
      const og = sig(z[3 * U + u]!);
      c[u] = fg * c[u]! + ig * cg;
      h[u] = og * Math.tanh(c[u]!);
    }
    out.set(h, t * U);
  }
  return out;
}

/** Decodes a base64 string of little-endian float32 values (works without Node's Buffer). */
export function decodeFloat32(base64: string): Float32Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
