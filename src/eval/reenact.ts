/**
 * Streaming evaluation of a reenactment: feed it each driving frame (with its analysis) and the matching
 * result frame; it keeps only per-frame numbers (and sampled identity embeddings), so any length fits.
 * The same metrics are computed for the trivial baseline — the source image repeated — in the same pass.
 */
import type { FaceAnalyzer, FaceTracker } from '../analysis/analyzer.js';
import { rotationToEuler } from '../face/pose.js';
import type { FaceResult } from '../face/types.js';
import { LIPS_OUTER, LM } from '../face/topology.js';
import type { RgbaImage } from '../face/image.js';
import { pearson } from '../face/stats.js';
import { resizeImage } from '../render/resize.js';
import {
  cosineSimilarity,
  embeddingDistance,
  IBUG68,
  keypointDistance,
  l1,
  mean,
  meanAcceleration,
  psnr,
  ssim,
} from './metrics.js';
import { mouthColourReference, mouthColourSample, type MouthColourSample } from './mouth-colour.js';

export interface ReenactMetrics {
  frames: number;
  /** Fraction of result frames in which a face is found. */
  faceFound: number;
  // Self-reenactment (the driving video is the ground truth).
  l1?: number;
  psnr?: number;
  ssim?: number;
  /** Mean iBUG-68 landmark distance, pixels at 256 px frame size. */
  akd?: number;
  /**
   * L1 inside the driver's mouth box (its outer lips, padded by a tenth of their width) on the frames where
   * the driver's mouth is open (inner-lip gap above a tenth of the inner width), and how many such frames.
   */
  mouthL1?: number;
  mouthL1Frames?: number;
  /** Mean Euclidean distance between identity embeddings of result and ground-truth frames. */
  aed?: number;
  // Any reenactment.
  /** Mean cosine similarity of the result's identity embedding to the source's. */
  csim: number;
  /** Mean absolute difference between the result's and the driver's head-angle changes from their first frames, degrees (yaw, pitch, roll averaged). */
  poseErrorDeg: number;
  poseErrorByAxisDeg: { yaw: number; pitch: number; roll: number };
  /** Pearson correlation over time of mouth opening, and of eye aperture (both eyes), result vs driver. */
  mouthCorrelation: number;
  eyeCorrelation: number;
  /**
   * Mean landmark acceleration of the result over the driver's, both in face-size units and measured at the
   * same face size in pixels (the side with the larger face is scaled down to the other's before analysis,
   * since the landmark models' own noise, relative to the face, grows as faces get smaller).
   */
  jitterRatio: number;
  /** The same ratio measured at each video's own resolution. */
  jitterRatioRaw: number;
  /** Average content distance: mean pairwise distance between the result's identity embeddings (lower = more consistent). */
  acd: number;
  /** The mouth interior's colour against the source's lips and teeth (see mouth-colour.ts), over frames with an open mouth. */
  mouthColour: MouthColourSummary;
}

export interface MouthColourSummary {
  /** Frames with an open mouth (≥ 30 interior pixels), and those among them showing teeth. */
  frames: number;
  teethFrames: number;
  /** Mean chroma distance ΔC*ab of the teeth to the source's teeth colour (its eye white if it shows none). */
  teethChromaDistance: number;
  /** Mean share of interior pixels with a hue the source's mouth region does not have. */
  offHue: number;
}

export interface ReenactEvaluation {
  mode: 'self' | 'cross';
  result: ReenactMetrics;
  baseline: ReenactMetrics;
}

export interface ReenactEvaluatorOptions {
  mode: 'self' | 'cross';
  source: RgbaImage;
  /** The analysed source face (with embedding, or it is computed). */
  sourceFace: FaceResult;
  /** Compute identity embeddings on every Nth frame (they cost ~90 ms each). Default 5. */
  identityEvery?: number;
}

