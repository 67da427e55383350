/**
 * Expression editing of one face in a still image: set action units or an emotion (relative to the face's
 * current expression, or absolute), or copy the expression of another face. Pure: RGBA and face analyses
 * in, RGBA out; the renderer does the pixels.
 */
import { quote } from '../errors.js';
import type { FaceResult } from '../face/types.js';
import type { RgbaImage } from '../face/image.js';
import { ACTION_UNITS, AU_MAX, applyAUs, type ActionUnit, type AuIntensities } from '../face/action-units.js';
import { eulerToRotation, multiply3, type Similarity } from '../face/pose.js';
import { estimateAUs, type AuEstimate } from '../analysis/au-estimate.js';
import { expressionBasis } from '../face/expression-basis.js';
import { emotionChange, mouthRelaxing, MOUTH_AUS, type EmotionName } from '../emotion/emotion.js';
import { relaxMouth } from '../face/lips.js';
import { DEFAULT_RETARGET, faceState, retarget, type FaceState } from '../motion/motion.js';
import { createRenderer, RENDER_DEFAULTS, type Renderer, type RendererOptions } from '../render/renderer.js';
import { repeatedEmotion } from './options.js';

export interface EditSpec {
  /** AU values per side (0–5): added to the face's own (relative) or set (absolute). */
  aus?: AuIntensities;
  /** Emotions with intensities 0–1, applied in order; each named once (a repeat would add up past 1). */
  emotions?: { name: EmotionName; intensity: number }[];
  /** Copy this face's expression (its shape in the learned expression basis), replacing the source's. */
  like?: FaceState;
  /** Set target values instead of adding to the face's current expression. Default false. */
  absolute?: boolean;
  /**
   * Strength of the learned expression appearance (folds, wrinkles, bulges, shadows of the AUs the edit
   * changes), 0 (shape only) … 1. Default 1.
   */
  appearance?: number;
  /**
   * Turn the head by these angles in degrees (the subject's, as in `HeadPose`: positive yaw towards the
   * image's right, positive pitch chin down, positive roll clockwise), relative to its pose in the image.
   */
  pose?: { yawDeg?: number; pitchDeg?: number; rollDeg?: number };
}

export interface EditResult {
  image: RgbaImage;
  /**
   * GANimation's attention mask A of I_out = A·C + (1 − A)·I_in: 0 where the output is the input pixel,
   * 1 where it was moved by a pixel or more, or re-rendered (mouth and eye interiors); in between, the
   * fraction of a pixel it moved.
   */
  mask: Float32Array;
  /** The face's AU intensities before the edit (estimated) and the targets the edit renders. */
  before: AuEstimate;
  target: AuIntensities;
}

export interface FaceEditor {
  /**
   * Renders an edit; `amount` (0–1) scales it for interpolated steps. An edit is a still: the same spec
   * always gives the same image. With `sequence`, it is the next frame of an animation (its mouth changes
   * smoothly from the previous frame's, see RenderFrameInput.still).
   */
  edit(spec: EditSpec, amount?: number, sequence?: boolean): EditResult;
  readonly state: FaceState;
  readonly before: AuEstimate;
}

/** Prepares edits of `face` (an analysis of `image`). */
export function createFaceEditor(
  image: RgbaImage,
  face: FaceResult,
  neutral?: Float32Array,
  options: RendererOptions = {},
): FaceEditor {
  const state = faceState(face);
  const renderer: Renderer = createRenderer(image, state, face.landmarks, options);
  const before = estimateAUs(state.canon, neutral);
  return {
    state,
    before,
    edit(spec, amount = 1, sequence = false) {
      // 1. The change in AU intensities, and the values it reaches.
      const { target, delta, shape, relax } = editTargets(before, spec);
      // 2. Shape: the source's (its mouth relaxed as far as the emotions relax it, on a face whose lips are
      // apart), moved by that change; both scaled by `amount` for interpolated steps.
      for (const d of [delta, shape])
        for (const side of ['left', 'right'] as const)
          for (const au of ACTION_UNITS) if (d[side][au]) d[side][au]! *= amount;
      let canon = relax > 0 ? relaxMouth(state.canon, neutralise(state.canon), amount * relax) : state.canon;
      canon = applyAUs(canon, shape);
      if (spec.like) {
        const copied = retarget({ ...state, canon }, spec.like, spec.like, {
          ...DEFAULT_RETARGET,
          mode: 'absolute',
          regions: ['expression'],
          expressionScale: amount,
        });
        canon = copied.canon;
      }
      const pose = spec.pose ? turnedPose(state.pose, spec.pose, amount) : state.pose;
      // 3. The appearance of the AU change (for `like`, the change from the source's AUs to the other face's).
      let aus = delta;
      if (spec.like) {
        const theirs = estimateAUs(spec.like.canon);
        aus = { left: {}, right: {} };
        for (const side of ['left', 'right'] as const)
          for (const au of ACTION_UNITS) aus[side][au] = amount * (theirs[side][au] - before[side][au]);
      }
      const out = renderer.render({
        target: { pose, canon },
        motion: true,
        aus,
        appearance: spec.appearance ?? RENDER_DEFAULTS.appearance,
        still: !sequence,
      });
      // Moved by a pixel or more, or its shading changed by 5% or more: 1.
      const shading = out.shading;
      const mask = out.motion!.map((m, i) => Math.max(Math.min(1, m), shading ? Math.min(1, shading[i]! * 20) : 0));
      return { image: out.image, mask, before, target };
    },
  };
}

