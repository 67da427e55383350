/** Axis-aligned box in image pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Head pose: a similarity transform from the canonical face frame (see `CANONICAL_FACE`) to the image,
 * `p_image = scale · R · p_canonical + translation`, with x right and y down in image pixels and z the
 * depth in pixels (larger is farther from the camera). Angles are the subject's: positive yaw turns the
 * face towards the image's right, positive pitch tilts the chin down, positive roll tilts the head
 * clockwise on screen.
 */
export interface HeadPose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** Row-major 3×3 rotation matrix R. */
  rotation: number[];
  /** Translation in image pixels (z: depth offset). */
  translation: [number, number, number];
  /** Pixels per canonical unit (the canonical face is about 1 unit between the outer eye corners... see docs). */
  scale: number;
  /** Root-mean-square distance of the rigid landmarks from the fitted canonical face, in canonical units. */
  fitErrorRms: number;
}

/** Eye openness as an aspect ratio: mean lid gap over eye width, measured in the canonical frame. */
export interface EyeApertures {
  left: number;
  right: number;
}

export interface MouthAperture {
  /** Inner-lip gap over mouth width (0 closed, ~0.5 wide open). */
  open: number;
  /** Mouth corner distance in canonical units (grows with smiles). */
  width: number;
}

/**
 * Gaze: each iris centre's offset from its eye's centre, over the eye's width, in the canonical frame
 * (x towards the subject's left, y down). 0, 0 is straight ahead relative to the head; ±0.2 is a strong sideways look.
 * `yawDeg`/`pitchDeg` convert the mean offset into eyeball rotation (eyeball radius ≈ 0.42 × eye width).
 */
export interface Gaze {
  left: [number, number];
  right: [number, number];
  yawDeg: number;
  pitchDeg: number;
}

export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];

export interface FaceResult {
  /** Landmark bounding box, clamped to the image. */
  box: Box;
  /** Face-mesh confidence in [0, 1]. */
  score: number;
  /** 478 landmarks × (x, y, z): x, y in image pixels, z depth in pixels relative to the face (larger is farther). */
  landmarks: Float32Array;
  pose: HeadPose;
  eyes: EyeApertures;
  mouth: MouthAperture;
  gaze: Gaze;
  /** Probability of each of the 7 emotion classes (sums to 1); absent when emotion is switched off. */
  emotion?: Record<Emotion, number>;
  /** 1024-D identity embedding, unit length; present when requested. */
  embedding?: Float32Array;
  /**
   * Action-unit intensities (FACS 0–5) measured from the average neutral face (see docs/expression.md);
   * present when requested.
   */
  actionUnits?: { intensity: Record<number, number>; left: Record<number, number>; right: Record<number, number> };
}
