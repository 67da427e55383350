/**
 * Builds data/motion-curves.json.gz: per-frame motion curves of every video in ../shared/data — action-unit
 * intensities per side, head rotation, gaze, eye closure, mouth opening — with each clip's labels (emotion
 * and level, talking, driving), its actor and its split (train or validation, by actor). What the curves
 * are and how the neutral reference and the split are chosen: docs/generate.md.
 *
 * The landmarks of every frame are tracked once and cached outside git (src/dataset/landmarks.ts;
 * `VIVIFY_CACHE`, default scratch/cache), so rebuilding the curves takes seconds once the cache is warm.
 *
 *   npm run build:motion-data [-- ../shared/data]
 */
import path from 'node:path';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { cacheDir, clipLandmarks, type ClipLandmarks } from '../src/dataset/landmarks.js';
import { actorOf } from '../src/dataset/actors.js';
import { writeMotionDataFile } from '../src/dataset/motion-data-file.js';
import { decomposeTrack, meanShape, measureCurves, medianShape } from '../src/analysis/motion-curves.js';
import { EMOTION_NAMES } from '../src/emotion/emotion-names.js';
import { MOTION_DATA_VERSION, type MotionClip, type MotionData } from '../src/generate/data.js';
import { motionDataVersions } from '../src/dataset/motion-versions.js';
import { readManifest } from '../src/dataset/manifest.js';

const dataDir = path.resolve(process.argv[2] ?? '../shared/data');
const started = performance.now();

const videos = readManifest(dataDir)
  .filter((r) => r.kind === 'video')
  .map((r) => ({ file: r.file, selfReenactment: r.self_reenactment, description: r.description! }));

/** Emotion labels of the in-the-wild StyleTalk clips, from their names and the manifest's descriptions. */
const STYLETALK_EMOTION: Record<string, string | null> = {
  furious_talk1: 'angry',
  furious_talk2: 'angry',
  spata: 'angry',
  happyenglish: 'happy',
  nice: 'happy',
  vscodehappy: 'happy',
  sad_emotion: 'sad',
  sadfather: 'sad',
  sadgirl: 'sad',
  surprisegirl: 'surprised',
  trump: null,
  Obama: null,
};

function labels(file: string, description: string): { emotion: string | null; level: number | null; dataset: string } {
  const base = path.basename(file, '.mp4');
  let m = /^dreamtalk_[MW]\d{3}_front_(\w+?)_level(\d)_\d+$/.exec(base);
  if (m) return { emotion: m[1]!, level: Number(m[2]), dataset: 'mead' };
  m = /^eamm_M030_(\w+?)_(\d)_\d+$/.exec(base);
  if (m) return { emotion: m[1]!, level: Number(m[2]), dataset: 'mead' };
  m = /^eamm_(\w+)$/.exec(base);
  if (m) return { emotion: m[1]!, level: null, dataset: 'mead' };
  m = /^styletalk_(.+)_clip\d+$/.exec(base);
  if (m) {
    if (!(m[1]! in STYLETALK_EMOTION)) throw new Error(`no emotion label for ${file} (${description})`);
    return { emotion: STYLETALK_EMOTION[m[1]!]!, level: null, dataset: 'styletalk' };
  }
  return { emotion: null, level: null, dataset: 'other' };
}

/**
 * Validation actors: never trained on. For the emotions, one MEAD actor in all eight (W009) and one
 * in-the-wild actor each for angry, happy and sad; for the unlabelled motion, a quarter of the other
 * people. Every other actor is training data. The split is by person, so no clip (and no person) is in both.
 */
const VALIDATION_ACTORS = new Set([
  'W009',
  'styletalk-furious_talk1',
  'styletalk-happyenglish',
  'styletalk-sadfather',
  'fomm_10',
  'lp_d9',
  'lp_d3',
  'sadtalker_WDA_KatieHill_000',
  'pcavs_Audio_Source_00373',
  'pcavs_Pose_Source_741400163',
  'retalk_face_4',
  'lia_vox_driving3',
  'dfl_Twitch1',
]);

const TALKING = /talk|speak|speech|shout|yell|address|interview|crying/i;
const DRIVING = /^videos\/(lp_d\d+|xportrait_|aniportrait_|lia_\w+_driving)/;

