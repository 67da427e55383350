/**
 * Builds data/speech-data.json.gz: for every talking clip with sound in ../shared/data, per frame at 25 fps,
 * the audio features (src/analysis/audio-features.ts) aligned with the mouth's action units and lip-landmark
 * offsets read from the video, with the speaker and the split — by speaker, some speakers held out
 * entirely (the motion data's validation people who talk on camera, so neither model has seen them).
 * Records the versions of the landmark analysis, the AU estimator and the audio features it was built
 * with (src/speech/node/versions.ts). docs/speech.md describes it.
 *
 * Landmarks come from the per-clip cache (src/dataset/landmarks.ts), so a rebuild takes about a minute.
 *
 *   npm run build:speech-data [-- ../shared/data]
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { decomposeTrack, measureCurves, medianShape } from '../src/analysis/motion-curves.js';
import { actorOf } from '../src/dataset/actors.js';
import { clipLandmarks, type ClipLandmarks } from '../src/dataset/landmarks.js';
import { ACTION_UNITS } from '../src/face/action-units.js';
import { mouthAperture } from '../src/face/measures.js';
import { LIPS_OUTER, MOUTH_OPENING } from '../src/face/topology.js';
import { SPEECH_AUS, SPEECH_DATA_VERSION, SPEECH_FPS } from '../src/speech/model.js';
import { readSpeech } from '../src/speech/node/audio-in.js';
import { SPEECH_DATA_FILE, writeSpeechData, type SpeechClip } from '../src/speech/node/speech-dataset.js';
import { speechVersions } from '../src/speech/node/versions.js';
import { readManifest } from '../src/dataset/manifest.js';

const dataDir = path.resolve(process.argv[2] ?? '../shared/data');
const started = performance.now();

/** Held-out speakers: never trained on; the figures of docs/results/speech.md are theirs. */
const HELD_OUT_SPEAKERS = new Set([
  'lp_d9',
  'sadtalker_WDA_KatieHill_000',
  'pcavs_Audio_Source_00373',
  'pcavs_Pose_Source_741400163',
  'retalk_face_4',
  'lia_vox_driving3',
]);
/** Sound tracks quieter than this (−40 dBFS peak) hold no speech: some clips carry a silent track. */
const MIN_PEAK = 0.01;
const TALKING = /talk|speak|speech|address|interview/i;
const LIP_POINTS = [...MOUTH_OPENING, ...LIPS_OUTER];

const clips = readManifest(dataDir)
  .filter(
    (r) =>
      r.kind === 'video' &&
      !['', 'none'].includes(r.audio!) &&
      r.self_reenactment.startsWith('yes') &&
      r.category !== 'hard' &&
      (r.category === 'talking' || TALKING.test(r.description!)),
  )
  .map((r) => r.file);

const analyzer = await createFaceAnalyzer({ emotion: false });
const tracks = new Map<string, ClipLandmarks>();
for (const f of clips) tracks.set(f, await clipLandmarks(path.join(dataDir, f), { analyzer }));
analyzer.close();

// The speaker's median face over their clips: the reference of the AUs and the lip offsets.
const bySpeaker = new Map<string, string[]>();
for (const f of clips) bySpeaker.set(actorOf(f), [...(bySpeaker.get(actorOf(f)) ?? []), f]);
const neutral = new Map<string, Float32Array>();
for (const [speaker, files] of bySpeaker)
  neutral.set(
    speaker,
    medianShape(files.flatMap((f) => decomposeTrack(tracks.get(f)!.landmarks).flatMap((p) => (p ? [p.canon] : [])))),
  );

const auColumn = SPEECH_AUS.map((au) => ACTION_UNITS.indexOf(au as (typeof ACTION_UNITS)[number]));
/** Linear interpolation of per-frame rows at fractional frame `x`. */
const at = (rowsOf: number[][], x: number): number[] => {
  const i = Math.max(0, Math.min(rowsOf.length - 1, Math.floor(x)));
  const j = Math.min(rowsOf.length - 1, i + 1);
  const w = Math.max(0, Math.min(1, x - i));
  return rowsOf[i]!.map((v, k) => v * (1 - w) + rowsOf[j]![k]! * w);
};
const r = (v: number, d: number): number => Math.round(v * d) / d;

