import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { modelArtifacts, type ModelArtifactsLoader, type ModelJson, type ModelName } from '../models.js';

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

/** Reads `<dir>/<name>.json` and its weight shards from disk. */
export function fileModelLoader(dir: string = humanModelDir()): ModelArtifactsLoader {
  return async (name: ModelName) => {
    const json = JSON.parse(await fs.readFile(path.join(dir, `${name}.json`), 'utf8')) as ModelJson;
    const shards: Uint8Array[] = [];
    for (const group of json.weightsManifest)
      for (const p of group.paths) shards.push(await fs.readFile(path.join(dir, p)));
    return modelArtifacts(json, shards);
  };
}
