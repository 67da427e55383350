/**
 * A face model's graph turned, once, into a flat list of kernel calls. tfjs's graph executor works out every
 * node's parameters on every run (names parsed, attributes decoded, tensors looked up, liveness checked), and
 * its ops check their arguments and set up gradients again: for the mesh and iris models, about 350 small
 * nodes per frame, that bookkeeping was about a sixth of their time (profiled: 15% in the converter alone).
 * Here it is done when the plan is made; a run only calls the kernels, freeing each intermediate tensor after
 * its last use, as the executor does. The results are the same to the bit (test/analysis/graph-plan.test.ts).
 *
 * Only the feed-forward ops the face models use are known; for any other graph `planGraph` returns undefined
 * and the caller runs the model through tfjs's executor. Platform-neutral (tfjs-core only).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';

/** A node of the model's GraphDef JSON, as the tfjs converter writes it. */
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}
interface AttrValue {
  b?: boolean;
  s?: string;
  i?: string;
  f?: number;
  list?: { i?: string[]; s?: string[] };
}
interface Topology {
  node: GraphNode[];
}
interface Signature {
  inputs?: Record<string, { name: string }>;
  outputs?: Record<string, { name: string }>;
}

/** Runs the plan on one input; returns its outputs, in the order they were asked for. */
export type GraphPlan = (input: tf.Tensor) => tf.Tensor[];

/** One op call: the slots it reads, the slot it writes, and the slots whose tensors die after it. */
interface Step {
  call: (args: tf.Tensor[]) => tf.Tensor;
  inputs: number[];
  /** The step's arguments, refilled on each run (no array made per step per frame). */
  args: tf.Tensor[];
  output: number;
  free: number[];
}

const text = (a: AttrValue | undefined): string => (a?.s === undefined ? '' : atob(a.s));
const ints = (a: AttrValue | undefined): number[] => (a?.list?.i ?? []).map(Number);
const texts = (a: AttrValue | undefined): string[] => (a?.list?.s ?? []).map((s) => atob(s));

/** Padding as tfjs takes it: 'same', 'valid', or explicit per-dimension pairs. */
function padding(attr: Record<string, AttrValue>): 'same' | 'valid' | [number, number][] | undefined {
  const p = text(attr.padding).toLowerCase();
  if (p === 'same' || p === 'valid') return p;
  if (p !== 'explicit') return undefined;
  const e = ints(attr.explicit_paddings);
  return [0, 1, 2, 3].map((d) => [e[2 * d]!, e[2 * d + 1]!]);
}

