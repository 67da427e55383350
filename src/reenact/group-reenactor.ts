/**
 * Several faces of one portrait reenacted at once: one reenactor per face (each its own warp, mouth, eyes
 * and smoothing), all driven by the same driver face, their frames composed into one
 * (src/expression/faces.ts's composeChanges).
 */
import { composeChanges } from '../render/compose.js';
import type { RgbaImage } from '../face/image.js';
import type { AsyncReenactor, ReenactedFrame } from './reenactor.js';

/** A reenactor whose frames are the members' frames composed over `source`. Members all get every push. */
export function createGroupReenactor(source: RgbaImage, members: readonly AsyncReenactor[]): AsyncReenactor {
  if (members.length === 0) throw new RangeError('Expected at least one reenactor');
  /** Per member, frames rendered but not yet composed (members may answer a push with different counts). */
  const waiting: ReenactedFrame[][] = members.map(() => []);
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
      out.push({
        ...first,
        image: composeChanges(
          source,
          frames.map((f) => f.image),
        ),
        occlusion,
      });
    }
    return out;
  };
  return {
    delay: Math.max(...members.map((m) => m.delay)),
    get renderMs() {
      return Math.max(...members.map((m) => m.renderMs));
    },
    async push(frame, face) {
      const got = await Promise.all(members.map((m) => m.push(frame, face)));
      got.forEach((g, i) => waiting[i]!.push(...g));
      return take();
    },
    async flush() {
      const got = await Promise.all(members.map((m) => m.flush()));
      got.forEach((g, i) => waiting[i]!.push(...g));
      return take();
    },
    async close() {
      await Promise.all(members.map((m) => m.close()));
    },
  };
}
