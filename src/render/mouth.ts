/**
 * The mouth interior: what fills the opening between the lips. Taken from the source when the source
 * shows an open mouth of about the target's size, and otherwise synthesised in the source's own colours
 * and light: teeth fixed to the skull (upper) and to the jaw (lower) on a curved dental arch seen in the
 * head's pose, gums where a smile lifts the lip above them, tongue and throat in the cavity, and the wet
 * inner edge of the lips. What shows is decided by the target's lips and chin, so the same code serves
 * `edit`, `script` and `animate`; nothing is borrowed from a driving face (its teeth, white balance and
 * mouth size are its own, not the portrait's).
 *
 * Geometry is in canonical face units (the eye corners 1 apart, y down, z away from the viewer). Teeth
 * sizes follow the portrait's mouth width.
 */
import { createImage, type RgbaImage } from '../face/image.js';
import { GROUPS, LM, MOUTH_OPENING } from '../face/topology.js';
import { stateFromLandmarks, type FaceState } from '../motion/motion.js';
import type { EyeSource } from './eyes.js';
import { polygonArea } from './geometry.js';
import { faceHighlight, measureTeeth, mouthSurroundColours, plausibleTeeth, type Rgb } from './mouth-colours.js';
import {
  BANK_TILE,
  bankSampler,
  cutMouthTile,
  DRIVER,
  mouthShapeFeature,
  tileFrame,
  type MouthBank,
  type MouthExemplar,
} from './mouth-bank.js';
import { createMouthTrack } from './mouth-retrieval.js';
import { bilinear } from './sampling.js';
import { rotationToEuler } from '../face/pose.js';

/** Where a frame's mouth interior came from: the portrait, the bank of real mouths, or drawn (when the bank has nothing close). */
export type MouthSourceKind = 'source' | 'bank' | 'synthesised';

