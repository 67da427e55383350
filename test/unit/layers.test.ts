/**
 * The engine's layers hold: media → analysis → motion → render, over a shared face layer, and the engine
 * free of I/O so the browser runs the same code. Reads every import of every file under src/ (type imports
 * too) and fails naming the file and the import that crosses a line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const SRC = path.resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

interface Import {
  file: string;
  /** 'node:fs', 'sharp', or a path relative to src/ without extension ('face/topology'). */
  target: string;
  line: number;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = (m[1] ?? m[2])!;
    const line = text.slice(0, m.index + (m[0].startsWith('\n') ? 1 : 0)).split('\n').length;
    const target = spec.startsWith('.')
      ? path.relative(SRC, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '')
      : spec;
    out.push({ file: path.relative(SRC, file), target, line });
  }
  return out;
}

const all = files(SRC).flatMap(importsOf);
const local = (t: string): boolean =>
  !t.startsWith('node:') && (t.includes('/') || t === 'errors' || t === 'options') && !t.startsWith('@');
const layer = (t: string): string => (t.includes('/') ? t.split('/')[0]! : t);

/**
 * The engine's extent, read from folders alone: a file is engine (I/O-free, the browser runs it) unless it
 * lies in a Node-only folder (cli/, media/, dataset/, batch/, eval/), in a feature's `node/` subfolder (its
 * Node wiring: files, ffmpeg, sharp, worker threads, the Node model loaders), or is the library's Node door
 * index.ts. So each feature folder keeps its engine code at its top level and its Node wiring in `node/`.
 */
const NODE_ONLY = ['cli', 'media', 'dataset', 'batch', 'eval'];
const ENGINE = (f: string): boolean =>
  f !== 'index.ts' && !NODE_ONLY.includes(layer(f)) && !f.split('/').slice(0, -1).includes('node');

function violations(rule: (i: Import) => string | undefined): string[] {
  return all.flatMap((i) => {
    const why = rule(i);
    return why ? [`src/${i.file}:${i.line} imports ${i.target}: ${why}`] : [];
  });
}

test('the face layer imports only itself (and the error type)', () => {
  const v = violations((i) =>
    i.file.startsWith('face/') && !(local(i.target) && ['face', 'errors'].includes(layer(i.target)))
      ? 'face/ is the bottom layer'
      : undefined,
  );
  assert.deepEqual(v, []);
});

test('motion and emotion import only the face layer; generate only those and options; render only face and motion', () => {
  const allowed: Record<string, string[]> = {
    motion: ['face', 'motion', 'errors'],
    emotion: ['face', 'emotion', 'errors'],
    // Generated motion makes curves: it renders nothing and knows nothing of the timelines that use it.
    generate: ['face', 'motion', 'emotion', 'generate', 'options', 'errors'],
    render: ['face', 'motion', 'render', 'errors'],
  };
  const v = violations((i) => {
    const l = layer(i.file);
    if (!(l in allowed)) return undefined;
    if (!local(i.target)) return `${l}/ takes no packages or Node APIs`;
    return allowed[l]!.includes(layer(i.target)) ? undefined : `${l}/ may import only ${allowed[l]!.join(', ')}`;
  });
  assert.deepEqual(v, []);
});

test('analysis does not import motion, render or anything above it', () => {
  const v = violations((i) =>
    i.file.startsWith('analysis/') &&
    local(i.target) &&
    !['face', 'analysis', 'media', 'errors'].includes(layer(i.target))
      ? 'analysis/ sits below motion and render'
      : undefined,
  );
  assert.deepEqual(v, []);
});

