/**
 * The renderer's sampling pass (renderer.ts): every pixel of the frame's raster window takes its colour
 * from the source through its triangle's map — bilinear, with the mirror twin's texture where the frame
 * uncovers what the source hid, the driver's shading ratio and the expression appearance on the face —
 * or from the eye and mouth renderers inside those openings. Pure TypeScript on typed arrays.
 */
import type { AppearanceFrame } from './appearance.js';
import { Part } from './control-mesh.js';
import type { DetailFrame } from './detail.js';
import { renderEyePixel, type EyeFrame } from './eyes.js';
import type { MouthFrame } from './mouth.js';
import type { RasterTarget } from './raster.js';
import { bilinear } from './sampling.js';

/** What the pass reads of the source, fixed for the whole video. */
export interface WarpSource {
  width: number;
  height: number;
  /** The source's RGBA, and its RGB packed one pixel per 32-bit word (a bilinear tap is 4 loads, not 12). */
  data: Uint8ClampedArray;
  packed: Uint32Array;
  /** The control mesh's triangles (vertex indices) and parts. */
  triangles: Uint16Array;
  parts: Uint8Array;
  /** Per triangle: base point and two edge vectors into the source (barycentric → source pixels). */
  srcMap: Float32Array;
  /** For mirrored triangles: their own map, beside the twin's in srcMap. */
  ownMap: Float32Array;
  mirrored: Uint8Array;
  srcArea: Float32Array;
}

/** What one frame adds: its raster, its per-triangle weights and the special parts' set-up. */
export interface WarpFrame {
  raster: RasterTarget;
  /** Per mirrored triangle, how much of its twin's texture it takes (0 … 1). */
  mirrorWeight: Float32Array;
  tgtArea: Float32Array;
  ratio: DetailFrame | undefined;
  shade: AppearanceFrame | undefined;
  eyeFrames: readonly EyeFrame[];
  mouth: MouthFrame;
  /** Eyes with no iris (carved, blank) are warped with the face. */
  warpRightEye: boolean;
  warpLeftEye: boolean;
}

/** The pass's outputs: the image (the source's copy, changed in the window) and the optional maps. */
export interface WarpOutput {
  out: Uint8ClampedArray;
  occ: Float32Array | undefined;
  mot: Float32Array | undefined;
  shadingMap: Float32Array | undefined;
}

