/**
 * The face models, per call: run from their plan of kernel calls (src/analysis/graph-plan.ts, what the
 * analysis uses) and through tfjs's graph executor, in alternating rounds on the same input, with the
 * largest difference between their outputs (0: the same to the bit).
 *
 *   npm run bench:models [-- --rounds 3 --calls 40]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { initBackend, loadModels, runModel } from '../src/analysis/models.js';
import { fileModelLoader, wasmDir } from '../src/analysis/node/load-models.js';
import { machine } from './machine.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, calls: { type: 'string', default: '40' } },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(calls) && calls > 0))
  throw new RangeError('Expected whole numbers ≥ 1 for --rounds and --calls');

/** tfjs's own graph executor on one input: every output as a flat array. */
function executed(model: GraphModel, input: Float32Array, shape: number[]): Float32Array[] {
  const ts = tf.tidy(() => {
    const y = model.execute(tf.tensor(input, shape));
    return Array.isArray(y) ? y : [y];
  });
  const out = ts.map((t) => t.dataSync() as Float32Array);
  tf.dispose(ts);
  return out;
}

/** Mean milliseconds per call of `f` over `calls` calls, after 3 not counted. */
function msPerCall(f: () => unknown): number {
  for (let i = 0; i < 3; i++) f();
  const t = performance.now();
  for (let i = 0; i < calls; i++) f();
  return (performance.now() - t) / calls;
}

console.log(`machine: ${machine()}; ${rounds} alternating rounds of ${calls} calls each`);
const models = await loadModels(fileModelLoader(), initBackend(wasmDir()));
const cases: [string, GraphModel, number[]][] = [
  ['facemesh (tracking, every frame)', models.facemesh, [1, 192, 192, 3]],
  ['iris, both eyes (every frame)', models.iris, [2, 64, 64, 3]],
  ['blazeface (detection)', models.blazeface, [1, 256, 256, 3]],
  ['emotion', models.emotion, [1, 64, 64, 1]],
  ['faceres (identity)', await models.faceres(), [1, 224, 224, 3]],
];
for (const [name, model, shape] of cases) {
  const input = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => Math.random());
  const ref = executed(model, input, shape);
  const got = runModel(model, input, shape);
  let diff = 0;
  ref.forEach((r, k) => r.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - got[k]![i]!)))));
  const plan: number[] = [];
  const exec: number[] = [];
  for (let r = 0; r < rounds; r++) {
    exec.push(msPerCall(() => executed(model, input, shape)));
    plan.push(msPerCall(() => runModel(model, input, shape)));
  }
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(
    `${name}: executor ${range(exec)} ms, plan ${range(plan)} ms per call; largest output difference ${diff}`,
  );
}
