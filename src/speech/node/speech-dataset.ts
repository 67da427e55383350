/**
 * The speech data set (data/speech-data.json.gz, built by scripts/build-speech-data.ts): for every real
 * talking clip with sound in ../shared/data, at 25 fps, the audio features aligned with the mouth's action
 * units and lip-landmark offsets read from the clip's video, the speaker and the split (by speaker). Types,
 * a checked reader and the file on disk (one JSON line per clip, gzip-compressed).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeAtomically } from '../../media/atomic.js';
import { SPEECH_DATA_VERSION, type SpeechVersions } from '../model.js';

export const SPEECH_DATA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'data',
  'speech-data.json.gz',
);

export interface SpeechClip {
  /** Path inside the data folder. */
  file: string;
  speaker: string;
  /** train or heldout, by speaker: a held-out speaker's clips are never trained on. */
  split: 'train' | 'heldout';
  /** The clip's own frame rate (the curves here are resampled to 25 fps). */
  videoFps: number;
  frames: number;
  /** Per frame: normalised audio features (src/analysis/audio-features.ts). */
  features: number[][];
  /** Per frame: the audio's RMS level (full scale 1). */
  rms: number[];
  /** Per frame: SPEECH_AUS intensities (mean of both sides) relative to the speaker's median face. */
  aus: number[][];
  /** Per frame: lip points' x, y offsets from the speaker's median face, in mouth widths (canonical frame). */
  lips: number[][];
  /** Per frame: inner-lip gap over inner mouth width. */
  open: number[];
  /** Per frame '1' (face found) or '0' (interpolated). */
  found: string;
}

export interface SpeechData {
  version: number;
  versions: SpeechVersions;
  source: string;
  /** Mesh indices of the lip points, in the order of `lips`. */
  lipPoints: number[];
  clips: SpeechClip[];
}

/** Checks the parsed JSON of the speech data. */
function parseSpeechData(json: unknown): SpeechData {
  const d = json as SpeechData;
  if (!d || typeof d !== 'object' || !Array.isArray(d.clips))
    throw new TypeError('Expected speech data ({ version, clips: [...] }) for speech data but received something else');
  if (d.version !== SPEECH_DATA_VERSION)
    throw new RangeError(
      `Expected speech data version ${SPEECH_DATA_VERSION} for speech data but received ${d.version}`,
    );
  for (const c of d.clips) {
    for (const k of ['features', 'rms', 'aus', 'lips', 'open'] as const)
      if (c[k].length !== c.frames) throw new RangeError(`Expected ${c.frames} frames of ${k} in ${c.file}`);
  }
  return d;
}

export async function readSpeechData(file = SPEECH_DATA_FILE): Promise<SpeechData> {
  const bytes = await fs.readFile(file);
  return parseSpeechData(JSON.parse(gunzipSync(bytes).toString('utf8')));
}

/** Writes the data (one clip per line, gzip, no timestamp: same input, same bytes); returns the stored size. */
export async function writeSpeechData(data: SpeechData, file = SPEECH_DATA_FILE): Promise<number> {
  const { clips, ...head } = data;
  const text = `${JSON.stringify(head).slice(0, -1)},"clips":[\n${clips.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;
  const bytes = gzipSync(text, { level: 9 });
  await writeAtomically(file, (tmp) => fs.writeFile(tmp, bytes));
  return bytes.length;
}
