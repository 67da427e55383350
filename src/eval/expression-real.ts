/**
 * Expressions checked against the real face (`vivify eval expression-real`): for each MEAD actor in
 * ../shared/data, the actor's own neutral frame is edited to each emotion the actor has a real clip of (the
 * project's expression editor, intensity 1, default options, as `vivify edit --emotion happy=1` does), and the
 * edit is compared with the real apex frame of that emotion in the actor's clip:
 *
 * - shape: per-landmark displacement error of the edit against the apex, both aligned to the neutral frame's
 *   face by a similarity transform (3-D, fitted on the points that move little with expression), mean over
 *   the 468 mesh points in the image plane, in units of the neutral frame's inter-ocular distance (outer eye corners) — beside the
 *   same error of the unedited neutral frame (no edit), so their ratio says how much of the way the edit goes
 *   (1: no better than leaving the face alone; 0: the apex's shape);
 * - the judge: Human's 7-class emotion probabilities on the edit against those on the apex (L1 distance, and
 *   whether the top classes match);
 * - identity: the embedding similarity of the edit to the neutral frame, beside the real apex's to the same
 *   neutral frame (a real, strong expression of the same person is the reference).
 *
 * The neutral frame is the least expressive near-frontal frame of the actor's neutral clip (least total AU
 * intensity from the clip's mean shape); for actors without a neutral clip, of all their clips (from the mean
 * of their least expressive frames, as scripts/learn-emotions.ts takes their neutral face). The apex frame is
 * the clip's near-frontal frame where the emotion's own action units (speech AUs excepted) are strongest
 * relative to that neutral shape — the top of the apex frames scripts/learn-emotions.ts and
 * scripts/eval-expression.ts average ({@link apexScore}).
 */
import path from 'node:path';
import { estimateAUs } from '../analysis/au-estimate.js';
import { identitySimilarity } from '../analysis/analyzer.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../analysis/node/analyze.js';
import { pickFace } from '../analysis/pick-face.js';
import { EXPRESSION_CLIPS, loadClip, type ClipFrames, type ExpressionClip } from '../dataset/expression-clips.js';
import { VivifyError, throwIfAborted } from '../errors.js';
import { ACTION_UNITS, type ActionUnit } from '../face/action-units.js';
import type { RgbaImage } from '../face/image.js';
import { applySimilarity, fitSimilarity, rotationToEuler } from '../face/pose.js';
import { MESH_POINTS, RIGID_POINTS } from '../face/topology.js';
import { EMOTIONS, type Emotion, type FaceResult } from '../face/types.js';
import { createFaceEditor } from '../expression/edit.js';
import { loadMouthBank } from '../reenact/node/mouth-bank-file.js';
import { decodeVideo } from '../media/video.js';
import { EMOTION_APEX } from '../emotion/emotion-data.js';
import type { EmotionName } from '../emotion/emotion-names.js';

/**
 * The actor held out: kept out of any fitting of the emotions. scripts/learn-emotions.ts sets intensity 1 of
 * each emotion from the people filmed in a neutral clip too (M030 and W009, the only ones in all emotions),
 * so those two are not held out. The MEAD-style woman of eamm_fear.mp4 and eamm_surprised.mp4 (one person,
 * as scripts/build-motion-data.ts lists her) is not used there, and is a validation actor of no model either;
 * her frames did go into the learned expression appearance (scripts/build-appearance.ts fits its shading on
 * all 14 people of the labelled clips), which changes the edit's pixels, not its shape.
 */
export const HELD_OUT_ACTOR = 'eamm-woman';

/** The apex is sought among frames turned less than this (as scripts/learn-emotions.ts does). */
const MAX_YAW = 30;
const MAX_PITCH = 25;
/** Speech AUs: they do not count towards an apex (the actors talk). */
const SPEECH: ActionUnit[] = [25, 26, 17, 23];
/** Outer eye corners in the mesh: their distance is the inter-ocular distance. */
const EYE_OUTER: [number, number] = [33, 263];

