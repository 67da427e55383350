/**
 * Generated talking and listening motion beside real talkers (src/generate/evaluate.ts): head motion's
 * spread and speed and the blink rate of held-back talking clips against generated `talking` and `idle`,
 * and the head dips (nods) in a pitch track. Pure.
 */
import { generateMotion } from './generate.js';
import type { MotionData } from './data.js';
import { clipClosure, clipFeatures, findBlinks, isTalkingClip, teachesMotion } from './dataset.js';
import { F_POSE, MODEL_FPS } from './features.js';
import type { MotionModels } from './model.js';
import { windows } from './curve-metrics.js';

export interface TalkingFigures {
  /** Held-back real talking clips (people speaking without a marked emotion) and their minutes. */
  realClips: number;
  realMinutes: number;
  /** Generated samples of 20 s per label. */
  generatedSamples: number;
  /** Per source: head rotation's spread (degrees, sd within 4-s windows, mean of yaw, pitch and roll), its speed (degrees a second) and blinks a minute. */
  rows: { source: string; headSpreadDeg: number; headSpeedDegS: number; blinksPerMinute: number }[];
}

/** Generated samples of 20 s per label behind the talking figures. */
const TALKING_SAMPLES = 48;

/** Head motion and blinks: real talking clips of the validation actors beside generated talking and idle. */
export function talkingFigures(
  models: MotionModels,
  data: MotionData,
  seedOf: (...parts: (string | number)[]) => number,
): TalkingFigures {
  const W = 4 * MODEL_FPS;
  const head = (pose: readonly number[][]): { spread: number; speed: number } => {
    let spread = 0;
    let n = 0;
    for (const w of windows(pose, W, W / 2)) {
      for (let k = 0; k < 3; k++) {
        const m = w.reduce((a, p) => a + p[k]!, 0) / w.length;
        spread += Math.sqrt(w.reduce((a, p) => a + (p[k]! - m) ** 2, 0) / w.length) / 3;
      }
      n++;
    }
    let speed = 0;
    for (let t = 1; t < pose.length; t++)
      for (let k = 0; k < 3; k++) speed += (Math.abs(pose[t]![k]! - pose[t - 1]![k]!) * MODEL_FPS) / 3;
    return { spread: spread / Math.max(1, n), speed: speed / Math.max(1, pose.length - 1) };
  };
  const real = data.clips.filter((c) => c.split === 'val' && isTalkingClip(c));
  // The training talkers beside the held-back ones: the clips the generator learns `talking` from.
  const training = data.clips.filter((c) => c.split === 'train' && isTalkingClip(c) && teachesMotion(c));
  const rows: TalkingFigures['rows'] = [];
  for (const [source, clips] of [
    ['real talking (held-back)', real],
    ['real talking (training)', training],
  ] as const) {
    let spread = 0;
    let speed = 0;
    let blinks = 0;
    let minutes = 0;
    for (const c of clips) {
      const h = head(clipFeatures(c).map((f) => [f[F_POSE]!, f[F_POSE + 1]!, f[F_POSE + 2]!]));
      const cl = clipClosure(c);
      spread += h.spread / clips.length;
      speed += h.speed / clips.length;
      blinks += findBlinks(cl).length;
      minutes += cl.length / MODEL_FPS / 60;
    }
    rows.push({ source, headSpreadDeg: spread, headSpeedDegS: speed, blinksPerMinute: blinks / minutes });
  }
  for (const label of ['talking', 'idle'] as const) {
    let spread = 0;
    let speed = 0;
    let blinks = 0;
    // Many samples: the activity drawn once per sample makes some far busier than others, so with 8 the
    // mean spread moved by a fifth from one set of seeds to another.
    const k = TALKING_SAMPLES;
    for (let i = 0; i < k; i++) {
      const m = generateMotion(models, { label, seed: seedOf('talking-figures', label, i), durationS: 20 });
      const h = head(m.frames.map((f) => [f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg]));
      spread += h.spread / k;
      speed += h.speed / k;
      const closed = m.frames.map((f) => f.blink);
      for (let t = 1; t < closed.length; t++) if (closed[t]! >= 0.5 && closed[t - 1]! < 0.5) blinks++;
    }
    rows.push({
      source: `generated ${label}`,
      headSpreadDeg: spread,
      headSpeedDegS: speed,
      blinksPerMinute: blinks / ((k * 20) / 60),
    });
  }
  return {
    realClips: real.length,
    realMinutes: real.reduce((a, c) => a + c.frames / c.fps / 60, 0),
    generatedSamples: TALKING_SAMPLES,
    rows,
  };
}

/**
 * Head dips in a pitch track at 25 frames/s: local maxima of the lightly smoothed pitch (±3 frames) that rise
 * ≥ 2.5° above the lowest pitch within ±0.6 s, at least 0.6 s apart.
 */
export function headDips(pitch: readonly number[]): number {
  const r = Math.round(0.6 * MODEL_FPS);
  const sm = pitch.map((_, t) => {
    let a = 0;
    let n = 0;
    for (let j = Math.max(0, t - 3); j <= Math.min(pitch.length - 1, t + 3); j++) {
      a += pitch[j]!;
      n++;
    }
    return a / n;
  });
  let dips = 0;
  let last = -Infinity;
  for (let t = 1; t < sm.length - 1; t++) {
    if (!(sm[t]! >= sm[t - 1]! && sm[t]! > sm[t + 1]!)) continue;
    const lo = Math.min(...sm.slice(Math.max(0, t - r), t + r + 1));
    if (sm[t]! - lo >= 2.5 && t - last > r) {
      dips++;
      last = t;
    }
  }
  return dips;
}
