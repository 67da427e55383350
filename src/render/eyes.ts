/**
 * The eyes: eyeballs that move with the head (the eye corners), irises that follow the gaze and are covered
 * by the lids rather than squeezed, sclera the source did not show filled with its colour and shaded under
 * the upper lid.
 */
import type { RgbaImage } from '../face/image.js';
import { LEFT_EYE_OPENING, LEFT_IRIS, LM, RIGHT_EYE_OPENING, RIGHT_IRIS } from '../face/topology.js';
import { forEachPixelInRing, pointInPolygon, polygonArea } from './geometry.js';
import { bilinear } from './sampling.js';

export interface EyeSource {
  outer: number;
  inner: number;
  ring: readonly number[];
  iris: readonly number[];
  /** Source eye geometry. */
  corners: [number, number, number, number];
  irisC: [number, number];
  irisR: number;
  open: boolean;
  /**
   * Whether the eye shows an iris darker than its white. A carved or blank eye (a statue's) does not, and
   * the renderer warps it with the face instead of rendering it here: its eyeball squeezes as the lids
   * close, with no iris moved over it by the gaze (which would paint the clay's colour as a disc and fill
   * where it was with flat white).
   */
  hasIris: boolean;
  /** Opening area over the squared corner-to-corner width. */
  openness: number;
  sclera: [number, number, number];
  irisColour: [number, number, number];
  landmarks: Float32Array;
}

export function prepareEye(img: RgbaImage, lm: Float32Array, side: 'left' | 'right'): EyeSource {
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
  forEachPixelInRing(lm, 3, ring, img.width, img.height, (x, y, p) => {
    const c = [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
    const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
    if (d > r * 1.15) scl.push(c);
    else if (d < r * 0.85) irs.push(c);
  });
  const luma = (c: number[]): number => 0.3 * c[0]! + 0.59 * c[1]! + 0.11 * c[2]!;
  scl.sort((a, b) => luma(b) - luma(a));
  // The lit white: the brightest quarter (eyes looking down show mostly shadowed sclera).
  const bright = scl.slice(0, Math.max(1, Math.ceil(scl.length / 4)));
  const mean = (cs: number[][], fallback: [number, number, number]): [number, number, number] =>
    cs.length
      ? ([0, 1, 2].map((k) => cs.reduce((s, c) => s + c[k]!, 0) / cs.length) as [number, number, number])
      : fallback;
  const sclera = mean(scl.length > 3 ? bright : [], [205, 195, 185]);
  const irisColour = mean(irs, [70, 50, 38]);
  // Irises of photographs, paintings and drawings read at most about half as bright as the lit white (a
  // light iris in a blurred video frame, 0.8); a carved eye's "iris" is the same clay as the rest of it
  // (0.93–1 on a terracotta statue). A closed eye's colours are its lid's: it keeps the rendered eye.
  const hasIris = !open || !irs.length || luma(irisColour) < 0.88 * luma(sclera);
  return {
    outer,
    inner,
    ring,
    iris,
    corners: [lm[3 * outer]!, lm[3 * outer + 1]!, lm[3 * inner]!, lm[3 * inner + 1]!],
    irisC: [cx, cy],
    irisR: r,
    open,
    hasIris,
    openness: area / Math.max(1e-6, width * width),
    sclera,
    irisColour,
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

export interface EyeFrame {
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
  /**
   * Brightness of what shows between the lids, 0.3–1: a nearly closed eye shows a dark slit (lashes and
   * their shadow), not a line of white.
   */
  slit: number;
  /**
   * Source upper-lid points (x, y), and how far below them (source pixels) the source's lash line is not
   * copied: 0 unless the target eye is wider open than the source's, whose lash line would otherwise show
   * as a dark arc across the newly revealed white.
   */
  srcLid: Float32Array;
  lashBand: number;
}

export function frameEye(src: EyeSource, lm: Float32Array, side: 'left' | 'right'): EyeFrame {
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
  const srcLid = new Float32Array(upper.length * 2);
  upper.forEach((i, k) => {
    lid[2 * k] = lm[3 * i]!;
    lid[2 * k + 1] = lm[3 * i + 1]!;
    srcLid[2 * k] = src.landmarks[3 * i]!;
    srcLid[2 * k + 1] = src.landmarks[3 * i + 1]!;
  });
  // How open the target eye is, relative to the source's.
  const width = Math.hypot(tix - tox, tiy - toy);
  const ratio = polygonArea(lm, 3, src.ring) / Math.max(1e-6, width * width) / Math.max(1e-6, src.openness);
  const t = Math.max(0, Math.min(1, (ratio - 0.08) / 0.4));
  const slit = src.open ? 0.3 + 0.7 * t * t * (3 - 2 * t) : 1;
  // How far the target's upper lid is raised above the source's (both in the source's pixels, mean over the
  // lid), relative to the iris radius.
  let raise = 0;
  for (let k = 0; k < upper.length; k++) {
    const x = lid[2 * k]!;
    const y = lid[2 * k + 1]!;
    raise += (srcLid[2 * k + 1]! - (b * x + a * y + ty)) / upper.length;
  }
  const wider = Math.max(0, Math.min(1, raise / Math.max(1e-3, 0.3 * src.irisR)));
  const lashBand = src.open ? wider * 0.45 * src.irisR : 0;
  return { src, a, b, tx, ty, irisC: [cx, cy], irisR: r, lid, slit, srcLid, lashBand };
}

/**
 * Colour of one pixel inside the target eye opening. The eyeball follows the head (eye corners); the iris
 * is a disc at the target iris position, textured from the source iris (mirrored where the source lid
 * covered it); sclera the source did not show is filled with its colour, shaded under the upper lid.
 * Returns how synthetic the pixel is (0 copied … 1 invented).
 */
export function renderEyePixel(
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
    let underLash = false;
    if (e.lashBand > 0) {
      for (let k = 0; k < e.srcLid.length / 2 && !underLash; k++)
        underLash = Math.hypot(sx - e.srcLid[2 * k]!, sy - e.srcLid[2 * k + 1]!) < e.lashBand;
    }
    if (s.open && !inSourceIris && !underLash && pointInPolygon(s.landmarks, 3, s.ring, sx, sy)) {
      bilinear(d, W, H, sx, sy, out);
    } else {
      let lidDist = Infinity;
      for (let k = 0; k < e.lid.length / 2; k++)
        lidDist = Math.min(lidDist, Math.hypot(x - e.lid[2 * k]!, y - e.lid[2 * k + 1]!));
      const shade = 1 - 0.15 * Math.exp(-lidDist / Math.max(0.5, 0.25 * e.irisR));
      for (let c = 0; c < 3; c++) out[c] = s.sclera[c]! * shade;
      synthetic = 1;
    }
  }
  if (e.slit < 1) for (let c = 0; c < 3; c++) out[c] = out[c]! * e.slit;
  return synthetic;
}