const out: SpeechClip[] = [];
for (const [n, file] of clips.entries()) {
  const track = tracks.get(file)!;
  const speaker = actorOf(file);
  const ref = neutral.get(speaker)!;
  const speech = await readSpeech(path.join(dataDir, file), { fps: SPEECH_FPS, allowSilent: true });
  if (speech.peak < MIN_PEAK) {
    console.log(
      `[${n + 1}/${clips.length}] ${file}: left out, its sound track is silent (peak ${speech.peak.toFixed(4)})`,
    );
    continue;
  }
  const curves = measureCurves(track.landmarks, track.fps, ref);
  const width = mouthAperture(ref).width;
  const parts = decomposeTrack(track.landmarks);
  let last: number[] | undefined;
  const lipRows = parts.map((p) => {
    if (!p) return last;
    last = LIP_POINTS.flatMap((i) => [
      (p.canon[3 * i]! - ref[3 * i]!) / width,
      (p.canon[3 * i + 1]! - ref[3 * i + 1]!) / width,
    ]);
    return last;
  });
  const firstLips = lipRows.find((x) => x !== undefined)!;
  const lips = lipRows.map((x) => x ?? firstLips);
  const aus = curves.au.map((row) => auColumn.map((k) => (row[2 * k]! + row[2 * k + 1]!) / 2));
  const open = curves.mouth.map((v) => [v]);
  const videoFrames = curves.au.length;
  const frames = Math.min(speech.frames.features.length, Math.floor(((videoFrames - 1) / track.fps) * SPEECH_FPS) + 1);
  const clip: SpeechClip = {
    file,
    speaker,
    split: HELD_OUT_SPEAKERS.has(speaker) ? 'heldout' : 'train',
    videoFps: Math.round(track.fps * 1000) / 1000,
    frames,
    features: [],
    rms: [],
    aus: [],
    lips: [],
    open: [],
    found: '',
  };
  for (let i = 0; i < frames; i++) {
    const x = (i / SPEECH_FPS) * track.fps;
    clip.features.push(Array.from(speech.normalised[i]!, (v) => r(v, 100)));
    clip.rms.push(r(speech.frames.rms[i]!, 1e5));
    clip.aus.push(at(aus, x).map((v) => r(v, 100)));
    clip.lips.push(at(lips, x).map((v) => r(v, 1000)));
    clip.open.push(r(at(open, x)[0]!, 1000));
    clip.found += curves.found[Math.round(x)] ? '1' : '0';
  }
  out.push(clip);
  console.log(
    `[${n + 1}/${clips.length}] ${file}: ${frames} frames at 25 fps (video ${track.fps} fps), speaker ${speaker} (${clip.split}), face in ${[...clip.found].filter((c) => c === '1').length}, audio peak ${speech.peak.toFixed(2)}`,
  );
}

const stored = await writeSpeechData({
  version: SPEECH_DATA_VERSION,
  versions: speechVersions(),
  source: 'scripts/build-speech-data.ts over the talking clips with sound in ../shared/data (docs/speech.md)',
  lipPoints: LIP_POINTS,
  clips: out,
});
const held = out.filter((c) => c.split === 'heldout');
console.log(
  `wrote ${path.relative(process.cwd(), SPEECH_DATA_FILE)}: ${out.length} clips, ${out.reduce((s, c) => s + c.frames, 0)} frames (${out.length - held.length} clips of ${new Set(out.filter((c) => c.split === 'train').map((c) => c.speaker)).size} speakers to train on; ${held.length} clips of ${new Set(held.map((c) => c.speaker)).size} held-out speakers, ${held.reduce((s, c) => s + c.frames, 0)} frames), ${(stored / 1e6).toFixed(2)} MB; ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
