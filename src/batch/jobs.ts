/**
 * The batch jobs as library functions: `augment` (expression, pose and reenactment variants of every face),
 * and `batchAnalyze`, `batchScan`, `batchAnimate` over whole datasets. Each lists its inputs, validates its
 * options against their one definition (src/batch/options.ts and the commands' own) and hands the items to
 * the coordinator (src/batch/run.ts), locally or through a queue.
 */
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { DEFAULT_ANALYZER_OPTIONS } from '../analysis/analyzer.js';
import { optionKeys, resolveOptions, type OptionSpecs } from '../options.js';
import { ANIMATE_OPTIONS, type AnimateSettings } from '../reenact/options.js';
import type { ScanOptions } from '../dataset/scan.js';
import { IMAGE_INPUT_EXTENSIONS, listInputs, VIDEO_EXTENSIONS, type Listing } from './inputs.js';
import type { BatchItem } from './job.js';
import { AUGMENT_OPTIONS, BATCH_OPTIONS, type AugmentSettings, type BatchSettings } from './options.js';
import { runBatch, type BatchJob, type BatchReport, type BatchRunOptions } from './run.js';

/** Options every batch function takes: the machinery (see BATCH_OPTIONS) and progress. */
export type BatchOptions = Partial<BatchSettings> & Pick<BatchRunOptions, 'signal' | 'onProgress' | 'onLog'>;

export type AugmentOptions = Partial<AugmentSettings> & BatchOptions;

/** The progress and cancellation keys every batch function takes beside its definitions. */
const RUN_KEYS = ['signal', 'onProgress', 'onLog'];

/** The batch machinery's settings from a function's options; `also`: that function's own keys. */
function runOptions(options: BatchOptions, also: readonly string[]): BatchRunOptions {
  const o = resolveOptions<BatchSettings & BatchOptions>(BATCH_OPTIONS, options, [...RUN_KEYS, ...also]);
  if (o.detach && !o.queue)
    throw new VivifyError('E_USAGE', '--detach needs --queue (a local run cannot continue without you)');
  return {
    workers: o.workers,
    itemTimeout: o.itemTimeout,
    attempts: o.attempts,
    queue: o.queue,
    detach: o.detach,
    retryFailed: o.retryFailed,
    restart: o.restart,
    signal: o.signal,
    onProgress: o.onProgress,
    onLog: o.onLog,
  };
}

/** Only the keys a set of definitions describes (library keys), for the job's identity. */
function settingsOf(specs: OptionSpecs, resolved: object): Record<string, unknown> {
  const keys = new Set(optionKeys(specs));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resolved)) if (keys.has(key) && value !== undefined) out[key] = value;
  return out;
}

/**
 * The warning for a listing that found nothing to do ("no images found in photos/ (3 files of other types
 * left out)"): the job still runs (it writes an empty manifest) and exits 0, so a script over many folders
 * goes on, but the user learns that the folder held none.
 */
function emptyListingWarning(listing: Listing, input: string, what: string): string[] {
  if (listing.files.length) return [];
  const left: string[] = [];
  const { otherNames, hidden } = listing.ignored;
  if (otherNames) left.push(`${otherNames} file${otherNames === 1 ? '' : 's'} of other types`);
  if (hidden) left.push(`${hidden} hidden entr${hidden === 1 ? 'y' : 'ies'}`);
  const noted = listing.notes.length;
  if (noted) left.push(`${noted} entr${noted === 1 ? 'y' : 'ies'} skipped (see the manifest)`);
  return [`no ${what} found in ${input}${left.length ? ` (${left.join(', ')} left out)` : ''}`];
}

const toItems = (listing: Listing): BatchItem[] =>
  listing.files.map((f) => ({ key: f.key, source: f.source, path: f.path }));

/**
 * Writes variants of every face of every image in `input` (a folder, searched recursively, or a list of
 * paths) into `out`, with `out/manifest.jsonl` describing each. Resumes an interrupted run into the same
 * folder.
 *
 * @example
 * const report = await augment('photos/', 'augmented/', { emotions: ['happy', 'sad'], intensities: [0.5, 1] });
 * console.log(report.lines.ok, 'variants');
 */
export async function augment(input: string, out: string, options: AugmentOptions = {}): Promise<BatchReport> {
  const s = resolveOptions<AugmentSettings & AugmentOptions>(AUGMENT_OPTIONS, options, [
    ...optionKeys(BATCH_OPTIONS),
    ...RUN_KEYS,
  ]);
  const run = runOptions(options, optionKeys(AUGMENT_OPTIONS));
  if (!s.emotions?.length && !s.aus?.length && !s.poses?.length && !s.driving)
    throw new VivifyError('E_USAGE', 'vivify augment needs variants: --emotions, --aus, --poses and/or --driving');
  const listing = await listInputs(input, { extensions: IMAGE_INPUT_EXTENSIONS, exclude: [out] });
  const job: BatchJob = {
    task: 'augment',
    settings: settingsOf(AUGMENT_OPTIONS, s),
    inputs: { input: path.resolve(input) },
    items: toItems(listing),
    notes: listing.notes,
    warnings: emptyListingWarning(listing, input, 'images'),
  };
  if (s.driving) {
    const clips = await listInputs(s.driving, { extensions: VIDEO_EXTENSIONS, exclude: [out] });
    if (!clips.files.length) throw new VivifyError('E_INPUT_NOT_FOUND', `no driving clips found in ${s.driving}`);
    job.inputs.driving = path.resolve(s.driving);
    job.clips = clipNames(clips);
    // Clips that cannot be used are reported after the images.
    job.notes.push(...clips.notes.map((n) => ({ ...n, key: `\uffff${n.key}` })));
  }
  return runBatch(job, out, run);
}

