/**
 * Time to the first usable portrait in the browser app (issue 21's bar: 2 s on the project's machine). Builds
 * the app, serves it on a loopback port and opens it in a fresh headless Chromium each run (nothing cached), as
 * test/web/app.test.ts does, and reads the page's own figure: milliseconds from opening the page (its time
 * origin) until the bundled astronaut was analysed and in use (`vivify.firstPortraitMs()`, web/src/main.ts).
 * Prints every run, the median and the worst, and the load average before and after (other jobs on the
 * machine slow every figure).
 *
 *   node --import tsx bench/web-startup.ts [--runs 9] [--dist DIR,DIR…] [--query backend=wasm]
 *
 * `--dist` measures builds made beforehand (e.g. `vite build --config web/vite.config.ts --outDir DIR` in a
 * checkout of an older commit) instead of building this one, taking them in turn each round so that they share
 * the same load. Needs Chromium (Debian: apt-get install chromium; or VIVIFY_CHROMIUM=/path).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWeb, openApp, serveStatic, waitForApp } from '../test/web/harness.js';
import { machine } from './machine.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    dist: { type: 'string' },
    query: { type: 'string', default: '' },
  },
});
const runs = Number(values.runs);
const load = (): string => loadavg()[0]!.toFixed(1);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-startup-'));
try {
  console.log(`machine: ${machine()}; headless Chromium, software GPU (SwiftShader)`);
  let dists = values.dist?.split(',').map((d) => path.resolve(d));
  if (!dists) {
    await buildWeb(path.join(dir, 'dist'));
    dists = [path.join(dir, 'dist')];
  }
  const servers = await Promise.all(dists.map((d) => serveStatic(d)));
  const times = dists.map((): number[] => []);
  const before = load();
  console.log(`load average (1 min) before: ${before}`);
  try {
    for (let run = 1; run <= runs; run++) {
      const line: string[] = [];
      for (const [i, server] of servers.entries()) {
        const s = await openApp(`${server.url}?${values.query}#live`, { allowCamera: false });
        try {
          await waitForApp(s.page, 60_000);
          const ms = await s.page.evaluate(() =>
            (window as unknown as { vivify: { firstPortraitMs(): number | undefined } }).vivify.firstPortraitMs()!,
          );
          times[i]!.push(ms);
          line.push(seconds(ms));
          if (s.errors.length) console.log(`  page errors: ${s.errors.join('; ')}`);
        } finally {
          await s.close();
        }
      }
      console.log(`run ${run}: first usable portrait ${line.join(' | ')} (load ${load()})`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  const after = load();
  for (const [i, d] of dists.entries()) {
    const t = [...times[i]!].sort((a, b) => a - b);
    const mid = t.length / 2;
    const median = t.length % 2 ? t[Math.floor(mid)]! : (t[mid - 1]! + t[mid]!) / 2;
    console.log(
      `${values.dist ? `${d}: ` : ''}first usable portrait over ${t.length} runs: median ${seconds(median)}, best ${seconds(t[0]!)}, worst ${seconds(t.at(-1)!)}; load average ${before} -> ${after}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
