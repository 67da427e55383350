/**
 * `vivify script`: renders a timeline of expressions, head poses, gaze and blinks on a portrait. Streams
 * frames to the encoder; per frame it only deforms the mesh and renders (no analysis), so it is fast.
 */
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { VivifyError, throwIfAborted } from '../../errors.js';
import type { ImageInput } from '../../media/image-file.js';
import { openVideoWriter, type VideoWriter } from '../../media/video.js';
import { DEFAULT_SEED } from '../../generate/random.js';
import { FACE_OPTION, MOUTH_OPTION } from '../../options.js';
import { loadPortrait } from './portrait.js';
import { scriptedAUs, scriptedState } from '../scripted.js';
import { loadShippedMotionModels } from './generate-video.js';
import { needsMotionModels, parseTimeline, prepareTimelineSampler, TimelineError, LIMITS } from '../timeline.js';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadShippedSpeechModel } from '../../speech/node/speak.js';
import {
  extractSpeech,
  mixSpeech,
  prepareScriptSpeech,
  withSpeechMouth,
  type PreparedSpeech,
} from '../../speech/node/script-speech.js';

export interface ScriptOptions {
  /** Which face of the source (0 = largest). */
  face?: number;
  /** Longest side of the output (default: the source's own size). */
  size?: number;
  /** Seed of the automatic blinks. Default 1. */
  seed?: number;
  /** How an opening mouth the portrait does not show is filled (see MOUTH_OPTION). Default 'bank'. */
  mouth?: 'bank' | 'drawn';
  onProgress?: (p: { frame: number; total: number }) => void;
  /**
   * Before the first frame, while the generated motion (`generate`, `idle`, `listening`) is computed:
   * seconds of it done of `totalS`. Not called for a timeline without generated motion.
   */
  onPrepare?: (p: { doneS: number; totalS: number }) => void;
  /** Cancels the run (a VivifyError E_ABORTED), also while the generated motion is computed. */
  signal?: AbortSignal;
  analyzer?: NodeFaceAnalyzer;
  /** Where `audio` files named in the timeline are found (`at 5s audio clip.wav`). Default: the working folder. */
  baseDir?: string;
}

/**
 * Renders `timeline` (the text of a timeline file) on the portrait `source` into `output`.
 *
 * @example
 * await renderScript('portrait.jpg', 'at 0s neutral\nat 1s happy\nat 2s surprised 0.7', 'out.mp4');
 */
export async function renderScript(
  source: ImageInput,
  timeline: string,
  output: string,
  options: ScriptOptions = {},
): Promise<{ frames: number; fps: number; durationS: number; msPerFrame: number }> {
  let t;
  // Speech clauses (`say "…"`, `audio file`) are taken out here; the rest is an ordinary timeline.
  const spoken = extractSpeech(timeline);
  try {
    t = parseTimeline(spoken.text);
  } catch (err) {
    if (err instanceof TimelineError) throw new VivifyError('E_BAD_TIMELINE', err.message, { cause: err });
    throw err;
  }
  const analyzer = options.analyzer ?? (await createFaceAnalyzer({ emotion: false }));
  let writer: VideoWriter | undefined;
  let tmpDir: string | undefined;
  try {
    let speech: PreparedSpeech[] = [];
    let soundTrack: string | undefined;
    if (spoken.segments.length) {
      tmpDir = await fs.mkdtemp(path.join(tmpdir(), 'vivify-script-speech-'));
      speech = await prepareScriptSpeech(spoken.segments, {
        baseDir: options.baseDir ?? process.cwd(),
        tmpDir,
        output,
        model: await loadShippedSpeechModel(),
        signal: options.signal,
      });
      // Without a `duration` line the timeline lasts until the last speech ends, and half a second more.
      if (!/^\s*duration\b/m.test(spoken.text))
        t.durationS = Math.min(
          LIMITS.durationS,
          Math.max(t.durationS, ...speech.map((p) => p.segment.timeS + p.durationS + 0.5)),
        );
      soundTrack = path.join(tmpDir, 'speech.wav');
      await mixSpeech(speech, t.durationS, soundTrack);
    }
    const { state, renderer } = await loadPortrait(source, analyzer, {
      size: options.size,
      face: options.face ?? FACE_OPTION.default,
      mouth: options.mouth ?? MOUTH_OPTION.default,
    });
    throwIfAborted(options.signal);
    const models = needsMotionModels(t) ? await loadShippedMotionModels() : undefined;
    const sample = await prepareTimelineSampler(t, options.seed ?? DEFAULT_SEED, models, {
      signal: options.signal,
      onProgress: options.onPrepare,
    });
    const total = Math.max(1, Math.round(t.durationS * t.fps));
    writer = await openVideoWriter(output, { fps: t.fps, audioFrom: soundTrack });
    const started = performance.now();
    let yielded = started;
    for (let i = 0; i < total; i++) {
      throwIfAborted(options.signal);
      const frame = speech.length ? withSpeechMouth(sample(i / t.fps), i / t.fps, speech) : sample(i / t.fps);
      const { image } = renderer.render({ target: scriptedState(state, frame), aus: scriptedAUs(frame, state) });
      await writer.write(image);
      options.onProgress?.({ frame: i + 1, total });
      // A write the encoder's pipe takes at once resolves without a turn of the event loop: when the encoder
      // keeps up, nothing else (a signal's handler, a timer) would run until the end. Let it, every 50 ms.
      if (performance.now() - yielded >= 50) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
    }
    await writer.close();
    return { frames: total, fps: t.fps, durationS: t.durationS, msPerFrame: (performance.now() - started) / total };
  } catch (err) {
    await writer?.abort();
    throw err;
  } finally {
    if (!options.analyzer) analyzer.close();
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
