/**
 * The studio's Video file mode: a driving video animates the portrait frame by frame (seeking a <video>
 * element), with the same motion controls as Live (from the option definitions) plus the frame rate — or,
 * for a full-length photo, moves the whole person as `vivify body` does (studio-body.ts); the result is a
 * WebM with one output frame per driving frame, which plays on the stage (stage-result.ts).
 */
import { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES, type ReenactorOptions } from '../../src/engine.js';
import { optionControls } from './controls.js';
import { $ } from './dom.js';
import type { Engine } from './engine.js';
import { StageResult } from './stage-result.js';
import { BodyChoice, type PortraitPicture } from './studio-body.js';
import { toast } from './toast.js';

/** What the last animation was (for the browser test and the benchmark). */
export interface VideoReport {
  body: boolean;
  frames: number;
  seconds: number;
  /** Driving frames where the face (face mode) or a person (body mode) was found. */
  found: number;
  /** What the status line said about the portrait's people, if anything. */
  warnings: string[];
  /** Body mode: mean milliseconds per frame in the render worker, the analysis worker, and the page (seek, grab). */
  renderMs?: number;
  analyseMs?: number;
  grabMs?: number;
}

export class VideoMode {
  private job: { cancelled: boolean } | undefined;
  private readonly stage: StageResult;

