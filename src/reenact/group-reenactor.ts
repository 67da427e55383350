/**
 * Several faces of one portrait reenacted at once: one reenactor per face (each its own warp, mouth, eyes
 * and smoothing), each driven by its own face of the driving frame, their frames composed into one
 * (src/render/compose.ts's composeChanges).
 *
 * Which driver face drives which portrait face: by position, left to right — the portrait's faces ranked by
 * where they stand, the driver's faces in each frame likewise, the k-th of S portrait faces taking the driver
 * face at the same share of the way across (one driver face drives them all; two drive the left and right
 * halves of a group) — or as `map` says (a driver face by its place from the left).
 */
import { composeChanges } from '../render/compose.js';
import type { ChangedBox } from '../render/renderer.js';
import type { RgbaImage } from '../face/image.js';
import type { FaceResult } from '../face/types.js';
import type { AsyncReenactor, ReenactedFrame, Reenactor } from './reenactor.js';

/** One face of the group: its reenactor, and which driver face drives it. */
export interface GroupMember {
  reenactor: Reenactor;
  /** The portrait face's rank from the left among the group's faces (0 = leftmost). */
  rank: number;
  /** The driver face that drives it, by its place from the left in each frame; default: by position. */
  driver?: number;
}

/** Horizontal centre of a face's box. */
const centre = (f: FaceResult): number => f.box.x + f.box.width / 2;

/**
 * The driver face for a portrait face of rank `rank` among `count`, from the frame's faces (left to right),
 * or undefined when the frame has no such face (the member then holds its last motion).
 */
function driverFor(
  sorted: readonly FaceResult[],
  rank: number,
  count: number,
  explicit?: number,
): FaceResult | undefined {
  if (explicit !== undefined) return sorted[explicit];
  if (sorted.length === 0) return undefined;
  return sorted[count <= 1 ? 0 : Math.round((rank * (sorted.length - 1)) / (count - 1))];
}

/**
 * One frame from several renders of the same driving frame (each a face's, or a few faces' already composed):
 * their images composed over `source`, their occlusion maps by the largest value; the box that changed is
 * the union of theirs (undefined when one of them does not say).
 */
function composeFrames(source: RgbaImage, frames: readonly ReenactedFrame[]): ReenactedFrame {
  const first = frames[0]!;
  if (frames.length === 1) return first;
  const occlusion = first.occlusion ? Float32Array.from(first.occlusion) : undefined;
  if (occlusion)
    for (const f of frames.slice(1))
      f.occlusion?.forEach((v, i) => {
        if (v > occlusion[i]!) occlusion[i] = v;
      });
  const boxes = frames.map((f) => f.changed);
  // An empty box (a face with no motion yet) adds nothing to the union.
  const some = boxes.filter((b) => b !== undefined && b.x1 > b.x0 && b.y1 > b.y0) as ChangedBox[];
  const changed = !boxes.every((b) => b !== undefined)
    ? undefined
    : some.length === 0
      ? { x0: 0, y0: 0, x1: 0, y1: 0 }
      : {
          x0: Math.min(...some.map((b) => b.x0)),
          y0: Math.min(...some.map((b) => b.y0)),
          x1: Math.max(...some.map((b) => b.x1)),
          y1: Math.max(...some.map((b) => b.y1)),
        };
  return { ...first, image: composeChanges(source, frames), occlusion, changed };
}

/** The frames every part has answered, composed, oldest first (parts may answer a push with different counts). */
function takeComposed(source: RgbaImage, waiting: ReenactedFrame[][]): ReenactedFrame[] {
  const n = Math.min(...waiting.map((w) => w.length));
  const out: ReenactedFrame[] = [];
  for (let k = 0; k < n; k++)
    out.push(
      composeFrames(
        source,
        waiting.map((w) => w.shift()!),
      ),
    );
  return out;
}

