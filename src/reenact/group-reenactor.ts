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
import type { RgbaImage } from '../face/image.js';
import type { FaceResult } from '../face/types.js';
import type { ReenactedFrame, Reenactor } from './reenactor.js';

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
 * A reenactor whose frames are the members' frames composed over `source`. The members render one after
 * another on the caller's thread (a worker's, in `animate`): the faces share one core while the driver's
 * analysis keeps the other, rather than every face's thread contending with it.
 */
export function createGroupReenactor(source: RgbaImage, group: readonly GroupMember[]): Reenactor {
  if (group.length === 0) throw new RangeError('Expected at least one reenactor');
  /** Per member, frames rendered but not yet composed (members may answer a push with different counts). */
  const waiting: ReenactedFrame[][] = group.map(() => []);
  const take = (): ReenactedFrame[] => {
    const n = Math.min(...waiting.map((w) => w.length));
    const out: ReenactedFrame[] = [];
    for (let k = 0; k < n; k++) {
      const frames = waiting.map((w) => w.shift()!);
      const first = frames[0]!;
      const occlusion = first.occlusion ? Float32Array.from(first.occlusion) : undefined;
      if (occlusion)
        for (const f of frames.slice(1))
          f.occlusion?.forEach((v, i) => {
            if (v > occlusion[i]!) occlusion[i] = v;
          });
      out.push({ ...first, image: composeChanges(source, frames), occlusion, changed: undefined });
    }
    return out;
  };
  return {
    delay: Math.max(...group.map((g) => g.reenactor.delay)),
    push(frame, face, all) {
      const sorted = [...(all ?? (face ? [face] : []))].sort((a, b) => centre(a) - centre(b));
      group.forEach((g, i) =>
        waiting[i]!.push(...g.reenactor.push(frame, driverFor(sorted, g.rank, group.length, g.driver))),
      );
      return take();
    },
    flush() {
      group.forEach((g, i) => waiting[i]!.push(...g.reenactor.flush()));
      return take();
    },
  };
}
