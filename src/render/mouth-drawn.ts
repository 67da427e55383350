/**
 * The drawn mouth interior, for frames where neither the portrait nor the bank of real mouths has one
 * close to the target's shape: teeth fixed to the skull (upper) and to the jaw (lower) on a curved dental
 * arch seen in the head's pose, gums where a smile lifts the lip above them, tongue and throat in the
 * cavity, and the wet inner edge of the lips — all in the portrait's own colours and light (mouth.ts
 * measures them). Geometry is in canonical face units; teeth sizes follow the portrait's mouth width.
 */
import { GROUPS, LM, MOUTH_OPENING } from '../face/topology.js';
import type { FaceState } from '../motion/motion.js';
import type { MouthSource } from './mouth.js';

/** Dental arch radius (canonical units at the average mouth width) and the widest arch angle drawn. */
const ARCH_RADIUS = 0.3;
const ARCH_MAX = 1.45;
/** Per tooth from the midline: width along the arch, crown height, incisal edge raised by (canonical units). */
export const UPPER_TEETH = {
  width: [0.088, 0.068, 0.078, 0.07, 0.066, 0.1, 0.1],
  crown: [0.105, 0.088, 0.1, 0.082, 0.078, 0.07, 0.07],
  raise: [0, 0.008, 0.002, 0.006, 0.009, 0.012, 0.014],
};
const LOWER_TEETH = {
  width: [0.054, 0.059, 0.068, 0.07, 0.07, 0.11, 0.11],
  crown: [0.09, 0.092, 0.1, 0.08, 0.078, 0.07, 0.07],
  raise: [0, 0, 0.002, 0.004, 0.006, 0.008, 0.01],
};
/** The lower incisors sit this far behind the upper ones, and above their edge when the jaw is closed. */
const LOWER_BEHIND = 0.025;
export const OVERBITE = 0.025;
/** Share of the chin's vertical travel the lower incisors make (the jaw turns about its hinge). */
const INCISOR_JAW_FOLLOW = 0.85;

/** Per-frame lookup tables across the mouth, reused between frames (no allocation per frame once sized). */
export interface Tables {
  n: number;
  upperLip: Float32Array;
  lowerLip: Float32Array;
  /** Upper arch: depth, incisal edge, gum line, shading; `valid` 0 where no upper tooth is in view. */
  uZ: Float32Array;
  uEdge: Float32Array;
  uGum: Float32Array;
  uShade: Float32Array;
  /** Shading by the arch's turn alone (for the gums, which have no gaps). */
  uFace: Float32Array;
  lZ: Float32Array;
  lEdge: Float32Array;
  lGum: Float32Array;
  lShade: Float32Array;
  lFace: Float32Array;
  /** The lips' inner edge width (at most a third of the local gap, so a slight opening still shows dark). */
  rim: Float32Array;
  /** Cavity shading across (darker towards the corners) and light across the mouth. */
  cavity: Float32Array;
  light: Float32Array;
}

const TABLE_MAX = 1024;
export function createTables(): Tables {
  const f = (): Float32Array => new Float32Array(TABLE_MAX);
  return {
    n: 0,
    upperLip: f(),
    lowerLip: f(),
    uZ: f(),
    uEdge: f(),
    uGum: f(),
    uShade: f(),
    uFace: f(),
    lZ: f(),
    lEdge: f(),
    lGum: f(),
    lShade: f(),
    lFace: f(),
    rim: f(),
    cavity: f(),
    light: f(),
  };
}

/**
 * The synthesised interior for one frame, as a function of the pixel centre. Pixels are mapped onto the
 * head's frontal plane (X0, Y0: canonical units with depth 0); a point at depth z appears there shifted
 * by z·k (k from the pose), which is how the curved arch is seen turned. Everything that depends only on
 * the position across the mouth is tabulated per frame; per pixel there is one affine map, a table index
 * and a few comparisons.
 */
