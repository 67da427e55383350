/**
 * Rendering a moved body: the rig's triangles, skinned to the target pose, are rasterised with a depth
 * buffer by layer (arms in front of the torso, the torso in front of the legs), each pixel takes the
 * source's colour and mask from where it came from, and is laid over the torso underlay (what the arms hid
 * of the torso) and the background plate — the photo with the person removed and the hole filled from the
 * surroundings. Pure typed arrays.
 */
import type { RgbaImage } from '../face/image.js';
import { rasterTarget, rasterTriangle, type RasterTarget } from '../render/raster.js';
import { HOLE_ALPHA, backgroundPlate } from './fill.js';
import { personMask, type PersonMask } from './mask.js';
import { buildRig, skin, type BodyRig } from './rig.js';
import { segmentTransforms } from './retarget.js';
import type { BodyPose } from './skeleton.js';
import { drawUnderlay, torsoUnderlay, type TorsoUnderlay } from './underlay.js';

/** Everything prepared once per source photo. */
export interface BodyScene {
  source: RgbaImage;
  mask: PersonMask;
  plate: RgbaImage;
  rig: BodyRig;
  /** The torso with the arms in front of it removed, drawn under the body (see underlay.ts). */
  underlay?: TorsoUnderlay;
}

/** A copy of `image` with alpha 255 everywhere. */
function opaque(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

/**
 * Mask, background plate and rig for a photo and the pose found in it. `plate`: a clean background (the
 * same view without the person, the photo's size) instead of the one filled from around the person.
 *
 * @example
 * const scene = prepareBodyScene(image, detector.detectStill(image));
 * const frame = renderBody(scene, targetPose).image;
 */
export function prepareBodyScene(source: RgbaImage, pose: BodyPose, options: { plate?: RgbaImage } = {}): BodyScene {
  const mask = personMask(source, pose);
  const given = options.plate;
  if (given && (given.width !== source.width || given.height !== source.height))
    throw new RangeError(
      `Expected a background plate of ${source.width}x${source.height} for prepareBodyScene but received ${given.width}x${given.height}`,
    );
  return {
    source,
    mask,
    plate: given ? opaque(given) : backgroundPlate(source, mask),
    rig: buildRig(mask, pose),
    underlay: torsoUnderlay(source, mask, pose),
  };
}

export interface BodyFrame {
  image: RgbaImage;
  /** Skinned vertex positions (x0 y0 x1 y1 …), for overlays. */
  vertices: Float32Array;
  /** Per pixel: 1 where the background plate shows what the photo had hidden behind the person. */
  revealed: Uint8Array;
}

/** Reusable buffers of one renderer. */
export interface BodyRenderState {
  raster?: RasterTarget;
  vertices?: Float32Array;
  fade?: Float32Array;
  cover?: Float32Array;
  colour?: Float32Array;
}

/** Bilinear sample of channel k (or the mask when k = 4) at (x, y). */
function sample(img: RgbaImage, mask: Float32Array, x: number, y: number, out: Float32Array): void {
  const w = img.width;
  const h = img.height;
  const fx = Math.max(0, Math.min(w - 1, x - 0.5));
  const fy = Math.max(0, Math.min(h - 1, y - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const i00 = y0 * w + x0;
  const i10 = y0 * w + x1;
  const i01 = y1 * w + x0;
  const i11 = y1 * w + x1;
  const d = img.data;
  for (let k = 0; k < 3; k++) {
    const top = d[i00 * 4 + k]! + (d[i10 * 4 + k]! - d[i00 * 4 + k]!) * ax;
    const bot = d[i01 * 4 + k]! + (d[i11 * 4 + k]! - d[i01 * 4 + k]!) * ax;
    out[k] = top + (bot - top) * ay;
  }
  const top = mask[i00]! + (mask[i10]! - mask[i00]!) * ax;
  const bot = mask[i01]! + (mask[i11]! - mask[i01]!) * ax;
  out[3] = top + (bot - top) * ay;
}

/**
 * A triangle across parts that do not touch (layer 0) fades out as its longest edge grows from FADE_FROM
 * to FADE_TO times its length in the photo: the parts have separated, and stretching the photo between
 * them would smear it (legs that step apart would pull a cone of skin between them); the background plate
 * shows through instead. A gradual fade, not a cut, so the opening has no saw-toothed edge.
 */
const FADE_FROM = 1.5;
const FADE_TO = 3;

function edgeGrowth(rig: BodyRig, pos: Float32Array, a: number, b: number, c: number): number {
  const R = rig.rest;
  let worst = 0;
  for (const [p, q] of [
    [a, b],
    [b, c],
    [c, a],
  ] as const) {
    const rest = Math.hypot(R[2 * p]! - R[2 * q]!, R[2 * p + 1]! - R[2 * q + 1]!) || 1;
    worst = Math.max(worst, Math.hypot(pos[2 * p]! - pos[2 * q]!, pos[2 * p + 1]! - pos[2 * q + 1]!) / rest);
  }
  return worst;
}

/** Draws the skinned triangles into the raster target, nearer layers winning; `fade` gets each one's opacity. */
function rasterise(rig: BodyRig, pos: Float32Array, t: RasterTarget, fade: Float32Array): void {
  const T = rig.triangles;
  for (let i = 0; i < rig.layer.length; i++) {
    const a = T[3 * i]!;
    const b = T[3 * i + 1]!;
    const c = T[3 * i + 2]!;
    const grow = rig.layer[i] === 0 ? edgeGrowth(rig, pos, a, b, c) : 1;
    fade[i] = Math.min(1, Math.max(0, (FADE_TO - grow) / (FADE_TO - FADE_FROM)));
    if (fade[i] === 0) continue;
    const z = -rig.layer[i]!;
    rasterTriangle(
      t,
      i,
      pos[2 * a]!,
      pos[2 * a + 1]!,
      z,
      pos[2 * b]!,
      pos[2 * b + 1]!,
      z,
      pos[2 * c]!,
      pos[2 * c + 1]!,
      z,
      0,
    );
  }
}

/**
 * The source photo with its person moved into `target` (the source's skeleton as retargeted, 17 or 19
 * joints). `appearance`, an image of the photo's size, replaces the photo's pixels on the person (the face
 * as the face engine re-rendered it); the mask and the rig stay the photo's.
 */
export function renderBody(
  scene: BodyScene,
  target: BodyPose,
  state: BodyRenderState = {},
  appearance?: RgbaImage,
): BodyFrame {
  const { source, plate, rig, mask } = scene;
  const { width: w, height: h } = source;
  const transforms = segmentTransforms(rig.pose, target);
  const pos = skin(rig, transforms, state.vertices);
  state.vertices = pos;
  const t = rasterTarget(0, 0, w, h, state.raster);
  state.raster = t;
  if (!state.fade || state.fade.length < rig.layer.length) state.fade = new Float32Array(rig.layer.length);
  const fade = state.fade;
  rasterise(rig, pos, t, fade);
  const cover = (state.cover ??= new Float32Array(w * h));
  const colour = (state.colour ??= new Float32Array(w * h * 3));
  bodyPixels(scene, appearance ?? scene.source, t, fade, cover, colour);
  const out = new Uint8ClampedArray(plate.data);
  if (scene.underlay) drawUnderlay(out, w, h, scene.underlay, transforms.subarray(0, 6), cover);
  const revealed = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const alpha = cover[i]!;
    if (alpha > 0)
      for (let k = 0; k < 3; k++) out[i * 4 + k] = alpha * colour[i * 3 + k]! + (1 - alpha) * out[i * 4 + k]!;
    if (alpha < 0.5 && mask.alpha[i]! > HOLE_ALPHA) revealed[i] = 1;
  }
  return { image: { width: w, height: h, data: out }, vertices: pos, revealed };
}

/** Per pixel, the body's opacity (`cover`) and colour where the rasterised rig puts it. */
function bodyPixels(
  scene: BodyScene,
  source: RgbaImage,
  t: RasterTarget,
  fade: Float32Array,
  cover: Float32Array,
  colour: Float32Array,
): void {
  const { rig, mask } = scene;
  if (source.width !== mask.width || source.height !== mask.height)
    throw new RangeError(
      `Expected an appearance of ${mask.width}x${mask.height} for renderBody but received ${source.width}x${source.height}`,
    );
  const px = new Float32Array(4);
  const T = rig.triangles;
  const R = rig.rest;
  cover.fill(0);
  for (let i = 0; i < cover.length; i++) {
    const tri = t.tri[i]!;
    if (tri < 0) continue;
    const w1 = t.b1[i]!;
    const w2 = t.b2[i]!;
    const w0 = 1 - w1 - w2;
    const a = T[3 * tri]!;
    const b = T[3 * tri + 1]!;
    const c = T[3 * tri + 2]!;
    const sx = w0 * R[2 * a]! + w1 * R[2 * b]! + w2 * R[2 * c]!;
    const sy = w0 * R[2 * a + 1]! + w1 * R[2 * b + 1]! + w2 * R[2 * c + 1]!;
    sample(source, mask.alpha, sx, sy, px);
    // A narrow edge (alpha from HOLE_ALPHA to 1 − HOLE_ALPHA): where the body stays put, its outline
    // shows the photo's own pixels, not a blend with the fill.
    cover[i] = fade[tri]! * Math.min(1, Math.max(0, (px[3]! - HOLE_ALPHA) / (1 - 2 * HOLE_ALPHA)));
    colour[i * 3] = px[0]!;
    colour[i * 3 + 1] = px[1]!;
    colour[i * 3 + 2] = px[2]!;
  }
}
