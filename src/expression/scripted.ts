/**
 * The per-frame core of scripted animation, free of I/O: a timeline frame (AUs, gaze, blink, head pose)
 * applied to the portrait's own face state. `vivify script`, the web studio and generated motion render
 * what it returns.
 */
import { estimateAUs, type AuEstimate } from '../analysis/au-estimate.js';
import { emotionFading, mouthRelaxing, MOUTH_AUS, type EmotionName } from '../emotion/emotion.js';
import { ACTION_UNITS, applyAUs, AU_MAX, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { closeLids } from '../face/lids.js';
import { relaxMouth } from '../face/lips.js';
import { neutralise } from './edit.js';
import { eulerToRotation, multiply3 } from '../face/pose.js';
import { LEFT_IRIS, LM, RIGHT_IRIS } from '../face/topology.js';
import type { FaceState } from '../motion/motion.js';
import type { TimelineFrame } from './timeline.js';

/** Per portrait shape: its estimated AUs and its expression-free shape, measured once. */
const portraits = new WeakMap<Float32Array, { before: AuEstimate; neutral?: Float32Array }>();

function portraitOf(canon: Float32Array): { before: AuEstimate; neutral?: Float32Array } {
  let p = portraits.get(canon);
  if (!p) portraits.set(canon, (p = { before: estimateAUs(canon) }));
  return p;
}

/**
 * What a frame's emotions take away from the portrait besides the AUs they add, as an edit does
 * (src/expression/edit.ts): the AUs they contradict fade by their weights (a smile does not survive
 * sadness), and on a portrait showing its teeth the mouth relaxes as a whole instead of its actions fading
 * (`relax`, 0–1). `delta` is every fading (for the expression appearance), `shape` what the shape takes on
 * top of the relaxed mouth. Undefined for a frame without emotions.
 */
function emotionFades(source: FaceState, f: TimelineFrame): Fades | undefined {
  if (!f.emotions) return undefined;
  // A frame is drawn by scriptedState and scriptedAUs both: its fading is worked out once.
  const known = fadesOf.get(f);
  if (known && known.source === source) return known.fades;
  const fades = fadesFor(source, f);
  fadesOf.set(f, { source, fades });
  return fades;
}

type Fades = { delta: AuIntensities; shape: AuIntensities; relax: number };
const fadesOf = new WeakMap<TimelineFrame, { source: FaceState; fades: Fades | undefined }>();

function fadesFor(source: FaceState, f: TimelineFrame): Fades | undefined {
  const emotions = Object.entries(f.emotions ?? {}).filter(([, w]) => w > 0) as [EmotionName, number][];
  if (emotions.length === 0) return undefined;
  const { before } = portraitOf(source.canon);
  const apart = before.lipsApart ?? false;
  const delta: AuIntensities = { left: {}, right: {} };
  const shape: AuIntensities = { left: {}, right: {} };
  let relax = 0;
  for (const [name, w] of emotions) {
    if (apart) relax += mouthRelaxing(before, name, w);
    const fade = emotionFading(before, name, w, apart);
    for (const side of ['left', 'right'] as const)
      for (const [k, v] of Object.entries(fade[side])) {
        const au = Number(k) as ActionUnit;
        delta[side][au] = (delta[side][au] ?? 0) + v;
        if (!(apart && MOUTH_AUS.includes(au))) shape[side][au] = (shape[side][au] ?? 0) + v;
      }
  }
  return { delta, shape, relax: Math.min(1, relax) };
}

/** Two AU changes added. */
function addAus(a: AuIntensities, b: AuIntensities): AuIntensities {
  const out: AuIntensities = { left: { ...a.left }, right: { ...a.right } };
  for (const side of ['left', 'right'] as const)
    for (const au of ACTION_UNITS) if (b[side][au]) out[side][au] = (out[side][au] ?? 0) + b[side][au]!;
  return out;
}

/**
 * The face state for one timeline frame: the portrait's own, with AUs, gaze, blink and pose applied — and
 * the AUs its emotions contradict faded, as `vivify edit` fades them ({@link emotionFades}).
 */
export function scriptedState(source: FaceState, f: TimelineFrame): FaceState {
  const fades = emotionFades(source, f);
  let canon = source.canon;
  if (fades && fades.relax > 0) {
    const p = portraitOf(source.canon);
    canon = relaxMouth(canon, (p.neutral ??= neutralise(source.canon)), fades.relax);
  }
  canon = applyAUs(canon, fades ? addAus(f.aus, fades.shape) : f.aus);
  if (f.gaze.x || f.gaze.y) {
    for (const [iris, outer, inner] of [
      [LEFT_IRIS, LM.leftEyeOuter, LM.leftEyeInner],
      [RIGHT_IRIS, LM.rightEyeOuter, LM.rightEyeInner],
    ] as const) {
      const w = Math.hypot(canon[3 * outer]! - canon[3 * inner]!, canon[3 * outer + 1]! - canon[3 * inner + 1]!);
      for (const i of iris) {
        canon[3 * i]! += f.gaze.x * w;
        canon[3 * i + 1]! += f.gaze.y * w;
      }
    }
  }
  if (f.blink > 0) canon = closeLids(canon, f.blink, f.blink);
  const rotation = multiply3(eulerToRotation(f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg), source.pose.rotation);
  return { pose: { ...source.pose, rotation }, canon };
}

/**
 * The AU intensities one timeline frame shows relative to the portrait (its AUs, what its emotions fade of
 * the portrait's — given `source` — and its blink), for the renderer's expression appearance.
 */
export function scriptedAUs(f: TimelineFrame, source?: FaceState): AuIntensities {
  const fades = source && emotionFades(source, f);
  const aus = fades ? addAus(f.aus, fades.delta) : f.aus;
  if (!(f.blink > 0)) return aus;
  const blink = f.blink * AU_MAX;
  return {
    left: { ...aus.left, 45: (aus.left[45] ?? 0) + blink },
    right: { ...aus.right, 45: (aus.right[45] ?? 0) + blink },
  };
}
