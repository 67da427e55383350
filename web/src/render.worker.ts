/**
 * The render worker: Vivify's engine, unchanged, drawing into OffscreenCanvases. Live camera frames and
 * video-file frames (analysed by the analysis worker, which sends them here directly) drive reenactors;
 * the studio's edits and timelines render with the face editor and the scripted state.
 */
import {
  type AudioFeatureStream,
  autoBlinks,
  createAudioFeatureStream,
  createFaceEditor,
  createReenactor,
  createRenderer,
  createTimelineSampler,
  drawAnalysisOverlay,
  drawFaceMesh,
  type DrivingFrame,
  type FaceEditor,
  type FaceResult,
  faceState,
  type FaceState,
  loadMotionModels,
  loadSpeechModel,
  type MotionModels,
  type MouthBank,
  mouthCurves,
  needsMotionModels,
  normaliseAudioFeatures,
  parseEyeBank,
  parseMouthBank,
  parseTimeline,
  projectState,
  type ReenactedFrame,
  type Reenactor,
  type ReenactorOptions,
  type Renderer,
  type RendererOptions,
  type RgbaImage,
  scriptedAUs,
  scriptedState,
  SILENCE_RMS,
  SPEECH_AUS,
  SPEECH_FPS,
  SPEECH_SAMPLE_RATE,
  speechActivity,
  type SpeechModel,
  speechMotion,
  type TimelineFrame,
} from '../../src/engine.js';
import { type BodyDrive, createBodyDrive } from './body-render.js';
import { createVideoEncoder, encodeOpus, type VideoFileEncoder } from './encoder.js';
import { groupReenactor, leftToRight } from './group.js';
import type {
  AnalysedFrame,
  BodyFrame,
  Box,
  CanvasName,
  DriverMeasures,
  ProbeRequest,
  RenderEvent,
  RenderRequest,
  ViewSettings,
} from './protocol.js';
import { errorMessage, workerScope } from './worker-scope.js';

const scope = workerScope<RenderRequest, RenderEvent>();
let analysis: MessagePort | undefined;
const canvases = {} as Record<CanvasName, OffscreenCanvasRenderingContext2D>;

interface Source {
  image: RgbaImage;
  face: FaceResult;
  /** All the portrait's faces, animated at once in Live and the Video file mode (the other modes use `face`). */
  group?: FaceResult[];
  state: FaceState;
  editor?: FaceEditor;
  renderer?: Renderer;
}
let source: Source | undefined;

/** The live reenactment: options, the driver's reference (kept when options change) and the reenactor. */
const live = {
  options: {} as ReenactorOptions,
  reference: undefined as
    { state: FaceState; frame: { image: RgbaImage; landmarks: Float32Array }; faces: FaceResult[] } | undefined,
  reenactor: undefined as Reenactor | undefined,
  probe: false,
  probing: false,
  /** The last output shown, drawn again when the view changes (also after the camera stopped). */
  last: undefined as ReenactedFrame | undefined,
  /** Every camera face of the frames being rendered, by frame (for the probe of a group). */
  faces: new WeakMap<object, FaceResult[]>(),
};

/** The studio's timeline: a promise, because one with generated motion waits for the motion models. */
let timeline: Promise<{ sample: (t: number) => TimelineFrame; frames: number; fps: number }> | undefined;
let modelsUrl = '';
let motionModels: Promise<MotionModels> | undefined;

/** The shipped generated-motion models, fetched once, when a timeline first needs them. */
function shippedMotionModels(): Promise<MotionModels> {
  motionModels ??= (async () => {
    const url = new URL('motion.json', modelsUrl).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the motion models (${url}: HTTP ${res.status})`);
    return loadMotionModels(await res.json());
  })();
  // A failed fetch is tried again the next time.
  motionModels.catch(() => (motionModels = undefined));
  return motionModels;
}
let speechModel: Promise<SpeechModel> | undefined;

/** The shipped audio → mouth model, fetched once, when the Speak mode first needs it. */
function shippedSpeechModel(): Promise<SpeechModel> {
  speechModel ??= (async () => {
    const url = new URL('speech.json', modelsUrl).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the speech model (${url}: HTTP ${res.status})`);
    return loadSpeechModel(await res.json());
  })();
  speechModel.catch(() => (speechModel = undefined));
  return speechModel;
}

