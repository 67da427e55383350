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
  type ControlMesh,
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
import { prepareClosedEyes } from './closed-eye.js';
import { frameEye, prepareEye } from './eyes.js';
import { measureLidEdges, sourceLidsAtEdges, targetLidsAtEdges } from './lid-edges.js';
import { offsetRing, setCentre, triArea } from './geometry.js';
import { frameMouth, prepareMouth, type MouthOptions, type MouthSourceKind } from './mouth.js';
import { rasterTarget, rasterTriangle, type RasterTarget } from './raster.js';
import { softenOutline } from './sampling.js';
import { hiddenInSource } from './visibility.js';
import { markInteriors, samplePass, type WarpFrame, type WarpOutput, type WarpSource } from './warp-pass.js';

/**
 * What a frame gets when it does not say: the expression appearance at full strength (as `vivify edit`
 * draws it; `--appearance`) and none of the driver's shading (reenactment's `detail`, off unless asked).
 */
export const RENDER_DEFAULTS = { appearance: 1, detail: 0 } as const;

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
  /**
   * This frame stands alone (an edit), not as the next of a sequence: the mouth shows the real mouth nearest
   * in shape, whatever earlier frames showed, so the same input always renders the same image. In a
   * sequence (false) a mouth is held until another is clearly nearer and changes are crossfaded. Default false.
   */
  still?: boolean;
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

/** Half-width of the softened band along a mouth interior's outline, pixels (see softenOutline). */
const OUTLINE_SOFTENING = 1.2;

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
  const { src, ringCanon, ringSrc3 } = sourceVertices(mesh, sourceState, sourceLandmarks, lidLandmarks, W, H);
  const maps = textureMaps(mesh, src, sourceLandmarks, W, H);
  const warpSource: WarpSource = {
    width: W,
    height: H,
    data: source.data,
    packed: packRgb(source),
    triangles: mesh.triangles,
    parts: mesh.parts,
    srcMap: maps.srcMap,
    ownMap: maps.ownMap,
    mirrored: maps.mirrored,
    srcArea: maps.srcArea,
  };
  /** Per frame, per mirrored triangle: how much of its twin's texture it takes (0 its own … 1 its twin's). */
  const mirrorWeight = new Float32Array(nTri);

  const eyes = lidEdges
    ? (['right', 'left'] as const).map((side, i) => ({
        ...prepareEye(source, lidLandmarks, side),
        hasIris: plainEyes[i]!.hasIris,
      }))
    : plainEyes;
  const mouthSource = prepareMouth(source, sourceLandmarks, src, sourceState, eyes, MOUTH_CENTRE, options.mouth);
  // Real closed lids for eyes the portrait shows open (a carved or blank eye closes as warped clay).
  const closedEyes = prepareClosedEyes(source, sourceLandmarks, eyes, options.mouth);

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
      detail = RENDER_DEFAULTS.detail,
      driverReference,
      aus,
      appearance: appearanceStrength = RENDER_DEFAULTS.appearance,
      still = false,
    }) {
      const lm = projectState(target);
      if (lidEdges) targetLidsAtEdges(lm, sourceLandmarks, lidEdges);
      targetVertices(mesh, target, lm, ringCanon, ringSrc3, tgt);
      raster = rasteriseFrame(mesh, src, tgt, target.pose.scale, W, H, drawn, raster);
      if (maps.mirroredList.length) mirrorWeights(mesh, tgt, raster, maps.mirroredList, maps.shown, mirrorWeight);

      // Per-frame set-up of the special parts.
      const tgtArea = new Float32Array(nTri);
      for (let t = 0; t < nTri; t++) tgtArea[t] = Math.abs(triArea(tgt, 3, mesh.triangles, t));
      const shade = frameAppearance(aus, appearanceStrength);
      const mouth = frameMouth(mouthSource, target, lm, driver, still);
      const frame: WarpFrame = {
        raster,
        mirrorWeight,
        tgtArea,
        ratio: frameDetail(detail, driver, driverReference),
        shade,
        eyeFrames: [frameEye(eyes[0]!, lm, 'right'), frameEye(eyes[1]!, lm, 'left')],
        mouth,
        // An eye with no iris (carved, blank) is warped with the face: its eyeball squeezes as the lids close.
        warpRightEye: !eyes[0]!.hasIris,
        warpLeftEye: !eyes[1]!.hasIris,
      };
      const output: WarpOutput = {
        out: new Uint8ClampedArray(source.data),
        occ: wantOcclusion ? new Float32Array(W * H) : undefined,
        mot: wantMotion ? new Float32Array(W * H) : undefined,
        shadingMap: wantMotion && shade ? new Float32Array(W * H) : undefined,
      };
      samplePass(warpSource, frame, output);
      const image = { width: W, height: H, data: output.out };
      closedEyes?.(image, lm, frame.eyeFrames, output.occ);
      // An interior not the portrait's own meets the lips in a stair-stepped edge: soften it over a pixel.
      if (!mouth.closed && mouth.kind !== 'source') softenOutline(image, lm, MOUTH_OPENING, OUTLINE_SOFTENING);
      if (output.mot) markInteriors(raster, mesh.parts, W, output.mot);
      const { x0, y0, width, height } = raster;
      return {
        image,
        occlusion: output.occ,
        motion: output.mot,
        shading: output.shadingMap,
        mouth: mouth.closed ? 'none' : mouth.kind,
        changed: { x0, y0, x1: x0 + width, y1: y0 + height },
      };
    },
  };
}

