/**
 * The render worker's body side: the per-frame core of `vivify body` (src/body/node/animate.ts), unchanged — the
 * portrait's scene (person mask, background fill, torso underlay, skinned rig), the driver's keypoints
 * smoothed (One-Euro), retargeted onto the portrait's skeleton from the first driving frame, the face
 * re-rendered by the face engine with the driver's head turn, and the body rendered over the filled
 * background.
 */
import {
  type BodyPose,
  type BodyRenderState,
  createBodyFaceRenderer,
  createHeadMotion,
  createPoseSmoother,
  createRetargeter,
  prepareBodyScene,
  renderBody,
  type RgbaImage,
  smoothingCutoffHz,
  stateFromLandmarks,
} from '../../src/engine.js';
import type { BodyFrame, RenderRequest } from './protocol.js';

export interface BodyDrive {
  /** Renders the next driving frame's pose (frames come in order). */
  next(frame: BodyFrame): RgbaImage;
}

/**
 * A body drive for the portrait and person in `msg`: the scene is prepared here, once (the mask, the fill
 * and the rig take a moment on a large photo).
 */
export function createBodyDrive(msg: Extract<RenderRequest, { type: 'body-begin' }>): BodyDrive {
  const { image, pose: sourcePose, options: o, fps } = msg;
  const scene = prepareBodyScene(image, sourcePose);
  const face =
    msg.faceLandmarks && o.head !== 'off'
      ? { landmarks: msg.faceLandmarks, state: stateFromLandmarks(msg.faceLandmarks) }
      : undefined;
  const faces = face && createBodyFaceRenderer(scene.source, face);
  const head = face && createHeadMotion(face, o.head);
  const cutoff = smoothingCutoffHz(o.smooth);
  const smoother = cutoff ? createPoseSmoother({ minCutoffHz: cutoff }) : undefined;
  const state: BodyRenderState = {};
  let reference: BodyPose | undefined;
  let retarget: ReturnType<typeof createRetargeter> | undefined;
  return {
    next(frame) {
      const pose = smoother ? smoother.next(frame.pose, 1 / fps) : frame.pose;
      reference ??= pose;
      retarget ??= createRetargeter(sourcePose, pose, o.mode, o.reach);
      const motion = head?.next(pose, reference, frame.face);
      const appearance = faces && motion ? faces.render(motion) : undefined;
      return renderBody(scene, retarget.next(pose), state, appearance).image;
    },
  };
}
