/**
 * Vite config of the browser app (`npm run web`, `npm run build:web`). The face models and tfjs's .wasm files
 * are not bundled: they are served (dev) or copied (build) as static files under models/ and wasm/, and the
 * analysis worker fetches them at run time; the render worker fetches models/motion.json (generated motion)
 * when a timeline first needs it, and models/speech.json (audio → mouth) when the Speak mode first does.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const HUMAN_MODELS = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
const TFJS_WASM = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

/**
 * What the app fetches: the four face models it runs (not faceres, 7 MB, used only for identity), and MoveNet
 * Lightning (4.8 MB), fetched only when the Video file mode first looks for a body.
 */
const STATIC: Record<string, string> = {};
for (const m of ['blazeface', 'facemesh', 'iris', 'emotion', 'movenet-lightning']) {
  STATIC[`models/${m}.json`] = path.join(HUMAN_MODELS, `${m}.json`);
  STATIC[`models/${m}.bin`] = path.join(HUMAN_MODELS, `${m}.bin`);
}
// The generated-motion models (`idle`, `listening` and `generate` in timelines), shipped in the package.
STATIC['models/motion.json'] = path.resolve(import.meta.dirname, '..', 'models', 'motion.json');
// The audio → mouth model (the studio's Speak mode), read from the package at build time, not copied.
STATIC['models/speech.json'] = path.resolve(import.meta.dirname, '..', 'models', 'speech.json');
for (const w of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  STATIC[`wasm/${w}`] = path.join(TFJS_WASM, w);
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

function modelFiles(): Plugin {
  return {
    name: 'vivify-model-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        const file = STATIC[url];
        if (!file) return next();
        res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(STATIC)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}

/**
 * The engine's modules (the package's src/) run no code on import that another module relies on: a bundle keeps
 * only what it uses of them. Without this every module src/engine.ts re-exports counted as having side effects,
 * so the page and the render worker carried tfjs and its WebAssembly backend (through src/analysis/models.ts),
 * which only the analysis worker runs, and parsed and ran them at start-up. What the engine imports from
 * node_modules keeps its own side effects (models.ts still registers tfjs's wasm backend where it is used).
 */
const ENGINE = path.resolve(import.meta.dirname, '..', 'src') + path.sep;
const treeshake = {
  moduleSideEffects: [{ test: new RegExp(`^${ENGINE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), sideEffects: false }],
};

export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: './',
  plugins: [modelFiles()],
  worker: { format: 'es', rolldownOptions: { treeshake } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { treeshake },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