/** The Speak job in progress (a newer one, or a cancel, stops it between frames). */
let speakJob = 0;

/** The portrait's lips (the speech model's lip points), grown by half their size each way. */
function mouthBox(face: FaceResult, points: readonly number[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    const x = face.landmarks[3 * p]!;
    const y = face.landmarks[3 * p + 1]!;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const w = x1 - x0;
  const h = y1 - y0;
  return { x: x0 - w / 2, y: y0 - h / 2, width: 2 * w, height: 2 * h };
}

/**
 * The Speak mode: as `vivify speak` does (src/speech/node/speak.ts), the speech's features at the model's rate,
 * the audio → mouth model and the speech motion, each frame rendered by the portrait's renderer; the frames
 * and the speech (Opus) go into one WebM.
 */
async function speak(msg: Extract<RenderRequest, { type: 'speak' }>): Promise<void> {
  const s = needSource();
  const job = ++speakJob;
  const progress = (stage: 'features' | 'sound' | 'render', done: number, total: number): void =>
    scope.post({ type: 'speak-progress', id: msg.id, stage, done, total });
  const stream = createAudioFeatureStream(SPEECH_SAMPLE_RATE, SPEECH_FPS);
  for (let at = 0; at < msg.samples.length; at += SPEECH_SAMPLE_RATE) {
    stream.push(msg.samples.subarray(at, at + SPEECH_SAMPLE_RATE));
    progress('features', Math.min(msg.samples.length, at + SPEECH_SAMPLE_RATE), msg.samples.length);
    // Let a cancel in.
    await new Promise((r) => setTimeout(r, 0));
    if (job !== speakJob) return;
  }
  const frames = stream.end();
  const [motionModels, speech] = await Promise.all([shippedMotionModels(), shippedSpeechModel()]);
  const o = msg.options;
  const motion = speechMotion(
    motionModels,
    speech,
    normaliseAudioFeatures(frames),
    speechActivity(frames.rms, SPEECH_FPS),
    { seed: o.seed, emotion: o.emotion, fps: o.fps, mouthScale: o.mouthScale },
  );
  progress('sound', 0, 1);
  const sound = await encodeOpus(msg.sound);
  const encoder = await createVideoEncoder(s.image.width, s.image.height, o.fps, sound);
  const total = motion.frames.length;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    // Let a cancel in (it is handled outside the queue).
    await new Promise((r) => setTimeout(r, 0));
    if (job !== speakJob) return;
    const f = motion.frames[i]!;
    const image = renderer().render({ target: scriptedState(s.state, f), aus: scriptedAUs(f) }).image;
    await encoder.add(image);
    if (i % 5 === 0 || i === total - 1) {
      draw('studio', image, false);
      progress('render', i + 1, total);
    }
  }
  const blob = await encoder.finish();
  scope.post({
    type: 'spoken',
    id: msg.id,
    blob,
    frames: encoder.frames,
    fps: o.fps,
    durationS: msg.samples.length / SPEECH_SAMPLE_RATE,
    withSound: Boolean(sound),
    mouthBox: mouthBox(s.face, speech.file.lipPoints),
    msPerFrame: (performance.now() - t0) / Math.max(1, total),
  });
}

/** Live lip-sync: the last 4 s of microphone features (what the model and the normalisation see). */
const LIPSYNC_WINDOW = 4 * SPEECH_FPS;
/** The loudness reference never falls below −35 dBFS, so a quiet room's noise does not count as speech. */
const LIPSYNC_LOUD_FLOOR = 10 ** (-35 / 20);
/** Frames quieter than −55 dBFS are pauses, whatever the reference. */
const LIPSYNC_QUIET = 10 ** (-55 / 20);
/** The loudness reference falls 20 dB in 10 s after the voice stops (a decaying peak). */
const LIPSYNC_DECAY = 10 ** (-20 / 20 / (10 * SPEECH_FPS));
/** Natural blinks while lip-syncing: the timelines' schedule (about 15 a minute), for an hour, then again. */
const LIPSYNC_BLINKS = autoBlinks(3600, 1);

