/**
 * The reenactment renderer: warps the source portrait so its face takes a target pose and shape.
 *
 * Every output pixel is mapped back to the source (a backward warp) through the control mesh: the face
 * mesh rasterised with depth (so the near side of a turned head covers the far side), rings around the
 * face that carry hair and neck with the head and fade out, and fans over the eye and mouth openings
 * whose content is rendered separately: eyeballs that move with the head, irises that follow the gaze and
 * are covered by the lids rather than squeezed, and a mouth interior taken from the source or
 * synthesised in its colours (teeth, tongue, throat). Face triangles the source never showed (turned
 * away) take their texture from their mirror-image triangle. Pure TypeScript on typed arrays.
 */
import type { AuIntensities } from '../face/action-units.js';
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
import { frameAppearance } from './appearance.js';
import { frameDetail } from './detail.js';
import { frameEye, prepareEye, renderEyePixel } from './eyes.js';
import { bilinear } from './sampling.js';
import { measureLidEdges, sourceLidsAtEdges, targetLidsAtEdges } from './lid-edges.js';
import { offsetRing, setCentre, triArea } from './geometry.js';
import { frameMouth, prepareMouth, type MouthOptions, type MouthSourceKind } from './mouth.js';
import { rasterTarget, rasterTriangle, type RasterTarget } from './raster.js';
import { hiddenInSource } from './visibility.js';

export interface RenderFrameInput {
  /** Target head pose and canonical shape (from the motion model). */
  target: FaceState;
  /** The driving frame and its landmarks (for `detail`). */
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
  /**
   * The target's action-unit intensities relative to the source portrait (positive: more of an action than
   * the portrait shows). The learned expression appearance (appearance.ts: folds, wrinkles, bulges, shadows)
   * is applied for them on the portrait's own skin, scaled by `appearance`.
   */
  aus?: AuIntensities;
  /** Strength of the expression appearance for `aus`, 0 (off) … 1. Default 1. */
  appearance?: number;
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
  /** Per pixel, how much the expression appearance changed its shading (|factor − 1|). Present with `motion`. */
  shading?: Float32Array;
  /** Where the mouth interior came from this frame ('none': the lips are closed). */
  mouth: 'none' | MouthSourceKind;
  /** The box outside which `image` is the source, pixel for pixel (x0, y0 inclusive; x1, y1 exclusive). */
  changed?: ChangedBox;
}