const clampAu = (v: number): number => Math.max(0, Math.min(AU_MAX, v));

/**
 * The AU intensities an edit asks for, computed without rendering: `delta`, the change it makes to each
 * side, and `target`, the values the face then shows (its estimated own values `before` plus the change,
 * each kept within 0–5). Relative edits add to the face; absolute ones set values.
 *
 * On a face whose lips are apart, the emotions' fading of the mouth's actions is drawn as the mouth relaxed
 * (see {@link mouthRelaxing}): `relax` is the most any emotion relaxes it (0 elsewhere), and `shape` is
 * `delta` without that fading — the AU change the shape takes on top of the relaxed mouth. AUs the spec sets
 * itself (`--au 12=0 --absolute`) stay in `shape`.
 */
export function editTargets(
  before: AuEstimate,
  spec: EditSpec,
): { target: AuIntensities; delta: AuIntensities; shape: AuIntensities; relax: number } {
  const twice = repeatedEmotion(spec.emotions ?? []);
  if (twice !== undefined)
    throw new RangeError(`Expected each emotion at most once for emotions but received ${quote(twice)} twice`);
  const target: AuIntensities = { left: { ...before.left }, right: { ...before.right } };
  const delta: AuIntensities = { left: {}, right: {} };
  const shape: AuIntensities = { left: {}, right: {} };
  const add = (side: 'left' | 'right', au: ActionUnit, d: number, drawn = true): void => {
    delta[side][au] = (delta[side][au] ?? 0) + d;
    if (drawn) shape[side][au] = (shape[side][au] ?? 0) + d;
    target[side][au] = clampAu((target[side][au] ?? 0) + d);
  };
  for (const side of ['left', 'right'] as const) {
    for (const [k, v] of Object.entries(spec.aus?.[side] ?? {})) {
      const au = Number(k) as ActionUnit;
      add(side, au, spec.absolute ? v - (target[side][au] ?? 0) : v);
    }
  }
  let relax = 0;
  const apart = before.lipsApart ?? false;
  for (const e of spec.emotions ?? []) {
    // The emotion's change of the face as it stands so far: its AUs added (or set, for absolute edits and
    // neutral), the AUs it contradicts faded out (a smile does not survive sadness; on a face showing its
    // teeth the mouth's actions fade only as far as the mouth is relaxed).
    if (apart) relax = Math.max(relax, mouthRelaxing(target, e.name, e.intensity, spec.absolute));
    const change = emotionChange(target, e.name, e.intensity, spec.absolute, apart);
    for (const side of ['left', 'right'] as const)
      for (const [k, v] of Object.entries(change[side])) {
        const au = Number(k) as ActionUnit;
        add(side, au, v, !(apart && v < 0 && MOUTH_AUS.includes(au)));
      }
  }
  return { target, delta, shape, relax };
}

/** `pose` with the head turned by `turn` (degrees, see {@link EditSpec.pose}) scaled by `amount`. */
export function turnedPose(pose: Similarity, turn: NonNullable<EditSpec['pose']>, amount = 1): Similarity {
  const R = eulerToRotation((turn.yawDeg ?? 0) * amount, (turn.pitchDeg ?? 0) * amount, (turn.rollDeg ?? 0) * amount);
  return { ...pose, rotation: multiply3(R, pose.rotation) };
}

/** The shape with `amount` of its expression-basis component removed (the 468 mesh points; irises kept). */
export function neutralise(canon: Float32Array, amount = 1): Float32Array {
  const basis = expressionBasis();
  const expr = basis.reconstruct(basis.project(canon));
  const out = Float32Array.from(canon);
  for (let i = 0; i < expr.length; i++) out[i]! -= amount * expr[i]!;
  return out;
}
