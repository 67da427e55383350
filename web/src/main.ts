/**
 * Vivify in the browser: the app shell. Starts the workers, loads the face models with progress, manages
 * the portrait (the bundled astronaut by default; pick or drop another), and switches between the Live and
 * Studio pages. Everything runs here: no image or frame is sent anywhere.
 */
import type { Box, FaceResult, ModelBackend, RgbaImage } from '../../src/engine.js';
import { $, h } from './dom.js';
import { Engine } from './engine.js';
import { buildGallery, showThumbnails } from './gallery.js';
import { LivePage } from './live.js';
import { StudioPage, type StudioMode } from './studio.js';
import { toast } from './toast.js';

/** Longest side of the working portrait: live speed is measured and stated for 512². */
export const PORTRAIT_MAX_SIDE = 512;

/**
 * The default backend. Measured in headless Chromium on the 2-core test machine (bench/web-live.ts): wasm
 * analyses a tracked frame several times faster than webgl, which runs there on a software GPU. A machine
 * with a real GPU may do better with webgl: the footer's Backend menu switches.
 */
const DEFAULT_BACKEND: ModelBackend = 'wasm';

const params = new URLSearchParams(location.search);
const backend: ModelBackend =
  params.get('backend') === 'webgl' ? 'webgl' : params.get('backend') === 'wasm' ? 'wasm' : DEFAULT_BACKEND;

const engine = new Engine({
  backend,
  live: $<HTMLCanvasElement>('#live-canvas'),
  studio: $<HTMLCanvasElement>('#studio-canvas'),
});
const live = new LivePage(engine);
const studio = new StudioPage(engine);
const modelStatus = $('#model-status');
const portraitStatus = $('#portrait-status');

// --- Backend menu ---------------------------------------------------------------------------------------
const backendSelect = $<HTMLSelectElement>('#backend-select');
backendSelect.value = backend;
backendSelect.addEventListener('change', () => {
  const p = new URLSearchParams(location.search);
  p.set('backend', backendSelect.value);
  location.search = p.toString();
});

// --- Models ---------------------------------------------------------------------------------------------
engine.onAnalysis((e) => {
  if (e.type === 'progress' && e.total > 0 && !modelsSettled) {
    const f = e.loaded / e.total;
    modelStatus.textContent = `Loading face models… ${Math.round(100 * f)}%`;
    live.setLoadingProgress(f);
  } else if (e.type === 'error' && e.id === undefined && modelsReady) {
    showError(e.message);
  }
});
engine.onRender((e) => {
  if (e.type === 'error' && e.id === undefined) showError(e.message);
});
let modelsReady = false;
let modelsSettled = false;
engine.ready.then(
  ({ loadMs }) => {
    modelsReady = modelsSettled = true;
    // The time a person waited: from opening the page (the page's time origin), not from the workers' start.
    const sincePageOpened = performance.now() / 1000;
    modelStatus.textContent = `Face models ready ${sincePageOpened.toFixed(1)} s after the page opened (loading them took ${(loadMs / 1000).toFixed(1)} s)`;
    live.setModels(true);
    studio.setModels(true);
    void loadDefaultPortrait();
  },
  (err: Error) => {
    modelsSettled = true;
    modelStatus.textContent = 'Face models failed to load';
    modelStatus.classList.add('error');
    live.setModels(false, err.message);
    studio.setModels(false, err.message);
    portraitStatus.textContent = '';
    showThumbnails();
  },
);

function showError(message: string): void {
  const bar = $('#stats');
  bar.textContent = `error: ${message}`;
  bar.classList.add('error');
  // Success messages of earlier actions ("Saved 240 frames") would read as if they came after this.
  for (const id of ['#timeline-export-status', '#video-status', '#speak-status']) $(id).textContent = '';
  toast(message, 'error');
}

/** A portrait problem: in the portrait panel and as a toast by the stage (the panel may be out of sight). */
function portraitError(message: string): void {
  portraitStatus.textContent = message;
  portraitStatus.classList.add('error');
  toast(message, 'error');
}

// --- Portrait -------------------------------------------------------------------------------------------
let portrait: { name: string; image: RgbaImage; faces: FaceResult[] } | undefined;
/** Milliseconds from opening the page until the first portrait could be used (for the test and the benchmark). */
let firstPortraitMs: number | undefined;
const faceSelect = $<HTMLSelectElement>('#face-select');

/**
 * The bundled astronaut, fetched and decoded while the face models load (so only its analysis waits for
 * them), then analysed as soon as they are ready.
 */
