/**
 * Decoding of the BlazeFace detector's raw output (the 256×256 model Human ships): 896 anchors, each
 * with a score logit, a box (centre offset and size) and six keypoints, in input pixels.
 */

export const DETECTOR_INPUT = 256;

/** One detection in detector-input pixels. Keypoints: right eye, left eye, nose, mouth, right ear, left ear. */
export interface RawDetection {
  score: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  keypoints: number[]; // 12 values: x0, y0, x1, y1, …
}

const STRIDES = [16, 32];
const ANCHORS_PER_CELL = [2, 6];

/** Anchor centres in input pixels, in the order the model emits them (stride 16 first). */
export const ANCHORS: Float32Array = (() => {
  const out: number[] = [];
  STRIDES.forEach((stride, i) => {
    const cells = Math.ceil(DETECTOR_INPUT / stride);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let a = 0; a < ANCHORS_PER_CELL[i]!; a++) out.push(stride * (x + 0.5), stride * (y + 0.5));
      }
    }
  });
  return Float32Array.from(out);
})();

/**
 * Decodes candidates above `minScore`. `scores16`/`boxes16` are the stride-16 head outputs (512 anchors;
 * 1 and 16 values each), `scores32`/`boxes32` the stride-32 head (384 anchors).
 */
export function decodeDetections(
  scores16: Float32Array,
  boxes16: Float32Array,
  scores32: Float32Array,
  boxes32: Float32Array,
  minScore: number,
): RawDetection[] {
  const out: RawDetection[] = [];
  const heads: [Float32Array, Float32Array, number][] = [
    [scores16, boxes16, 0],
    [scores32, boxes32, scores16.length],
  ];
  for (const [scores, boxes, anchorBase] of heads) {
    for (let i = 0; i < scores.length; i++) {
      const score = 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, scores[i]!))));
      if (score < minScore) continue;
      const ax = ANCHORS[(anchorBase + i) * 2]!;
      const ay = ANCHORS[(anchorBase + i) * 2 + 1]!;
      const b = i * 16;
      const keypoints: number[] = [];
      for (let k = 0; k < 6; k++) keypoints.push(boxes[b + 4 + 2 * k]! + ax, boxes[b + 5 + 2 * k]! + ay);
      out.push({ score, cx: boxes[b]! + ax, cy: boxes[b + 1]! + ay, w: boxes[b + 2]!, h: boxes[b + 3]!, keypoints });
    }
  }
  return out;
}

function iou(a: RawDetection, b: RawDetection): number {
  const ix = Math.max(0, Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2));
  const iy = Math.max(0, Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter + 1e-9);
}

/**
 * Weighted non-maximum suppression (as MediaPipe does for BlazeFace): overlapping candidates are merged
 * into their score-weighted mean rather than dropped, which steadies boxes between frames.
 */
export function weightedNms(candidates: RawDetection[], iouThreshold = 0.3, maxResults = 100): RawDetection[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const used = new Uint8Array(sorted.length);
  const out: RawDetection[] = [];
  for (let i = 0; i < sorted.length && out.length < maxResults; i++) {
    if (used[i]) continue;
    const head = sorted[i]!;
    const merged: RawDetection = {
      score: head.score,
      cx: 0,
      cy: 0,
      w: 0,
      h: 0,
      keypoints: new Array<number>(12).fill(0),
    };
    let total = 0;
    for (let j = i; j < sorted.length; j++) {
      if (used[j]) continue;
      const c = sorted[j]!;
      if (j !== i && iou(head, c) < iouThreshold) continue;
      used[j] = 1;
      total += c.score;
      merged.cx += c.cx * c.score;
      merged.cy += c.cy * c.score;
      merged.w += c.w * c.score;
      merged.h += c.h * c.score;
      for (let k = 0; k < 12; k++) merged.keypoints[k]! += c.keypoints[k]! * c.score;
    }
    merged.cx /= total;
    merged.cy /= total;
    merged.w /= total;
    merged.h /= total;
    for (let k = 0; k < 12; k++) merged.keypoints[k]! /= total;
    out.push(merged);
  }
  return out;
}
