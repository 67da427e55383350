/**
 * A model loader for browsers (or any runtime with `fetch`): reads `<base>/<name>.json` and its weight shards
 * over HTTP from wherever the app serves @vladmandic/human's `models/` folder. Nothing is sent anywhere:
 * these are plain GET requests for static files.
 */
import { VivifyError } from '../errors.js';
import { modelArtifacts, type ModelArtifactsLoader, type ModelJson, type ModelName } from './models.js';

export interface FetchProgress {
  /** Bytes received so far, over all files this loader has fetched. */
  loaded: number;
  /** Bytes expected, over the files whose size is known so far (0 while none is). */
  total: number;
}

export interface FetchLoaderOptions {
  /** Called as bytes arrive. */
  onProgress?: (p: FetchProgress) => void;
  /** Replaces the global fetch (tests, custom caching). */
  fetch?: typeof fetch;
}

/**
 * Loads models from `base` (a URL of the folder holding `blazeface.json`, `blazeface.bin`, …).
 *
 * @example
 * const analyzer = await createFaceAnalyzerWith({ loadModel: fetchModelLoader('/models/'), wasmPath: '/wasm/' });
 */
export function fetchModelLoader(base: string, options: FetchLoaderOptions = {}): ModelArtifactsLoader {
  const get = options.fetch ?? fetch;
  const folder = base.endsWith('/') ? base : `${base}/`;
  const progress: FetchProgress = { loaded: 0, total: 0 };
  const report = (): void => options.onProgress?.({ ...progress });

  const download = async (url: string): Promise<Uint8Array> => {
    const res = await get(url);
    if (!res.ok) throw new VivifyError('E_MODEL_LOAD', `could not fetch ${url}: HTTP ${res.status}`);
    const size = Number(res.headers.get('content-length') ?? 0);
    progress.total += size;
    report();
    if (!res.body) {
      const all = new Uint8Array(await res.arrayBuffer());
      progress.loaded += all.byteLength;
      report();
      return all;
    }
    const parts: Uint8Array[] = [];
    let n = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
      progress.loaded += value.byteLength;
      report();
    }
    if (size && n !== size) throw new VivifyError('E_MODEL_LOAD', `${url} ended after ${n} of ${size} bytes`);
    const all = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.byteLength;
    }
    return all;
  };

  return async (name: ModelName) => {
    const url = new URL(`${name}.json`, new URL(folder, globalThis.location?.href ?? 'http://localhost/')).href;
    const json = JSON.parse(new TextDecoder().decode(await download(url))) as ModelJson;
    const shardUrls = json.weightsManifest.flatMap((g) => g.paths.map((p) => new URL(p, url).href));
    return modelArtifacts(json, await Promise.all(shardUrls.map(download)));
  };
}
