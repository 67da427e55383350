import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { VivifyError } from '../errors.js';
import { planGraph, type GraphPlan } from './graph-plan.js';

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

/**
 * Where the models run: 'wasm' (tfjs's WebAssembly backend, SIMD, one thread: the default, and the only one
 * in Node) or 'webgl' (a browser's GPU; the caller must have imported '@tensorflow/tfjs-backend-webgl').
 */
export type ModelBackend = 'wasm' | 'webgl';

let backendReady: { backend: ModelBackend; ready: Promise<void> } | undefined;

/**
 * Selects the backend once per process (or browser worker). `wasmPath` is the folder (file path in Node,
 * URL in a browser) holding tfjs-backend-wasm's `.wasm` files.
 */
export function initBackend(wasmPath: string, backend: ModelBackend = 'wasm'): Promise<void> {
  if (backendReady) {
    if (backendReady.backend === backend) return backendReady.ready;
    return Promise.reject(
      new VivifyError('E_USAGE', `the ${backendReady.backend} backend is already in use; one backend per process`),
    );
  }
  const ready = (async () => {
    if (backend === 'wasm') setWasmPaths(wasmPath.endsWith('/') ? wasmPath : `${wasmPath}/`);
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`tfjs could not start its ${backend} backend`);
    await tf.ready();
    tf.enableProdMode();
  })().catch((cause: unknown) => {
    backendReady = undefined;
    const what = backend === 'wasm' ? `the WebAssembly backend from ${wasmPath}` : 'the WebGL backend';
    throw new VivifyError('E_MODEL_LOAD', `could not start ${what}: ${(cause as Error).message}`, { cause });
  });
  backendReady = { backend, ready };
  return ready;
}

/** A model's `<name>.json` as Human ships it (tfjs graph-model format). */
export interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: unknown;
  userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
}

/** Model artifacts from the parsed `<name>.json` and its weight shards, in manifest order. */
export function modelArtifacts(json: ModelJson, shards: readonly Uint8Array[]): tf.io.ModelArtifacts {
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let at = 0;
  for (const s of shards) {
    weightData.set(s, at);
    at += s.byteLength;
  }
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs,
    weightData: weightData.buffer,
    signature: json.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/**
 * Loads the face models. `backend` is the backend's start-up when it is still under way ({@link initBackend}'s
 * promise): the files are read (or fetched) meanwhile, and only turned into models once it is done, so a
 * browser's downloads overlap the WebAssembly backend's compilation instead of waiting for it.
 */
export async function loadModels(load: ModelArtifactsLoader, backend?: Promise<void>): Promise<ModelSet> {
  const one = async (name: ModelName): Promise<GraphModel> => {
    try {
      const artifacts = await load(name);
      await backend;
      return await loadGraphModel({ load: () => Promise.resolve(artifacts) });
    } catch (cause) {
      throw new VivifyError('E_MODEL_LOAD', `could not load the ${name} face model: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  // The backend's own error, not each model's, when it fails to start.
  const [, blazeface, facemesh, iris, emotion] = await Promise.all([
    backend,
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

/** Per model and set of outputs, its op plan (graph-plan.ts), or null where the graph needs tfjs's executor. */
const plans = new WeakMap<GraphModel, Map<string, GraphPlan | null>>();

/**
 * Runs a model on one float input and returns its outputs as flat Float32Arrays: every output, or only those
 * named in `outputs` (only what they need is computed). The face models run from a plan of op calls made on
 * first use (graph-plan.ts): the same ops and results as tfjs's executor, without its per-node bookkeeping.
 */
export function runModel(
  model: GraphModel,
  input: Float32Array,
  shape: number[],
  outputs?: readonly string[],
): Float32Array[] {
  let byOutputs = plans.get(model);
  if (!byOutputs) plans.set(model, (byOutputs = new Map()));
  const key = outputs?.join('\n') ?? '';
  let plan = byOutputs.get(key);
  if (plan === undefined) byOutputs.set(key, (plan = planGraph(model, outputs) ?? null));
  const tensors = tf.tidy(() => {
    const x = tf.tensor(input, shape, 'float32');
    if (plan) return plan(x);
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
