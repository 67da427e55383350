/**
 * The Live page: the camera drives the portrait. The page only moves frames: each new camera frame is
 * handed (as an ImageBitmap) to the analysis worker when the pipeline has room — at most one frame being
 * analysed and one being rendered, so the analysis of frame n + 1 overlaps the rendering of frame n and
 * no queue builds up (the newest camera frame is always the next one in).
 */
import { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES, type ReenactorOptions } from '../../src/engine.js';
import { optionControls } from './controls.js';
import { startLipSync, type LipSyncSession, type LipSyncStats } from './live-lipsync.js';
import { $, download, stamp } from './dom.js';
import type { Engine } from './engine.js';
import { Overlay } from './overlay.js';
import { stageTools, type StageTools } from './stage.js';
import { toast } from './toast.js';
import { TrackerView } from './tracker-view.js';
import { withWebmDuration } from './webm.js';

/** Longest side of the camera frames sent for analysis (the tracker crops the face; more pixels only cost). */
const CAMERA_MAX_SIDE = 640;

export interface LiveStats {
  /** Output frames per second over the last two seconds. */
  fps: number;
  /** Mean milliseconds per frame over the last two seconds. */
  analyseMs: number;
  renderMs: number;
  /** Frames analysed and rendered since the camera started. */
  frames: number;
  framesWithFace: number;
  /** Running totals since the camera started: output frames, and milliseconds analysing and rendering. */
  totals: { outputs: number; analyseMs: number; renderMs: number; sinceMs: number };
  state: LiveState;
  /** While lip-syncing to the microphone. */
  lipsync?: LipSyncStats;
}

export type LiveState = 'loading' | 'idle' | 'starting' | 'running' | 'lipsync' | 'denied' | 'no-camera' | 'error';

export class LivePage {
  private readonly video = $<HTMLVideoElement>('#camera');
  private readonly canvas = $<HTMLCanvasElement>('#live-canvas');
  private readonly overlay = new Overlay($('#live-overlay'));
  private readonly cameraButton = $<HTMLButtonElement>('#camera-button');
  private readonly recordButton = $<HTMLButtonElement>('#record-button');
  private readonly lipsyncButton = $<HTMLButtonElement>('#lipsync-button');
  /** The microphone moving the mouth (instead of the camera driving the face). */
  private lipsync: LipSyncSession | undefined;
  private lipsyncStarting = false;
  private lipsyncTimer: ReturnType<typeof setInterval> | undefined;
  private readonly pngButton = $<HTMLButtonElement>('#live-png');
  private readonly faceBadge = $('#face-badge');
  private readonly mirror = $<HTMLInputElement>('#live-mirror');
  private stream: MediaStream | undefined;
  /** An example clip driving the portrait instead of the camera. */
  private clip: { url: string; name: string } | undefined;
  readonly view: TrackerView;
  readonly tools: StageTools;
  private state: LiveState = 'loading';
  private visible = true;
  private modelsReady = false;
  private portraitReady = false;
  // Pipeline: the newest camera frame, the last one sent, and what is in flight.
  private latestFrame = -1;
  private sentFrame = -1;
  private analysing = false;
  private inFlight = 0;
  private seq = 0;
  private noFaceSince: number | undefined;
  // Statistics over a sliding window.
  private readonly window: { t: number; outputs: number; analyseMs: number; renderMs: number }[] = [];
  private readonly analyseMs = new Map<number, number>();
  private frames = 0;
  private framesWithFace = 0;
  private totals = { outputs: 0, analyseMs: 0, renderMs: 0, sinceMs: 0 };
  private recorder: MediaRecorder | undefined;
  readonly probe: {
    seq: number;
    driver: number;
    output: number | null;
    drivers?: number[];
    outputs?: number[] | null;
  }[] = [];

