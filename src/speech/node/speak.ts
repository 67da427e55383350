/**
 * `vivify speak`: a portrait says what a voice says. Speech (a file, or text spoken offline by eSpeak NG)
 * is read in chunks and turned into audio features; the audio → mouth model moves the mouth, the
 * generated-motion models move the head and the eyes in time with the voice (src/speech/speech-motion.ts);
 * frames stream to the encoder with the speech muxed in. The output appears only when it is complete.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speechActivity } from '../../analysis/audio-features.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { VivifyError, throwIfAborted } from '../../errors.js';
import { loadShippedMotionModels } from '../../expression/node/generate-video.js';
import { loadPortrait } from '../../expression/node/portrait.js';
import { scriptedAUs, scriptedState } from '../../expression/scripted.js';
import type { ImageInput } from '../../media/image-file.js';
import { openVideoWriter, type VideoWriter } from '../../media/video.js';
import type { MotionModels } from '../../generate/model.js';
import { speechMotion, type SpeechMotion } from '../speech-motion.js';
import { loadSpeechModel, SPEECH_FPS, type SpeechModel } from '../model.js';
import { resolveOptions } from '../../options.js';
import { modelFileReader, packageModelFile } from '../../media/model-file.js';
import { readSpeech, type SpeechAudio } from './audio-in.js';
import { SPEAK_OPTIONS, type SpeakSettings } from '../speak-options.js';
import { synthesize } from './tts.js';

/** The model file that ships with the package. */
const SPEECH_MODEL_FILE = packageModelFile('speech.json');

/** The shipped speech model, read once (another file is read each time it is asked for). */
export const loadShippedSpeechModel = modelFileReader('the speech model', SPEECH_MODEL_FILE, loadSpeechModel);

export interface SpeakVideoOptions extends Partial<SpeakSettings> {
  /** Speech to follow: any audio file, or a video's sound track. One of `audio` and `text`. */
  audio?: string;
  /** Text to speak (offline text to speech, `voice` picks the language). */
  text?: string;
  /** Longest speech accepted, seconds. Default 600. */
  maxSeconds?: number;
  models?: MotionModels;
  speechModel?: SpeechModel;
  analyzer?: NodeFaceAnalyzer;
  onProgress?: (p: { stage: 'speech' | 'render'; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface SpeakVideoReport {
  output: string;
  frames: number;
  fps: number;
  durationS: number;
  /** Time per rendered frame, after the portrait's analysis. */
  msPerFrame: number;
  /** Wall time of the whole call, speech and analysis included. */
  totalMs: number;
  motion: SpeechMotion;
  speech: SpeechAudio;
}

/**
 * Makes a talking video of a portrait from speech or text.
 *
 * @example
 * await speakVideo('portrait.jpg', 'talk.mp4', { audio: 'speech.wav', emotion: { name: 'happy', intensity: 0.7 } });
 * await speakVideo('portrait.jpg', 'hello.mp4', { text: 'Hello there!', voice: 'en-gb', seed: 3 });
 */
export async function speakVideo(
  source: ImageInput,
  output: string,
  options: SpeakVideoOptions,
): Promise<SpeakVideoReport> {
  const started = performance.now();
  const {
    audio,
    text,
    maxSeconds,
    models: givenModels,
    speechModel: givenSpeech,
    analyzer: givenAnalyzer,
    onProgress,
    signal,
    ...rest
  } = options;
  const o = resolveOptions<SpeakSettings>(SPEAK_OPTIONS, rest);
  if ((audio === undefined) === (text === undefined))
    throw new VivifyError('E_USAGE', 'speak needs one of --audio (a speech file) and --text (words to say)');
  let tmpDir: string | undefined;
  let writer: VideoWriter | undefined;
  const analyzer = givenAnalyzer ?? (await createFaceAnalyzer({ emotion: false }));
  try {
    let speechFile = audio!;
    if (text !== undefined) {
      tmpDir = await fs.mkdtemp(path.join(tmpdir(), 'vivify-tts-'));
      speechFile = path.join(tmpDir, 'speech.wav');
      await synthesize(text, speechFile, { voice: o.voice });
    }
    const speech = await readSpeech(speechFile, {
      fps: SPEECH_FPS,
      maxSeconds,
      signal,
      onProgress: (done, total) => onProgress?.({ stage: 'speech', done, total }),
    });
    const [models, speechModel] = await Promise.all([
      givenModels ?? loadShippedMotionModels(),
      givenSpeech ?? loadShippedSpeechModel(),
    ]);
    const motion = speechMotion(models, speechModel, speech.normalised, speechActivity(speech.frames.rms, SPEECH_FPS), {
      seed: o.seed,
      emotion: o.emotion,
      fps: o.fps,
      mouthScale: o.mouthScale,
    });
    const { state, renderer } = await loadPortrait(source, analyzer, { ...o, actionUnits: true });
    const total = motion.frames.length;
    const renderStart = performance.now();
    writer = await openVideoWriter(output, { fps: o.fps, audioFrom: speechFile });
    for (let i = 0; i < total; i++) {
      throwIfAborted(signal);
      const f = motion.frames[i]!;
      await writer.write(renderer.render({ target: scriptedState(state, f), aus: scriptedAUs(f) }).image);
      onProgress?.({ stage: 'render', done: i + 1, total });
    }
    await writer.close();
    writer = undefined;
    const msPerFrame = (performance.now() - renderStart) / Math.max(1, total);
    return {
      output,
      frames: total,
      fps: o.fps,
      durationS: total / o.fps,
      msPerFrame,
      totalMs: performance.now() - started,
      motion,
      speech,
    };
  } catch (err) {
    await writer?.abort();
    throw err;
  } finally {
    if (!givenAnalyzer) analyzer.close();
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
