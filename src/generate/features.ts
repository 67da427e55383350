/**
 * The frame representation the motion models learn and generate: 16 action units (all but the blink) as
 * the mean of both sides and their left–right asymmetry, head rotation and gaze — 37 numbers per frame at
 * 25 frames/s. Blinks are events (src/motion/blinks.ts), not a channel. Also the signal processing shared
 * by training, generation and evaluation: resampling, Gaussian smoothing, emotion coordinates. Pure.
 */
import { ACTION_UNITS, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { emotionAUs } from '../emotion/emotion.js';
import { EMOTION_NAMES, type EmotionName } from '../emotion/emotion-names.js';

/** Frames per second of the models (MEAD's rate); other rates are resampled. */
export const MODEL_FPS = 25;

/** The AUs the models carry (the blink, AU45, is generated as events). */
export const MODEL_AUS: readonly ActionUnit[] = ACTION_UNITS.filter((au) => au !== 45);
const A = MODEL_AUS.length;

const FEATURE_NAMES: readonly string[] = [
  ...MODEL_AUS.map((au) => `AU${au}`),
  ...MODEL_AUS.map((au) => `AU${au} L-R`),
  'yaw',
  'pitch',
  'roll',
  'gaze x',
  'gaze y',
];
export const FEATURES = FEATURE_NAMES.length;
/** Offsets of the groups in a feature frame. */
export const F_MEAN = 0;
export const F_ASYM = A;
export const F_POSE = 2 * A;
export const F_GAZE = 2 * A + 3;

/** One frame of motion, in the units the rest of Vivify uses. */
export interface MotionFrame {
  /** AU intensities 0–5 per side (AU45 left out: blinks are in `blink`). */
  aus: AuIntensities;
  /** Head rotation in degrees, relative to the portrait's own pose. */
  pose: { yawDeg: number; pitchDeg: number; rollDeg: number };
  /** Iris offset in eye widths, relative to where the portrait looks. */
  gaze: { x: number; y: number };
  /** Eye closure 0 (open) … 1 (closed). */
  blink: number;
}

const auColumn = new Map<ActionUnit, number>(ACTION_UNITS.map((au, k) => [au, k]));

/** A feature frame from a curve row (34 AUs, left/right interleaved), pose and gaze. */
export function featureFrame(au: ArrayLike<number>, pose: ArrayLike<number>, gaze: ArrayLike<number>): Float32Array {
  const f = new Float32Array(FEATURES);
  MODEL_AUS.forEach((a, i) => {
    const k = auColumn.get(a)!;
    const l = au[2 * k]!;
    const r = au[2 * k + 1]!;
    f[F_MEAN + i] = (l + r) / 2;
    f[F_ASYM + i] = (l - r) / 2;
  });
  f[F_POSE] = pose[0]!;
  f[F_POSE + 1] = pose[1]!;
  f[F_POSE + 2] = pose[2]!;
  f[F_GAZE] = gaze[0]!;
  f[F_GAZE + 1] = gaze[1]!;
  return f;
}

/** AU intensities per side from a feature frame (each side clamped to 0–5). */
export function featureAUs(f: ArrayLike<number>): AuIntensities {
  const out: AuIntensities = { left: {}, right: {} };
  MODEL_AUS.forEach((a, i) => {
    const m = f[F_MEAN + i]!;
    const d = f[F_ASYM + i]!;
    out.left[a] = Math.max(0, Math.min(AU_MAX, m + d));
    out.right[a] = Math.max(0, Math.min(AU_MAX, m - d));
  });
  return out;
}

/** The 16 mean AU intensities of a feature frame (what the AU-curve distance compares). */
export function meanAUs(f: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < A; i++) out.push(f[F_MEAN + i]!);
  return out;
}

/** Linear resampling of a sequence of frames from one rate to another (same duration). */
export function resample<T extends ArrayLike<number>>(
  frames: readonly T[],
  fromFps: number,
  toFps: number,
): Float32Array[] {
  if (frames.length === 0) return [];
  if (Math.abs(fromFps - toFps) < 1e-6) return frames.map((f) => Float32Array.from(f));
  const n = Math.max(1, Math.round((frames.length / fromFps) * toFps));
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const t = (i / toFps) * fromFps;
    const a = Math.min(frames.length - 1, Math.floor(t));
    const b = Math.min(frames.length - 1, a + 1);
    const x = t - a;
    const fa = frames[a]!;
    const fb = frames[b]!;
    const f = new Float32Array(fa.length);
    for (let k = 0; k < fa.length; k++) f[k] = fa[k]! * (1 - x) + fb[k]! * x;
    out.push(f);
  }
  return out;
}