export function synthesisedMouth(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  pxWidth: number,
): (x: number, y: number, out: number[]) => void {
  const plane = frontalPlane(target.pose);
  const across = fillTables(m, target, lm, pxWidth, plane);
  return drawnPixel(m, target.pose.scale, plane, across);
}

/** Pixel → the head's frontal plane: (X0, Y0) = A⁻¹ (p − t) / s; a point at depth z appears at (x, y) + z·k. */
interface FrontalPlane {
  planeX: (px: number, py: number) => number;
  planeY: (px: number, py: number) => number;
  kx: number;
  ky: number;
}

function frontalPlane(pose: FaceState['pose']): FrontalPlane {
  const { rotation: R, scale: sc, translation: t } = pose;
  const det = R[0]! * R[4]! - R[1]! * R[3]!;
  const safe = Math.abs(det) > 1e-3 && sc > 0;
  const i00 = safe ? R[4]! / det / sc : 1;
  const i01 = safe ? -R[1]! / det / sc : 0;
  const i10 = safe ? -R[3]! / det / sc : 0;
  const i11 = safe ? R[0]! / det / sc : 1;
  const kx = safe ? (R[4]! * R[2]! - R[1]! * R[5]!) / det : 0;
  const ky = safe ? (R[0]! * R[5]! - R[3]! * R[2]!) / det : 0;
  const tx = t[0];
  const ty = t[1];
  return {
    planeX: (px, py) => i00 * (px - tx) + i01 * (py - ty),
    planeY: (px, py) => i10 * (px - tx) + i11 * (py - ty),
    kx,
    ky,
  };
}

/**
 * Fills the frame's tables across the opening (lip lines, both arches, cavity and light) and returns the
 * opening's extent in plane units and the table's resolution (about 2 bins a pixel).
 */
function fillTables(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  pxWidth: number,
  plane: FrontalPlane,
): { xLo: number; binOf: number; n: number } {
  const { planeX, planeY, kx } = plane;
  const upper = GROUPS.lipsUpperInner;
  const lower = GROUPS.lipsLowerInner;
  let xLo = Infinity;
  let xHi = -Infinity;
  for (const i of MOUTH_OPENING) {
    const X = planeX(lm[3 * i]!, lm[3 * i + 1]!);
    xLo = Math.min(xLo, X);
    xHi = Math.max(xHi, X);
  }
  const T = m.tables;
  const n = Math.max(16, Math.min(TABLE_MAX, Math.ceil(2 * pxWidth) + 2));
  T.n = n;
  const span = Math.max(1e-6, xHi - xLo);
  const step = span / (n - 1);
  const binOf = 1 / step;

  // Inner lip lines across the opening.
  fillPolyline(T.upperLip, n, xLo, step, upper, lm, planeX, planeY);
  fillPolyline(T.lowerLip, n, xLo, step, lower, lm, planeX, planeY);

  // The arches: upper fixed to the skull; lower with the jaw (the chin's travel from the source's).
  const k = m.scale;
  const c = target.canon;
  // The lower incisors ride on the jaw (most of the chin's travel); the lower lip rests on them, so when it
  // drops further than the jaw (speaking, shouting) they follow it, less 2 mm: only a lip pulled down
  // (AU16-like) bares the lower gum.
  const jaw = INCISOR_JAW_FOLLOW * (c[3 * LM.chin + 1]! - m.chin);
  const lip = c[3 * LM.lowerLipInner + 1]! - m.lowerLip;
  const lowerEdge = Math.max(m.lowerEdge + Math.max(jaw, lip - 0.02 * k), m.upperEdge - (OVERBITE + 0.005) * k);
  fillArch(T.uZ, T.uEdge, T.uGum, T.uShade, T.uFace, n, xLo, step, kx, {
    radius: ARCH_RADIUS * k,
    midX: m.midX,
    frontZ: m.frontZ,
    edge: m.upperEdge,
    teeth: UPPER_TEETH,
    k,
    sign: -1,
  });
  fillArch(T.lZ, T.lEdge, T.lGum, T.lShade, T.lFace, n, xLo, step, kx, {
    radius: 0.9 * ARCH_RADIUS * k,
    midX: m.midX,
    frontZ: m.frontZ + LOWER_BEHIND * k,
    edge: lowerEdge,
    teeth: LOWER_TEETH,
    k,
    sign: 1,
  });
  const centre = (xLo + xHi) / 2;
  for (let b = 0; b < n; b++) {
    const a = Math.max(-1, Math.min(1, (xLo + b * step - centre) / (span / 2)));
    T.cavity[b] = 1 - 0.55 * a * a;
    T.light[b] = 1 + 0.5 * m.lightAcross * a;
  }
  return { xLo, binOf, n };
}

