/**
 * The mouth interior: what fills the opening between the lips. Taken from the source when the source
 * shows an open mouth of about the target's size; otherwise from the bank of real mouths, chosen by the
 * target's inner-lip shape (mouth-retrieval.ts) and matched to the portrait's colours; drawn in the
 * portrait's own colours and light when the bank has nothing close (mouth-drawn.ts). This file measures the
 * source's mouth once (its lips, teeth, light and scale) and sets up each frame. What shows is decided by
 * the target's lips and chin, so the same code serves `edit`, `script` and `animate`.
 *
 * Geometry is in canonical face units (the eye corners 1 apart, y down, z away from the viewer). Teeth
 * sizes follow the portrait's mouth width.
 */
import { createImage, type RgbaImage } from '../face/image.js';
import { LM, MOUTH_OPENING } from '../face/topology.js';
import { stateFromLandmarks, type FaceState } from '../motion/motion.js';
import type { EyeSource } from './eyes.js';
import { polygonArea } from './geometry.js';
import { faceHighlight, measureTeeth, mouthSurroundColours, plausibleTeeth, type Rgb } from './mouth-colours.js';
import {
  BANK_TILE,
  bankSampler,
  brightestLuma,
  cutMouthTile,
  DRIVER,
  mouthShapeFeature,
  tileFrame,
  type MouthBank,
  type MouthExemplar,
} from './mouth-bank.js';
import { createMouthTrack } from './mouth-retrieval.js';
import { ownTeethFrame, ownTeethSource, type OwnTeethSource } from './mouth-own-teeth.js';
import { bilinear } from './sampling.js';
import { createTables, OVERBITE, synthesisedMouth, UPPER_TEETH, type Tables } from './mouth-drawn.js';
import { rotationToEuler } from '../face/pose.js';

/** Where a frame's mouth interior came from: the portrait, the bank of real mouths, or drawn (when the bank has nothing close). */
export type MouthSourceKind = 'source' | 'bank' | 'synthesised';

/** Canonical outer mouth width of the average face; a portrait's teeth scale with its own width over this. */
const MEAN_MOUTH_WIDTH = 0.63;
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
  /** Which exemplar shows from frame to frame (started afresh for a still frame). */
  bankTrack: ReturnType<typeof createMouthTrack>;
  /** Whether the driving face's own mouth is a candidate, the tile it is cut into, and its estimated teeth colour. */
  useDriver: boolean;
  driverTile?: RgbaImage;
  driverColours?: { lip: Rgb; skin: Rgb; teeth: Rgb; brightest: number; measured: boolean; age: number };
  /** Control-mesh index of the mouth fan's centre vertex. */
  centre: number;
  /** The source's own upper teeth, kept over the bank's or drawn interior (absent when it shows none). */
  ownTeeth?: OwnTeethSource;
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
  const frontZ = c[3 * LM.upperLipInner + 2]! + 0.04 * scale;
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
    frontZ,
    tables: createTables(),
    bank: options.bank,
    bankExclude: options.bankExclude ? new Set(options.bankExclude) : undefined,
    bankTrack: createMouthTrack(),
    useDriver: options.driver ?? true,
    centre,
    ownTeeth: ownTeethSource(image, landmarks, state.pose, {
      teethMeasured: seen !== undefined,
      upperEdge,
      frontZ,
      upperLip: y13,
      lowerLip: y14,
      lip,
    }),
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

/**
 * Weight of the source's own interior for a target opening `ratio` times the source's. Where the source shows
 * its teeth they are kept by a layer of their own (frameMouth), and its interior, which would stretch them, is
 * taken only for openings within a few percent of its own.
 */
function sourceWeight(ratio: number, ownTeeth: boolean): number {
  if (ownTeeth) return Math.max(0, Math.min(1, (0.15 - Math.abs(ratio - 1)) / 0.1));
  if (ratio >= 0.85 && ratio <= 1.15) return 1;
  if (ratio < 0.85) return Math.max(0, (ratio - 0.55) / 0.3);
  return Math.max(0, (1.5 - ratio) / 0.35);
}

/**
 * Sets up the mouth for one frame with target state `target` (pose and canonical shape) and its
 * projected landmarks `lm`; a `still` frame chooses its real mouth without regard to earlier frames.
 */