  private readonly controls = optionControls(ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES, () => {}, 'video');
  /** The frame rate, for the face and the body alike. */
  private readonly fps = optionControls(ANIMATE_OPTIONS, ['fps'], () => {}, 'video');
  private readonly body: BodyChoice;
  private active = false;
  last: VideoReport | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly ready: () => { models: boolean; portrait: boolean },
    /** Told when the result covers the preview or leaves it (the stage's zoom and compare are off meanwhile). */
    onStage: (shown: boolean) => void,
  ) {
    this.stage = new StageResult('video', 'vivify-animate', onStage);
    this.body = new BodyChoice(engine, () => this.active);
    $('#video-options').append(this.controls.element);
    $('#video-fps-option').append(this.fps.element);
    const input = $<HTMLInputElement>('#video-file');
    const video = $<HTMLVideoElement>('#driving-video');
    $('#video-choose').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) this.load(file);
      input.value = '';
    });
    video.addEventListener('loadedmetadata', () => this.update());
    video.addEventListener('error', () => {
      $('#video-status').textContent = 'This browser cannot play that video file (try an MP4 or WebM).';
      video.hidden = true;
    });
    $('#video-animate').addEventListener('click', () => void this.animate());
    $('#video-cancel').addEventListener('click', () => {
      if (this.job) this.job.cancelled = true;
    });
  }

  /** Called when the studio switches modes. */
  setActive(active: boolean): void {
    this.active = active;
    this.stage.setActive(active);
    this.body.refresh();
  }

  /** The portrait chosen (its pixels and faces): whether it is a body is found when this mode needs it. */
  setPortrait(p: PortraitPicture | undefined): void {
    this.body.setPortrait(p);
  }

  /** Closes the result on the stage (a new portrait: the preview shows it); the column still offers it. */
  closeResult(): void {
    this.stage.show(false);
  }

  /** Loads a driving video (also the test hook). */
  load(file: Blob & { name?: string }): void {
    const video = $<HTMLVideoElement>('#driving-video');
    if (video.src) URL.revokeObjectURL(video.src);
    video.src = URL.createObjectURL(file);
    video.hidden = false;
    $('#video-name').textContent = file.name ?? 'video';
    $('#video-status').textContent = '';
    this.stage.set(undefined);
  }

  update(ready = this.ready()): void {
    const video = $<HTMLVideoElement>('#driving-video');
    $<HTMLButtonElement>('#video-animate').disabled =
      !ready.models || !ready.portrait || !video.src || !(video.duration > 0) || Boolean(this.job);
  }

  private async animate(): Promise<void> {
    const video = $<HTMLVideoElement>('#driving-video');
    const status = $('#video-status');
    const bar = $('#video-progress');
    const cancel = $('#video-cancel');
    const values = { ...this.controls.values(), ...this.fps.values() };
    const job = { cancelled: false };
    this.job = job;
    this.stage.show(false);
    this.update();
    cancel.hidden = false;
    video.pause();
    try {
      const fps = typeof values.fps === 'number' ? values.fps : await estimateFps(video);
      const frames = Math.max(1, Math.floor(video.duration * fps));
      status.textContent = 'Looking at the portrait…';
      const choice = await this.body.decide();
      bar.hidden = false;
      const started = performance.now();
      let grabMs = 0;
      const grab = async (i: number): Promise<ImageBitmap> => {
        const t0 = performance.now();
        try {
          return await grabFrame(i);
        } finally {
          grabMs += performance.now() - t0;
        }
      };
      const grabFrame = async (i: number): Promise<ImageBitmap> => {
        await seek(video, Math.min(video.duration, (i + 0.5) / fps));
        // Frames are analysed at most 640 px on their longest side, like the camera's.
        const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
        return createImageBitmap(video, {
          resizeWidth: Math.round(video.videoWidth * scale),
          resizeHeight: Math.round(video.videoHeight * scale),
        });
      };
      const onFrame = (i: number): void => {
        (bar.firstElementChild as HTMLElement).style.width = `${((100 * (i + 1)) / frames).toFixed(1)}%`;
        status.textContent = `Frame ${i + 1} of ${frames} (${fps} frames/s)${choice.body ? ', whole body' : ''}…`;
      };
      const { fps: _, ...options } = values;
      const r: { blob: Blob; found: number; missing: string; renderMs?: number; analyseMs?: number } = choice.body
        ? await this.body
            .drive(choice.person, fps, frames, grab, () => job.cancelled, onFrame)
            .then((b) => ({
              blob: b.blob,
              found: b.framesWithPerson,
              missing: 'without a person',
              renderMs: b.renderMs,
              analyseMs: b.analyseMs,
            }))
        : await this.animateFace(options as ReenactorOptions, fps, frames, grab, job, onFrame);
      const seconds = (performance.now() - started) / 1000;
      const warnings = choice.body ? choice.person.warnings : [];
      this.last = {
        ...{ body: choice.body, frames, seconds, found: r.found, warnings },
        ...{ renderMs: r.renderMs, analyseMs: r.analyseMs, grabMs: grabMs / frames },
      };
      const said = warnings.map((w) => `; ${w}`).join('');
      status.textContent = `Done: ${frames} frames in ${seconds.toFixed(1)} s (${(frames / seconds).toFixed(1)} frames/s)${choice.body ? ', whole body' : ''}; ${frames - r.found} ${r.missing}${said}. It plays on the stage.`;
      toast(`Animation done: ${frames} frames in ${seconds.toFixed(1)} s, playing on the stage${said}.`, 'done');
      this.stage.set(r.blob, `${(frames / fps).toFixed(1)} s, ${frames} frames`);
    } catch (err) {
      this.engine.postRender({ type: 'file-cancel' });
      status.textContent = job.cancelled ? 'Cancelled.' : `Could not animate: ${(err as Error).message}`;
      toast(status.textContent, job.cancelled ? 'info' : 'error');
    } finally {
      this.job = undefined;
      bar.hidden = true;
      cancel.hidden = true;
      this.update();
    }
  }

  /** The face reenacted by the video, frame by frame (tracked in the analysis worker, rendered in the render one). */
  private async animateFace(
    options: ReenactorOptions,
    fps: number,
    frames: number,
    grab: (i: number) => Promise<ImageBitmap>,
    job: { cancelled: boolean },
    onFrame: (i: number) => void,
  ): Promise<{ blob: Blob; found: number; missing: string }> {
    const engine = this.engine;
    let found = 0;
    let done = 0;
    const offTracked = engine.onAnalysis((e) => {
      if (e.type === 'tracked' && e.stream === 'file' && e.found) found++;
    });
    const offFrames = engine.onRender((e) => {
      if (e.type === 'file-frame') done++;
    });
    try {
      const id = engine.id();
      const ack = engine.awaitRender('ack', id);
      engine.resetTracking('file');
      engine.postRender({ type: 'file-begin', id, options, fps, frames });
      await ack;
      for (let i = 0; i < frames; i++) {
        if (job.cancelled) throw new Error('cancelled');
        while (i - done >= 2) await new Promise((r) => setTimeout(r, 2));
        engine.track('file', i, await grab(i), (i * 1000) / fps);
        onFrame(i);
      }
      while (done < frames) await new Promise((r) => setTimeout(r, 5));
      if (found === 0) throw new Error('no face found in any frame of the driving video');
      const result = engine.awaitRender('video', id);
      engine.postRender({ type: 'file-end', id });
      const { blob } = await result;
      return { blob, found, missing: 'without a face' };
    } finally {
      offTracked();
      offFrames();
    }
  }
}

function seek(video: HTMLVideoElement, t: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = (): void => {
      video.removeEventListener('seeked', done);
      reject(new Error('the video could not be decoded'));
    };
    video.addEventListener('seeked', done);
    video.addEventListener('error', fail, { once: true });
    video.currentTime = t;
  });
}

/** The video's frame rate, from the times of the frames it presents while playing for a moment. */
async function estimateFps(video: HTMLVideoElement): Promise<number> {
  if (!('requestVideoFrameCallback' in video)) return 25;
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const onFrame = (_: number, meta: VideoFrameCallbackMetadata): void => {
      times.push(meta.mediaTime);
      if (times.length >= 10) resolve();
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    void video.play();
    setTimeout(resolve, 2000);
  });
  video.pause();
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  if (!median) return 25;
  return Math.round(100 / median) / 100;
}