/** The emotion's own AUs (those intensity 1 sets, speech AUs excepted): what an apex is scored on. */
export function apexActionUnits(emotion: EmotionName): ActionUnit[] {
  const d = EMOTION_APEX[emotion];
  if (!d) return [];
  return ACTION_UNITS.filter((au) => !SPEECH.includes(au) && ((d.left[au] ?? 0) > 0 || (d.right[au] ?? 0) > 0));
}

/** How strongly a face (canonical shape) shows `emotion` against the person's neutral shape: its own AUs, both sides. */
export function apexScore(canon: Float32Array, neutral: Float32Array, emotion: EmotionName): number {
  const est = estimateAUs(canon, neutral);
  return apexActionUnits(emotion).reduce((s, au) => s + est.left[au] + est.right[au], 0);
}

/** A MEAD actor of the data folder and their labelled clips. */
export interface RealActor {
  name: string;
  clips: ExpressionClip[];
}

/** Clips of one person that {@link EXPRESSION_CLIPS} lists as two people (one actress in two clips). */
const SAME_PERSON: Record<string, string> = {
  'videos/eamm_fear.mp4': HELD_OUT_ACTOR,
  'videos/eamm_surprised.mp4': HELD_OUT_ACTOR,
};

/**
 * The MEAD actors: M030 and W009 (all emotions and a neutral clip each) and the four MEAD-style actors of the
 * eamm_ clips (256² crops). M030's uncropped 1920×1080 clip is left out: the same actor, already here.
 */
export function realActors(): RealActor[] {
  const out = new Map<string, ExpressionClip[]>();
  for (const c of EXPRESSION_CLIPS) {
    if (!/^videos\/(dreamtalk_[MW]\d{3}_|eamm_[a-z]+\.mp4$)/.test(c.file)) continue;
    const name = SAME_PERSON[c.file] ?? c.person;
    out.set(name, [...(out.get(name) ?? []), c]);
  }
  return [...out].map(([name, clips]) => ({ name, clips }));
}

// ---------------------------------------------------------------------------------------------------------
// Geometry.

/** Distance between the outer eye corners in the image (x, y). */
export function interOcular(landmarks: Float32Array): number {
  const [l, r] = EYE_OUTER;
  return Math.hypot(landmarks[3 * l]! - landmarks[3 * r]!, landmarks[3 * l + 1]! - landmarks[3 * r + 1]!);
}

/**
 * Mean per-landmark distance between faces `a` and `b` (478 × x, y, z landmarks, as the analyzer reports
 * them) after aligning each to `reference` by a similarity (scale, 3-D rotation, translation: so a head turn
 * between the frames is taken out too) fitted on {@link RIGID_POINTS} (forehead, nose, eye corners,
 * cheekbones: what expressions barely move). The distance is taken in the reference's image plane (x, y)
 * over the 468 mesh points, in units of the reference's inter-ocular distance.
 */
export function alignedError(a: Float32Array, b: Float32Array, reference: Float32Array): number {
  const A = applySimilarity(fitSimilarity(a, reference, RIGID_POINTS), a);
  const B = applySimilarity(fitSimilarity(b, reference, RIGID_POINTS), b);
  let s = 0;
  for (let i = 0; i < MESH_POINTS; i++) s += Math.hypot(A[3 * i]! - B[3 * i]!, A[3 * i + 1]! - B[3 * i + 1]!);
  return s / MESH_POINTS / interOcular(reference);
}

/** L1 distance between two emotion probability vectors (0 … 2). */
export function probabilityL1(a: Record<Emotion, number>, b: Record<Emotion, number>): number {
  return EMOTIONS.reduce((s, e) => s + Math.abs(a[e] - b[e]), 0);
}

export function topClass(p: Record<Emotion, number>): Emotion {
  return EMOTIONS.reduce((x, y) => (p[x] >= p[y] ? x : y));
}

// ---------------------------------------------------------------------------------------------------------
// The evaluation.