/** The control mesh's vertices in the source (image px): the landmarks, the rings, the openings' centres. */
function sourceVertices(
  mesh: ControlMesh,
  sourceState: FaceState,
  sourceLandmarks: Float32Array,
  lidLandmarks: Float32Array,
  W: number,
  H: number,
): { src: Float32Array; ringCanon: Float32Array; ringSrc3: Float32Array } {
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
  return { src, ringCanon, ringSrc3 };
}

/**
 * Per triangle, where its texture comes from in the source: its own vertices, or its mirror twin's when
 * the source does not show it. Stored as a base point and two edge vectors (barycentric → source). A
 * mirrored triangle keeps its own map too (`ownMap`): while a frame shows it no more than the source does
 * (the source's pose, a fold of the mesh), its own pixels are what the portrait has there.
 */
function textureMaps(mesh: ControlMesh, src: Float32Array, sourceLandmarks: Float32Array, W: number, H: number) {
  const nTri = mesh.parts.length;
  const { hidden, shown } = hiddenInSource(mesh, sourceLandmarks, W, H);
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
  const srcArea = new Float32Array(nTri);
  for (let t = 0; t < nTri; t++) srcArea[t] = Math.abs(triArea(src, 2, mesh.triangles, t));
  return { srcMap, ownMap, mirrored, mirroredList, shown, srcArea };
}

/** The source's RGB packed one pixel per 32-bit word, for the sampling pass. */
function packRgb(source: RgbaImage): Uint32Array {
  const { width: W, height: H, data } = source;
  const s32 = new Uint32Array(W * H);
  for (let i = 0, p = 0; i < W * H; i++, p += 4) s32[i] = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16);
  return s32;
}

/** The frame's vertices (x, y, depth): the target landmarks, the rings, the openings' centres. */
function targetVertices(
  mesh: ControlMesh,
  target: FaceState,
  lm: Float32Array,
  ringCanon: Float32Array,
  ringSrc3: Float32Array,
  tgt: Float32Array,
): void {
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
}

/**
 * Rasterises the frame's triangles with depth. Which triangles to draw: a ring triangle that has not moved by
 * a quarter pixel maps every pixel onto itself (to within what can be seen), so its pixels stay as they are.
 * The raster window is what the drawn triangles cover, clipped to the image: for a small face in a large
 * portrait that is the face's neighbourhood, not the whole image (nothing outside it is drawn, so nothing
 * there changes).
 */
function rasteriseFrame(
  mesh: ControlMesh,
  src: Float32Array,
  tgt: Float32Array,
  scale: number,
  W: number,
  H: number,
  drawn: Uint8Array,
  reuse: RasterTarget | undefined,
): RasterTarget {
  const T = mesh.triangles;
  const nTri = mesh.parts.length;
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
    const draw = mesh.parts[t] !== Part.Ring || !still(a) || !still(b) || !still(c);
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
  const raster = rasterTarget(wx0, wy0, Math.max(0, wx1 - wx0), Math.max(0, wy1 - wy0), reuse);
  const backPenalty = scale * 0.25;
  for (let t = 0; t < nTri; t++) {
    if (!drawn[t]) continue;
    const a = 3 * T[3 * t]!;
    const b = 3 * T[3 * t + 1]!;
    const c = 3 * T[3 * t + 2]!;
    rasterTriangle(
      raster,
      t,
      tgt[a]!,
      tgt[a + 1]!,
      tgt[a + 2]!,
      tgt[b]!,
      tgt[b + 1]!,
      tgt[b + 2]!,
      tgt[c]!,
      tgt[c + 1]!,
      tgt[c + 2]!,
      mesh.frontWinding[t]!,
      backPenalty,
    );
  }
  return raster;
}

/**
 * Mirrored triangles take their twin's texture only as far as this frame shows them more than the source
 * did: none while turned away as in the source, all of it once uncovered.
 */
function mirrorWeights(
  mesh: ControlMesh,
  tgt: Float32Array,
  raster: RasterTarget,
  mirroredList: readonly number[],
  shown: ArrayLike<number>,
  mirrorWeight: Float32Array,
): void {
  const T = mesh.triangles;
  const targetWins = new Float32Array(mesh.parts.length);
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
