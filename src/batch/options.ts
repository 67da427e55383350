/**
 * Option definitions of the batch jobs — `vivify augment`, `vivify batch`, `vivify worker` — read by the
 * library (`augment()`, `runBatch()`), the command line and the web app (see src/options.ts). Pure.
 */
import { AU_MAX, type AuIntensities } from '../face/action-units.js';
import { EMOTION_NAMES, type EmotionName } from '../emotion/emotion-names.js';
import { parseAuText } from '../expression/options.js';
import type { OptionSpec, OptionSpecs, SettingsOf } from '../options.js';

/** A set of action units applied together as one variant, with its text as given (`12=3,6=2`). */
export interface AuSet {
  text: string;
  aus: AuIntensities;
}

const POSE_AXES = ['yaw', 'pitch', 'roll'] as const;
export type PoseAxis = (typeof POSE_AXES)[number];
/** One head turn: an axis and an angle in degrees (relative to the face's pose in the image). */
export interface PoseTurn {
  axis: PoseAxis;
  deg: number;
}

/** Largest head turn a pose variant may ask for, in degrees per axis. */
const MAX_TURN_DEG: Readonly<Record<PoseAxis, number>> = { yaw: 45, pitch: 30, roll: 45 };

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

const emotions = {
  type: 'string',
  value: 'list',
  description: `Emotions to render, comma-separated (each at every --intensities value): ${EMOTION_NAMES.join(', ')}`,
  parse: (s) => {
    const names = list(s);
    if (!names.length || names.some((n) => !EMOTION_NAMES.includes(n as EmotionName)))
      throw new Error(`Expected a comma-separated list of ${EMOTION_NAMES.join(', ')}`);
    return [...new Set(names)] as EmotionName[];
  },
  check: (v) => Array.isArray(v) && v.length > 0 && v.every((n) => EMOTION_NAMES.includes(n as EmotionName)),
  expected: `a non-empty list of ${EMOTION_NAMES.join(', ')}`,
} satisfies OptionSpec<EmotionName[]>;

const intensities = {
  type: 'string',
  value: 'list',
  default: [1],
  description: 'Emotion intensities, comma-separated, each in (0, 1]',
  parse: (s) => {
    const values = list(s).map(Number);
    if (!values.length || values.some((v) => !(v > 0 && v <= 1)))
      throw new Error('Expected a comma-separated list of numbers in (0, 1]');
    return [...new Set(values)];
  },
  check: (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && x > 0 && x <= 1),
  expected: 'a non-empty list of numbers in (0, 1]',
} satisfies OptionSpec<number[]>;

const aus = {
  type: 'string',
  value: 'AU=v,…;…',
  description: `Action-unit variants separated by ";", each a comma-separated set applied together (as in vivify edit --au), e.g. "12=3;4=2;6=2,12=3"; intensities 0–${AU_MAX}`,
  parse: (s) => {
    const sets = s
      .split(';')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (!sets.length) throw new Error('Expected AU sets separated by ";"');
    return sets.map((text) => ({ text, aus: parseAuText(text) }));
  },
  check: (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => typeof x === 'object' && x !== null && typeof (x as AuSet).text === 'string'),
  expected: 'a non-empty list of { text, aus } AU sets',
} satisfies OptionSpec<AuSet[]>;

const poses = {
  type: 'string',
  value: 'axis=deg,…;…',
  description: `Head turns, one variant per angle: yaw, pitch or roll with angles in degrees separated by ",", axes by ";", e.g. "yaw=-15,15;pitch=10" (limits: yaw ±${MAX_TURN_DEG.yaw}, pitch ±${MAX_TURN_DEG.pitch}, roll ±${MAX_TURN_DEG.roll})`,
  parse: (s) => {
    const out: PoseTurn[] = [];
    for (const part of s.split(';').map((x) => x.trim())) {
      if (!part) continue;
      const [axis, values] = part.split('=').map((x) => x.trim());
      const degs = list(values ?? '').map(Number);
      if (!POSE_AXES.includes(axis as PoseAxis) || !degs.length || degs.some((d) => !Number.isFinite(d)))
        throw new Error('Expected axis=degrees lists such as yaw=-15,15;pitch=10 (axes yaw, pitch, roll)');
      const limit = MAX_TURN_DEG[axis as PoseAxis];
      for (const deg of degs) {
        if (Math.abs(deg) > limit) throw new Error(`Expected ${axis} angles within ±${limit}°`);
        if (!out.some((p) => p.axis === axis && p.deg === deg)) out.push({ axis: axis as PoseAxis, deg });
      }
    }
    if (!out.length) throw new Error('Expected axis=degrees lists such as yaw=-15,15');
    return out;
  },
  check: (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        POSE_AXES.includes((p as PoseTurn).axis) &&
        Math.abs((p as PoseTurn).deg) <= MAX_TURN_DEG[(p as PoseTurn).axis],
    ),
  expected: 'a non-empty list of { axis: yaw|pitch|roll, deg } turns within the limits',
} satisfies OptionSpec<PoseTurn[]>;

