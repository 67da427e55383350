/**
 * Speech in timelines (`vivify script`): `at 2s say "Hello there" happy` speaks the text offline from 2 s,
 * `at 5s audio clip.wav` plays a speech file from 5 s. The mouth follows each segment's sound (the audio →
 * mouth model, as `vivify speak`), the rest of the line is an ordinary keyframe (`happy` above), and the
 * segments' sound, mixed at their times, becomes the video's sound track. Node only: the timeline parser
 * (src/expression/timeline.ts) never sees these clauses.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { speechActivity } from '../../analysis/audio-features.js';
import { VivifyError } from '../../errors.js';
import { SPEECH_AUS, SPEECH_FPS, type SpeechModel } from '../model.js';
import type { TimelineFrame } from '../../expression/timeline.js';
import { mouthCurves } from '../speech-motion.js';
import { findFfmpeg } from '../../media/ffmpeg.js';
import { realPathOf } from '../../media/run-paths.js';
import { readSpeech } from './audio-in.js';
import { synthesize } from './tts.js';
import { parseTime } from '../../options.js';

export interface ScriptSpeechSegment {
  timeS: number;
  line: number;
  kind: 'say' | 'audio';
  /** The words of `say`. */
  text?: string;
  /** The file of `audio`, as written. */
  file?: string;
}

