import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { VivifyError } from '../errors.js';

/** The face models Human ships, by file stem. */
export type ModelName = 'blazeface' | 'facemesh' | 'iris' | 'emotion' | 'faceres';

/** Returns a model's artifacts (topology + weights). Node reads files; a browser fetches URLs. */
export type ModelArtifactsLoader = (name: ModelName) => Promise<tf.io.ModelArtifacts>;

export interface ModelSet {
  blazeface: GraphModel;
  facemesh: GraphModel;
  iris: GraphModel;
  emotion: GraphModel;
  /** Loaded on first use: it is the largest (7 MB) and only identity needs it. */
  faceres: () => Promise<GraphModel>;
}

let backendReady: Promise<void> | undefined;

/**
 * Selects tfjs's WebAssembly backend (SIMD, one thread) once per process. `wasmPath` is the folder
 * (file path in Node, URL in a browser) holding tfjs-backend-wasm's `.wasm` files.
 */
export function initBackend(wasmPath: string): Promise<void> {
  backendReady ??= (async () => {
    setWasmPaths(wasmPath.endsWith('/') ? wasmPath : `${wasmPath}/`);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs could not start its wasm backend');
    await tf.ready();
    tf.enableProdMode();
  })().catch((cause: unknown) => {
    backendReady = undefined;
    throw new VivifyError('E_MODEL_LOAD', `could not start the WebAssembly backend from ${wasmPath}`, { cause });
  });
  return backendReady;
}

export async function loadModels(load: ModelArtifactsLoader): Promise<ModelSet> {
  const one = async (name: ModelName): Promise<GraphModel> => {
    try {
      const artifacts = await load(name);
      return await loadGraphModel({ load: () => Promise.resolve(artifacts) });
    } catch (cause) {
      throw new VivifyError('E_MODEL_LOAD', `could not load the ${name} face model: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  const [blazeface, facemesh, iris, emotion] = await Promise.all([
    one('blazeface'),
    one('facemesh'),
    one('iris'),
    one('emotion'),
  ]);
  let faceres: Promise<GraphModel> | undefined;
  return {
    blazeface,
    facemesh,
    iris,
    emotion,
    faceres: () => (faceres ??= one('faceres')),
  };
}

/**
 * Runs a model on one float input and returns its outputs as flat Float32Arrays: every output, or only those
 * named in `outputs` (the graph is then pruned to what they need).
 */
export function runModel(
  model: GraphModel,
  input: Float32Array,
  shape: number[],
  outputs?: readonly string[],
): Float32Array[] {
  const tensors = tf.tidy(() => {
    const x = tf.tensor(input, shape, 'float32');
    const y = outputs ? model.execute(x, [...outputs]) : model.execute(x);
    return Array.isArray(y) ? y : [y];
  });
  try {
    return tensors.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(tensors);
  }
}

/** A model's output node names, in the order `execute` returns them. */
export function outputNames(model: GraphModel): string[] {
  return model.outputNodes;
}

/** Number of live tensors, for leak checks. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