/** A pixel box: x0, y0 inclusive, x1, y1 exclusive. */
export interface ChangedBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface RendererOptions {
  /** How a mouth the portrait does not show is filled (the bank of real mouths; drawn without one). */
  mouth?: MouthOptions;
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
export function createRenderer(
  source: RgbaImage,
  sourceState: FaceState,
  sourceLandmarks: Float32Array,
  options: RendererOptions = {},
): Renderer {
  const mesh = controlMesh();
  const { width: W, height: H } = source;
  const nTri = mesh.parts.length;
  // Eyes with no iris (carved, blank): their lid margins are moved out to the lids' visible edges where the
  // landmarks sit inside them; the texture and the eye openings are mapped from these, and each frame's
  // target margins are placed to match (lid-edges.ts).
  const plainEyes = [prepareEye(source, sourceLandmarks, 'right'), prepareEye(source, sourceLandmarks, 'left')];
  const lidEdges = measureLidEdges(source, sourceLandmarks, {
    right: !plainEyes[0]!.hasIris,
    left: !plainEyes[1]!.hasIris,
  });
  const lidLandmarks = lidEdges ? sourceLidsAtEdges(sourceLandmarks, lidEdges) : sourceLandmarks;

  // Source vertex positions (image px) — fixed for the whole video.
  const src = new Float32Array(VERTEX_COUNT * 2);
  for (let i = 0; i < MESH_POINTS; i++) {
    src[2 * i] = lidLandmarks[3 * i]!;
    src[2 * i + 1] = lidLandmarks[3 * i + 1]!;
  }
  const ringCanon = ringsForSource(mesh, sourceState.pose, W, H);
  const ringSrc3 = applySimilarity(sourceState.pose, ringCanon);
  for (let k = 0; k < ringSrc3.length / 3; k++) {
    src[2 * (RING_BASE + k)] = ringSrc3[3 * k]!;
    src[2 * (RING_BASE + k) + 1] = ringSrc3[3 * k + 1]!;
  }
  setCentre(src, 2, sourceLandmarks, 3, MOUTH_OPENING, MOUTH_CENTRE);
  setCentre(src, 2, lidLandmarks, 3, RIGHT_EYE_OPENING, RIGHT_EYE_CENTRE);
  setCentre(src, 2, lidLandmarks, 3, LEFT_EYE_OPENING, LEFT_EYE_CENTRE);

  const { hidden, shown } = hiddenInSource(mesh, sourceLandmarks, W, H);
  // Per triangle, where its texture comes from in the source: its own vertices, or its mirror twin's when
  // the source does not show it. Stored as a base point and two edge vectors (barycentric → source). A
  // mirrored triangle keeps its own map too (`ownMap`): while a frame shows it no more than the source does
  // (the source's pose, a fold of the mesh), its own pixels are what the portrait has there.
  const srcMap = new Float32Array(nTri * 6);
  const ownMap = new Float32Array(nTri * 6);
  const mirrored = new Uint8Array(nTri);
  const mirroredList: number[] = [];
  const setMap = (map: Float32Array, t: number, a: number, b: number, c: number): void => {
    map[6 * t] = src[2 * a]!;
    map[6 * t + 1] = src[2 * a + 1]!;
    map[6 * t + 2] = src[2 * b]! - src[2 * a]!;
    map[6 * t + 3] = src[2 * b + 1]! - src[2 * a + 1]!;
    map[6 * t + 4] = src[2 * c]! - src[2 * a]!;
    map[6 * t + 5] = src[2 * c + 1]! - src[2 * a + 1]!;
  };
  for (let t = 0; t < nTri; t++) {
    const [a, b, c] = [mesh.triangles[3 * t]!, mesh.triangles[3 * t + 1]!, mesh.triangles[3 * t + 2]!];
    if (mesh.parts[t] === Part.Face && hidden[t] && mesh.mirror[t]! >= 0 && !hidden[mesh.mirror[t]!]) {
      setMap(srcMap, t, MIRROR[a]!, MIRROR[b]!, MIRROR[c]!);
      setMap(ownMap, t, a, b, c);
      mirrored[t] = 1;
      mirroredList.push(t);
    } else setMap(srcMap, t, a, b, c);
  }
  /** Per frame, per mirrored triangle: how much of its twin's texture it takes (0 its own … 1 its twin's). */
  const mirrorWeight = new Float32Array(nTri);
  const targetWins = new Float32Array(nTri);
  const srcArea = new Float32Array(nTri);
  for (let t = 0; t < nTri; t++) srcArea[t] = Math.abs(triArea(src, 2, mesh.triangles, t));

  // The source's RGB packed one pixel per 32-bit word, for the sampling pass: a bilinear tap is 4 loads, not 12.
  const s32 = new Uint32Array(W * H);
  for (let i = 0, p = 0; i < W * H; i++, p += 4) {
    s32[i] = source.data[p]! | (source.data[p + 1]! << 8) | (source.data[p + 2]! << 16);
  }

  const eyes = lidEdges
    ? (['right', 'left'] as const).map((side, i) => ({
        ...prepareEye(source, lidLandmarks, side),
        hasIris: plainEyes[i]!.hasIris,
      }))
    : plainEyes;
  const mouthSource = prepareMouth(source, sourceLandmarks, src, sourceState, eyes, MOUTH_CENTRE, options.mouth);

  const tgt = new Float32Array(VERTEX_COUNT * 3);
  const drawn = new Uint8Array(nTri);
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
      aus,
      appearance: appearanceStrength = 1,
    }) {
      // Target vertices.
      const lm = projectState(target);
      if (lidEdges) targetLidsAtEdges(lm, sourceLandmarks, lidEdges);
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

      // Which triangles to draw: a ring triangle that has not moved by a quarter pixel maps every pixel onto
      // itself (to within what can be seen), so its pixels stay as they are. The raster window is what the
      // drawn triangles cover, clipped to the image: for a small face in a large portrait that is the face's
      // neighbourhood, not the whole image (nothing outside it is drawn, so nothing there changes).
      const T = mesh.triangles;
      const parts = mesh.parts;
      const still = (v: number): boolean =>
        Math.abs(tgt[3 * v]! - src[2 * v]!) < 0.25 && Math.abs(tgt[3 * v + 1]! - src[2 * v + 1]!) < 0.25;
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (let t = 0; t < nTri; t++) {
        const a = T[3 * t]!;
        const b = T[3 * t + 1]!;
        const c = T[3 * t + 2]!;
        const draw = parts[t] !== Part.Ring || !still(a) || !still(b) || !still(c);
        drawn[t] = draw ? 1 : 0;
        if (!draw) continue;
        for (const v of [a, b, c]) {
          const x = tgt[3 * v]!;
          const y = tgt[3 * v + 1]!;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
      const wx0 = Math.max(0, Math.floor(x0));
      const wy0 = Math.max(0, Math.floor(y0));
      const wx1 = Math.min(W, Math.ceil(x1) + 1);
      const wy1 = Math.min(H, Math.ceil(y1) + 1);
      raster = rasterTarget(wx0, wy0, Math.max(0, wx1 - wx0), Math.max(0, wy1 - wy0), raster);
      const backPenalty = target.pose.scale * 0.25;
      for (let t = 0; t < nTri; t++) {
        if (!drawn[t]) continue;
        const a = T[3 * t]!;
        const b = T[3 * t + 1]!;
        const c = T[3 * t + 2]!;
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

      // Mirrored triangles take their twin's texture only as far as this frame shows them more than the
      // source did: none while turned away as in the source, all of it once uncovered.
      if (mirroredList.length) {
        targetWins.fill(0);
        const { tri: rt } = raster;
        for (let i = 0; i < rt.length; i++) if (rt[i]! >= 0) targetWins[rt[i]!]!++;
        for (const t of mirroredList) {
          const a = T[3 * t]!;
          const b = T[3 * t + 1]!;
          const c = T[3 * t + 2]!;
          const s2 =
            (tgt[3 * b]! - tgt[3 * a]!) * (tgt[3 * c + 1]! - tgt[3 * a + 1]!) -
            (tgt[3 * c]! - tgt[3 * a]!) * (tgt[3 * b + 1]! - tgt[3 * a + 1]!);
          const facing = Math.sign(s2) === mesh.frontWinding[t];
          const extra = targetWins[t]! / Math.max(1, Math.abs(s2) / 2) - shown[t]!;
          mirrorWeight[t] = facing ? Math.max(0, Math.min(1, (extra - 0.1) / 0.3)) : 0;
        }
      }

      // Per-frame set-up of the special parts.
      const mouth = frameMouth(mouthSource, target, lm, driver);
      const eyeFrames = [frameEye(eyes[0]!, lm, 'right'), frameEye(eyes[1]!, lm, 'left')];
      const tgtArea = new Float32Array(nTri);
      for (let t = 0; t < nTri; t++) tgtArea[t] = Math.abs(triArea(tgt, 3, T, t));
      const ratio = frameDetail(detail, driver, driverReference);
      // An eye with no iris (carved, blank) is warped with the face: its eyeball squeezes as the lids close.
      const warpRightEye = !eyes[0]!.hasIris;
      const warpLeftEye = !eyes[1]!.hasIris;
      const shade = frameAppearance(aus, appearanceStrength);

      // Sampling pass.
      const out = new Uint8ClampedArray(source.data);
      const occ = wantOcclusion ? new Float32Array(W * H) : undefined;
      const mot = wantMotion ? new Float32Array(W * H) : undefined;
      const shadingMap = wantMotion && shade ? new Float32Array(W * H) : undefined;
      const sd = source.data;
      const rgb = [0, 0, 0];
      const { tri, b1, b2, width: rw } = raster;
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
              ((q00 >>> 8) & 255) * w00 +
              ((q10 >>> 8) & 255) * w10 +
              ((q01 >>> 8) & 255) * w01 +
              ((q11 >>> 8) & 255) * w11;
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
              // A warped eye nearly closed shows the shadow where its lids meet.
              const slit = 0.3 + 0.7 * eyeFrames[part === Part.RightEye ? 0 : 1]!.slit;
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
              occ[y * W + x] = Math.max(
                mirrored[t] ? mirrorWeight[t]! : 0,
                Math.min(1, Math.max(0, (stretch - 1.5) / 2)),
              );
            }
            continue;
          }
          const a = T[3 * t]!;
          const b = T[3 * t + 1]!;
          const c = T[3 * t + 2]!;
          if (part === Part.Mouth) {
            const synthetic = mouth.pixel(a, b, c, w0, w1, w2, x + 0.5, y + 0.5, rgb);
            out[o] = rgb[0]!;
            out[o + 1] = rgb[1]!;
            out[o + 2] = rgb[2]!;
            if (occ) occ[y * W + x] = synthetic;
          } else {
            const eye = eyeFrames[part === Part.RightEye ? 0 : 1]!;
            // Where the eye's fan puts this pixel between the source's lids (pixel centres).
            const m = 6 * t;
            const fx = srcMap[m]! + w1 * srcMap[m + 2]! + w2 * srcMap[m + 4]!;
            const fy = srcMap[m + 1]! + w1 * srcMap[m + 3]! + w2 * srcMap[m + 5]!;
            const synthetic = renderEyePixel(eye, sd, W, H, x + 0.5, y + 0.5, fx, fy, rgb);
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
          let r = (y - wy0) * rw;
          for (let x = wx0; x < wx1; x++, r++) {
            const t = tri[r]!;
            if (t >= 0 && parts[t] !== Part.Face && parts[t] !== Part.Ring) mot[y * W + x] = Infinity;
          }
        }
      }
      return {
        image: { width: W, height: H, data: out },
        occlusion: occ,
        motion: mot,
        shading: shadingMap,
        mouth: mouth.closed ? 'none' : mouth.kind,
        changed: { x0: wx0, y0: wy0, x1: Math.max(wx0, wx1), y1: Math.max(wy0, wy1) },
      };
    },
  };
}