const lipsync = {
  active: false,
  stream: undefined as AudioFeatureStream | undefined,
  speech: undefined as SpeechModel | undefined,
  mouthScale: 1,
  features: [] as Float32Array[],
  rms: [] as number[],
  /** Speech activity per frame (0 pause … 1), from the decaying loudness reference. */
  activity: [] as number[],
  /** Frame number of features[0]. */
  first: 0,
  loud: LIPSYNC_LOUD_FLOOR,
  samples: 0,
  /** When the newest samples reached this worker (performance.now()). */
  arrivedAt: 0,
  pending: false,
};

/** Microphone samples in: features as they complete (outside the message queue: a few ms each). */
function lipsyncAudio(samples: Float32Array): void {
  if (!lipsync.active || !lipsync.stream) return;
  lipsync.stream.push(samples);
  lipsync.samples += samples.length;
  lipsync.arrivedAt = performance.now();
  const done = lipsync.stream.drain();
  done.features.forEach((f, i) => {
    const r = done.rms[i]!;
    lipsync.loud = Math.max(LIPSYNC_LOUD_FLOOR, r, lipsync.loud * LIPSYNC_DECAY);
    const db = 20 * Math.log10(Math.max(r, SILENCE_RMS) / lipsync.loud);
    lipsync.features.push(f);
    lipsync.rms.push(r);
    lipsync.activity.push(r < LIPSYNC_QUIET ? 0 : Math.min(1, Math.max(0, (db + 40) / 40)));
  });
  const extra = lipsync.features.length - LIPSYNC_WINDOW;
  if (extra > 0) {
    lipsync.features.splice(0, extra);
    lipsync.rms.splice(0, extra);
    lipsync.activity.splice(0, extra);
    lipsync.first += extra;
  }
  if (done.features.length && !lipsync.pending) {
    lipsync.pending = true;
    queue = queue
      .then(renderLipsync)
      .catch((err: unknown) => scope.post({ type: 'error', message: errorMessage(err) }));
  }
}

/**
 * Renders the newest frame the model can tell: the speech model over the window (normalised as `vivify speak`
 * normalises an utterance), its mouth curves gated by the voice's activity, at the frame its look-ahead allows.
 */
function renderLipsync(): void {
  lipsync.pending = false;
  const speech = lipsync.speech;
  if (!lipsync.active || !speech || !source) return;
  const lookahead = (speech.file.config.convKernel - 1) / 2;
  const n = lipsync.features.length;
  if (n <= lookahead) return;
  const t0 = performance.now();
  const rms = Float32Array.from(lipsync.rms);
  const prediction = speech.predict(normaliseAudioFeatures({ fps: SPEECH_FPS, features: lipsync.features, rms }));
  const act = lipsync.activity;
  const activity = Float32Array.from(act, (_, i) => {
    const a = act[Math.max(0, i - 1)]!;
    const b = act[Math.min(n - 1, i + 1)]!;
    return (a + act[i]! + b) / 3;
  });
  const curves = mouthCurves(prediction, speech, activity);
  const t = n - 1 - lookahead;
  const frameNo = lipsync.first + t;
  const timeS = frameNo / SPEECH_FPS;
  const aus: Record<number, number> = {};
  SPEECH_AUS.forEach((au, j) => (aus[au] = Math.min(5, lipsync.mouthScale * curves[j]![t]!)));
  const blink = blinkAt(timeS % 3600);
  const frame: TimelineFrame = {
    aus: { left: { ...aus }, right: { ...aus } },
    pose: { yawDeg: 0, pitchDeg: 0, rollDeg: 0 },
    gaze: { x: 0, y: 0 },
    blink,
  };
  const image = renderer().render({
    target: scriptedState(source.state, frame),
    aus: scriptedAUs(frame, source.state),
  }).image;
  live.last = undefined;
  drawLive(image);
  const ms = performance.now() - t0;
  const lagMs =
    (lipsync.samples / SPEECH_SAMPLE_RATE - (frameNo + 0.5) / SPEECH_FPS) * 1000 +
    (performance.now() - lipsync.arrivedAt);
  scope.post({ type: 'lipsync-frame', ms, lagMs, open: aus[26] ?? 0 });
}

