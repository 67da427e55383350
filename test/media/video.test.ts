import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isVivifyError, type VivifyErrorCode } from '../../src/errors.js';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { createImage } from '../../src/face/image.js';
import {
  decodeVideo,
  frameTimingFromTimes,
  openVideoWriter,
  planConstantRate,
  probeFrameTiming,
  probeVideo,
  type DecodeOptions,
} from '../../src/media/video.js';
import {
  DATA,
  ffmpeg,
  HAVE_DATA,
  makeMovingFaceVideo,
  makeVfrFaceVideo,
  tempDir,
  VFR_FRAME_TIMES,
} from '../helpers.js';

async function collect(
  file: string,
  options: DecodeOptions = {},
): Promise<{ frames: number; indices: number[]; warnings: string[] }> {
  const warnings: string[] = [];
  const indices: number[] = [];
  for await (const f of decodeVideo(file, { ...options, onWarning: (w) => warnings.push(w) })) indices.push(f.index);
  return { frames: indices.length, indices, warnings };
}

async function rejectsWith(p: Promise<unknown>, code: VivifyErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => isVivifyError(e, code) && !e.message.includes('\n'));
}

test('decodes every frame as a stream, with the file frame rate and timestamps', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'move.mp4');
  makeMovingFaceVideo(file, { frames: 24, fps: 12, size: 96 });
  const info = await probeVideo(file);
  assert.deepEqual([info.width, info.height, info.fps, info.frameCount, info.codec], [96, 96, 12, 24, 'h264']);
  let n = 0;
  for await (const f of decodeVideo(file)) {
    assert.equal(f.index, n);
    assert.equal(f.timestampMs, (n * 1000) / 12);
    assert.equal(f.data.length, 96 * 96 * 4);
    n++;
  }
  assert.equal(n, 24);
  const some = await collect(file, { frames: [3, 0, 20] });
  assert.deepEqual(some.indices, [0, 3, 20]);
  assert.equal((await collect(file, { maxFrames: 5 })).frames, 5);
});

test('decoded frames are byte for byte what ffmpeg outputs, for frames smaller and larger than a pipe read', async (t) => {
  const dir = tempDir(t);
  const { ffmpeg: bin } = findFfmpeg();
  // 62×46 (11 KiB: several frames per pipe read) and 700×500 (1.4 MB: each frame spans many reads, whose
  // boundaries fall mid-frame); scaled on decode too.
  for (const [size, options] of [
    [62, {}],
    [700, {}],
    [700, { maxSide: 350 }],
  ] as const) {
    const file = path.join(dir, `m${size}.mp4`);
    makeMovingFaceVideo(file, { frames: 7, fps: 12, size });
    const info = await probeVideo(file);
    const vf = 'maxSide' in options ? ['-vf', `scale=350:350:flags=area`] : [];
    const raw = spawnSync(bin, ['-v', 'error', '-i', file, ...vf, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
      maxBuffer: 1 << 28,
    }).stdout;
    const side = 'maxSide' in options ? 350 : info.width;
    const frameBytes = side * side * 4;
    assert.equal(raw.length, 7 * frameBytes);
    let n = 0;
    for await (const f of decodeVideo(file, options)) {
      assert.equal(f.width, side);
      assert.ok(Buffer.from(f.data.buffer).equals(raw.subarray(n * frameBytes, (n + 1) * frameBytes)), `frame ${n}`);
      n++;
    }
    assert.equal(n, 7);
  }
});

