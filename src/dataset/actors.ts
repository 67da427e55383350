/**
 * Who is in each clip of ../shared/data: one key per person, so that data built from the clips (motion
 * curves, the bank of real mouths) can be split by person and an evaluation can leave a person out.
 */
import path from 'node:path';

/** The person in each clip. Most clips show one person each; these show the same person as another clip. */
const SAME_PERSON: Record<string, string> = {
  'videos/eamm_M030_sad_3_001.mp4': 'M030',
  'videos/eamm_fear.mp4': 'eamm-woman',
  'videos/eamm_surprised.mp4': 'eamm-woman',
  'videos/fomm_00.mp4': 'obama',
  'videos/lia_vox_obama.mp4': 'obama',
  'videos/dfl_Obama_speaking.mp4': 'obama',
  'videos/styletalk_Obama_clip3.mp4': 'obama',
  'videos/fomm_04.mp4': 'trump',
  'videos/styletalk_trump_clip1.mp4': 'trump',
};

export function actorOf(file: string): string {
  if (SAME_PERSON[file]) return SAME_PERSON[file];
  const base = path.basename(file, '.mp4');
  const mead = /^dreamtalk_([MW]\d{3})_/.exec(base);
  if (mead) return mead[1]!;
  const eamm = /^eamm_(\w+)$/.exec(base);
  if (eamm) return `eamm-${eamm[1]}`;
  const st = /^styletalk_(.+)_clip\d+$/.exec(base);
  if (st) return `styletalk-${st[1]}`;
  return base;
}
