/**
 * Builds the canonical face (src/face/canonical-data.ts): the mean neutral 478-point face of real
 * people, by generalised Procrustes analysis over the meshes Vivify's own landmark stage finds in
 * ../shared/data (core portraits plus the first frame of each self-reenactment clip), made exactly
 * left-right symmetric and put in a head frame: x towards the subject's left (image right), y down,
 * z away from the camera, origin at the centroid of the rigid points, 1 unit = outer eye-corner distance.
 *
 *   npx tsx scripts/build-canonical.ts [../shared/data]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend, loadModels } from '../src/analysis/models.js';
import { fileModelLoader, wasmDir } from '../src/analysis/node/load-models.js';
import { detectFaces, meshFromRegion, regionFromDetection, regionFromLandmarks } from '../src/analysis/mesh.js';
import { applyRotation, applySimilarity, eulerToRotation, fitSimilarity, rotationToEuler } from '../src/face/pose.js';
import { LANDMARK_COUNT, LM, MIRROR, RIGID_POINTS } from '../src/face/topology.js';
import { readImage } from '../src/media/image-file.js';
import { decodeVideo } from '../src/media/video.js';
import type { RgbaImage } from '../src/face/image.js';
import { readManifest } from '../src/dataset/manifest.js';

const dataDir = path.resolve(process.argv[2] ?? '../shared/data');
const rows = readManifest(dataDir);

await initBackend(wasmDir());
const models = await loadModels(fileModelLoader());

function landmarks(img: RgbaImage): Float32Array | undefined {
  const det = detectFaces(models, img, 0.5, 1)[0];
  if (!det) return undefined;
  let m = meshFromRegion(models, img, regionFromDetection(det));
  for (let pass = 0; pass < 2; pass++) m = meshFromRegion(models, img, regionFromLandmarks(m.landmarks));
  return m.score > 0.9 ? m.landmarks : undefined;
}

const meshes: { name: string; lm: Float32Array }[] = [];
for (const r of rows) {
  const file = r.file;
  const full = path.join(dataDir, file);
  if (r.kind === 'image' && r.category === 'core') {
    const lm = landmarks(await readImage(full));
    if (lm) meshes.push({ name: file, lm });
  } else if (r.kind === 'video' && r.self_reenactment === 'yes') {
    for await (const frame of decodeVideo(full, { maxFrames: 1 })) {
      const lm = landmarks(frame);
      if (lm) meshes.push({ name: file, lm });
    }
  }
}
console.log(`${meshes.length} faces`);

const ALL = Array.from({ length: LANDMARK_COUNT }, (_, i) => i);
let mean = Float32Array.from(meshes[0]!.lm);
let aligned: Float32Array[] = [];
for (let iter = 0; iter < 8; iter++) {
  aligned = meshes.map(({ lm }) => applySimilarity(fitSimilarity(lm, mean, RIGID_POINTS), lm));
  const next = new Float32Array(LANDMARK_COUNT * 3);
  for (const a of aligned) for (let i = 0; i < next.length; i++) next[i]! += a[i]! / aligned.length;
  mean = next;
}
// Residual of each face after alignment (a sanity check that the fit is good): RMS over rigid points.
const residuals = aligned.map((a) => {
  let s = 0;
  for (const i of RIGID_POINTS) for (let k = 0; k < 3; k++) s += (a[3 * i + k]! - mean[3 * i + k]!) ** 2;
  return Math.sqrt(s / RIGID_POINTS.length);
});

// Head frame. x: mean direction from each point to its mirror twin, oriented right eye → left eye.
const p = (i: number): [number, number, number] => [mean[3 * i]!, mean[3 * i + 1]!, mean[3 * i + 2]!];
let ax = [0, 0, 0];
for (let i = 0; i < 468; i++) {
  const j = MIRROR[i]!;
  if (j === i) continue;
  const [a, b] = [p(i), p(j)];
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const lr = p(LM.leftEyeOuter)[0] - p(LM.rightEyeOuter)[0];
  const sign = Math.sign(d[0]! * lr) || 1; // orient every pair the same way
  ax = ax.map((v, k) => v + sign * d[k]!);
}
const norm = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
ax = norm(ax);
if ((p(LM.leftEyeOuter)[0] - p(LM.rightEyeOuter)[0]) * ax[0]! < 0) ax = ax.map((v) => -v);
// y: forehead → chin, made orthogonal to x.
const fc = [0, 1, 2].map((k) => p(LM.chin)[k]! - p(LM.foreheadTop)[k]!);
const dot = fc.reduce((s, v, k) => s + v * ax[k]!, 0);
const ay = norm(fc.map((v, k) => v - dot * ax[k]!));
const az = [ax[1]! * ay[2]! - ax[2]! * ay[1]!, ax[2]! * ay[0]! - ax[0]! * ay[2]!, ax[0]! * ay[1]! - ax[1]! * ay[0]!];
const rotated = new Float32Array(LANDMARK_COUNT * 3);
for (let i = 0; i < LANDMARK_COUNT; i++) {
  const v = p(i);
  rotated[3 * i] = v[0] * ax[0]! + v[1] * ax[1]! + v[2] * ax[2]!;
  rotated[3 * i + 1] = v[0] * ay[0]! + v[1] * ay[1]! + v[2] * ay[2]!;
  rotated[3 * i + 2] = v[0] * az[0]! + v[1] * az[1]! + v[2] * az[2]!;
}
// Exact symmetry: average each point with its twin's reflection.
const sym = new Float32Array(LANDMARK_COUNT * 3);
for (let i = 0; i < LANDMARK_COUNT; i++) {
  const j = MIRROR[i]!;
  sym[3 * i] = (rotated[3 * i]! - rotated[3 * j]!) / 2;
  sym[3 * i + 1] = (rotated[3 * i + 1]! + rotated[3 * j + 1]!) / 2;
  sym[3 * i + 2] = (rotated[3 * i + 2]! + rotated[3 * j + 2]!) / 2;
}
// Origin and unit.
const c = [0, 0, 0];
for (const i of RIGID_POINTS) for (let k = 0; k < 3; k++) c[k]! += sym[3 * i + k]! / RIGID_POINTS.length;
c[0] = 0;
const unit = Math.abs(sym[3 * LM.leftEyeOuter]! - sym[3 * LM.rightEyeOuter]!);
const centred = new Float32Array(LANDMARK_COUNT * 3);
for (let i = 0; i < centred.length; i++) centred[i] = (sym[i]! - c[i % 3]!) / unit;
// Pitch is the one angle symmetry does not fix: choose it so that the median portrait, looking into the
// camera, reads 0° (people face the lens in nearly all of these pictures).
const pitches = meshes.map(({ lm }) => rotationToEuler(fitSimilarity(centred, lm, RIGID_POINTS).rotation).pitchDeg);
const pitch0 = median(pitches);
const tilt = eulerToRotation(0, pitch0, 0);
const out = ALL.flatMap((i) => {
  const v = applyRotation(tilt, centred[3 * i]!, centred[3 * i + 1]!, centred[3 * i + 2]!);
  return v.map((x) => Number(x.toFixed(5)));
});
console.log(`pitch of the median face before levelling: ${pitch0.toFixed(2)} deg`);
const noseZ = out[3 * LM.noseTip + 2]!;
if (noseZ >= 0) throw new Error(`nose tip should face the camera (z < 0) but z = ${noseZ}`);
const faces = meshes.map((m) => m.name);
writeFileSync(
  new URL('../src/face/canonical-data.ts', import.meta.url),
  `// Generated by scripts/build-canonical.ts from ${meshes.length} real faces. Do not edit by hand.
// Rigid-point RMS residual after alignment: median ${median(residuals).toFixed(4)}, max ${Math.max(...residuals).toFixed(4)} (before scaling to eye-corner units).

/**
 * The canonical neutral face: 478 × (x, y, z), symmetric, x towards the subject's left, y down, z away from
 * the camera, origin at the centroid of the rigid points, 1 unit = the distance between the outer eye corners.
 */
export const CANONICAL_FACE: Float32Array = Float32Array.from(${JSON.stringify(out)});

/** The faces it was built from (files under the data folder). */
export const CANONICAL_SOURCES: readonly string[] = ${JSON.stringify(faces)};
`,
);
console.log(
  'residual median',
  median(residuals).toFixed(3),
  'max',
  Math.max(...residuals).toFixed(3),
  'unit',
  unit.toFixed(2),
);
function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}
