/**
 * The eyes: eyeballs that move with the head (the eye corners), irises that follow the gaze and are covered
 * by the lids rather than squeezed, sclera the source did not show filled with its colour and shaded under
 * the upper lid.
 */
import type { RgbaImage } from '../face/image.js';
import { LEFT_EYE_OPENING, LEFT_IRIS, LM, RIGHT_EYE_OPENING, RIGHT_IRIS } from '../face/topology.js';
import { forEachPixelInRing, pointInPolygon, polygonArea } from './geometry.js';
import { bilinear } from './sampling.js';

/** Upper-lid margin landmarks, corner to corner. */
const UPPER_MARGIN = {
  left: [263, 466, 388, 387, 386, 385, 384, 398, 362],
  right: [33, 246, 161, 160, 159, 158, 157, 173, 133],
} as const;

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
  /**
   * The colour of the upper lid's edge (its lashes, or the lid's rim where there are none): the darkest
   * point just above each margin landmark, averaged. A closing eye's last sliver takes it, so where the
   * lids meet shows this face's own lash line rather than a black slit.
   */
  lash: [number, number, number];
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
  const lashes: number[][] = [];
  const tap = [0, 0, 0];
  for (const i of UPPER_MARGIN[side].slice(2, -2)) {
    let best: number[] | undefined;
    for (let k = 0; k <= 4; k++) {
      bilinear(img.data, img.width, img.height, lm[3 * i]!, lm[3 * i + 1]! - (k * r) / 8, tap);
      if (!best || luma(tap) < luma(best)) best = [...tap];
    }
    lashes.push(best!);
  }
  const lash = mean(lashes, [60, 45, 40]);
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
    lash,
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
  /** Target → source rotation and scale of the eyeball (from the eye corners): (x, y) ↦ (a·x − b·y, b·x + a·y). */
  a: number;
  b: number;
  irisC: [number, number];
  irisR: number;
  /** Upper-lid points in the target, for lid shading. */
  lid: Float32Array;
  /**
   * How much of the eyeball still shows between the lids, 0–1 (by the opening relative to the source's):
   * a nearly closed eye shows its lash line where the lids meet, not a line of white.
   */
  slit: number;
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
  const [cx, cy, r] = irisCircle(lm, src.iris);
  const upper = UPPER_MARGIN[side];
  const lid = new Float32Array(upper.length * 2);
  upper.forEach((i, k) => {
    lid[2 * k] = lm[3 * i]!;
    lid[2 * k + 1] = lm[3 * i + 1]!;
  });
  // How open the target eye is, relative to the source's.
  const width = Math.hypot(tix - tox, tiy - toy);
  const ratio = polygonArea(lm, 3, src.ring) / Math.max(1e-6, width * width) / Math.max(1e-6, src.openness);
  const t = Math.max(0, Math.min(1, (ratio - 0.08) / 0.4));
  const slit = src.open ? t * t * (3 - 2 * t) : 1;
  return { src, a, b, irisC: [cx, cy], irisR: r, lid, slit };
}

/**
 * Colour of one pixel inside the target eye opening. The iris is a disc at the target iris position,
 * textured from the source iris; where the source lid covered that part of it, the texture is taken at the
 * same distance from the iris centre, turned towards the nearest visible part of the disc, so the pupil,
 * the iris's radial fibres and its darker rim continue round it. The white around it is the source's own
 * white at the same place between the lids (`fx`, `fy`: the source position the eye's fan maps this pixel
 * to), so a wider-open eye stretches real sclera, with the lid's shadow still under the lid, rather than
 * showing a flat fill; where that lands on the source's iris, the white beside the iris on the same side is
 * reflected in. Returns how synthetic the pixel is (0 copied … 1 invented).
 */
