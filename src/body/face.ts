/**
 * The face inside a moving body, re-rendered by Vivify's face engine (src/render/renderer.ts): the body rig
 * already carries the head (its place, size and tilt on screen); the face engine adds what a flat piece of
 * the photo cannot show — the head turning left or right and nodding (read from the driver's nose against
 * its ears or eyes) and, when the driver's face is analysed too, its expression. The face is rendered in the
 * photo's own frame, and the body renderer takes its pixels from that image instead of the photo
 * (`renderBody`'s `appearance`), so the rig then moves the turned face with the head. Pure.
 */
import type { RgbaImage } from '../face/image.js';
import { eulerToRotation, rotationToEuler } from '../face/pose.js';
import type { FaceResult } from '../face/types.js';
import { DEFAULT_RETARGET, faceState, retarget, type FaceState } from '../motion/motion.js';
import { createRenderer, type Renderer } from '../render/renderer.js';
import { J, seen, type BodyPose } from './skeleton.js';

/** How the face inside the body moves: not at all, with the driver's head turn, or also its expression. */
export type BodyHeadMode = 'off' | 'turn' | 'expression';

/** Largest head turn (yaw) and nod (pitch) given to the face, degrees: the face engine's safe range. */
export const MAX_YAW_DEG = 35;
const MAX_PITCH_DEG = 20;

/** Where the nose tip lies in front of the pair of joints, as a share of their distance (ears, eyes). */
const DEPTH_EARS = 0.67;
const DEPTH_EYES = 0.4;

/**
 * Head angles read from the body keypoints: the nose's offset from the midpoint of the ears (or, when an
 * ear is missing, the eyes) along and across the line joining them, over their distance, turned into
 * angles by the nose's depth in front of them. Degrees in the face engine's convention (positive yaw: the
 * nose towards the image's right; positive pitch: the chin down). Absolute values are rough; differences
 * between frames of one person are what is used. Undefined when the nose or both of a pair are missing.
 */
export function headAngles(p: BodyPose): { yawDeg: number; pitchDeg: number; pair: 'ears' | 'eyes' } | undefined {
  if (!seen(p, J.nose)) return undefined;
  const ears = seen(p, J.leftEar) && seen(p, J.rightEar);
  if (!ears && !(seen(p, J.leftEye) && seen(p, J.rightEye))) return undefined;
  const [l, r] = ears ? [J.leftEar, J.rightEar] : [J.leftEye, J.rightEye];
  const ux = p.x[l]! - p.x[r]!;
  const uy = p.y[l]! - p.y[r]!;
  const w = Math.hypot(ux, uy);
  if (!(w > 1)) return undefined;
  const mx = (p.x[l]! + p.x[r]!) / 2;
  const my = (p.y[l]! + p.y[r]!) / 2;
  const dx = p.x[J.nose]! - mx;
  const dy = p.y[J.nose]! - my;
  // Along the line from the right joint to the left one (the image's right for a person facing us), and
  // across it (downwards for an upright head).
  const along = (dx * ux + dy * uy) / (w * w);
  const across = (-dx * uy + dy * ux) / (w * w);
  const depth = ears ? DEPTH_EARS : DEPTH_EYES;
  const DEG = 180 / Math.PI;
  return {
    yawDeg: Math.atan(along / depth) * DEG,
    pitchDeg: Math.atan(across / depth) * DEG,
    pair: ears ? 'ears' : 'eyes',
  };
}

/**
 * The driver's head turn since its reference frame, clamped to the face engine's range; undefined when
 * either frame does not show the head, or they read it from different joints.
 */
export function headTurn(driver: BodyPose, reference: BodyPose): { yawDeg: number; pitchDeg: number } | undefined {
  const now = headAngles(driver);
  const ref = headAngles(reference);
  if (!now || !ref || now.pair !== ref.pair) return undefined;
  const clamp = (v: number, m: number): number => Math.max(-m, Math.min(m, v));
  return {
    yawDeg: clamp(now.yawDeg - ref.yawDeg, MAX_YAW_DEG),
    pitchDeg: clamp(now.pitchDeg - ref.pitchDeg, MAX_PITCH_DEG),
  };
}

/**
 * True when a hand (a seen wrist) lies on or just beside the face: within its landmarks' box grown by half
 * its size on every side. The face engine warps the face's region, and would drag such a hand (and the hair
 * it holds) across the face as the head turns.
 */
export function handOnFace(pose: BodyPose, landmarks: Float32Array): boolean {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < landmarks.length; i += 3) {
    x0 = Math.min(x0, landmarks[i]!);
    x1 = Math.max(x1, landmarks[i]!);
    y0 = Math.min(y0, landmarks[i + 1]!);
    y1 = Math.max(y1, landmarks[i + 1]!);
  }
  const gx = (x1 - x0) / 2;
  const gy = (y1 - y0) / 2;
  return [J.leftWrist, J.rightWrist].some(
    (j) =>
      seen(pose, j) && pose.x[j]! >= x0 - gx && pose.x[j]! <= x1 + gx && pose.y[j]! >= y0 - gy && pose.y[j]! <= y1 + gy,
  );
}

/** The source face as the face engine needs it: landmarks (478 × xyz, photo pixels) and decomposed state. */
export interface BodyFace {
  landmarks: Float32Array;
  state: FaceState;
}

/** One frame's face motion: the turn since the reference and, optionally, the expression (canonical shape). */
export interface BodyFaceMotion {
  yawDeg: number;
  pitchDeg: number;
  /** 478 × xyz in the canonical frame (the source's own shape when absent). */
  canon?: Float32Array;
}