/** Runs the sampling pass over the raster window. */
export function samplePass(source: WarpSource, frame: WarpFrame, output: WarpOutput): void {
  const { width: W, height: H, data: sd, packed: s32, triangles: T, parts, srcMap, ownMap, mirrored, srcArea } = source;
  const { raster, mirrorWeight, tgtArea, ratio, shade, eyeFrames, warpRightEye, warpLeftEye } = frame;
  const { out, occ, mot, shadingMap } = output;
  const { tri, b1, b2, width: rw, x0: wx0, y0: wy0 } = raster;
  const wx1 = wx0 + rw;
  const wy1 = wy0 + raster.height;
  const rgb = [0, 0, 0];
  for (let y = wy0; y < wy1; y++) {
    let r = (y - wy0) * rw;
    for (let x = wx0; x < wx1; x++, r++) {
      const t = tri[r]!;
      if (t < 0) continue;
      const w1 = b1[r]!;
      const w2 = b2[r]!;
      const w0 = 1 - w1 - w2;
      const part = parts[t]!;
      const o = (y * W + x) * 4;
      if (
        part === Part.Face ||
        part === Part.Ring ||
        (part === Part.RightEye ? warpRightEye : part === Part.LeftEye && warpLeftEye)
      ) {
        const m = 6 * t;
        // Bilinear source sample, inlined: this loop runs for every pixel that moves.
        let fx = srcMap[m]! + w1 * srcMap[m + 2]! + w2 * srcMap[m + 4]! - 0.5;
        let fy = srcMap[m + 1]! + w1 * srcMap[m + 3]! + w2 * srcMap[m + 5]! - 0.5;
        fx = fx < 0 ? 0 : fx > W - 1 ? W - 1 : fx;
        fy = fy < 0 ? 0 : fy > H - 1 ? H - 1 : fy;
        const x0 = fx | 0;
        const y0 = fy | 0;
        const ax = fx - x0;
        const ay = fy - y0;
        const i00 = y0 * W + x0;
        const i10 = x0 + 1 < W ? i00 + 1 : i00;
        const i01 = y0 + 1 < H ? i00 + W : i00;
        const i11 = x0 + 1 < W ? i01 + 1 : i01;
        const w00 = (1 - ax) * (1 - ay);
        const w10 = ax * (1 - ay);
        const w01 = (1 - ax) * ay;
        const w11 = ax * ay;
        // One load per source pixel (packed RGB), channels taken by shifts.
        const q00 = s32[i00]!;
        const q10 = s32[i10]!;
        const q01 = s32[i01]!;
        const q11 = s32[i11]!;
        let r0 = (q00 & 255) * w00 + (q10 & 255) * w10 + (q01 & 255) * w01 + (q11 & 255) * w11;
        let g0 =
          ((q00 >>> 8) & 255) * w00 + ((q10 >>> 8) & 255) * w10 + ((q01 >>> 8) & 255) * w01 + ((q11 >>> 8) & 255) * w11;
        let b0 =
          ((q00 >>> 16) & 255) * w00 +
          ((q10 >>> 16) & 255) * w10 +
          ((q01 >>> 16) & 255) * w01 +
          ((q11 >>> 16) & 255) * w11;
        if (mirrored[t] && mirrorWeight[t]! < 1) {
          // A mirrored triangle this frame does not uncover: (mostly) its own pixels.
          const k = mirrorWeight[t]!;
          const ox = ownMap[m]! + w1 * ownMap[m + 2]! + w2 * ownMap[m + 4]!;
          const oy = ownMap[m + 1]! + w1 * ownMap[m + 3]! + w2 * ownMap[m + 5]!;
          bilinear(sd, W, H, ox, oy, rgb);
          r0 = k * r0 + (1 - k) * rgb[0]!;
          g0 = k * g0 + (1 - k) * rgb[1]!;
          b0 = k * b0 + (1 - k) * rgb[2]!;
          if (k < 0.5) {
            fx = ox - 0.5;
            fy = oy - 0.5;
          }
        }
        if (ratio && part === Part.Face) {
          rgb[0] = r0;
          rgb[1] = g0;
          rgb[2] = b0;
          ratio.apply(T[3 * t]!, T[3 * t + 1]!, T[3 * t + 2]!, w0, w1, w2, rgb);
          [r0, g0, b0] = rgb as [number, number, number];
        }
        if (shade && part === Part.Face) {
          let f = shade.factor(T[3 * t]!, T[3 * t + 1]!, T[3 * t + 2]!, w0, w1, w2);
          // Brighter, but never past white in any channel (which would shift the hue).
          if (f > 1) f = Math.min(f, 255 / Math.max(1, r0, g0, b0));
          r0 *= f;
          g0 *= f;
          b0 *= f;
          if (shadingMap) shadingMap[y * W + x] = Math.abs(f - 1);
        }
        if (part >= Part.RightEye) {
          // A warped eye nearly closed shows the shadow where its lids meet: a crease in the carved or painted
          // surface, about two thirds of its light (at 0.3 it drew a black line across a terracotta statue).
          const slit = 0.65 + 0.35 * eyeFrames[part === Part.RightEye ? 0 : 1]!.slit;
          r0 *= slit;
          g0 *= slit;
          b0 *= slit;
        }
        out[o] = r0;
        out[o + 1] = g0;
        out[o + 2] = b0;
        if (mot) mot[y * W + x] = Math.hypot(fx - x, fy - y); // source position − this pixel (both centres)
        if (occ) {
          const stretch = tgtArea[t]! / Math.max(1e-3, srcArea[t]!);
          occ[y * W + x] = Math.max(mirrored[t] ? mirrorWeight[t]! : 0, Math.min(1, Math.max(0, (stretch - 1.5) / 2)));
        }
        continue;
      }
      const synthetic = interiorPixel(frame, sd, W, H, srcMap, T, t, part, w0, w1, w2, x, y, rgb);
      out[o] = rgb[0]!;
      out[o + 1] = rgb[1]!;
      out[o + 2] = rgb[2]!;
      if (occ) occ[y * W + x] = synthetic;
    }
  }
}

/** A pixel of an eye or mouth opening, from its renderer; returns how synthetic it is (0–1). */
function interiorPixel(
  frame: WarpFrame,
  sd: Uint8ClampedArray,
  W: number,
  H: number,
  srcMap: Float32Array,
  T: WarpSource['triangles'],
  t: number,
  part: number,
  w0: number,
  w1: number,
  w2: number,
  x: number,
  y: number,
  rgb: number[],
): number {
  const a = T[3 * t]!;
  const b = T[3 * t + 1]!;
  const c = T[3 * t + 2]!;
  if (part === Part.Mouth) return frame.mouth.pixel(a, b, c, w0, w1, w2, x + 0.5, y + 0.5, rgb);
  const eye = frame.eyeFrames[part === Part.RightEye ? 0 : 1]!;
  // Where the eye's fan puts this pixel between the source's lids (pixel centres).
  const m = 6 * t;
  const fx = srcMap[m]! + w1 * srcMap[m + 2]! + w2 * srcMap[m + 4]!;
  const fy = srcMap[m + 1]! + w1 * srcMap[m + 3]! + w2 * srcMap[m + 5]!;
  return renderEyePixel(eye, sd, W, H, x + 0.5, y + 0.5, fx, fy, rgb);
}

/** Marks the eye and mouth interiors of the window as moved by Infinity: they are re-rendered, whatever moved. */
export function markInteriors(raster: RasterTarget, parts: Uint8Array, W: number, mot: Float32Array): void {
  const { tri, width: rw, x0: wx0, y0: wy0 } = raster;
  for (let y = wy0; y < wy0 + raster.height; y++) {
    let r = (y - wy0) * rw;
    for (let x = wx0; x < wx0 + rw; x++, r++) {
      const t = tri[r]!;
      if (t >= 0 && parts[t] !== Part.Face && parts[t] !== Part.Ring) mot[y * W + x] = Infinity;
    }
  }
}