export interface ExpressionRealRow {
  actor: string;
  emotion: EmotionName;
  heldOut: boolean;
  neutral: { file: string; frame: number; from: string };
  apex: { file: string; frame: number; frames: number };
  /** Mean landmark error against the apex, in inter-ocular distances: the edit, and the neutral frame itself. */
  error: { edit: number; noEdit: number; ratio: number };
  /** Human's emotion probabilities on the edit, on the apex and on the neutral frame; L1 edit↔apex. */
  judge: {
    edit: Record<Emotion, number>;
    apex: Record<Emotion, number>;
    neutral: Record<Emotion, number>;
    l1: number;
    l1NoEdit: number;
    topEdit: Emotion;
    topApex: Emotion;
    topMatch: boolean;
  };
  /** Identity similarity to the neutral frame: of the edit, and of the real apex (the reference). */
  identity: { edit: number; apex: number };
}

export interface ExpressionRealSummary {
  label: string;
  rows: number;
  errorEdit: number;
  errorNoEdit: number;
  /** Mean of the per-row ratios edit / no edit. */
  ratio: number;
  judgeL1: number;
  judgeL1NoEdit: number;
  topMatches: number;
  identityEdit: number;
  identityApex: number;
}

export interface ExpressionRealResult {
  machine: string;
  command: string;
  heldOut: string;
  rows: ExpressionRealRow[];
  byEmotion: ExpressionRealSummary[];
  heldOutSummary?: ExpressionRealSummary;
  all: ExpressionRealSummary;
  skipped: string[];
  seconds: number;
}

export interface ExpressionRealOptions {
  dataDir: string;
  /** Actor names ({@link realActors}); default all. */
  actors?: string[];
  /** Emotions to edit (each actor's that have a clip); default all. */
  emotions?: EmotionName[];
  machine: string;
  command: string;
  analyzer?: NodeFaceAnalyzer;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, detail: string) => void;
  onLog?: (message: string) => void;
}

const near = (c: ClipFrames, k: number): boolean => {
  const f = c.frames[k];
  if (!f) return false;
  const e = rotationToEuler(f.state.pose.rotation);
  return Math.abs(e.yawDeg) <= MAX_YAW && Math.abs(e.pitchDeg) <= MAX_PITCH;
};

const meanShape = (ss: Float32Array[]): Float32Array => {
  const m = new Float32Array(ss[0]!.length);
  for (const s of ss) for (let i = 0; i < m.length; i++) m[i]! += s[i]! / ss.length;
  return m;
};

const totalAUs = (canon: Float32Array, neutral: Float32Array): number => {
  const e = estimateAUs(canon, neutral);
  return ACTION_UNITS.reduce((t, au) => t + e.intensity[au], 0);
};

/** The person's neutral shape, and the clip frame that shows it best (see the module's comment). */
function neutralOf(clips: ClipFrames[]): { shape: Float32Array; clip: ClipFrames; frame: number; from: string } {
  const frames = (cs: ClipFrames[]): { clip: ClipFrames; k: number; canon: Float32Array }[] =>
    cs.flatMap((clip) =>
      clip.frames.flatMap((f, k) => (f && near(clip, k) ? [{ clip, k, canon: f.state.canon }] : [])),
    );
  const neutralClips = clips.filter((c) => c.clip.neutral);
  let shape: Float32Array;
  let from: string;
  const pool = frames(neutralClips.length ? neutralClips : clips);
  if (pool.length === 0)
    throw new VivifyError('E_NO_FACE', `no near-frontal face in ${clips.map((c) => c.clip.file).join(', ')}`);
  if (neutralClips.length) {
    shape = meanShape(pool.map((p) => p.canon));
    from = 'neutral clip';
  } else {
    // As scripts/learn-emotions.ts: the mean of the 15% least expressive frames, measured from the median face.
    const median = new Float32Array(pool[0]!.canon.length);
    for (let i = 0; i < median.length; i++)
      median[i] = pool.map((p) => p.canon[i]!).sort((x, y) => x - y)[pool.length >> 1]!;
    const scored = pool.map((p) => ({ p, v: totalAUs(p.canon, median) })).sort((x, y) => x.v - y.v);
    const k = Math.max(5, Math.round(scored.length * 0.15));
    shape = meanShape(scored.slice(0, k).map((s) => s.p.canon));
    from = `least expressive frame: no neutral clip, neutral shape from ${k} frames`;
  }
  let best = pool[0]!;
  let bestV = Infinity;
  for (const p of pool) {
    const v = totalAUs(p.canon, shape);
    if (v < bestV) {
      bestV = v;
      best = p;
    }
  }
  return { shape, clip: best.clip, frame: best.k, from };
}

