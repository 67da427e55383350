/**
 * The browser app's WebM writer, read back by ffprobe: every packet at its time, with its size and key flag,
 * across EBML size classes (1–8 byte sizes) and cluster boundaries (key frames, 16-bit block-time overflow).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { findFfmpeg } from '../../src/media/ffmpeg.js';
import { muxWebm, withWebmDuration, type WebmChunk } from '../../web/src/webm.js';
import { tempDir } from '../helpers.js';

test('muxWebm writes packets ffprobe reads back with their times, sizes and key flags', async (t) => {
  const sizes = [100, 126, 127, 200, 16382, 16383, 16384, 300_000, 2_097_151, 2_200_000];
  // ffprobe's VP8 parser reads the key flag from the frame tag (bit 0 of the first byte: 0 = key frame), so the
  // fake frames carry a tag that agrees with the block flag.
  const frame = (n: number, key: boolean): Uint8Array<ArrayBuffer> => {
    const d = new Uint8Array(n).fill(0x55);
    d[0] = key ? 0x10 : 0x11;
    return d;
  };
  const chunks: WebmChunk[] = sizes.map((n, i) => ({
    data: frame(n, i === 0 || i === 5),
    timestampUs: i * 40_000,
    key: i === 0 || i === 5,
  }));
  // 40 s later, not a key frame: its time no longer fits the cluster's 16-bit offsets.
  chunks.push({ data: frame(50, false), timestampUs: 40_000_000, key: false });
  const blob = muxWebm({ codec: 'V_VP8', width: 64, height: 48, frameDurationUs: 40_000 }, chunks);
  assert.equal(blob.type, 'video/webm');
  const file = path.join(tempDir(t), 'mux.webm');
  writeFileSync(file, new Uint8Array(await blob.arrayBuffer()));

  const r = spawnSync(
    findFfmpeg().ffprobe,
    [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,width,height:packet=pts_time,size,flags:format=duration',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    streams: { codec_name: string; width: number; height: number }[];
    packets: { pts_time: string; size: string; flags: string }[];
    format: { duration: string };
  };
  assert.deepEqual(j.streams[0], { codec_name: 'vp8', width: 64, height: 48 });
  assert.deepEqual(
    j.packets.map((p) => [Number(p.pts_time), Number(p.size), p.flags.startsWith('K')]),
    chunks.map((c) => [c.timestampUs / 1e6, c.data.length, c.key]),
  );
  assert.ok(Math.abs(Number(j.format.duration) - 40.04) < 0.01, `duration ${j.format.duration}`);
});

test('withWebmDuration gives a live recording (no duration, segment of unknown size) its length', (t) => {
  const dir = tempDir(t);
  const { ffmpeg, ffprobe } = findFfmpeg();
  const live = path.join(dir, 'live.webm');
  // What MediaRecorder writes: ffmpeg's live WebM (unknown sizes, no duration, no cues).
  const made = spawnSync(
    ffmpeg,
    ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '20'].concat([
      '-c:v',
      'libvpx',
      '-f',
      'webm',
      '-live',
      '1',
      live,
    ]),
  );
  assert.equal(made.status, 0, String(made.stderr));
  const duration = (file: string): string =>
    spawnSync(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
      encoding: 'utf8',
    }).stdout.trim();
  assert.equal(duration(live), 'N/A', 'the recording has no duration to begin with');
  const bytes = new Uint8Array(readFileSync(live));
  const fixed = withWebmDuration(bytes, 2000);
  assert.ok(fixed.length > bytes.length);
  const out = path.join(dir, 'fixed.webm');
  writeFileSync(out, fixed);
  assert.ok(Math.abs(Number(duration(out)) - 2) < 0.01, `duration ${duration(out)}`);
  // The frames are all still there, and a seek to the middle lands.
  const frames = spawnSync(
    ffprobe,
    ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', out],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  assert.equal(frames, '20');
  const seek = spawnSync(ffmpeg, ['-v', 'error', '-ss', '1', '-i', out, '-frames:v', '1', '-f', 'null', '-']);
  assert.equal(seek.status, 0);
  // Already has one (our own muxer's files), or not a WebM: returned as it is.
  assert.equal(withWebmDuration(fixed, 5000), fixed);
  const junk = new Uint8Array([1, 2, 3]);
  assert.equal(withWebmDuration(junk, 5000), junk);
});
