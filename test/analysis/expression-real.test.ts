/**
 * Emotions against a real actor (MEAD M030 in ../shared/data; skipped when the folder is absent): at intensity
 * 1 the edit of the actor’s neutral frame moves the face the way the actor’s own apex frames do (happy; sad
 * does not: docs/results/expression.md gives the measured distances), and no further than they do (the
 * ceiling: no caricature).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { estimateAUs } from '../../src/analysis/au-estimate.js';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { pickFace } from '../../src/analysis/pick-face.js';
import { ACTION_UNITS } from '../../src/face/action-units.js';
import type { RgbaImage } from '../../src/face/image.js';
import type { FaceResult } from '../../src/face/types.js';
import { createFaceEditor } from '../../src/expression/edit.js';
import { decodeVideo } from '../../src/media/video.js';
import { EMOTION_APEX } from '../../src/emotion/emotion-data.js';
import { faceState } from '../../src/motion/motion.js';
import { DATA, HAVE_DATA } from '../helpers.js';

let analyzer: NodeFaceAnalyzer;
before(async () => {
  if (HAVE_DATA) analyzer = await createFaceAnalyzer({ emotion: false });
});
after(() => analyzer?.close());

const clip = (e: string): string =>
  path.join(DATA, 'videos', `dreamtalk_M030_front_${e === 'neutral' ? 'neutral_level1' : `${e}_level3`}_001.mp4`);

async function track(file: string): Promise<{ canon: Float32Array; face: FaceResult; image: RgbaImage }[]> {
  const tracker = analyzer.createTracker();
  const out: { canon: Float32Array; face: FaceResult; image: RgbaImage }[] = [];
  for await (const f of decodeVideo(file)) {
    const face = (await tracker.next(f, { emotion: false })).faces[0];
    if (face) out.push({ canon: faceState(face).canon, face, image: f });
  }
  return out;
}

const rms = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < 468 * 3; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / 468);
};

const measured = new Map<string, ReturnType<typeof measure>>();
/** The edit of M030's first neutral frame to `e` at 1, against M030's apex frames of `e` (measured once). */
const againstApex = (e: 'happy' | 'sad'): ReturnType<typeof measure> => {
  if (!measured.has(e)) measured.set(e, measure(e));
  return measured.get(e)!;
};

async function measure(
  e: 'happy' | 'sad',
): Promise<{ toApex: number; neutralToApex: number; moved: number; largest: number }> {
  const neutral = await track(clip('neutral'));
  const mean = new Float32Array(neutral[0]!.canon.length);
  for (const f of neutral) for (let i = 0; i < mean.length; i++) mean[i]! += f.canon[i]! / neutral.length;
  const first = neutral[0]!;
  const editor = createFaceEditor(first.image, first.face, mean);
  const base = faceState(pickFace(await analyzer.analyze(editor.edit({}).image), 0, 'M030')).canon;
  const frames = await track(clip(e));
  const aus = ACTION_UNITS.filter((au) => ![25, 26, 17, 23].includes(au) && (EMOTION_APEX[e]!.left[au] ?? 0) > 0);
  const apex = frames
    .map((f) => {
      const est = estimateAUs(f.canon, mean);
      return { f, score: aus.reduce((s, au) => s + est.intensity[au], 0) };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.round(frames.length * 0.1))
    .map((x) => x.f.canon);
  const edited = faceState(
    pickFace(await analyzer.analyze(editor.edit({ emotions: [{ name: e, intensity: 1 }] }).image), 0, e),
  ).canon;
  return {
    toApex: apex.reduce((s, a) => s + rms(edited, a), 0) / apex.length,
    neutralToApex: apex.reduce((s, a) => s + rms(first.canon, a), 0) / apex.length,
    moved: rms(edited, base),
    largest: Math.max(...apex.map((a) => rms(a, mean))),
  };
}

test(
  'happy at intensity 1 reaches towards the actor’s real apex, within the ceiling',
  { skip: !HAVE_DATA && 'no ../shared/data' },
  async () => {
    const r = await againstApex('happy');
    assert.ok(
      r.toApex < 0.9 * r.neutralToApex,
      `happy: edit → apex ${r.toApex.toFixed(4)}, neutral → apex ${r.neutralToApex.toFixed(4)}`,
    );
    assert.ok(
      r.moved <= r.largest,
      `happy: the edit moves ${r.moved.toFixed(4)}, the real apex at most ${r.largest.toFixed(4)}`,
    );
  },
);

test('sad at intensity 1 stays within the ceiling', { skip: !HAVE_DATA && 'no ../shared/data' }, async () => {
  const r = await againstApex('sad');
  assert.ok(
    r.moved <= r.largest,
    `sad: the edit moves ${r.moved.toFixed(4)}, the real apex at most ${r.largest.toFixed(4)}`,
  );
});
