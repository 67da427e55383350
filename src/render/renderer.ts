/**
 * The reenactment renderer: warps the source portrait so its face takes a target pose and shape.
 *
 * Every output pixel is mapped back to the source (a backward warp) through the control mesh: the face
 * mesh rasterised with depth (so the near side of a turned head covers the far side), rings around the
 * face that carry hair and neck with the head and fade out, and fans over the eye and mouth openings
 * whose content is rendered separately: eyeballs that move with the head, irises that follow the gaze and
 * are covered by the lids rather than squeezed, and a mouth interior borrowed from the driving frame,
 * from the source, or synthesised. Face triangles the source never showed (turned away) take their
 * texture from their mirror-image triangle. Pure TypeScript on typed arrays.
 */
import {
  LEFT_IRIS,
  LM,
  MESH_POINTS,
  MOUTH_OPENING,
  RIGHT_IRIS,
  LEFT_EYE_OPENING,
  RIGHT_EYE_OPENING,
  MIRROR,
} from '../analysis/topology.js';
import type { RgbaImage } from '../media/types.js';
import { applySimilarity } from '../analysis/pose.js';
import { pyramidLevel } from '../analysis/crop.js';
import { projectState, type FaceState } from '../motion/motion.js';
import {
  controlMesh,
  LEFT_EYE_CENTRE,
  MOUTH_CENTRE,
  Part,
  RIGHT_EYE_CENTRE,
  RING_BASE,
  VERTEX_COUNT,
  ringsForSource,
  type ControlMesh,
} from './control-mesh.js';
import { rasterTarget, rasterTriangle, type RasterTarget } from './raster.js';

export interface RenderFrameInput {
  /** Target head pose and canonical shape (from the motion model). */
  target: FaceState;
  /** The driving frame and its landmarks: the mouth interior is borrowed from it when it shows one. */
  driver?: { image: RgbaImage; landmarks: Float32Array };
  /** Also return the occlusion map. Default false. */
  occlusion?: boolean;
  /** Also return the motion map: how far each pixel's content moved, in pixels. Default false. */
  motion?: boolean;
  /**
   * Carry the driver's shading changes (expression wrinkles, lighting) onto the face: each face pixel is
   * multiplied by the ratio of the driving frame to the driving reference frame at the same place on the
   * face, low-passed to about 1/48 of the face width so the driver's skin texture does not come along
   * (an expression ratio image, Liu et al. 2001). 0 (off) … 1. Needs `driver` and `driverReference`.
   */
  detail?: number;
  driverReference?: { image: RgbaImage; landmarks: Float32Array };
}

export interface RenderFrameOutput {
  image: RgbaImage;
  /**
   * Per pixel, 0–1: how little of the output comes straight from the source — 1 where it is synthesised
   * (mouth interior, revealed eyeball) or borrowed from the mirror side, partial where the warp stretches
   * the source more than 1.5×. Present when requested.
   */
  occlusion?: Float32Array;
  /** Per pixel, the distance its content moved (pixels); eye and mouth interiors count as Infinity. Present when requested. */
  motion?: Float32Array;
  /** Where the mouth interior came from this frame. */
  mouth: 'none' | 'driver' | 'source' | 'synthesised';
}

export interface Renderer {
  readonly width: number;
  readonly height: number;
  render(input: RenderFrameInput): RenderFrameOutput;
}

const MOUTH_SKIN_POINTS = [206, 426, 200, 57, 287, 18, 43, 273];

/**
 * Prepares a renderer for one source portrait and its face (landmarks in the portrait, decomposed state).
 *
 * @example
 * const renderer = createRenderer(portrait, faceState(face), face.landmarks);
 * const { image } = renderer.render({ target });
 */
