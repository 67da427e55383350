/**
 * One item of `vivify augment`: every face of one image, rendered as every variant by the library's own
 * engine (the face editor for expressions and head turns, `animate` for driving clips), written under
 * deterministic names, with a manifest line per variant that says exactly what it shows.
 *
 * A variant whose file is already there is not rendered again: files only ever appear complete (atomic
 * rename), the names say what they hold, and the folder's job.json guarantees the settings are the same —
 * so after a crash the interrupted image costs one analysis, not its renders again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { estimateAUs } from '../analysis/au-estimate.js';
import type { FaceAnalyzerOptions } from '../analysis/analyzer.js';
import { isVivifyError, VivifyError } from '../errors.js';
import { createFaceEditor, editTargets, turnedPose, type EditSpec, type FaceEditor } from '../expression/edit.js';
import { rotationToEuler } from '../face/pose.js';
import type { FaceResult } from '../face/types.js';
import { readImage, writeImage } from '../media/image-file.js';
import { probeVideo } from '../media/video.js';
import { faceState } from '../motion/motion.js';
import { animate } from '../reenact/node/animate.js';
import { loadMouthBank } from '../reenact/node/mouth-bank-file.js';
import { storedSettings } from '../options.js';
import { outputPath } from './inputs.js';
import { recordOutput } from './outputs.js';
import {
  errorRecord,
  isItemError,
  itemStatus,
  type BatchItem,
  type ItemResult,
  type JobSpec,
  type TaskContext,
} from './job.js';
import { AUGMENT_OPTIONS, type AugmentSettings } from './options.js';
import type { ManifestRecord } from './store.js';
import { auLabel, isAsymmetric, planVariants, VIDEO_VARIANTS, type Variant } from './variants.js';

const r = (v: number, digits: number): number => Number(v.toFixed(digits));

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (st) => st.isFile() && st.size > 0,
    () => false,
  );
}

/** What the face editor is asked for, for an image variant. */
function editSpecOf(v: Exclude<Variant, { kind: 'drive' }>): EditSpec {
  switch (v.kind) {
    case 'emotion':
      return { emotions: [{ name: v.emotion, intensity: v.intensity }] };
    case 'aus':
      return { aus: v.aus };
    case 'pose':
      return { pose: { [`${v.axis}Deg`]: v.deg } };
  }
}

/** The output file of a variant, relative to the output folder. */
function variantOutput(item: BatchItem, face: number, v: Variant, format: 'png' | 'jpg'): string {
  const ext = VIDEO_VARIANTS.includes(v.kind) ? 'mp4' : format;
  return `${outputPath(item.key)}/face${face}/${outputPath(v.id)}.${ext}`;
}

export async function runAugment(job: JobSpec, item: BatchItem, ctx: TaskContext): Promise<ItemResult> {
  const s = storedSettings<AugmentSettings>(AUGMENT_OPTIONS, job.settings);
  // Edits fill an opening mouth from the bank of real mouths, as `vivify edit` does by default; it is read
  // (once per worker) while the image is read and analysed.
  const bank = loadMouthBank();
  bank.catch(() => undefined);
  const image = await readImage(item.path);
  const analyzer = await ctx.analyzer(augmentAnalyzer(job));
  ctx.work('analyze', item.key);
  const faces = await analyzer.analyze(image, { identity: s.identity });
  if (!faces.length) throw new VivifyError('E_NO_FACE', `no face found in ${item.source}`);
  const variants = planVariants(s, job.clips);
  const records: ManifestRecord[] = [];
  for (const [k, face] of faces.entries()) {
    if (face.box.width < s.minFace) {
      records.push({
        source: item.source,
        face: k,
        status: 'skipped',
        reason: `face ${Math.round(face.box.width)} px wide, narrower than --min-face ${s.minFace}`,
      });
      continue;
    }
    records.push(...(await renderFace(job, item, image, face, k, variants, s, ctx, bank)));
  }
  return { status: itemStatus(records), records };
}

async function renderFace(
  job: JobSpec,
  item: BatchItem,
  image: Awaited<ReturnType<typeof readImage>>,
  face: FaceResult,
  k: number,
  variants: readonly Variant[],
  s: AugmentSettings,
  ctx: TaskContext,
  bank: ReturnType<typeof loadMouthBank>,
): Promise<ManifestRecord[]> {
  const state = faceState(face);
  const before = estimateAUs(state.canon);
  let editor: FaceEditor | undefined;
  const out: ManifestRecord[] = [];
  const about = {
    box: { x: r(face.box.x, 1), y: r(face.box.y, 1), width: r(face.box.width, 1), height: r(face.box.height, 1) },
    ...(s.identity && face.embedding ? { identity: Array.from(face.embedding, (v) => r(v, 5)) } : {}),
  };
  for (const v of variants) {
    const rel = variantOutput(item, k, v, s.format);
    const file = path.join(job.out, rel);
    const head = { source: item.source, face: k, variant: v.id, kind: v.kind };
    try {
      const exists = await isFile(file);
      if (v.kind === 'drive') {
        let frames: number;
        let fps: number;
        if (exists) {
          const info = await probeVideo(file);
          frames = info.frameCount;
          fps = info.fps;
        } else {
          ctx.work('animate', `${item.key} face${k} ${v.id}`);
          recordOutput(job.out, rel);
          const report = await animate(image, v.clip, file, {
            face: k,
            analyzer: await ctx.analyzer(augmentAnalyzer(job)),
            signal: ctx.signal,
          });
          frames = report.frames;
          fps = report.fps;
        }
        const clip = job.clips?.find((c) => c.path === v.clip);
        out.push({
          ...head,
          status: 'ok',
          output: rel,
          driving: clip?.source ?? v.clip,
          frames,
          fps: r(fps, 3),
          ...about,
        });
        continue;
      }
      const spec = editSpecOf(v);
      if (!exists) {
        ctx.work('render', `${item.key} face${k} ${v.id}`);
        editor ??= createFaceEditor(image, face, undefined, { mouth: { bank: await bank } });
        recordOutput(job.out, rel);
        await writeImage(file, editor.edit(spec).image);
      }
      const { target } = editTargets(before, spec);
      const pose = spec.pose ? rotationToEuler(turnedPose(state.pose, spec.pose).rotation) : face.pose;
      out.push({
        ...head,
        status: 'ok',
        output: rel,
        ...(v.kind === 'emotion' ? { emotion: v.emotion, intensity: v.intensity } : {}),
        aus: auLabel(target),
        ...(isAsymmetric(target)
          ? {
              ausLeft: auLabel({ left: target.left, right: target.left }),
              ausRight: auLabel({ left: target.right, right: target.right }),
            }
          : {}),
        pose: { yawDeg: r(pose.yawDeg, 2), pitchDeg: r(pose.pitchDeg, 2), rollDeg: r(pose.rollDeg, 2) },
        ...about,
      });
    } catch (err) {
      // The disk, a cancel: the whole item is tried again. Anything else is this variant's own failure.
      if (isVivifyError(err) && !isItemError(err)) throw err;
      out.push(errorRecord(item.source, err, { face: k, variant: v.id, kind: v.kind }));
    }
  }
  return out;
}

/** The analyzer augment uses: no emotion model; the identity model when the manifest carries embeddings. */
export const augmentAnalyzer = (job: JobSpec): FaceAnalyzerOptions => {
  const s = storedSettings<AugmentSettings>(AUGMENT_OPTIONS, job.settings);
  return { emotion: false, identity: s.identity, maxFaces: s.maxFaces };
};