/** Gaussian smoothing along time of every channel (σ in frames; edges use the nearest frames' weights only). */
export function smoothFrames(frames: readonly Float32Array[], sigma: number): Float32Array[] {
  if (sigma <= 0 || frames.length === 0) return frames.map((f) => Float32Array.from(f));
  const r = Math.ceil(3 * sigma);
  const w: number[] = [];
  for (let k = -r; k <= r; k++) w.push(Math.exp(-(k * k) / (2 * sigma * sigma)));
  const C = frames[0]!.length;
  return frames.map((_, t) => {
    const f = new Float32Array(C);
    let ws = 0;
    for (let k = -r; k <= r; k++) {
      const s = t + k;
      if (s < 0 || s >= frames.length) continue;
      const wk = w[k + r]!;
      ws += wk;
      const src = frames[s]!;
      for (let c = 0; c < C; c++) f[c]! += wk * src[c]!;
    }
    for (let c = 0; c < C; c++) f[c]! /= ws;
    return f;
  });
}

/** The emotions with a direction (all but neutral), in EMOTION_NAMES order. */
export const EXPRESSIVE_EMOTIONS = EMOTION_NAMES.filter((e) => e !== 'neutral') as Exclude<EmotionName, 'neutral'>[];

/**
 * An emotion's AU vector at intensity 1 over the 34 one-sided AUs (ACTION_UNITS order, left/right): the
 * apex `vivify edit --emotion X=1` applies (src/emotion/emotion-data.ts), so emotion coordinates, episodes
 * and generated emotions are in the renderer's units.
 */
export function emotionVector(e: Exclude<EmotionName, 'neutral'>): number[] {
  const a = emotionAUs(e, 1);
  return ACTION_UNITS.flatMap((au) => [a.left[au] ?? 0, a.right[au] ?? 0]);
}

/** Each expressive emotion's AU vector at intensity 1. */
function emotionVectors(): number[][] {
  return EXPRESSIVE_EMOTIONS.map(emotionVector);
}

/**
 * Emotion coordinates of an AU frame (34 one-sided intensities, AU45 ignored): the non-negative
 * intensities c (one per expressive emotion, 1 = the edit's apex) whose emotion AUs Σ c·vector best
 * match the frame (least squares, projected gradient). The frame's expression as emotion intensities.
 */
export function emotionCoordinates(au: ArrayLike<number>): number[] {
  const V = emotionVectors();
  const E = V.length;
  const blink = auColumn.get(45)!;
  const use = (j: number): boolean => j >> 1 !== blink;
  const G = V.map((a) => V.map((b) => a.reduce((s, v, j) => (use(j) ? s + v * b[j]! : s), 0)));
  const rhs = V.map((a) => a.reduce((s, v, j) => (use(j) ? s + v * au[j]! : s), 0));
  let L = 0;
  for (const row of G)
    L = Math.max(
      L,
      row.reduce((s, v) => s + Math.abs(v), 0),
    );
  const c = new Array<number>(E).fill(0);
  for (let it = 0; it < 500; it++) {
    let change = 0;
    for (let e = 0; e < E; e++) {
      let g = -rhs[e]!;
      for (let k = 0; k < E; k++) g += G[e]![k]! * c[k]!;
      const v = Math.max(0, c[e]! - g / L);
      change += Math.abs(v - c[e]!);
      c[e] = v;
    }
    if (change < 1e-7) break;
  }
  return c;
}

/**
 * A fingerprint of the emotion vectors the emotion coordinates and generated emotions use (episodes, the
 * envelope and the emotions' shares are in their units): an FNV-1a hash of every emotion's vector, rounded
 * to 3 decimals, with the emotions' names. Any change of the edit's apexes changes it
 * (test/unit/motion-versions.test.ts).
 */
export function emotionVectorsFingerprint(vectors: readonly number[][] = emotionVectors()): string {
  const text = EXPRESSIVE_EMOTIONS.map((e, i) => `${e}:${(vectors[i] ?? []).map((v) => v.toFixed(3)).join(',')}`).join(
    ';',
  );
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${EXPRESSIVE_EMOTIONS.length} emotions, fnv1a ${h.toString(16).padStart(8, '0')}`;
}

/** Each expressive emotion's vector, in EXPRESSIVE_EMOTIONS order (what emotionVectorsFingerprint hashes). */
export function currentEmotionVectors(): number[][] {
  return emotionVectors();
}
