/**
 * The colours of a face around its mouth, measured in its own image: the skin by the lips, the red of the
 * lips, the light across the mouth, and the teeth — the face's own where its open mouth shows them,
 * otherwise the white its light and white balance would give them. The mouth renderer measures the
 * portrait with these, and the bank of real mouths measures each exemplar with the same functions, so
 * an exemplar's colours can be carried over to the portrait's light by their ratio.
 */
import type { RgbaImage } from '../face/image.js';
import { GROUPS, LM, MOUTH_OPENING } from '../face/topology.js';
import type { EyeSource } from './eyes.js';
import { forEachPixelInRing } from './geometry.js';
import { bilinear, meanColour } from './sampling.js';

export type Rgb = [number, number, number];

/** Skin points around the mouth whose colour stands for the face's skin near the lips. */
const MOUTH_SKIN_POINTS = [206, 426, 200, 57, 287, 18, 43, 273];
/** Skin right (image left) and left of the mouth, for the light's direction across it. */
const RIGHT_SKIN = [206, 57, 43];
const LEFT_SKIN = [426, 287, 273];
/** Outer/inner lip point pairs whose midpoints lie on the red of the lips. */
const VERMILION: readonly [number, number][] = [
  [0, 13],
  [37, 82],
  [267, 312],
  [39, 81],
  [269, 311],
  [17, 14],
  [84, 87],
  [314, 317],
  [181, 178],
  [405, 402],
];

/** Skin by the mouth, red of the lips, and the light across the mouth (relative change right to left, ±0.5). */
export function mouthSurroundColours(
  image: RgbaImage,
  landmarks: Float32Array,
): { skin: Rgb; lip: Rgb; lightAcross: number } {
  const skin = meanColour(image, landmarks, 3, MOUTH_SKIN_POINTS) as Rgb;
  const mid = new Float32Array(VERMILION.length * 3);
  VERMILION.forEach(([a, b], k) => {
    mid[3 * k] = (landmarks[3 * a]! + landmarks[3 * b]!) / 2;
    mid[3 * k + 1] = (landmarks[3 * a + 1]! + landmarks[3 * b + 1]!) / 2;
  });
  const lip = meanColour(
    image,
    mid,
    3,
    VERMILION.map((_, k) => k),
  ) as Rgb;
  const luma = (p: readonly number[]): number => 0.3 * p[0]! + 0.59 * p[1]! + 0.11 * p[2]!;
  const lr = luma(meanColour(image, landmarks, 3, RIGHT_SKIN));
  const ll = luma(meanColour(image, landmarks, 3, LEFT_SKIN));
  const lightAcross = Math.max(-0.5, Math.min(0.5, (ll - lr) / Math.max(1, (ll + lr) / 2)));
  return { skin, lip, lightAcross };
}

/**
 * The portrait's own teeth, when its mouth is open and shows them: bright pixels of the opening that are
 * less colourful than the lips. Returns their lit colour and where the upper and lower incisal edges
 * cross the midline (as fractions of the gap from the upper to the lower inner lip).
 */
