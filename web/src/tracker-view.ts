/**
 * "What the tracker sees": the Show panel's switches (result, driver or both side by side; the driver's
 * mesh; the portrait's mesh; bars of the driver's emotions and action units) and the bars themselves, drawn
 * over the live picture from each rendered frame's measures. The meshes are drawn by the engine's own overlay
 * (src/render/overlay.ts, as `vivify analyze --overlay`) in the render worker.
 */
import { ACTION_UNITS, AU_NAMES, EMOTIONS } from '../../src/engine.js';
import { $, h } from './dom.js';
import type { Engine } from './engine.js';
import type { DriverMeasures, ViewSettings } from './protocol.js';

/** Emotion class names as a person says them. */
const EMOTION_WORDS: Record<(typeof EMOTIONS)[number], string> = {
  angry: 'Angry',
  disgust: 'Disgusted',
  fear: 'Afraid',
  happy: 'Happy',
  sad: 'Sad',
  surprise: 'Surprised',
  neutral: 'Neutral',
};

export class TrackerView {
  private readonly layout = $<HTMLSelectElement>('#view-layout');
  private readonly driverMesh = $<HTMLInputElement>('#view-driver-mesh');
  private readonly portraitMesh = $<HTMLInputElement>('#view-portrait-mesh');
  private readonly barsBox = $<HTMLInputElement>('#view-bars');
  private readonly bars = $('#live-bars');
  private readonly rows = new Map<string, { bar: HTMLElement; value: HTMLElement }>();
  private readonly listeners = new Set<(view: ViewSettings) => void>();

  constructor(private readonly engine: Engine) {
    const row = (key: string, label: string, title: string): HTMLElement => {
      const bar = h('span', { class: 'bar-fill' });
      const value = h('span', { class: 'bar-value' }, '–');
      this.rows.set(key, { bar, value });
      return h(
        'div',
        { class: 'bar-row', title },
        h('span', { class: 'bar-label' }, label),
        h('span', { class: 'bar' }, bar),
        value,
      );
    };
    this.bars.append(
      h('p', { class: 'bars-title' }, 'Emotion (probability)'),
      ...EMOTIONS.map((e) =>
        row(`e-${e}`, EMOTION_WORDS[e], `How likely the driver's face shows ${EMOTION_WORDS[e].toLowerCase()}, 0–100%`),
      ),
      h('p', { class: 'bars-title' }, 'Action units (0–5)'),
      ...ACTION_UNITS.map((au) =>
        row(`au-${au}`, `${au} ${AU_NAMES[au]}`, `FACS action unit ${au}, ${AU_NAMES[au]}: how strongly, 0–5`),
      ),
    );
    for (const el of [this.layout, this.driverMesh, this.portraitMesh, this.barsBox]) {
      el.addEventListener('change', () => this.changed());
    }
    this.changed();
  }

  get view(): ViewSettings {
    return {
      layout: this.layout.value as ViewSettings['layout'],
      driverMesh: this.driverMesh.checked,
      portraitMesh: this.portraitMesh.checked,
    };
  }

  /** Whether the analysis should measure emotions and action units (only while the bars show). */
  get measures(): boolean {
    return this.barsBox.checked;
  }

  onChange(l: (view: ViewSettings) => void): void {
    this.listeners.add(l);
  }

  /** Shows or hides the bars (they show only while frames come in). */
  setRunning(running: boolean): void {
    this.bars.hidden = !(running && this.barsBox.checked);
  }

  /** Updates the bars from a rendered frame's measures (nothing measured: dashes). */
  update(measures: DriverMeasures | undefined): void {
    if (this.bars.hidden) return;
    const set = (key: string, fraction: number | undefined, text: string): void => {
      const r = this.rows.get(key)!;
      r.bar.style.width = `${Math.round(100 * Math.max(0, Math.min(1, fraction ?? 0)))}%`;
      r.value.textContent = fraction === undefined ? '–' : text;
    };
    for (const e of EMOTIONS) {
      const p = measures?.emotion?.[e];
      set(`e-${e}`, p, `${Math.round(100 * (p ?? 0))}`);
    }
    for (const au of ACTION_UNITS) {
      const v = measures?.aus?.[au];
      set(`au-${au}`, v === undefined ? undefined : v / 5, (v ?? 0).toFixed(1));
    }
  }

  private changed(): void {
    const view = this.view;
    this.engine.setView(view);
    for (const l of this.listeners) l(view);
  }
}
