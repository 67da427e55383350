/**
 * Combines suite reports from separate runs (e.g. `--only self` and `--only cross`) into one
 * reenact-suite.md/.json: later files replace jobs of the earlier ones with the same label.
 *
 *   npx tsx scripts/merge-suite.ts out-dir a/reenact-suite.json b/reenact-suite.json …
 */
import { readFileSync } from 'node:fs';
import { jobLabel, writeSuiteReport } from '../src/eval/suite.js';
import type { ReenactJobResult } from '../src/eval/reenact-run.js';

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) throw new Error('usage: merge-suite.ts out-dir report.json …');
const byLabel = new Map<string, ReenactJobResult>();
const failures: { job: ReenactJobResult['job']; error: string }[] = [];
const machines = new Set<string>();
let seconds = 0;
for (const f of files) {
  const d = JSON.parse(readFileSync(f, 'utf8')) as {
    machine: string;
    seconds: number;
    results: ReenactJobResult[];
    failures: typeof failures;
  };
  machines.add(d.machine);
  seconds += d.seconds;
  for (const r of d.results) byLabel.set(jobLabel(r.job), r);
  failures.push(...d.failures);
}
const results = [...byLabel.values()].sort((a, b) => (a.job.kind === b.job.kind ? 0 : a.job.kind === 'self' ? -1 : 1));
console.log((await writeSuiteReport(outDir, results, failures, [...machines].join('; '), seconds)).join('\n'));
