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
import type { RgbaImage } from '../face/image.js';
import { applySimilarity } from '../face/pose.js';
import { LEFT_EYE_OPENING, MESH_POINTS, MIRROR, MOUTH_OPENING, RIGHT_EYE_OPENING } from '../face/topology.js';
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
} from './control-mesh.js';
import { frameDetail } from './detail.js';
import { frameEye, prepareEye, renderEyePixel } from './eyes.js';
import { offsetRing, setCentre, triArea } from './geometry.js';
import { frameMouth, prepareMouth, type MouthSourceKind } from './mouth.js';
import { rasterTarget, rasterTriangle, type RasterTarget } from './raster.js';
import { hiddenInSource } from './visibility.js';

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
  mouth: 'none' | MouthSourceKind;
}

export interface Renderer {
  readonly width: number;
  readonly height: number;
  render(input: RenderFrameInput): RenderFrameOutput;
}

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
  const mouthSource = prepareMouth(source, sourceLandmarks, src);

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
      const mouth = frameMouth(mouthSource, lm, mesh, driver);
      const eyeFrames = [frameEye(eyes[0]!, lm, 'right'), frameEye(eyes[1]!, lm, 'left')];
      const tgtArea = new Float32Array(nTri);
      for (let t = 0; t < nTri; t++) tgtArea[t] = Math.abs(triArea(tgt, 3, T, t));
      const ratio = frameDetail(detail, driver, driverReference);

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
              rgb[0] = r0;
              rgb[1] = g0;
              rgb[2] = b0;
              ratio.apply(T[3 * t]!, T[3 * t + 1]!, T[3 * t + 2]!, w0, w1, w2, rgb);
              [r0, g0, b0] = rgb as [number, number, number];
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
            const synthetic = mouth.pixel(a, b, c, w0, w1, w2, rgb);
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
        mouth: mouth.area > 0 ? mouth.kind : 'none',
      };
    },
  };
}
