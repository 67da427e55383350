/** Typed messaging for a dedicated worker's global scope (the app is type-checked with the DOM library). */
import { VivifyError } from '../../src/engine.js';

export interface WorkerScope<In, Out> {
  post(msg: Out, transfer?: Transferable[]): void;
  listen(handler: (msg: In) => void): void;
}

export function workerScope<In, Out>(): WorkerScope<In, Out> {
  const g = self as unknown as {
    postMessage(msg: unknown, transfer?: Transferable[]): void;
    onmessage: ((e: MessageEvent) => void) | null;
  };
  return {
    post: (msg, transfer = []) => g.postMessage(msg, transfer),
    listen: (handler) => {
      g.onmessage = (e: MessageEvent) => handler(e.data as In);
    },
  };
}

/** A one-line message for the page: Vivify's own errors as they are, others with their kind. */
export function errorMessage(err: unknown): string {
  if (err instanceof VivifyError) return err.message;
  if (err instanceof Error) return err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  return String(err);
}
