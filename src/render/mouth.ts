/**
 * The mouth interior: what fills the opening between the lips when the target mouth is open. Borrowed from
 * the driving frame when it shows an open mouth (colour-matched to the source's skin), taken from the
 * source when it already shows one as large, or synthesised (cavity, teeth, tongue) in the source's light.
 */
import type { RgbaImage } from '../face/image.js';
import { LM, MOUTH_OPENING } from '../face/topology.js';
import { MOUTH_CENTRE, type ControlMesh } from './control-mesh.js';
import { fanPoint, polygonArea } from './geometry.js';
import { bilinear, meanColour } from './sampling.js';

export type MouthSourceKind = 'driver' | 'source' | 'synthesised';

/** Skin points around the mouth whose colour stands for the face's skin near the lips. */
const MOUTH_SKIN_POINTS = [206, 426, 200, 57, 287, 18, 43, 273];

/** What the renderer knows of the source's mouth, fixed for a video. */
export interface MouthSource {
  image: RgbaImage;
  /** Source vertex positions of the control mesh (xy pairs). */
  vertices: Float32Array;
  skin: [number, number, number];
  area: number;
  /** Skin brightness 0–1 and colourfulness 0–1 (a black-and-white photo gets a grey mouth). */
  luma: number;
  chroma: number;
}

export function prepareMouth(image: RgbaImage, landmarks: Float32Array, vertices: Float32Array): MouthSource {
  const skin = meanColour(image, landmarks, 3, MOUTH_SKIN_POINTS);
  return {
    image,
    vertices,
    skin,
    area: polygonArea(landmarks, 3, MOUTH_OPENING),
    luma: (0.3 * skin[0] + 0.59 * skin[1] + 0.11 * skin[2]) / 255,
    // Skin saturation over a typical 0.35.
    chroma: Math.min(1, (Math.max(...skin) - Math.min(...skin)) / Math.max(1, Math.max(...skin)) / 0.35),
  };
}

/** One frame's mouth: where the interior comes from, and the colour of any point of the mouth fan. */
export interface MouthFrame {
  kind: MouthSourceKind;
  /** Target mouth-opening area in pixels (0: closed). */
  area: number;
  /**
   * Colour of the point with barycentric weights (w0, w1, w2) in the mouth-fan triangle (a, b, c) into
   * `out`; returns how synthetic it is (0 copied … 1 invented).
   */
  pixel(a: number, b: number, c: number, w0: number, w1: number, w2: number, out: number[]): number;
}

/** Sets up the mouth for one frame with target landmarks `lm`. */
export function frameMouth(
  m: MouthSource,
  lm: Float32Array,
  mesh: ControlMesh,
  driver: { image: RgbaImage; landmarks: Float32Array } | undefined,
): MouthFrame {
  const area = polygonArea(lm, 3, MOUTH_OPENING);
  const kind = chooseMouth(area, m.area, driver);
  if (kind === 'driver' && driver) {
    const d = meanColour(driver.image, driver.landmarks, 3, MOUTH_SKIN_POINTS);
    const gain = [0, 1, 2].map((k) => Math.max(0.6, Math.min(1.6, m.skin[k]! / Math.max(1, d[k]!))));
    const dl = driver.landmarks;
    const { data, width, height } = driver.image;
    return {
      kind,
      area,
      pixel(a, b, c, w0, w1, w2, out) {
        const [dx, dy] = fanPoint(dl, a, b, c, w0, w1, w2, MOUTH_CENTRE, MOUTH_OPENING);
        bilinear(data, width, height, dx, dy, out);
        for (let k = 0; k < 3; k++) out[k] = out[k]! * gain[k]!;
        return 0.6;
      },
    };
  }
  if (kind === 'source') {
    const s = m.vertices;
    const { data, width, height } = m.image;
    return {
      kind,
      area,
      pixel(a, b, c, w0, w1, w2, out) {
        const sx = w0 * s[2 * a]! + w1 * s[2 * b]! + w2 * s[2 * c]!;
        const sy = w0 * s[2 * a + 1]! + w1 * s[2 * b + 1]! + w2 * s[2 * c + 1]!;
        bilinear(data, width, height, sx, sy, out);
        return 0.3;
      },
    };
  }
  const g = mouthGeometry(lm);
  return {
    kind,
    area,
    pixel(a, b, c, w0, w1, w2, out) {
      const uvA = mesh.mouthUV.get(a)!;
      const uvB = mesh.mouthUV.get(b)!;
      const uvC = mesh.mouthUV.get(c)!;
      const u = w0 * uvA[0] + w1 * uvB[0] + w2 * uvC[0];
      const v = w0 * uvA[1] + w1 * uvB[1] + w2 * uvC[1];
      synthMouth(u, v, g, m.luma, m.chroma, out);
      return 1;
    },
  };
}