/** Names of driving clips in variant ids: the path below the list's root without extension, "/" as "__". */
function clipNames(clips: Listing): NonNullable<BatchJob['clips']> {
  const stem = (key: string): string =>
    key
      .replace(/\.[^./]*$/, '')
      .split('/')
      .join('__');
  const count = new Map<string, number>();
  for (const f of clips.files) count.set(stem(f.key), (count.get(stem(f.key)) ?? 0) + 1);
  return clips.files.map((f) => ({
    source: f.source,
    path: f.path,
    name: count.get(stem(f.key))! > 1 ? f.key.split('/').join('__') : stem(f.key),
  }));
}

/** `batchAnalyze` settings: what `vivify analyze` measures. */
export interface BatchAnalyzeSettings {
  identity?: boolean;
  emotion?: boolean;
  maxFaces?: number;
}

/** Analyses every image and video in `input` into `out/<path>.json` (the documents `vivify analyze --json` writes). */
export async function batchAnalyze(
  input: string,
  out: string,
  options: BatchAnalyzeSettings & BatchOptions = {},
): Promise<BatchReport> {
  const run = runOptions(options, ['identity', 'emotion', 'maxFaces']);
  const listing = await listInputs(input, {
    extensions: [...IMAGE_INPUT_EXTENSIONS, ...VIDEO_EXTENSIONS],
    exclude: [out],
  });
  const settings = {
    identity: options.identity ?? DEFAULT_ANALYZER_OPTIONS.identity,
    emotion: options.emotion ?? DEFAULT_ANALYZER_OPTIONS.emotion,
    maxFaces: options.maxFaces ?? DEFAULT_ANALYZER_OPTIONS.maxFaces,
  };
  return runBatch(
    {
      task: 'analyze',
      settings,
      inputs: { input: path.resolve(input) },
      items: toItems(listing),
      notes: listing.notes,
      warnings: emptyListingWarning(listing, input, 'images or videos'),
    },
    out,
    run,
  );
}

/** Scans every video in `input` (see `scanVideo`): one manifest line per video, and `out/scan.tsv`. */
export async function batchScan(
  input: string,
  out: string,
  options: Pick<ScanOptions, 'samples' | 'staticMse' | 'minFaceFraction'> & BatchOptions = {},
): Promise<BatchReport> {
  const run = runOptions(options, ['samples', 'staticMse', 'minFaceFraction']);
  const listing = await listInputs(input, { extensions: VIDEO_EXTENSIONS, exclude: [out] });
  const settings: Record<string, unknown> = {};
  for (const k of ['samples', 'staticMse', 'minFaceFraction'] as const)
    if (options[k] !== undefined) settings[k] = options[k];
  return runBatch(
    {
      task: 'scan',
      settings,
      inputs: { input: path.resolve(input) },
      items: toItems(listing),
      notes: listing.notes,
      warnings: emptyListingWarning(listing, input, 'videos'),
    },
    out,
    run,
  );
}

/** Animates every portrait in `portraits` with every clip in `drivers`: `out/<portrait>/<clip>.mp4`. */
export async function batchAnimate(
  portraits: string,
  drivers: string,
  out: string,
  options: Partial<AnimateSettings> & BatchOptions = {},
): Promise<BatchReport> {
  const run = runOptions(options, optionKeys(ANIMATE_OPTIONS));
  const s = resolveOptions<AnimateSettings>(ANIMATE_OPTIONS, options as Partial<AnimateSettings>, [
    ...optionKeys(BATCH_OPTIONS),
    ...RUN_KEYS,
  ]);
  const p = await listInputs(portraits, { extensions: IMAGE_INPUT_EXTENSIONS, exclude: [out] });
  const d = await listInputs(drivers, { extensions: VIDEO_EXTENSIONS, exclude: [out] });
  if (!d.files.length) throw new VivifyError('E_INPUT_NOT_FOUND', `no driving clips found in ${drivers}`);
  const items: BatchItem[] = [];
  const names = clipNames(d);
  for (const f of p.files)
    d.files.forEach((c, i) =>
      items.push({
        key: `${f.key}\u0000${c.key}`,
        source: f.source,
        path: f.path,
        driver: { source: c.source, path: c.path, key: c.key, name: names[i]!.name },
      }),
    );
  return runBatch(
    {
      task: 'animate',
      settings: settingsOf(ANIMATE_OPTIONS, s),
      inputs: { portraits: path.resolve(portraits), drivers: path.resolve(drivers) },
      items,
      notes: [...p.notes, ...d.notes.map((n) => ({ ...n, key: `\uffff${n.key}` }))],
      warnings: emptyListingWarning(p, portraits, 'portraits'),
    },
    out,
    run,
  );
}