export function createRenderer(source: RgbaImage, sourceState: FaceState, sourceLandmarks: Float32Array): Renderer {
  const mesh = controlMesh();
  const { width: W, height: H } = source;
  const nTri = mesh.parts.length;

  // Source vertex positions (image px) — fixed for the whole video.
  const src = new Float32Array(VERTEX_COUNT * 2);
  for (let i = 0; i < MESH_POINTS; i++) {
    src[2 * i] = sourceLandmarks[3 * i]!;
    src[2 * i + 1] = sourceLandmarks[3 * i + 1]!;
  }
  const ringCanon = ringsForSource(mesh, sourceState.pose, W, H);
  const ringSrc3 = applySimilarity(sourceState.pose, ringCanon);
  for (let k = 0; k < ringSrc3.length / 3; k++) {
    src[2 * (RING_BASE + k)] = ringSrc3[3 * k]!;
    src[2 * (RING_BASE + k) + 1] = ringSrc3[3 * k + 1]!;
  }
  setCentre(src, 2, sourceLandmarks, 3, MOUTH_OPENING, MOUTH_CENTRE);
  setCentre(src, 2, sourceLandmarks, 3, RIGHT_EYE_OPENING, RIGHT_EYE_CENTRE);
  setCentre(src, 2, sourceLandmarks, 3, LEFT_EYE_OPENING, LEFT_EYE_CENTRE);

  const hidden = hiddenInSource(mesh, sourceLandmarks, W, H);
  // Per triangle, where its texture comes from in the source: its own vertices, or its mirror twin's when
  // the source does not show it. Stored as a base point and two edge vectors (barycentric → source).
  const srcMap = new Float32Array(nTri * 6);
  const mirrored = new Uint8Array(nTri);
  for (let t = 0; t < nTri; t++) {
    let [a, b, c] = [mesh.triangles[3 * t]!, mesh.triangles[3 * t + 1]!, mesh.triangles[3 * t + 2]!];
    if (mesh.parts[t] === Part.Face && hidden[t] && mesh.mirror[t]! >= 0 && !hidden[mesh.mirror[t]!]) {
      [a, b, c] = [MIRROR[a]!, MIRROR[b]!, MIRROR[c]!];
      mirrored[t] = 1;
    }
    srcMap[6 * t] = src[2 * a]!;
    srcMap[6 * t + 1] = src[2 * a + 1]!;
    srcMap[6 * t + 2] = src[2 * b]! - src[2 * a]!;
    srcMap[6 * t + 3] = src[2 * b + 1]! - src[2 * a + 1]!;
    srcMap[6 * t + 4] = src[2 * c]! - src[2 * a]!;
    srcMap[6 * t + 5] = src[2 * c + 1]! - src[2 * a + 1]!;
  }
  const srcArea = new Float32Array(nTri);
  for (let t = 0; t < nTri; t++) srcArea[t] = Math.abs(triArea(src, 2, mesh.triangles, t));

  const eyes = [prepareEye(source, sourceLandmarks, 'right'), prepareEye(source, sourceLandmarks, 'left')];
  const sourceSkin = meanColour(source, sourceLandmarks, 3, MOUTH_SKIN_POINTS);
  const sourceMouthArea = polygonArea(sourceLandmarks, 3, MOUTH_OPENING);
  const faceLuma = (0.3 * sourceSkin[0] + 0.59 * sourceSkin[1] + 0.11 * sourceSkin[2]) / 255;
  // How colourful the portrait is (skin saturation over a typical 0.35): a black-and-white photo gets a grey mouth.
  const faceChroma = Math.min(
    1,
    (Math.max(...sourceSkin) - Math.min(...sourceSkin)) / Math.max(1, Math.max(...sourceSkin)) / 0.35,
  );

  const tgt = new Float32Array(VERTEX_COUNT * 3);
  let raster: RasterTarget | undefined;

  return {
    width: W,
    height: H,
    render({
      target,
      driver,
      occlusion: wantOcclusion = false,
      motion: wantMotion = false,
      detail = 0,
      driverReference,
    }) {
      // Target vertices.
      const lm = projectState(target);
      tgt.set(lm.subarray(0, MESH_POINTS * 3));
      // Ring vertices: moved by the driver's tracked surroundings when known, else by the follow profile.
      const ringT = applySimilarity(target.pose, target.surround ? offsetRing(ringCanon, target.surround) : ringCanon);
      for (let k = 0; k < mesh.ringFollow.length; k++) {
        const f = target.surround ? 1 : mesh.ringFollow[k]!;
        const o = 3 * (RING_BASE + k);
        tgt[o] = ringSrc3[3 * k]! + f * (ringT[3 * k]! - ringSrc3[3 * k]!);
        tgt[o + 1] = ringSrc3[3 * k + 1]! + f * (ringT[3 * k + 1]! - ringSrc3[3 * k + 1]!);
        // Rings sit behind the face so the face wins wherever they overlap.
        tgt[o + 2] = ringSrc3[3 * k + 2]! + f * (ringT[3 * k + 2]! - ringSrc3[3 * k + 2]!) + target.pose.scale * 0.5;
      }
      const behind = target.pose.scale * 0.02;
      setCentre(tgt, 3, lm, 3, MOUTH_OPENING, MOUTH_CENTRE, behind);
      setCentre(tgt, 3, lm, 3, RIGHT_EYE_OPENING, RIGHT_EYE_CENTRE, behind);
      setCentre(tgt, 3, lm, 3, LEFT_EYE_OPENING, LEFT_EYE_CENTRE, behind);

      // Window: everything that can move (the outer ring does not), clipped to the image.
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (let v = 0; v < VERTEX_COUNT; v++) {
        for (const [x, y] of [
          [tgt[3 * v]!, tgt[3 * v + 1]!],
          [src[2 * v]!, src[2 * v + 1]!],
        ] as const) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
      const wx0 = Math.max(0, Math.floor(x0));
      const wy0 = Math.max(0, Math.floor(y0));
      const wx1 = Math.min(W, Math.ceil(x1) + 1);
      const wy1 = Math.min(H, Math.ceil(y1) + 1);
      raster = rasterTarget(wx0, wy0, Math.max(0, wx1 - wx0), Math.max(0, wy1 - wy0), raster);
      const T = mesh.triangles;
      const backPenalty = target.pose.scale * 0.25;
      const still = (v: number): boolean =>
        Math.abs(tgt[3 * v]! - src[2 * v]!) < 0.25 && Math.abs(tgt[3 * v + 1]! - src[2 * v + 1]!) < 0.25;
      for (let t = 0; t < nTri; t++) {
        const a = T[3 * t]!;
        const b = T[3 * t + 1]!;
        const c = T[3 * t + 2]!;
        // A ring triangle that has not moved by a quarter pixel maps every pixel onto itself (to within what
        // can be seen): leave those pixels as they are.
        if (mesh.parts[t] === Part.Ring && still(a) && still(b) && still(c)) continue;
        rasterTriangle(
          raster,
          t,
          tgt[3 * a]!,
          tgt[3 * a + 1]!,
          tgt[3 * a + 2]!,
          tgt[3 * b]!,
          tgt[3 * b + 1]!,
          tgt[3 * b + 2]!,
          tgt[3 * c]!,
          tgt[3 * c + 1]!,
          tgt[3 * c + 2]!,
          mesh.frontWinding[t]!,
          backPenalty,
        );
      }

      // Per-frame set-up of the special parts.
      const targetMouthArea = polygonArea(lm, 3, MOUTH_OPENING);
      const mouth = chooseMouth(targetMouthArea, sourceMouthArea, driver);
      let gain: [number, number, number] = [1, 1, 1];
      if (mouth === 'driver' && driver) {
        const d = meanColour(driver.image, driver.landmarks, 3, MOUTH_SKIN_POINTS);
        gain = [0, 1, 2].map((k) => Math.max(0.6, Math.min(1.6, sourceSkin[k]! / Math.max(1, d[k]!)))) as [
          number,
          number,
          number,
        ];
      }
      const mouthGeom = mouthGeometry(lm);
      const eyeFrames = [frameEye(eyes[0]!, lm, 'right'), frameEye(eyes[1]!, lm, 'left')];
      const tgtArea = new Float32Array(nTri);
      for (let t = 0; t < nTri; t++) tgtArea[t] = Math.abs(triArea(tgt, 3, T, t));

      // Ratio-image set-up: both driver frames at the pyramid level where the face is ~48 px wide.
      let ratio: { k: RgbaImage; r: RgbaImage; kl: Float32Array; rl: Float32Array; f: number } | undefined;
      if (detail > 0 && driver && driverReference) {
        const faceW =
          Math.hypot(
            driver.landmarks[3 * LM.rightEyeOuter]! - driver.landmarks[3 * LM.leftEyeOuter]!,
            driver.landmarks[3 * LM.rightEyeOuter + 1]! - driver.landmarks[3 * LM.leftEyeOuter + 1]!,
          ) * 2.2;
        const level = Math.max(0, Math.floor(Math.log2(Math.max(1, faceW / 48))));
        ratio = {
          k: pyramidLevel(driver.image, level),
          r: pyramidLevel(driverReference.image, level),
          kl: driver.landmarks,
          rl: driverReference.landmarks,
          f: 2 ** level,
        };
      }
      const rk = [0, 0, 0];
      const rr = [0, 0, 0];

      // Sampling pass.
      const out = new Uint8ClampedArray(source.data);
      const occ = wantOcclusion ? new Float32Array(W * H) : undefined;
      const mot = wantMotion ? new Float32Array(W * H) : undefined;
      const sd = source.data;
      const rgb = [0, 0, 0];
      const { tri, b1, b2 } = raster;
      for (let y = wy0; y < wy1; y++) {
        let r = (y - wy0) * raster.width;
        for (let x = wx0; x < wx1; x++, r++) {
          const t = tri[r]!;
          if (t < 0) continue;
          const w1 = b1[r]!;
          const w2 = b2[r]!;
          const w0 = 1 - w1 - w2;
          const part = mesh.parts[t]!;
          const o = (y * W + x) * 4;
          if (part === Part.Face || part === Part.Ring) {
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
            const p00 = (y0 * W + x0) * 4;
            const p10 = x0 + 1 < W ? p00 + 4 : p00;
            const p01 = y0 + 1 < H ? p00 + 4 * W : p00;
            const p11 = x0 + 1 < W ? p01 + 4 : p01;
            const w00 = (1 - ax) * (1 - ay);
            const w10 = ax * (1 - ay);
            const w01 = (1 - ax) * ay;
            const w11 = ax * ay;
            let r0 = sd[p00]! * w00 + sd[p10]! * w10 + sd[p01]! * w01 + sd[p11]! * w11;
            let g0 = sd[p00 + 1]! * w00 + sd[p10 + 1]! * w10 + sd[p01 + 1]! * w01 + sd[p11 + 1]! * w11;
            let b0 = sd[p00 + 2]! * w00 + sd[p10 + 2]! * w10 + sd[p01 + 2]! * w01 + sd[p11 + 2]! * w11;
            if (ratio && part === Part.Face) {
              const { kl, rl, f } = ratio;
              const a = T[3 * t]!;
              const b = T[3 * t + 1]!;
              const c = T[3 * t + 2]!;
              const kx = (w0 * kl[3 * a]! + w1 * kl[3 * b]! + w2 * kl[3 * c]!) / f;
              const ky = (w0 * kl[3 * a + 1]! + w1 * kl[3 * b + 1]! + w2 * kl[3 * c + 1]!) / f;
              const rx = (w0 * rl[3 * a]! + w1 * rl[3 * b]! + w2 * rl[3 * c]!) / f;
              const ry = (w0 * rl[3 * a + 1]! + w1 * rl[3 * b + 1]! + w2 * rl[3 * c + 1]!) / f;
              bilinear(ratio.k.data, ratio.k.width, ratio.k.height, kx, ky, rk);
              bilinear(ratio.r.data, ratio.r.width, ratio.r.height, rx, ry, rr);
              r0 *= 1 + detail * (Math.max(0.6, Math.min(1.6, (rk[0]! + 8) / (rr[0]! + 8))) - 1);
              g0 *= 1 + detail * (Math.max(0.6, Math.min(1.6, (rk[1]! + 8) / (rr[1]! + 8))) - 1);
              b0 *= 1 + detail * (Math.max(0.6, Math.min(1.6, (rk[2]! + 8) / (rr[2]! + 8))) - 1);
            }
            out[o] = r0;
            out[o + 1] = g0;
            out[o + 2] = b0;
            if (mot) mot[y * W + x] = Math.hypot(fx - x, fy - y); // source position − this pixel (both centres)
            if (occ) {
              const stretch = tgtArea[t]! / Math.max(1e-3, srcArea[t]!);
              occ[y * W + x] = Math.max(mirrored[t]!, Math.min(1, Math.max(0, (stretch - 1.5) / 2)));
            }
            continue;
          }
          const a = T[3 * t]!;
          const b = T[3 * t + 1]!;
          const c = T[3 * t + 2]!;
          if (part === Part.Mouth) {
            let synthetic = 0;
            if (mouth === 'driver' && driver) {
              const dl = driver.landmarks;
              const [dx, dy] = fanPoint(dl, a, b, c, w0, w1, w2, MOUTH_CENTRE, MOUTH_OPENING);
              bilinear(driver.image.data, driver.image.width, driver.image.height, dx, dy, rgb);
              rgb[0] = rgb[0]! * gain[0];
              rgb[1] = rgb[1]! * gain[1];
              rgb[2] = rgb[2]! * gain[2];
              synthetic = 0.6;
            } else if (mouth === 'source') {
              const sx = w0 * src[2 * a]! + w1 * src[2 * b]! + w2 * src[2 * c]!;
              const sy = w0 * src[2 * a + 1]! + w1 * src[2 * b + 1]! + w2 * src[2 * c + 1]!;
              bilinear(sd, W, H, sx, sy, rgb);
              synthetic = 0.3;
            } else {
              const uvA = mesh.mouthUV.get(a)!;
              const uvB = mesh.mouthUV.get(b)!;
              const uvC = mesh.mouthUV.get(c)!;
              const u = w0 * uvA[0] + w1 * uvB[0] + w2 * uvC[0];
              const v = w0 * uvA[1] + w1 * uvB[1] + w2 * uvC[1];
              synthMouth(u, v, mouthGeom, faceLuma, faceChroma, rgb);
              synthetic = 1;
            }
            out[o] = rgb[0]!;
            out[o + 1] = rgb[1]!;
            out[o + 2] = rgb[2]!;
            if (occ) occ[y * W + x] = synthetic;
          } else {
            const eye = eyeFrames[part === Part.RightEye ? 0 : 1]!;
            const synthetic = renderEyePixel(eye, sd, W, H, x + 0.5, y + 0.5, rgb);
            out[o] = rgb[0]!;
            out[o + 1] = rgb[1]!;
            out[o + 2] = rgb[2]!;
            if (occ) occ[y * W + x] = synthetic;
          }
        }
      }
      if (mot) {
        // Mouth and eye interiors are re-rendered, whatever moved.
        for (let y = wy0; y < wy1; y++) {
          let r = (y - wy0) * raster.width;
          for (let x = wx0; x < wx1; x++, r++) {
            const t = tri[r]!;
            if (t >= 0 && mesh.parts[t] !== Part.Face && mesh.parts[t] !== Part.Ring) mot[y * W + x] = Infinity;
          }
        }
      }
      return {
        image: { width: W, height: H, data: out },
        occlusion: occ,
        motion: mot,
        mouth: targetMouthArea > 0 ? mouth : 'none',
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Geometry helpers

/** Ring vertices moved by head-frame offsets (xy pairs), each offset limited to 0.8 canonical units. */
function offsetRing(canon: Float32Array, offsets: Float32Array): Float32Array {
  const out = Float32Array.from(canon);
  for (let k = 0; k < offsets.length / 2; k++) {
    let ox = offsets[2 * k]!;
    let oy = offsets[2 * k + 1]!;
    const m = Math.hypot(ox, oy);
    if (m > 0.8) {
      ox *= 0.8 / m;
      oy *= 0.8 / m;
    }
    out[3 * k] = out[3 * k]! + ox;
    out[3 * k + 1] = out[3 * k + 1]! + oy;
  }
  return out;
}

function setCentre(
  dst: Float32Array,
  dstStride: number,
  pts: Float32Array,
  ptsStride: number,
  ring: readonly number[],
  at: number,
  zOffset = 0,
): void {
  let x = 0,
    y = 0,
    z = 0;
  for (const i of ring) {
    x += pts[ptsStride * i]!;
    y += pts[ptsStride * i + 1]!;
    if (ptsStride === 3) z += pts[3 * i + 2]!;
  }
  dst[dstStride * at] = x / ring.length;
  dst[dstStride * at + 1] = y / ring.length;
  if (dstStride === 3) dst[3 * at + 2] = z / ring.length + zOffset;
}

function triArea(p: Float32Array, stride: number, T: Uint16Array, t: number): number {
  const a = T[3 * t]!;
  const b = T[3 * t + 1]!;
  const c = T[3 * t + 2]!;
  return (
    ((p[stride * b]! - p[stride * a]!) * (p[stride * c + 1]! - p[stride * a + 1]!) -
      (p[stride * c]! - p[stride * a]!) * (p[stride * b + 1]! - p[stride * a + 1]!)) /
    2
  );
}

export function polygonArea(p: Float32Array, stride: number, ring: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    s += p[stride * a]! * p[stride * b + 1]! - p[stride * b]! * p[stride * a + 1]!;
  }
  return Math.abs(s) / 2;
}

function pointInPolygon(p: Float32Array, stride: number, ring: readonly number[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = p[stride * ring[i]!]!;
    const yi = p[stride * ring[i]! + 1]!;
    const xj = p[stride * ring[j]!]!;
    const yj = p[stride * ring[j]! + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point of a fan triangle mapped through another set of landmarks (the centre is the ring's mean). */
function fanPoint(
  lm: Float32Array,
  a: number,
  b: number,
  c: number,
  w0: number,
  w1: number,
  w2: number,
  centre: number,
  ring: readonly number[],
): [number, number] {
  const at = (v: number): [number, number] => {
    if (v !== centre) return [lm[3 * v]!, lm[3 * v + 1]!];
    let x = 0,
      y = 0;
    for (const i of ring) {
      x += lm[3 * i]!;
      y += lm[3 * i + 1]!;
    }
    return [x / ring.length, y / ring.length];
  };
  const [ax, ay] = at(a);
  const [bx, by] = at(b);
  const [cx, cy] = at(c);
  return [w0 * ax + w1 * bx + w2 * cx, w0 * ay + w1 * by + w2 * cy];
}

/** Bilinear RGB sample with edge clamping. */
function bilinear(d: Uint8ClampedArray, w: number, h: number, x: number, y: number, out: number[]): void {
  x -= 0.5;
  y -= 0.5;
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x > w - 1) x = w - 1;
  if (y > h - 1) y = h - 1;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const y1 = y0 + 1 < h ? y0 + 1 : y0;
  const fx = x - x0;
  const fy = y - y0;
  const p00 = (y0 * w + x0) * 4;
  const p10 = (y0 * w + x1) * 4;
  const p01 = (y1 * w + x0) * 4;
  const p11 = (y1 * w + x1) * 4;
  for (let k = 0; k < 3; k++) {
    const top = d[p00 + k]! + (d[p10 + k]! - d[p00 + k]!) * fx;
    const bot = d[p01 + k]! + (d[p11 + k]! - d[p01 + k]!) * fx;
    out[k] = top + (bot - top) * fy;
  }
}

function meanColour(
  img: RgbaImage,
  lm: Float32Array,
  stride: number,
  points: readonly number[],
): [number, number, number] {
  const acc = [0, 0, 0];
  let n = 0;
  for (const i of points) {
    const cx = Math.round(lm[stride * i]!);
    const cy = Math.round(lm[stride * i + 1]!);
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        const p = (y * img.width + x) * 4;
        acc[0]! += img.data[p]!;
        acc[1]! += img.data[p + 1]!;
        acc[2]! += img.data[p + 2]!;
        n++;
      }
    }
  }
  return n ? [acc[0]! / n, acc[1]! / n, acc[2]! / n] : [128, 128, 128];
}

/** Which triangles of the face the source does not show: turned away, or covered by a nearer part. */
function hiddenInSource(mesh: ControlMesh, lm: Float32Array, W: number, H: number): Uint8Array {
  const n = mesh.parts.length;
  const hidden = new Uint8Array(n);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < MESH_POINTS; i++) {
    x0 = Math.min(x0, lm[3 * i]!);
    x1 = Math.max(x1, lm[3 * i]!);
    y0 = Math.min(y0, lm[3 * i + 1]!);
    y1 = Math.max(y1, lm[3 * i + 1]!);
  }
  const wx0 = Math.max(0, Math.floor(x0));
  const wy0 = Math.max(0, Math.floor(y0));
  const r = rasterTarget(
    wx0,
    wy0,
    Math.max(0, Math.min(W, Math.ceil(x1) + 1) - wx0),
    Math.max(0, Math.min(H, Math.ceil(y1) + 1) - wy0),
  );
  const T = mesh.triangles;
  const area = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    if (mesh.parts[t] !== Part.Face) continue;
    const [a, b, c] = [T[3 * t]!, T[3 * t + 1]!, T[3 * t + 2]!];
    const s =
      ((lm[3 * b]! - lm[3 * a]!) * (lm[3 * c + 1]! - lm[3 * a + 1]!) -
        (lm[3 * c]! - lm[3 * a]!) * (lm[3 * b + 1]! - lm[3 * a + 1]!)) /
      2;
    area[t] = Math.abs(s);
    if (Math.sign(s) !== mesh.frontWinding[t]) {
      hidden[t] = 1;
      continue;
    }
    rasterTriangle(
      r,
      t,
      lm[3 * a]!,
      lm[3 * a + 1]!,
      lm[3 * a + 2]!,
      lm[3 * b]!,
      lm[3 * b + 1]!,
      lm[3 * b + 2]!,
      lm[3 * c]!,
      lm[3 * c + 1]!,
      lm[3 * c + 2]!,
      mesh.frontWinding[t]!,
    );
  }
  const won = new Float32Array(n);
  for (let i = 0; i < r.width * r.height; i++) if (r.tri[i]! >= 0) won[r.tri[i]!]!++;
  for (let t = 0; t < n; t++) {
    if (mesh.parts[t] !== Part.Face || hidden[t]) continue;
    if (area[t]! >= 4 && won[t]! < 0.3 * area[t]!) hidden[t] = 1;
  }
  return hidden;
}

// ---------------------------------------------------------------------------------------------------
// Mouth

function chooseMouth(
  targetArea: number,
  sourceArea: number,
  driver: RenderFrameInput['driver'],
): 'driver' | 'source' | 'synthesised' {
  if (driver) {
    const driverArea = polygonArea(driver.landmarks, 3, MOUTH_OPENING);
    if (driverArea > 0.25 * targetArea && driverArea > 4) return 'driver';
  }
  if (sourceArea > 0.6 * targetArea && sourceArea > 4) return 'source';
  return 'synthesised';
}

interface MouthGeometry {
  widthPx: number;
  gapPx: number;
}

function mouthGeometry(lm: Float32Array): MouthGeometry {
  const d = (a: number, b: number): number => Math.hypot(lm[3 * a]! - lm[3 * b]!, lm[3 * a + 1]! - lm[3 * b + 1]!);
  return { widthPx: d(LM.innerMouthRight, LM.innerMouthLeft), gapPx: d(LM.upperLipInner, LM.lowerLipInner) };
}

/**
 * A synthesised mouth interior at (u across the mouth, v from upper to lower lip): a dark cavity, the
 * upper teeth just under the upper lip, the lower teeth when the mouth is wide open, a tongue at the back.
 */
function synthMouth(u: number, v: number, g: MouthGeometry, luma: number, chroma: number, out: number[]): void {
  const light = 0.55 + 0.6 * luma;
  const across = Math.abs(u - 0.5) * 2; // 0 centre … 1 corners
  const fromUpper = v * g.gapPx;
  const fromLower = (1 - v) * g.gapPx;
  const teethH = 0.1 * g.widthPx;
  let r = 55,
    gg = 22,
    b = 24;
  const depthShade = 0.55 + 0.45 * across;
  r *= depthShade;
  gg *= depthShade;
  b *= depthShade;
  if (g.gapPx > 0.22 * g.widthPx && v > 0.55 && across < 0.6) {
    const t = Math.min(1, (v - 0.55) / 0.3) * (1 - across / 0.6);
    r += (150 - r) * t * 0.8;
    gg += (62 - gg) * t * 0.8;
    b += (62 - b) * t * 0.8;
  }
  const toothShade = (c: number): number => {
    const gap = Math.abs(((u * 8 + 0.5) % 1) - 0.5) < 0.04 ? 0.8 : 1;
    return c * gap * (1 - 0.45 * across * across);
  };
  if (fromUpper < teethH && across < 0.75) {
    const edge = Math.min(1, (teethH - fromUpper) / (0.25 * teethH));
    r += (toothShade(222) - r) * edge;
    gg += (toothShade(214) - gg) * edge;
    b += (toothShade(198) - b) * edge;
  } else if (g.gapPx > 0.3 * g.widthPx && fromLower < 0.7 * teethH && across < 0.6) {
    const edge = Math.min(1, (0.7 * teethH - fromLower) / (0.25 * teethH));
    r += (toothShade(200) - r) * edge;
    gg += (toothShade(192) - gg) * edge;
    b += (toothShade(178) - b) * edge;
  }
  const y = 0.3 * r + 0.59 * gg + 0.11 * b;
  out[0] = (y + chroma * (r - y)) * light;
  out[1] = (y + chroma * (gg - y)) * light;
  out[2] = (y + chroma * (b - y)) * light;
}

// ---------------------------------------------------------------------------------------------------
// Eyes

interface EyeSource {
  outer: number;
  inner: number;
  ring: readonly number[];
  iris: readonly number[];
  /** Source eye geometry. */
  corners: [number, number, number, number];
  irisC: [number, number];
  irisR: number;
  open: boolean;
  sclera: [number, number, number];
  irisColour: [number, number, number];
  landmarks: Float32Array;
}

function prepareEye(img: RgbaImage, lm: Float32Array, side: 'left' | 'right'): EyeSource {
  const outer = side === 'left' ? LM.leftEyeOuter : LM.rightEyeOuter;
  const inner = side === 'left' ? LM.leftEyeInner : LM.rightEyeInner;
  const ring = side === 'left' ? LEFT_EYE_OPENING : RIGHT_EYE_OPENING;
  const iris = side === 'left' ? LEFT_IRIS : RIGHT_IRIS;
  const [cx, cy, r] = irisCircle(lm, iris);
  const width = Math.hypot(lm[3 * outer]! - lm[3 * inner]!, lm[3 * outer + 1]! - lm[3 * inner + 1]!);
  const area = polygonArea(lm, 3, ring);
  const open = area > 0.12 * width * width * 0.35;
  // Sclera and iris colours from the visible eyeball.
  const scl: number[][] = [];
  const irs: number[][] = [];
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const i of ring) {
    x0 = Math.min(x0, lm[3 * i]!);
    x1 = Math.max(x1, lm[3 * i]!);
    y0 = Math.min(y0, lm[3 * i + 1]!);
    y1 = Math.max(y1, lm[3 * i + 1]!);
  }
  for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(img.height - 1, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(img.width - 1, Math.ceil(x1)); x++) {
      if (!pointInPolygon(lm, 3, ring, x + 0.5, y + 0.5)) continue;
      const p = (y * img.width + x) * 4;
      const c = [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      if (d > r * 1.15) scl.push(c);
      else if (d < r * 0.85) irs.push(c);
    }
  }
  const luma = (c: number[]): number => 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
  scl.sort((a, b) => luma(b) - luma(a));
  const bright = scl.slice(0, Math.max(1, Math.ceil(scl.length / 2)));
  const mean = (cs: number[][], fallback: [number, number, number]): [number, number, number] =>
    cs.length
      ? ([0, 1, 2].map((k) => cs.reduce((s, c) => s + c[k]!, 0) / cs.length) as [number, number, number])
      : fallback;
  return {
    outer,
    inner,
    ring,
    iris,
    corners: [lm[3 * outer]!, lm[3 * outer + 1]!, lm[3 * inner]!, lm[3 * inner + 1]!],
    irisC: [cx, cy],
    irisR: r,
    open,
    sclera: mean(scl.length > 3 ? bright : [], [205, 195, 185]),
    irisColour: mean(irs, [70, 50, 38]),
    landmarks: lm,
  };
}

function irisCircle(lm: Float32Array, iris: readonly number[]): [number, number, number] {
  const cx = lm[3 * iris[0]!]!;
  const cy = lm[3 * iris[0]! + 1]!;
  let r = 0;
  for (let k = 1; k < 5; k++) r += Math.hypot(lm[3 * iris[k]!]! - cx, lm[3 * iris[k]! + 1]! - cy);
  return [cx, cy, r / 4];
}

interface EyeFrame {
  src: EyeSource;
  /** Target → source similarity for the eyeball (from the eye corners): x' = a·x − b·y + tx, y' = b·x + a·y + ty. */
  a: number;
  b: number;
  tx: number;
  ty: number;
  irisC: [number, number];
  irisR: number;
  /** Upper-lid points in the target, for lid shading. */
  lid: Float32Array;
}

function frameEye(src: EyeSource, lm: Float32Array, side: 'left' | 'right'): EyeFrame {
  const [sox, soy, six, siy] = src.corners;
  const tox = lm[3 * src.outer]!;
  const toy = lm[3 * src.outer + 1]!;
  const tix = lm[3 * src.inner]!;
  const tiy = lm[3 * src.inner + 1]!;
  // Similarity mapping target corners onto source corners (complex division).
  const dtx = tix - tox;
  const dty = tiy - toy;
  const dsx = six - sox;
  const dsy = siy - soy;
  const den = dtx * dtx + dty * dty || 1;
  const a = (dsx * dtx + dsy * dty) / den;
  const b = (dsy * dtx - dsx * dty) / den;
  const tx = sox - (a * tox - b * toy);
  const ty = soy - (b * tox + a * toy);
  const [cx, cy, r] = irisCircle(lm, src.iris);
  const upper =
    side === 'left' ? [263, 466, 388, 387, 386, 385, 384, 398, 362] : [33, 246, 161, 160, 159, 158, 157, 173, 133];
  const lid = new Float32Array(upper.length * 2);
  upper.forEach((i, k) => {
    lid[2 * k] = lm[3 * i]!;
    lid[2 * k + 1] = lm[3 * i + 1]!;
  });
  return { src, a, b, tx, ty, irisC: [cx, cy], irisR: r, lid };
}

/**
 * Colour of one pixel inside the target eye opening. The eyeball follows the head (eye corners); the iris
 * is a disc at the target iris position, textured from the source iris (mirrored where the source lid
 * covered it); sclera the source did not show is filled with its colour, shaded under the upper lid.
 * Returns how synthetic the pixel is (0 copied … 1 invented).
 */
function renderEyePixel(
  e: EyeFrame,
  d: Uint8ClampedArray,
  W: number,
  H: number,
  x: number,
  y: number,
  out: number[],
): number {
  const s = e.src;
  const dIris = Math.hypot(x - e.irisC[0], y - e.irisC[1]);
  let synthetic = 0;
  if (s.open && dIris < e.irisR) {
    // Iris: same relative position in the source iris disc, rotated/scaled like the eye.
    const k = s.irisR / Math.max(1e-3, e.irisR);
    const ox = (x - e.irisC[0]) * k;
    const oy = (y - e.irisC[1]) * k;
    const norm = Math.hypot(e.a, e.b) || 1;
    const sx = s.irisC[0] + (e.a * ox - e.b * oy) / norm;
    let sy = s.irisC[1] + (e.b * ox + e.a * oy) / norm;
    if (!pointInPolygon(s.landmarks, 3, s.ring, sx, sy)) {
      sy = s.irisC[1] - (sy - s.irisC[1]); // the lid covered it: take the other half of the disc
      synthetic = 0.5;
    }
    if (pointInPolygon(s.landmarks, 3, s.ring, sx, sy)) {
      bilinear(d, W, H, sx, sy, out);
    } else {
      out[0] = s.irisColour[0];
      out[1] = s.irisColour[1];
      out[2] = s.irisColour[2];
      synthetic = 1;
    }
    // Soft rim.
    const rim = Math.max(0, Math.min(1, (e.irisR - dIris) / 1.2));
    if (rim < 1) {
      for (let c = 0; c < 3; c++) out[c] = out[c]! * rim + s.sclera[c]! * (1 - rim);
    }
  } else if (!s.open && dIris < e.irisR) {
    const t = dIris / e.irisR;
    const pupil = t < 0.4 ? 0.25 : 1;
    for (let c = 0; c < 3; c++) out[c] = s.irisColour[c]! * pupil * (0.85 + 0.15 * t);
    synthetic = 1;
  } else {
    const sx = e.a * x - e.b * y + e.tx;
    const sy = e.b * x + e.a * y + e.ty;
    const inSourceIris = Math.hypot(sx - s.irisC[0], sy - s.irisC[1]) < s.irisR * 1.1;
    if (s.open && !inSourceIris && pointInPolygon(s.landmarks, 3, s.ring, sx, sy)) {
      bilinear(d, W, H, sx, sy, out);
    } else {
      let lidDist = Infinity;
      for (let k = 0; k < e.lid.length / 2; k++)
        lidDist = Math.min(lidDist, Math.hypot(x - e.lid[2 * k]!, y - e.lid[2 * k + 1]!));
      const shade = 1 - 0.3 * Math.exp(-lidDist / Math.max(0.5, 0.4 * e.irisR));
      for (let c = 0; c < 3; c++) out[c] = s.sclera[c]! * shade;
      synthetic = 1;
    }
  }
  return synthetic;
}