interface Track {
  found: number;
  frames: number;
  l1: number[];
  psnr: number[];
  ssim: number[];
  akd: number[];
  mouthL1: number[];
  aed: number[];
  csim: number[];
  embeddings: Float32Array[];
  euler: ({ yawDeg: number; pitchDeg: number; rollDeg: number } | undefined)[];
  mouth: number[];
  eyes: number[];
  marks: (Float32Array | undefined)[];
  /** Landmarks for the jitter ratio, measured at the common face size. */
  jitterMarks: (Float32Array | undefined)[];
  colour: MouthColourSample[];
}

const emptyTrack = (): Track => ({
  found: 0,
  frames: 0,
  l1: [],
  psnr: [],
  ssim: [],
  akd: [],
  mouthL1: [],
  aed: [],
  csim: [],
  embeddings: [],
  euler: [],
  mouth: [],
  eyes: [],
  marks: [],
  jitterMarks: [],
  colour: [],
});

/** Landmarks in face-size units (divided by the pose scale), IBUG68 points only. */
function normalisedMarks(face: FaceResult): Float32Array {
  const out = new Float32Array(IBUG68.length * 3);
  IBUG68.forEach((i, k) => {
    out[3 * k] = face.landmarks[3 * i]! / face.pose.scale;
    out[3 * k + 1] = face.landmarks[3 * i + 1]! / face.pose.scale;
  });
  return out;
}

/** Identity embeddings are computed on every nth frame by default (`vivify eval --identity-every`). */
export const DEFAULT_IDENTITY_EVERY = 5;

export function createReenactEvaluator(analyzer: FaceAnalyzer, options: ReenactEvaluatorOptions) {
  const every = options.identityEvery ?? DEFAULT_IDENTITY_EVERY;
  const resultTracker: FaceTracker = analyzer.createTracker();
  const res = emptyTrack();
  const base = emptyTrack();
  const drv = emptyTrack();
  let sourceEmbedding: Float32Array | undefined = options.sourceFace.embedding;
  let index = 0;
  const src = options.sourceFace;
  const colourRef = mouthColourReference(options.source, src.landmarks);
  const sourceColour = mouthColourSample(options.source, src.landmarks, colourRef);
  // Jitter at a common face size: which side is scaled down, by how much, with its own tracker.
  let common: { side: 'driver' | 'result'; factor: number; tracker: FaceTracker } | 'none' | undefined;
  const rescaledMarks = async (
    img: RgbaImage,
    c: { factor: number; tracker: FaceTracker },
  ): Promise<Float32Array | undefined> => {
    const w = Math.max(16, Math.round(img.width * c.factor));
    const h = Math.max(16, Math.round(img.height * c.factor));
    const face = (await c.tracker.next(resizeImage(img, w, h), { emotion: false })).faces[0];
    return face ? normalisedMarks(face) : undefined;
  };

  return {
    /** Adds one frame: the driving frame, its face (undefined if none) and the result frame. */
    async add(driving: RgbaImage, driverFace: FaceResult | undefined, result: RgbaImage): Promise<void> {
      sourceEmbedding ??= await analyzer.embed(options.source, src);
      const { faces } = await resultTracker.next(result, { emotion: false });
      const out = faces[0];
      const withId = index % every === 0;
      index++;
      for (const [t, face] of [
        [res, out],
        [base, src],
        [drv, driverFace],
      ] as const) {
        t.frames++;
        if (face) t.found++;
        t.euler.push(face ? rotationToEuler(face.pose.rotation) : undefined);
        t.mouth.push(face ? face.mouth.open : NaN);
        t.eyes.push(face ? (face.eyes.left + face.eyes.right) / 2 : NaN);
        t.marks.push(face ? normalisedMarks(face) : undefined);
      }
      const colour = out ? mouthColourSample(result, out.landmarks, colourRef) : undefined;
      if (colour) res.colour.push(colour);
      if (sourceColour) base.colour.push(sourceColour);
      if (common === undefined && out && driverFace) {
        const f = out.pose.scale / driverFace.pose.scale;
        common =
          f < 0.95
            ? { side: 'driver', factor: f, tracker: analyzer.createTracker() }
            : f > 1 / 0.95
              ? { side: 'result', factor: 1 / f, tracker: analyzer.createTracker() }
              : 'none';
      }
      if (common !== undefined) {
        res.jitterMarks.push(
          common !== 'none' && common.side === 'result' ? await rescaledMarks(result, common) : res.marks.at(-1),
        );
        drv.jitterMarks.push(
          common !== 'none' && common.side === 'driver' ? await rescaledMarks(driving, common) : drv.marks.at(-1),
        );
      } else {
        res.jitterMarks.push(undefined);
        drv.jitterMarks.push(undefined);
      }
      if (options.mode === 'self') {
        const scale = 256 / Math.max(driving.width, driving.height);
        for (const [t, img, face] of [
          [res, result, out],
          [base, options.source, src],
        ] as const) {
          if (img.width === driving.width && img.height === driving.height) {
            t.l1.push(l1(img, driving));
            t.psnr.push(psnr(img, driving));
            t.ssim.push(ssim(img, driving));
            const box = driverFace && openMouthBox(driverFace.landmarks);
            if (box) t.mouthL1.push(l1InBox(img, driving, box));
          }
          if (face && driverFace) t.akd.push(keypointDistance(face.landmarks, driverFace.landmarks, scale));
        }
      }
      if (withId) {
        const resultEmb = out ? await analyzer.embed(result, out) : undefined;
        const gtEmb = options.mode === 'self' && driverFace ? await analyzer.embed(driving, driverFace) : undefined;
        if (resultEmb) {
          res.embeddings.push(resultEmb);
          res.csim.push(cosineSimilarity(resultEmb, sourceEmbedding));
          if (gtEmb) res.aed.push(embeddingDistance(resultEmb, gtEmb));
        }
        base.embeddings.push(sourceEmbedding);
        base.csim.push(1);
        if (gtEmb) base.aed.push(embeddingDistance(sourceEmbedding, gtEmb));
      }
    },
    finish(): ReenactEvaluation {
      return {
        mode: options.mode,
        result: summarise(res, drv, options.mode),
        baseline: summarise(base, drv, options.mode),
      };
    },
  };
}

