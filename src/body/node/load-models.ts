/** Node wiring for the body detector: MoveNet from the installed @vladmandic/human, never the network. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { humanModelDir, wasmDir } from '../../analysis/node/load-models.js';
import { modelArtifacts, type ModelJson } from '../../analysis/models.js';
import { createBodyDetectorWith, type BodyDetector } from '../movenet.js';

/** MoveNet Lightning's file stem in Human's models folder. */
const BODY_MODEL = 'movenet-lightning';

/**
 * Creates a body detector backed by MoveNet Lightning on tfjs's WebAssembly backend.
 *
 * @example
 * const body = await createBodyDetector();
 * const pose = body.detectStill(await readImage('person.jpg'));
 * body.close();
 */
export async function createBodyDetector(options: { modelDir?: string } = {}): Promise<BodyDetector> {
  const dir = options.modelDir ?? humanModelDir();
  return createBodyDetectorWith({
    wasmPath: wasmDir(),
    loadModel: async () => {
      const json = JSON.parse(await fs.readFile(path.join(dir, `${BODY_MODEL}.json`), 'utf8')) as ModelJson;
      const shards: Uint8Array[] = [];
      for (const g of json.weightsManifest) for (const p of g.paths) shards.push(await fs.readFile(path.join(dir, p)));
      return modelArtifacts(json, shards);
    },
  });
}