  constructor(private readonly engine: Engine) {
    this.view = new TrackerView(engine);
    this.tools = stageTools('live');
    this.view.onChange((v) => {
      this.tools.setEnabled(v.layout === 'result');
      this.render();
    });
    const controls = optionControls(
      ANIMATE_OPTIONS,
      REENACTOR_OPTION_NAMES,
      (v) => engine.setLiveOptions(v as ReenactorOptions),
      'live',
    );
    $('#live-options').append(controls.element);
    engine.setLiveOptions(controls.values() as ReenactorOptions);
    $('#live-reset').addEventListener('click', () => controls.reset());
    $('#recalibrate').addEventListener('click', () => engine.postRender({ type: 'recalibrate' }));
    const mirrorPreview = (): void => void this.video.classList.toggle('mirrored', this.mirror.checked);
    this.mirror.addEventListener('change', () => {
      mirrorPreview();
      // Left and right swap: start again from the next frame, as after a recalibration.
      engine.resetTracking('live');
      engine.postRender({ type: 'recalibrate' });
    });
    mirrorPreview();
    this.cameraButton.addEventListener('click', () => (this.running ? this.stopCamera() : void this.startCamera()));
    this.lipsyncButton.addEventListener('click', () => (this.lipsync ? this.stopLipsync() : void this.startLipsync()));
    this.recordButton.addEventListener('click', () => this.toggleRecording());
    this.pngButton.addEventListener(
      'click',
      () =>
        void engine.png('live').then((b) => {
          download(b, `${stamp('vivify-live')}.png`);
          toast('Picture saved as PNG.', 'done');
        }),
    );

    engine.onAnalysis((e) => {
      if (e.type === 'tracked' && e.stream === 'live') {
        this.analysing = false;
        this.analyseMs.set(e.seq, e.ms);
        this.frames++;
        if (e.found) this.framesWithFace++;
        this.noFaceSince = e.found ? undefined : (this.noFaceSince ?? performance.now());
        this.updateBadge();
        this.pump();
      } else if (e.type === 'probe') {
        const { type: _, ...measured } = e;
        this.probe.push(measured);
      }
    });
    engine.onRender((e) => {
      if (e.type !== 'rendered') return;
      this.inFlight = Math.max(0, this.inFlight - 1);
      this.view.update(e.measures);
      const analyseMs = this.analyseMs.get(e.seq) ?? 0;
      this.analyseMs.delete(e.seq);
      this.window.push({ t: performance.now(), outputs: e.outputs, analyseMs, renderMs: e.ms });
      this.totals.outputs += e.outputs;
      this.totals.analyseMs += analyseMs;
      this.totals.renderMs += e.ms;
      this.pump();
    });
    this.render();
  }

  /** Models loaded (or failed). */
  setModels(ready: boolean, error?: string): void {
    this.modelsReady = ready;
    if (error) this.state = 'error';
    else if (this.state === 'loading') this.state = 'idle';
    this.render(error);
  }

  setLoadingProgress(fraction: number): void {
    if (this.state === 'loading') this.overlay.progress(fraction);
  }

  /** A portrait with a face is (or is not) ready. */
  setPortrait(ready: boolean): void {
    this.portraitReady = ready;
    this.engine.postRender({ type: 'recalibrate' });
    this.render();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.pump();
  }

  stats(): LiveStats {
    const now = performance.now();
    while (this.window.length && now - this.window[0]!.t > 2000) this.window.shift();
    const w = this.window;
    const span = w.length > 1 ? (w.at(-1)!.t - w[0]!.t) / 1000 : 0;
    const outputs = w.slice(1).reduce((n, x) => n + x.outputs, 0);
    const mean = (f: (x: (typeof w)[number]) => number): number =>
      w.length ? w.reduce((s, x) => s + f(x), 0) / w.length : 0;
    return {
      fps: span > 0 ? outputs / span : 0,
      analyseMs: mean((x) => x.analyseMs),
      renderMs: mean((x) => x.renderMs),
      frames: this.frames,
      framesWithFace: this.framesWithFace,
      totals: { ...this.totals },
      state: this.state,
      lipsync: this.lipsync?.stats(),
    };
  }

  setProbe(on: boolean): void {
    this.engine.postRender({ type: 'probe', on });
  }

  private get running(): boolean {
    return Boolean(this.stream ?? this.clip);
  }

  /** Drives the portrait with a video clip (an example) instead of the camera, looped. */
  async startClip(url: string, name: string): Promise<void> {
    if (this.lipsync) this.stopLipsync();
    if (this.running) this.stopCamera();
    this.clip = { url, name };
    this.state = 'starting';
    this.render();
    this.video.srcObject = null;
    this.video.src = url;
    this.video.loop = true;
    try {
      await this.video.play();
    } catch (err) {
      this.clip = undefined;
      this.state = 'idle';
      this.render();
      toast(`Could not play ${name}: ${(err as Error).message}`, 'error');
      return;
    }
    this.begin();
  }

