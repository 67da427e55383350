/**
 * A rendered video on the stage: it plays over the preview (where the eye is), with its sound, its length and
 * Download video / Close beside it; closed, the preview shows again and the mode's column offers it back
 * (Play the result). It shows only while its mode is the studio's. The Speak and Video file modes each have one:
 * the elements `#<prefix>-stage`, `-result` (the video), `-result-info`, `-download`, `-close` and `-show`.
 */
import { $, download, stamp } from './dom.js';

export class StageResult {
  private blob: Blob | undefined;
  /** Whether the result is on the stage (while its mode is the studio's), and whether its mode is. */
  private showing = false;
  private active = false;

  constructor(
    private readonly prefix: 'speak' | 'video',
    /** The downloaded file's name, before its time stamp. */
    fileStem: string,
    /** Told when the result covers the preview or leaves it (the stage's zoom and compare are off meanwhile). */
    private readonly onStage: (shown: boolean) => void,
  ) {
    $(`#${prefix}-download`).addEventListener(
      'click',
      () => this.blob && download(this.blob, `${stamp(fileStem)}.webm`),
    );
    $(`#${prefix}-close`).addEventListener('click', () => this.show(false));
    $(`#${prefix}-show`).addEventListener('click', () => this.show(true, true));
  }

  get result(): Blob | undefined {
    return this.blob;
  }

  /** A new result (shown on the stage and played), or none (`undefined`: a new input, nothing to offer). */
  set(blob: Blob | undefined, info = ''): void {
    const video = $<HTMLVideoElement>(`#${this.prefix}-result`);
    if (video.src) URL.revokeObjectURL(video.src);
    this.blob = blob;
    if (blob) video.src = URL.createObjectURL(blob);
    else video.removeAttribute('src');
    $(`#${this.prefix}-result-info`).textContent = info;
    this.show(blob !== undefined, true);
  }

  /** Shows the result on the stage (and plays it), or closes it. */
  show(on: boolean, play = false): void {
    this.showing = on && this.blob !== undefined;
    this.display();
    if (!this.showing || !this.active) return;
    // On a phone the stage is above the controls: bring it into view.
    $(`#${this.prefix}-stage`).scrollIntoView({ block: 'nearest' });
    if (play)
      void $<HTMLVideoElement>(`#${this.prefix}-result`)
        .play()
        .catch(() => undefined);
  }

  /** The studio switched modes: the result is on the stage only in its own. */
  setActive(active: boolean): void {
    const leaving = this.active && !active;
    this.active = active;
    this.display();
    if (leaving) this.onStage(false);
  }

  private display(): void {
    const shown = this.active && this.showing;
    $(`#${this.prefix}-stage`).hidden = !shown;
    $(`#${this.prefix}-show`).hidden = shown || this.blob === undefined;
    if (!shown) $<HTMLVideoElement>(`#${this.prefix}-result`).pause();
    if (this.active) this.onStage(shown);
  }
}
