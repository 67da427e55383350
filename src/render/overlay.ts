/**
 * The analysis overlay: mesh, eye and lip outlines, irises, head-pose axes and a label panel with pose,
 * apertures and the emotion distribution, so a person can check an analysis at a glance.
 */
import { applySimilarity } from '../face/pose.js';
import { poseToSimilarity } from '../face/measures.js';
import {
  LEFT_EYE_OPENING,
  LEFT_IRIS,
  LIPS_OUTER,
  MESH_TRIANGLES,
  MOUTH_OPENING,
  RIGHT_EYE_OPENING,
  RIGHT_IRIS,
} from '../face/topology.js';
import { EMOTIONS, type FaceResult } from '../face/types.js';
import type { RgbaImage } from '../face/image.js';
import {
  cloneImage,
  drawLine,
  drawText,
  fillDisc,
  fillRect,
  strokeCircle,
  strokeRect,
  TEXT_HEIGHT,
  textWidth,
  type Rgb,
} from './draw.js';

const MESH_EDGES: [number, number][] = (() => {
  const seen = new Set<number>();
  const edges: [number, number][] = [];
  for (let t = 0; t < MESH_TRIANGLES.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = MESH_TRIANGLES[t + k]!;
      const b = MESH_TRIANGLES[t + ((k + 1) % 3)]!;
      const key = Math.min(a, b) * 1000 + Math.max(a, b);
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push([a, b]);
    }
  }
  return edges;
})();

const WHITE: Rgb = [255, 255, 255];
const CYAN: Rgb = [60, 220, 255];
const PINK: Rgb = [255, 90, 160];
const YELLOW: Rgb = [255, 220, 40];
const RED: Rgb = [240, 50, 50];
const GREEN: Rgb = [60, 220, 80];
const BLUE: Rgb = [70, 120, 255];
const PANEL: Rgb = [0, 0, 0];

/** Draws every face's analysis on a copy of `image`. */
export function drawAnalysisOverlay(image: RgbaImage, faces: readonly FaceResult[]): RgbaImage {
  const out = cloneImage(image);
  faces.forEach((face, i) => drawFace(out, face, i));
  return out;
}

/**
 * Draws the mesh, eye and lip outlines and irises of one face's landmarks (478 × xyz, image pixels) on a copy
 * of `image` — the face part of {@link drawAnalysisOverlay}, for landmarks that are not an analysis (a
 * rendered face's target shape).
 */
export function drawFaceMesh(image: RgbaImage, landmarks: Float32Array): RgbaImage {
  const out = cloneImage(image);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < landmarks.length; i += 3) {
    x0 = Math.min(x0, landmarks[i]!);
    x1 = Math.max(x1, landmarks[i]!);
    y0 = Math.min(y0, landmarks[i + 1]!);
    y1 = Math.max(y1, landmarks[i + 1]!);
  }
  drawMesh(out, landmarks, Math.max(1, Math.max(x1 - x0, y1 - y0) / 250));
  return out;
}

function drawMesh(img: RgbaImage, lm: Float32Array, lw: number): void {
  const pt = (i: number): [number, number] => [lm[3 * i]!, lm[3 * i + 1]!];
  for (const [a, b] of MESH_EDGES) drawLine(img, ...pt(a), ...pt(b), WHITE, 0.35, lw * 0.8);
  const outline = (idx: readonly number[], c: Rgb): void => {
    for (let k = 0; k < idx.length; k++)
      drawLine(img, ...pt(idx[k]!), ...pt(idx[(k + 1) % idx.length]!), c, 0.95, lw * 1.3);
  };
  outline(RIGHT_EYE_OPENING, CYAN);
  outline(LEFT_EYE_OPENING, CYAN);
  outline(LIPS_OUTER, PINK);
  outline(MOUTH_OPENING, PINK);
  for (const iris of [LEFT_IRIS, RIGHT_IRIS]) {
    const [cx, cy] = pt(iris[0]);
    const radius =
      [1, 2, 3, 4].reduce((s, k) => s + Math.hypot(lm[3 * iris[k]!]! - cx, lm[3 * iris[k]! + 1]! - cy), 0) / 4;
    strokeCircle(img, cx, cy, radius, YELLOW, 0.95, lw * 1.2);
    fillDisc(img, cx, cy, Math.max(1, lw * 1.2), YELLOW);
  }
}

