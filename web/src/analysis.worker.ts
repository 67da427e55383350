/**
 * The analysis worker: Vivify's face analyzer (Human's models on tfjs, wasm or webgl backend) behind
 * messages. Portraits get full detection; camera and video frames are tracked (the detector runs only when
 * the face is lost) and handed, with their pixels, to the render worker.
 */
import {
  createFaceAnalyzerWith,
  type FaceAnalyzer,
  type FaceTracker,
  fetchModelLoader,
  type RgbaImage,
} from '../../src/engine.js';
import { bodyAnalysis } from './body-analysis.js';
import type {
  AnalysedFrame,
  AnalysisEvent,
  AnalysisRequest,
  PrefetchedFile,
  ProbeRequest,
  Stream,
} from './protocol.js';
import { errorMessage, workerScope } from './worker-scope.js';

const scope = workerScope<AnalysisRequest, AnalysisEvent>();
let analyzer: FaceAnalyzer | undefined;
let render: MessagePort | undefined;
const trackers = new Map<Stream | 'probe', FaceTracker>();
let pixels: OffscreenCanvasRenderingContext2D | undefined;
/** The body side (MoveNet), made at init. */
let body: ReturnType<typeof bodyAnalysis> | undefined;

/** The model files the page is downloading for this worker, by URL, each settled when the page hands it over. */
const prefetched = new Map<
  string,
  { file: Promise<PrefetchedFile>; settle: (f: PrefetchedFile) => void; used: boolean }
>();

function expectPrefetched(url: string): void {
  let settle!: (f: PrefetchedFile) => void;
  const file = new Promise<PrefetchedFile>((resolve) => (settle = resolve));
  prefetched.set(url, { file, settle, used: false });
}

/** `fetch`, answered from the page's download of the same file when it is one (each is used once). */
const fetchPrefetched: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const entry = prefetched.get(url);
  if (entry && !entry.used) {
    entry.used = true;
    const f = await entry.file;
    if (!('failed' in f)) return new Response(f.body, { status: f.status, headers: f.headers });
  }
  return fetch(input, init);
};

/** The bitmap's pixels, mirrored left to right if asked (the bitmap is closed). */
function readPixels(bitmap: ImageBitmap, mirror = false): RgbaImage {
  const { width, height } = bitmap;
  if (!pixels || pixels.canvas.width !== width || pixels.canvas.height !== height) {
    pixels = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  }
  pixels.setTransform(mirror ? -1 : 1, 0, 0, 1, mirror ? width : 0, 0);
  pixels.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, data: pixels.getImageData(0, 0, width, height).data };
}

function tracker(stream: Stream | 'probe'): FaceTracker {
  let t = trackers.get(stream);
  if (!t) trackers.set(stream, (t = analyzer!.createTracker()));
  return t;
}

async function probe(req: ProbeRequest): Promise<void> {
  const { faces } = await tracker('probe').next(req.image, { emotion: false });
  const event: Extract<AnalysisEvent, { type: 'probe' }> = {
    type: 'probe',
    seq: req.seq,
    driver: req.driver,
    output: faces[0]?.mouth.open ?? null,
  };
  if (req.group) {
    // Every output face, left to right, when all the portrait's faces were found again.
    const ranked = [...faces].sort((a, b) => a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2));
    event.drivers = req.group.drivers;
    event.outputs = ranked.length === req.group.faces ? ranked.map((f) => f.mouth.open) : null;
  }
  scope.post(event);
  render!.postMessage({ type: 'probe-done' });
}

async function handle(msg: AnalysisRequest): Promise<void> {
  switch (msg.type) {
    case 'init': {
      const started = performance.now();
      for (const url of msg.prefetching) if (!prefetched.has(url)) expectPrefetched(url);
      // The WebGL backend is a separate chunk, fetched only when chosen.
      if (msg.backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
      render = msg.render;
      body = bodyAnalysis({
        modelsUrl: msg.modelsUrl,
        wasmUrl: msg.wasmUrl,
        backend: msg.backend,
        analyzer: () => analyzer!,
        render: () => render!,
        post: (e) => scope.post(e),
      });
      render.onmessage = (e: MessageEvent<ProbeRequest>) => enqueue(() => probe(e.data));
      const loadModel = fetchModelLoader(msg.modelsUrl, {
        onProgress: (p) => scope.post({ type: 'progress', ...p }),
        fetch: fetchPrefetched,
      });
      analyzer = await createFaceAnalyzerWith(
        { loadModel, wasmPath: msg.wasmUrl, backend: msg.backend },
        { emotion: false, maxFaces: 10 },
      );
      // No warm-up still here: the first thing analysed is always a portrait (the camera and a video file need
      // one first), and its analysis runs the detector, the mesh and the iris models that tracked frames run, so
      // it sets up their kernels (or shaders) itself. A blank still warmed only the detector (it has no face) and
      // kept the first portrait waiting for it.
      scope.post({ type: 'ready', backend: msg.backend, loadMs: performance.now() - started });
      return;
    }
    case 'portrait': {
      const image = readPixels(msg.bitmap);
      const faces = await analyzer!.analyze(image, { emotion: false });
      scope.post({ type: 'portrait', id: msg.id, image, faces }, [image.data.buffer]);
      return;
    }
    case 'track': {
      const t0 = performance.now();
      const frame = { ...readPixels(msg.bitmap, msg.mirror), timestampMs: msg.timestampMs };
      const measure = Boolean(msg.measures);
      const { faces } = await tracker(msg.stream).next(frame, { emotion: measure, actionUnits: measure });
      const ms = performance.now() - t0;
      const out: AnalysedFrame = {
        type: 'frame',
        stream: msg.stream,
        seq: msg.seq,
        frame,
        face: faces[0],
        faces,
        analyseMs: ms,
      };
      render!.postMessage(out, [frame.data.buffer]);
      scope.post({ type: 'tracked', stream: msg.stream, seq: msg.seq, ms, found: faces.length > 0 });
      return;
    }
    case 'body-person':
      scope.post({ type: 'body-person', id: msg.id, result: await body!.person(msg) });
      return;
    case 'body-begin':
    case 'body-track':
    case 'body-end':
      body!.handle(msg, (b) => readPixels(b));
      return;
    case 'reset':
      trackers.get(msg.stream)?.reset();
      if (msg.stream === 'live') trackers.get('probe')?.reset();
      return;
  }
}

function report(err: unknown, id?: number): void {
  scope.post({ type: 'error', message: errorMessage(err), id });
}

// Requests run one at a time, in order (a tracker needs its frames in order).
let queue: Promise<void> = Promise.resolve();
function enqueue(job: () => Promise<void>, id?: number): void {
  queue = queue.then(job).catch((err: unknown) => report(err, id));
}
scope.listen((msg) => {
  // A prefetched model file is for the init in progress: it cannot wait in the queue behind it.
  if (msg.type === 'prefetched') {
    if (!prefetched.has(msg.file.url)) expectPrefetched(msg.file.url);
    prefetched.get(msg.file.url)!.settle(msg.file);
    return;
  }
  enqueue(() => handle(msg), 'id' in msg ? msg.id : undefined);
});
