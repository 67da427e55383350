import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { sampleCrop } from '../../src/analysis/crop.js';
import { planGraph } from '../../src/analysis/graph-plan.js';
import { regionFromLandmarks } from '../../src/analysis/mesh.js';
import { initBackend, liveTensors, loadModels, runModel } from '../../src/analysis/models.js';
import { fileModelLoader, humanModelDir, wasmDir } from '../../src/analysis/node/load-models.js';
import { createFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { readImage } from '../../src/media/image-file.js';
import { ASTRONAUT } from '../helpers.js';

/** tfjs's own graph executor on the same input: the reference the plan must match exactly. */
function executed(model: GraphModel, input: Float32Array, shape: number[], outputs?: string[]): Float32Array[] {
  const ts = tf.tidy(() => {
    const y = outputs ? model.execute(tf.tensor(input, shape), outputs) : model.execute(tf.tensor(input, shape));
    return Array.isArray(y) ? y : [y];
  });
  const out = ts.map((t) => t.dataSync() as Float32Array);
  tf.dispose(ts);
  return out;
}

test('the op plans of the face models give exactly what tfjs’s executor gives, leaking nothing', async () => {
  await initBackend(wasmDir());
  const models = await loadModels(fileModelLoader(humanModelDir()));
  const analyzer = await createFaceAnalyzer({ emotion: false });
  const image = await readImage(ASTRONAUT);
  const face = (await analyzer.analyze(image))[0]!;
  analyzer.close();
  const region = regionFromLandmarks(face.landmarks);
  const mesh = sampleCrop(image, region, 192);
  // Both eyes' crops as the analysis makes them are 64² of the eye regions; the face crop shrunk serves here.
  const eyes = new Float32Array(2 * 64 * 64 * 3);
  eyes.set(sampleCrop(image, { ...region, size: region.size / 3 }, 64));
  eyes.set(sampleCrop(image, { ...region, size: region.size / 4 }, 64), 64 * 64 * 3);

  for (const name of ['facemesh', 'iris', 'blazeface', 'emotion'] as const)
    assert.ok(planGraph(models[name]), `the ${name} model has a plan`);
  assert.ok(planGraph(await models.faceres()), 'the identity model has a plan');
  const live = liveTensors();
  assert.deepEqual(
    runModel(models.facemesh, mesh, [1, 192, 192, 3]),
    executed(models.facemesh, mesh, [1, 192, 192, 3]),
  );
  const some = ['output_faceflag', 'output_mesh'];
  assert.deepEqual(
    runModel(models.facemesh, mesh, [1, 192, 192, 3], some),
    executed(models.facemesh, mesh, [1, 192, 192, 3], some),
    'pruned to two outputs, in the order asked',
  );
  assert.deepEqual(runModel(models.iris, eyes, [2, 64, 64, 3]), executed(models.iris, eyes, [2, 64, 64, 3]));
  const whole = sampleCrop(image, { cx: 256, cy: 256, size: 512, angleRad: 0 }, 256, { scale: 2, offset: -1 });
  assert.deepEqual(
    runModel(models.blazeface, whole, [1, 256, 256, 3]),
    executed(models.blazeface, whole, [1, 256, 256, 3]),
  );
  const grey = sampleCrop(image, region, 64, { channels: 1, scale: 2, offset: -1 });
  assert.deepEqual(runModel(models.emotion, grey, [1, 64, 64, 1]), executed(models.emotion, grey, [1, 64, 64, 1]));
  const faceres = await models.faceres();
  const crop = sampleCrop(image, region, 224, { scale: 255 });
  assert.deepEqual(runModel(faceres, crop, [1, 224, 224, 3]), executed(faceres, crop, [1, 224, 224, 3]));
  assert.equal(liveTensors(), live, 'no tensor left behind');
  // What the plan does not know (here an output the model lacks) is left to the executor.
  assert.equal(planGraph(models.facemesh, ['no such output']), undefined);
});
