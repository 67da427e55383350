/**
 * Progress for long jobs: a redrawn bar on a terminal, plain lines (at most one per 10%) otherwise, so
 * logs and CI output stay readable. Details and messages are shown with control characters escaped.
 */
import { printable } from '../errors.js';

export interface Progress {
  /** Reports `done` of `total` units (total may be unknown). */
  update(done: number, detail?: string): void;
  /** Prints a message on its own line without breaking the bar. */
  log(message: string): void;
  done(summary?: string): void;
}

export function createProgress(
  label: string,
  total: number | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const started = performance.now();
  let lastDecile = -1;
  let lastDraw = 0;
  let barShown = false;
  const clear = (): void => {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  };
  const rate = (done: number): string => {
    const s = (performance.now() - started) / 1000;
    return s > 0 ? `${(done / s).toFixed(1)}/s` : '';
  };
  return {
    update(done, detail) {
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && done !== total) return;
        lastDraw = now;
        const width = 28;
        const frac = total ? Math.min(1, done / total) : 0;
        const bar = total
          ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${Math.round(frac * 100)}%`
          : '';
        stream.write(
          `\r\x1b[2K${label} ${bar} ${done}${total ? `/${total}` : ''} ${rate(done)}${detail ? `  ${printable(detail)}` : ''}`,
        );
        barShown = true;
        return;
      }
      const decile = total ? Math.floor((done / total) * 10) : Math.floor(done / 100);
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${label}: ${done}${total ? `/${total}` : ''}${detail ? ` ${printable(detail)}` : ''}\n`);
    },
    log(message) {
      clear();
      stream.write(`${printable(message)}\n`);
    },
    done(summary) {
      clear();
      const s = ((performance.now() - started) / 1000).toFixed(1);
      stream.write(`${label}: ${printable(summary ?? 'done')} in ${s} s\n`);
    },
  };
}