/** Eye closure at a time of the blink schedule: up and down over each blink's length. */
function blinkAt(timeS: number): number {
  for (const b of LIPSYNC_BLINKS) {
    if (b.timeS > timeS) break;
    const x = (timeS - b.timeS) / b.durationS;
    if (x < 1) return 1 - Math.abs(2 * x - 1);
  }
  return 0;
}

/**
 * The bank of real mouths (assets/mouth-bank.json and .jpg) and its closed eyes (assets/eye-bank.json and .jpg),
 * fetched from the start; a portrait waits for it so that every renderer fills mouths and closes eyes from it.
 * If it cannot be had the mouths are drawn and closing lids stretched, and the console says why.
 *
 * The atlases are decoded and the bank read only once a portrait comes (wantBanks): that takes one core about a
 * second, and until then the analysis worker, finding the first portrait's face with cold models, needs it (on
 * two cores it made the first portrait 0.5 s later under load). The portrait is shown meanwhile.
 */
let mouthBank: Promise<MouthBank | undefined> = Promise.resolve(undefined);
let bank: MouthBank | undefined;
let wantBanks: () => void = () => undefined;
const banksWanted = new Promise<void>((resolve) => (wantBanks = resolve));

async function fetchMouthBank(): Promise<MouthBank | undefined> {
  try {
    // Literal URLs, so that the build bundles the files.
    const [mouths, eyes] = await Promise.all([
      fetchAtlas(
        new URL('../../assets/mouth-bank.json', import.meta.url),
        new URL('../../assets/mouth-bank.jpg', import.meta.url),
      ),
      fetchAtlas(
        new URL('../../assets/eye-bank.json', import.meta.url),
        new URL('../../assets/eye-bank.jpg', import.meta.url),
      ),
    ]);
    return { ...parseMouthBank(mouths.index, mouths.atlas), closedEyes: parseEyeBank(eyes.index, eyes.atlas) };
  } catch (err) {
    console.warn(`real mouths unavailable, mouths are drawn: ${errorMessage(err)}`);
    return undefined;
  }
}

/** One of the banks: its index (JSON) and its decoded atlas (JPEG). */
async function fetchAtlas(json: URL, jpg: URL): Promise<{ index: unknown; atlas: RgbaImage }> {
  const name = (u: URL): string => u.pathname.slice(u.pathname.lastIndexOf('/') + 1);
  const [index, jpeg] = await Promise.all([
    fetch(json).then((r) => {
      if (!r.ok) throw new Error(`${name(json)}: HTTP ${r.status}`);
      return r.json() as Promise<unknown>;
    }),
    fetch(jpg).then((r) => {
      if (!r.ok) throw new Error(`${name(jpg)}: HTTP ${r.status}`);
      return r.blob();
    }),
  ]);
  await banksWanted;
  const bitmap = await createImageBitmap(jpeg);
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { index, atlas: { width: pixels.width, height: pixels.height, data: pixels.data } };
}

/** What every renderer here is made with. */
const rendererOptions = (): RendererOptions => ({ mouth: bank ? { bank } : undefined });

let file: { id: number; reenactor: Reenactor; encoder: VideoFileEncoder; pending: Promise<void> } | undefined;
/** A body drive of the Video file mode (a full-length portrait moved by a body video). */
let body: { id: number; drive: BodyDrive; encoder: VideoFileEncoder; pending: Promise<void> } | undefined;

let view: ViewSettings = { layout: 'result', driverMesh: false, portraitMesh: false };
/** A scratch canvas to scale the driver's frame into the side-by-side view. */
let scratch: OffscreenCanvasRenderingContext2D | undefined;

const imageData = (image: RgbaImage): ImageData =>
  new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);

function resize(ctx: OffscreenCanvasRenderingContext2D, width: number, height: number): void {
  if (ctx.canvas.width !== width || ctx.canvas.height !== height) {
    ctx.canvas.width = width;
    ctx.canvas.height = height;
  }
}

/** Draws an image; on the studio preview of the portrait itself, with its analysed mesh if asked. */
function draw(name: CanvasName, image: RgbaImage, ofPortrait = true): void {
  const ctx = canvases[name];
  if (name === 'studio' && ofPortrait && view.portraitMesh && source) {
    image = drawFaceMesh(image, source.face.landmarks);
  }
  resize(ctx, image.width, image.height);
  ctx.putImageData(imageData(image), 0, 0);
}