test('writes H.264 MP4 (yuv420p, padded to even size, exact rational fps), GIF and PNG frames', async (t) => {
  const dir = tempDir(t);
  const frame = (i: number) => createImage(101, 77, new Uint8ClampedArray(101 * 77 * 4).fill(i * 20));
  const mp4 = path.join(dir, 'o.mp4');
  const w = await openVideoWriter(mp4, { fps: '30000/1001' });
  for (let i = 0; i < 10; i++) await w.write(frame(i));
  await w.close();
  const info = await probeVideo(mp4);
  assert.deepEqual([info.width, info.height, info.frameCount, info.codec], [102, 78, 10, 'h264']);
  assert.ok(Math.abs(info.fps - 29.97) < 0.01, `fps ${info.fps}`);

  const gif = path.join(dir, 'o.gif');
  const g = await openVideoWriter(gif, { fps: 10 });
  for (let i = 0; i < 4; i++) await g.write(frame(i));
  await g.close();
  assert.equal((await collect(gif)).frames, 4);

  const seq = path.join(dir, 'frames');
  const s = await openVideoWriter(seq, { fps: 10 });
  for (let i = 0; i < 3; i++) await s.write(frame(i));
  await s.close();
  assert.deepEqual(readdirSync(seq).sort(), [
    '.vivify-frames',
    'frame_000001.png',
    'frame_000002.png',
    'frame_000003.png',
  ]);
  await assert.rejects(s.write(frame(0)), (e: unknown) => isVivifyError(e, 'E_VIDEO_ENCODE'));
});

test('copies audio from a given input when asked', async (t) => {
  const dir = tempDir(t);
  const withAudio = path.join(dir, 'a.mp4');
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=2',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=64x64:d=2:r=10',
    '-c:v',
    'libx264',
    '-c:a',
    'aac',
    '-shortest',
    withAudio,
  );
  assert.equal((await probeVideo(withAudio)).hasAudio, true);
  const out = path.join(dir, 'o.mp4');
  const w = await openVideoWriter(out, { fps: 10, audioFrom: withAudio });
  for (let i = 0; i < 10; i++) await w.write(createImage(64, 64, new Uint8ClampedArray(64 * 64 * 4).fill(100)));
  await w.close();
  const info = await probeVideo(out);
  assert.equal(info.hasAudio, true);
  assert.ok(info.durationS < 1.3, `cut to the video's length, got ${info.durationS}`);
});

test('an aborted writer leaves nothing behind and the target untouched', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'keep.mp4');
  writeFileSync(out, 'previous content');
  const w = await openVideoWriter(out, { fps: 10 });
  await w.write(createImage(32, 32));
  await w.abort();
  assert.equal(readFileSync(out, 'utf8'), 'previous content');
  assert.deepEqual(readdirSync(dir), ['keep.mp4']);
  // A missing output folder is created; a folder that cannot be (a file is in the way) is an error.
  await (await openVideoWriter(path.join(dir, 'new', 'x.mp4'), { fps: 10 })).abort();
  assert.ok(existsSync(path.join(dir, 'new')));
  await assert.rejects(openVideoWriter(path.join(dir, 'keep.mp4', 'x.mp4'), { fps: 10 }), (e: unknown) =>
    isVivifyError(e, 'E_OUTPUT'),
  );
});

test('bad videos: typed errors, and partial decodes yield frames plus a warning', async (t) => {
  const dir = tempDir(t);
  const good = path.join(dir, 'good.mp4');
  makeMovingFaceVideo(good, { frames: 24, fps: 12, size: 64 });
  const bytes = readFileSync(good);

  const garbage = path.join(dir, 'garbage.mp4');
  writeFileSync(garbage, bytes);
  appendFileSync(garbage, Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) % 256)));
  assert.equal((await collect(garbage)).frames, 24, 'garbage at the end loses no frame');

  const truncated = path.join(dir, 'truncated.mp4');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const part = await collect(truncated);
  assert.ok(part.frames > 0 && part.frames < 24, `decoded ${part.frames}`);
  assert.equal(part.warnings.length, 1);
  assert.match(part.warnings[0]!, /damaged/);

  const empty = path.join(dir, 'empty.mp4');
  writeFileSync(empty, '');
  await rejectsWith(collect(empty), 'E_INPUT_EMPTY');
  const text = path.join(dir, 'text.mp4');
  writeFileSync(text, 'not a video at all\n'.repeat(50));
  await rejectsWith(collect(text), 'E_VIDEO_DECODE');
  const audioOnly = path.join(dir, 'audio.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', audioOnly);
  await rejectsWith(collect(audioOnly), 'E_VIDEO_EMPTY');
  await rejectsWith(collect(path.join(dir, 'missing.mp4')), 'E_INPUT_NOT_FOUND');
});