function chooseMouth(
  targetArea: number,
  sourceArea: number,
  driver: { image: RgbaImage; landmarks: Float32Array } | undefined,
): 'driver' | 'source' | 'synthesised' {
  if (driver) {
    const driverArea = polygonArea(driver.landmarks, 3, MOUTH_OPENING);
    if (driverArea > 0.25 * targetArea && driverArea > 4) return 'driver';
  }
  if (sourceArea > 0.6 * targetArea && sourceArea > 4) return 'source';
  return 'synthesised';
}

interface MouthGeometry {
  widthPx: number;
  gapPx: number;
}

function mouthGeometry(lm: Float32Array): MouthGeometry {
  const d = (a: number, b: number): number => Math.hypot(lm[3 * a]! - lm[3 * b]!, lm[3 * a + 1]! - lm[3 * b + 1]!);
  return { widthPx: d(LM.innerMouthRight, LM.innerMouthLeft), gapPx: d(LM.upperLipInner, LM.lowerLipInner) };
}

/**
 * A synthesised mouth interior at (u across the mouth, v from upper to lower lip): a dark cavity, the
 * upper teeth just under the upper lip, the lower teeth when the mouth is wide open, a tongue at the back.
 */
function synthMouth(u: number, v: number, g: MouthGeometry, luma: number, chroma: number, out: number[]): void {
  const light = 0.55 + 0.6 * luma;
  const across = Math.abs(u - 0.5) * 2; // 0 centre … 1 corners
  const fromUpper = v * g.gapPx;
  const fromLower = (1 - v) * g.gapPx;
  const teethH = 0.1 * g.widthPx;
  let r = 55,
    gg = 22,
    b = 24;
  const depthShade = 0.55 + 0.45 * across;
  r *= depthShade;
  gg *= depthShade;
  b *= depthShade;
  if (g.gapPx > 0.22 * g.widthPx && v > 0.55 && across < 0.6) {
    const t = Math.min(1, (v - 0.55) / 0.3) * (1 - across / 0.6);
    r += (150 - r) * t * 0.8;
    gg += (62 - gg) * t * 0.8;
    b += (62 - b) * t * 0.8;
  }
  const toothShade = (c: number): number => {
    const gap = Math.abs(((u * 8 + 0.5) % 1) - 0.5) < 0.04 ? 0.8 : 1;
    return c * gap * (1 - 0.45 * across * across);
  };
  if (fromUpper < teethH && across < 0.75) {
    const edge = Math.min(1, (teethH - fromUpper) / (0.25 * teethH));
    r += (toothShade(222) - r) * edge;
    gg += (toothShade(214) - gg) * edge;
    b += (toothShade(198) - b) * edge;
  } else if (g.gapPx > 0.3 * g.widthPx && fromLower < 0.7 * teethH && across < 0.6) {
    const edge = Math.min(1, (0.7 * teethH - fromLower) / (0.25 * teethH));
    r += (toothShade(200) - r) * edge;
    gg += (toothShade(192) - gg) * edge;
    b += (toothShade(178) - b) * edge;
  }
  const y = 0.3 * r + 0.59 * gg + 0.11 * b;
  out[0] = (y + chroma * (r - y)) * light;
  out[1] = (y + chroma * (gg - y)) * light;
  out[2] = (y + chroma * (b - y)) * light;
}
