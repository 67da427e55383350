/**
 * The timeline as a track under the editor: one row per channel (expression, pose, gaze, blinks, generated
 * motion), a marker per keyframe at its time, and the playhead. Click the track to seek; drag a marker to
 * move its keyframe (the `at` time of its line is rewritten, and the text is parsed again as if typed).
 *
 * The markers come from the text's `at` lines, read here only for display and only once the whole text has
 * parsed (src/expression/timeline.ts is the one parser: it decides what is valid and what plays).
 */
import { EMOTION_NAMES, parseTime } from '../../src/engine.js';
import { h } from './dom.js';

const ROWS = ['expression', 'pose', 'gaze', 'blink', 'generated'] as const;
type Row = (typeof ROWS)[number];
const ROW_WORDS: Record<Row, string> = {
  expression: 'Expression',
  pose: 'Head',
  gaze: 'Gaze',
  blink: 'Blinks',
  generated: 'Generated',
};

/** A keyframe line: where its time is written, and the rows its clauses set. */
export interface TrackKey {
  line: number;
  timeS: number;
  /** Character offsets of the time in the whole text. */
  start: number;
  end: number;
  rows: Row[];
  text: string;
}

function rowOf(word: string): Row | undefined {
  if (word === 'au' || (EMOTION_NAMES as readonly string[]).includes(word)) return 'expression';
  if (word === 'pose') return 'pose';
  if (word === 'gaze') return 'gaze';
  if (word === 'blink') return 'blink';
  if (['generate', 'idle', 'listening', 'still'].includes(word)) return 'generated';
  return undefined;
}

/** The `at` lines of a timeline text (that parses). */
export function scanKeyframes(text: string): TrackKey[] {
  const keys: TrackKey[] = [];
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const code = raw.replace(/#.*/, '');
    const m = /^(\s*at\s+)(\S+)\s+(.*)$/.exec(code);
    const timeS = m ? parseTime(m[2]!) : undefined;
    if (m && timeS !== undefined) {
      const rows = new Set<Row>();
      for (const clause of m[3]!.split(',')) {
        const row = rowOf(clause.trim().split(/\s+/)[0] ?? '');
        if (row) rows.add(row);
      }
      const start = offset + m[1]!.length;
      keys.push({ line: i + 1, timeS, start, end: start + m[2]!.length, rows: [...rows], text: raw.trim() });
    }
    offset += raw.length + 1;
  });
  return keys;
}

/** "1.25s": a time as the timeline writes it, to the millisecond. */
export function formatTime(s: number): string {
  return `${Number(s.toFixed(3))}s`;
}

export class TimelineTrack {
  readonly element: HTMLElement;
  private readonly lanes: HTMLElement;
  private readonly playhead: HTMLElement;
  private readonly ruler: HTMLElement;
  private durationS = 1;
  private fps = 25;
  /** The line whose marker had the keyboard focus when it was moved: it gets it back after the redraw. */
  private focusLine: number | undefined;