test('variable frame rate input: every frame the reference decoder sees, none duplicated', async (t) => {
  const dir = tempDir(t);
  const vfr = path.join(dir, 'vfr.mp4');
  // Frame times N^1.3 / 10 s: gaps that grow from 0.1 s to 0.25 s.
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=64x64:r=10:d=2',
    '-vf',
    "setpts='pow(N,1.3)/10/TB'",
    '-vsync',
    'vfr',
    '-c:v',
    'libx264',
    vfr,
  );
  const { ffprobe } = findFfmpeg();
  const r = spawnSync(
    ffprobe,
    ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', vfr],
    { encoding: 'utf8' },
  );
  const reference = Number(r.stdout.trim());
  assert.ok(reference > 10, `reference decoder read ${r.stdout}`);
  assert.equal((await collect(vfr)).frames, reference);
  // The packets say the same without decoding; the rate varies.
  const timing = await probeFrameTiming(vfr);
  assert.equal(timing.frames, reference);
  assert.equal(timing.variable, true);
});

test('frame timing: constant, jittered and dropped-frame, and variable rates', () => {
  const at = (fps: number, n: number): number[] => Array.from({ length: n }, (_, i) => i / fps);
  assert.deepEqual(frameTimingFromTimes(at(25, 50), 25, '25/1'), {
    frames: 50,
    variable: false,
    maxDriftS: frameTimingFromTimes(at(25, 50), 25, '25/1').maxDriftS,
    fps: 25,
    fpsRational: '25/1',
  });
  // Millisecond timestamps of 29.97 fps (33/34 ms steps), in any order (B-frames): constant.
  const ms = at(30000 / 1001, 300).map((t) => Math.round(t * 1000) / 1000);
  const jitter = frameTimingFromTimes([...ms].reverse(), 30000 / 1001, '30000/1001');
  assert.equal(jitter.variable, false);
  assert.ok(jitter.maxDriftS < 0.001);
  // One frame missing from a 30 fps recording: later frames show 1/30 s early, within tolerance. Two
  // missing: 2/30 s, so resample at 30.
  const dropped = at(30, 90).filter((_, i) => i !== 40);
  assert.equal(frameTimingFromTimes(dropped, 89 / 3, '89/3').variable, false);
  const d = frameTimingFromTimes(
    dropped.filter((_, i) => i !== 20),
    88 / 3,
    '88/3',
  );
  assert.equal(d.variable, true);
  assert.equal(d.fpsRational, '30/1');
  // 30 fps skipping every third frame (20 fps on average): at most 1/60 s off, constant.
  assert.equal(
    frameTimingFromTimes(
      at(30, 90).filter((_, i) => i % 3 !== 2),
      20,
      '20/1',
    ).variable,
    false,
  );
  // 25 fps then 10 fps (the average is 14.3): resample at the fast part's rate.
  const v = frameTimingFromTimes(VFR_FRAME_TIMES, 50 / 3.5, '100/7');
  assert.deepEqual([v.variable, v.fpsRational, v.frames], [true, '25/1', 50]);
  // Frame 25 (1 s) would be shown at 25 / 14.3 = 1.75 s.
  assert.ok(Math.abs(v.maxDriftS - 0.75) < 1e-9, `drift ${v.maxDriftS}`);
  // A rate that is no standard one stays as measured; a burst of near-duplicates does not drive it to 1000 fps.
  assert.equal(frameTimingFromTimes([0, 0.15, 0.3, 0.45, 1.2, 1.35, 1.5], 7 / 1.65, '140/33').fpsRational, '667/100');
  const burst = [...at(25, 50), ...at(25, 50).map((t) => t + 2.001)].sort((a, b) => a - b);
  assert.ok(frameTimingFromTimes(burst, 25, '25/1').fps <= 120);
});

