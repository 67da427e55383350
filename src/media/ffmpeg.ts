import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { VivifyError } from '../errors.js';

const require = createRequire(import.meta.url);

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  /** Where each came from, for `vivify doctor`-style messages. */
  source: 'env' | 'bundled' | 'path';
}

const HOW_TO_FIX =
  'reinstall with `npm install` (it ships ffmpeg in @ffmpeg-installer/ffmpeg), ' +
  'install ffmpeg on your PATH (e.g. `apt-get install ffmpeg`), or set VIVIFY_FFMPEG and VIVIFY_FFPROBE to the binaries';

let cached: FfmpegPaths | undefined;

/**
 * Finds working ffmpeg and ffprobe binaries, in this order: the VIVIFY_FFMPEG / VIVIFY_FFPROBE
 * environment variables; the static binaries shipped by @ffmpeg-installer/@ffprobe-installer;
 * `ffmpeg`/`ffprobe` on PATH. Each candidate is run once (`-version`) before it is trusted.
 */
export function findFfmpeg(): FfmpegPaths {
  if (cached) return cached;
  const env = process.env;
  const candidates: FfmpegPaths[] = [];
  if (env.VIVIFY_FFMPEG || env.VIVIFY_FFPROBE) {
    candidates.push({ ffmpeg: env.VIVIFY_FFMPEG ?? 'ffmpeg', ffprobe: env.VIVIFY_FFPROBE ?? 'ffprobe', source: 'env' });
  }
  const bundled = bundledPaths();
  if (bundled) candidates.push(bundled);
  candidates.push({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'path' });
  const tried: string[] = [];
  for (const c of candidates) {
    if (c.source === 'bundled') {
      ensureExecutable(c.ffmpeg);
      ensureExecutable(c.ffprobe);
    }
    if (runs(c.ffmpeg) && runs(c.ffprobe)) {
      cached = c;
      return c;
    }
    tried.push(`${c.ffmpeg} (${c.source})`);
  }
  throw new VivifyError(
    'E_FFMPEG_MISSING',
    `no working ffmpeg/ffprobe found (tried ${tried.join(', ')}): ${HOW_TO_FIX}`,
  );
}

function bundledPaths(): FfmpegPaths | undefined {
  try {
    const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
    return { ffmpeg, ffprobe, source: 'bundled' };
  } catch {
    return undefined;
  }
}

/** npm 11 skips dependency install scripts by default, including the one that marks these binaries executable. */
function ensureExecutable(file: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    try {
      const mode = statSync(file).mode;
      chmodSync(file, mode | 0o111);
    } catch {
      /* not ours to fix: the -version probe reports it */
    }
  }
}

function runs(bin: string): boolean {
  const r = spawnSync(bin, ['-version'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000 });
  return r.status === 0;
}
