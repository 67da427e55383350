/**
 * The page's handle on the two workers: starts them, wires the analysis → render port, and turns their
 * messages into events and promises.
 */
import type { EditSpec, FaceResult, ModelBackend, ReenactorOptions, RgbaImage } from '../../src/engine.js';
import type {
  AnalysisEvent,
  AnalysisRequest,
  BodyPersonResult,
  CanvasName,
  PrefetchedFile,
  RenderEvent,
  RenderRequest,
  Stream,
  ViewSettings,
} from './protocol.js';

type Listener<E> = (event: E) => void;
type EventOf<U, T> = Extract<U, { type: T }>;

/**
 * The face models' files the analysis worker loads first (as web/vite.config.ts serves them; the order of
 * src/analysis/models.ts's loadModels): the page starts their downloads itself.
 */
const FACE_MODEL_FILES = ['blazeface', 'facemesh', 'iris', 'emotion'].flatMap((m) => [`${m}.json`, `${m}.bin`]);

export class Engine {
  readonly backend: ModelBackend;
  private readonly analysis: Worker;
  private readonly render: Worker;
  private readonly analysisListeners = new Set<Listener<AnalysisEvent>>();
  private readonly renderListeners = new Set<Listener<RenderEvent>>();
  private nextId = 1;
  readonly ready: Promise<{ loadMs: number }>;

  constructor(options: { backend: ModelBackend; live: HTMLCanvasElement; studio: HTMLCanvasElement }) {
    this.backend = options.backend;
    this.analysis = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
    this.render = new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module', name: 'render' });
    this.analysis.onmessage = (e: MessageEvent<AnalysisEvent>) => this.analysisListeners.forEach((l) => l(e.data));
    this.render.onmessage = (e: MessageEvent<RenderEvent>) => this.renderListeners.forEach((l) => l(e.data));
    const crash = (which: string) => (e: ErrorEvent) => {
      const event = { type: 'error' as const, message: `the ${which} worker failed: ${e.message || 'script error'}` };
      this.analysisListeners.forEach((l) => l(event));
    };
    this.analysis.onerror = crash('analysis');
    this.render.onerror = crash('render');

    const channel = new MessageChannel();
    const live = options.live.transferControlToOffscreen();
    const studio = options.studio.transferControlToOffscreen();
    const base = new URL('./', document.baseURI);
    const prefetching = FACE_MODEL_FILES.map((f) => new URL(`models/${f}`, base).href);
    this.postRender({ type: 'init', analysis: channel.port2, live, studio, modelsUrl: new URL('models/', base).href }, [
      channel.port2,
      live,
      studio,
    ]);
    this.postAnalysis(
      {
        type: 'init',
        backend: options.backend,
        modelsUrl: new URL('models/', base).href,
        wasmUrl: new URL('wasm/', base).href,
        render: channel.port1,
        prefetching,
      },
      [channel.port1],
    );
    for (const url of prefetching) void this.prefetch(url);
    this.ready = new Promise((resolve, reject) => {
      const off = this.onAnalysis((e) => {
        if (e.type === 'ready') {
          off();
          resolve({ loadMs: e.loadMs });
        } else if (e.type === 'error' && e.id === undefined) {
          off();
          reject(new Error(e.message));
        }
      });
    });
  }

  /**
   * Downloads a model file for the analysis worker and hands it the response, body unread: the download starts
   * while the worker's script is still being fetched, parsed and run (most of a second on a slow machine), not
   * after it, and what arrives meanwhile waits in the browser's buffers. The worker reads the body itself, so
   * its progress and its checks of each file are what they were.
   */
  private async prefetch(url: string): Promise<void> {
    let body: ReadableStream<Uint8Array> | null = null;
    try {
      const res = await fetch(url);
      body = res.body;
      if (!body) throw new Error('no body');
      const file: PrefetchedFile = { url, status: res.status, headers: [...res.headers], body };
      this.postAnalysis({ type: 'prefetched', file }, [body]);
    } catch {
      // A network error, or a browser that cannot hand a stream to a worker: the worker fetches it itself.
      void body?.cancel().catch(() => undefined);
      this.postAnalysis({ type: 'prefetched', file: { url, failed: true } });
    }
  }

