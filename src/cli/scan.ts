import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer } from '../analysis/node/analyze.js';
import {
  DEFAULT_SCAN_OPTIONS,
  listVideos,
  scanToTsv,
  scanVideo,
  type ScanResult,
  type ScanStatus,
} from '../dataset/scan.js';
import { VivifyError } from '../errors.js';
import { writeAtomically } from '../media/atomic.js';
import { checkRunPaths } from '../media/run-paths.js';
import type { CommandContext } from './context.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'check a video dataset: integrity, static clips, duration, fps, resolution, one face per frame',
  usage: 'vivify scan <folder|files…> [--report report.tsv|report.json]',
  positionals: { name: '<folder|files…>', min: 1, max: Infinity },
  options: {
    report: {
      type: 'string',
      value: 'report.tsv|.json',
      description: 'Write one row per video (TSV) or the full results (JSON)',
    },
    samples: {
      type: 'integer',
      value: 'n',
      default: DEFAULT_SCAN_OPTIONS.samples,
      min: 1,
      max: 200,
      description: 'Frames sampled evenly through each video for the face check',
    },
    'static-mse': {
      type: 'number',
      value: 'mse',
      default: DEFAULT_SCAN_OPTIONS.staticMse,
      min: 0,
      description:
        'A video is static if successive frames never differ by more than this mean squared error (0–255 scale)',
    },
    'min-face-fraction': {
      type: 'number',
      value: 'f',
      default: DEFAULT_SCAN_OPTIONS.minFaceFraction,
      min: 0,
      max: 1,
      description: 'A video is faceless if fewer sampled frames than this show exactly one face',
    },
  },
  examples: [
    'vivify scan ../shared/data/videos',
    'vivify scan clips/ --report scan.tsv',
    'vivify scan a.mp4 b.mp4 --report scan.json',
  ],
});

type ScanArgs = FlagsOf<typeof scanCommand.options>;

export async function runScan(inputs: string[], args: ScanArgs, ctx: CommandContext): Promise<number> {
  const ext = args.report ? path.extname(args.report).toLowerCase() : '';
  if (args.report && ext !== '.tsv' && ext !== '.json') {
    throw new VivifyError('E_USAGE', `--report needs a .tsv or .json file name, got ${args.report}`);
  }
  for (const i of inputs) {
    await fs.stat(i).catch((cause: unknown) => {
      throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${i}: no such file or folder`, { cause });
    });
  }
  await checkRunPaths(
    inputs.map((i) => ({ name: 'the input', path: i })),
    [{ name: '--report', path: args.report }],
  );
  // Links that loop back, and files or folders reached twice, are skipped with a warning (and listed in a JSON report).
  const skipped: { path: string; reason: string }[] = [];
  const files = await listVideos(inputs, {
    onSkip: (p, reason) => {
      skipped.push({ path: p, reason });
      ctx.err(`warning: skipped ${p}: ${reason}`);
    },
  });
  if (files.length === 0) throw new VivifyError('E_INPUT_NOT_FOUND', `no video files found in ${inputs.join(', ')}`);
  const analyzer = await createFaceAnalyzer({ emotion: false, maxFaces: 5 });
  const progress = createProgress('scan', files.length);
  const results: ScanResult[] = [];
  try {
    for (const file of files) {
      progress.update(results.length, path.basename(file));
      const r = await scanVideo(file, analyzer, {
        samples: args.samples,
        staticMse: args['static-mse'],
        minFaceFraction: args['min-face-fraction'],
        signal: ctx.signal,
      });
      results.push(r);
      progress.log(formatRow(r));
    }
  } finally {
    analyzer.close();
  }
  progress.done(`${files.length} video${files.length === 1 ? '' : 's'}`);
  const counts: Record<ScanStatus, number> = { good: 0, corrupt: 0, static: 0, faceless: 0 };
  for (const r of results) counts[r.status]++;
  ctx.out(
    `${files.length} video${files.length === 1 ? '' : 's'}: ${counts.good} good, ${counts.corrupt} corrupt, ${counts.static} static, ${counts.faceless} faceless`,
  );
  if (args.report) {
    const report = args.report;
    const body =
      ext === '.json' ? JSON.stringify({ summary: counts, videos: results, skipped }, null, 1) : scanToTsv(results);
    await writeAtomically(report, (tmp) => fs.writeFile(tmp, body));
    ctx.out(`wrote ${report}`);
  }
  return 0;
}

function formatRow(r: ScanResult): string {
  const parts = [r.status.toUpperCase().padEnd(8), r.file];
  if (r.width) {
    const fps = `${r.fps} fps${r.variableFrameRate ? ' (variable, average)' : ''}`;
    parts.push(`${r.width}x${r.height}`, fps, `${r.durationS} s`, `${r.framesDecoded} frames`);
  }
  if (r.faceFraction !== undefined) parts.push(`one face in ${Math.round(r.faceFraction * 100)}%`);
  if (r.problems.length) parts.push(`— ${r.problems.join('; ')}`);
  return parts.join('  ');
}
