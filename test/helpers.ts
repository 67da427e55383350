/** Shared test helpers: temp folders, fixtures made with ffmpeg from the bundled astronaut, the real-data folder. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFfmpeg } from '../src/media/ffmpeg.js';
import { readImage } from '../src/media/image-file.js';
import { estimatePose } from '../src/face/measures.js';
import type { RgbaImage } from '../src/face/image.js';
import type { FaceResult } from '../src/face/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ASTRONAUT = path.join(ROOT, 'assets', 'astronaut.png');
/** ../shared/data beside the checkout (CI puts it there); tests that need it skip when it is absent. */
export const DATA = path.resolve(ROOT, '..', 'shared', 'data');
export const HAVE_DATA = existsSync(path.join(DATA, 'MANIFEST.tsv'));

/**
 * The bundled astronaut with the landmarks stored in test/fixtures (no analysis needed): enough of a
 * FaceResult for the editor and the renderer, which read the landmarks and the pose.
 */
export async function astronautFixture(): Promise<{ image: RgbaImage; landmarks: Float32Array; face: FaceResult }> {
  const image = await readImage(ASTRONAUT);
  const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/astronaut-landmarks.json'), 'utf8')) as {
    landmarks: number[];
  };
  const landmarks = Float32Array.from(fixture.landmarks);
  return { image, landmarks, face: { landmarks, pose: estimatePose(landmarks) } as FaceResult };
}

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vivify-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs ffmpeg with the given arguments (quiet, overwrite) and fails loudly if it fails. */
export function ffmpeg(...args: string[]): void {
  const { ffmpeg: bin } = findFfmpeg();
  const r = spawnSync(bin, ['-v', 'error', '-y', '-nostdin', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * A short clip of the astronaut's face moving (a crop window sliding over the portrait), `frames` long,
 * at `fps`, `size`×`size`, H.264 MP4 (moov at the front).
 */
export function makeMovingFaceVideo(file: string, { frames = 24, fps = 12, size = 256 } = {}): void {
  ffmpeg(
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-vf',
    `crop=320:320:x='60+30*sin(n/4)':y='10+10*cos(n/5)',scale=${size}:${size},format=yuv420p`,
    '-frames:v',
    String(frames),
    '-r',
    String(fps),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-movflags',
    '+faststart',
    file,
  );
}

/** A still clip: the same astronaut frame repeated. */
export function makeStaticVideo(file: string, { frames = 24, fps = 12 } = {}): void {
  ffmpeg(
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-vf',
    'scale=128:128,format=yuv420p',
    '-frames:v',
    String(frames),
    '-r',
    String(fps),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    file,
  );
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The TypeScript loader, by its full address: the CLI may run in any folder. */
const TSX = import.meta.resolve('tsx');

/** Runs the CLI from source (as `vivify …`) and captures its output. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'src', 'cli', 'bin.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A variable-frame-rate clip of the astronaut's face: 25 frames at 25 fps (0–0.96 s), then 25 frames at
 * 10 fps (1.0–3.4 s), `size`×`size`, lossless H.264. The top-left 16×16 block of frame N is a flat grey
 * of luma 40 + 4·N, so a decoded frame says which driving frame it is. The video lasts 3.5 s; with
 * `audio`, a sine tone as long.
 */
export function makeVfrFaceVideo(file: string, { size = 128, audio = false } = {}): void {
  // 51 frames, of which the copy below keeps the 50 before 3.5 s: the 50th then lasts 0.1 s like its neighbours (the muxer
  // would otherwise give the last frame a duration of one time-base tick). Input at 100 fps so the time
  // base is 1/100 s and the timestamps, in its ticks, are exact.
  const video = `${file}.51.mp4`;
  ffmpeg(
    '-framerate',
    '100',
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-vf',
    `crop=320:320:x='60+30*sin(n/4)':y='10+10*cos(n/5)',scale=${size}:${size},format=yuv420p,` +
      `geq=lum='if(lt(X,16)*lt(Y,16),40+4*N,lum(X,Y))':cb='if(lt(X,8)*lt(Y,8),128,cb(X,Y))':cr='if(lt(X,8)*lt(Y,8),128,cr(X,Y))',` +
      `setpts='if(lt(N,25),4*N,100+10*(N-25))'`,
    '-frames:v',
    '51',
    '-vsync',
    'vfr',
    '-c:v',
    'libx264',
    '-qp',
    '0',
    '-preset',
    'ultrafast',
    video,
  );
  ffmpeg(
    '-i',
    video,
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3.5', '-c:a', 'aac'] : []),
    '-map',
    '0:v',
    ...(audio ? ['-map', '1:a'] : []),
    '-c:v',
    'copy',
    '-t',
    '3.5',
    file,
  );
  rmSync(video);
}

/** Times (s) of the frames of {@link makeVfrFaceVideo}. */
export const VFR_FRAME_TIMES = Array.from({ length: 50 }, (_, n) => (n < 25 ? n / 25 : 1 + (n - 25) / 10));