const analyzer: NodeFaceAnalyzer = await createFaceAnalyzer({ emotion: false });
const tracks = new Map<string, ClipLandmarks>();
for (const [k, v] of videos.entries()) {
  const t0 = performance.now();
  const clip = await clipLandmarks(path.join(dataDir, v.file), { analyzer });
  tracks.set(v.file, clip);
  const found = clip.landmarks.filter(Boolean).length;
  console.log(
    `[${k + 1}/${videos.length}] ${v.file}: ${clip.landmarks.length} frames, face in ${found}${clip.cached ? ' (cached)' : `, ${((performance.now() - t0) / clip.landmarks.length).toFixed(1)} ms/frame`}`,
  );
}
analyzer.close();

// Neutral references (docs/generate.md): the MEAD actors' neutral clips; the first frames of the
// LivePortrait-style driving clips, which start from a neutral face; otherwise the person's median face
// over their clips — the AU levels are then relative to how the person usually looks, not absolute.
const byActor = new Map<string, string[]>();
for (const v of videos) byActor.set(actorOf(v.file), [...(byActor.get(actorOf(v.file)) ?? []), v.file]);
const shapesOf = (f: string): Float32Array[] =>
  decomposeTrack(tracks.get(f)!.landmarks).flatMap((p) => (p ? [p.canon] : []));
const neutralOf = new Map<string, { shape: Float32Array; how: string; reference: MotionClip['reference'] }>();
for (const [actor, files] of byActor) {
  const neutralClip = files.find((f) => /_neutral_level\d_/.test(f));
  if (neutralClip) {
    neutralOf.set(actor, {
      shape: meanShape(shapesOf(neutralClip)),
      how: `mean of the actor's neutral clip ${neutralClip}`,
      reference: 'neutral-clip',
    });
  } else if (files.length === 1 && /^videos\/lp_d\d+\.mp4$/.test(files[0]!)) {
    neutralOf.set(actor, {
      shape: meanShape(shapesOf(files[0]!).slice(0, 5)),
      how: 'mean of the first 5 frames (driving clips start from a neutral face)',
      reference: 'first-frames',
    });
  } else {
    const shapes = files.flatMap(shapesOf);
    neutralOf.set(actor, {
      shape: medianShape(shapes),
      how: `median of the actor's ${shapes.length} frames over ${files.length} clip(s)`,
      reference: 'median',
    });
  }
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const clips: MotionClip[] = [];
for (const v of videos) {
  const track = tracks.get(v.file)!;
  const actor = actorOf(v.file);
  const lab = labels(v.file, v.description);
  if (lab.emotion && !(EMOTION_NAMES as readonly string[]).includes(lab.emotion))
    throw new Error(`unknown emotion ${lab.emotion} for ${v.file}`);
  const curves = measureCurves(track.landmarks, track.fps, neutralOf.get(actor)!.shape);
  const foundFraction = curves.found.filter(Boolean).length / curves.found.length;
  clips.push({
    file: v.file,
    actor,
    dataset: lab.dataset,
    emotion: lab.emotion as MotionClip['emotion'],
    level: lab.level,
    talking: TALKING.test(v.description) || lab.dataset !== 'other',
    driving: DRIVING.test(v.file),
    split: VALIDATION_ACTORS.has(actor) ? 'val' : 'train',
    usable: v.selfReenactment.startsWith('yes') && foundFraction >= 0.9,
    fps: Math.round(track.fps * 1000) / 1000,
    frames: curves.au.length,
    neutral: neutralOf.get(actor)!.how,
    reference: neutralOf.get(actor)!.reference,
    found: curves.found.map((f) => (f ? '1' : '0')).join(''),
    au: curves.au.map((row) => row.map(r2)),
    pose: curves.pose.map((p) => p.map((x) => Math.round(x * 10) / 10) as [number, number, number]),
    gaze: curves.gaze.map((g) => g.map(r3) as [number, number]),
    closure: curves.closure.map((c) => c.map(r2) as [number, number]),
    mouth: curves.mouth.map(r3),
  });
}

const data: MotionData = {
  version: MOTION_DATA_VERSION,
  versions: motionDataVersions(),
  source: 'scripts/build-motion-data.ts over the videos of ../shared/data (docs/generate.md)',
  clips,
};
// One clip per line keeps the file diffable.
const text = `{"version":${data.version},"versions":${JSON.stringify(data.versions)},"source":${JSON.stringify(data.source)},"clips":[\n${clips.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;
const stored = await writeMotionDataFile(text);
const train = clips.filter((c) => c.split === 'train');
console.log(
  `wrote data/motion-curves.json.gz: ${clips.length} clips, ${clips.reduce((s, c) => s + c.frames, 0)} frames (${train.length} clips train, ${clips.length - train.length} validation), ${(text.length / 1e6).toFixed(1)} MB of JSON, ${(stored / 1e6).toFixed(1)} MB stored; landmark cache ${cacheDir()}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