export function renderEyePixel(
  e: EyeFrame,
  d: Uint8ClampedArray,
  W: number,
  H: number,
  x: number,
  y: number,
  fx: number,
  fy: number,
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
    const rx = (e.a * ox - e.b * oy) / norm;
    const ry = (e.b * ox + e.a * oy) / norm;
    const [sx, sy] = visibleIrisPoint(s, rx, ry);
    if (Number.isNaN(sx)) {
      out[0] = s.irisColour[0];
      out[1] = s.irisColour[1];
      out[2] = s.irisColour[2];
      synthetic = 1;
    } else {
      bilinear(d, W, H, sx, sy, out);
      if (sx !== s.irisC[0] + rx || sy !== s.irisC[1] + ry) synthetic = 0.5;
    }
    // Soft rim, where the iris has moved from its place in the source (where it has not, the source's own
    // edge is already there).
    const rim = Math.max(0, Math.min(1, (e.irisR - dIris) / 1.2));
    if (rim < 1 && Math.hypot(sx - fx, sy - fy) > 0.5) {
      const white = [0, 0, 0];
      scleraAt(e, d, W, H, x, y, fx, fy, white);
      for (let c = 0; c < 3; c++) out[c] = out[c]! * rim + white[c]! * (1 - rim);
    }
  } else if (!s.open && dIris < e.irisR) {
    const t = dIris / e.irisR;
    const pupil = t < 0.4 ? 0.25 : 1;
    for (let c = 0; c < 3; c++) out[c] = s.irisColour[c]! * pupil * (0.85 + 0.15 * t);
    synthetic = 1;
  } else {
    synthetic = scleraAt(e, d, W, H, x, y, fx, fy, out);
  }
  if (e.slit < 1) for (let c = 0; c < 3; c++) out[c] = out[c]! * e.slit + s.lash[c]! * (1 - e.slit);
  return synthetic;
}

/**
 * The source iris point at offset (rx, ry) from its centre, or, where the source's lids cover it, the
 * point at the same radius turned towards the horizontal on the same side (irises are seen whole from
 * side to side far more often than from top to bottom) until it is visible; NaN when none is.
 */
function visibleIrisPoint(s: EyeSource, rx: number, ry: number): [number, number] {
  const [cx, cy] = s.irisC;
  if (pointInPolygon(s.landmarks, 3, s.ring, cx + rx, cy + ry)) return [cx + rx, cy + ry];
  const rho = Math.hypot(rx, ry);
  const theta = Math.atan2(ry, rx);
  // The nearest horizontal direction on the same side: 0 or ±π.
  const goal = Math.abs(theta) <= Math.PI / 2 ? 0 : theta > 0 ? Math.PI : -Math.PI;
  const steps = 8;
  for (let i = 1; i <= steps; i++) {
    const a = theta + ((goal - theta) * i) / steps;
    const px = cx + rho * Math.cos(a);
    const py = cy + rho * Math.sin(a);
    if (pointInPolygon(s.landmarks, 3, s.ring, px, py)) return [px, py];
  }
  // Covered even at the side (a large iris in a narrow eye): the same angle, nearer the centre.
  for (let i = 1; i <= 4; i++) {
    const f = 1 - i / 5;
    if (pointInPolygon(s.landmarks, 3, s.ring, cx + rx * f, cy + ry * f)) return [cx + rx * f, cy + ry * f];
  }
  return [NaN, NaN];
}

/** The eye's white at target (x, y), whose place between the source's lids is (fx, fy); see renderEyePixel. */
function scleraAt(
  e: EyeFrame,
  d: Uint8ClampedArray,
  W: number,
  H: number,
  x: number,
  y: number,
  fx: number,
  fy: number,
  out: number[],
): number {
  const s = e.src;
  if (s.open) {
    const [cx, cy] = s.irisC;
    const R = s.irisR;
    const dx = fx - cx;
    if (dx * dx + (fy - cy) ** 2 >= R * R) {
      bilinear(d, W, H, fx, fy, out);
      return 0;
    }
    // On the source's iris: reflect across its edge to the white beside it, on this side or the other; where
    // the iris reaches the lid there is none at this height, so look a little nearer the iris's middle row.
    const side = dx < 0 ? -1 : 1;
    for (let k = 0; k < 6; k++) {
      const sy = fy + ((cy - fy) * k) / 6;
      const half = Math.sqrt(Math.max(0, R * R - (sy - cy) ** 2));
      // The mirror image across the edge, else just beside it.
      for (const off of [2 * half - Math.abs(dx), half + 1])
        for (const sgn of [side, -side]) {
          const sx = cx + sgn * off;
          if (pointInPolygon(s.landmarks, 3, s.ring, sx, sy)) {
            bilinear(d, W, H, sx, sy, out);
            return 0.5;
          }
        }
    }
  }
  let lidDist = Infinity;
  for (let k = 0; k < e.lid.length / 2; k++)
    lidDist = Math.min(lidDist, Math.hypot(x - e.lid[2 * k]!, y - e.lid[2 * k + 1]!));
  const shade = 1 - 0.15 * Math.exp(-lidDist / Math.max(0.5, 0.25 * e.irisR));
  for (let c = 0; c < 3; c++) out[c] = s.sclera[c]! * shade;
  return 1;
}
