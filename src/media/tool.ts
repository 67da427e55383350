/**
 * Running ffmpeg and ffprobe: a tool run to the end with its output collected, a child's stderr kept for
 * error messages, its exit awaited (a missing binary is E_FFMPEG_MISSING); and the checks and numbers the
 * readers and the writer share.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { VivifyError } from '../errors.js';
import { firstLine } from './image-file.js';
import { checkRegularFile } from './kind.js';

/** "30000/1001" or "25" as a number (NaN when it is neither). */
export function rationalToNumber(r: string): number {
  const [a, b] = r.split('/').map(Number);
  return b ? (a ?? NaN) / b : (a ?? NaN);
}

/** A readable, non-empty regular file, or a one-line error saying why not. */
export async function checkInputFile(file: string): Promise<void> {
  const st = await fs.stat(file).catch((cause: unknown) => {
    throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${file}: ${firstLine(cause)}`, { cause });
  });
  if (!st.isFile()) await checkRegularFile(file, 'a video');
  if (st.size === 0) throw new VivifyError('E_INPUT_EMPTY', `${file} is empty (0 bytes)`);
}

export function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (text.length < 16384) text += d;
  });
  return () => text;
}

export function waitExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (cause) =>
      reject(new VivifyError('E_FFMPEG_MISSING', `could not start ffmpeg: ${firstLine(cause)}`, { cause })),
    );
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs ffmpeg or ffprobe to the end, collecting its output; a missing binary is E_FFMPEG_MISSING. */
export function runTool(bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (cause) =>
      reject(new VivifyError('E_FFMPEG_MISSING', `could not start ${bin}: ${firstLine(cause)}`, { cause })),
    );
    child.once('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}