function drawFace(img: RgbaImage, face: FaceResult, index: number): void {
  const faceSize = Math.max(face.box.width, face.box.height);
  const lw = Math.max(1, faceSize / 250);
  drawMesh(img, face.landmarks, lw);
  // Head-pose axes from the canonical origin: x (subject's left) red, y (down) green, z (towards camera) blue.
  const axes = applySimilarity(poseToSimilarity(face.pose), [0, 0, 0, 0.6, 0, 0, 0, 0.6, 0, 0, 0, -0.6]);
  const [ox, oy] = [axes[0]!, axes[1]!];
  const colours = [RED, GREEN, BLUE];
  for (let k = 0; k < 3; k++)
    drawLine(img, ox, oy, axes[3 * (k + 1)]!, axes[3 * (k + 1) + 1]!, colours[k]!, 1, lw * 2.5);
  strokeRect(img, face.box.x, face.box.y, face.box.width, face.box.height, GREEN, 0.8, lw);
  drawPanel(img, face, index);
}

function drawPanel(img: RgbaImage, face: FaceResult, index: number): void {
  const scale = Math.max(1, Math.round(Math.max(img.width, img.height) / 500));
  const f0 = (v: number): string => v.toFixed(0);
  const f2 = (v: number): string => v.toFixed(2);
  const lines = [
    `#${index + 1}  SCORE ${f2(face.score)}`,
    `YAW ${f0(face.pose.yawDeg)} PITCH ${f0(face.pose.pitchDeg)} ROLL ${f0(face.pose.rollDeg)}`,
    `EYES L ${f2(face.eyes.left)} R ${f2(face.eyes.right)}`,
    `MOUTH ${f2(face.mouth.open)}  GAZE ${f0(face.gaze.yawDeg)} ${f0(face.gaze.pitchDeg)}`,
  ];
  const lineH = (TEXT_HEIGHT + 3) * scale;
  const barW = 40 * scale;
  const emotionRows = face.emotion ? EMOTIONS.length : 0;
  const width =
    Math.max(
      ...lines.map((l) => textWidth(l, scale)),
      textWidth('SURPRISE ', scale) + barW + textWidth(' 100', scale),
    ) +
    6 * scale;
  const height = (lines.length + emotionRows) * lineH + 4 * scale;
  const { x, y } = placePanel(img, face.box, width, height, 4 * scale);
  fillRect(img, x, y, width, height, PANEL, 0.6);
  let ty = y + 3 * scale;
  for (const l of lines) {
    drawText(img, l, x + 3 * scale, ty, scale, WHITE);
    ty += lineH;
  }
  if (!face.emotion) return;
  const top = EMOTIONS.reduce((a, b) => (face.emotion![a] >= face.emotion![b] ? a : b));
  for (const e of EMOTIONS) {
    const p = face.emotion[e];
    const c = e === top ? YELLOW : WHITE;
    drawText(img, e, x + 3 * scale, ty, scale, c);
    const bx = x + 3 * scale + textWidth('SURPRISE ', scale);
    fillRect(img, bx, ty, barW, TEXT_HEIGHT * scale, WHITE, 0.2);
    fillRect(img, bx, ty, barW * p, TEXT_HEIGHT * scale, c, 0.9);
    drawText(img, ` ${Math.round(p * 100)}`, bx + barW, ty, scale, c);
    ty += lineH;
  }
}

/**
 * Where the label panel goes: beside the face (right, left), below or above it — the first place that
 * fits in the image without covering the face, else the one covering the least of it.
 */
function placePanel(
  img: RgbaImage,
  box: FaceResult['box'],
  w: number,
  h: number,
  gap: number,
): { x: number; y: number } {
  const clampX = (x: number): number => Math.max(0, Math.min(img.width - w, x));
  const clampY = (y: number): number => Math.max(0, Math.min(img.height - h, y));
  const candidates = [
    { x: box.x + box.width + gap, y: clampY(box.y) },
    { x: box.x - w - gap, y: clampY(box.y) },
    { x: clampX(box.x), y: box.y + box.height + gap },
    { x: clampX(box.x), y: box.y - h - gap },
  ];
  const overlap = (c: { x: number; y: number }): number => {
    const ox = Math.max(0, Math.min(c.x + w, box.x + box.width) - Math.max(c.x, box.x));
    const oy = Math.max(0, Math.min(c.y + h, box.y + box.height) - Math.max(c.y, box.y));
    return ox * oy;
  };
  const inside = (c: { x: number; y: number }): boolean =>
    c.x >= 0 && c.y >= 0 && c.x + w <= img.width && c.y + h <= img.height;
  const fit = candidates.find((c) => inside(c) && overlap(c) === 0);
  if (fit) return fit;
  const clamped = candidates.map((c) => ({ x: clampX(c.x), y: clampY(c.y) }));
  return clamped.reduce((a, b) => (overlap(b) < overlap(a) ? b : a));
}
