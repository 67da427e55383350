/**
 * Runs the browser app for tests, the benchmark and the screenshots: builds it with Vite, serves the
 * static files on a loopback port, and drives Debian's Chromium through playwright-core with a fake camera
 * that plays a .y4m clip (made here with ffmpeg from a real video).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import type { RgbaImage } from '../../src/face/image.js';
import { readImage, writeImage } from '../../src/media/image-file.js';
import { cropAroundFace } from '../../src/render/resize.js';
import { DATA, ffmpeg, ROOT } from '../helpers.js';

/** Builds the web app into `outDir` (a production build, as `npm run build:web` makes it). */
export async function buildWeb(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(ROOT, 'web', 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/**
 * A static file server for `dir` on 127.0.0.1 (any free port). With `gzip`, every file but pictures and videos
 * goes out compressed with `Content-Encoding: gzip` and the compressed length as `Content-Length`, as nginx's
 * `gzip_static` sends pre-compressed files (issue 21: the models failed to load from such a host).
 */
export async function serveStatic(
  dir: string,
  { gzip = false }: { gzip?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const root = path.resolve(dir);
  const compressed = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.resolve(root, `.${rel.endsWith('/') ? `${rel}index.html` : rel}`);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    // Pictures and videos go as they are (already compressed; a browser asks for ranges of a video).
    if (gzip && !['.png', '.jpg', '.webm', '.mp4'].includes(path.extname(file))) {
      let body = compressed.get(file);
      if (!body) compressed.set(file, (body = gzipSync(readFileSync(file))));
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Encoding': 'gzip',
        'Content-Length': body.length,
      });
      res.end(body);
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Chromium to drive: $VIVIFY_CHROMIUM, or Debian's package (`apt-get install chromium`). */
export function findChromium(): string {
  const candidates = [process.env.VIVIFY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((c): c is string => Boolean(c && existsSync(c)));
  if (!found) {
    throw new Error(
      'no Chromium found for the browser tests: install it (Debian/Ubuntu: apt-get install -y chromium) or set VIVIFY_CHROMIUM to its path',
    );
  }
  return found;
}

/**
 * Converts `seconds` of `input` into a .y4m clip for Chromium's fake camera: `size`² (centre crop), `fps`.
 * Chromium plays it in a loop as the camera.
 */
export function makeY4m(input: string, output: string, { size = 384, seconds = 3.1, fps = 25 } = {}): void {
  ffmpeg(
    '-i',
    input,
    '-t',
    String(seconds),
    '-vf',
    `crop='min(iw,ih)':'min(iw,ih)',scale=${size}:${size},fps=${fps},format=yuv420p`,
    '-f',
    'yuv4mpegpipe',
    output,
  );
}

/** Two real portraits of ../shared/data for a group photo, and two real speakers to drive it (left, right). */
export const GROUP_PORTRAITS = ['skimage_astronaut.png', 'lp_d8.jpg'];
export const GROUP_SPEAKERS = ['lp_d0.mp4', 'lp_d11.mp4'];

/**
 * A group photo made at run time (as scripts/eval-group.ts makes one): each portrait of ../shared/data cropped
 * around its face to `side`², side by side, written as a PNG.
 */
export async function makeGroupPhoto(output: string, portraits = GROUP_PORTRAITS, side = 256): Promise<void> {
  const analyzer = await createFaceAnalyzer({ emotion: false });
  try {
    const crops: RgbaImage[] = [];
    for (const p of portraits) {
      const img = await readImage(path.join(DATA, 'images', p));
      const face = (await analyzer.analyze(img))[0];
      if (!face) throw new Error(`no face found in ${p}`);
      crops.push(cropAroundFace(img, face.box, side, 0.6));
    }
    const width = side * crops.length;
    const group: RgbaImage = { width, height: side, data: new Uint8ClampedArray(width * side * 4) };
    crops.forEach((c, k) => {
      for (let y = 0; y < side; y++)
        group.data.set(c.data.subarray(y * side * 4, (y + 1) * side * 4), (y * width + k * side) * 4);
    });
    await writeImage(output, group);
  } finally {
    analyzer.close();
  }
}

/**
 * Two (or more) speakers side by side: each clip of ../shared/data centre-cropped to `side`², hstacked, `seconds`
 * long at `fps`. `.y4m` output: a clip for Chromium's fake camera; anything else: an H.264 video file.
 */
export function makeSpeakersClip(
  output: string,
  { clips = GROUP_SPEAKERS, side = 320, seconds = 3.1, fps = 25 } = {},
): void {
  const inputs = clips.flatMap((c) => ['-i', path.join(DATA, 'videos', c)]);
  const each = clips.map((_, k) => `[${k}:v]crop='min(iw,ih)':'min(iw,ih)',scale=${side}:${side},fps=${fps}[v${k}]`);
  const stack = `${clips.map((_, k) => `[v${k}]`).join('')}hstack=inputs=${clips.length},format=yuv420p`;
  const codec = output.endsWith('.y4m') ? ['-f', 'yuv4mpegpipe'] : ['-c:v', 'libx264', '-preset', 'ultrafast'];
  ffmpeg(...inputs, '-t', String(seconds), '-filter_complex', `${each.join(';')};${stack}`, '-an', ...codec, output);
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  /** Console warnings seen so far (Chromium's deprecation notices among them). */
  warnings: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium (fake camera from `camera`, a .y4m path) and opens `url`. */
export async function openApp(
  url: string,
  {
    camera,
    viewport = { width: 1360, height: 860 },
    allowCamera = true,
  }: {
    camera?: string;
    viewport?: { width: number; height: number };
    /** Grant camera and microphone access (false: the page's request is refused, as when a user blocks it). */
    allowCamera?: boolean;
  } = {},
): Promise<BrowserSession> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--use-fake-device-for-media-stream',
    // Keep a hidden or unfocused page at full speed.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ];
  if (allowCamera) args.push('--use-fake-ui-for-media-stream');
  if (camera) args.push(`--use-file-for-fake-video-capture=${path.resolve(camera)}`);
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  if (allowCamera) await context.grantPermissions(['camera', 'microphone'], { origin: new URL(url).origin });
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await page.goto(url);
  return { browser, context, page, errors, warnings, close: () => browser.close() };
}

/** Waits until the app has loaded its models and the default portrait. */
export async function waitForApp(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const v = (window as unknown as { vivify?: { portrait(): unknown } }).vivify;
      return Boolean(v?.portrait());
    },
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
}

/**
 * Runs `fn` in the page on the app's test hook (`window.vivify`, web/src/main.ts) and returns its result. `fn`
 * travels as source text, so it may use only its argument.
 */
export function inApp<V, T>(page: Page, fn: (v: V) => T): Promise<T> {
  return page.evaluate(
    (src) =>
      (new Function('v', `return (${src})(v)`) as (v: unknown) => T)((window as unknown as { vivify: unknown }).vivify),
    fn.toString(),
  );
}