function summarise(t: Track, drv: Track, mode: 'self' | 'cross'): ReenactMetrics {
  // Pose: changes from each track's first frame with a face.
  const first = (e: Track['euler']): { yawDeg: number; pitchDeg: number; rollDeg: number } | undefined =>
    e.find((x) => x !== undefined);
  const r0 = first(t.euler);
  const d0 = first(drv.euler);
  const err = { yaw: [] as number[], pitch: [] as number[], roll: [] as number[] };
  for (let i = 0; i < t.euler.length; i++) {
    const a = t.euler[i];
    const b = drv.euler[i];
    if (!a || !b || !r0 || !d0) continue;
    err.yaw.push(Math.abs(a.yawDeg - r0.yawDeg - (b.yawDeg - d0.yawDeg)));
    err.pitch.push(Math.abs(a.pitchDeg - r0.pitchDeg - (b.pitchDeg - d0.pitchDeg)));
    err.roll.push(Math.abs(a.rollDeg - r0.rollDeg - (b.rollDeg - d0.rollDeg)));
  }
  const byAxis = { yaw: mean(err.yaw), pitch: mean(err.pitch), roll: mean(err.roll) };
  const pairs = (a: number[], b: number[]): [number[], number[]] => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < a.length; i++) {
      if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
        x.push(a[i]!);
        y.push(b[i]!);
      }
    }
    return [x, y];
  };
  const all68 = Array.from({ length: IBUG68.length }, (_, i) => i);
  const jitterT = meanAcceleration(t.marks, all68);
  const jitterD = meanAcceleration(drv.marks, all68);
  const jitterTc = meanAcceleration(t.jitterMarks.length ? t.jitterMarks : t.marks, all68);
  const jitterDc = meanAcceleration(drv.jitterMarks, all68);
  let acdSum = 0;
  let acdN = 0;
  for (let i = 0; i < t.embeddings.length; i++) {
    for (let j = i + 1; j < t.embeddings.length; j++) {
      acdSum += embeddingDistance(t.embeddings[i]!, t.embeddings[j]!);
      acdN++;
    }
  }
  const metrics: ReenactMetrics = {
    frames: t.frames,
    faceFound: t.frames ? t.found / t.frames : 0,
    csim: mean(t.csim),
    poseErrorDeg: (byAxis.yaw + byAxis.pitch + byAxis.roll) / 3,
    poseErrorByAxisDeg: byAxis,
    mouthCorrelation: pearson(...pairs(t.mouth, drv.mouth)),
    eyeCorrelation: pearson(...pairs(t.eyes, drv.eyes)),
    jitterRatio: jitterDc > 0 ? jitterTc / jitterDc : NaN,
    jitterRatioRaw: jitterD > 0 ? jitterT / jitterD : NaN,
    acd: acdN ? acdSum / acdN : NaN, // needs two frames with a face: n/a otherwise, never the best score
    mouthColour: summariseColour(t.colour),
  };
  if (mode === 'self')
    Object.assign(metrics, {
      l1: mean(t.l1),
      psnr: mean(t.psnr),
      ssim: mean(t.ssim),
      akd: mean(t.akd),
      mouthL1: mean(t.mouthL1),
      mouthL1Frames: t.mouthL1.length,
      aed: mean(t.aed),
    });
  return metrics;
}

