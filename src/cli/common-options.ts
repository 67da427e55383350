/** Options several commands share, defined once. */
import type { OptionDef } from './options.js';

/** Which face of the source to use. */
export const FACE_OPTION: OptionDef = {
  type: 'integer',
  value: 'n',
  default: 0,
  min: 0,
  max: 100,
  description: 'Which face of the source (0 = largest; faces are numbered by size)',
};

/** Output size. */
export const SIZE_OPTION: OptionDef = {
  type: 'integer',
  value: 'px',
  min: 16,
  max: 8192,
  description: "Longest side of the output (default: the source's own size)",
};

/** A video output. */
export const VIDEO_OUTPUT_OPTION: OptionDef = {
  type: 'string',
  short: 'o',
  value: 'out.mp4',
  description: 'Result: .mp4 (H.264), .gif, or a folder name for PNG frames',
};
