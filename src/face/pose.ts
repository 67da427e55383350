/**
 * Rigid geometry: similarity fits between point sets (Horn's quaternion method) and Euler angles.
 * Pure functions on typed arrays of xyz triples.
 */

export interface Similarity {
  /** Row-major 3×3 rotation. */
  rotation: number[];
  translation: [number, number, number];
  scale: number;
}

/**
 * Least-squares similarity transform taking `from` points onto `to` points (`to ≈ s·R·from + t`),
 * using only the listed point indices, each weighted equally. Closed form (Horn 1987): the rotation is
 * the eigenvector of the largest eigenvalue of a 4×4 matrix built from the cross-covariance, so it is
 * always a proper rotation.
 */
export function fitSimilarity(from: ArrayLike<number>, to: ArrayLike<number>, indices: readonly number[]): Similarity {
  const n = indices.length;
  let fx = 0,
    fy = 0,
    fz = 0,
    tx = 0,
    ty = 0,
    tz = 0;
  for (const i of indices) {
    fx += from[3 * i]!;
    fy += from[3 * i + 1]!;
    fz += from[3 * i + 2]!;
    tx += to[3 * i]!;
    ty += to[3 * i + 1]!;
    tz += to[3 * i + 2]!;
  }
  fx /= n;
  fy /= n;
  fz /= n;
  tx /= n;
  ty /= n;
  tz /= n;
  // Cross-covariance S[a][b] = Σ from_a · to_b (centred), and the spread of `from`.
  const S = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  let varFrom = 0;
  for (const i of indices) {
    const a = [from[3 * i]! - fx, from[3 * i + 1]! - fy, from[3 * i + 2]! - fz];
    const b = [to[3 * i]! - tx, to[3 * i + 1]! - ty, to[3 * i + 2]! - tz];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) S[3 * r + c]! += a[r]! * b[c]!;
    varFrom += a[0]! * a[0]! + a[1]! * a[1]! + a[2]! * a[2]!;
  }
  const [Sxx, Sxy, Sxz, Syx, Syy, Syz, Szx, Szy, Szz] = S as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const N = [
    [Sxx + Syy + Szz, Syz - Szy, Szx - Sxz, Sxy - Syx],
    [Syz - Szy, Sxx - Syy - Szz, Sxy + Syx, Szx + Sxz],
    [Szx - Sxz, Sxy + Syx, -Sxx + Syy - Szz, Syz + Szy],
    [Sxy - Syx, Szx + Sxz, Syz + Szy, -Sxx - Syy + Szz],
  ];
  const q = largestEigenvector4(N);
  const rotation = quaternionToMatrix(q);
  // Optimal scale: Σ b·(R a) / Σ |a|².
  let num = 0;
  for (const i of indices) {
    const a = [from[3 * i]! - fx, from[3 * i + 1]! - fy, from[3 * i + 2]! - fz];
    const b = [to[3 * i]! - tx, to[3 * i + 1]! - ty, to[3 * i + 2]! - tz];
    for (let r = 0; r < 3; r++) {
      const ra = rotation[3 * r]! * a[0]! + rotation[3 * r + 1]! * a[1]! + rotation[3 * r + 2]! * a[2]!;
      num += b[r]! * ra;
    }
  }
  const scale = varFrom > 0 ? num / varFrom : 1;
  const rf = applyRotation(rotation, fx, fy, fz);
  return { rotation, scale, translation: [tx - scale * rf[0], ty - scale * rf[1], tz - scale * rf[2]] };
}

/** Applies `p' = s·R·p + t` to every xyz triple of `points` (a new array). */
export function applySimilarity(t: Similarity, points: ArrayLike<number>): Float32Array {
  const out = new Float32Array(points.length);
  const R = t.rotation;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    out[i] = t.scale * (R[0]! * x + R[1]! * y + R[2]! * z) + t.translation[0];
    out[i + 1] = t.scale * (R[3]! * x + R[4]! * y + R[5]! * z) + t.translation[1];
    out[i + 2] = t.scale * (R[6]! * x + R[7]! * y + R[8]! * z) + t.translation[2];
  }
  return out;
}