  /** Lip-sync to the microphone: the camera (or clip) stops; the voice moves the mouth. */
  private async startLipsync(): Promise<void> {
    if (this.running) this.stopCamera();
    this.state = 'starting';
    this.lipsyncStarting = true;
    this.render();
    try {
      this.lipsync = await startLipSync(this.engine, 1);
    } catch (err) {
      const name = (err as DOMException).name;
      const message =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'The microphone is blocked: allow it for this page (the icon at the left of the address bar) and try again.'
          : `Lip-sync could not start: ${(err as Error).message}`;
      this.state = 'idle';
      toast(message, 'error');
      return;
    } finally {
      this.lipsyncStarting = false;
      this.render();
    }
    this.state = 'lipsync';
    this.lipsyncTimer = setInterval(() => this.updateBadge(), 500);
    this.render();
  }

  private stopLipsync(): void {
    if (this.recorder) this.toggleRecording();
    this.lipsync?.stop();
    this.lipsync = undefined;
    clearInterval(this.lipsyncTimer);
    this.state = 'idle';
    this.render();
  }

  private async startCamera(): Promise<void> {
    if (this.lipsync) this.stopLipsync();
    if (!navigator.mediaDevices?.getUserMedia) {
      this.state = 'no-camera';
      this.render('This page needs a secure context (https or localhost) and a browser with camera access.');
      return;
    }
    this.state = 'starting';
    this.render();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
        audio: false,
      });
    } catch (err) {
      const name = (err as DOMException).name;
      this.state = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'no-camera';
      this.render(name === 'NotReadableError' ? 'The camera is in use by another application.' : undefined);
      return;
    }
    this.video.removeAttribute('src');
    this.video.loop = false;
    this.video.srcObject = this.stream;
    await this.video.play();
    this.begin();
  }

  /** Frames start coming from the camera or the clip. */
  private begin(): void {
    this.engine.resetTracking('live');
    this.engine.postRender({ type: 'recalibrate' });
    this.state = 'running';
    this.frames = this.framesWithFace = 0;
    this.totals = { outputs: 0, analyseMs: 0, renderMs: 0, sinceMs: performance.now() };
    const onFrame = (_: number, meta: VideoFrameCallbackMetadata): void => {
      if (!this.running) return;
      this.latestFrame = meta.presentedFrames;
      this.pump();
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
    this.render();
  }

  private stopCamera(): void {
    if (this.recorder) this.toggleRecording();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    this.clip = undefined;
    this.video.srcObject = null;
    this.video.pause();
    this.video.removeAttribute('src');
    this.video.load();
    this.state = 'idle';
    this.noFaceSince = undefined;
    this.render();
  }

  /** Sends the newest camera frame if the pipeline has room. */
  private pump(): void {
    if (!this.running || !this.visible || !this.modelsReady || !this.portraitReady) return;
    if (this.analysing || this.inFlight >= 2 || this.latestFrame === this.sentFrame) return;
    const { videoWidth: w, videoHeight: h } = this.video;
    if (!w || !h) return;
    this.analysing = true;
    this.inFlight++;
    this.sentFrame = this.latestFrame;
    const scale = Math.min(1, CAMERA_MAX_SIDE / Math.max(w, h));
    const seq = this.seq++;
    const t = performance.now();
    createImageBitmap(this.video, { resizeWidth: Math.round(w * scale), resizeHeight: Math.round(h * scale) })
      .then((bitmap) => this.engine.track('live', seq, bitmap, t, this.mirror.checked, this.view.measures))
      .catch(() => {
        this.analysing = false;
        this.inFlight--;
      });
  }

  private updateBadge(): void {
    if (this.lipsync) {
      const s = this.lipsync.stats();
      this.faceBadge.hidden = false;
      this.faceBadge.classList.remove('warn');
      this.faceBadge.textContent = s.frames
        ? `Lip-sync: the mouth follows the voice ${Math.round(s.lagMs)} ms behind`
        : 'Lip-sync: listening…';
      $('#live-noface').hidden = true;
      return;
    }
    const lost = this.running && this.noFaceSince !== undefined && performance.now() - this.noFaceSince > 300;
    this.faceBadge.hidden = !this.running;
    this.faceBadge.textContent = lost ? 'No face in view' : this.clip ? `Following ${this.clip.name}` : 'Following';
    this.faceBadge.classList.toggle('warn', lost);
    // Said on the stage too, where the eye is, not only in the badge.
    const note = $('#live-noface');
    note.hidden = !lost;
    note.textContent = this.clip
      ? `No face in ${this.clip.name} at the moment. The portrait holds its last pose.`
      : 'No face in the camera — face it, in good light. The portrait holds its last pose.';
  }

  private toggleRecording(): void {
    if (this.recorder) {
      this.recorder.stop();
      return;
    }
    const stream = this.canvas.captureStream(30);
    const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) =>
      MediaRecorder.isTypeSupported(t),
    );
    const recorder = new MediaRecorder(stream, type ? { mimeType: type, videoBitsPerSecond: 4_000_000 } : undefined);
    const chunks: Blob[] = [];
    const started = performance.now();
    const timer = setInterval(() => {
      $('#record-time').textContent = formatDuration((performance.now() - started) / 1000);
    }, 250);
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      clearInterval(timer);
      this.recorder = undefined;
      $('#record-time').textContent = '';
      this.recordButton.classList.remove('recording');
      this.recordButton.lastChild!.textContent = 'Record';
      const type = recorder.mimeType || 'video/webm';
      const durationMs = performance.now() - started;
      // The recorder writes no duration (players could not show a length or seek): add it before saving.
      void new Blob(chunks, { type }).arrayBuffer().then((bytes) => {
        download(
          new Blob([withWebmDuration(new Uint8Array(bytes), durationMs)], { type }),
          `${stamp('vivify-live')}.webm`,
        );
        toast(
          `Recording saved: ${formatDuration(durationMs / 1000)}, ${(bytes.byteLength / 1e6).toFixed(1)} MB.`,
          'done',
        );
      });
    };
    recorder.start(1000);
    this.recorder = recorder;
    this.recordButton.classList.add('recording');
    this.recordButton.lastChild!.textContent = 'Stop';
  }

  /** Shows the state: overlay, buttons. */
  private render(detail?: string): void {
    const o = this.overlay;
    this.cameraButton.textContent = this.clip ? 'Stop clip' : this.stream ? 'Stop camera' : 'Start camera';
    this.cameraButton.disabled = !this.modelsReady || !this.portraitReady || this.state === 'starting';
    this.recordButton.disabled = this.state !== 'running' && this.state !== 'lipsync';
    this.lipsyncButton.textContent = this.lipsync ? 'Stop lip-sync' : 'Lip-sync to microphone';
    this.lipsyncButton.disabled = !this.modelsReady || !this.portraitReady || this.state === 'starting';
    this.pngButton.disabled = !this.portraitReady;
    // The small driver view; the driver is drawn large on the canvas when the layout shows it.
    this.video.hidden = !this.running || this.view.view.layout !== 'result';
    this.view.setRunning(this.state === 'running');
    this.updateBadge();
    switch (this.state) {
      case 'loading':
        return o.show('Loading face models…', 'About 6 MB, fetched from this site and run on this computer.', {
          progress: 0,
        });
      case 'error':
        return o.show('The face models could not start', detail ?? '', { error: true });
      case 'starting':
        if (this.lipsyncStarting)
          return o.show('Waiting for the microphone…', 'Allow microphone access when your browser asks.');
        if (this.clip) return o.show(`Starting ${this.clip.name}…`, '');
        return o.show('Waiting for the camera…', 'Allow camera access when your browser asks.');
      case 'denied':
        return o.show(
          'Camera access is blocked',
          'Allow the camera for this page (the icon at the left of the address bar), then try again.',
          { error: true, action: ['Try again', () => void this.startCamera()] },
        );
      case 'no-camera':
        return o.show('No camera available', detail ?? 'Connect a camera and try again.', {
          error: true,
          action: ['Try again', () => void this.startCamera()],
        });
      case 'idle':
        if (!this.portraitReady) return o.show('Choose a portrait', 'Drop a picture with a face on the left.');
        return o.show(
          'Your portrait, moved by your face',
          'Start the camera and face it. Frames are analysed on this computer and never leave it.',
          { action: ['Start camera', () => void this.startCamera()] },
        );
      case 'running':
      case 'lipsync':
        return o.hide();
    }
  }
}

export function formatDuration(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
