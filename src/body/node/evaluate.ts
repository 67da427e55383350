/**
 * Measuring whole-body animation on real clips (Node: reads files, runs the model). Self-reenactment:
 * frame 0 of a clip is the source, the clip drives it, and every result frame is compared with the real
 * one (L1, AKD, MKR — see ../pose-metrics.ts) beside the static baseline (frame 0 shown throughout).
 * Cross-identity: a photo driven by a clip, the correlation of the driver's and the result's joint motion.
 */
import type { RgbaImage } from '../../face/image.js';
import { decodeVideo } from '../../media/video.js';
import { frameL1, groupCorrelations, keypointScore } from '../pose-metrics.js';
import type { BodyDetector } from '../movenet.js';
import { completeCroppedLegs, requirePerson } from '../person.js';
import { prepareBodyScene, renderBody, type BodyRenderState, type BodyScene } from '../render.js';
import { createRetargeter, type Retargeter } from '../retarget.js';
import type { BodyPose } from '../skeleton.js';
import { createPoseSmoother } from '../pose-smoother.js';
import { loadBodySource } from './animate.js';
import { BODY_OPTIONS, smoothingCutoffHz } from '../options.js';
import { detectNear, trackBody } from '../track.js';
import { createBodyFaceRenderer, createHeadMotion, type BodyFace } from '../face.js';
import type { NodeFaceAnalyzer } from '../../analysis/node/analyze.js';

export interface SelfScores {
  l1: number;
  akd: number;
  mkr: number;
}

export interface SelfReport {
  clip: string;
  frames: number;
  result: SelfScores;
  static: SelfScores;
  /** Mean ms per frame for decoding, driver keypoints and render (the measuring itself left out). */
  msPerFrame: number;
}

export interface EvalOptions {
  maxFrames?: number;
  /** Called with a few result frames (index, driver, result) for figures. */
  onFrame?: (index: number, driver: RgbaImage, result: RgbaImage, driverPose: BodyPose) => void;
  smooth?: number;
  /**
   * Finds the photo's faces (cross-identity): the face engine then re-renders the face as `vivify body`
   * does by default (`--head turn`). Without it the face moves with the rig.
   */
  faces?: Pick<NodeFaceAnalyzer, 'analyze'>;
  /** How strongly hands and feet follow the driver's paths (createRetargeter's `reach`). */
  reach?: number;
}

/** Drives `scene` with the clip's frames; `each` sees every real frame, its pose and the result. */
async function drive(
  clip: string,
  detector: BodyDetector,
  sourcePose: BodyPose,
  scene: BodyScene,
  options: EvalOptions,
  each: (frame: RgbaImage, pose: BodyPose, result: RgbaImage) => void,
  face?: BodyFace,
): Promise<{ frames: number; ms: number }> {
  const head = face && createHeadMotion(face, 'turn');
  const faces = face && createBodyFaceRenderer(scene.source, face);
  let reference: BodyPose | undefined;
  const cutoff = smoothingCutoffHz(options.smooth ?? BODY_OPTIONS.smooth.default);
  const smoother = cutoff ? createPoseSmoother({ minCutoffHz: cutoff }) : undefined;
  const state: BodyRenderState = {};
  let retarget: Retargeter | undefined;
  let frames = 0;
  let ms = 0;
  const tracked = trackBody(decodeVideo(clip, { maxFrames: options.maxFrames }), detector);
  let t0 = performance.now();
  for await (const { frame, pose: raw, analysed } of tracked) {
    const pose = smoother ? smoother.next(raw, 0.1) : raw;
    retarget ??= createRetargeter(sourcePose, pose, 'relative', options.reach);
    reference ??= pose;
    const appearance = head && faces ? faces.render(head.next(pose, reference)) : undefined;
    const result = renderBody(scene, retarget.next(pose), state, appearance).image;
    ms += performance.now() - t0;
    options.onFrame?.(frame.index, frame, result, pose);
    // The measure's reference is always the model's own look at the real frame, never an interpolation.
    each(frame, analysed ? raw : detectNear(detector, frame, raw), result);
    frames++;
    t0 = performance.now();
  }
  return { frames, ms };
}

/**
 * Self-reenactment of one clip.
 *
 * @example
 * const r = await selfReenactBody('taichi.mp4', detector);
 * console.log(r.result.l1, r.static.l1);
 */
export async function selfReenactBody(
  clip: string,
  detector: BodyDetector,
  options: EvalOptions = {},
): Promise<SelfReport> {
  let first: RgbaImage | undefined;
  for await (const f of decodeVideo(clip, { maxFrames: 1 })) first = f;
  const source = first!;
  const found = detector.detectStill(source);
  requirePerson(found, `${clip} frame 0`);
  const sourcePose = completeCroppedLegs(found, source.width, source.height);
  const scene = prepareBodyScene(source, sourcePose);
  const ours = keypointScore();
  const still = keypointScore();
  let l1 = 0;
  let l1Static = 0;
  const staticPose = detector.detectStill(source);
  const judge = detector.createTracker();
  const { frames, ms } = await drive(clip, detector, sourcePose, scene, options, (frame, realPose, result) => {
    l1 += frameL1(result, frame);
    l1Static += frameL1(source, frame);
    // The real frame's keypoints come from the driving analysis; the result's from a fresh look at it.
    ours.add(realPose, judge.next(result));
    still.add(realPose, staticPose);
  });
  return {
    clip,
    frames,
    result: { l1: l1 / frames, akd: ours.akd(), mkr: ours.mkr() },
    static: { l1: l1Static / frames, akd: still.akd(), mkr: still.mkr() },
    msPerFrame: ms / frames,
  };
}

export interface CrossReport {
  photo: string;
  /** True when the face engine re-rendered the photo's face. */
  faceEngine: boolean;
  clip: string;
  frames: number;
  correlations: Record<string, number | undefined>;
}

/** A photo driven by a clip: how well the result's joints follow the driver's, per joint group. */
export async function crossReenactBody(
  photo: string,
  clip: string,
  detector: BodyDetector,
  options: EvalOptions & { size?: number } = {},
): Promise<CrossReport> {
  const { scene, pose, face } = await loadBodySource(photo, detector, {
    size: options.size ?? BODY_OPTIONS.size.default,
    faces: options.faces,
  });
  const driverPoses: BodyPose[] = [];
  const resultPoses: BodyPose[] = [];
  const judge = detector.createTracker();
  const { frames } = await drive(
    clip,
    detector,
    pose,
    scene,
    options,
    (_f, realPose, result) => {
      driverPoses.push(realPose);
      resultPoses.push(judge.next(result));
    },
    face,
  );
  return { photo, clip, frames, faceEngine: !!face, correlations: groupCorrelations(driverPoses, resultPoses) };
}