/** The inverse transform: `p = R^T (p' − t) / s`. */
export function invertSimilarity(t: Similarity): Similarity {
  const Rt = transpose3(t.rotation);
  const [x, y, z] = applyRotation(Rt, t.translation[0], t.translation[1], t.translation[2]);
  return { rotation: Rt, scale: 1 / t.scale, translation: [-x / t.scale, -y / t.scale, -z / t.scale] };
}

export function applyRotation(R: readonly number[], x: number, y: number, z: number): [number, number, number] {
  return [R[0]! * x + R[1]! * y + R[2]! * z, R[3]! * x + R[4]! * y + R[5]! * z, R[6]! * x + R[7]! * y + R[8]! * z];
}

export function transpose3(R: readonly number[]): number[] {
  return [R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!];
}

export function multiply3(A: readonly number[], B: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[3 * r + c] = A[3 * r]! * B[c]! + A[3 * r + 1]! * B[3 + c]! + A[3 * r + 2]! * B[6 + c]!;
    }
  }
  return out;
}

const DEG = 180 / Math.PI;

/**
 * Head angles of a rotation, decomposed as R = Ry(−yaw) · Rx(pitch) · Rz(roll) in image axes
 * (x right, y down, z away from the camera): positive yaw turns the nose towards the image's right,
 * positive pitch lowers the chin, positive roll tilts the head clockwise on screen.
 */
export function rotationToEuler(R: readonly number[]): { yawDeg: number; pitchDeg: number; rollDeg: number } {
  const pitch = Math.asin(Math.max(-1, Math.min(1, -R[5]!)));
  const yaw = Math.atan2(R[2]!, R[8]!);
  const roll = Math.atan2(R[3]!, R[4]!);
  return { yawDeg: -yaw * DEG, pitchDeg: pitch * DEG, rollDeg: roll * DEG };
}

/** Inverse of {@link rotationToEuler}. */
export function eulerToRotation(yawDeg: number, pitchDeg: number, rollDeg: number): number[] {
  const y = -yawDeg / DEG;
  const p = pitchDeg / DEG;
  const r = rollDeg / DEG;
  const Ry = [Math.cos(y), 0, Math.sin(y), 0, 1, 0, -Math.sin(y), 0, Math.cos(y)];
  const Rx = [1, 0, 0, 0, Math.cos(p), -Math.sin(p), 0, Math.sin(p), Math.cos(p)];
  const Rz = [Math.cos(r), -Math.sin(r), 0, Math.sin(r), Math.cos(r), 0, 0, 0, 1];
  return multiply3(multiply3(Ry, Rx), Rz);
}

/** Rotation matrix of a unit quaternion (w, x, y, z). */
export function quaternionToMatrix([w, x, y, z]: readonly [number, number, number, number]): number[] {
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

/** Unit quaternion (w ≥ 0) of a rotation matrix. */
export function matrixToQuaternion(R: readonly number[]): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = R as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const tr = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s];
  }
  if (q[0] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
  const n = Math.hypot(...q);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** R^k for a rotation matrix: the same axis, k times the angle. */
export function scaleRotation(R: number[], k: number): number[] {
  if (k === 1) return R;
  const [w, x, y, z] = matrixToQuaternion(R);
  const angle = 2 * Math.acos(Math.max(-1, Math.min(1, w)));
  const s = Math.sqrt(Math.max(0, 1 - w * w));
  if (s < 1e-9) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const a = (angle * k) / 2;
  return quaternionToMatrix([Math.cos(a), (x / s) * Math.sin(a), (y / s) * Math.sin(a), (z / s) * Math.sin(a)]);
}

/** Unit eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi rotations). */
function largestEigenvector4(M: number[][]): [number, number, number, number] {
  const a = M.map((row) => [...row]);
  const v = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += a[p]![q]! ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (a[i]![i]! > a[best]![best]!) best = i;
  const q: [number, number, number, number] = [v[0]![best]!, v[1]![best]!, v[2]![best]!, v[3]![best]!];
  const norm = Math.hypot(...q) || 1;
  return [q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm];
}
