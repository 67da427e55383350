import { VivifyError } from '../errors.js';
import type { FaceResult } from '../face/types.js';

/**
 * The chosen face of a still, or a typed error naming what was found. `scaled`, when the still was scaled
 * down first (`--size`), names the size, so that a face lost by the scaling is not blamed on the photo.
 */
export function pickFace(
  faces: FaceResult[],
  index: number,
  what: string,
  scaled?: { size: number; width: number; height: number },
): FaceResult {
  if (faces.length === 0) {
    const note = scaled
      ? ` once scaled to ${scaled.width}×${scaled.height} by --size ${scaled.size} (a larger --size may keep the face)`
      : '';
    throw new VivifyError('E_NO_FACE', `no face found in ${what}${note}`);
  }
  const f = faces[index];
  if (!f)
    throw new VivifyError(
      'E_FACE_INDEX',
      `${what} has ${faces.length} face${faces.length === 1 ? '' : 's'}; --face ${index} does not exist (faces are numbered from 0, largest first)`,
    );
  return f;
}
