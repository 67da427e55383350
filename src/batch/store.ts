/**
 * A batch's output folder keeps its own state in `.vivify/`: `job.json` (what the job is, so that the same
 * command resumes it and a different one is refused), `lock` (one coordinator at a time), and
 * `journal.jsonl` — one line per finished item, appended by the coordinator only, after the item's output
 * files are in place. An item is finished exactly when the journal has its line: a run that was killed
 * resumes with every item that has none, and the manifest is rebuilt from the journal, so every item is in
 * it exactly once whatever was killed when. A line cut short by a kill is dropped (its item runs again).
 * `outputs/` lists every file the job's processes wrote (src/batch/outputs.ts): cleaning up removes those
 * and nothing else.
 */
import { closeSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { VivifyError } from '../errors.js';
import { firstLine } from '../media/image-file.js';
import { BATCH_OPTIONS } from './options.js';
import { recordedOutputs, sweep } from './outputs.js';

export const STATE_DIR = '.vivify';
export const MANIFEST = 'manifest.jsonl';

/** One line of a manifest. `status` says whether the item (or variant) was done, skipped or failed. */
export interface ManifestRecord {
  source: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  code?: string;
  [field: string]: unknown;
}

export type ItemStatus = 'ok' | 'skipped' | 'failed';

/** What the journal keeps of one finished item. */
export interface JournalEntry {
  key: string;
  status: ItemStatus;
  records: ManifestRecord[];
  /** Tries it took (more than 1 after crashes or timeouts). */
  attempts?: number;
  /** True when it failed every try (the dead-letter list). */
  dead?: boolean;
  /** CPU time its worker spent on it, milliseconds (the last try). */
  cpuMs?: number;
}

interface Located {
  status: ItemStatus;
  offset: number;
  length: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file nobody has refreshed for this long is taken over (its owner is on another machine and gone). */
const LOCK_STALE_MS = 60_000;
const LOCK_REFRESH_MS = 10_000;

export interface JobIdentity {
  task: string;
  /** Everything that decides what the outputs are: settings and inputs (resolved paths). */
  spec: Record<string, unknown>;
}

/** The open state of one batch output folder. */
export class JobStore {
  readonly out: string;
  readonly dir: string;
  private fd: number | undefined;
  private readFd: number | undefined;
  private entries = new Map<string, Located>();
  private size = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private locked = false;

  private constructor(out: string) {
    this.out = path.resolve(out);
    this.dir = path.join(this.out, STATE_DIR);
  }

  /**
   * Opens (or creates) the batch folder `out` for `job`: refuses a folder that holds other files, another
   * job, or a live coordinator; with `restart`, first removes what the job wrote there (and only that).
   */
  static async open(out: string, job: JobIdentity, options: { restart?: boolean } = {}): Promise<JobStore> {
    const store = new JobStore(out);
    await store.prepare(job, options.restart ?? BATCH_OPTIONS.restart.default);
    return store;
  }

  private async prepare(job: JobIdentity, restart: boolean): Promise<void> {
    const { out, dir } = this;
    let names: string[] = [];
    try {
      const st = await fs.stat(out);
      if (!st.isDirectory()) throw new VivifyError('E_USAGE', `the output ${out} exists and is not a folder`);
      names = await fs.readdir(out);
    } catch (err) {
      if (err instanceof VivifyError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new VivifyError('E_OUTPUT', `cannot use the output folder ${out}: ${firstLine(err)}`, { cause: err });
    }
    const ours = names.includes(STATE_DIR);
    if (names.length && !ours)
      throw new VivifyError(
        'E_USAGE',
        `the output folder ${out} is not empty and holds no vivify batch: choose a new or empty folder`,
      );
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new VivifyError('E_OUTPUT', `cannot create ${dir}: ${firstLine(cause)}`, { cause });
    }
    await this.lock();
    try {
      const jobFile = path.join(dir, 'job.json');
      const wanted = { format: 1, task: job.task, spec: job.spec };
      const existing = await fs.readFile(jobFile, 'utf8').then(
        (t) => JSON.parse(t) as typeof wanted,
        () => undefined,
      );
      if (existing && restart) {
        // Only what the job wrote goes: the outputs it listed, those its journal names, the manifest and
        // temporaries of its writers. Files somebody else put into the folder stay.
        const owned = await recordedOutputs(out);
        for (const p of await this.journalOutputs()) owned.add(p);
        owned.add(MANIFEST);
        await sweep(out, new Set(), owned);
        for (const name of await fs.readdir(dir)) {
          if (name !== 'lock') await fs.rm(path.join(dir, name), { recursive: true, force: true });
        }
      } else if (existing && JSON.stringify(existing) !== JSON.stringify(wanted)) {
        const what = differences(existing, wanted);
        throw new VivifyError(
          'E_USAGE',
          `${out} holds a different job (${what}): run the same command to resume it, use another output folder, or add --restart to discard it`,
        );
      }
      if (!existing || restart) {
        await fs.writeFile(`${jobFile}.tmp`, JSON.stringify(wanted, null, 1));
        await fs.rename(`${jobFile}.tmp`, jobFile);
      }
      await this.openJournal();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The outputs every line of the journal names (relative paths, normalized). */
  private async journalOutputs(): Promise<Set<string>> {
    const text = await fs.readFile(this.journalFile, 'utf8').catch(() => '');
    const outputs = new Set<string>();
    for (const line of text.split('\n')) {
      try {
        const e = JSON.parse(line) as JournalEntry;
        for (const r of e.records ?? []) if (typeof r.output === 'string') outputs.add(path.normalize(r.output));
      } catch {
        /* a line cut short */
      }
    }
    return outputs;
  }

  private get lockFile(): string {
    return path.join(this.dir, 'lock');
  }

  private async lock(): Promise<void> {
    const me = JSON.stringify({ pid: process.pid, host: hostname() });
    for (let tries = 0; tries < 3; tries++) {
      try {
        await fs.writeFile(this.lockFile, me, { flag: 'wx' });
        this.locked = true;
        this.timer = setInterval(() => {
          const now = new Date();
          fs.utimes(this.lockFile, now, now).catch(() => undefined);
          this.sync();
        }, LOCK_REFRESH_MS);
        this.timer.unref();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new VivifyError('E_OUTPUT', `cannot lock ${this.out}: ${firstLine(err)}`, { cause: err });
      }
      const [text, st] = await Promise.all([
        fs.readFile(this.lockFile, 'utf8').catch(() => ''),
        fs.stat(this.lockFile).catch(() => undefined),
      ]);
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(text) as typeof owner;
      } catch {
        /* a lock cut short: its writer died while writing it */
      }
      const here = owner.host === hostname();
      const stale =
        !st || (here && (!owner.pid || !isAlive(owner.pid))) || (!here && Date.now() - st.mtimeMs > LOCK_STALE_MS);
      if (!stale)
        throw new VivifyError(
          'E_BUSY',
          `${this.out} is in use by another vivify (process ${owner.pid ?? '?'} on ${owner.host ?? '?'}): wait for it, or stop it first`,
        );
      await fs.rm(this.lockFile, { force: true });
    }
    throw new VivifyError('E_BUSY', `${this.out}: could not take its lock (another vivify keeps starting on it)`);
  }

  private get journalFile(): string {
    return path.join(this.dir, 'journal.jsonl');
  }

  private async openJournal(): Promise<void> {
    const buf = await fs.readFile(this.journalFile).catch(() => Buffer.alloc(0));
    // A kill in the middle of an append leaves a last line without its newline: drop it.
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end < buf.length) await fs.truncate(this.journalFile, end);
    let offset = 0;
    while (offset < end) {
      const nl = buf.indexOf(0x0a, offset);
      const length = nl - offset;
      try {
        const e = JSON.parse(buf.toString('utf8', offset, nl)) as JournalEntry;
        if (typeof e.key === 'string') this.entries.set(e.key, { status: e.status, offset, length });
      } catch {
        /* unreadable line (disk trouble): its item runs again */
      }
      offset = nl + 1;
    }
    this.size = end;
    try {
      this.fd = openSync(this.journalFile, 'a');
    } catch (cause) {
      throw new VivifyError('E_OUTPUT', `cannot write ${this.journalFile}: ${firstLine(cause)}`, { cause });
    }
  }

  /** Status of the item with this key, if the journal has it. */
  status(key: string): ItemStatus | undefined {
    return this.entries.get(key)?.status;
  }

  /** Keys of every item the journal has (items of earlier runs no longer in the input too). */
  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  get finishedCount(): number {
    return this.entries.size;
  }

  /** Records a finished item (one write of one line; synced to disk at least every 10 s and at close). */
  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new VivifyError('E_OUTPUT', 'the batch journal is closed');
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    writeSync(this.fd, line);
    this.entries.set(entry.key, { status: entry.status, offset: this.size, length: line.length - 1 });
    this.size += line.length;
    this.dirty = true;
  }

  /** The journal's entry for `key`. */
  read(key: string): JournalEntry | undefined {
    const at = this.entries.get(key);
    if (!at) return undefined;
    this.readFd ??= openSync(this.journalFile, 'r');
    const buf = Buffer.alloc(at.length);
    readSync(this.readFd, buf, 0, at.length, at.offset);
    return JSON.parse(buf.toString('utf8')) as JournalEntry;
  }

  sync(): void {
    if (this.fd !== undefined && this.dirty) {
      try {
        fdatasyncSync(this.fd);
      } catch {
        /* reported by the next write if the disk is gone */
      }
      this.dirty = false;
    }
  }

  /** Syncs and closes the journal and gives up the lock. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sync();
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.readFd !== undefined) closeSync(this.readFd);
    this.fd = this.readFd = undefined;
    if (this.locked) await fs.rm(this.lockFile, { force: true }).catch(() => undefined);
    this.locked = false;
  }
}

function differences(a: { task: string; spec: Record<string, unknown> }, b: typeof a): string {
  if (a.task !== b.task) return `task ${a.task}, not ${b.task}`;
  const flat = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : [[k, v]],
      ),
    );
  const x = flat(a.spec);
  const y = flat(b.spec);
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter(
    (k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]),
  );
  return keys.length ? `different ${keys.join(', ')}` : 'different settings';
}

/** What a batch folder says about its job, read without taking its lock (for `vivify status`). */
export async function readJobState(out: string): Promise<{
  task: string;
  finished: number;
  byStatus: Record<ItemStatus, number>;
  dead: number;
  complete: boolean;
  running?: string;
}> {
  const dir = path.join(out, STATE_DIR);
  let job: { task: string };
  try {
    job = JSON.parse(await fs.readFile(path.join(dir, 'job.json'), 'utf8')) as { task: string };
  } catch (cause) {
    throw new VivifyError('E_INPUT_NOT_FOUND', `${out} holds no vivify batch (no ${STATE_DIR}/job.json)`, { cause });
  }
  const text = await fs.readFile(path.join(dir, 'journal.jsonl'), 'utf8').catch(() => '');
  const last = new Map<string, { status: ItemStatus; dead: boolean }>();
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as JournalEntry;
      last.set(e.key, { status: e.status, dead: Boolean(e.dead) });
    } catch {
      /* a line cut short */
    }
  }
  const byStatus: Record<ItemStatus, number> = { ok: 0, skipped: 0, failed: 0 };
  let dead = 0;
  for (const e of last.values()) {
    byStatus[e.status]++;
    if (e.dead) dead++;
  }
  let running: string | undefined;
  try {
    const owner = JSON.parse(await fs.readFile(path.join(dir, 'lock'), 'utf8')) as { pid: number; host: string };
    if (owner.host !== hostname() || isAlive(owner.pid)) running = `process ${owner.pid} on ${owner.host}`;
  } catch {
    /* not running */
  }
  const complete = await fs.stat(path.join(out, MANIFEST)).then(
    () => true,
    () => false,
  );
  return { task: job.task, finished: last.size, byStatus, dead, complete, running };
}
