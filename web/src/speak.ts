/**
 * The studio's Speak mode: a portrait says what a voice says, as `vivify speak` makes it. Speech comes from
 * an audio file or the microphone; the render worker computes its features with the same pure code as the
 * command line, runs the same audio → mouth model and speech motion, renders every frame, and muxes the
 * speech into the WebM, which then plays on the stage, over the preview, with its sound and a download button
 * beside it. The options shown are `vivify speak`'s own definitions (src/speech/speak-options.ts).
 */
import { SPEAK_OPTIONS } from '../../src/engine.js';
import {
  decodeSpeech,
  formatLength,
  MAX_BROWSER_SPEECH_S,
  SOUND_RATE,
  SpeechInputError,
  type DecodedSpeech,
} from './audio.js';
import { optionControls } from './controls.js';
import { $ } from './dom.js';
import type { Engine } from './engine.js';
import type { Box, SpeakRenderOptions } from './protocol.js';
import { StageResult } from './stage-result.js';
import { toast } from './toast.js';
import type { TtsEvent, TtsRequest } from './tts.worker.js';

/** The `vivify speak` options this mode shows (the others are the portrait's: it is already chosen and sized). */
export const SPEAK_MODE_OPTIONS = ['emotion', 'mouth-scale', 'seed', 'fps'] as const;

/** What the last render gave (the test hook). */
export interface SpokenResult {
  frames: number;
  fps: number;
  durationS: number;
  withSound: boolean;
  mouthBox: Box;
  msPerFrame: number;
  totalMs: number;
}

export class SpeakMode {
  private speech: (DecodedSpeech & { name: string }) | undefined;
  private job: { id: number; cancelled: boolean } | undefined;
  private recorder: { stop: () => void } | undefined;
  last: SpokenResult | undefined;
  private readonly controls = optionControls(SPEAK_OPTIONS, SPEAK_MODE_OPTIONS, () => {}, 'speak', ['seed']);
  private readonly voice = optionControls(SPEAK_OPTIONS, ['voice'], () => {}, 'speak');
  private tts: { worker: Worker; next: number } | undefined;
  private readonly stage: StageResult;