/** The live canvas: the result, the driver, or the driver (scaled to the result's height) beside the result. */
function drawLive(result: RgbaImage, driver?: { image: RgbaImage; face: FaceResult | undefined }): void {
  const ctx = canvases.live;
  const withDriverMesh = (d: { image: RgbaImage; face: FaceResult | undefined }): RgbaImage =>
    view.driverMesh && d.face ? drawAnalysisOverlay(d.image, [d.face]) : d.image;
  if (view.layout === 'result' || !driver) {
    resize(ctx, result.width, result.height);
    ctx.putImageData(imageData(result), 0, 0);
  } else if (view.layout === 'driver') {
    const d = withDriverMesh(driver);
    resize(ctx, d.width, d.height);
    ctx.putImageData(imageData(d), 0, 0);
  } else {
    const d = withDriverMesh(driver);
    const dw = Math.round((d.width * result.height) / d.height);
    scratch ??= new OffscreenCanvas(d.width, d.height).getContext('2d')!;
    resize(scratch, d.width, d.height);
    scratch.putImageData(imageData(d), 0, 0);
    resize(ctx, dw + result.width, result.height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(scratch.canvas, 0, 0, dw, result.height);
    ctx.putImageData(imageData(result), dw, 0);
  }
}

/** A live output as the view asks: with the portrait's mesh as rendered, beside the driver. */
function showLive(out: ReenactedFrame): void {
  live.last = out;
  const result = view.portraitMesh && out.target ? drawFaceMesh(out.image, projectState(out.target)) : out.image;
  drawLive(result, { image: out.frame, face: out.face });
}

/** The driver's emotion and action units, when the analysis measured them. */
function measures(face: FaceResult | undefined): DriverMeasures | undefined {
  if (!face || (!face.emotion && !face.actionUnits)) return undefined;
  return { emotion: face.emotion, aus: face.actionUnits?.intensity };
}

function liveReenactor(): Reenactor | undefined {
  if (!source || !live.reference) return undefined;
  // All faces: each member's reference is its driver face (mapped by position) in the reference frame.
  if (source.group) {
    live.reenactor ??= groupReenactor(
      source.image,
      source.group,
      { ...live.options, mouth: rendererOptions().mouth },
      { image: live.reference.frame.image, faces: live.reference.faces },
    );
    return live.reenactor;
  }
  live.reenactor ??= createReenactor(source.image, source.face, {
    ...live.options,
    mouth: rendererOptions().mouth,
    reference: live.reference.state,
    referenceFrame: live.reference.frame,
  });
  return live.reenactor;
}

function onLiveFrame(msg: AnalysedFrame): void {
  const t0 = performance.now();
  const frame: DrivingFrame = msg.frame;
  if (msg.face && !live.reference) {
    live.reference = {
      state: faceState(msg.face),
      frame: { image: frame, landmarks: msg.face.landmarks },
      faces: msg.faces,
    };
    live.reenactor = undefined;
  }
  const reenactor = liveReenactor();
  let mouth = 'none';
  let outputs = 0;
  if (reenactor) {
    if (live.probe && source?.group) live.faces.set(frame, msg.faces);
    for (const out of reenactor.push(frame, msg.face, msg.faces)) {
      showLive(out);
      mouth = out.mouth;
      outputs++;
      if (live.probe) probe(msg.seq, out);
    }
  }
  const ms = performance.now() - t0;
  scope.post({
    type: 'rendered',
    seq: msg.seq,
    ms,
    outputs,
    mouth,
    delay: reenactor?.delay ?? 0,
    found: Boolean(msg.face),
    measures: measures(msg.face),
  });
}

/** Test probe: hands an output frame and its driver's mouth opening to the analysis worker (one at a time). */
function probe(seq: number, out: ReenactedFrame): void {
  if (live.probing || !out.face || !out.target) return;
  live.probing = true;
  const image: RgbaImage = { width: out.image.width, height: out.image.height, data: out.image.data.slice() };
  const req: ProbeRequest = { type: 'probe', seq, image, driver: out.face.mouth.open };
  const faces = live.faces.get(out.frame);
  if (source?.group && faces) {
    req.group = { drivers: leftToRight(faces).map((f) => f.mouth.open), faces: source.group.length };
  }
  analysis!.postMessage(req, [image.data.buffer]);
}

function onFileFrame(msg: AnalysedFrame): void {
  if (!file) return;
  const job = file;
  const t0 = performance.now();
  const outs = job.reenactor.push(msg.frame, msg.face, msg.faces);
  job.pending = job.pending.then(async () => {
    for (const out of outs) await job.encoder.add(out.image);
  });
  const last = outs.at(-1);
  if (last) draw('studio', last.image, false);
  scope.post({ type: 'file-frame', seq: msg.seq, ms: performance.now() - t0 });
}

function onBodyFrame(msg: BodyFrame): void {
  if (!body || body.id !== msg.id) return;
  const job = body;
  const t0 = performance.now();
  let image: RgbaImage;
  try {
    image = job.drive.next(msg);
  } catch (err) {
    body = undefined;
    scope.post({ type: 'error', id: job.id, message: errorMessage(err) });
    return;
  }
  job.pending = job.pending.then(() => job.encoder.add(image));
  draw('studio', image, false);
  scope.post({ type: 'file-frame', seq: msg.seq, ms: performance.now() - t0 });
}

function renderer(): Renderer {
  source!.renderer ??= createRenderer(source!.image, source!.state, source!.face.landmarks, rendererOptions());
  return source!.renderer;
}

function renderTimeline(t: { sample: (t: number) => TimelineFrame }, timeS: number): RgbaImage {
  const frame = t.sample(timeS);
  return renderer().render({ target: scriptedState(source!.state, frame), aus: scriptedAUs(frame, source!.state) })
    .image;
}

async function canvasPng(name: CanvasName): Promise<Blob> {
  return (canvases[name].canvas as OffscreenCanvas).convertToBlob({ type: 'image/png' });
}

function needSource(): Source {
  if (!source) throw new Error('choose a portrait first');
  return source;
}

async function handle(msg: RenderRequest): Promise<void> {
  switch (msg.type) {
    case 'init':
      analysis = msg.analysis;
      analysis.onmessage = (e: MessageEvent<AnalysedFrame | BodyFrame | { type: 'probe-done' }>) => {
        const m = e.data;
        if (m.type === 'probe-done') live.probing = false;
        else if (m.type === 'body-frame') onBodyFrame(m);
        else if (m.stream === 'live') onLiveFrame(m);
        else onFileFrame(m);
      };
      canvases.live = msg.live.getContext('2d')!;
      canvases.studio = msg.studio.getContext('2d')!;
      modelsUrl = msg.modelsUrl;
      mouthBank = fetchMouthBank();
      return;
    case 'source':
      if (!bank) {
        // The first portrait: shown now, its renderers made once the banks are read (from now on).
        wantBanks();
        drawLive(msg.image);
        draw('studio', msg.image, false);
      }
      bank = await mouthBank;
      source = { image: msg.image, face: msg.face, group: msg.group, state: faceState(msg.face) };
      live.reenactor = undefined;
      live.last = undefined;
      drawLive(source.image);
      draw('studio', source.image);
      return;
    case 'picture':
      source = undefined;
      live.reenactor = undefined;
      live.last = undefined;
      drawLive(msg.image);
      draw('studio', msg.image);
      return;
    case 'live-options':
      live.options = msg.options;
      live.reenactor = undefined;
      return;
    case 'view':
      view = msg.view;
      if (live.last) showLive(live.last);
      return;
    case 'recalibrate':
      live.reference = undefined;
      return;
    case 'probe':
      live.probe = msg.on;
      return;
    case 'edit': {
      const s = needSource();
      const t0 = performance.now();
      s.editor ??= createFaceEditor(s.image, s.face, undefined, rendererOptions());
      draw('studio', s.editor.edit(msg.spec).image);
      scope.post({ type: 'drawn', id: msg.id, ms: performance.now() - t0 });
      return;
    }
    case 'timeline': {
      const t = parseTimeline(msg.text);
      const pending = (async () => ({
        sample: createTimelineSampler(t, 1, needsMotionModels(t) ? await shippedMotionModels() : undefined),
        fps: t.fps,
        frames: Math.max(1, Math.round(t.durationS * t.fps)),
      }))();
      // Frames asked for meanwhile wait for it; its error, if any, is reported with them.
      pending.catch(() => undefined);
      timeline = pending;
      return;
    }
    case 'timeline-frame': {
      needSource();
      if (!timeline) throw new Error('the timeline has errors');
      const tl = await timeline;
      const t0 = performance.now();
      draw('studio', renderTimeline(tl, msg.timeS));
      scope.post({ type: 'drawn', id: msg.id, ms: performance.now() - t0 });
      return;
    }
    case 'timeline-export': {
      const s = needSource();
      if (!timeline) throw new Error('the timeline has errors');
      const t = await timeline;
      const encoder = await createVideoEncoder(s.image.width, s.image.height, t.fps);
      for (let i = 0; i < t.frames; i++) {
        const image = renderTimeline(t, i / t.fps);
        await encoder.add(image);
        if (i % 5 === 0 || i === t.frames - 1) {
          draw('studio', image);
          scope.post({ type: 'export-progress', id: msg.id, frame: i + 1, total: t.frames });
        }
      }
      const blob = await encoder.finish();
      scope.post({ type: 'video', id: msg.id, blob, frames: encoder.frames, mimeType: blob.type });
      return;
    }
    case 'png':
      scope.post({ type: 'png', id: msg.id, blob: await canvasPng(msg.canvas) });
      return;
    case 'file-begin': {
      const s = needSource();
      const encoder = await createVideoEncoder(s.image.width, s.image.height, msg.fps);
      const options = { ...msg.options, mouth: rendererOptions().mouth };
      file = {
        id: msg.id,
        reenactor: s.group ? groupReenactor(s.image, s.group, options) : createReenactor(s.image, s.face, options),
        encoder,
        pending: Promise.resolve(),
      };
      scope.post({ type: 'ack', id: msg.id });
      return;
    }
    case 'file-end': {
      if (!file || file.id !== msg.id) return;
      const job = file;
      file = undefined;
      const rest = job.reenactor.flush();
      await job.pending;
      for (const out of rest) await job.encoder.add(out.image);
      const blob = await job.encoder.finish();
      scope.post({ type: 'video', id: msg.id, blob, frames: job.encoder.frames, mimeType: blob.type });
      return;
    }
    case 'file-cancel':
      file = undefined;
      body = undefined;
      return;
    case 'body-begin': {
      const encoder = await createVideoEncoder(msg.image.width, msg.image.height, msg.fps);
      body = { id: msg.id, drive: createBodyDrive(msg), encoder, pending: Promise.resolve() };
      scope.post({ type: 'ack', id: msg.id });
      return;
    }
    case 'body-end': {
      if (!body || body.id !== msg.id) return;
      const job = body;
      body = undefined;
      await job.pending;
      const blob = await job.encoder.finish();
      scope.post({ type: 'video', id: msg.id, blob, frames: job.encoder.frames, mimeType: blob.type });
      return;
    }
    case 'speak':
      await speak(msg);
      return;
    case 'speak-cancel':
      return;
    case 'lipsync-start': {
      needSource();
      lipsync.speech = await shippedSpeechModel();
      Object.assign(lipsync, {
        active: true,
        stream: createAudioFeatureStream(SPEECH_SAMPLE_RATE, SPEECH_FPS),
        mouthScale: msg.mouthScale,
        features: [],
        rms: [],
        activity: [],
        first: 0,
        loud: LIPSYNC_LOUD_FLOOR,
        samples: 0,
        pending: false,
      });
      scope.post({ type: 'ack', id: msg.id });
      return;
    }
    case 'lipsync-audio':
      return;
    case 'lipsync-stop':
      lipsync.active = false;
      lipsync.stream = undefined;
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
scope.listen((msg) => {
  // A cancel reaches the Speak job between its frames, not after it.
  if (msg.type === 'speak-cancel') speakJob++;
  // Microphone samples are taken at once; their frame is rendered in turn (only the newest, if several wait).
  if (msg.type === 'lipsync-audio') return lipsyncAudio(msg.samples);
  queue = queue
    .then(() => handle(msg))
    .catch((err: unknown) =>
      scope.post({ type: 'error', message: errorMessage(err), id: 'id' in msg ? msg.id : undefined }),
    );
});