const defaultPortrait = (async () => {
  const res = await fetch(new URL('../../assets/astronaut.png', import.meta.url));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const blob = await res.blob();
  return { blob, sized: await decodePortrait(blob) };
})();
defaultPortrait.catch(() => undefined);

async function loadDefaultPortrait(): Promise<void> {
  try {
    const { blob, sized } = await defaultPortrait;
    await loadPortrait(blob, 'astronaut.png', sized);
  } catch (err) {
    portraitError(`The default portrait could not be loaded (${(err as Error).message}): choose one.`);
  }
  // The gallery's pictures load after the first portrait, not in its way.
  showThumbnails();
}

/** Decodes and scales a picture (longest side ≤ 512, even sides for the video encoder). */
async function decodePortrait(file: Blob): Promise<ImageBitmap> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, PORTRAIT_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(2, Math.round((bitmap.width * scale) / 2) * 2);
  const height = Math.max(2, Math.round((bitmap.height * scale) / 2) * 2);
  const sized = await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  bitmap.close();
  return sized;
}

/** Decodes, scales and analyses a portrait (`decoded`: already decoded and scaled). */
async function loadPortrait(file: Blob, name: string, decoded?: ImageBitmap): Promise<void> {
  if (!modelsReady) return;
  portraitStatus.textContent = `Finding the face in ${name}…`;
  portraitStatus.classList.remove('error');
  let sized: ImageBitmap;
  try {
    sized = decoded ?? (await decodePortrait(file));
  } catch {
    portraitError(`${name} is not an image this browser can read (try a JPEG, PNG or WebP).`);
    return;
  }
  let result: { image: RgbaImage; faces: FaceResult[] };
  try {
    result = await engine.analysePortrait(sized);
  } catch (err) {
    portraitError(`Could not analyse ${name}: ${(err as Error).message}`);
    return;
  }
  // Without a face, a whole person is still a portrait for the Video file mode's body animation.
  const body = result.faces.length
    ? undefined
    : await engine.bodyPerson(result.image, [], 1, name).catch(() => undefined);
  if (body && !body.ok) console.info(`no body either in ${name}: ${body.message}`);
  if (result.faces.length === 0 && !body?.ok) {
    portraitError(
      `No face found in ${name}. Choose a picture where a face is clearly visible.${portrait ? ` Still using ${portrait.name}.` : ''}`,
    );
    return;
  }
  portrait = { name, ...result };
  const thumb = $<HTMLImageElement>('#portrait-thumb');
  if (thumb.src.startsWith('blob:')) URL.revokeObjectURL(thumb.src);
  thumb.src = URL.createObjectURL(file);
  faceSelect.replaceChildren(
    ...result.faces.map((f, i) =>
      h('option', { value: String(i) }, i === 0 ? `${i} (largest)` : `${i} (${Math.round(f.box.width)} px wide)`),
    ),
    // As `--face all`: every face at once, driven by the camera's (or the video's) faces left to right.
    ...(result.faces.length > 1 ? [h('option', { value: 'all' }, `All faces (${result.faces.length})`)] : []),
  );
  $('#face-row').hidden = result.faces.length < 2;
  if (body) useBodyOnly();
  else useFace(0);
  firstPortraitMs ??= performance.now();
}

/** The face to animate, by its number (0 = largest), or all of them at once. */
function useFace(index: number | 'all'): void {
  if (!portrait) return;
  const all = index === 'all';
  const face = portrait.faces[all ? 0 : index]!;
  engine.setSource(portrait.image, face, all ? portrait.faces : undefined);
  studio.setPortraitPicture(portrait);
  const box = all ? unionBox(portrait.faces.map((f) => f.box)) : face.box;
  live.tools.setSource(portrait.image, box);
  studio.tools.setSource(portrait.image, box);
  const n = portrait.faces.length;
  const using = all
    ? `, all ${n} at once (Live and Video file; camera faces drive them left to right; the other modes use face 0)`
    : n > 1
      ? `, using face ${index}`
      : '';
  portraitStatus.textContent = `${portrait.name}: ${portrait.image.width}×${portrait.image.height}, ${n} face${n === 1 ? '' : 's'}${using}.`;
  live.setPortrait(true);
  studio.setPortrait(true);
}

