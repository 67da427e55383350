/**
 * What decoding a large driving video at a reduced size costs in tracking quality: `animate` decodes a driver
 * whose face is larger than the engine needs at a smaller size (src/reenact/node/animate.ts, drivingDecodeSide).
 * For each large clip this tracks the face at full size and at the reduced size animate picks for a portrait
 * whose face is smaller than DRIVING_FACE_MIN_PX, and prints how far the landmarks move (in inter-ocular
 * distances) and the frame-to-frame jitter of each, with the time each decode-and-track takes.
 *
 *   node --import tsx bench/driving-size.ts        (needs ../shared/data)
 */
import path from 'node:path';
import { createFaceAnalyzer } from '../src/analysis/node/analyze.js';
import { LM } from '../src/face/topology.js';
import { decodeVideo, probeVideo } from '../src/media/video.js';
import { drivingDecodeSide, DRIVING_FACE_MIN_PX } from '../src/reenact/node/animate.js';
import { DATA } from '../test/helpers.js';
import { machine } from './machine.js';

const CLIPS = ['videos/eamm_M030_sad_3_001.mp4', 'videos/lp_d13.mp4', 'videos/lp_s18.mp4', 'videos/retalk_face_2.mp4'];
const FRAMES = 90;

console.log(`machine: ${machine()}`);
const analyzer = await createFaceAnalyzer({ emotion: false });
const iod = (lm: Float32Array): number =>
  Math.hypot(
    lm[3 * LM.rightEyeOuter]! - lm[3 * LM.leftEyeOuter]!,
    lm[3 * LM.rightEyeOuter + 1]! - lm[3 * LM.leftEyeOuter + 1]!,
  );

async function track(file: string, width: number, maxSide?: number): Promise<{ lm: Float32Array[]; cpuMs: number }> {
  const tracker = analyzer.createTracker();
  const lm: Float32Array[] = [];
  const c0 = process.cpuUsage();
  for await (const f of decodeVideo(file, { maxFrames: FRAMES, maxSide })) {
    const face = (await tracker.next(f, { emotion: false })).faces[0];
    if (!face) throw new Error(`${file}: face lost at frame ${f.index}`);
    const s = width / f.width; // back to full-size pixels
    lm.push(face.landmarks.map((v) => v * s));
  }
  const c = process.cpuUsage(c0);
  return { lm, cpuMs: (c.user + c.system) / 1000 / lm.length };
}

/** Mean |second difference| of the 468 mesh points, in inter-ocular distances. */
function jitter(seq: Float32Array[]): number {
  let s = 0;
  let n = 0;
  for (let t = 1; t + 1 < seq.length; t++) {
    const d = iod(seq[t]!);
    for (let i = 0; i < 468; i++) {
      for (const c of [0, 1])
        s += Math.abs(seq[t + 1]![3 * i + c]! - 2 * seq[t]![3 * i + c]! + seq[t - 1]![3 * i + c]!) / d;
      n++;
    }
  }
  return s / n;
}

try {
  for (const clip of CLIPS) {
    const file = path.join(DATA, clip);
    const info = await probeVideo(file);
    let box: { width: number; height: number } | undefined;
    for await (const f of decodeVideo(file, { maxFrames: 1 })) box = (await analyzer.analyze(f))[0]?.box;
    if (!box) throw new Error(`${clip}: no face in the first frame`);
    const side = drivingDecodeSide(info, Math.max(box.width, box.height), 0);
    if (side === undefined) {
      console.log(
        `${clip}: ${info.width}×${info.height}, face ${Math.round(Math.max(box.width, box.height))} px: decoded as is`,
      );
      continue;
    }
    const full = await track(file, info.width);
    const small = await track(file, info.width, side);
    let dist = 0;
    let n = 0;
    for (let t = 0; t < full.lm.length; t++) {
      const d = iod(full.lm[t]!);
      for (let i = 0; i < 478; i++) {
        dist +=
          Math.hypot(full.lm[t]![3 * i]! - small.lm[t]![3 * i]!, full.lm[t]![3 * i + 1]! - small.lm[t]![3 * i + 1]!) /
          d;
        n++;
      }
    }
    console.log(
      `${clip}: ${info.width}×${info.height}, face ${Math.round(Math.max(box.width, box.height))} px → decoded with longer side ${side} (face ${DRIVING_FACE_MIN_PX} px), ${full.lm.length} frames: ` +
        `landmarks ${(dist / n).toFixed(4)} IOD from the full-size ones; jitter ${jitter(full.lm).toFixed(4)} (full) vs ${jitter(small.lm).toFixed(4)} (reduced) IOD; ` +
        `decode + track ${full.cpuMs.toFixed(1)} → ${small.cpuMs.toFixed(1)} ms CPU per frame`,
    );
  }
} finally {
  analyzer.close();
}
