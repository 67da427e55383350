/**
 * The mouth interior in self-reenactment: every VoxCeleb-style clip of ../shared/data (frame 0 as the
 * portrait, the clip as the driver, the suite's configuration for such crops) rendered with the drawn
 * interior and with the bank of real mouths — the clip's own person left out of the bank — and measured
 * against the clip itself: L1 inside the mouth box on the frames where the mouth is open, whole-frame L1
 * and AKD. Writes the table to docs/results/mouths.md (or the file given with --out) and the per-clip
 * figures beside it (mouths.json), after every clip; `--resume` keeps the clips already there.
 *
 *   npm run eval:mouths -- [--frames 150] [--out docs/results/mouths.md] [--only REGEX] [--resume]
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { runReenactJob, type ReenactJobResult } from '../src/eval/reenact-run.js';
import { isVoxStyle, VOX_CONFIG } from '../src/eval/suite.js';
import { writeAtomically } from '../src/media/atomic.js';
import { machine } from '../bench/machine.js';
import { DATA } from '../test/helpers.js';
import { readManifest } from '../src/dataset/manifest.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '150' },
    out: { type: 'string', default: 'docs/results/mouths.md' },
    only: { type: 'string' },
    resume: { type: 'boolean', default: false },
  },
});
const frames = Number(values.frames);
const clips = readManifest(DATA)
  .filter((r) => r.kind === 'video' && r.category !== 'body' && r.self_reenactment === 'yes' && isVoxStyle(r.file))
  .map((r) => r.file)
  .filter((f) => !values.only || new RegExp(values.only).test(f));

const f = (v: number | undefined, d = 4): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
type Figures = Pick<ReenactJobResult['result'], 'mouthL1' | 'mouthL1Frames' | 'l1' | 'akd'>;
interface ClipResult {
  clip: string;
  drawn: Figures;
  bank: Figures;
  own: Figures;
}
const json = values.out!.replace(/\.md$/, '') + '.json';
const results: ClipResult[] =
  values.resume && existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as ClipResult[]) : [];
const figures = (r: ReenactJobResult): Figures => ({
  mouthL1: r.result.mouthL1,
  mouthL1Frames: r.result.mouthL1Frames,
  l1: r.result.l1,
  akd: r.result.akd,
});
const analyzer = await createFaceAnalyzer({ emotion: false });
for (const clip of clips) {
  if (results.some((r) => r.clip === clip)) continue;
  const run = (mouth: 'drawn' | 'bank', mouthFromDriver = false): Promise<ReenactJobResult> =>
    runReenactJob(analyzer, {
      kind: 'self',
      driving: path.join(DATA, clip),
      maxFrames: frames,
      identityEvery: 1000,
      reenact: { ...VOX_CONFIG, mouth, mouthFromDriver },
    });
  const drawn = figures(await run('drawn'));
  const bank = figures(await run('bank'));
  const own = figures(await run('bank', true));
  results.push({ clip, drawn, bank, own });
  await writeAtomically(json, (tmp) => fs.writeFile(tmp, JSON.stringify(results, null, 1)));
  console.log(
    `${clip}: open-mouth frames ${bank.mouthL1Frames}; mouth L1 drawn ${f(drawn.mouthL1)}, bank ${f(bank.mouthL1)}, ` +
      `bank+driver ${f(own.mouthL1)}; L1 ${f(drawn.l1)} / ${f(bank.l1)} / ${f(own.l1)}; ` +
      `AKD ${f(drawn.akd, 3)} / ${f(bank.akd, 3)} / ${f(own.akd, 3)}`,
  );
}
analyzer.close();

type Run = 'drawn' | 'bank' | 'own';
const RUNS: Run[] = ['drawn', 'bank', 'own'];
/** Means over clips, the mouth L1 weighted by each clip's open-mouth frames. */
const withOpen = results.filter((r) => (r.bank.mouthL1Frames ?? 0) > 0);
const weighted = (k: Run): number =>
  withOpen.reduce((s, r) => s + r[k].mouthL1! * r[k].mouthL1Frames!, 0) /
  withOpen.reduce((s, r) => s + r[k].mouthL1Frames!, 0);
const mean = (k: Run, m: 'l1' | 'akd'): number => results.reduce((s, r) => s + r[k][m]!, 0) / results.length;
const lines = [
  '# Mouth interior: drawn vs real mouths (self-reenactment)',
  '',
  `Measured by \`node --import tsx scripts/eval-mouths.ts --frames ${frames}\` on ${machine()}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  "Each VoxCeleb-style clip of ../shared/data reenacts its own first frame (the suite's configuration for such crops:",
  'surroundings tracked, detail 1), three ways: the drawn interior (`--mouth drawn`); the bank of real mouths with the',
  "clip's own person left out of it and the driver's mouth not used (`bank`); and the default, the bank plus the driving",
  "face's own mouth as a candidate (`bank+driver`; in self-reenactment the driver is the same person, so this shows what",
  'the driver candidate gives, not what the bank alone does). The mouth L1 is the mean absolute RGB difference to the clip',
  "inside the driver's mouth box (outer lips padded by a tenth of their width), over the frames where its inner lips are",
  'open by more than a tenth of their width.',
  '',
  '| clip | open-mouth frames | mouth L1 drawn | bank | bank+driver | L1 drawn | bank | bank+driver | AKD drawn | bank | bank+driver |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${path.basename(r.clip)} | ${r.bank.mouthL1Frames} | ${RUNS.map((k) => f(r[k].mouthL1)).join(' | ')} | ${RUNS.map((k) => f(r[k].l1)).join(' | ')} | ${RUNS.map((k) => f(r[k].akd, 3)).join(' | ')} |`,
  ),
  `| **all** (mouth L1 weighted by open frames) | ${withOpen.reduce((s, r) => s + r.bank.mouthL1Frames!, 0)} | ${RUNS.map((k) => f(weighted(k))).join(' | ')} | ${RUNS.map((k) => f(mean(k, 'l1'))).join(' | ')} | ${RUNS.map((k) => f(mean(k, 'akd'), 3)).join(' | ')} |`,
  '',
  `Mouth L1 over the drawn interior's: bank **${(weighted('bank') / weighted('drawn')).toFixed(3)}×**, bank+driver **${(weighted('own') / weighted('drawn')).toFixed(3)}×** (bar: ≤ 0.8×).`,
  `Whole-frame L1 ${f(mean('drawn', 'l1'))} → ${f(mean('bank', 'l1'))} / ${f(mean('own', 'l1'))}; AKD ${f(mean('drawn', 'akd'), 3)} → ${f(mean('bank', 'akd'), 3)} / ${f(mean('own', 'akd'), 3)} (bar: no worse).`,
  '',
];
await fs.mkdir(path.dirname(path.resolve(values.out!)), { recursive: true });
await writeAtomically(values.out!, (tmp) => fs.writeFile(tmp, lines.join('\n')));
console.log(lines.slice(-3).join('\n'));