/**
 * A reenactor whose frames are the members' frames composed over `source`. The members render one after
 * another on the caller's thread (a worker's, in `animate`). `count` is the number of faces in the whole group
 * when these members are only some of them (the rest rendered elsewhere, see {@link splitReenactor}): the
 * members' ranks count among all of them.
 */
export function createGroupReenactor(
  source: RgbaImage,
  group: readonly GroupMember[],
  count: number = group.length,
): Reenactor {
  if (group.length === 0) throw new RangeError('Expected at least one reenactor');
  /** Per member, frames rendered but not yet composed. */
  const waiting: ReenactedFrame[][] = group.map(() => []);
  return {
    delay: Math.max(...group.map((g) => g.reenactor.delay)),
    push(frame, face, all) {
      const sorted = [...(all ?? (face ? [face] : []))].sort((a, b) => centre(a) - centre(b));
      group.forEach((g, i) => waiting[i]!.push(...g.reenactor.push(frame, driverFor(sorted, g.rank, count, g.driver))));
      return takeComposed(source, waiting);
    },
    flush() {
      group.forEach((g, i) => waiting[i]!.push(...g.reenactor.flush()));
      return takeComposed(source, waiting);
    },
  };
}

/**
 * A group's faces rendered by several reenactors working beside the caller (each on its own thread, each
 * rendering some of the faces): every driving frame goes to all of them, and their frames are composed over
 * `source` as one. On a 2-core machine two such threads, with the driver's analysis beside them, keep both
 * cores busy where one thread rendering every face left the analysing thread waiting.
 */
export function splitReenactor(source: RgbaImage, parts: readonly AsyncReenactor[]): AsyncReenactor {
  if (parts.length === 0) throw new RangeError('Expected at least one reenactor');
  if (parts.length === 1) return parts[0]!;
  const waiting: ReenactedFrame[][] = parts.map(() => []);
  const gather = async (each: (p: AsyncReenactor) => Promise<ReenactedFrame[]>): Promise<ReenactedFrame[]> => {
    const answers = await Promise.all(parts.map(each));
    answers.forEach((a, i) => waiting[i]!.push(...a));
    return takeComposed(source, waiting);
  };
  return {
    delay: Math.max(...parts.map((p) => p.delay)),
    /** The busiest part's: the time the frames waited for, not the sum of the threads' work. */
    get renderMs() {
      return Math.max(...parts.map((p) => p.renderMs));
    },
    push: (frame, face, all) => gather((p) => p.push(frame, face, all)),
    flush: () => gather((p) => p.flush()),
    async close() {
      await Promise.all(parts.map((p) => p.close()));
    },
  };
}

/**
 * `items` (in order, e.g. faces left to right) cut into at most `bins` runs of neighbours whose largest total
 * `cost` is as small as it can be: each run is rendered by one thread, and neighbours keep the box a run
 * changes small (far-apart faces in one run would make it span the faces between them).
 */
export function shareOut<T>(items: readonly T[], cost: (item: T) => number, bins: number): T[][] {
  const n = items.length;
  const k = Math.max(1, Math.min(bins, n));
  const prefix = [0];
  for (const item of items) prefix.push(prefix.at(-1)! + cost(item));
  // best[j][i]: the smallest largest run cost for the first i items in j runs; cut[j][i]: where the last run starts.
  const best = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: k + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0]![0] = 0;
  for (let j = 1; j <= k; j++)
    for (let i = j; i <= n; i++)
      for (let s = j - 1; s < i; s++) {
        const v = Math.max(best[j - 1]![s]!, prefix[i]! - prefix[s]!);
        if (v < best[j]![i]!) {
          best[j]![i] = v;
          cut[j]![i] = s;
        }
      }
  const runs: T[][] = [];
  for (let j = k, i = n; j > 0; j--) {
    const s = cut[j]![i]!;
    runs.unshift(items.slice(s, i));
    i = s;
  }
  return runs;
}