test('a variable-rate video is read at a constant rate with its timing; a constant-rate one as it is', async (t) => {
  const dir = tempDir(t);
  const vfr = path.join(dir, 'vfr.mp4');
  makeVfrFaceVideo(vfr, { size: 32 });
  const plan = await planConstantRate(vfr);
  assert.deepEqual([plan.variable, plan.fpsRational, plan.decodeFps, plan.frameCount], [true, '25/1', '25/1', 88]);
  // Which driving frame each decoded frame is, from its code block (luma 40 + 4·N).
  const codes: number[] = [];
  for await (const f of decodeVideo(vfr)) codes.push(f.data[(8 * f.width + 8) * 4]!);
  const which = (f: { width: number; data: Uint8ClampedArray }): number =>
    codes.findIndex((c) => Math.abs(c - f.data[(8 * f.width + 8) * 4]!) <= 1);
  const shown: number[] = [];
  const stamps: number[] = [];
  for await (const f of decodeVideo(vfr, { fps: plan.decodeFps })) {
    shown.push(which(f));
    stamps.push(f.timestampMs);
  }
  assert.equal(shown.length, plan.frameCount);
  assert.deepEqual(
    shown.slice(0, 31),
    [...Array.from({ length: 26 }, (_, i) => i), 25, 25, 26, 26, 27],
    'one frame each for the first second, then each 10 fps frame for 2–3 output frames',
  );
  shown.forEach((n, k) => {
    assert.ok(VFR_FRAME_TIMES[n]! <= (k + 0.5) / 25 + 1e-6, `frame ${k} shows ${n}, a later one`);
    assert.ok((VFR_FRAME_TIMES[n + 1] ?? Infinity) >= (k - 0.5) / 25 - 1e-6, `frame ${k} shows ${n}, a stale one`);
  });
  assert.equal(stamps[25], 1000);
  // Picking frames counts the resampled frames.
  const picked: number[] = [];
  for await (const f of decodeVideo(vfr, { fps: plan.decodeFps, frames: [26, 60] })) picked.push(f.index, which(f));
  assert.deepEqual(picked, [26, shown[26], 60, shown[60]]);

  const cfr = path.join(dir, 'cfr.mp4');
  makeMovingFaceVideo(cfr, { frames: 12, fps: 12, size: 32 });
  assert.deepEqual(await planConstantRate(cfr), {
    fps: 12,
    fpsRational: '12/1',
    frameCount: 12,
    variable: false,
  });
  const at10 = await planConstantRate(cfr, 6);
  assert.deepEqual([at10.decodeFps, at10.frameCount], ['6', 6]);
  assert.equal((await collect(cfr, { fps: at10.decodeFps })).frames, 6);
});

test('decoding stops promptly when cancelled', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'm.mp4');
  makeMovingFaceVideo(file, { frames: 24, fps: 12, size: 64 });
  const controller = new AbortController();
  let n = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of decodeVideo(file, { signal: controller.signal })) {
        if (++n === 3) controller.abort();
      }
    })(),
    (e: unknown) => isVivifyError(e, 'E_ABORTED'),
  );
  assert.equal(n, 3);
  assert.ok(!existsSync(path.join(dir, 'nothing')));
});

test('the real videos play in time at their own rate: none needs resampling', { skip: !HAVE_DATA }, async () => {
  const dir = path.join(DATA, 'videos');
  const drift: Record<string, number> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mp4'))) {
    const file = path.join(dir, f);
    const info = await probeVideo(file);
    const timing = await probeFrameTiming(file, info);
    assert.equal(timing.variable, false, `${f}: ${timing.maxDriftS.toFixed(4)} s off at ${info.fpsRational}`);
    drift[f] = timing.maxDriftS * info.fps; // in frame intervals
  }
  // The two that come closest, both within one frame and so kept as they are (resampling would add frames):
  // a 30 fps clip skipping every third frame, up to 0.6 of a frame (27 ms) off at its 22.1 fps average, and
  // a truncated clip whose last frame is one interval late.
  const close = Object.entries(drift)
    .filter(([, d]) => d > 0.5)
    .map(([f, d]) => [f, Math.round(d * 10) / 10]);
  assert.deepEqual(close, [
    ['eamm_sad.mp4', 1],
    ['retalk_face_1.mp4', 0.6],
  ]);
});