  onAnalysis(l: Listener<AnalysisEvent>): () => void {
    this.analysisListeners.add(l);
    return () => this.analysisListeners.delete(l);
  }

  onRender(l: Listener<RenderEvent>): () => void {
    this.renderListeners.add(l);
    return () => this.renderListeners.delete(l);
  }

  postAnalysis(msg: AnalysisRequest, transfer: Transferable[] = []): void {
    this.analysis.postMessage(msg, transfer);
  }

  postRender(msg: RenderRequest, transfer: Transferable[] = []): void {
    this.render.postMessage(msg, transfer);
  }

  id(): number {
    return this.nextId++;
  }

  /** Waits for the analysis worker's reply of this type and id (or its error). */
  private awaitAnalysis<T extends AnalysisEvent['type']>(type: T, id: number): Promise<EventOf<AnalysisEvent, T>> {
    return new Promise((resolve, reject) => {
      const off = this.onAnalysis((e) => {
        if (e.type === 'error' && e.id === id) {
          off();
          reject(new Error(e.message));
        } else if (e.type === type && 'id' in e && e.id === id) {
          off();
          resolve(e as EventOf<AnalysisEvent, T>);
        }
      });
    });
  }

  /** Waits for the render worker's reply of this type and id (or its error). */
  awaitRender<T extends RenderEvent['type']>(type: T, id: number): Promise<EventOf<RenderEvent, T>> {
    return new Promise((resolve, reject) => {
      const off = this.onRender((e) => {
        if (e.type === 'error' && e.id === id) {
          off();
          reject(new Error(e.message));
        } else if (e.type === type && 'id' in e && e.id === id) {
          off();
          resolve(e as EventOf<RenderEvent, T>);
        }
      });
    });
  }

  /** Analyses a portrait: its pixels and the faces found, largest first. */
  async analysePortrait(bitmap: ImageBitmap): Promise<{ image: RgbaImage; faces: FaceResult[] }> {
    const id = this.id();
    const reply = this.awaitAnalysis('portrait', id);
    this.postAnalysis({ type: 'portrait', id, bitmap }, [bitmap]);
    const { image, faces } = await reply;
    return { image, faces };
  }

  /** The person to animate in a portrait (MoveNet, as `vivify body` chooses), or why there is none. */
  async bodyPerson(image: RgbaImage, faces: FaceResult[], person: number, name: string): Promise<BodyPersonResult> {
    const id = this.id();
    const reply = this.awaitAnalysis('body-person', id);
    const copy: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
    this.postAnalysis({ type: 'body-person', id, image: copy, faces, person, name }, [copy.data.buffer]);
    return (await reply).result;
  }

  /** The portrait and its face; `group`: all its faces, animated at once in Live and the Video file mode. */
  setSource(image: RgbaImage, face: FaceResult, group?: FaceResult[]): void {
    // A copy: the page keeps its own to switch faces.
    const copy: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
    this.postRender({ type: 'source', image: copy, face, group }, [copy.data.buffer]);
  }

  /** A portrait without a face (a whole person, for the body mode): the render worker shows it, no more. */
  setPicture(image: RgbaImage): void {
    const copy: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
    this.postRender({ type: 'picture', image: copy }, [copy.data.buffer]);
  }

  track(stream: Stream, seq: number, bitmap: ImageBitmap, timestampMs: number, mirror = false, measures = false): void {
    this.postAnalysis({ type: 'track', stream, seq, bitmap, timestampMs, mirror, measures }, [bitmap]);
  }

  setView(view: ViewSettings): void {
    this.postRender({ type: 'view', view });
  }

  resetTracking(stream: Stream): void {
    this.postAnalysis({ type: 'reset', stream });
  }

  setLiveOptions(options: ReenactorOptions): void {
    this.postRender({ type: 'live-options', options });
  }

  async edit(spec: EditSpec): Promise<number> {
    const id = this.id();
    const reply = this.awaitRender('drawn', id);
    this.postRender({ type: 'edit', id, spec });
    return (await reply).ms;
  }

  async png(canvas: CanvasName): Promise<Blob> {
    const id = this.id();
    const reply = this.awaitRender('png', id);
    this.postRender({ type: 'png', id, canvas });
    return (await reply).blob;
  }
}