async function frameImage(file: string, index: number, signal?: AbortSignal): Promise<RgbaImage> {
  let k = 0;
  for await (const f of decodeVideo(file, { signal })) {
    if (k++ === index) return f;
  }
  throw new VivifyError('E_VIDEO_DECODE', `${file} has no frame ${index}`);
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

export function summarise(label: string, rows: ExpressionRealRow[]): ExpressionRealSummary {
  return {
    label,
    rows: rows.length,
    errorEdit: mean(rows.map((r) => r.error.edit)),
    errorNoEdit: mean(rows.map((r) => r.error.noEdit)),
    ratio: mean(rows.map((r) => r.error.ratio)),
    judgeL1: mean(rows.map((r) => r.judge.l1)),
    judgeL1NoEdit: mean(rows.map((r) => r.judge.l1NoEdit)),
    topMatches: rows.filter((r) => r.judge.topMatch).length,
    identityEdit: mean(rows.map((r) => r.identity.edit)),
    identityApex: mean(rows.map((r) => r.identity.apex)),
  };
}

/** Runs the comparison (see the module's comment). */
export async function evaluateExpressionReal(options: ExpressionRealOptions): Promise<ExpressionRealResult> {
  const started = performance.now();
  const known = realActors();
  const wanted = options.actors ?? known.map((a) => a.name);
  for (const a of wanted)
    if (!known.some((k) => k.name === a))
      throw new VivifyError('E_USAGE', `unknown actor ${a} (expected some of ${known.map((k) => k.name).join(', ')})`);
  const actors = known.filter((a) => wanted.includes(a.name));
  const analyzer = options.analyzer ?? (await createFaceAnalyzer({ emotion: true, identity: true }));
  const log = options.onLog ?? (() => {});
  const rows: ExpressionRealRow[] = [];
  const skipped: string[] = [];
  try {
    const jobs = actors.flatMap((a) =>
      a.clips
        .filter((c) => c.emotion && (!options.emotions || options.emotions.includes(c.emotion)))
        .map((c) => ({ actor: a, clip: c })),
    );
    let done = 0;
    for (const actor of actors) {
      const mine = jobs.filter((j) => j.actor === actor);
      if (mine.length === 0) continue;
      const loaded: ClipFrames[] = [];
      // The neutral clip and the clips to measure; every clip of an actor without a neutral clip (their
      // neutral face comes from all their frames, whichever emotions are measured).
      const hasNeutral = actor.clips.some((c) => c.neutral);
      const needed = actor.clips.filter((c) => !hasNeutral || c.neutral || mine.some((j) => j.clip === c));
      for (const c of needed) {
        throwIfAborted(options.signal);
        options.onProgress?.(done, jobs.length, `${actor.name}: tracking ${path.basename(c.file)}`);
        const l = await loadClip(options.dataDir, c, { analyzer, signal: options.signal });
        if (l) loaded.push(l);
        else skipped.push(`${c.file} (not in the data folder)`);
      }
      if (!loaded.some((c) => c.clip.emotion)) continue;
      const neutral = neutralOf(loaded);
      const analyse = async (img: RgbaImage, what: string): Promise<FaceResult> =>
        pickFace(await analyzer.analyze(img, { emotion: true, identity: true }), 0, what);
      const neutralFile = path.join(options.dataDir, neutral.clip.clip.file);
      const neutralImage = await frameImage(neutralFile, neutral.frame, options.signal);
      const neutralFace = await analyse(neutralImage, `${actor.name}'s neutral frame`);
      log(`${actor.name}: neutral frame ${neutral.frame} of ${neutral.clip.clip.file} (${neutral.from})`);
      const editor = createFaceEditor(neutralImage, neutralFace, undefined, { mouth: { bank: await loadMouthBank() } });
      for (const job of mine) {
        throwIfAborted(options.signal);
        const emotion = job.clip.emotion!;
        options.onProgress?.(done, jobs.length, `${actor.name} ${emotion}`);
        const clip = loaded.find((c) => c.clip === job.clip);
        if (!clip) {
          done++;
          continue;
        }
        const apex = apexFrame(clip, neutral.shape, emotion);
        if (apex < 0) {
          skipped.push(`${job.clip.file} (no near-frontal face)`);
          done++;
          continue;
        }
        const apexImage = await frameImage(path.join(options.dataDir, job.clip.file), apex, options.signal);
        const apexFace = await analyse(apexImage, `${job.clip.file} frame ${apex}`);
        const edited = editor.edit({ emotions: [{ name: emotion, intensity: 1 }] }).image;
        const editFace = await analyse(edited, `${actor.name}'s neutral frame edited to ${emotion}`);
        rows.push(
          compare(actor.name, emotion, neutralFace, editFace, apexFace, {
            neutral: { file: neutral.clip.clip.file, frame: neutral.frame, from: neutral.from },
            apex: { file: job.clip.file, frame: apex, frames: clip.frames.length },
          }),
        );
        done++;
        options.onProgress?.(done, jobs.length, `${actor.name} ${emotion}`);
      }
    }
  } finally {
    if (!options.analyzer) analyzer.close();
  }
  const emotions = [...new Set(rows.map((r) => r.emotion))];
  const held = rows.filter((r) => r.heldOut);
  return {
    machine: options.machine,
    command: options.command,
    heldOut: HELD_OUT_ACTOR,
    rows,
    byEmotion: emotions.map((e) =>
      summarise(
        e,
        rows.filter((r) => r.emotion === e),
      ),
    ),
    heldOutSummary: held.length ? summarise(`held out (${HELD_OUT_ACTOR})`, held) : undefined,
    all: summarise('all', rows),
    skipped,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The clip's near-frontal frame where the emotion's own AUs are strongest over the neutral shape (−1: none). */
function apexFrame(clip: ClipFrames, neutral: Float32Array, emotion: EmotionName): number {
  let apex = -1;
  let best = -Infinity;
  clip.frames.forEach((f, k) => {
    if (!f || !near(clip, k)) return;
    const s = apexScore(f.state.canon, neutral, emotion);
    if (s > best) {
      best = s;
      apex = k;
    }
  });
  return apex;
}

/** One row: the edit and the real apex, each against the neutral frame — shape, the judge, identity. */
function compare(
  actor: string,
  emotion: EmotionName,
  neutralFace: FaceResult,
  editFace: FaceResult,
  apexFace: FaceResult,
  frames: Pick<ExpressionRealRow, 'neutral' | 'apex'>,
): ExpressionRealRow {
  const ref = neutralFace.landmarks;
  const errEdit = alignedError(editFace.landmarks, apexFace.landmarks, ref);
  const errNone = alignedError(ref, apexFace.landmarks, ref);
  const je = editFace.emotion!;
  const ja = apexFace.emotion!;
  const jn = neutralFace.emotion!;
  return {
    actor,
    emotion,
    heldOut: actor === HELD_OUT_ACTOR,
    ...frames,
    error: { edit: errEdit, noEdit: errNone, ratio: errEdit / errNone },
    judge: {
      edit: je,
      apex: ja,
      neutral: jn,
      l1: probabilityL1(je, ja),
      l1NoEdit: probabilityL1(jn, ja),
      topEdit: topClass(je),
      topApex: topClass(ja),
      topMatch: topClass(je) === topClass(ja),
    },
    identity: {
      edit: identitySimilarity(neutralFace.embedding!, editFace.embedding!),
      apex: identitySimilarity(neutralFace.embedding!, apexFace.embedding!),
    },
  };
}

export { tableLines, writeExpressionRealReport } from './expression-real-report.js';