  constructor(
    private readonly engine: Engine,
    private readonly ready: () => { models: boolean; portrait: boolean },
    /** Told when the result covers the preview or leaves it (the stage's zoom and compare are off meanwhile). */
    onStage: (shown: boolean) => void,
  ) {
    this.stage = new StageResult('speak', 'vivify-speak', onStage);
    $('#speak-options').append(this.controls.element);
    $('#speak-voice-row').append(this.voice.element);
    $('#speak-say').addEventListener('click', () => void this.say());
    const input = $<HTMLInputElement>('#speak-file');
    $('#speak-choose').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void this.load(file, file.name);
      input.value = '';
    });
    $('#speak-record').addEventListener('click', () => void this.toggleRecording());
    $('#speak-render').addEventListener('click', () => void this.render());
    $('#speak-cancel').addEventListener('click', () => {
      if (!this.job) return;
      this.job.cancelled = true;
      engine.postRender({ type: 'speak-cancel', id: this.job.id });
    });
  }

  /** Called when the studio switches modes. */
  setActive(active: boolean): void {
    this.stage.setActive(active);
  }

  /** Closes the result on the stage (a new portrait: the preview shows it); the column still offers it. */
  closeResult(): void {
    this.stage.show(false);
  }

  update(ready = this.ready()): void {
    $<HTMLButtonElement>('#speak-render').disabled =
      !ready.models || !ready.portrait || !this.speech || Boolean(this.job) || Boolean(this.recorder);
  }

  private status(text: string, error = false): void {
    const el = $('#speak-status');
    el.textContent = text;
    el.classList.toggle('error', error);
  }

  /** Decodes and checks speech (a file, or a recording); the Speak button then renders it. */
  async load(file: Blob, name: string): Promise<void> {
    this.status(`Reading ${name}…`);
    const player = $<HTMLAudioElement>('#speak-audio');
    try {
      const decoded = await decodeSpeech(file, name);
      this.speech = { ...decoded, name };
      if (player.src) URL.revokeObjectURL(player.src);
      player.src = URL.createObjectURL(file);
      player.hidden = false;
      this.status(`${name}: ${formatLength(decoded.durationS)} of speech. Press Speak to animate the portrait.`);
    } catch (err) {
      this.speech = undefined;
      player.hidden = true;
      const message =
        err instanceof SpeechInputError ? err.message : `${name} could not be read: ${(err as Error).message}`;
      this.status(message, true);
      toast(message, 'error');
    }
    this.update();
  }

  /** Speaks the typed text with eSpeak NG in its own worker (started, and its 18 MB fetched, on first use). */
  private async say(): Promise<void> {
    const text = $<HTMLTextAreaElement>('#speak-text').value;
    const voice = String(this.voice.values().voice);
    const button = $<HTMLButtonElement>('#speak-say');
    button.disabled = true;
    this.status(this.tts ? `Speaking the text (${voice})…` : 'Loading the text-to-speech engine (18 MB, once)…');
    try {
      this.tts ??= {
        worker: new Worker(new URL('./tts.worker.ts', import.meta.url), { type: 'module', name: 'tts' }),
        next: 1,
      };
      const { worker } = this.tts;
      const id = this.tts.next++;
      const wav = await new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
        const onMessage = (e: MessageEvent<TtsEvent>): void => {
          if (e.data.id !== id) return;
          worker.removeEventListener('message', onMessage);
          worker.removeEventListener('error', onError);
          if (e.data.type === 'wav') resolve(e.data.wav);
          else reject(new Error(e.data.type === 'error' ? e.data.message : 'unexpected reply'));
        };
        const onError = (e: ErrorEvent): void => {
          worker.removeEventListener('message', onMessage);
          reject(new Error(`the text-to-speech worker failed: ${e.message || 'script error'}`));
        };
        worker.addEventListener('message', onMessage);
        worker.addEventListener('error', onError);
        worker.postMessage({ type: 'say', id, text, voice } satisfies TtsRequest);
      });
      await this.load(new Blob([wav], { type: 'audio/wav' }), 'the spoken text');
    } catch (err) {
      const message = `Could not speak the text: ${(err as Error).message}`;
      this.status(message, true);
      toast(message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  /** Starts or stops a microphone recording (at most the browser's limit of speech). */
  private async toggleRecording(): Promise<void> {
    if (this.recorder) {
      this.recorder.stop();
      return;
    }
    const button = $<HTMLButtonElement>('#speak-record');
    const timer = $('#speak-record-time');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      const denied = (err as Error).name === 'NotAllowedError';
      const message = denied
        ? 'The microphone was blocked: allow it in the browser (the icon in the address bar) and press Record again.'
        : `No microphone could be opened (${(err as Error).message}).`;
      this.status(message, true);
      toast(message, 'error');
      return;
    }
    const recorder = new MediaRecorder(stream);
    const parts: Blob[] = [];
    recorder.ondataavailable = (e) => e.data.size && parts.push(e.data);
    const started = performance.now();
    const tick = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      timer.textContent = `${s.toFixed(1)} s`;
      if (s >= MAX_BROWSER_SPEECH_S) stop();
    }, 100);
    const stop = (): void => {
      if (recorder.state !== 'inactive') recorder.stop();
    };
    recorder.onstop = () => {
      clearInterval(tick);
      for (const t of stream.getTracks()) t.stop();
      this.recorder = undefined;
      button.classList.remove('recording');
      button.lastChild!.textContent = 'Record';
      timer.textContent = '';
      void this.load(new Blob(parts, { type: recorder.mimeType }), 'the recording');
    };
    this.recorder = { stop };
    recorder.start(250);
    button.classList.add('recording');
    button.lastChild!.textContent = 'Stop';
    this.status('Recording from the microphone… press Stop when done.');
    this.update();
  }

  private async render(): Promise<void> {
    const speech = this.speech;
    if (!speech || this.job) return;
    const engine = this.engine;
    const id = engine.id();
    const job = { id, cancelled: false };
    this.job = job;
    this.stage.show(false);
    this.update();
    const bar = $('#speak-progress');
    const cancel = $('#speak-cancel');
    bar.hidden = false;
    cancel.hidden = false;
    const setBar = (f: number): void => {
      (bar.firstElementChild as HTMLElement).style.width = `${(100 * f).toFixed(1)}%`;
    };
    setBar(0);
    const off = engine.onRender((e) => {
      if (e.type !== 'speak-progress' || e.id !== id) return;
      if (e.stage === 'features') this.status(`Listening to the speech… ${Math.round((100 * e.done) / e.total)}%`);
      else if (e.stage === 'sound') this.status('Encoding the sound…');
      else this.status(`Rendering frame ${e.done} of ${e.total}…`);
      setBar(e.stage === 'render' ? 0.1 + (0.9 * e.done) / e.total : (0.1 * e.done) / e.total);
    });
    const started = performance.now();
    const values = this.controls.values() as unknown as SpeakRenderOptions;
    try {
      const reply = engine.awaitRender('spoken', id);
      const cancelled = new Promise<never>((_, reject) => {
        const poll = setInterval(() => {
          if (job.cancelled) {
            clearInterval(poll);
            reject(new Error('cancelled'));
          }
        }, 100);
        void reply.finally(() => clearInterval(poll)).catch(() => undefined);
      });
      // Copies: the page keeps the speech to render again with other options.
      const samples = speech.samples.slice();
      const sound = speech.sound.slice();
      engine.postRender(
        {
          type: 'speak',
          id,
          samples,
          sound: { samples: sound, sampleRate: SOUND_RATE },
          options: {
            seed: values.seed,
            fps: values.fps,
            mouthScale: values.mouthScale,
            emotion: values.emotion,
          },
        },
        [samples.buffer, sound.buffer],
      );
      const done = await Promise.race([reply, cancelled]);
      const totalMs = performance.now() - started;
      this.last = {
        frames: done.frames,
        fps: done.fps,
        durationS: done.durationS,
        withSound: done.withSound,
        mouthBox: done.mouthBox,
        msPerFrame: done.msPerFrame,
        totalMs,
      };
      const withSound = done.withSound
        ? 'with its sound'
        : 'without sound: this browser cannot encode Opus audio, so the video is silent';
      this.status(
        `Done: ${done.frames} frames (${formatLength(done.durationS)}) in ${(totalMs / 1000).toFixed(1)} s, ${withSound}. It plays on the stage.`,
      );
      toast(`Speech animated: ${done.frames} frames, playing on the stage.`, 'done');
      this.stage.set(done.blob, `${formatLength(done.durationS)}, ${done.withSound ? 'with sound' : 'silent'}`);
    } catch (err) {
      const message = job.cancelled ? 'Cancelled.' : `Could not animate the speech: ${(err as Error).message}`;
      this.status(message, !job.cancelled);
      toast(message, job.cancelled ? 'info' : 'error');
    } finally {
      off();
      this.job = undefined;
      bar.hidden = true;
      cancel.hidden = true;
      this.update();
    }
  }
}
