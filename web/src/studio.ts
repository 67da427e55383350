/**
 * The Studio page: expression sliders (17 action units, 8 emotions) with instant preview, a timeline editor
 * (the `vivify script` format) with play and scrub, animation from a video file, and speech (speak.ts).
 * Everything renders in the render worker; exports are PNG and WebM.
 */
import {
  ACTION_UNITS,
  type ActionUnit,
  AU_MAX,
  AU_NAMES,
  bothSides,
  type EditSpec,
  EMOTION_NAMES,
  type EmotionName,
  parseTimeline,
  TimelineError,
} from '../../src/engine.js';
import { $, download, h, stamp } from './dom.js';
import type { Engine } from './engine.js';
import { EXPRESSION_PRESETS, type ExpressionPreset } from './gallery.js';
import { Overlay } from './overlay.js';
import { stageTools, type StageTools } from './stage.js';
import { SpeakMode } from './speak.js';
import type { PortraitPicture } from './studio-body.js';
import { VideoMode, type VideoReport } from './studio-video.js';
import { drawGutter, errorText, timelineErrors } from './timeline-editor.js';
import { TimelineTrack } from './timeline-track.js';
import { toast } from './toast.js';

export type StudioMode = 'expression' | 'timeline' | 'video' | 'speak';

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
  /** `face`: the portrait has a face (without one, a whole person, only the Video file mode's body works). */
  private ready = { models: false, portrait: false, face: false };
  private modelError: string | undefined;
  private readonly auValues = new Map<ActionUnit, number>();
  private readonly emotionValues = new Map<EmotionName, number>();
  private readonly resetSliders: (() => void)[] = [];
  private readonly setSlider = new Map<string, (v: number) => void>();
  readonly tools: StageTools;
  private readonly edits: Coalescer<EditSpec>;
  private readonly timelineFrames: Coalescer<number>;
  private timelineOk = false;
  private track: TimelineTrack | undefined;
  private timelineDuration = 0;
  private playing: { startedAt: number; from: number } | undefined;
  private readonly video: VideoMode;
  readonly speak: SpeakMode;
  /** Milliseconds of the last preview render (for tests and the timing note). */
  lastRenderMs = 0;
  renders = 0;

  constructor(private readonly engine: Engine) {
    this.tools = stageTools('studio');
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
    this.video = new VideoMode(
      engine,
      () => this.ready,
      (shown) => this.tools.setEnabled(!shown),
    );
    this.speak = new SpeakMode(
      engine,
      // Speech needs a face.
      () => ({ ...this.ready, portrait: this.ready.face }),
      (shown) => this.tools.setEnabled(!shown),
    );
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-mode-tab]')) {
      b.addEventListener('click', () => this.setMode(b.dataset.modeTab as StudioMode));
    }
    $('#studio-png').addEventListener(
      'click',
      () =>
        void engine.png('studio').then((b) => {
          download(b, `${stamp(`vivify-${this.mode}`)}.png`);
          toast('Picture saved as PNG.', 'done');
        }),
    );
    this.setMode('expression');
  }

  setModels(ready: boolean, error?: string): void {
    this.ready.models = ready;
    this.modelError = error;
    this.refresh();
  }

  setPortrait(ready: boolean, face = ready): void {
    this.ready.portrait = ready;
    this.ready.face = face;
    // The stage shows the new portrait, not a result made from the last one (which its mode still offers).
    this.speak.closeResult();
    this.video.closeResult();
    this.refresh();
  }

  /** The portrait's pixels and faces (the Video file mode finds out whether it shows a whole body). */
  setPortraitPicture(p: PortraitPicture): void {
    this.video.setPortrait(p);
  }

  /** The last video-file animation (for the browser test and the benchmark). */
  get videoReport(): VideoReport | undefined {
    return this.video.last;
  }

  setMode(mode: StudioMode): void {
    this.mode = mode;
    this.stop();
    for (const el of document.querySelectorAll<HTMLElement>('[data-mode]')) el.hidden = el.dataset.mode !== mode;
    for (const b of document.querySelectorAll<HTMLElement>('[data-mode-tab]')) {
      b.setAttribute('aria-selected', String(b.dataset.modeTab === mode));
    }
    // The leaving mode's result first, so the arriving one's says last whether the stage tools are on.
    const results = { speak: this.speak, video: this.video };
    for (const [m, part] of Object.entries(results)) if (m !== mode) part.setActive(false);
    if (mode === 'speak' || mode === 'video') results[mode].setActive(true);
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
    this.video.update(this.ready);
    this.speak.update();
    if (!this.ready.face && this.mode !== 'video') {
      this.overlay.show(
        'No face in this portrait',
        'The face engine found no face in it. The Video file mode animates its whole body; choose a picture with a face for the other modes.',
      );
      return;
    }
    this.overlay.hide();
    if (this.mode === 'expression') this.edits.push(this.spec());
    else if (this.mode === 'timeline' && this.timelineOk) this.timelineFrames.push(this.time());
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

  /**
   * One slider: its full name on a line of its own, the range, a number field (type an exact value) and a
   * reset to 0.
   */
  private slider(
    parent: HTMLElement,
    id: string,
    label: string,
    title: string,
    max: number,
    step: number,
    set: (v: number) => void,
  ): void {
    const digits = step < 0.1 ? 2 : 1;
    const input = h('input', { id, type: 'range', min: '0', max: String(max), step: String(step), value: '0' });
    const num = h('input', {
      id: `${id}-value`,
      type: 'number',
      class: 'num',
      min: '0',
      max: String(max),
      step: String(step),
      value: '0',
      'aria-label': `${label}, value`,
    }) as HTMLInputElement;
    const reset = h(
      'button',
      { type: 'button', class: 'reset', title: 'Back to 0', 'aria-label': `Reset ${label}` },
      '↺',
    );
    const apply = (v: number, typed = false): void => {
      const value = Math.max(0, Math.min(max, Number.isFinite(v) ? v : 0));
      input.value = String(value);
      if (!typed) num.value = value === 0 ? '0' : value.toFixed(digits);
      reset.disabled = value === 0;
      set(value);
    };
    const changed = (): void => {
      if (this.ready.portrait) this.edits.push(this.spec());
    };
    input.addEventListener('input', () => {
      apply(Number(input.value));
      changed();
    });
    num.addEventListener('input', () => {
      if (num.value === '' || !num.checkValidity()) return;
      apply(Number(num.value), true);
      changed();
    });
    num.addEventListener('change', () => apply(Number(num.value)));
    reset.addEventListener('click', () => {
      apply(0);
      changed();
    });
    apply(0);
    this.resetSliders.push(() => apply(0));
    this.setSlider.set(id, apply);
    parent.append(h('div', { class: 'slider', title }, h('label', { for: id }, label), input, num, reset));
  }

  /** Sets the sliders to a preset (everything else back to 0) and renders it. */
  applyPreset(preset: ExpressionPreset): void {
    for (const r of this.resetSliders) r();
    for (const [e, v] of Object.entries(preset.emotions ?? {})) this.setSlider.get(`emotion-${e}`)?.(v);
    for (const [au, v] of Object.entries(preset.aus ?? {})) this.setSlider.get(`au-${au}`)?.(v);
    if (this.ready.portrait) this.edits.push(this.spec());
  }

  /** Loads a driving video into the Video file mode (the test hook). */
  loadVideo(file: Blob & { name?: string }): void {
    this.video.load(file);
  }

  /** Puts a timeline in the editor (an example) and shows the timeline mode. */
  setTimeline(text: string): void {
    const area = $<HTMLTextAreaElement>('#timeline-text');
    area.value = text;
    this.setMode('timeline');
    area.dispatchEvent(new Event('input'));
  }

  private buildExpression(): void {
    const emotions = $('#emotion-sliders');
    for (const e of EMOTION_NAMES) {
      this.slider(
        emotions,
        `emotion-${e}`,
        e[0]!.toUpperCase() + e.slice(1),
        `How much ${e} to add to the face: 0 none, 1 fully`,
        1,
        0.01,
        (v) => this.emotionValues.set(e, v),
      );
    }
    const aus = $('#au-sliders');
    for (const au of ACTION_UNITS) {
      this.slider(
        aus,
        `au-${au}`,
        `AU${au} ${AU_NAMES[au]}`,
        `The ${AU_NAMES[au]} muscle movement (FACS action unit ${au}): 0 leaves the face as it is, 5 is the strongest`,
        AU_MAX,
        0.1,
        (v) => this.auValues.set(au, v),
      );
    }
    for (const preset of EXPRESSION_PRESETS) {
      const b = h('button', { type: 'button', title: preset.title, 'data-preset': preset.name }, preset.name);
      b.addEventListener('click', () => this.applyPreset(preset));
      $('#expression-presets').append(b);
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

    const track = new TimelineTrack(text, (t) => {
      scrub.value = String(t);
      scrub.dispatchEvent(new Event('input'));
    });
    this.track = track;
    $('.editor').after(track.element);
    let bad = new Set<number>();

    const check = (): void => {
      // A message about the last export ("Saved 240 frames") is about a timeline that is no longer this one.
      $('#timeline-export-status').textContent = '';
      const errors = timelineErrors(text.value);
      bad = new Set(errors.map((e) => (e instanceof TimelineError ? e.line : 0)));
      this.timelineOk = errors.length === 0;
      // Every error, each a link to its line.
      error.replaceChildren(
        ...errors.map((e) => {
          const item = h('li', {}, errorText(e));
          if (e instanceof TimelineError) item.addEventListener('click', () => goToLine(text, e.line));
          return item;
        }),
      );
      if (this.timelineOk) {
        const t = parseTimeline(text.value);
        this.timelineDuration = t.durationS;
        scrub.max = String(t.durationS);
        scrub.step = String(1 / t.fps);
        if (this.time() > t.durationS) scrub.value = String(t.durationS);
        track.update(t.durationS, t.fps);
        this.engine.postRender({ type: 'timeline', text: text.value });
        if (this.ready.portrait && this.mode === 'timeline') this.timelineFrames.push(this.time());
      } else {
        this.stop();
      }
      track.element.classList.toggle('stale', !this.timelineOk);
      drawGutter(text, gutter, bad);
      text.classList.toggle('invalid', !this.timelineOk);
      play.disabled = exportButton.disabled = !this.timelineOk;
      this.showTime();
    };
    // Wrapped lines change height with the editor's width.
    new ResizeObserver(() => drawGutter(text, gutter, bad)).observe(text);
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
    this.track?.setTime(this.time());
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
      toast(`Video saved: ${frames} frames, ${(blob.size / 1e6).toFixed(1)} MB.`, 'done');
    } catch (err) {
      status.textContent = `Export failed: ${(err as Error).message}`;
      toast(`Export failed: ${(err as Error).message}`, 'error');
    } finally {
      off();
      button.disabled = !this.timelineOk;
    }
  }
}

/** Puts the caret at the start of a line of the editor (a click on its error). */
function goToLine(text: HTMLTextAreaElement, line: number): void {
  const start =
    text.value
      .split('\n')
      .slice(0, line - 1)
      .join('\n').length + (line > 1 ? 1 : 0);
  text.focus();
  text.setSelectionRange(start, start);
}
