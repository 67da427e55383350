import { VivifyError } from '../errors.js';
import type { FaceResult } from '../face/types.js';

/** The chosen face of a still, or a typed error naming what was found. */
export function pickFace(faces: FaceResult[], index: number, what: string): FaceResult {
  if (faces.length === 0) throw new VivifyError('E_NO_FACE', `no face found in ${what}`);
  const f = faces[index];
  if (!f)
    throw new VivifyError(
      'E_FACE_INDEX',
      `${what} has ${faces.length} face${faces.length === 1 ? '' : 's'}; --face ${index} does not exist (faces are numbered from 0, largest first)`,
    );
  return f;
}