  constructor(
    private readonly text: HTMLTextAreaElement,
    private readonly seek: (timeS: number) => void,
  ) {
    this.ruler = h('div', { class: 'track-ruler', 'aria-hidden': 'true' });
    this.playhead = h('div', { class: 'track-playhead', 'aria-hidden': 'true' });
    this.lanes = h(
      'div',
      { class: 'track-lanes', title: 'Click to go to that moment; drag a keyframe to move it' },
      ...ROWS.map((r) => h('div', { class: 'track-lane', 'data-row': r })),
      this.playhead,
    );
    this.element = h(
      'div',
      { class: 'track', id: 'timeline-track' },
      h('div', { class: 'track-labels' }, h('span', {}, ''), ...ROWS.map((r) => h('span', {}, ROW_WORDS[r]))),
      h('div', { class: 'track-body' }, this.ruler, this.lanes),
    );
    this.lanes.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.track-key')) return;
      this.seek(this.timeAt(e.clientX));
    });
  }

  /** Redraws the markers for a text that parsed, with its duration and frame rate. */
  update(durationS: number, fps: number): void {
    this.durationS = Math.max(durationS, 1e-3);
    this.fps = fps;
    const keys = scanKeyframes(this.text.value);
    for (const lane of this.lanes.querySelectorAll<HTMLElement>('.track-lane')) {
      const row = lane.dataset.row as Row;
      lane.replaceChildren(...keys.filter((k) => k.rows.includes(row)).map((k) => this.marker(k)));
    }
    if (this.focusLine !== undefined) {
      this.lanes.querySelector<HTMLElement>(`.track-key[data-line="${this.focusLine}"]`)?.focus();
      this.focusLine = undefined;
    }
    const step = [0.5, 1, 2, 5, 10, 30, 60, 300].find((s) => durationS / s <= 10) ?? 600;
    const ticks: HTMLElement[] = [];
    for (let t = 0; t <= durationS + 1e-9; t += step) {
      ticks.push(h('span', { style: `left: ${(100 * t) / this.durationS}%` }, `${Number(t.toFixed(1))}s`));
    }
    this.ruler.replaceChildren(...ticks);
  }

  /** Moves the playhead. */
  setTime(timeS: number): void {
    this.playhead.style.left = `${(100 * Math.min(timeS, this.durationS)) / this.durationS}%`;
  }

  private timeAt(clientX: number): number {
    const r = this.lanes.getBoundingClientRect();
    const f = Math.max(0, Math.min(1, (clientX - r.left) / r.width));
    // Whole frames, as the export renders them.
    return Math.round(f * this.durationS * this.fps) / this.fps;
  }

  private marker(k: TrackKey): HTMLElement {
    const m = h('button', {
      type: 'button',
      class: 'track-key',
      'data-line': String(k.line),
      style: `left: ${(100 * k.timeS) / this.durationS}%`,
      title: `Line ${k.line}: ${k.text} — drag to move it (or the arrow keys, a frame at a time), click to go there`,
      'aria-label': `Keyframe on line ${k.line} at ${formatTime(k.timeS)}`,
    });
    let dragged: number | undefined;
    // The keyboard: arrows move the keyframe by a frame (with Shift, by ten).
    m.addEventListener('keydown', (e) => {
      const dir = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
      if (!dir) return;
      e.preventDefault();
      const now = this.current(k.line) ?? k;
      const frames = Math.round(now.timeS * this.fps) + dir * (e.shiftKey ? 10 : 1);
      const t = Math.max(0, Math.min(this.durationS, frames / this.fps));
      this.focusLine = k.line;
      this.move(k, t);
    });
    m.addEventListener('pointerdown', (e) => {
      m.setPointerCapture(e.pointerId);
      dragged = undefined;
      e.preventDefault();
    });
    m.addEventListener('pointermove', (e) => {
      if (!m.hasPointerCapture(e.pointerId)) return;
      const t = this.timeAt(e.clientX);
      if (dragged === undefined && Math.abs(t - k.timeS) < 1 / this.fps) return;
      dragged = t;
      m.style.left = `${(100 * t) / this.durationS}%`;
      m.dataset.time = formatTime(t);
    });
    m.addEventListener('pointerup', () => {
      if (dragged === undefined) return this.seek(k.timeS);
      this.move(k, dragged);
    });
    return m;
  }

  /** The keyframe on this line in the text as it is now (the markers are redrawn a moment after a change). */
  private current(line: number): TrackKey | undefined {
    return scanKeyframes(this.text.value).find((x) => x.line === line);
  }

  /** Rewrites a keyframe's time in the text (as if typed: the text is checked and the preview redrawn). */
  private move(marked: TrackKey, timeS: number): void {
    const k = this.current(marked.line);
    if (!k) return;
    const v = this.text.value;
    this.text.value = `${v.slice(0, k.start)}${formatTime(timeS)}${v.slice(k.end)}`;
    this.text.dispatchEvent(new Event('input'));
    this.seek(timeS);
  }
}
