import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelArtifactsLoader, ModelName } from './models.js';

const require = createRequire(import.meta.url);

/** Folder of the model files that @vladmandic/human ships in its npm package. */
export function humanModelDir(): string {
  // The package's `exports` map hides package.json; its main entry lives in dist/.
  return path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** Folder of tfjs-backend-wasm's .wasm binaries. */
export function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: unknown;
  userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
}

/** Reads `<dir>/<name>.json` and its weight shards from disk. */
export function fileModelLoader(dir: string = humanModelDir()): ModelArtifactsLoader {
  return async (name: ModelName) => {
    const file = path.join(dir, `${name}.json`);
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as ModelJson;
    const weightSpecs: tf.io.WeightsManifestEntry[] = [];
    const shards: Buffer[] = [];
    for (const group of json.weightsManifest) {
      weightSpecs.push(...group.weights);
      for (const p of group.paths) shards.push(await fs.readFile(path.join(dir, p)));
    }
    const all = Buffer.concat(shards);
    return {
      modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs,
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
      signature: json.signature as tf.io.ModelArtifacts['signature'],
      userDefinedMetadata: json.userDefinedMetadata,
    };
  };
}
