/**
 * The Studio page: expression sliders (17 action units, 8 emotions) with instant preview, a timeline editor
 * (the `vivify script` format) with play and scrub, and animation from a video file. Everything renders in
 * the render worker; exports are PNG and WebM.
 */
import { ACTION_UNITS, AU_MAX, AU_NAMES, bothSides, type ActionUnit } from '../../src/face/action-units.js';
import { EMOTION_NAMES, type EmotionName } from '../../src/motion/emotion-names.js';
import { parseTimeline, TimelineError } from '../../src/expression/timeline.js';
import type { EditSpec } from '../../src/expression/edit.js';
import { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES } from '../../src/reenact/options.js';
import type { ReenactorOptions } from '../../src/reenact/reenactor.js';
import { optionControls } from './controls.js';
import { $, download, h, stamp } from './dom.js';
import type { Engine } from './engine.js';
import { Overlay } from './overlay.js';

export type StudioMode = 'expression' | 'timeline' | 'video';

/** The demo's timeline (assets/demo-timeline.txt, also `npm run demo`): the editor's starting text. */
const EXAMPLE_TIMELINE_URL = new URL('../../assets/demo-timeline.txt', import.meta.url);

/** Renders the latest request only: while one is drawing, newer ones replace each other. */
class Coalescer<T> {
  private busy = false;
  private next: T | undefined;
  constructor(private readonly run: (v: T) => Promise<void>) {}
  push(v: T): void {
    this.next = v;
    if (!this.busy) void this.drain();
  }
  private async drain(): Promise<void> {
    this.busy = true;
    while (this.next !== undefined) {
      const v = this.next;
      this.next = undefined;
      try {
        await this.run(v);
      } catch {
        // The page shows render errors through the worker's error event.
      }
    }
    this.busy = false;
  }
}

export class StudioPage {
  private mode: StudioMode = 'expression';
  private readonly overlay = new Overlay($('#studio-overlay'));
  private readonly timing = $('#studio-timing');
  private ready = { models: false, portrait: false };
  private modelError: string | undefined;
  private readonly auValues = new Map<ActionUnit, number>();
  private readonly emotionValues = new Map<EmotionName, number>();
  private readonly resetSliders: (() => void)[] = [];
  private readonly edits: Coalescer<EditSpec>;
  private readonly timelineFrames: Coalescer<number>;
  private timelineOk = false;
  private timelineDuration = 0;
  private playing: { startedAt: number; from: number } | undefined;
  private videoJob: { cancelled: boolean } | undefined;
  private videoResult: Blob | undefined;
  /** Milliseconds of the last preview render (for tests and the timing note). */
  lastRenderMs = 0;
  renders = 0;

