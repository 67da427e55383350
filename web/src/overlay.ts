/** The message layer over a canvas: loading progress, a missing permission, an error, with an optional action. */
import { $ } from './dom.js';

export class Overlay {
  private readonly title: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly button: HTMLButtonElement;
  private action: (() => void) | undefined;

  constructor(private readonly root: HTMLElement) {
    this.title = $('.overlay-title', root);
    this.detail = $('.overlay-detail', root);
    this.bar = $('.progress', root);
    this.button = $<HTMLButtonElement>('button', root);
    this.button.addEventListener('click', () => this.action?.());
  }

  show(
    title: string,
    detail: string,
    options: { progress?: number; error?: boolean; action?: [string, () => void] } = {},
  ): void {
    this.root.hidden = false;
    this.root.classList.toggle('error', Boolean(options.error));
    this.root.classList.toggle('loading', options.progress !== undefined);
    this.title.textContent = title;
    this.detail.textContent = detail;
    this.bar.hidden = options.progress === undefined;
    if (options.progress !== undefined) this.progress(options.progress);
    this.button.hidden = !options.action;
    this.action = options.action?.[1];
    if (options.action) this.button.textContent = options.action[0];
  }

  progress(fraction: number): void {
    this.bar.hidden = false;
    (this.bar.firstElementChild as HTMLElement).style.width =
      `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  }

  hide(): void {
    this.root.hidden = true;
  }

  get visible(): boolean {
    return !this.root.hidden;
  }
}
