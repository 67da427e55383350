/**
 * `vivify speak` speed and memory: a 60-s speech file (eSpeak NG reading a paragraph, padded or cut to
 * exactly 60 s with ffmpeg) spoken by the 512×512 portrait into H.264 with the sound muxed, end to end —
 * text to speech excluded, model loading, audio decoding and features, the portrait's analysis, motion,
 * rendering and encoding included. Memory: resident set size sampled every 250 ms, reported at each
 * quarter of the frames (flat means the run does not grow with the length). Bar: ≥ 30 frames/s.
 *
 *   npm run bench:speak
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speakVideo } from '../src/speech/node/speak.js';
import { synthesize } from '../src/speech/node/tts.js';
import { ASTRONAUT, ffmpeg } from '../test/helpers.js';
import { machine } from './machine.js';

const PARAGRAPH =
  'Good morning, and thank you all for coming. Today I want to talk about something simple: how a still ' +
  'picture can come to life. We take one photograph, find the face, and follow a voice. The lips open ' +
  'and close with every syllable, the head nods when a word is stressed, and the eyes blink now and then, ' +
  'as they do when people speak. Nothing here needs a graphics card or a network connection; it all runs ' +
  'on an ordinary processor, frame after frame. ';

console.log(`machine: ${machine()}`);
const dir = mkdtempSync(path.join(tmpdir(), 'vivify-bench-speak-'));
try {
  const raw = path.join(dir, 'raw.wav');
  await synthesize(PARAGRAPH.repeat(3), raw);
  const wav = path.join(dir, 'speech-60s.wav');
  ffmpeg('-i', raw, '-af', 'apad', '-t', '60', '-ar', '22050', wav);
  const rss: { at: number; mb: number }[] = [];
  let done = 0;
  let total = 1;
  const timer = setInterval(() => rss.push({ at: done / total, mb: process.memoryUsage().rss / 2 ** 20 }), 250);
  const t0 = performance.now();
  const r = await speakVideo(ASTRONAUT, path.join(dir, 'talk.mp4'), {
    audio: wav,
    size: 512,
    onProgress: (p) => {
      if (p.stage === 'render') {
        done = p.done;
        total = p.total;
      }
    },
  });
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  console.log(
    `speak, 60 s of speech at 25 fps on a 512x512 portrait: ${r.frames} frames in ${s.toFixed(1)} s = ${(r.frames / s).toFixed(1)} frames/s end to end; rendering and encoding alone ${r.msPerFrame.toFixed(1)} ms/frame = ${(1000 / r.msPerFrame).toFixed(1)} frames/s`,
  );
  const q = [0.25, 0.5, 0.75, 1].map((f) => {
    const near = rss.filter((x) => x.at <= f).at(-1) ?? rss[0]!;
    return `${(f * 100).toFixed(0)}% ${near.mb.toFixed(0)} MB`;
  });
  console.log(
    `resident memory at each quarter of the frames: ${q.join(', ')}; peak ${Math.max(...rss.map((x) => x.mb)).toFixed(0)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