/** The padded box of the outer lips when the inner lips are open by more than a tenth of their width. */
function openMouthBox(lm: Float32Array): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const p = (i: number): [number, number] => [lm[3 * i]!, lm[3 * i + 1]!];
  const [rx, ry] = p(LM.innerMouthRight);
  const [lx, ly] = p(LM.innerMouthLeft);
  const [ux, uy] = p(LM.upperLipInner);
  const [dx, dy] = p(LM.lowerLipInner);
  const width = Math.hypot(lx - rx, ly - ry);
  if (!(Math.hypot(dx - ux, dy - uy) > 0.1 * width)) return undefined;
  const xs = LIPS_OUTER.map((i) => lm[3 * i]!);
  const ys = LIPS_OUTER.map((i) => lm[3 * i + 1]!);
  const pad = 0.1 * (Math.max(...xs) - Math.min(...xs));
  return {
    x0: Math.min(...xs) - pad,
    y0: Math.min(...ys) - pad,
    x1: Math.max(...xs) + pad,
    y1: Math.max(...ys) + pad,
  };
}

/** Mean absolute RGB difference (0–1) of two same-sized images inside a box (clipped to the frame). */
function l1InBox(a: RgbaImage, b: RgbaImage, box: { x0: number; y0: number; x1: number; y1: number }): number {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(a.width, Math.ceil(box.x1));
  const y1 = Math.min(a.height, Math.ceil(box.y1));
  let s = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = 4 * (y * a.width + x);
      s +=
        Math.abs(a.data[o]! - b.data[o]!) +
        Math.abs(a.data[o + 1]! - b.data[o + 1]!) +
        Math.abs(a.data[o + 2]! - b.data[o + 2]!);
      n++;
    }
  }
  return n ? s / (3 * 255 * n) : NaN;
}

function summariseColour(samples: MouthColourSample[]): MouthColourSummary {
  const teeth = samples.filter((c) => Number.isFinite(c.teethChromaDistance));
  return {
    frames: samples.length,
    teethFrames: teeth.length,
    teethChromaDistance: teeth.length ? mean(teeth.map((c) => c.teethChromaDistance)) : NaN,
    offHue: samples.length ? mean(samples.map((c) => c.offHue)) : NaN,
  };
}
