/**
 * Helpers of the timeline editor: every error of a text (not only the first), and line numbers that stay
 * beside their lines when long lines wrap.
 */
import { parseTimeline, TimelineError } from '../../src/engine.js';
import { h } from './dom.js';

/** At most this many errors are listed. */
const MAX_ERRORS = 20;

/**
 * Every error of a timeline, in the order found: the parser stops at the first, so each line with an error
 * is blanked and the text parsed again. Errors that are not about one line end the list.
 */
export function timelineErrors(text: string): Error[] {
  const lines = text.split('\n');
  const errors: Error[] = [];
  while (errors.length < MAX_ERRORS) {
    try {
      parseTimeline(lines.join('\n'));
      break;
    } catch (err) {
      errors.push(err as Error);
      const line = err instanceof TimelineError ? err.line : 0;
      if (line < 1 || line > lines.length || lines[line - 1] === '') break;
      lines[line - 1] = '';
    }
  }
  return errors;
}

/** "Line 4, column 7: unknown keyframe …" */
export function errorText(err: Error): string {
  return err instanceof TimelineError
    ? `Line ${err.line}, column ${err.column}: ${err.message.replace(/^line \d+, column \d+: /, '')}`
    : err.message;
}

/**
 * Line numbers for a textarea whose long lines wrap: each number is as tall as its line is on screen
 * (measured in a hidden copy of the text with the textarea's width and font). Lines in `bad` are marked.
 */
export function drawGutter(text: HTMLTextAreaElement, gutter: HTMLElement, bad: ReadonlySet<number>): void {
  const style = getComputedStyle(text);
  const mirror = h('div', { 'aria-hidden': 'true' });
  Object.assign(mirror.style, {
    position: 'absolute',
    visibility: 'hidden',
    left: '-10000px',
    top: '0',
    width: `${text.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)}px`,
    font: style.font,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    tabSize: style.tabSize,
  });
  const lines = text.value.split('\n');
  mirror.append(...lines.map((l) => h('div', {}, l === '' ? '\u200b' : l)));
  document.body.append(mirror);
  const heights = [...mirror.children].map((c) => (c as HTMLElement).getBoundingClientRect().height);
  mirror.remove();
  gutter.replaceChildren(
    ...lines.map((_, i) => {
      const span = h('span', { class: bad.has(i + 1) ? 'bad' : '' }, String(i + 1));
      // Hidden textareas measure 0: leave the lines their natural height then.
      if (text.clientWidth > 0 && heights[i]) span.style.height = `${heights[i]}px`;
      return span;
    }),
  );
}
