/**
 * Start from examples: the gallery of things in this project's assets/ that anyone may use — the NASA
 * portrait (public domain), two driving clips and two timelines made from it with `vivify script` — each
 * loaded with one click; and presets for common expressions in the studio.
 */
import type { ActionUnit, EmotionName } from '../../src/engine.js';
import { $, h } from './dom.js';

export interface GalleryActions {
  portrait(blob: Blob, name: string): Promise<void>;
  clip(url: string, name: string): Promise<void>;
  timeline(text: string, name: string): void;
}

interface Example {
  kind: 'portrait' | 'clip' | 'timeline';
  name: string;
  title: string;
  /** What a click does, in words (the tooltip). */
  does: string;
  /** For a timeline, its first lines, shown as its thumbnail. */
  lines?: string;
  url: string;
}

const EXAMPLES: Example[] = [
  {
    kind: 'portrait',
    name: 'astronaut.png',
    title: 'Astronaut',
    does: 'Use this portrait (NASA, public domain)',
    url: new URL('../../assets/astronaut.png', import.meta.url).href,
  },
  {
    kind: 'clip',
    name: 'smile-turn.webm',
    title: 'Smile and turn',
    does: 'Drive the portrait with this clip instead of a camera: a smile, a head turn, surprise',
    url: new URL('../../assets/examples/smile-turn.webm', import.meta.url).href,
  },
  {
    kind: 'clip',
    name: 'talk-look.webm',
    title: 'Talk and look around',
    does: 'Drive the portrait with this clip instead of a camera: the mouth opens and closes, the eyes look around',
    url: new URL('../../assets/examples/talk-look.webm', import.meta.url).href,
  },
  {
    kind: 'timeline',
    name: 'demo-timeline.txt',
    title: 'Demo timeline',
    does: 'Open the demo timeline in the studio: a head turn, a smile, looking around, raised brows, blinks',
    lines: 'at 1s\nhappy 0.9\nyaw 10',
    url: new URL('../../assets/demo-timeline.txt', import.meta.url).href,
  },
  {
    kind: 'timeline',
    name: 'talk-look.txt',
    title: 'Talking timeline',
    does: 'Open the timeline the talking clip was made from in the studio',
    lines: 'at 0.5s\nau 25=2\n26=3',
    url: new URL('../../assets/examples/talk-look.txt', import.meta.url).href,
  },
];

const KIND_WORDS = { portrait: 'Portrait', clip: 'Driving clip', timeline: 'Timeline' } as const;

/** Builds the gallery; a click loads the example (the button is busy meanwhile, errors are thrown to the caller). */
export function buildGallery(actions: GalleryActions, onError: (message: string) => void): void {
  const root = $('#gallery');
  for (const ex of EXAMPLES) {
    // The pictures' addresses wait in data-src until showThumbnails(): the first portrait goes first.
    const thumb =
      ex.kind === 'clip'
        ? h('video', { 'data-src': ex.url, muted: true, preload: 'metadata', playsinline: true, 'aria-hidden': 'true' })
        : ex.kind === 'portrait'
          ? h('img', { 'data-src': ex.url, alt: '' })
          : h('span', { class: 'thumb-text', 'aria-hidden': 'true' }, ex.lines ?? '');
    const button = h(
      'button',
      { type: 'button', class: 'example', title: ex.does, 'data-example': ex.name },
      thumb,
      h('span', { class: 'example-title' }, ex.title),
      h('span', { class: 'example-kind' }, KIND_WORDS[ex.kind]),
    ) as HTMLButtonElement;
    button.addEventListener('click', () => {
      button.disabled = true;
      void load(ex, actions)
        .catch((err: Error) => onError(`Could not load the example ${ex.name}: ${err.message}`))
        .finally(() => (button.disabled = false));
    });
    root.append(button);
  }
}

/** Loads the gallery's pictures (after the first portrait, so they do not slow it down). */
export function showThumbnails(): void {
  for (const el of document.querySelectorAll<HTMLImageElement | HTMLVideoElement>('#gallery [data-src]')) {
    el.src = el.dataset.src!;
    delete el.dataset.src;
  }
}

async function load(ex: Example, actions: GalleryActions): Promise<void> {
  if (ex.kind === 'clip') return actions.clip(ex.url, ex.name);
  const res = await fetch(ex.url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (ex.kind === 'portrait') return actions.portrait(await res.blob(), ex.name);
  actions.timeline(await res.text(), ex.name);
}

/** An expression preset: emotions (0–1) and action units (0–5), both sides. */
export interface ExpressionPreset {
  name: string;
  title: string;
  emotions?: Partial<Record<EmotionName, number>>;
  aus?: Partial<Record<ActionUnit, number>>;
}

export const EXPRESSION_PRESETS: ExpressionPreset[] = [
  { name: 'Smile', title: 'A gentle, closed-lips smile', emotions: { happy: 0.6 } },
  {
    name: 'Big smile',
    title: 'A broad smile, lips apart, cheeks raised',
    emotions: { happy: 1 },
    aus: { 6: 1.5, 25: 1.5 },
  },
  { name: 'Surprise', title: 'Brows up, eyes wide, jaw dropped', emotions: { surprised: 0.9 } },
  { name: 'Sad', title: 'Inner brows up, mouth corners down', emotions: { sad: 0.8 } },
  { name: 'Angry', title: 'Brows down and together, lips pressed', emotions: { angry: 0.8 } },
  { name: 'Disgust', title: 'Nose wrinkled, upper lip raised', emotions: { disgusted: 0.8 } },
  { name: 'Raised brows', title: 'Both brows up, nothing else', aus: { 1: 3, 2: 3 } },
  { name: 'Talking', title: 'Lips apart and the jaw a little open, as mid-word', aus: { 25: 2, 26: 2.5 } },
  { name: 'Eyes closed', title: 'Both eyes closed', aus: { 45: 5 } },
];
