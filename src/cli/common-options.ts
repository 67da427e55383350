/** Options several commands share, defined once (the library's definitions, plus CLI-only outputs). */
import type { OptionDef } from './options.js';

export { FACE_OPTION, FACES_OPTION, MOUTH_OPTION, SIZE_OPTION } from '../options.js';

/** A video output. */
export const VIDEO_OUTPUT_OPTION: OptionDef = {
  type: 'string',
  short: 'o',
  value: 'out.mp4',
  description: 'Result: .mp4 (H.264), .gif, or a folder name for PNG frames',
};