/** The target the face engine renders: the source's head turned by `motion`, its tilt and place kept. */
export function faceTarget(face: BodyFace, motion: BodyFaceMotion): FaceState {
  const e = rotationToEuler(face.state.pose.rotation);
  return {
    pose: {
      rotation: eulerToRotation(e.yawDeg + motion.yawDeg, e.pitchDeg + motion.pitchDeg, e.rollDeg),
      translation: face.state.pose.translation,
      scale: face.state.pose.scale,
    },
    canon: motion.canon ?? face.state.canon,
  };
}

export interface BodyFaceRenderer {
  /** The photo with its face turned (and its expression changed) by `motion`, in the photo's frame. */
  render(motion: BodyFaceMotion): RgbaImage;
}

/** Side of the region the face engine renders, in face sizes (the face and the hair and neck it moves). */
const FACE_REGION = 3;

/** The face's region of the photo: a square FACE_REGION face sizes wide round its landmarks, in the photo. */
export function faceRegion(
  landmarks: Float32Array,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < landmarks.length; i += 3) {
    x0 = Math.min(x0, landmarks[i]!);
    x1 = Math.max(x1, landmarks[i]!);
    y0 = Math.min(y0, landmarks[i + 1]!);
    y1 = Math.max(y1, landmarks[i + 1]!);
  }
  const side = FACE_REGION * Math.max(x1 - x0, y1 - y0);
  const left = Math.max(0, Math.floor((x0 + x1 - side) / 2));
  const top = Math.max(0, Math.floor((y0 + y1 - side) / 2));
  const right = Math.min(width, Math.ceil((x0 + x1 + side) / 2));
  const bottom = Math.min(height, Math.ceil((y0 + y1 + side) / 2));
  return { x: left, y: top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * A face renderer for the person's face in the photo. The face engine renders only the face's region
 * (three face sizes across: a full-length photo's face is a small part of it, and the engine's cost
 * grows with the pixels it renders), whose border it leaves in place, and the result is pasted back into
 * a copy of the photo kept from frame to frame.
 *
 * @example
 * const faces = createBodyFaceRenderer(photo, face);
 * const frame = renderBody(scene, target, state, faces.render({ yawDeg: 20, pitchDeg: 0 }));
 */
export function createBodyFaceRenderer(photo: RgbaImage, face: BodyFace): BodyFaceRenderer {
  const r = faceRegion(face.landmarks, photo.width, photo.height);
  const crop: RgbaImage = { width: r.width, height: r.height, data: new Uint8ClampedArray(r.width * r.height * 4) };
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * photo.width + r.x) * 4;
    crop.data.set(photo.data.subarray(from, from + r.width * 4), y * r.width * 4);
  }
  const landmarks = face.landmarks.map((v, i) => (i % 3 === 0 ? v - r.x : i % 3 === 1 ? v - r.y : v));
  const [tx, ty, tz] = face.state.pose.translation;
  const local: BodyFace = {
    landmarks,
    state: { ...face.state, pose: { ...face.state.pose, translation: [tx - r.x, ty - r.y, tz] } },
  };
  let renderer: Renderer | undefined;
  const out: RgbaImage = { width: photo.width, height: photo.height, data: new Uint8ClampedArray(photo.data) };
  return {
    render(motion) {
      if (motion.yawDeg === 0 && motion.pitchDeg === 0 && !motion.canon) return photo;
      renderer ??= createRenderer(crop, local.state, local.landmarks);
      const img = renderer.render({ target: faceTarget(local, motion) }).image;
      for (let y = 0; y < r.height; y++)
        out.data.set(img.data.subarray(y * r.width * 4, (y + 1) * r.width * 4), ((r.y + y) * photo.width + r.x) * 4);
      return out;
    },
  };
}

/** Width a driver's face needs (pixels in the driving frame) for its expression to be carried over. */
const MIN_DRIVER_FACE_PX = 48;

export interface HeadMotion {
  /**
   * The face motion for a driving frame: its pose (and the reference pose motion is measured from) and,
   * in 'expression' mode, its largest face. A head the frame does not show holds its last turn; a face too
   * small or missing holds its last expression.
   */
  next(pose: BodyPose, reference: BodyPose, face?: Pick<FaceResult, 'landmarks' | 'pose' | 'box'>): BodyFaceMotion;
  /** Frames whose face carried its expression so far. */
  readonly expressionFrames: number;
}

/**
 * Per-frame face motion for the face inside the body: the head turn from the body keypoints and, in
 * 'expression' mode, the driver's expression (relative to its first face seen large enough), on the
 * source's own face shape.
 */
export function createHeadMotion(face: BodyFace, mode: BodyHeadMode): HeadMotion {
  let turn = { yawDeg: 0, pitchDeg: 0 };
  let faceReference: FaceState | undefined;
  let canon: Float32Array | undefined;
  let expressionFrames = 0;
  const options = { ...DEFAULT_RETARGET, regions: ['expression' as const] };
  return {
    next(pose, reference, driverFace) {
      if (mode === 'off') return { yawDeg: 0, pitchDeg: 0 };
      turn = headTurn(pose, reference) ?? turn;
      if (mode === 'expression' && driverFace && driverFace.box.width >= MIN_DRIVER_FACE_PX) {
        const state = faceState(driverFace);
        faceReference ??= state;
        canon = retarget(face.state, faceReference, state, options).canon;
        expressionFrames++;
      }
      return { ...turn, canon };
    },
    get expressionFrames() {
      return expressionFrames;
    },
  };
}
