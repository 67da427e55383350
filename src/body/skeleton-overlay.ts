/**
 * Debug drawings for whole bodies: a skeleton over a frame, the rig's mesh over the source, the mask of
 * what the background fill had to invent, and the four side by side (the debug grid). Pure.
 */
import type { RgbaImage } from '../face/image.js';
import { cloneImage, drawLine, fillDisc, type Rgb } from '../render/draw.js';
import { sideBySide } from '../render/resize.js';
import type { BodyRig } from './rig.js';
import { EXTENDED_COUNT, PARENT, extendPose, seen, type BodyPose } from './skeleton.js';

const LEFT: Rgb = [255, 140, 0];
const RIGHT: Rgb = [0, 170, 255];
const CENTRE: Rgb = [80, 230, 80];

/** Colour of the bone ending at extended joint j: left side orange, right side blue, the rest green. */
function boneColour(j: number): Rgb {
  if (j >= 17 || j === 0) return CENTRE;
  return j % 2 === 1 ? LEFT : RIGHT;
}

/** The frame with the skeleton drawn over it (joints seen as discs; bones to unseen joints left out). */
export function drawSkeleton(image: RgbaImage, pose: BodyPose): RgbaImage {
  const out = cloneImage(image);
  const e = pose.x.length === EXTENDED_COUNT ? pose : extendPose(pose);
  const width = Math.max(1.5, Math.max(image.width, image.height) / 200);
  for (let j = 0; j < EXTENDED_COUNT; j++) {
    const p = PARENT[j]!;
    if (p < 0 || !seen(e, j) || !seen(e, p)) continue;
    drawLine(out, e.x[p]!, e.y[p]!, e.x[j]!, e.y[j]!, boneColour(j), 0.9, width);
  }
  for (let j = 0; j < EXTENDED_COUNT; j++)
    if (seen(e, j)) fillDisc(out, e.x[j]!, e.y[j]!, width * 1.3, boneColour(j), 0.95);
  return out;
}

/** The rig's triangle edges over the source (front layers brighter). */
export function drawRig(image: RgbaImage, rig: BodyRig, vertices: Float32Array = rig.rest): RgbaImage {
  const out = cloneImage(image);
  const T = rig.triangles;
  for (let i = 0; i < rig.layer.length; i++) {
    const c: Rgb = rig.layer[i] === 0 ? [255, 60, 60] : [255, 255, 255];
    for (let k = 0; k < 3; k++) {
      const a = T[3 * i + k]!;
      const b = T[3 * i + ((k + 1) % 3)]!;
      drawLine(out, vertices[2 * a]!, vertices[2 * a + 1]!, vertices[2 * b]!, vertices[2 * b + 1]!, c, 0.35, 1);
    }
  }
  return out;
}

/** The result with what the fill invented tinted magenta. */
function drawRevealed(image: RgbaImage, revealed: Uint8Array): RgbaImage {
  const out = cloneImage(image);
  for (let i = 0; i < revealed.length; i++) {
    if (!revealed[i]) continue;
    out.data[i * 4] = (out.data[i * 4]! + 255) / 2;
    out.data[i * 4 + 1] = out.data[i * 4 + 1]! / 2;
    out.data[i * 4 + 2] = (out.data[i * 4 + 2]! + 255) / 2;
  }
  return out;
}

/** Source with rig | driver with skeleton | result | result with the filled background marked, at `height`. */
export function bodyDebugGrid(
  sourceWithRig: RgbaImage,
  driver: RgbaImage,
  driverPose: BodyPose,
  result: RgbaImage,
  revealed: Uint8Array,
  height: number,
): RgbaImage {
  return sideBySide([sourceWithRig, drawSkeleton(driver, driverPose), result, drawRevealed(result, revealed)], height);
}
