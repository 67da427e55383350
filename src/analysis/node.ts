/** Node wiring for the face analyzer: models from the installed @vladmandic/human, inputs of any kind. */
import { readImage, type ImageInput } from '../media/image.js';
import type { RgbaImage } from '../face/image.js';
import {
  createFaceAnalyzerWith,
  type AnalyzeOptions,
  type FaceAnalyzer,
  type FaceAnalyzerOptions,
} from './analyzer.js';
import { fileModelLoader, humanModelDir, wasmDir } from './models-node.js';
import type { FaceResult } from '../face/types.js';

export interface NodeFaceAnalyzer extends Omit<FaceAnalyzer, 'analyze'> {
  /** All faces in an image (a path, encoded bytes or RGBA pixels), largest first. */
  analyze(image: ImageInput, options?: AnalyzeOptions): Promise<FaceResult[]>;
}

/**
 * Creates a face analyzer backed by Human's models on tfjs's WebAssembly backend.
 *
 * @example
 * import { createFaceAnalyzer } from 'vivify';
 * const analyzer = await createFaceAnalyzer();
 * const faces = await analyzer.analyze('portrait.jpg');
 * console.log(faces[0]?.pose.yawDeg);
 * analyzer.close();
 */
export async function createFaceAnalyzer(
  options: FaceAnalyzerOptions & { modelDir?: string } = {},
): Promise<NodeFaceAnalyzer> {
  const { modelDir, ...rest } = options;
  const core = await createFaceAnalyzerWith(
    { loadModel: fileModelLoader(modelDir ?? humanModelDir()), wasmPath: wasmDir() },
    rest,
  );
  return {
    ...core,
    options: core.options,
    async analyze(image: ImageInput, call?: AnalyzeOptions) {
      const rgba: RgbaImage = await readImage(image);
      return core.analyze(rgba, call);
    },
  };
}