/** The per-pixel colour of the drawn interior, from the frame's tables, in the portrait's own colours. */
function drawnPixel(
  m: MouthSource,
  sc: number,
  plane: FrontalPlane,
  { xLo, binOf, n }: { xLo: number; binOf: number; n: number },
): (x: number, y: number, out: number[]) => void {
  const { planeX, planeY, ky } = plane;
  const T = m.tables;
  const k = m.scale;
  // Colours: all from the portrait's lips and teeth.
  const [tr, tg, tb] = m.teeth;
  const lowerShade = 0.85;
  const [lr, lg, lb] = m.lip;
  // Gum, throat, tongue and the lips' wet inner edge: the lips' own colour, lighter or darker (the same
  // factor on every channel keeps the hue, and a grey photo grey).
  const gum = [lr * 1.05, lg * 1.05, lb * 1.05];
  const throat = [lr * 0.24, lg * 0.24, lb * 0.24];
  const tongue = [lr * 0.68, lg * 0.68, lb * 0.68];
  // The lips' inner surfaces turn away from the light: in shadow, the lower one more.
  const innerU = [lr * 0.62, lg * 0.62, lb * 0.62];
  const innerL = [lr * 0.5, lg * 0.5, lb * 0.5];
  // The lips' inner edge: about a millimetre, at least 1.6 pixels (it also softens the opening's outline),
  // at most a third of the gap.
  const rim = Math.max(0.012 * k, 1.6 / Math.max(1e-6, sc));
  const shadowDepth = 0.022 * k;
  const tongueTop = 0.012 * k;
  for (let b = 0; b < n; b++) T.rim[b] = Math.min(rim, Math.max(0, T.lowerLip[b]! - T.upperLip[b]!) / 3);
  const {
    upperLip,
    lowerLip,
    uZ,
    uEdge,
    uGum,
    uShade,
    uFace,
    lZ,
    lEdge,
    lGum,
    lShade,
    lFace,
    rim: rims,
    cavity,
    light,
  } = T;

  return (px, py, out) => {
    const X = planeX(px, py);
    const Y = planeY(px, py);
    let bin = Math.round((X - xLo) * binOf);
    bin = bin < 0 ? 0 : bin >= n ? n - 1 : bin;
    const dU = Y - upperLip[bin]!;
    const dL = lowerLip[bin]! - Y;
    let r: number, g: number, b: number;
    const yu = Y - ky * uZ[bin]!;
    const yl = Y - ky * lZ[bin]!;
    if (uShade[bin]! > 0 && yu < uEdge[bin]!) {
      if (yu > uGum[bin]!) {
        // Upper tooth: shaded across by the arch, under the lip by its shadow, translucent at the edge.
        let sh = uShade[bin]! * (0.8 + 0.2 * Math.min(1, Math.max(0, dU) / shadowDepth));
        const e = uEdge[bin]! - yu;
        if (e < 0.006 * k) sh *= 0.86 + (0.14 * e) / (0.006 * k);
        r = tr * sh;
        g = tg * sh;
        b = tb * sh;
      } else {
        const sh = 0.8 * uFace[bin]!;
        r = gum[0]! * sh;
        g = gum[1]! * sh;
        b = gum[2]! * sh;
      }
    } else if (lShade[bin]! > 0 && yl > lEdge[bin]!) {
      // Lower teeth, in the shadow of the upper teeth and lip; gum below their crowns.
      // The upper teeth's edge casts a dark line on the lower teeth behind it.
      const under = lowerShade * (0.45 + 0.55 * Math.min(1, Math.max(0, yu - uEdge[bin]!) / shadowDepth));
      if (yl < lGum[bin]!) {
        const sh = lShade[bin]! * under;
        r = tr * sh;
        g = tg * sh;
        b = tb * sh;
      } else {
        const sh = 0.8 * lFace[bin]! * under;
        r = gum[0]! * sh;
        g = gum[1]! * sh;
        b = gum[2]! * sh;
      }
    } else {
      // Cavity: throat darkness above, the tongue's back rising behind the lower teeth, darker at the corners.
      const w = Math.min(1, Math.max(0, (yl - (lEdge[bin]! - 5 * tongueTop)) / (4 * tongueTop)));
      const roof = 0.55 + 0.45 * Math.min(1, Math.max(0, yu - uEdge[bin]!) / (2 * shadowDepth));
      const sh = cavity[bin]! * roof;
      r = (throat[0]! + w * (tongue[0]! - throat[0]!)) * sh;
      g = (throat[1]! + w * (tongue[1]! - throat[1]!)) * sh;
      b = (throat[2]! + w * (tongue[2]! - throat[2]!)) * sh;
    }
    // The wet inner edge of the lips, in their own colour.
    const upperSide = dU < dL;
    const edge = upperSide ? dU : dL;
    const rb = rims[bin]!;
    if (edge < rb) {
      const w = edge <= 0 ? 1 : (1 - edge / rb) * (1 - edge / rb);
      const inner = upperSide ? innerU : innerL;
      r += w * (inner[0]! - r);
      g += w * (inner[1]! - g);
      b += w * (inner[2]! - b);
    }
    const l = light[bin]!;
    out[0] = r * l;
    out[1] = g * l;
    out[2] = b * l;
  };
}

