/**
 * `vivify generate`: a portrait comes alive without a driving video — generated motion for a label
 * (an emotion, a posed or spontaneous smile, idle, listening) rendered on the portrait, K different samples
 * at once. The Node pipeline around the pure core (../frames.ts): reads the portrait and the shipped model
 * file, analyses the face, streams frames to the encoder, writes the curves as JSON on request.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { throwIfAborted } from '../../errors.js';
import type { AuIntensities } from '../../face/action-units.js';
import { writeAtomically } from '../../media/atomic.js';
import type { ImageInput } from '../../media/image-file.js';
import { openVideoWriter, type VideoWriter } from '../../media/video.js';
import type { GeneratedMotion, GenerateLabel } from '../../generate/generate.js';
import { loadMotionModels, type MotionModels } from '../../generate/model.js';
import { resolveOptions } from '../../options.js';
import { loadPortrait } from './portrait.js';
import { modelFileReader, packageModelFile } from '../../media/model-file.js';
import { GENERATE_OPTIONS, type GenerateSettings } from '../../generate/options.js';
import { generatedFrames } from '../generated.js';

/** The model file that ships with the package. */
const MOTION_MODEL_FILE = packageModelFile('motion.json');

/** The shipped motion models, read once (another file is read each time it is asked for). */
export const loadShippedMotionModels = modelFileReader('the motion models', MOTION_MODEL_FILE, loadMotionModels);

export interface GenerateVideoOptions {
  label: GenerateLabel;
  k?: number;
  seed?: number;
  durationS?: number;
  intensity?: number;
  shape?: 'episode' | 'hold';
  talking?: boolean;
  fps?: number;
  face?: number;
  size?: number;
  /** Also write the generated curves (per frame: AUs, head rotation, gaze, blink) as JSON here. */
  curves?: string;
  models?: MotionModels;
  analyzer?: NodeFaceAnalyzer;
  onProgress?: (p: { sample: number; frame: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface GenerateVideoReport {
  outputs: string[];
  frames: number;
  fps: number;
  durationS: number;
  /** Mean time per rendered frame, sampling included (after the portrait's analysis). */
  msPerFrame: number;
  samples: GeneratedMotion[];
}

/** out.mp4 → out-3.mp4; a folder name (PNG frames) → name-3. */
export function sampleOutput(output: string, i: number, k: number): string {
  if (k === 1) return output;
  const ext = path.extname(output);
  return `${output.slice(0, output.length - ext.length)}-${i}${ext}`;
}

/**
 * Generates `k` samples of motion for a label and renders each on the portrait.
 *
 * @example
 * await generateVideo('portrait.jpg', 'happy.mp4', { label: 'happy', k: 3, seed: 7, durationS: 4 });
 * // → happy-1.mp4, happy-2.mp4, happy-3.mp4
 */
export async function generateVideo(
  source: ImageInput,
  output: string,
  options: GenerateVideoOptions,
): Promise<GenerateVideoReport> {
  const { models: given, analyzer: givenAnalyzer, onProgress, signal, curves, durationS, ...rest } = options;
  const o = resolveOptions<GenerateSettings>(GENERATE_OPTIONS, { ...rest, duration: durationS });
  if (!o.label)
    throw new RangeError(
      `Expected one of ${GENERATE_OPTIONS.label.choices.join(', ')} for label but received undefined`,
    );
  const models = given ?? (await loadShippedMotionModels());
  const analyzer = givenAnalyzer ?? (await createFaceAnalyzer({ emotion: false }));
  const outputs = Array.from({ length: o.k }, (_, i) => sampleOutput(output, i + 1, o.k));
  let writer: VideoWriter | undefined;
  const written: string[] = [];
  try {
    const { face, state, renderer } = await loadPortrait(source, analyzer, { ...o, actionUnits: true });
    const current: AuIntensities | undefined = face.actionUnits
      ? { left: { ...face.actionUnits.left }, right: { ...face.actionUnits.right } }
      : undefined;
    const samples: GeneratedMotion[] = [];
    let rendered = 0;
    const started = performance.now();
    for (let s = 0; s < o.k; s++) {
      const g = generatedFrames(models, state, {
        label: o.label,
        seed: o.seed + s,
        durationS: o.duration,
        intensity: o.intensity,
        shape: o.shape,
        talking: o.talking,
        fps: o.fps,
        current,
      });
      samples.push(g.motion);
      const total = g.motion.frames.length;
      writer = await openVideoWriter(outputs[s]!, { fps: o.fps });
      for (let i = 0; i < total; i++) {
        throwIfAborted(signal);
        await writer.write(renderer.render({ target: g.state(i), aus: g.aus(i) }).image);
        rendered++;
        onProgress?.({ sample: s + 1, frame: i + 1, total });
      }
      await writer.close();
      written.push(outputs[s]!);
      writer = undefined;
    }
    const msPerFrame = (performance.now() - started) / Math.max(1, rendered);
    if (curves) await writeCurves(curves, samples);
    return { outputs, frames: samples[0]!.frames.length, fps: o.fps, durationS: o.duration, msPerFrame, samples };
  } catch (err) {
    await writer?.abort();
    // All or nothing: the samples this run already finished go too (a failed run leaves no output that
    // looks like its result). They are this run's own files.
    for (const f of written) await fs.rm(f, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    if (!givenAnalyzer) analyzer.close();
  }
}

/** Writes generated motion as JSON: per sample, per frame the AU changes, head rotation, gaze and blink. */
async function writeCurves(file: string, samples: readonly GeneratedMotion[]): Promise<void> {
  const r = (v: number, d = 1000): number => Math.round(v * d) / d;
  const doc = {
    format: 'vivify-generated-motion',
    samples: samples.map((m) => ({
      label: m.label,
      seed: m.seed,
      fps: m.fps,
      phases: m.phases,
      envelope: m.envelope?.map((v) => r(v)),
      frames: m.frames.map((f) => ({
        aus: {
          left: Object.fromEntries(Object.entries(f.aus.left).map(([k, v]) => [k, r(v!)])),
          right: Object.fromEntries(Object.entries(f.aus.right).map(([k, v]) => [k, r(v!)])),
        },
        pose: { yawDeg: r(f.pose.yawDeg, 100), pitchDeg: r(f.pose.pitchDeg, 100), rollDeg: r(f.pose.rollDeg, 100) },
        gaze: { x: r(f.gaze.x, 10000), y: r(f.gaze.y, 10000) },
        blink: r(f.blink),
      })),
    })),
  };
  await writeAtomically(file, (tmp) => fs.writeFile(tmp, `${JSON.stringify(doc)}\n`));
}
