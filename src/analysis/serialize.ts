import type { FaceResult } from '../face/types.js';

const r = (v: number, digits: number): number => Number(v.toFixed(digits));

/**
 * A face result as plain JSON: landmarks as `[x, y, z]` triples rounded to 0.01 px, angles to 0.01°,
 * the embedding (if any) as an array.
 */
export function faceToJSON(face: FaceResult): Record<string, unknown> {
  const lm: number[][] = [];
  for (let i = 0; i < face.landmarks.length; i += 3) {
    lm.push([r(face.landmarks[i]!, 2), r(face.landmarks[i + 1]!, 2), r(face.landmarks[i + 2]!, 2)]);
  }
  const { pose } = face;
  return {
    box: { x: r(face.box.x, 1), y: r(face.box.y, 1), width: r(face.box.width, 1), height: r(face.box.height, 1) },
    score: r(face.score, 4),
    pose: {
      yawDeg: r(pose.yawDeg, 2),
      pitchDeg: r(pose.pitchDeg, 2),
      rollDeg: r(pose.rollDeg, 2),
      rotation: pose.rotation.map((v) => r(v, 6)),
      translation: pose.translation.map((v) => r(v, 3)),
      scale: r(pose.scale, 4),
      fitErrorRms: r(pose.fitErrorRms, 4),
    },
    eyes: { left: r(face.eyes.left, 4), right: r(face.eyes.right, 4) },
    mouth: { open: r(face.mouth.open, 4), width: r(face.mouth.width, 4) },
    gaze: {
      left: face.gaze.left.map((v) => r(v, 4)),
      right: face.gaze.right.map((v) => r(v, 4)),
      yawDeg: r(face.gaze.yawDeg, 2),
      pitchDeg: r(face.gaze.pitchDeg, 2),
    },
    ...(face.emotion
      ? { emotion: Object.fromEntries(Object.entries(face.emotion).map(([k, v]) => [k, r(v, 4)])) }
      : {}),
    ...(face.embedding ? { embedding: Array.from(face.embedding, (v) => r(v, 6)) } : {}),
    ...(face.actionUnits
      ? {
          actionUnits: Object.fromEntries(
            Object.entries(face.actionUnits.intensity).map(([au, v]) => [
              `AU${au}`,
              {
                intensity: r(v, 2),
                left: r(face.actionUnits!.left[Number(au)]!, 2),
                right: r(face.actionUnits!.right[Number(au)]!, 2),
              },
            ]),
          ),
        }
      : {}),
    landmarks: lm,
  };
}

/** One line describing a face, for terminal summaries. */
export function faceSummary(face: FaceResult): string {
  const top = face.emotion ? Object.entries(face.emotion).sort((a, b) => b[1] - a[1])[0] : undefined;
  return [
    `box ${Math.round(face.box.width)}x${Math.round(face.box.height)} at (${Math.round(face.box.x)}, ${Math.round(face.box.y)})`,
    `score ${face.score.toFixed(2)}`,
    `yaw ${face.pose.yawDeg.toFixed(1)}° pitch ${face.pose.pitchDeg.toFixed(1)}° roll ${face.pose.rollDeg.toFixed(1)}°`,
    `eyes L ${face.eyes.left.toFixed(2)} R ${face.eyes.right.toFixed(2)}`,
    `mouth ${face.mouth.open.toFixed(2)}`,
    `gaze ${face.gaze.yawDeg.toFixed(0)}°/${face.gaze.pitchDeg.toFixed(0)}°`,
    ...(top ? [`${top[0]} ${(top[1] * 100).toFixed(0)}%`] : []),
    ...(face.actionUnits
      ? [
          `AUs ${
            Object.entries(face.actionUnits.intensity)
              .filter(([, v]) => v >= 1)
              .sort((a, b) => b[1] - a[1])
              .map(([au, v]) => `${au}:${v.toFixed(1)}`)
              .join(' ') || 'none ≥ 1'
          }`,
        ]
      : []),
  ].join(', ');
}
