/**
 * Motion curves: what a face does over time, frame by frame, as small numbers — action-unit intensities
 * (each side) relative to a neutral reference of the same person, head rotation relative to the clip's
 * typical pose, gaze, eye closure and mouth opening. Measured from tracked landmarks (real clips), and the
 * form generated motion takes before it is rendered. Pure: typed arrays in, numbers out.
 */
import { ACTION_UNITS } from '../face/action-units.js';
import { estimatePose, eyeApertures, gaze, mouthAperture, toCanonicalFrame } from '../face/measures.js';
import { estimateAUs } from './au-estimate.js';

export interface MotionCurves {
  fps: number;
  /** Per frame: 34 AU intensities 0–5, left/right interleaved in ACTION_UNITS order. */
  au: number[][];
  /** Per frame: head yaw, pitch, roll in degrees, relative to the clip's median pose. */
  pose: [number, number, number][];
  /** Per frame: iris offset (both eyes' mean) in eye widths, x to the subject's left, y down, relative to the clip's median. */
  gaze: [number, number][];
  /** Per frame: eye closure 0 (as open as this person's eyes usually are) … 1 (closed), right and left, as the landmarks report it. */
  closure: [number, number][];
  /** Per frame: inner-lip gap over mouth width. */
  mouth: number[];
  /** Per frame: whether a face was found (frames without one are interpolated from their neighbours). */
  found: boolean[];
}

/** One frame's landmarks in image pixels, or undefined when no face was found. */
export type LandmarkTrack = readonly (Float32Array | undefined)[];

/**
 * The median of several canonical shapes, coordinate by coordinate: a person's typical face over a clip,
 * the reference of AU curves when no neutral face of the person is known (the curves then show how the
 * face moves away from its usual state, not absolute levels; see docs/generate.md).
 */
export function medianShape(shapes: readonly Float32Array[]): Float32Array {
  if (shapes.length === 0) throw new RangeError('Expected at least one shape for medianShape but received 0');
  const out = new Float32Array(shapes[0]!.length);
  const column = new Float32Array(shapes.length);
  for (let i = 0; i < out.length; i++) {
    for (let f = 0; f < shapes.length; f++) column[f] = shapes[f]![i]!;
    column.sort();
    out[i] = column[Math.floor(column.length / 2)]!;
  }
  return out;
}

/** The mean of several canonical shapes. */
export function meanShape(shapes: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(shapes[0]!.length);
  for (const s of shapes) for (let i = 0; i < s.length; i++) out[i]! += s[i]! / shapes.length;
  return out;
}

/** Canonical shapes and head angles of a landmark track (undefined where no face was found). */
export function decomposeTrack(
  track: LandmarkTrack,
): ({ canon: Float32Array; yawDeg: number; pitchDeg: number; rollDeg: number } | undefined)[] {
  return track.map((lm) => {
    if (!lm) return undefined;
    const pose = estimatePose(lm);
    return { canon: toCanonicalFrame(lm, pose), yawDeg: pose.yawDeg, pitchDeg: pose.pitchDeg, rollDeg: pose.rollDeg };
  });
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/**
 * Motion curves of a tracked clip. `neutral` is the person's neutral canonical shape (e.g. the mean of
 * their neutral clip); without it the clip's median shape ({@link medianShape}).
 * Eye closure is relative to the clip's typical open eye (the 90th percentile of each eye's aperture).
 */
export function measureCurves(track: LandmarkTrack, fps: number, neutral?: Float32Array): MotionCurves {
  const parts = decomposeTrack(track);
  const present = parts.filter((p): p is NonNullable<typeof p> => p !== undefined);
  if (present.length === 0) throw new RangeError('Expected a track with at least one face for measureCurves');
  neutral ??= medianShape(present.map((p) => p.canon));
  const med = {
    yaw: median(present.map((p) => p.yawDeg)),
    pitch: median(present.map((p) => p.pitchDeg)),
    roll: median(present.map((p) => p.rollDeg)),
  };
  const raw = parts.map((p) => {
    if (!p) return undefined;
    const e = estimateAUs(p.canon, neutral);
    const g = gaze(p.canon);
    const eyes = eyeApertures(p.canon);
    return {
      au: ACTION_UNITS.flatMap((au) => [e.left[au], e.right[au]]),
      pose: [p.yawDeg - med.yaw, p.pitchDeg - med.pitch, p.rollDeg - med.roll] as [number, number, number],
      gaze: [(g.left[0] + g.right[0]) / 2, (g.left[1] + g.right[1]) / 2] as [number, number],
      ear: [eyes.right, eyes.left] as [number, number],
      mouth: mouthAperture(p.canon).open,
    };
  });
  const ok = raw.filter((r): r is NonNullable<typeof r> => r !== undefined);
  const gazeMed = [median(ok.map((r) => r.gaze[0])), median(ok.map((r) => r.gaze[1]))];
  const q90 = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.9)]!;
  const open = [q90(ok.map((r) => r.ear[0])), q90(ok.map((r) => r.ear[1]))];
  // Frames without a face: the nearest measured frames, linearly interpolated.
  const filled = interpolateGaps(raw);
  return {
    fps,
    au: filled.map((r) => r.au),
    pose: filled.map((r) => r.pose),
    gaze: filled.map((r) => [r.gaze[0] - gazeMed[0]!, r.gaze[1] - gazeMed[1]!]),
    closure: filled.map((r) => [
      Math.max(0, Math.min(1, 1 - r.ear[0] / open[0]!)),
      Math.max(0, Math.min(1, 1 - r.ear[1] / open[1]!)),
    ]),
    mouth: filled.map((r) => r.mouth),
    found: raw.map((r) => r !== undefined),
  };
}

interface RawFrame {
  au: number[];
  pose: [number, number, number];
  gaze: [number, number];
  ear: [number, number];
  mouth: number;
}

function interpolateGaps(raw: (RawFrame | undefined)[]): RawFrame[] {
  const known = raw.flatMap((r, i) => (r ? [i] : []));
  return raw.map((r, i) => {
    if (r) return r;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return raw[after!]!;
    if (after === undefined) return raw[before]!;
    const x = (i - before) / (after - before);
    const a = raw[before]!;
    const b = raw[after]!;
    const mix = <T extends number[]>(u: T, v: T): T => u.map((val, k) => val * (1 - x) + v[k]! * x) as T;
    return {
      au: mix(a.au, b.au),
      pose: mix(a.pose, b.pose),
      gaze: mix(a.gaze, b.gaze),
      ear: mix(a.ear, b.ear),
      mouth: a.mouth * (1 - x) + b.mouth * x,
    };
  });
}