/** The op call for one node, or undefined when this plan does not know the op or one of its settings. */
function opCall(node: GraphNode, consts: (name: string) => tf.Tensor | undefined): Step['call'] | undefined {
  const attr = node.attr ?? {};
  const nhwc = attr.data_format === undefined || text(attr.data_format) === 'NHWC';
  const strides = ints(attr.strides);
  const dilations = ints(attr.dilations);
  const pad = padding(attr);
  // A convolution's settings as tfjs's kernels take them (NHWC: the spatial entries of the 4-D lists).
  const conv = {
    strides: [strides[1]!, strides[2]!],
    pad,
    dataFormat: 'NHWC',
    dilations: [dilations[1]!, dilations[2]!],
  };
  switch (node.op) {
    case '_FusedConv2D': {
      const [extra, act] = texts(attr.fused_ops).map((s) => s.toLowerCase());
      const args = Number(attr.num_args?.i ?? 0);
      if (!nhwc || !pad || extra !== 'biasadd' || args !== (act === 'prelu' ? 2 : 1)) return undefined;
      if (act !== undefined && !['prelu', 'relu', 'relu6', 'elu', 'sigmoid'].includes(act)) return undefined;
      const attrs = { ...conv, activation: act ?? 'linear' };
      return act === 'prelu'
        ? ([x, filter, bias, alpha]) =>
            kernel(tf.FusedConv2D, { x: x!, filter: filter!, bias: bias!, preluActivationWeights: alpha! }, attrs)
        : ([x, filter, bias]) => kernel(tf.FusedConv2D, { x: x!, filter: filter!, bias: bias! }, attrs);
    }
    case 'DepthwiseConv2dNative':
    case 'Conv2D': {
      if (!nhwc || !pad) return undefined;
      const name = node.op === 'Conv2D' ? tf.Conv2D : tf.DepthwiseConv2dNative;
      return ([x, filter]) => kernel(name, { x: x!, filter: filter! }, conv);
    }
    case '_FusedMatMul': {
      const [extra, act] = texts(attr.fused_ops).map((s) => s.toLowerCase());
      if (extra !== 'biasadd' || Number(attr.num_args?.i ?? 0) !== 1) return undefined;
      if (act !== undefined && !['relu', 'relu6', 'elu', 'sigmoid'].includes(act)) return undefined;
      const transposeA = attr.transpose_a?.b === true;
      const transposeB = attr.transpose_b?.b === true;
      const activation = (act ?? 'linear') as tf.fused.Activation;
      // Rare (the identity model's head): the op, which shapes a plain matrix product for the kernel.
      return ([a, b, bias]) => tf.fused.matMul({ a: a!, b: b!, transposeA, transposeB, bias, activation });
    }
    case 'Mul':
      return ([a, b]) => kernel(tf.Multiply, { a: a!, b: b! }, {});
    case 'Minimum':
      return ([a, b]) => kernel(tf.Minimum, { a: a!, b: b! }, {});
    case 'Maximum':
      return ([a, b]) => kernel(tf.Maximum, { a: a!, b: b! }, {});
    case 'MaxPool': {
      const k = ints(attr.ksize);
      if (!nhwc || (pad !== 'same' && pad !== 'valid')) return undefined;
      const attrs = { filterSize: [k[1]!, k[2]!], strides: [strides[1]!, strides[2]!], pad };
      return ([x]) => kernel(tf.MaxPool, { x: x! }, attrs);
    }
    case 'AddV2':
    case 'Add':
      return ([a, b]) => kernel(tf.Add, { a: a!, b: b! }, {});
    case 'Prelu':
      return ([x, alpha]) => kernel(tf.Prelu, { x: x!, alpha: alpha! }, {});
    case 'Relu':
      return ([x]) => kernel(tf.Relu, { x: x! }, {});
    case 'Softmax':
      return ([x]) => tf.softmax(x!);
    case 'Mean': {
      const axes = consts(node.input?.[1] ?? '');
      if (!axes) return undefined;
      const axis = Array.from(axes.dataSync());
      const keep = attr.keep_dims?.b === true;
      return ([x]) => tf.mean(x!, axis, keep);
    }
    case 'Sigmoid':
      return ([x]) => kernel(tf.Sigmoid, { x: x! }, {});
    case 'Identity':
      return ([x]) => tf.clone(x!); // its own tensor (the data is shared): each slot is freed on its own
    case 'Pad': {
      const p = consts(node.input?.[1] ?? '');
      if (!p) return undefined;
      const attrs = { paddings: p.arraySync() as number[][], constantValue: 0 };
      return ([x]) => kernel(tf.PadV2, { x: x! }, attrs);
    }
    case 'Reshape': {
      const shape = consts(node.input?.[1] ?? '');
      if (!shape) return undefined;
      const to = Array.from(shape.dataSync());
      return ([x]) => tf.reshape(x!, to);
    }
    case 'ConcatV2': {
      const n = Number(attr.N?.i ?? 0);
      const axis = consts(node.input?.[n] ?? '');
      if (!axis || node.input?.length !== n + 1) return undefined;
      const a = axis.dataSync()[0]!;
      return (xs) => tf.concat(xs.slice(0, n), a);
    }
    default:
      return undefined;
  }
}

/**
 * One kernel call, as tfjs's ops make it once they have checked their arguments: the plan's arguments were
 * checked when it was made (shapes follow from the graph), and inference records no gradients.
 */
function kernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** A node input's name without its output index (only output 0 is supported) or a control-dependency mark. */
function sourceName(input: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  const colon = input.lastIndexOf(':');
  if (colon < 0) return input;
  return input.slice(colon + 1) === '0' ? input.slice(0, colon) : '\u0000'; // a later output: unknown node
}