/** A portrait without a face but with a whole person: the Video file mode animates its body; the rest need a face. */
function useBodyOnly(): void {
  if (!portrait) return;
  const { image } = portrait;
  engine.setPicture(image);
  const whole = { x: 0, y: 0, width: image.width, height: image.height };
  live.tools.setSource(image, whole);
  studio.tools.setSource(image, whole);
  studio.setPortraitPicture(portrait);
  portraitStatus.textContent = `${portrait.name}: ${image.width}×${image.height}, no face found but a whole person: the Studio's Video file mode animates the body (Live and the other modes need a face).`;
  live.setPortrait(false);
  studio.setPortrait(true, false);
}

/** The smallest box around all the boxes. */
function unionBox(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const width = Math.max(...boxes.map((b) => b.x + b.width)) - x;
  const height = Math.max(...boxes.map((b) => b.y + b.height)) - y;
  return { x, y, width, height };
}

faceSelect.addEventListener('change', () => useFace(faceSelect.value === 'all' ? 'all' : Number(faceSelect.value)));
const fileInput = $<HTMLInputElement>('#portrait-file');
$('#choose-portrait').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) void loadPortrait(file, file.name);
  fileInput.value = '';
});
const drop = $('#dropzone');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void loadPortrait(file, file.name);
});

// --- Examples -------------------------------------------------------------------------------------------
buildGallery(
  {
    portrait: (blob, name) => loadPortrait(blob, name),
    clip: async (url, name) => {
      if (!portrait) throw new Error('the face models are still loading');
      location.hash = '#live';
      await live.startClip(url, name);
    },
    timeline: (text) => {
      location.hash = '#studio';
      studio.setTimeline(text);
    },
  },
  (message) => toast(message, 'error'),
);
// The portrait's mesh is drawn on the studio preview too: draw it again when it is switched.
live.view.onChange(() => studio.refresh());

// --- Controls drawer (narrow screens) -------------------------------------------------------------------
const drawerButton = $('#drawer-button');
const setDrawer = (open: boolean): void => {
  document.body.classList.toggle('drawer-open', open);
  drawerButton.setAttribute('aria-expanded', String(open));
  $('#scrim').hidden = !open;
};
drawerButton.addEventListener('click', () => setDrawer(!document.body.classList.contains('drawer-open')));
$('#drawer-close').addEventListener('click', () => setDrawer(false));
$('#scrim').addEventListener('click', () => setDrawer(false));
// A one-click example or a chosen portrait closes the drawer, so the result is seen at once.
$('#gallery').addEventListener('click', (e) => (e.target as Element).closest('.example') && setDrawer(false));

// --- Pages ----------------------------------------------------------------------------------------------
function showPage(): void {
  const page = location.hash === '#studio' ? 'studio' : 'live';
  for (const el of document.querySelectorAll<HTMLElement>('[data-page]')) el.hidden = el.dataset.page !== page;
  for (const a of document.querySelectorAll<HTMLElement>('.tabs a')) {
    a.setAttribute('aria-selected', String(a.getAttribute('href') === `#${page}`));
  }
  live.setVisible(page === 'live');
  if (page === 'studio') studio.setMode(studioMode());
}
const studioMode = (): StudioMode =>
  (document.querySelector<HTMLElement>('[data-mode-tab][aria-selected="true"]')?.dataset.modeTab as
    StudioMode | undefined) ?? 'expression';
window.addEventListener('hashchange', showPage);
showPage();

// --- Live statistics in the footer ----------------------------------------------------------------------
setInterval(() => {
  const s = live.stats();
  const el = $('#stats');
  if (el.classList.contains('error')) return;
  if (s.state !== 'running' || location.hash === '#studio') {
    el.textContent = '';
    return;
  }
  el.textContent = `${s.fps.toFixed(1)} frames/s · analysis ${s.analyseMs.toFixed(0)} ms · render ${s.renderMs.toFixed(0)} ms · ${backend}`;
}, 500);

// --- Hooks for the browser test and the benchmark (read-only views, plus the output probe) ----------------
if (params.has('probe')) live.setProbe(true);
Object.assign(window, {
  vivify: {
    backend,
    live: () => live.stats(),
    probe: () => live.probe.slice(),
    portrait: () => (portrait ? { name: portrait.name, faces: portrait.faces.length } : undefined),
    firstPortraitMs: () => firstPortraitMs,
    drive: (url: string, name: string) => live.startClip(url, name),
    studio: () => ({ renders: studio.renders, lastRenderMs: studio.lastRenderMs }),
    tools: () => ({ live: live.tools.state(), studio: studio.tools.state() }),
    speak: () => studio.speak.last,
    video: () => studio.videoReport,
    loadVideo: (bytes: Uint8Array, name: string) =>
      studio.loadVideo(new File([bytes as Uint8Array<ArrayBuffer>], name)),
  },
});
