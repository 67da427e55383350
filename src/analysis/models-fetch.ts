/**
 * A model loader for browsers (or any runtime with `fetch`): reads `<base>/<name>.json` and its weight shards
 * over HTTP from wherever the app serves @vladmandic/human's `models/` folder. Nothing is sent anywhere:
 * these are plain GET requests for static files.
 */
import { VivifyError } from '../errors.js';
import { modelArtifacts, type ModelArtifactsLoader, type ModelJson } from './models.js';

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
export function fetchModelLoader(
  base: string,
  options: FetchLoaderOptions = {},
): ModelArtifactsLoader & ((name: string) => ReturnType<ModelArtifactsLoader>) {
  const get = options.fetch ?? fetch;
  const folder = base.endsWith('/') ? base : `${base}/`;
  const progress: FetchProgress = { loaded: 0, total: 0 };
  const report = (): void => options.onProgress?.({ ...progress });

  /**
   * The body of `url`, as it arrives. `onBytes` sees each decoded chunk. A server may compress the file
   * (`Content-Encoding: gzip`, as nginx's gzip_static does) and then its Content-Length counts the
   * compressed bytes: the length is only checked against what arrived for a file sent as it is.
   */
  const download = async (url: string, onBytes: (n: number) => void): Promise<Uint8Array> => {
    const res = await get(url);
    if (!res.ok) throw new VivifyError('E_MODEL_LOAD', `could not fetch ${url}: HTTP ${res.status}`);
    const encoding = (res.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    const size = encoding === 'identity' ? Number(res.headers.get('content-length') ?? 0) : 0;
    const parts: Uint8Array[] = [];
    let n = 0;
    if (!res.body) {
      parts.push(new Uint8Array(await res.arrayBuffer()));
      n = parts[0]!.byteLength;
      onBytes(n);
    } else {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        n += value.byteLength;
        onBytes(value.byteLength);
      }
    }
    if (size && n !== size) throw new VivifyError('E_MODEL_LOAD', `${url} ended after ${n} of ${size} bytes`);
    return concat(parts, n);
  };

  // Any model in the folder: the face models, and MoveNet for bodies (movenet-lightning).
  return async (name: string) => {
    const url = new URL(`${name}.json`, new URL(folder, globalThis.location?.href ?? 'http://localhost/')).href;
    // The model's description joins the progress once it is here (its size is not known before).
    const text = await download(url, () => undefined);
    progress.total += text.byteLength;
    progress.loaded += text.byteLength;
    report();
    const json = JSON.parse(new TextDecoder().decode(text)) as ModelJson;
    // The weights' size is known from the description, whatever the server says or compresses: progress
    // counts decoded bytes up to it, so it never passes 100%.
    const expected = json.weightsManifest.reduce(
      (sum, g) => sum + g.weights.reduce((t, w) => t + weightBytes(w), 0),
      0,
    );
    progress.total += expected;
    report();
    let received = 0;
    const onBytes = (k: number): void => {
      const counted = Math.min(k, Math.max(0, expected - received));
      received += k;
      progress.loaded += counted;
      if (counted) report();
    };
    const shardUrls = json.weightsManifest.flatMap((g) => g.paths.map((p) => new URL(p, url).href));
    const shards = await Promise.all(shardUrls.map((u) => download(u, onBytes)));
    if (received !== expected)
      throw new VivifyError(
        'E_MODEL_LOAD',
        `the ${name} model's weights are ${received} bytes where its description says ${expected}`,
      );
    return modelArtifacts(json, shards);
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

/** Bytes a weight takes in its shard: its element count times its (quantised) element size. */
function weightBytes(w: ModelJson['weightsManifest'][number]['weights'][number]): number {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const bytes = DTYPE_BYTES[dtype];
  if (bytes === undefined) throw new VivifyError('E_MODEL_LOAD', `weight ${w.name} has an unsupported type ${dtype}`);
  return count * bytes;
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}