/** Canonical outer mouth width of the average face; a portrait's teeth scale with its own width over this. */
const MEAN_MOUTH_WIDTH = 0.63;
/** Dental arch radius (canonical units at the average mouth width) and the widest arch angle drawn. */
const ARCH_RADIUS = 0.3;
const ARCH_MAX = 1.45;
/** Per tooth from the midline: width along the arch, crown height, incisal edge raised by (canonical units). */
const UPPER_TEETH = {
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
const OVERBITE = 0.025;
/** Share of the chin's vertical travel the lower incisors make (the jaw turns about its hinge). */
const INCISOR_JAW_FOLLOW = 0.85;

/** What the renderer knows of the source's mouth, fixed for a video. */
export interface MouthSource {
  image: RgbaImage;
  /** Source vertex positions of the control mesh (xy pairs). */
  vertices: Float32Array;
  /** Source opening area in pixels. */
  area: number;
  /** Colours measured in the portrait (0–255): skin around the mouth, red of the lips, lit teeth. */
  skin: Rgb;
  lip: Rgb;
  teeth: Rgb;
  /** Whether `teeth` was measured on the portrait's own teeth (else from its white balance and light). */
  teethMeasured: boolean;
  /** Light across the mouth: relative brightness change from the mouth's right corner to its left (−1…1). */
  lightAcross: number;
  /** Teeth scale: the portrait's mouth width over the average face's (0.85–1.2). */
  scale: number;
  /** Canonical y of the upper incisal edge (fixed to the skull) and of the lower one with the source's jaw. */
  upperEdge: number;
  lowerEdge: number;
  /** Canonical chin and lower-lip y of the source: the lower teeth move with the target's relative to them. */
  chin: number;
  lowerLip: number;
  /** Canonical x of the midline, z of the upper incisors' front. */
  midX: number;
  frontZ: number;
  /** Per-frame tables, reused (a frame's mouth is valid until the next frameMouth call for this source). */
  tables: Tables;
  /** Real mouths to fill the opening from, and people whose mouths are not to be used. */
  bank?: MouthBank;
  bankExclude?: ReadonlySet<string>;
  /** Which exemplar shows from frame to frame. */
  bankTrack: ReturnType<typeof createMouthTrack>;
  /** Whether the driving face's own mouth is a candidate, the tile it is cut into, and its estimated teeth colour. */
  useDriver: boolean;
  driverTile?: RgbaImage;
  driverColours?: { lip: Rgb; teeth: Rgb; measured: boolean; age: number };
  /** Control-mesh index of the mouth fan's centre vertex. */
  centre: number;
}

/** How the renderer fills a mouth the portrait does not show. */
export interface MouthOptions {
  /** Real mouths to take the interior from (built by scripts/build-mouth-bank.ts); without one it is drawn. */
  bank?: MouthBank;
  /** People (bank person keys) whose mouths are not to be used, e.g. the person an evaluation reenacts. */
  bankExclude?: readonly string[];
  /** In reenactment, whether the driving face's own mouth is a candidate beside the bank's. Default true. */
  driver?: boolean;
}

/**
 * Measures the source's mouth once: colours of skin, lips and (if it shows them) teeth, the light across
 * the mouth, where the teeth sit in the head, and how big they are.
 */
export function prepareMouth(
  image: RgbaImage,
  landmarks: Float32Array,
  vertices: Float32Array,
  state: FaceState,
  eyes: readonly EyeSource[] = [],
  centre = -1,
  options: MouthOptions = {},
): MouthSource {
  const c = state.canon;
  const cy = (i: number): number => c[3 * i + 1]!;
  const { skin, lip, lightAcross } = mouthSurroundColours(image, landmarks);
  const width = Math.hypot(
    c[3 * LM.mouthLeft]! - c[3 * LM.mouthRight]!,
    c[3 * LM.mouthLeft + 1]! - c[3 * LM.mouthRight + 1]!,
  );
  const scale = Math.max(0.85, Math.min(1.2, width / MEAN_MOUTH_WIDTH));

  // The teeth in the head: from what the portrait shows, else where they sit behind closed lips.
  const y13 = cy(LM.upperLipInner);
  const y14 = cy(LM.lowerLipInner);
  const gap = y14 - y13;
  const closed = gap < 0.02 * scale;
  const seen = gap > 0.04 * scale ? measureTeeth(image, landmarks, skin, lip) : undefined;
  const teeth = seen?.colour ?? plausibleTeeth(skin, lip, faceHighlight(image, landmarks), eyes);
  let upperEdge: number;
  let lowerEdge: number;
  if (closed) {
    upperEdge = (y13 + y14) / 2 + 0.02 * scale;
    lowerEdge = upperEdge - OVERBITE * scale;
  } else if (seen?.together) {
    // Upper and lower teeth touch: the upper crowns end a little above the lower lip (the lower incisors
    // show below them), and no lower than a full crown under the upper lip.
    upperEdge = Math.min(y14 - 0.025 * scale, y13 + 0.95 * UPPER_TEETH.crown[0]! * scale);
    lowerEdge = upperEdge - OVERBITE * scale;
  } else {
    upperEdge = seen?.upperEdge !== undefined ? y13 + seen.upperEdge * gap : y13 + 0.02 * scale;
    lowerEdge = seen?.lowerEdge !== undefined ? y13 + seen.lowerEdge * gap : y14 + 0.005 * scale;
    lowerEdge = Math.max(lowerEdge, upperEdge - OVERBITE * scale);
  }
  return {
    image,
    vertices,
    area: polygonArea(landmarks, 3, MOUTH_OPENING),
    skin,
    lip,
    teeth,
    teethMeasured: seen !== undefined,
    lightAcross,
    scale,
    upperEdge,
    lowerEdge,
    chin: cy(LM.chin),
    lowerLip: y14,
    midX: (c[3 * LM.upperLipInner]! + c[3 * LM.lowerLipInner]!) / 2,
    frontZ: c[3 * LM.upperLipInner + 2]! + 0.04 * scale,
    tables: createTables(),
    bank: options.bank,
    bankExclude: options.bankExclude ? new Set(options.bankExclude) : undefined,
    bankTrack: createMouthTrack(),
    useDriver: options.driver ?? true,
    centre,
  };
}

/** One frame's mouth: where the interior comes from, and the colour of any point of the opening. */
export interface MouthFrame {
  kind: MouthSourceKind;
  /** Target mouth-opening area in pixels. */
  area: number;
  /** The lips touch (less than half a pixel apart on average): the opening shows nothing of the interior. */
  closed: boolean;
  /**
   * Colour of the opening at pixel centre (x, y), which lies in the mouth-fan triangle (a, b, c) with
   * barycentric weights (w0, w1, w2), into `out`; returns how synthetic it is (0 copied … 1 invented).
   */
  pixel(
    a: number,
    b: number,
    c: number,
    w0: number,
    w1: number,
    w2: number,
    x: number,
    y: number,
    out: number[],
  ): number;
}

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
function createTables(): Tables {
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

/** Weight of the source's own interior for a target opening `ratio` times the source's. */
function sourceWeight(ratio: number): number {
  if (ratio >= 0.85 && ratio <= 1.15) return 1;
  if (ratio < 0.85) return Math.max(0, (ratio - 0.55) / 0.3);
  return Math.max(0, (1.5 - ratio) / 0.35);
}

/**
 * Sets up the mouth for one frame with target state `target` (pose and canonical shape) and its
 * projected landmarks `lm`.
 */
export function frameMouth(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  driver?: { image: RgbaImage; landmarks: Float32Array },
): MouthFrame {
  const area = polygonArea(lm, 3, MOUTH_OPENING);
  const pxWidth = Math.hypot(
    lm[3 * LM.innerMouthLeft]! - lm[3 * LM.innerMouthRight]!,
    lm[3 * LM.innerMouthLeft + 1]! - lm[3 * LM.innerMouthRight + 1]!,
  );
  const closed = area < 0.5 * pxWidth;
  // A closed target keeps the source's lip line; an opening about the source's own shows the source's.
  const ws = closed ? 1 : m.area > 0 ? sourceWeight(area / m.area) : 0;
  const s = m.vertices;
  const { data, width, height } = m.image;
  const sourcePixel = (a: number, b: number, c: number, w0: number, w1: number, w2: number, out: number[]): void => {
    const sx = w0 * s[2 * a]! + w1 * s[2 * b]! + w2 * s[2 * c]!;
    const sy = w0 * s[2 * a + 1]! + w1 * s[2 * b + 1]! + w2 * s[2 * c + 1]!;
    bilinear(data, width, height, sx, sy, out);
  };
  if (ws >= 1) {
    return {
      kind: 'source',
      area,
      closed,
      pixel(a, b, c, w0, w1, w2, _x, _y, out) {
        sourcePixel(a, b, c, w0, w1, w2, out);
        return 0.3;
      },
    };
  }
  const fill = filledMouth(m, target, lm, pxWidth, driver);
  if (ws <= 0) {
    return {
      kind: fill.kind,
      area,
      closed,
      pixel(a, b, c, w0, w1, w2, x, y, out) {
        fill.pixel(a, b, c, w0, w1, w2, x, y, out);
        return 1;
      },
    };
  }
  const own = [0, 0, 0];
  return {
    kind: ws >= 0.5 ? 'source' : fill.kind,
    area,
    closed,
    pixel(a, b, c, w0, w1, w2, x, y, out) {
      sourcePixel(a, b, c, w0, w1, w2, own);
      fill.pixel(a, b, c, w0, w1, w2, x, y, out);
      for (let k = 0; k < 3; k++) out[k] = ws * own[k]! + (1 - ws) * out[k]!;
      return 1 - 0.7 * ws;
    },
  };
}

/**
 * The driving face's own mouth this frame as a candidate: its shape, yaw and size only — cutting its tile and
 * measuring its colours waits until it is chosen ({@link cutDriverMouth}).
 */
function driverCandidate(driver: { image: RgbaImage; landmarks: Float32Array }): MouthExemplar {
  const state = stateFromLandmarks(driver.landmarks);
  return {
    person: DRIVER,
    clip: '',
    frame: 0,
    feature: mouthShapeFeature(state.canon),
    points: new Float32Array(0),
    teeth: [0, 0, 0],
    lip: [0, 0, 0],
    yawDeg: rotationToEuler(state.pose.rotation).yawDeg,
    widthPx: tileFrame(driver.landmarks).w,
    x: 0,
    y: 0,
  };
}

/**
 * Completes the chosen driver candidate: its mouth cut into a tile the renderer keeps, and its teeth colour
 * measured in the driving frame (its teeth when they show, else the white its light gives them, estimated
 * once per video) — so its colours are carried into the portrait's like a bank mouth's.
 */
function cutDriverMouth(m: MouthSource, e: MouthExemplar, driver: { image: RgbaImage; landmarks: Float32Array }): void {
  const tile = (m.driverTile ??= createImage(BANK_TILE, BANK_TILE));
  e.points = cutMouthTile(driver.image, driver.landmarks, tile.data, BANK_TILE, 0, 0, true);
  e.image = tile;
  // The driver's lips and teeth colours change little from frame to frame: measured on every
  // DRIVER_COLOUR_EVERY-th frame it is chosen (every 3rd until its teeth have been seen).
  if (!m.driverColours || m.driverColours.age++ >= (m.driverColours.measured ? DRIVER_COLOUR_EVERY : 3)) {
    const { skin, lip } = mouthSurroundColours(driver.image, driver.landmarks);
    const seen = measureTeeth(driver.image, driver.landmarks, skin, lip)?.colour;
    const teeth =
      seen ?? m.driverColours?.teeth ?? plausibleTeeth(skin, lip, faceHighlight(driver.image, driver.landmarks), []);
    m.driverColours = { lip, teeth, measured: seen !== undefined || (m.driverColours?.measured ?? false), age: 0 };
  }
  e.lip = m.driverColours.lip;
  e.teeth = m.driverColours.teeth;
}

/** How often the driving face's lip and teeth colours are measured again, in frames its mouth is shown. */
const DRIVER_COLOUR_EVERY = 15;

type FanPixel = (...args: Parameters<MouthFrame['pixel']>) => void;

/**
 * The interior where the portrait has none of the right size: real mouths from the bank, chosen by the
 * target's inner-lip shape and warped fan by fan onto its opening; drawn when there is no bank or nothing
 * in it is close to this shape.
 */
function filledMouth(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  pxWidth: number,
  driver: { image: RgbaImage; landmarks: Float32Array } | undefined,
): { kind: MouthSourceKind; pixel: FanPixel } {
  if (m.bank && m.centre >= 0) {
    const own = driver && m.useDriver ? driverCandidate(driver) : undefined;
    const choices = m.bankTrack(
      m.bank,
      mouthShapeFeature(target.canon),
      { exclude: m.bankExclude, yawDeg: rotationToEuler(target.pose.rotation).yawDeg, widthPx: pxWidth },
      own,
    );
    if (choices.length > 0) {
      for (const c of choices)
        if (c.exemplar.person === DRIVER && c.exemplar.image === undefined) cutDriverMouth(m, c.exemplar, driver!);
      const sample = bankSampler(m.bank, choices, m, m.centre, lm);
      return { kind: 'bank', pixel: (a, b, c, w0, w1, w2, _x, _y, out) => sample(a, b, c, w0, w1, w2, out) };
    }
  }
  const synth = synthesisedMouth(m, target, lm, pxWidth);
  return { kind: 'synthesised', pixel: (_a, _b, _c, _w0, _w1, _w2, x, y, out) => synth(x, y, out) };
}

/**
 * The synthesised interior for one frame, as a function of the pixel centre. Pixels are mapped onto the
 * head's frontal plane (X0, Y0: canonical units with depth 0); a point at depth z appears there shifted
 * by z·k (k from the pose), which is how the curved arch is seen turned. Everything that depends only on
 * the position across the mouth is tabulated per frame; per pixel there is one affine map, a table index
 * and a few comparisons.
 */
function synthesisedMouth(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  pxWidth: number,
): (x: number, y: number, out: number[]) => void {
  const { rotation: R, scale: sc, translation: t } = target.pose;
  const det = R[0]! * R[4]! - R[1]! * R[3]!;
  const safe = Math.abs(det) > 1e-3 && sc > 0;
  // Pixel → frontal plane: (X0, Y0) = A⁻¹ (p − t) / s; a point at depth z appears at (x, y) + z·k.
  const i00 = safe ? R[4]! / det / sc : 1;
  const i01 = safe ? -R[1]! / det / sc : 0;
  const i10 = safe ? -R[3]! / det / sc : 0;
  const i11 = safe ? R[0]! / det / sc : 1;
  const kx = safe ? (R[4]! * R[2]! - R[1]! * R[5]!) / det : 0;
  const ky = safe ? (R[0]! * R[5]! - R[3]! * R[2]!) / det : 0;
  const tx = t[0];
  const ty = t[1];
  const planeX = (px: number, py: number): number => i00 * (px - tx) + i01 * (py - ty);
  const planeY = (px: number, py: number): number => i10 * (px - tx) + i11 * (py - ty);

  // The opening's extent across, in plane coordinates, and the table resolution (about 2 bins a pixel).
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
