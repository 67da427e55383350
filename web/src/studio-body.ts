/**
 * The Video file mode's whole-body side: whether the portrait is animated as a body (the **Animate** menu:
 * Auto, Face, Whole body; Auto takes the whole body for a full-length photo), the `vivify body` options
 * (generated from BODY_OPTIONS), and the drive itself — the page seeks the driving video frame by frame, the
 * analysis worker tracks its body with MoveNet, the render worker moves the portrait's person and encodes
 * the WebM.
 */
import { BODY_OPTIONS, type FaceResult, type RgbaImage } from '../../src/engine.js';
import { optionControls } from './controls.js';
import { $ } from './dom.js';
import type { Engine } from './engine.js';
import type { BodyDriveOptions, BodyPersonResult } from './protocol.js';

/** The portrait as the page holds it. */
export interface PortraitPicture {
  name: string;
  image: RgbaImage;
  faces: FaceResult[];
}

/** The `vivify body` options the page shows (the rest have no meaning here or need files). */
const SHOWN = ['mode', 'smooth', 'reach', 'head', 'person'] as const;

/** Frames handed to the analysis worker and not yet rendered, at most (trackBody looks one frame ahead). */
const IN_FLIGHT = 3;

export type Subject = 'auto' | 'face' | 'body';

export interface BodyDriveReport {
  blob: Blob;
  frames: number;
  /** Driving frames with five joints or more seen. */
  framesWithPerson: number;
  /** Mean milliseconds per frame in the render worker (skinning, the face engine, rendering). */
  renderMs: number;
  /** Mean milliseconds per frame in the analysis worker (MoveNet on about half the frames). */
  analyseMs: number;
}

export class BodyChoice {
  private portrait: PortraitPicture | undefined;
  private person: { key: string; result: Promise<BodyPersonResult> } | undefined;
  private readonly controls = optionControls(BODY_OPTIONS, SHOWN, () => this.refresh(), 'body');
  private readonly select = $<HTMLSelectElement>('#video-subject');

  constructor(
    private readonly engine: Engine,
    private readonly active: () => boolean,
  ) {
    $('#body-options').append(this.controls.element);
    this.select.addEventListener('change', () => this.refresh());
  }

  get subject(): Subject {
    return this.select.value as Subject;
  }

  setPortrait(p: PortraitPicture | undefined): void {
    this.portrait = p;
    this.person = undefined;
    this.refresh();
  }

  /** The portrait's person for the chosen Person (analysed once per portrait and person). */
  analyse(): Promise<BodyPersonResult> | undefined {
    const p = this.portrait;
    if (!p) return undefined;
    const n = this.values().person;
    const key = `${n}`;
    if (this.person?.key !== key) {
      const result = this.engine.bodyPerson(p.image, p.faces, n, p.name);
      this.person = { key, result };
    }
    return this.person.result;
  }

  values(): BodyDriveOptions & { person: number } {
    return this.controls.values() as unknown as BodyDriveOptions & { person: number };
  }

  /** Whether Animate moves the body: the menu, or for Auto the rule (a full-length person). */
  async decide(): Promise<{ body: false } | { body: true; person: Extract<BodyPersonResult, { ok: true }> }> {
    const faceless = this.portrait?.faces.length === 0;
    if (this.subject === 'face') {
      if (faceless) throw new Error('the face engine found no face in this portrait: choose Auto or The whole body');
      return { body: false };
    }
    const result = await this.analyse();
    if (!result) throw new Error('choose a portrait first');
    if (this.subject === 'body') {
      if (!result.ok) throw new Error(result.message);
      return { body: true, person: result };
    }
    return result.ok && (result.fullLength || faceless) ? { body: true, person: result } : { body: false };
  }

