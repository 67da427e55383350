/**
 * Tools to judge a result on the stage: a face zoom (the portrait's face fills the view), and a comparison
 * with the original portrait — held (the original shows while the button is pressed) or split (the original
 * left of a slider, the result right of it). The original is drawn into a canvas laid exactly over the
 * preview, and the zoom moves both by the same CSS transform, so they stay aligned.
 */
import type { Box, RgbaImage } from '../../src/engine.js';
import { $, h } from './dom.js';

/** Margin around the face box when zoomed: the box fills 1 / ZOOM_MARGIN of the view. */
const ZOOM_MARGIN = 1.3;

export class StageTools {
  private readonly before: HTMLCanvasElement;
  private readonly line: HTMLElement;
  private readonly split: HTMLInputElement;
  private readonly tags: HTMLElement;
  private readonly zoomBox: HTMLInputElement;
  private readonly splitBox: HTMLInputElement;
  private readonly holdButton: HTMLButtonElement;
  private source: { width: number; height: number; face: Box } | undefined;
  private holding = false;
  private enabled = true;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    toolbar: HTMLElement,
    prefix: string,
  ) {
    this.before = h('canvas', { class: 'before', 'aria-hidden': 'true' });
    this.before.hidden = true;
    this.line = h('div', { class: 'split-line', 'aria-hidden': 'true' });
    this.tags = h('div', { class: 'split-tags' }, h('span', {}, 'Before'), h('span', {}, 'After'));
    this.split = h('input', {
      type: 'range',
      class: 'split-range',
      id: `${prefix}-split`,
      min: '0',
      max: '100',
      step: '0.5',
      value: '50',
      'aria-label': 'Where the original ends and the result begins',
    }) as HTMLInputElement;
    this.canvas.after(this.before, this.line, this.tags, this.split);
    this.zoomBox = h('input', { type: 'checkbox', id: `${prefix}-zoom` }) as HTMLInputElement;
    this.splitBox = h('input', { type: 'checkbox', id: `${prefix}-compare` }) as HTMLInputElement;
    this.holdButton = h(
      'button',
      { type: 'button', id: `${prefix}-hold`, title: 'Press and hold to see the original portrait' },
      'Hold: original',
    ) as HTMLButtonElement;
    toolbar.append(
      h(
        'div',
        { class: 'judge' },
        h('label', { class: 'toggle', title: 'Enlarge the face so it fills the view' }, this.zoomBox, ' Face zoom'),
        h(
          'label',
          { class: 'toggle', title: 'The original on the left of the slider, the result on the right' },
          this.splitBox,
          ' Before | after',
        ),
        this.holdButton,
      ),
    );
    this.zoomBox.addEventListener('change', () => this.sync());
    this.splitBox.addEventListener('change', () => this.sync());
    this.split.addEventListener('input', () => this.sync());
    const hold = (on: boolean) => (e: Event) => {
      if (on && e instanceof PointerEvent) this.holdButton.setPointerCapture(e.pointerId);
      this.holding = on;
      this.sync();
    };
    this.holdButton.addEventListener('pointerdown', hold(true));
    this.holdButton.addEventListener('pointerup', hold(false));
    this.holdButton.addEventListener('pointercancel', hold(false));
    this.holdButton.addEventListener('keydown', (e) => (e.key === ' ' || e.key === 'Enter') && hold(true)(e));
    this.holdButton.addEventListener('keyup', hold(false));
    this.holdButton.addEventListener('blur', hold(false));
    // The view and the picture in it change size separately (a mode's panel beside it, a new portrait).
    const resized = new ResizeObserver(() => this.sync());
    resized.observe(viewport);
    resized.observe(canvas);
    this.sync();
  }

  /** The original portrait and its face (the box is what the zoom fills the view with). */
  setSource(image: RgbaImage, face: Box): void {
    this.source = { width: image.width, height: image.height, face };
    this.before.width = image.width;
    this.before.height = image.height;
    const data = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
    this.before.getContext('2d')!.putImageData(data, 0, 0);
    this.sync();
  }

  /** Off while the canvas shows something else than the portrait (the driver, side by side). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const el of [this.zoomBox, this.splitBox, this.holdButton]) el.disabled = !enabled;
    this.sync();
  }

  /** Aligns the original with the preview, applies the zoom and the split. */
  private sync(): void {
    const on = this.enabled && this.source !== undefined;
    const splitting = on && this.splitBox.checked && !this.holding;
    const showBefore = on && (this.holding || splitting);
    this.before.hidden = !showBefore;
    this.split.hidden = this.line.hidden = this.tags.hidden = !splitting;
    this.viewport.classList.toggle('holding', on && this.holding);
    const c = this.canvas;
    Object.assign(this.before.style, {
      left: `${c.offsetLeft}px`,
      top: `${c.offsetTop}px`,
      width: `${c.offsetWidth}px`,
      height: `${c.offsetHeight}px`,
    });
    let transform = { s: 1, tx: 0, ty: 0 };
    if (on && this.zoomBox.checked && this.source && c.offsetWidth > 0) {
      // The picture fills its box as object-fit: contain does: scaled to fit, centred.
      const { face, width, height } = this.source;
      const k = Math.min(c.offsetWidth / width, c.offsetHeight / height);
      const ox = (c.offsetWidth - width * k) / 2;
      const oy = (c.offsetHeight - height * k) / 2;
      const [fx, fy, fw, fh] = [ox + face.x * k, oy + face.y * k, face.width * k, face.height * k];
      const s = Math.min(
        this.viewport.clientWidth / (fw * ZOOM_MARGIN),
        this.viewport.clientHeight / (fh * ZOOM_MARGIN),
      );
      transform = {
        s,
        tx: this.viewport.clientWidth / 2 - c.offsetLeft - s * (fx + fw / 2),
        ty: this.viewport.clientHeight / 2 - c.offsetTop - s * (fy + fh / 2),
      };
    }
    const css = transform.s === 1 ? '' : `translate(${transform.tx}px, ${transform.ty}px) scale(${transform.s})`;
    c.style.transform = this.before.style.transform = css;
    // The split is where the slider points in the view; in the picture (zoomed or not) that is at `x`.
    const lineLeft = (Number(this.split.value) / 100) * this.viewport.clientWidth;
    const x = c.offsetWidth > 0 ? (lineLeft - c.offsetLeft - transform.tx) / (transform.s * c.offsetWidth) : 0.5;
    const inset = 100 * (1 - Math.max(0, Math.min(1, x)));
    this.before.style.clipPath = splitting ? `inset(0 ${inset.toFixed(2)}% 0 0)` : '';
    this.line.style.left = `${lineLeft}px`;
  }

  /**
   * For tests: the state of the tools, and where the face's centre is on screen relative to the view's centre
   * (CSS pixels), from the picture's box as the browser laid it out (transform included).
   */
  state(): { zoom: boolean; split: boolean; holding: boolean; beforeVisible: boolean; faceOffset?: number[] } {
    let faceOffset: number[] | undefined;
    if (this.source) {
      const r = this.canvas.getBoundingClientRect();
      const v = this.viewport.getBoundingClientRect();
      const { face, width, height } = this.source;
      const k = Math.min(r.width / width, r.height / height);
      const x = r.left + (r.width - width * k) / 2 + (face.x + face.width / 2) * k;
      const y = r.top + (r.height - height * k) / 2 + (face.y + face.height / 2) * k;
      faceOffset = [x - (v.left + v.width / 2), y - (v.top + v.height / 2)];
    }
    return {
      zoom: this.zoomBox.checked,
      split: this.splitBox.checked,
      holding: this.holding,
      beforeVisible: !this.before.hidden,
      faceOffset,
    };
  }
}

/** The stage tools of a page's viewport. */
export function stageTools(page: 'live' | 'studio'): StageTools {
  const root = $(`#page-${page}`);
  return new StageTools($('.viewport', root), $<HTMLCanvasElement>(`#${page}-canvas`, root), $('.toolbar', root), page);
}
