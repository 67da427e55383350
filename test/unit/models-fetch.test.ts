/** The browser's model loader reads the same artifacts as the Node loader, reports progress, and fails clearly. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { fetchModelLoader, type FetchProgress } from '../../src/analysis/models-fetch.js';
import { fileModelLoader, humanModelDir } from '../../src/analysis/node/load-models.js';

/** A fetch that serves Human's model folder from disk at http://models.test/m/, in small chunks. */
const diskFetch: typeof fetch = async (input) => {
  const url = new URL(String(input));
  if (!url.pathname.startsWith('/m/')) return new Response('not found', { status: 404 });
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(humanModelDir(), url.pathname.slice(3)));
  } catch {
    return new Response('not found', { status: 404 });
  }
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 65536) c.enqueue(new Uint8Array(bytes.subarray(i, i + 65536)));
      c.close();
    },
  });
  return new Response(body, { headers: { 'content-length': String(bytes.length) } });
};

test('fetchModelLoader returns the artifacts fileModelLoader reads, with byte progress', async () => {
  const seen: FetchProgress[] = [];
  const load = fetchModelLoader('http://models.test/m', { fetch: diskFetch, onProgress: (p) => seen.push(p) });
  const [viaFetch, viaFile] = await Promise.all([load('iris'), fileModelLoader()('iris')]);
  assert.deepEqual(viaFetch.weightSpecs, viaFile.weightSpecs);
  assert.deepEqual(viaFetch.modelTopology, viaFile.modelTopology);
  const a = new Uint8Array(viaFetch.weightData as ArrayBuffer);
  const b = new Uint8Array(viaFile.weightData as ArrayBuffer);
  assert.equal(a.length, b.length);
  assert.ok(a.length > 1_000_000);
  assert.ok(Buffer.from(a).equals(Buffer.from(b)));
  const last = seen.at(-1)!;
  assert.equal(last.loaded, last.total);
  assert.ok(seen.length > 10, 'progress is reported as chunks arrive');
  assert.ok(seen.every((p, i) => i === 0 || p.loaded >= seen[i - 1]!.loaded));
});

test('fetchModelLoader names the URL and status when a file is missing', async () => {
  const load = fetchModelLoader('http://models.test/elsewhere/', { fetch: diskFetch });
  await assert.rejects(
    load('blazeface'),
    /could not fetch http:\/\/models\.test\/elsewhere\/blazeface\.json: HTTP 404/,
  );
});

/**
 * Human's model folder as a browser sees it behind a server that compresses (nginx gzip_static): the body
 * arrives decoded, while Content-Length counts the compressed bytes and Content-Encoding says gzip.
 */
const gzipFetch: typeof fetch = async (input) => {
  const url = new URL(String(input));
  const bytes = await readFile(path.join(humanModelDir(), url.pathname.slice(3)));
  const compressed = gzipSync(bytes).length;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 65536) c.enqueue(new Uint8Array(bytes.subarray(i, i + 65536)));
      c.close();
    },
  });
  return new Response(body, { headers: { 'content-length': String(compressed), 'content-encoding': 'gzip' } });
};

test('a server that compresses: every model loads, and progress never passes 100%', async () => {
  const seen: FetchProgress[] = [];
  const load = fetchModelLoader('http://models.test/m', { fetch: gzipFetch, onProgress: (p) => seen.push(p) });
  const names = ['blazeface', 'facemesh', 'iris', 'emotion', 'faceres'] as const;
  for (const name of names) {
    const [viaFetch, viaFile] = await Promise.all([load(name), fileModelLoader()(name)]);
    assert.ok(Buffer.from(viaFetch.weightData as ArrayBuffer).equals(Buffer.from(viaFile.weightData as ArrayBuffer)));
  }
  assert.ok(seen.length > 10);
  for (const p of seen) assert.ok(p.loaded <= p.total, `${p.loaded} of ${p.total}`);
  assert.equal(seen.at(-1)!.loaded, seen.at(-1)!.total);
});

test('a shard shorter than the model says is an error naming the model', async () => {
  const short: typeof fetch = async (input) => {
    const res = await diskFetch(input);
    if (!String(input).endsWith('.bin')) return res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    return new Response(bytes.subarray(0, bytes.length - 100)); // no Content-Length to check against
  };
  await assert.rejects(
    fetchModelLoader('http://models.test/m', { fetch: short })('iris'),
    /the iris model's weights are \d+ bytes where its description says \d+/,
  );
});