  /** Shows what Animate will move, and the body options when it is the body. */
  refresh(): void {
    const note = $('#video-subject-note');
    const show = (body: boolean): void => {
      $('#body-options').hidden = !body;
      $('#video-face-options').hidden = body;
    };
    // Both groups while Auto has not decided.
    $('#body-options').hidden = this.subject === 'face';
    $('#video-face-options').hidden = this.subject === 'body';
    if (!this.active() || !this.portrait || this.subject === 'face') {
      note.textContent = this.subject === 'face' ? 'The video moves the face.' : '';
      return;
    }
    const pending = this.analyse();
    if (!pending) return;
    note.textContent = 'Looking for a body in the portrait…';
    pending.then(
      (r) => {
        if (pending !== this.person?.result) return;
        const faceless = this.portrait?.faces.length === 0;
        note.textContent = describe(r, this.subject, faceless);
        if (this.subject === 'auto') show(r.ok && (r.fullLength || faceless));
      },
      (err: Error) => (note.textContent = `The body model could not start: ${err.message}`),
    );
  }

  /** Drives the portrait's person with the video; `frame` seeks and grabs frame i. */
  async drive(
    person: Extract<BodyPersonResult, { ok: true }>,
    fps: number,
    frames: number,
    frame: (i: number) => Promise<ImageBitmap>,
    cancelled: () => boolean,
    onFrame: (i: number) => void,
  ): Promise<BodyDriveReport> {
    const engine = this.engine;
    const portrait = this.portrait!;
    const options = this.values();
    const id = engine.id();
    let done = 0;
    let renderMs = 0;
    let analyseMs = 0;
    let withPerson = 0;
    let failed: string | undefined;
    const offA = engine.onAnalysis((e) => {
      if (e.type === 'body-tracked' && e.id === id) {
        if (e.person) withPerson++;
        analyseMs += e.ms;
      }
      if (e.type === 'error' && e.id === id) failed = e.message;
    });
    const offR = engine.onRender((e) => {
      if (e.type === 'file-frame') {
        done++;
        renderMs += e.ms;
      }
      if (e.type === 'error' && e.id === id) failed = e.message;
    });
    const check = (): void => {
      if (cancelled()) throw new Error('cancelled');
      if (failed) throw new Error(failed);
    };
    const wait = (): Promise<void> => new Promise((r) => setTimeout(r, 3));
    try {
      const ack = engine.awaitRender('ack', id);
      const image: RgbaImage = { ...portrait.image, data: portrait.image.data.slice() };
      const { mode, smooth, reach, head } = options;
      engine.postRender(
        {
          type: 'body-begin',
          id,
          image,
          pose: person.pose,
          faceLandmarks: person.faceLandmarks,
          options: { mode, smooth, reach, head },
          fps,
        },
        [image.data.buffer],
      );
      await ack;
      engine.postAnalysis({ type: 'body-begin', id, expression: head === 'expression' && !!person.faceLandmarks });
      for (let i = 0; i < frames; i++) {
        check();
        while (i - done >= IN_FLIGHT) {
          check();
          await wait();
        }
        const bitmap = await frame(i);
        engine.postAnalysis({ type: 'body-track', seq: i, bitmap }, [bitmap]);
        onFrame(i);
      }
      engine.postAnalysis({ type: 'body-end' });
      while (done < frames) {
        check();
        await wait();
      }
      if (withPerson === 0) throw new Error('no person found in any frame of the driving video');
      const result = engine.awaitRender('video', id);
      engine.postRender({ type: 'body-end', id });
      const { blob } = await result;
      return { blob, frames, framesWithPerson: withPerson, renderMs: renderMs / frames, analyseMs: analyseMs / frames };
    } catch (err) {
      engine.postAnalysis({ type: 'body-end' });
      throw err;
    } finally {
      offA();
      offR();
    }
  }
}

/** What the Animate menu will do with this portrait, in a line. */
function describe(r: BodyPersonResult, subject: Subject, faceless: boolean): string {
  if (!r.ok)
    return subject === 'body'
      ? `No body to animate: ${r.message}.`
      : `No body found (${r.message}): the video moves the face.`;
  const extra = r.warnings.map((w) => `; ${w}`).join('');
  if (r.fullLength || subject === 'body' || faceless)
    return `${r.fullLength ? 'A full-length person' : 'A person, not full length'} (${r.joints} of 17 joints): the video moves the whole body${extra}.`;
  return `A person seen to the waist, not full length: the video moves the face (choose The whole body to move the body)${extra}.`;
}