/** A lip line (corner to corner) sampled across the opening: its plane y at each table x. */
function fillPolyline(
  dst: Float32Array,
  n: number,
  xLo: number,
  step: number,
  line: readonly number[],
  lm: Float32Array,
  planeX: (x: number, y: number) => number,
  planeY: (x: number, y: number) => number,
): void {
  const m = line.length;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    xs[i] = planeX(lm[3 * line[i]!]!, lm[3 * line[i]! + 1]!);
    ys[i] = planeY(lm[3 * line[i]!]!, lm[3 * line[i]! + 1]!);
  }
  const flip = xs[m - 1]! < xs[0]!;
  let j = 0;
  for (let b = 0; b < n; b++) {
    const x = xLo + b * step;
    // Walk the polyline in increasing x (it is monotonic across the mouth except in extreme turns).
    const at = (i: number): number => (flip ? m - 1 - i : i);
    while (j < m - 2 && xs[at(j + 1)]! < x) j++;
    const x0 = xs[at(j)]!;
    const x1 = xs[at(j + 1)]!;
    const f = x1 > x0 ? Math.max(0, Math.min(1, (x - x0) / (x1 - x0))) : 0;
    dst[b] = ys[at(j)]! + f * (ys[at(j + 1)]! - ys[at(j)]!);
  }
}

interface ArchSpec {
  radius: number;
  midX: number;
  frontZ: number;
  /** Canonical y of the central incisors' edge. */
  edge: number;
  teeth: { width: number[]; crown: number[]; raise: number[] };
  k: number;
  /** −1: crowns go up from the edge (upper teeth); +1: down (lower). */
  sign: -1 | 1;
}

