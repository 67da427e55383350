/**
 * The microphone tap of Live lip-sync, an AudioWorklet processor: it gathers the 128-sample render quanta
 * into blocks and posts each block to the page (transferred, not copied), which hands it to the render worker.
 * Loaded with `audioWorklet.addModule` from its own bundle (live-lipsync.ts imports its URL with `?worker&url`).
 */

// The AudioWorkletGlobalScope's names (TypeScript's DOM library has no types for that scope).
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions: unknown }) => unknown,
): void;

class LipSyncTap extends AudioWorkletProcessor {
  private readonly block: number;
  private buffer: Float32Array<ArrayBuffer>;
  private filled = 0;

  constructor(options: { processorOptions: unknown }) {
    super();
    this.block = (options.processorOptions as { block: number }).block;
    this.buffer = new Float32Array(this.block);
  }

  process(inputs: Float32Array[][]): boolean {
    // No input channel while the source is not connected yet: nothing to gather.
    const samples = inputs[0]?.[0];
    if (!samples) return true;
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(samples.length - i, this.block - this.filled);
      this.buffer.set(samples.subarray(i, i + n), this.filled);
      this.filled += n;
      i += n;
      if (this.filled === this.block) {
        this.port.postMessage(this.buffer, [this.buffer.buffer]);
        this.buffer = new Float32Array(this.block);
        this.filled = 0;
      }
    }
    return true;
  }
}

// The name the page creates its node with (live-lipsync.ts).
registerProcessor('vivify-lipsync-tap', LipSyncTap);
