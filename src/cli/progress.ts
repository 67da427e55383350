/**
 * Progress for long jobs: a redrawn bar on a terminal, plain lines (at most one per 10%) otherwise, so
 * logs and CI output stay readable. Both show the rate and, when the total is known, the time left. Details
 * and messages are shown with control characters escaped.
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
  options: { base?: number } = {},
): Progress {
  /** Units done before this run started (a resumed job): not counted in the rate. */
  const base = options.base ?? 0;
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
    const r = (done - base) / s;
    if (!(s > 0) || !(r > 0)) return '';
    const left = total && done < total ? ` ETA ${formatDuration((total - done) / r)}` : '';
    return `${r >= 10 ? r.toFixed(0) : r.toFixed(r >= 1 ? 1 : 2)}/s${left}`;
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
      const r = rate(done);
      stream.write(
        `${label}: ${done}${total ? `/${total}` : ''}${r ? ` ${r}` : ''}${detail ? ` ${printable(detail)}` : ''}\n`,
      );
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

/** 75 → "1m 15s", 5000 → "1h 23m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