export function measureTeeth(
  image: RgbaImage,
  lm: Float32Array,
  skin: Rgb,
  lip: Rgb,
): { colour: Rgb; upperEdge?: number; lowerEdge?: number; together: boolean } | undefined {
  const { width: W, height: H, data } = image;
  const sat = (r: number, g: number, b: number): number =>
    (Math.max(r, g, b) - Math.min(r, g, b)) / Math.max(1, Math.max(r, g, b));
  const luma = (r: number, g: number, b: number): number => 0.3 * r + 0.59 * g + 0.11 * b;
  // Teeth are the bright, nearly colourless part of the opening: brighter than most of the skin and
  // near the opening's brightest, and well under half as colourful as the lips.
  const interior: Rgb[] = [];
  forEachPixelInRing(lm, 3, MOUTH_OPENING, W, H, (_x, _y, p) => interior.push([data[p]!, data[p + 1]!, data[p + 2]!]));
  if (interior.length === 0) return undefined;
  const ys = interior.map((c) => luma(...c)).sort((a, b) => a - b);
  const bright = ys[Math.floor(0.95 * (ys.length - 1))]!;
  const minLuma = Math.max(0.8 * luma(...skin), 0.75 * bright);
  const maxSat = Math.min(0.22, Math.max(0.08, 0.45 * sat(...lip)));
  const isTooth = (r: number, g: number, b: number): boolean => luma(r, g, b) > minLuma && sat(r, g, b) < maxSat;
  const found = interior.filter((c) => isTooth(...c));
  if (found.length < Math.max(8, 0.08 * interior.length)) return undefined;
  // The lit teeth: the brighter half of what was found.
  found.sort((a, b) => 0.3 * b[0] + 0.59 * b[1] + 0.11 * b[2] - (0.3 * a[0] + 0.59 * a[1] + 0.11 * a[2]));
  const lit = found.slice(0, Math.ceil(found.length / 2));
  const colour = [0, 1, 2].map((k) => lit.reduce((s, p) => s + p[k]!, 0) / lit.length) as Rgb;
  // Along lines from the upper to the lower inner lip: the first run of teeth is the upper teeth, a run
  // reaching the lower lip the lower teeth. Five lines, the midline and either side of it (the midline alone
  // runs down the dark gap between the central incisors), each voting; the median edge of those that see one.
  const ux = lm[3 * LM.upperLipInner]!;
  const uy = lm[3 * LM.upperLipInner + 1]!;
  const dx = lm[3 * LM.lowerLipInner]! - ux;
  const dy = lm[3 * LM.lowerLipInner + 1]! - uy;
  const n = Math.max(2, Math.ceil(Math.hypot(dx, dy)));
  const mouthWidth = Math.hypot(
    lm[3 * LM.mouthLeft]! - lm[3 * LM.mouthRight]!,
    lm[3 * LM.mouthLeft + 1]! - lm[3 * LM.mouthRight + 1]!,
  );
  const px = [0, 0, 0];
  const uppers: number[] = [];
  const lowers: number[] = [];
  let together = 0;
  const LINES = [-0.1, -0.05, 0, 0.05, 0.1];
  for (const f of LINES) {
    const ox = f * mouthWidth;
    const runs: [number, number][] = [];
    for (let k = 0; k <= n; k++) {
      bilinear(data, W, H, ux + ox + (dx * k) / n, uy + (dy * k) / n, px);
      if (!isTooth(px[0]!, px[1]!, px[2]!)) continue;
      const last = runs.at(-1);
      if (last && last[1] === k - 1) last[1] = k;
      else runs.push([k, k]);
    }
    const first = runs[0];
    const end = runs.at(-1);
    const fromTop = first !== undefined && first[0] <= 0.4 * n;
    const toBottom = end !== undefined && end[1] >= 0.6 * n;
    if (fromTop && toBottom && end === first) together++;
    else {
      if (fromTop) uppers.push((first[1] + 0.5) / n);
      if (toBottom && end !== first) lowers.push((end[0] - 0.5) / n);
    }
  }
  const median = (v: number[]): number | undefined =>
    v.length ? v.sort((a, b) => a - b)[Math.floor(v.length / 2)] : undefined;
  const isTogether = together > 0 && together >= uppers.length;
  return {
    colour,
    upperEdge: isTogether ? undefined : median(uppers),
    lowerEdge: isTogether ? undefined : median(lowers),
    together: isTogether,
  };
}

/**
 * Teeth for a portrait that does not show its own: a white warmed by an eighth of its skin's colour (the
 * skin carries the portrait's white balance and light colour, and the teeth's hue stays one the portrait
 * has; a grey photo gets grey teeth), brighter than its skin and lips, at least as bright as its eye
 * whites and as the lit skin of the face (its highlights: teeth reflect more than any skin, so a dark
 * skin does not make them dim), and never pure white. The eye whites give only brightness: their
 * colour is their own (often reddish), not the light's.
 */
export function plausibleTeeth(skin: Rgb, lip: Rgb, highlight: number, eyes: readonly EyeSource[]): Rgb {
  const luma = (p: readonly number[]): number => 0.3 * p[0]! + 0.59 * p[1]! + 0.11 * p[2]!;
  const open = eyes.filter((e) => e.open);
  const scleraY = open.length ? open.reduce((s, e) => s + luma(e.sclera), 0) / open.length : 0;
  const skinY = Math.max(1, luma(skin));
  const tint = skin.map((v) => 0.875 + (0.125 * v) / skinY);
  // …but no more than twice the skin by the mouth: a mouth in shadow keeps its teeth in shadow.
  const y = Math.min(232, 2 * skinY, Math.max(1.4 * skinY, 1.35 * luma(lip), scleraY, 0.8 * highlight));
  const ty = luma(tint);
  return tint.map((v) => Math.min(240, (v / ty) * y)) as Rgb;
}

/** The brightness of the face's lit skin: the 95th percentile of luma inside the face outline. */
export function faceHighlight(image: RgbaImage, lm: Float32Array): number {
  // A histogram over a grid of every other pixel is plenty for a percentile.
  const hist = new Uint32Array(256);
  let n = 0;
  const { width: W, height: H, data } = image;
  forEachPixelInRing(
    lm,
    3,
    GROUPS.silhouette,
    W,
    H,
    (_x, _y, p) => {
      hist[Math.round(0.3 * data[p]! + 0.59 * data[p + 1]! + 0.11 * data[p + 2]!)]!++;
      n++;
    },
    2,
  );
  let acc = 0;
  for (let v = 0; v < 256; v++) if ((acc += hist[v]!) >= 0.95 * n) return v;
  return 255;
}