test('the body engine imports only face, motion, render, engine analysis, body and errors/options', () => {
  const allowed = ['face', 'motion', 'render', 'analysis', 'body', 'errors', 'options'];
  const v = violations((i) => {
    if (!i.file.startsWith('body/') || !ENGINE(i.file) || !local(i.target)) return undefined;
    return allowed.includes(layer(i.target)) ? undefined : `body/ may import only ${allowed.join(', ')}`;
  });
  assert.deepEqual(v, []);
  // Sanity: the rule sees the body engine and its Node wiring.
  assert.ok(all.some((i) => i.file === 'body/render.ts' && i.target === 'render/raster'));
  assert.ok(all.some((i) => i.file === 'body/node/animate.ts' && i.target === 'media/video'));
});

test('media imports only the face layer (image types) and errors', () => {
  const v = violations((i) =>
    i.file.startsWith('media/') && local(i.target) && !['face', 'media', 'errors'].includes(layer(i.target))
      ? 'media/ is the bottom I/O layer'
      : undefined,
  );
  assert.deepEqual(v, []);
});

test('the engine is free of I/O: no Node APIs, media, sharp, ffmpeg or CLI in engine files', () => {
  const v = violations((i) => {
    if (!ENGINE(i.file)) return undefined;
    if (i.target.startsWith('node:') || ['sharp', 'fs', 'path', 'child_process'].includes(i.target))
      return 'engine files run in the browser';
    if (i.target.startsWith('@ffmpeg') || i.target.startsWith('@ffprobe')) return 'engine files run in the browser';
    if (local(i.target) && !ENGINE(`${i.target}.ts`))
      return 'engine files take no Node wiring (node/ or a Node-only folder)';
    return undefined;
  });
  assert.deepEqual(v, []);
});

test('the web app imports the engine only through its front door, src/engine.ts', () => {
  const WEB = path.resolve(SRC, '../web/src');
  const v: string[] = [];
  for (const file of files(WEB)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s*|import\(\s*)'([^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]!);
      if (m[1]!.startsWith('.') && target.startsWith(SRC + path.sep) && target !== path.join(SRC, 'engine.js'))
        v.push(`web/src/${path.relative(WEB, file)} imports ${m[1]}: import it from src/engine.ts`);
    }
  }
  assert.deepEqual(v, []);
});

test('the web app reaches only engine files (followed import by import from web/src)', () => {
  const WEB = path.resolve(SRC, '../web/src');
  const v: string[] = [];
  const seen = new Set<string>();
  const queue = files(WEB).flatMap(importsOf);
  for (const i of queue) {
    if (i.target.startsWith('node:')) v.push(`${i.file}:${i.line} imports ${i.target}: the web app runs in a browser`);
    if ((!local(i.target) && i.target !== 'engine') || i.target.startsWith('..') || seen.has(i.target)) continue;
    seen.add(i.target);
    const file = `${i.target}.ts`;
    if (!ENGINE(file)) v.push(`${i.file}:${i.line} reaches src/${file}, which is not an engine file`);
    else queue.push(...importsOf(path.join(SRC, file)));
  }
  assert.deepEqual(v, []);
  assert.ok(seen.has('reenact/reenactor') && seen.has('render/renderer') && seen.has('analysis/analyzer'));
});

test('the rule reads real imports (sanity: render imports face, the CLI imports node:)', () => {
  assert.ok(all.some((i) => i.file === 'render/renderer.ts' && i.target === 'face/topology'));
  assert.ok(all.some((i) => i.file.startsWith('cli/') && i.target.startsWith('node:')));
  assert.ok(all.some((i) => i.file === 'reenact/node/animate.ts' && i.target === 'media/video'));
});

test('the engine is told by folder: top level of a feature in, node/ and Node-only folders out', () => {
  assert.ok(ENGINE('reenact/reenactor.ts') && ENGINE('analysis/analyzer.ts') && ENGINE('errors.ts'));
  assert.ok(!ENGINE('reenact/node/animate.ts') && !ENGINE('analysis/node/analyze.ts') && !ENGINE('index.ts'));
  assert.ok(NODE_ONLY.every((folder) => files(path.join(SRC, folder)).length > 0 && !ENGINE(`${folder}/x.ts`)));
});