const SPEECH_LINE = /^(\s*at\s+(\S+)\s+)(say\s+"([^"]*)"|audio\s+(?:"([^"]+)"|([^\s,#]+)))\s*,?\s*(.*)$/;

/**
 * Takes the `say` and `audio` clauses out of timeline text: each such line keeps its other clauses as an
 * ordinary keyframe at the same time (or becomes blank), so line numbers stay those of the file.
 *
 * @example
 * extractSpeech('at 1s say "Hi" happy') // { text: 'at 1s happy', segments: [{ timeS: 1, kind: 'say', text: 'Hi', line: 1 }] }
 */
export function extractSpeech(timeline: string): { text: string; segments: ScriptSpeechSegment[] } {
  const segments: ScriptSpeechSegment[] = [];
  const lines = timeline.split(/\r?\n/).map((raw, i) => {
    const m = SPEECH_LINE.exec(raw);
    if (!m) {
      if (/^\s*at\s+\S+\s+(say|audio)\b/.test(raw))
        throw new VivifyError(
          'E_BAD_TIMELINE',
          `line ${i + 1}: expected say "words" or audio file.wav (the words in double quotes) but found ${JSON.stringify(raw.trim())}`,
        );
      return raw;
    }
    const timeS = parseTime(m[2]!);
    if (timeS === undefined)
      throw new VivifyError(
        'E_BAD_TIMELINE',
        `line ${i + 1}: expected a time such as 1.5s, 1500ms or 0:01.5 but found ${JSON.stringify(m[2])}`,
      );
    if (m[4] !== undefined) {
      if (!/\p{L}|\p{N}/u.test(m[4]))
        throw new VivifyError('E_BAD_TIMELINE', `line ${i + 1}: say has nothing to say: ${JSON.stringify(m[4])}`);
      segments.push({ timeS, line: i + 1, kind: 'say', text: m[4] });
    } else segments.push({ timeS, line: i + 1, kind: 'audio', file: m[5] ?? m[6] });
    const rest = m[7]!.trim();
    return rest && !rest.startsWith('#') ? `${m[1]}${rest}` : '';
  });
  return { text: lines.join('\n'), segments };
}

export interface PreparedSpeech {
  segment: ScriptSpeechSegment;
  /** The sound file (the user's, or the speech synthesised for `say`). */
  file: string;
  durationS: number;
  /** SPEECH_AUS curves at 25 fps. */
  mouth: Float32Array[];
}

/**
 * Reads or synthesises each segment's speech and computes its mouth. `audio` files are found relative to
 * `baseDir`; none may be the output (compared by real path).
 */
export async function prepareScriptSpeech(
  segments: readonly ScriptSpeechSegment[],
  options: { baseDir: string; tmpDir: string; output: string; model: SpeechModel; signal?: AbortSignal },
): Promise<PreparedSpeech[]> {
  const out: PreparedSpeech[] = [];
  const outputReal = await realPathOf(options.output);
  for (const [n, s] of segments.entries()) {
    let file: string;
    if (s.kind === 'say') {
      file = path.join(options.tmpDir, `say-${n}.wav`);
      await synthesize(s.text!, file).catch((err: unknown) => {
        throw err instanceof VivifyError ? new VivifyError(err.code, `line ${s.line}: ${err.message}`) : err;
      });
    } else {
      file = path.resolve(options.baseDir, s.file!);
      if ((await realPathOf(file)) === outputReal)
        throw new VivifyError(
          'E_USAGE',
          `line ${s.line}: the audio ${s.file} is the output file; choose another output`,
        );
    }
    const speech = await readSpeech(file, { fps: SPEECH_FPS, signal: options.signal }).catch((err: unknown) => {
      throw err instanceof VivifyError ? new VivifyError(err.code, `line ${s.line}: ${err.message}`) : err;
    });
    const prediction = options.model.predict(speech.normalised);
    out.push({
      segment: s,
      file,
      durationS: speech.durationS,
      mouth: mouthCurves(prediction, options.model, speechActivity(speech.frames.rms, SPEECH_FPS)),
    });
  }
  return out;
}

/** Adds the mouth of every segment that sounds at `timeS` to a timeline frame (a new frame). */
export function withSpeechMouth(frame: TimelineFrame, timeS: number, speech: readonly PreparedSpeech[]): TimelineFrame {
  let aus = frame.aus;
  for (const p of speech) {
    const x = (timeS - p.segment.timeS) * SPEECH_FPS;
    if (x < 0 || x > p.mouth[0]!.length - 1) continue;
    if (aus === frame.aus) aus = { left: { ...frame.aus.left }, right: { ...frame.aus.right } };
    const i = Math.floor(x);
    const w = x - i;
    SPEECH_AUS.forEach((au, j) => {
      const c = p.mouth[j]!;
      const v = c[i]! * (1 - w) + (c[Math.min(c.length - 1, i + 1)] ?? 0) * w;
      aus.left[au] = Math.min(5, (aus.left[au] ?? 0) + v);
      aus.right[au] = Math.min(5, (aus.right[au] ?? 0) + v);
    });
  }
  return aus === frame.aus ? frame : { ...frame, aus };
}

/** Mixes the segments' sound at their times into one WAV of `durationS` seconds (silence between). */
export async function mixSpeech(speech: readonly PreparedSpeech[], durationS: number, file: string): Promise<void> {
  const { ffmpeg } = findFfmpeg();
  const args = ['-v', 'error', '-nostdin', '-y'];
  for (const p of speech) args.push('-i', p.file);
  const delays = speech.map(
    (p, i) =>
      `[${i}:a:0]aresample=22050,aformat=channel_layouts=mono,adelay=${Math.round(p.segment.timeS * 1000)}[a${i}]`,
  );
  // The bundled ffmpeg (2018) has no amix normalize option and divides by the number of inputs: volume
  // brings each segment back to its own level (they rarely overlap).
  const mix = `${speech.map((_, i) => `[a${i}]`).join('')}amix=inputs=${speech.length}:duration=longest,volume=${speech.length},apad[out]`;
  args.push('-filter_complex', [...delays, mix].join(';'), '-map', '[out]', '-t', String(durationS), '-ac', '1', file);
  try {
    await promisify(execFile)(ffmpeg, args);
  } catch (cause) {
    throw new VivifyError(
      'E_AUDIO_DECODE',
      `could not mix the timeline's speech: ${(cause as Error).message.split('\n')[0]}`,
      {
        cause,
      },
    );
  }
}