  constructor(private readonly engine: Engine) {
    this.edits = new Coalescer(async (spec) => {
      const ms = await engine.edit(spec);
      this.showTiming(ms);
    });
    this.timelineFrames = new Coalescer(async (t) => {
      const id = engine.id();
      const reply = engine.awaitRender('drawn', id);
      engine.postRender({ type: 'timeline-frame', id, timeS: t });
      this.showTiming((await reply).ms);
    });
    this.buildExpression();
    this.buildTimeline();
    this.buildVideo();
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-mode-tab]')) {
      b.addEventListener('click', () => this.setMode(b.dataset.modeTab as StudioMode));
    }
    $('#studio-png').addEventListener(
      'click',
      () => void engine.png('studio').then((b) => download(b, `${stamp(`vivify-${this.mode}`)}.png`)),
    );
    this.setMode('expression');
  }

  setModels(ready: boolean, error?: string): void {
    this.ready.models = ready;
    this.modelError = error;
    this.refresh();
  }

  setPortrait(ready: boolean): void {
    this.ready.portrait = ready;
    this.refresh();
  }

  setMode(mode: StudioMode): void {
    this.mode = mode;
    this.stop();
    for (const el of document.querySelectorAll<HTMLElement>('[data-mode]')) el.hidden = el.dataset.mode !== mode;
    for (const b of document.querySelectorAll<HTMLElement>('[data-mode-tab]')) {
      b.setAttribute('aria-selected', String(b.dataset.modeTab === mode));
    }
    this.refresh();
  }

  /** Redraws the preview for the current mode (after a portrait change, a mode switch). */
  refresh(): void {
    if (this.modelError) {
      this.overlay.show('The face models could not start', this.modelError, { error: true });
      return;
    }
    if (!this.ready.models) {
      this.overlay.show('Loading face models…', 'The studio opens when they are ready.');
      return;
    }
    if (!this.ready.portrait) {
      this.overlay.show('Choose a portrait', 'Drop a picture with a face on the left.');
      return;
    }
    this.overlay.hide();
    if (this.mode === 'expression') this.edits.push(this.spec());
    else if (this.mode === 'timeline' && this.timelineOk) this.timelineFrames.push(this.time());
    this.updateVideoButtons();
  }

  private showTiming(ms: number): void {
    this.lastRenderMs = ms;
    this.renders++;
    this.timing.textContent = `rendered in ${ms.toFixed(0)} ms`;
  }

  // --- Expression -------------------------------------------------------------------------------------

  private spec(): EditSpec {
    const aus: Partial<Record<ActionUnit, number>> = {};
    for (const [au, v] of this.auValues) if (v) aus[au] = v;
    const emotions = [...this.emotionValues].filter(([, v]) => v > 0).map(([name, intensity]) => ({ name, intensity }));
    return { aus: bothSides(aus), emotions, absolute: $<HTMLInputElement>('#expression-absolute').checked };
  }

  private slider(
    parent: HTMLElement,
    id: string,
    label: string,
    title: string,
    max: number,
    step: number,
    set: (v: number) => void,
  ): void {
    const out = h('output', { for: id }, '0');
    const input = h('input', { id, type: 'range', min: '0', max: String(max), step: String(step), value: '0' });
    input.addEventListener('input', () => {
      const v = Number(input.value);
      out.textContent = v.toFixed(step < 0.1 ? 2 : 1);
      set(v);
      if (this.ready.portrait) this.edits.push(this.spec());
    });
    this.resetSliders.push(() => {
      input.value = '0';
      out.textContent = '0';
      set(0);
    });
    parent.append(h('div', { class: 'slider', title }, h('label', { for: id }, label), input, out));
  }

  private buildExpression(): void {
    const emotions = $('#emotion-sliders');
    for (const e of EMOTION_NAMES) {
      this.slider(emotions, `emotion-${e}`, e[0]!.toUpperCase() + e.slice(1), `${e}, intensity 0–1`, 1, 0.01, (v) =>
        this.emotionValues.set(e, v),
      );
    }
    const aus = $('#au-sliders');
    for (const au of ACTION_UNITS) {
      this.slider(
        aus,
        `au-${au}`,
        `AU${au} ${AU_NAMES[au]}`,
        `FACS AU${au}: ${AU_NAMES[au]}, intensity 0–5`,
        AU_MAX,
        0.1,
        (v) => this.auValues.set(au, v),
      );
    }
    $('#expression-absolute').addEventListener('change', () => this.ready.portrait && this.edits.push(this.spec()));
    $('#expression-reset').addEventListener('click', () => {
      for (const r of this.resetSliders) r();
      if (this.ready.portrait) this.edits.push(this.spec());
    });
  }

  // --- Timeline ---------------------------------------------------------------------------------------

  private time(): number {
    return Number($<HTMLInputElement>('#timeline-scrub').value);
  }

  private buildTimeline(): void {
    const text = $<HTMLTextAreaElement>('#timeline-text');
    const gutter = $('#timeline-gutter');
    const error = $('#timeline-error');
    const scrub = $<HTMLInputElement>('#timeline-scrub');
    const play = $<HTMLButtonElement>('#timeline-play');
    const exportButton = $<HTMLButtonElement>('#timeline-export');
    let timer: ReturnType<typeof setTimeout> | undefined;

    const check = (): void => {
      // A message about the last export ("Saved 240 frames") is about a timeline that is no longer this one.
      $('#timeline-export-status').textContent = '';
      const lines = text.value.split('\n').length;
      let bad = -1;
      try {
        const t = parseTimeline(text.value);
        error.textContent = '';
        this.timelineOk = true;
        this.timelineDuration = t.durationS;
        scrub.max = String(t.durationS);
        scrub.step = String(1 / t.fps);
        if (this.time() > t.durationS) scrub.value = String(t.durationS);
        this.engine.postRender({ type: 'timeline', text: text.value });
        if (this.ready.portrait && this.mode === 'timeline') this.timelineFrames.push(this.time());
      } catch (err) {
        this.timelineOk = false;
        this.stop();
        if (err instanceof TimelineError) {
          bad = err.line;
          error.textContent = `Line ${err.line}, column ${err.column}: ${err.message.replace(/^line \d+, column \d+: /, '')}`;
        } else {
          error.textContent = (err as Error).message;
        }
      }
      gutter.replaceChildren(
        ...Array.from({ length: lines }, (_, i) => h('span', { class: i + 1 === bad ? 'bad' : '' }, `${i + 1}\n`)),
      );
      text.classList.toggle('invalid', !this.timelineOk);
      play.disabled = exportButton.disabled = !this.timelineOk;
      this.showTime();
    };
    text.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(check, 200);
    });
    text.addEventListener('scroll', () => (gutter.scrollTop = text.scrollTop));
    scrub.addEventListener('input', () => {
      this.stop();
      this.showTime();
      if (this.ready.portrait && this.timelineOk) this.timelineFrames.push(this.time());
    });
    play.addEventListener('click', () => (this.playing ? this.stop() : this.play()));
    exportButton.addEventListener('click', () => void this.exportTimeline());
    void fetch(EXAMPLE_TIMELINE_URL)
      .then((r) => (r.ok ? r.text() : ''))
      .catch(() => '')
      .then((example) => {
        if (text.value === '') text.value = example;
        check();
      });
  }

  private showTime(): void {
    $('#timeline-time').textContent = `${this.time().toFixed(2)} / ${this.timelineDuration.toFixed(2)} s`;
  }

  private play(): void {
    if (!this.timelineOk || !this.ready.portrait) return;
    const scrub = $<HTMLInputElement>('#timeline-scrub');
    const from = this.time() >= this.timelineDuration ? 0 : this.time();
    this.playing = { startedAt: performance.now(), from };
    $('#timeline-play').textContent = 'Pause';
    const tick = (): void => {
      if (!this.playing) return;
      const t = (this.playing.from + (performance.now() - this.playing.startedAt) / 1000) % this.timelineDuration;
      scrub.value = String(t);
      this.showTime();
      this.timelineFrames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  private stop(): void {
    this.playing = undefined;
    const play = document.querySelector('#timeline-play');
    if (play) play.textContent = 'Play';
  }

  private async exportTimeline(): Promise<void> {
    this.stop();
    const status = $('#timeline-export-status');
    const button = $<HTMLButtonElement>('#timeline-export');
    const id = this.engine.id();
    button.disabled = true;
    const off = this.engine.onRender((e) => {
      if (e.type === 'export-progress' && e.id === id) status.textContent = `Encoding frame ${e.frame} of ${e.total}…`;
    });
    try {
      const reply = this.engine.awaitRender('video', id);
      this.engine.postRender({ type: 'timeline-export', id });
      const { blob, frames } = await reply;
      status.textContent = `Saved ${frames} frames (${(blob.size / 1e6).toFixed(1)} MB).`;
      download(blob, `${stamp('vivify-script')}.webm`);
    } catch (err) {
      status.textContent = `Export failed: ${(err as Error).message}`;
    } finally {
      off();
      button.disabled = !this.timelineOk;
    }
  }

  // --- Video file -------------------------------------------------------------------------------------

  private videoControls = optionControls(ANIMATE_OPTIONS, [...REENACTOR_OPTION_NAMES, 'fps'], () => {}, 'video');

  private buildVideo(): void {
    $('#video-options').append(this.videoControls.element);
    const input = $<HTMLInputElement>('#video-file');
    const video = $<HTMLVideoElement>('#driving-video');
    $('#video-choose').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) this.loadVideo(file);
      input.value = '';
    });
    video.addEventListener('loadedmetadata', () => this.updateVideoButtons());
    video.addEventListener('error', () => {
      $('#video-status').textContent = 'This browser cannot play that video file (try an MP4 or WebM).';
      video.hidden = true;
    });
    $('#video-animate').addEventListener('click', () => void this.animateVideo());
    $('#video-cancel').addEventListener('click', () => {
      if (this.videoJob) this.videoJob.cancelled = true;
    });
    $('#video-download').addEventListener(
      'click',
      () => this.videoResult && download(this.videoResult, `${stamp('vivify-animate')}.webm`),
    );
  }

  /** Loads a driving video (also the test hook). */
  loadVideo(file: Blob & { name?: string }): void {
    const video = $<HTMLVideoElement>('#driving-video');
    if (video.src) URL.revokeObjectURL(video.src);
    video.src = URL.createObjectURL(file);
    video.hidden = false;
    $('#video-name').textContent = file.name ?? 'video';
    $('#video-status').textContent = '';
    $<HTMLVideoElement>('#result-video').hidden = true;
    $('#video-download').hidden = true;
  }

  private updateVideoButtons(): void {
    const video = $<HTMLVideoElement>('#driving-video');
    $<HTMLButtonElement>('#video-animate').disabled =
      !this.ready.models || !this.ready.portrait || !video.src || !(video.duration > 0) || Boolean(this.videoJob);
  }

  private async animateVideo(): Promise<void> {
    const video = $<HTMLVideoElement>('#driving-video');
    const status = $('#video-status');
    const bar = $('#video-progress');
    const cancel = $('#video-cancel');
    const values = this.videoControls.values();
    const job = { cancelled: false };
    this.videoJob = job;
    this.updateVideoButtons();
    cancel.hidden = false;
    video.pause();
    const engine = this.engine;
    let found = 0;
    let done = 0;
    const offTracked = engine.onAnalysis((e) => {
      if (e.type === 'tracked' && e.stream === 'file' && e.found) found++;
    });
    const offFrames = engine.onRender((e) => {
      if (e.type === 'file-frame') done++;
    });
    try {
      const fps = typeof values.fps === 'number' ? values.fps : await estimateFps(video);
      const frames = Math.max(1, Math.floor(video.duration * fps));
      const { fps: _, ...options } = values;
      const id = engine.id();
      const ack = engine.awaitRender('ack', id);
      engine.resetTracking('file');
      engine.postRender({ type: 'file-begin', id, options: options as ReenactorOptions, fps, frames });
      await ack;
      bar.hidden = false;
      const started = performance.now();
      for (let i = 0; i < frames; i++) {
        if (job.cancelled) throw new Error('cancelled');
        while (i - done >= 2) await new Promise((r) => setTimeout(r, 2));
        await seek(video, Math.min(video.duration, (i + 0.5) / fps));
        // Frames are analysed at most 640 px on their longest side, like the camera's.
        const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
        const bitmap = await createImageBitmap(video, {
          resizeWidth: Math.round(video.videoWidth * scale),
          resizeHeight: Math.round(video.videoHeight * scale),
        });
        engine.track('file', i, bitmap, (i * 1000) / fps);
        (bar.firstElementChild as HTMLElement).style.width = `${((100 * (i + 1)) / frames).toFixed(1)}%`;
        status.textContent = `Frame ${i + 1} of ${frames} (${fps} frames/s)…`;
      }
      while (done < frames) await new Promise((r) => setTimeout(r, 5));
      if (found === 0) throw new Error('no face found in any frame of the driving video');
      const result = engine.awaitRender('video', id);
      engine.postRender({ type: 'file-end', id });
      const { blob } = await result;
      const seconds = (performance.now() - started) / 1000;
      this.videoResult = blob;
      const out = $<HTMLVideoElement>('#result-video');
      if (out.src) URL.revokeObjectURL(out.src);
      out.src = URL.createObjectURL(blob);
      out.hidden = false;
      $('#video-download').hidden = false;
      status.textContent = `Done: ${frames} frames in ${seconds.toFixed(1)} s (${(frames / seconds).toFixed(1)} frames/s); ${frames - found} without a face.`;
    } catch (err) {
      engine.postRender({ type: 'file-cancel' });
      status.textContent = job.cancelled ? 'Cancelled.' : `Could not animate: ${(err as Error).message}`;
    } finally {
      offTracked();
      offFrames();
      this.videoJob = undefined;
      bar.hidden = true;
      cancel.hidden = true;
      this.updateVideoButtons();
    }
  }
}

function seek(video: HTMLVideoElement, t: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = (): void => {
      video.removeEventListener('seeked', done);
      reject(new Error('the video could not be decoded'));
    };
    video.addEventListener('seeked', done);
    video.addEventListener('error', fail, { once: true });
    video.currentTime = t;
  });
}

/** The video's frame rate, from the times of the frames it presents while playing for a moment. */
async function estimateFps(video: HTMLVideoElement): Promise<number> {
  if (!('requestVideoFrameCallback' in video)) return 25;
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const onFrame = (_: number, meta: VideoFrameCallbackMetadata): void => {
      times.push(meta.mediaTime);
      if (times.length >= 10) resolve();
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    void video.play();
    setTimeout(resolve, 2000);
  });
  video.pause();
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  if (!median) return 25;
  return Math.round(100 / median) / 100;
}