/**
 * The plan computing `outputs` of `model` (default: all of them), and only what they need; undefined when the
 * graph holds anything the plan does not know (several inputs, an op or setting not listed above, a node
 * reading a second output) or an output is not the model's. Outputs are named as `model.outputNodes` names
 * them: by the model's signature, or by node for a graph without one.
 */
export function planGraph(model: GraphModel, outputs: readonly string[] = model.outputNodes): GraphPlan | undefined {
  const artifacts = (model as unknown as { artifacts?: { modelTopology?: unknown; signature?: unknown } }).artifacts;
  const topology = artifacts?.modelTopology as Topology | undefined;
  if (!topology?.node) return undefined;
  const signature = (artifacts?.signature ?? {}) as Signature;
  const nodes = new Map(topology.node.map((n) => [n.name, n]));
  const weights = model.weights;
  const consts = (name: string): tf.Tensor | undefined => weights[sourceName(name) ?? '']?.[0];
  const placeholders = topology.node.filter((n) => n.op === 'Placeholder');
  if (placeholders.length !== 1) return undefined;
  // Output names as the executor gives them, and the node each one reads.
  if (!outputs.every((out) => model.outputNodes.includes(out))) return undefined;
  const named = outputs.map((out) => {
    const sig = signature.outputs?.[out]?.name;
    return [out, sourceName(sig ?? out)] as const;
  });
  if (named.some(([, node]) => node === undefined || !nodes.has(node))) return undefined;

  // Every node the outputs need, inputs before the nodes that read them.
  const slot = new Map<string, number>();
  const order: GraphNode[] = [];
  const visit = (name: string): boolean => {
    if (slot.has(name)) return true;
    const node = nodes.get(name);
    if (!node) return false;
    if (node.op !== 'Const' && node.op !== 'Placeholder')
      for (const i of node.input ?? []) {
        const src = sourceName(i);
        if (src !== undefined && !visit(src)) return false;
      }
    slot.set(name, slot.size);
    order.push(node);
    return true;
  };
  if (!named.every(([, node]) => visit(node!))) return undefined;

  const inputSlot = slot.get(placeholders[0]!.name);
  if (inputSlot === undefined) return undefined;
  const constSlots: [number, tf.Tensor][] = [];
  const steps: Step[] = [];
  for (const node of order) {
    if (node.op === 'Placeholder') continue;
    if (node.op === 'Const') {
      const t = weights[node.name]?.[0];
      if (!t) return undefined;
      constSlots.push([slot.get(node.name)!, t]);
      continue;
    }
    const call = opCall(node, consts);
    if (!call) return undefined;
    const inputs = (node.input ?? []).map(sourceName).filter((s): s is string => s !== undefined);
    if (inputs.some((s) => !slot.has(s))) return undefined;
    const from = inputs.map((s) => slot.get(s)!);
    steps.push({ call, inputs: from, args: new Array<tf.Tensor>(from.length), output: slot.get(node.name)!, free: [] });
  }
  // Each intermediate tensor is freed after the last step that reads it (never the input, constants or outputs).
  const kept = new Set([inputSlot, ...constSlots.map(([s]) => s), ...named.map(([, n]) => slot.get(n!)!)]);
  const lastUse = new Map<number, Step>();
  for (const step of steps) for (const s of step.inputs) lastUse.set(s, step);
  for (const [s, step] of lastUse) if (!kept.has(s)) step.free.push(s);

  return (input) => {
    const values: (tf.Tensor | undefined)[] = new Array(slot.size);
    values[inputSlot] = input;
    for (const [s, t] of constSlots) values[s] = t;
    for (const step of steps) {
      for (let k = 0; k < step.inputs.length; k++) step.args[k] = values[step.inputs[k]!]!;
      values[step.output] = step.call(step.args);
      for (const s of step.free) {
        values[s]!.dispose();
        values[s] = undefined;
      }
    }
    return named.map(([, node]) => values[slot.get(node!)!]!);
  };
}
