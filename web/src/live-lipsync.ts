/**
 * Live lip-sync: the microphone moves the portrait's mouth. The page captures the microphone at the speech
 * features' rate (an AudioContext at 16 kHz; an AudioWorklet gathers 512-sample blocks, 32 ms) and hands each
 * block to the render worker, which computes the features as they complete, runs the speech model over the last
 * 4 s with its look-ahead of three frames (120 ms) and renders the newest frame the model can tell.
 */
import { SPEECH_SAMPLE_RATE } from '../../src/engine.js';
import type { Engine } from './engine.js';
// The tap's own bundle (an AudioWorklet module), built by vite as a worker is.
import TAP_URL from './lipsync.worklet.ts?worker&url';

/** Samples per block the page hands on (32 ms at 16 kHz). */
const BLOCK = 512;

export interface LipSyncStats {
  /** Frames rendered since the start, and per second over the last two seconds. */
  frames: number;
  fps: number;
  /** Over the last two seconds: mean lag of the shown mouth behind the newest microphone sample, and render time. */
  lagMs: number;
  renderMs: number;
  /** The jaw drop (AU26) shown in the last frames, oldest first (at most 100). */
  opens: number[];
}

export interface LipSyncSession {
  stop(): void;
  stats(): LipSyncStats;
}

/** Opens the microphone and starts lip-syncing (rejects if the microphone cannot be opened). */
export async function startLipSync(engine: Engine, mouthScale: number): Promise<LipSyncSession> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: true },
  });
  const ctx = new AudioContext({ sampleRate: SPEECH_SAMPLE_RATE, latencyHint: 'interactive' });
  try {
    const id = engine.id();
    const ack = engine.awaitRender('ack', id);
    engine.postRender({ type: 'lipsync-start', id, mouthScale });
    await ack;
  } catch (err) {
    for (const t of stream.getTracks()) t.stop();
    void ctx.close();
    throw err;
  }
  let input: MediaStreamAudioSourceNode;
  let tap: AudioWorkletNode;
  try {
    await ctx.audioWorklet.addModule(TAP_URL);
    input = ctx.createMediaStreamSource(stream);
    tap = new AudioWorkletNode(ctx, 'vivify-lipsync-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { block: BLOCK },
    });
  } catch (err) {
    engine.postRender({ type: 'lipsync-stop' });
    for (const t of stream.getTracks()) t.stop();
    void ctx.close();
    throw new Error(`the microphone tap could not start: ${(err as Error).message}`);
  }
  tap.port.onmessage = (e: MessageEvent<Float32Array<ArrayBuffer>>) => {
    const samples = e.data;
    engine.postRender({ type: 'lipsync-audio', samples }, [samples.buffer]);
  };
  input.connect(tap);
  // Connected to the output so the graph runs it; it writes silence there.
  tap.connect(ctx.destination);
  await ctx.resume();

  const recent: { t: number; lagMs: number; ms: number }[] = [];
  const opens: number[] = [];
  let frames = 0;
  const off = engine.onRender((e) => {
    if (e.type !== 'lipsync-frame') return;
    frames++;
    recent.push({ t: performance.now(), lagMs: e.lagMs, ms: e.ms });
    opens.push(e.open);
    if (opens.length > 100) opens.shift();
  });
  return {
    stop() {
      off();
      tap.disconnect();
      input.disconnect();
      for (const t of stream.getTracks()) t.stop();
      void ctx.close();
      engine.postRender({ type: 'lipsync-stop' });
    },
    stats() {
      const now = performance.now();
      while (recent.length && now - recent[0]!.t > 2000) recent.shift();
      const mean = (f: (r: (typeof recent)[number]) => number): number =>
        recent.length ? recent.reduce((s, r) => s + f(r), 0) / recent.length : 0;
      const span = recent.length > 1 ? (recent.at(-1)!.t - recent[0]!.t) / 1000 : 0;
      return {
        frames,
        fps: span > 0 ? (recent.length - 1) / span : 0,
        lagMs: mean((r) => r.lagMs),
        renderMs: mean((r) => r.ms),
        opens: opens.slice(),
      };
    },
  };
}
