/**
 * Starting a module of this package on a worker thread, whether the package runs compiled (dist/) or from its
 * TypeScript sources (tests and benches, through tsx).
 */
import { Worker } from 'node:worker_threads';

/**
 * A worker running the module at `moduleUrl` (pass the module's own `import.meta.url`) with `workerData`: the
 * module itself when compiled, or — a .ts source — loaded through tsx's loader, registered in the worker first.
 */
export function startModuleWorker(moduleUrl: string, workerData: unknown): Worker {
  const self = new URL(moduleUrl);
  if (self.pathname.endsWith('.ts')) {
    const entry = JSON.stringify(self.href);
    // The worker's own source text (double quotes: the layer tests read single-quoted import() as this file's).
    return new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${entry}); });`, {
      eval: true,
      workerData,
    });
  }
  return new Worker(self, { workerData });
}