export function frameMouth(
  m: MouthSource,
  target: FaceState,
  lm: Float32Array,
  driver?: { image: RgbaImage; landmarks: Float32Array },
  still = false,
): MouthFrame {
  const area = polygonArea(lm, 3, MOUTH_OPENING);
  const pxWidth = Math.hypot(
    lm[3 * LM.innerMouthLeft]! - lm[3 * LM.innerMouthRight]!,
    lm[3 * LM.innerMouthLeft + 1]! - lm[3 * LM.innerMouthRight + 1]!,
  );
  const closed = area < 0.5 * pxWidth;
  // A closed target keeps the source's lip line; an opening about the source's own shows the source's
  // (when the source shows its teeth, they are laid over the fill by frameMouth instead, never stretched).
  const ws = closed ? 1 : m.area > 0 ? sourceWeight(area / m.area, m.ownTeeth !== undefined) : 0;
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
  const fill = withOwnTeeth(m, target, filledMouth(m, target, lm, pxWidth, driver, still));
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
 * `fill` with the source's own upper teeth laid over it: they stay fixed to the head as the lips move, never
 * stretched with the opening (mouth-own-teeth.ts).
 */
function withOwnTeeth(
  m: MouthSource,
  target: FaceState,
  fill: { kind: MouthSourceKind; pixel: FanPixel },
): { kind: MouthSourceKind; pixel: FanPixel } {
  if (!m.ownTeeth) return fill;
  const teeth = ownTeethFrame(m.ownTeeth, target.pose);
  const own = [0, 0, 0];
  return {
    kind: fill.kind,
    pixel(a, b, c, w0, w1, w2, x, y, out) {
      fill.pixel(a, b, c, w0, w1, w2, x, y, out);
      const w = teeth(x, y, own);
      if (w > 0) for (let k = 0; k < 3; k++) out[k] = w * own[k]! + (1 - w) * out[k]!;
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
    skin: [0, 0, 0],
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
  // The driver's lip and teeth colours and its opening's brightest luma change little from frame to frame:
  // measured on every DRIVER_COLOUR_EVERY-th frame it is chosen (every 3rd until its teeth have been seen).
  if (!m.driverColours || m.driverColours.age++ >= (m.driverColours.measured ? DRIVER_COLOUR_EVERY : 3)) {
    const { skin, lip } = mouthSurroundColours(driver.image, driver.landmarks);
    const seen = measureTeeth(driver.image, driver.landmarks, skin, lip)?.colour;
    const teeth =
      seen ?? m.driverColours?.teeth ?? plausibleTeeth(skin, lip, faceHighlight(driver.image, driver.landmarks), []);
    m.driverColours = {
      lip,
      skin,
      teeth,
      brightest: brightestLuma(tile, e),
      measured: seen !== undefined || (m.driverColours?.measured ?? false),
      age: 0,
    };
  }
  e.lip = m.driverColours.lip;
  e.skin = m.driverColours.skin;
  e.teeth = m.driverColours.teeth;
  e.brightest = m.driverColours.brightest;
}

/**
 * How much of the target opening's height the portrait's upper teeth fill at the midline: from the upper
 * lip down to the incisal edge (fixed to the skull), or to the lower lip where that covers the edge.
 */
function upperTeethShown(m: MouthSource, canon: Float32Array): number {
  const y13 = canon[3 * LM.upperLipInner + 1]!;
  const y14 = canon[3 * LM.lowerLipInner + 1]!;
  if (y14 - y13 < 1e-6) return 0;
  return Math.max(0, Math.min(1, (Math.min(m.upperEdge, y14) - y13) / (y14 - y13)));
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
  still: boolean,
): { kind: MouthSourceKind; pixel: FanPixel } {
  if (m.bank && m.centre >= 0) {
    if (still) m.bankTrack = createMouthTrack();
    const own = driver && m.useDriver ? driverCandidate(driver) : undefined;
    const upperTeeth = upperTeethShown(m, target.canon);
    const choices = m.bankTrack(
      m.bank,
      mouthShapeFeature(target.canon),
      {
        exclude: m.bankExclude,
        yawDeg: rotationToEuler(target.pose.rotation).yawDeg,
        widthPx: pxWidth,
        upperTeeth,
      },
      own,
    );
    if (choices.length > 0) {
      for (const c of choices)
        if (c.exemplar.person === DRIVER && c.exemplar.image === undefined) cutDriverMouth(m, c.exemplar, driver!);
      // Under the portrait's own teeth, each bank mouth shows what lies under its own (mouth-align.ts); the
      // driver's is left as its lips place it (lined up, it measured worse in self-reenactment).
      const sample = bankSampler(m.bank, choices, m, m.centre, lm, m.ownTeeth ? upperTeeth : undefined);
      return { kind: 'bank', pixel: (a, b, c, w0, w1, w2, _x, _y, out) => sample(a, b, c, w0, w1, w2, out) };
    }
  }
  const synth = synthesisedMouth(m, target, lm, pxWidth);
  return { kind: 'synthesised', pixel: (_a, _b, _c, _w0, _w1, _w2, x, y, out) => synth(x, y, out) };
}
