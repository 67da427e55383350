/**
 * A fixed layout of the face for shading: the face mesh's UV map (MESH_UV, symmetric about u = 0.5) sampled on
 * a grid over the subject's right half (u ≤ 0.5), the left half being its mirror image. A texel is the same
 * place on the face in every frame and for every person, whatever the head and expression do, so shading can
 * be compared across frames (expression ratio images) and learned across people (src/render/appearance.ts,
 * scripts/build-appearance.ts). Pure TypeScript on typed arrays.
 */
import type { RgbaImage } from './image.js';
import { pyramidLevel } from './pyramid.js';
import { LEFT_EYE_OPENING, LM, MESH_TRIANGLES, MESH_UV, RIGHT_EYE_OPENING } from './topology.js';

/** The grid: u ∈ [0, 0.5] in GRID_W columns, v ∈ [V0, V1] in GRID_H rows (texel centres). */
export const GRID_W = 64;
export const GRID_H = 112;
const V0 = 0.09;
const V1 = 0.97;
/** Half-width (in u) of the band around the midline where both sides' actions blend. */
export const MIDLINE = 0.04;

/** The grid column (fractional) of a UV point's u, folded onto the right half. */
export function gridX(u: number): number {
  const uf = u > 0.5 ? 1 - u : u;
  return uf * 2 * GRID_W - 0.5;
}

/** The grid row (fractional) of a UV point's v. */
export function gridY(v: number): number {
  return ((v - V0) / (V1 - V0)) * GRID_H - 0.5;
}

/** UV of a texel centre (right half). */
export function texelUV(col: number, row: number): [number, number] {
  return [(col + 0.5) / (2 * GRID_W), V0 + ((row + 0.5) / GRID_H) * (V1 - V0)];
}

/** How much a texel at u belongs to its own side (1) rather than to both (0 on the midline). */
export function sideWeight(u: number): number {
  const d = Math.abs(0.5 - u);
  return d >= MIDLINE ? 1 : d / MIDLINE;
}

/** Where a texel lies on the mesh: a triangle (three mesh points) and barycentric weights. */
export interface Texel {
  /** Mesh points of the triangle, or −1 when the texel is off the face (or in an eye opening). */
  a: number;
  b: number;
  c: number;
  w0: number;
  w1: number;
  w2: number;
  /** +1 or −1: the winding the triangle has on screen when it faces the camera (from the UV map). */
  front: number;
}

let texelCache: [Texel[], Texel[]] | undefined;

/** Per texel (row-major), where it lies on the mesh: for the right half, and for its mirror on the left. */
export function uvTexels(): [Texel[], Texel[]] {
  if (texelCache) return texelCache;
  const eyes = [new Set<number>(RIGHT_EYE_OPENING), new Set<number>(LEFT_EYE_OPENING)];
  const tris: number[][] = [];
  for (let t = 0; t < MESH_TRIANGLES.length; t += 3) {
    const v = [MESH_TRIANGLES[t]!, MESH_TRIANGLES[t + 1]!, MESH_TRIANGLES[t + 2]!];
    if (!eyes.some((s) => v.every((i) => s.has(i)))) tris.push(v);
  }
  const locate = (u: number, v: number): Texel => {
    for (const [a, b, c] of tris as [number, number, number][]) {
      const [ax, ay] = MESH_UV[a]!;
      const [bx, by] = MESH_UV[b]!;
      const [cx, cy] = MESH_UV[c]!;
      const det = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
      if (Math.abs(det) < 1e-12) continue;
      const w1 = ((u - ax) * (cy - ay) - (cx - ax) * (v - ay)) / det;
      const w2 = ((bx - ax) * (v - ay) - (u - ax) * (by - ay)) / det;
      const w0 = 1 - w1 - w2;
      // UV v grows downwards like image y, so a front-facing triangle keeps the UV winding on screen.
      if (w0 >= -1e-6 && w1 >= -1e-6 && w2 >= -1e-6) return { a, b, c, w0, w1, w2, front: Math.sign(det) };
    }
    return { a: -1, b: -1, c: -1, w0: 0, w1: 0, w2: 0, front: 0 };
  };
  const right: Texel[] = [];
  const left: Texel[] = [];
  for (let row = 0; row < GRID_H; row++) {
    for (let col = 0; col < GRID_W; col++) {
      const [u, v] = texelUV(col, row);
      right.push(locate(u, v));
      left.push(locate(1 - u, v));
    }
  }
  texelCache = [right, left];
  return texelCache;
}