/** The variants `vivify augment` renders for every face, and what goes into its manifest. */
export const AUGMENT_OPTIONS = {
  emotions,
  intensities,
  aus,
  poses,
  driving: {
    type: 'string',
    value: 'clips',
    description:
      'Animate every face by every driving clip: a folder of videos (searched recursively), a list (.csv, .jsonl, .txt) or one clip',
  },
  identity: {
    type: 'boolean',
    default: false,
    description: "Add each source face's 1024-D identity embedding to its manifest lines",
  },
  'max-faces': {
    type: 'integer',
    value: 'n',
    default: 20,
    min: 1,
    max: 100,
    description: 'At most this many faces per image, largest first',
  },
  'min-face': {
    type: 'integer',
    value: 'px',
    default: 0,
    min: 0,
    max: 4096,
    description: 'Leave out faces whose box is narrower than this (reported in the manifest)',
  },
  format: {
    type: 'string',
    value: 'png|jpg',
    choices: ['png', 'jpg'] as const,
    default: 'png',
    description: 'Image format of the variants',
  },
} satisfies OptionSpecs;

/** The settings AUGMENT_OPTIONS resolve to, by library key (derived from the definitions). */
export type AugmentSettings = SettingsOf<typeof AUGMENT_OPTIONS>;

/** A Redis URL: redis://host:port, optionally with user:password@ and /db; rediss:// for TLS. */
export function parseQueueUrl(s: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new Error('Expected a Redis URL such as redis://host:6379');
  }
  if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || !u.hostname)
    throw new Error('Expected a Redis URL such as redis://host:6379');
  if (u.pathname && u.pathname !== '/' && !/^\/\d{1,2}$/.test(u.pathname))
    throw new Error('Expected a Redis URL such as redis://host:6379 (optionally /db, a database number)');
  return s;
}

const queue = {
  type: 'string',
  value: 'redis://host:port',
  description:
    'Run through a BullMQ queue on this Redis server instead of locally: start `vivify worker --queue …` on any number of machines that see the same files',
  parse: parseQueueUrl,
  check: (v) => {
    try {
      return typeof v === 'string' && parseQueueUrl(v) === v;
    } catch {
      return false;
    }
  },
  expected: 'a Redis URL such as redis://host:6379',
} satisfies OptionSpec<string>;

/** How many processes work on items, and how long one item may take. Shared by the coordinator and `vivify worker`. */
const POOL_OPTIONS = {
  workers: {
    type: 'integer',
    value: 'n',
    min: 1,
    max: 256,
    description: 'Worker processes on this machine (default: one per CPU core)',
  },
  'item-timeout': {
    type: 'number',
    value: 's',
    default: 900,
    min: 1,
    max: 86400,
    description: 'Give up on an item (kill its worker, then retry it) after this many seconds',
  },
} satisfies OptionSpecs;

/** The batch machinery: where, how, and what to do with earlier runs into the same folder. */
export const BATCH_OPTIONS = {
  ...POOL_OPTIONS,
  queue,
  attempts: {
    type: 'integer',
    value: 'n',
    default: 3,
    min: 1,
    max: 20,
    description:
      'Tries per item when its worker crashes or times out (with backoff); an item that fails them all goes to the dead-letter list',
  },
  'retry-failed': {
    type: 'boolean',
    default: false,
    description: 'On a resumed run, try again the items that failed or were dead-lettered last time',
  },
  restart: {
    type: 'boolean',
    default: false,
    description: 'Discard the results already in the output folder (only the files the job wrote) and start over',
  },
  strict: {
    type: 'boolean',
    default: false,
    description: 'Exit with status 1 when any item failed (default: 0 once every item has a result)',
  },
  detach: {
    type: 'boolean',
    default: false,
    description: 'With --queue: put the items on the queue and exit; the same command again collects the results',
  },
} satisfies OptionSpecs;

/** The settings BATCH_OPTIONS resolve to, by library key (derived from the definitions). */
export type BatchSettings = SettingsOf<typeof BATCH_OPTIONS>;

/** `vivify worker` (the queue consumer): the pool, plus when to stop. */
export const WORKER_OPTIONS = {
  ...POOL_OPTIONS,
  queue: { ...queue, description: 'The Redis server the coordinators put their items on' },
  'idle-exit': {
    type: 'number',
    value: 's',
    default: 0,
    min: 0,
    description: 'Exit after this many seconds without work (0: run until stopped)',
  },
  'lock-s': {
    type: 'number',
    value: 's',
    default: 30,
    min: 5,
    max: 3600,
    description:
      'How long an item stays claimed by a worker that stopped answering (killed, cut off) before another one takes it over (it looks for such items every fifth of this, 1–5 s)',
  },
} satisfies OptionSpecs;
