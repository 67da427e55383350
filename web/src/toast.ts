/**
 * Messages where the eye is: errors and completions appear as a toast at the bottom of the stage, above the
 * picture, whatever the sidebar's scroll. Errors stay until closed (or replaced by a newer error); other
 * messages leave after a few seconds. The region is an ARIA live region, so screen readers read them too.
 */
import { $, h } from './dom.js';

/** How long a non-error message stays, milliseconds. */
const TOAST_MS = 5000;
/** At most this many messages at once; the oldest leaves first. */
const MAX_TOASTS = 3;

export type ToastKind = 'info' | 'done' | 'error';

export function toast(message: string, kind: ToastKind = 'info'): void {
  const region = $('#toasts');
  if (kind === 'error') for (const old of region.querySelectorAll('.toast.error')) old.remove();
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Close this message' }, '×');
  const el = h(
    'div',
    { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', {}, message),
    close,
  );
  close.addEventListener('click', () => el.remove());
  region.append(el);
  while (region.children.length > MAX_TOASTS) region.firstElementChild!.remove();
  if (kind !== 'error') setTimeout(() => el.remove(), TOAST_MS);
}