/**
 * One dental arch across the opening: for each table x, the arch angle θ whose point (seen at the pose)
 * falls there — x = midX + r·sin θ at depth frontZ + r·(1 − cos θ) — and from it the depth, the incisal
 * edge and gum line (canonical y, curved per tooth), and the shading: facing away towards the corners,
 * rounded per tooth, dark gaps between teeth. Shading 0 marks where no tooth is in view (the corners).
 */
const smooth = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

function fillArch(
  zT: Float32Array,
  edgeT: Float32Array,
  gumT: Float32Array,
  shadeT: Float32Array,
  faceT: Float32Array,
  n: number,
  xLo: number,
  step: number,
  kx: number,
  a: ArchSpec,
): void {
  const r = a.radius;
  // Seen x of the arch point at angle θ (monotonic where the arch faces the viewer).
  const seen = (th: number): number => a.midX + r * Math.sin(th) + kx * (a.frontZ + r * (1 - Math.cos(th)));
  const dSeen = (th: number): number => r * (Math.cos(th) + kx * Math.sin(th));
  let lo = -ARCH_MAX;
  let hi = ARCH_MAX;
  while (lo < 0 && dSeen(lo) < 0.15 * r) lo += 0.02;
  while (hi > 0 && dSeen(hi) > 0 && dSeen(hi) < 0.15 * r) hi -= 0.02;
  const sLo = seen(lo);
  const sHi = seen(hi);
  // Tooth boundaries along the arch (arc length from the midline).
  const ends: number[] = [];
  let acc = 0;
  for (const w of a.teeth.width) ends.push((acc += w * a.k));
  const gapHalf = 0.0035 * a.k;
  let th = lo;
  for (let b = 0; b < n; b++) {
    const x = xLo + b * step;
    if (x <= sLo || x >= sHi) {
      shadeT[b] = 0;
      faceT[b] = 0;
      zT[b] = a.frontZ;
      edgeT[b] = a.edge;
      gumT[b] = a.edge;
      continue;
    }
    // Newton steps from the previous bin's angle (x increases with θ here).
    for (let it = 0; it < 6; it++) {
      const d = dSeen(th);
      if (d <= 1e-6) break;
      th = Math.max(lo, Math.min(hi, th - (seen(th) - x) / d));
    }
    const z = a.frontZ + r * (1 - Math.cos(th));
    const arc = Math.abs(th) * r;
    let i = 0;
    while (i < ends.length - 1 && arc > ends[i]!) i++;
    const start = i === 0 ? 0 : ends[i - 1]!;
    const w = ends[i]! - start;
    const f = Math.max(0, Math.min(1, (arc - start) / w)); // 0 at the tooth's midline side … 1 at its far side
    const fromEdge = Math.min(f * w, (1 - f) * w); // arc distance to the nearest gap
    // Rounded tooth: the incisal corners are rounded off, the gum dips between teeth.
    const corner = Math.pow(Math.abs(2 * f - 1), 3);
    const edge = a.edge + a.sign * (a.teeth.raise[i]! * a.k + 0.004 * a.k * corner);
    const crown = a.teeth.crown[i]! * a.k * (1 - 0.25 * corner);
    zT[b] = z;
    edgeT[b] = edge;
    gumT[b] = edge + a.sign * crown;
    // Facing away towards the corners, and fading into the dark of the cheeks' corridor beyond the premolars.
    const turn = Math.abs(th);
    const corridor = turn < 0.95 ? 1 : 1 - 0.75 * smooth((turn - 0.95) / 0.5);
    const facing = (0.45 + 0.55 * Math.cos(th)) * corridor;
    // Rounded tooth faces, soft dark lines between teeth (the midline too).
    const round = 0.9 + 0.1 * Math.sin(Math.PI * f);
    const between = i === 0 ? Math.min((1 - f) * w, arc) : fromEdge;
    const gap = 1 - 0.16 * Math.exp(-(between * between) / (gapHalf * gapHalf));
    faceT[b] = facing;
    shadeT[b] = Math.max(0.02, facing * round * gap);
  }
}