/**
 * A face's log luminance at every texel, [right half, left half mirrored], NaN where the face does not show
 * it (turned away, outside the image). The luminance is low-passed with a Gaussian of 1/100 of the face
 * width first (folds stay, pores and noise go), at the pyramid level where the face is 100–200 px wide.
 */
export function sampleLogLuminance(img: RgbaImage, lm: Float32Array): [Float32Array, Float32Array] {
  const eyeDist = Math.hypot(
    lm[3 * LM.rightEyeOuter]! - lm[3 * LM.leftEyeOuter]!,
    lm[3 * LM.rightEyeOuter + 1]! - lm[3 * LM.leftEyeOuter + 1]!,
  );
  const faceW = eyeDist * 2.2;
  const level = Math.max(0, Math.floor(Math.log2(Math.max(1, faceW / 100))));
  const src = pyramidLevel(img, level);
  const f = 2 ** level;
  const lum = blurredLogLuminance(src, faceW / f / 100);
  const N = GRID_W * GRID_H;
  const texels = uvTexels();
  const out: [Float32Array, Float32Array] = [new Float32Array(N).fill(NaN), new Float32Array(N).fill(NaN)];
  const W = src.width;
  for (let side = 0; side < 2; side++) {
    for (let i = 0; i < N; i++) {
      const t = texels[side]![i]!;
      if (t.a < 0) continue;
      const { a, b, c } = t;
      const area =
        (lm[3 * b]! - lm[3 * a]!) * (lm[3 * c + 1]! - lm[3 * a + 1]!) -
        (lm[3 * c]! - lm[3 * a]!) * (lm[3 * b + 1]! - lm[3 * a + 1]!);
      if (Math.sign(area) !== t.front) continue;
      const x = (t.w0 * lm[3 * a]! + t.w1 * lm[3 * b]! + t.w2 * lm[3 * c]!) / f - 0.5;
      const y = (t.w0 * lm[3 * a + 1]! + t.w1 * lm[3 * b + 1]! + t.w2 * lm[3 * c + 1]!) / f - 0.5;
      if (x < 0 || y < 0 || x > src.width - 1 || y > src.height - 1) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const y1 = Math.min(src.height - 1, y0 + 1);
      const fx = x - x0;
      const fy = y - y0;
      const top = lum[y0 * W + x0]! * (1 - fx) + lum[y0 * W + x1]! * fx;
      const bot = lum[y1 * W + x0]! * (1 - fx) + lum[y1 * W + x1]! * fx;
      out[side]![i] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}

/** log(Y + 4) of the Rec. 601 luma, blurred with a separable Gaussian of `sigma` pixels. */
function blurredLogLuminance(img: RgbaImage, sigma: number): Float32Array {
  const { width: W, height: H, data: d } = img;
  const lum = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) lum[i] = 0.299 * d[4 * i]! + 0.587 * d[4 * i + 1]! + 0.114 * d[4 * i + 2]!;
  const r = Math.max(1, Math.ceil(sigma * 2.5));
  const k = new Float32Array(2 * r + 1);
  let ks = 0;
  for (let i = -r; i <= r; i++) ks += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= ks;
  const tmp = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * lum[y * W + Math.min(W - 1, Math.max(0, x + i))]!;
      tmp[y * W + x] = s;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * tmp[Math.min(H - 1, Math.max(0, y + i)) * W + x]!;
      lum[y * W + x] = Math.log(s + 4);
    }
  }
  return lum;
}
