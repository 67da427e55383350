/**
 * Learns how each action unit changes the shading of a face, from the real expression clips in ../shared/data
 * (src/dataset/expression-clips.ts: MEAD actors in eight emotions, MEAD-style actors, in-the-wild emotional
 * clips — 14 people), and writes the model the renderer applies (src/render/appearance-data.ts; see
 * src/render/appearance.ts).
 *
 * 1. Every frame (the landmark cache holds their tracked landmarks) is taken into the face's UV layout
 *    (src/face/uv-grid.ts): its luminance, low-passed to about 1/100 of the face width, is sampled at each
 *    texel through that frame's face mesh, so a texel is the same place on the face in every frame whatever
 *    the head and expression do. Texels the frame does not show (turned away) are left out.
 * 2. Each frame's AU intensities are estimated relative to the same person's neutral face (the mean of the
 *    MEAD actors' neutral clips; for other people their least expressive frames), and its shading is taken
 *    relative to the same person's neutral texture: the log-luminance ratio (an expression ratio image,
 *    Liu et al. 2001), less the frame's median over the face (exposure) and less what varies over more than
 *    about a centimetre (lighting as the head moves). Identity, skin and lighting cancel.
 * 3. Per texel, a ridge regression of that ratio on the AU intensities of the texel's side of the face
 *    (the left half folded onto the right, so the model is symmetric and one-sided actions stay on their
 *    side; near the midline both sides' mean). Skin texture is not correlated with any AU across people, so
 *    what the coefficients keep is what expressions do: folds, bulges, wrinkles, shadows.
 * 4. The regression is attenuated and blurred (noisy per-frame AUs; folds at slightly different places on
 *    different people): the apexes of the labelled clips (the mean of each clip's most expressive frames)
 *    sharpen it — per texel a ridge regression of the apex ratio images on the apex AUs, pulled towards the
 *    frame-level coefficients.
 * 5. The maps are smoothed a little, faded out towards the face's outline, bounded (darkening to −0.6,
 *    brightening to +0.2 in log luminance at intensity 5), quantised to int8 per AU and written as base64.
 *
 *   npx tsx scripts/build-appearance.ts [../shared/data] [--preview out.png]
 *
 * The landmark cache is $VIVIFY_CACHE (default scratch/cache); clips missing from it are tracked first. The
 * sampled textures are cached there too (uv-luminance/), so a second run takes minutes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { estimateAUs } from '../src/analysis/au-estimate.js';
import { EXPRESSION_CLIPS, loadClip, type ClipFrames } from '../src/dataset/expression-clips.js';
import { cacheDir } from '../src/dataset/landmarks.js';
import { ACTION_UNITS } from '../src/face/action-units.js';
import type { RgbaImage } from '../src/face/image.js';
import { GRID_H, GRID_W, sampleLogLuminance, sideWeight, texelUV, uvTexels } from '../src/face/uv-grid.js';
import { decodeVideo } from '../src/media/video.js';
import { writeImage } from '../src/media/image-file.js';
import { rotationToEuler } from '../src/face/pose.js';

const args = process.argv.slice(2);
const previewAt = args.indexOf('--preview');
const preview = previewAt >= 0 ? args[previewAt + 1] : undefined;
const data = path.resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--preview') ?? '../shared/data');

const K = ACTION_UNITS.length;
const N = GRID_W * GRID_H;
const F = K + 1; // intercept + AUs
/** Frames turned further than this are left out (their far side is foreshortened or hidden). */
const MAX_YAW = 25;
const MAX_PITCH = 20;
/** Ridge weight relative to the mean diagonal of the AU part of XᵀX. */
const LAMBDA = Number(process.env.APPEARANCE_LAMBDA ?? 0.05);
/** Largest |log ratio| kept at intensity 5 (a stray texel must not blacken or blow out skin). */
const BOUND = 0.6;
/** Largest brightening kept at intensity 5: expressions mostly shade (folds, furrows); highlights stay small. */
const BRIGHT = 0.2;
/** Weight of the frame-level coefficients against the apexes (relative to the apexes' mean AU energy). */
const APEX_PRIOR = Number(process.env.APPEARANCE_APEX_PRIOR ?? 0.3);
/** Shading broader than this (a Gaussian σ in texels, about 9 mm) is not expression appearance. */
const BROAD = 6;
/** Texels over which the maps fade out towards the face's outline. */
const FADE = 5;
/** Bump when sampleLogLuminance changes what it measures (the cached textures are then made again). */
const TEXTURE_VERSION = 1;

const texels = uvTexels();
const inFace = texels[0].map((t, i) => t.a >= 0 && texels[1][i]!.a >= 0);
console.log(`${inFace.filter(Boolean).length} of ${N} texels on the face`);

// ---------------------------------------------------------------------------------------------------
// Normal equations, accumulated person by person: "side" (a texel's own side's AUs) and "mid" (both sides' mean).
const Aside = new Float64Array(F * F);
const Bside = new Float64Array(F * N);
const Amid = new Float64Array(F * F);
const Bmid = new Float64Array(F * N);
function accumulate(A: Float64Array, B: Float64Array, x: number[], y: Float32Array): void {
  for (let p = 0; p < F; p++) {
    const xp = x[p]!;
    if (xp === 0) continue;
    for (let q = 0; q < F; q++) A[p * F + q]! += xp * x[q]!;
    const o = p * N;
    for (let i = 0; i < N; i++) B[o + i]! += xp * y[i]!;
  }
}

const mean = (ss: Float32Array[]): Float32Array => {
  const m = new Float32Array(ss[0]!.length);
  for (const s of ss) for (let i = 0; i < m.length; i++) m[i]! += s[i]! / ss.length;
  return m;
};

const only = process.env.APPEARANCE_ONLY ? new RegExp(process.env.APPEARANCE_ONLY) : undefined; // for trying things
/** AUs of speech: they do not make a clip's apex. */
const SPEECH: number[] = [17, 23, 25, 26];
const x0 = new Array<number>(F).fill(0);
const apexes: { file: string; xr: number[]; xl: number[]; y: [Float32Array, Float32Array] }[] = [];
const clips = EXPRESSION_CLIPS.filter((c) => !only || only.test(c.file));
const persons = new Map<string, typeof clips>();
for (const c of clips) persons.set(c.person, [...(persons.get(c.person) ?? []), c]);
let used = 0;
let seen = 0;
const started = performance.now();
for (const [person, list] of persons) {
  const loaded = (await Promise.all(list.map((c) => loadClip(data, c)))).filter((c): c is ClipFrames => !!c);
  if (!loaded.length) continue;
  // Frames to use: a face, not turned far.
  const frames: { clip: ClipFrames; index: number; canon: Float32Array; landmarks: Float32Array }[] = [];
  for (const c of loaded) {
    c.frames.forEach((f, index) => {
      seen++;
      if (!f) return;
      const e = rotationToEuler(f.state.pose.rotation);
      if (Math.abs(e.yawDeg) > MAX_YAW || Math.abs(e.pitchDeg) > MAX_PITCH) return;
      frames.push({ clip: c, index, canon: f.state.canon, landmarks: f.landmarks });
    });
  }
  if (frames.length < 20) continue;
  // The person's neutral shape: their neutral clip, else their least expressive frames (lowest total AU
  // intensity measured from their median face).
  const neutralClip = frames.filter((f) => f.clip.clip.neutral);
  let neutralFrames = neutralClip;
  if (!neutralFrames.length) {
    const median = new Float32Array(frames[0]!.canon.length);
    for (let i = 0; i < median.length; i++) {
      const v = frames.map((f) => f.canon[i]!).sort((a, b) => a - b);
      median[i] = v[v.length >> 1]!;
    }
    const scored = frames.map((f) => ({ f, s: sumAUs(estimateAUs(f.canon, median)) })).sort((a, b) => a.s - b.s);
    neutralFrames = scored.slice(0, Math.max(5, Math.round(frames.length * 0.15))).map((x) => x.f);
  }
  const neutral = mean(neutralFrames.map((f) => f.canon));
  // Sample the frames in use (cached per clip: decoding and sampling is the slow part).
  const samples = new Map<(typeof frames)[number], [Float32Array, Float32Array]>();
  for (const c of loaded) {
    const textures = await clipTextures(c);
    for (const f of frames) if (f.clip === c && textures[f.index]) samples.set(f, textures[f.index]!);
  }
  // The neutral texture: mean log luminance over the neutral frames, per texel where shown.
  const neutralTex: [Float32Array, Float32Array] = [new Float32Array(N), new Float32Array(N)];
  for (let side = 0; side < 2; side++) {
    const count = new Float32Array(N);
    for (const f of neutralFrames) {
      const s = samples.get(f)?.[side];
      if (!s) continue;
      for (let i = 0; i < N; i++) {
        if (Number.isNaN(s[i]!)) continue;
        neutralTex[side]![i]! += s[i]!;
        count[i]!++;
      }
    }
    for (let i = 0; i < N; i++) neutralTex[side]![i] = count[i]! >= 3 ? neutralTex[side]![i]! / count[i]! : NaN;
  }
  const scored: { clip: ClipFrames; score: number; xr: number[]; xl: number[]; y: [Float32Array, Float32Array] }[] = [];
  for (const f of frames) {
    const s = samples.get(f);
    if (!s) continue;
    const est = estimateAUs(f.canon, neutral);
    const ratios = ([0, 1] as const).map((side) => {
      const y = new Float32Array(N);
      const vals: number[] = [];
      for (let i = 0; i < N; i++) {
        const v = s[side][i]! - neutralTex[side][i]!;
        y[i] = inFace[i] && Number.isFinite(v) ? v : NaN;
        if (!Number.isNaN(y[i]!)) vals.push(y[i]!);
      }
      return { y, vals };
    });
    const all = [...ratios[0]!.vals, ...ratios[1]!.vals];
    // Frames that show too little of the face are left out; unseen texels count as unchanged.
    if (all.length < 1.6 * inFace.filter(Boolean).length) continue;
    all.sort((a, b) => a - b);
    const offset = all[all.length >> 1]!;
    for (const r of ratios) {
      for (let i = 0; i < N; i++) r.y[i] = r.y[i]! - offset;
      // Only shading at the scale of folds, bulges and wrinkles: what varies over more than about a
      // centimetre (lighting as the head moves, exposure) is taken out.
      const broad = maskedBlur(r.y, BROAD);
      for (let i = 0; i < N; i++) r.y[i] = Number.isNaN(r.y[i]!) ? 0 : r.y[i]! - broad[i]!;
    }
    const xr = [1, ...ACTION_UNITS.map((au) => est.right[au])];
    const xl = [1, ...ACTION_UNITS.map((au) => est.left[au])];
    const xm = xr.map((v, k) => (v + xl[k]!) / 2);
    accumulate(Aside, Bside, xr, ratios[0]!.y);
    accumulate(Aside, Bside, xl, ratios[1]!.y);
    accumulate(Amid, Bmid, xm, ratios[0]!.y);
    accumulate(Amid, Bmid, xm, ratios[1]!.y);
    used++;
    if (f.clip.clip.emotion) {
      const score = ACTION_UNITS.reduce((t, au) => t + (SPEECH.includes(au) ? 0 : est.intensity[au]), 0);
      scored.push({ clip: f.clip, score, xr, xl, y: [ratios[0]!.y, ratios[1]!.y] });
    }
  }
  // The apex of each labelled clip (its 10% most expressive frames, speech aside): mean AUs and ratio image.
  for (const c of loaded.filter((x) => x.clip.emotion)) {
    const top = scored
      .filter((x) => x.clip === c)
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.max(3, Math.round(c.frames.length * 0.1)));
    if (top.length < 3) continue;
    const avg = (k: number, side: 'xr' | 'xl'): number => top.reduce((t, x) => t + x[side][k]!, 0) / top.length;
    const y: [Float32Array, Float32Array] = [new Float32Array(N), new Float32Array(N)];
    for (const x of top)
      for (let side = 0; side < 2; side++) for (let i = 0; i < N; i++) y[side]![i]! += x.y[side]![i]! / top.length;
    apexes.push({ file: c.clip.file, xr: x0.map((_, k) => avg(k, 'xr')), xl: x0.map((_, k) => avg(k, 'xl')), y });
  }
  console.log(
    `${person}: ${frames.length} frames, neutral from ${neutralClip.length ? 'the neutral clip' : `${neutralFrames.length} least expressive frames`} ` +
      `(${used} of ${seen} frames used so far, ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

/**
 * Every frame's UV log luminance (undefined without a face), from the cache folder when it holds this clip's
 * for the same landmark cache entry and grid; sampled and cached otherwise.
 */
async function clipTextures(c: ClipFrames): Promise<([Float32Array, Float32Array] | undefined)[]> {
  const key = `${TEXTURE_VERSION}-${GRID_W}x${GRID_H}-${c.frames.length}`;
  const file = path.join(cacheDir(), 'uv-luminance', `${path.basename(c.clip.file)}.${key}.i16`);
  const per = 2 * N;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.length === c.frames.length * per * 2) {
      const q = new Int16Array(buf.buffer, buf.byteOffset, buf.length / 2);
      return c.frames.map((f, i) => {
        if (!f) return undefined;
        const t: [Float32Array, Float32Array] = [new Float32Array(N), new Float32Array(N)];
        for (let s = 0; s < 2; s++)
          for (let k = 0; k < N; k++) {
            const v = q[i * per + s * N + k]!;
            t[s]![k] = v === -32768 ? NaN : v / 4096;
          }
        return t;
      });
    }
  }
  const out: ([Float32Array, Float32Array] | undefined)[] = c.frames.map(() => undefined);
  let i = 0;
  for await (const img of decodeVideo(path.join(data, c.clip.file))) {
    const f = c.frames[i];
    if (f) out[i] = sampleLogLuminance(img, f.landmarks);
    i++;
  }
  const q = new Int16Array(c.frames.length * per).fill(-32768);
  out.forEach((t, k) => {
    if (!t) return;
    for (let s = 0; s < 2; s++)
      for (let j = 0; j < N; j++) if (Number.isFinite(t[s]![j]!)) q[k * per + s * N + j] = Math.round(t[s]![j]! * 4096);
  });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, new Uint8Array(q.buffer));
  return out;
}
/** Gaussian blur (σ in texels) over the texels that hold a value (NaN elsewhere), normalised by coverage. */
function maskedBlur(y: Float32Array, sigma: number): Float32Array {
  const r = Math.ceil(2.5 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const pass = (src: Float32Array, wsrc: Float32Array, horizontal: boolean): [Float32Array, Float32Array] => {
    const out = new Float32Array(N);
    const wout = new Float32Array(N);
    for (let row = 0; row < GRID_H; row++)
      for (let col = 0; col < GRID_W; col++) {
        let sv = 0;
        let sw = 0;
        for (let d = -r; d <= r; d++) {
          const rr = horizontal ? row : row + d;
          const cc = horizontal ? col + d : col;
          if (rr < 0 || rr >= GRID_H || cc < 0 || cc >= GRID_W) continue;
          const j = rr * GRID_W + cc;
          sv += k[d + r]! * src[j]!;
          sw += k[d + r]! * wsrc[j]!;
        }
        out[row * GRID_W + col] = sv;
        wout[row * GRID_W + col] = sw;
      }
    return [out, wout];
  };
  const v0 = new Float32Array(N);
  const w0 = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (!Number.isFinite(y[i]!)) continue;
    v0[i] = y[i]!;
    w0[i] = 1;
  }
  const [v1, w1] = pass(v0, w0, true);
  const [v2, w2] = pass(v1, w1, false);
  return v2.map((v, i) => (w2[i]! > 1e-6 ? v / w2[i]! : 0));
}

function sumAUs(e: ReturnType<typeof estimateAUs>): number {
  return ACTION_UNITS.reduce((s, au) => s + e.intensity[au], 0);
}

// ---------------------------------------------------------------------------------------------------
// Solve (XᵀX + λD) S = XᵀY for both designs, blend by the side weight, smooth, bound, quantise.
function solve(A: Float64Array, B: Float64Array): Float64Array {
  const M = Float64Array.from(A);
  let diag = 0;
  for (let p = 1; p < F; p++) diag += M[p * F + p]! / K;
  for (let p = 1; p < F; p++) M[p * F + p]! += LAMBDA * diag;
  const inv = invert(M, F);
  const S = new Float64Array(F * N);
  for (let p = 0; p < F; p++)
    for (let q = 0; q < F; q++) {
      const w = inv[p * F + q]!;
      if (w === 0) continue;
      for (let i = 0; i < N; i++) S[p * N + i]! += w * B[q * N + i]!;
    }
  return S;
}

function invert(M: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(M);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) {
      [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
      [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k]!, inv[c * n + k]!];
    }
    const d = a[c * n + c]!;
    for (let k = 0; k < n; k++) {
      a[c * n + k]! /= d;
      inv[c * n + k]! /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const m = a[r * n + c]!;
      if (m === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k]! -= m * a[c * n + k]!;
        inv[r * n + k]! -= m * inv[c * n + k]!;
      }
    }
  }
  return inv;
}

const Sside = refine(solve(Aside, Bside), 'side');
const Smid = refine(solve(Amid, Bmid), 'mid');
console.log(`refined with the apexes of ${apexes.length} labelled clips`);

/**
 * The frame-level regression is attenuated (the AU estimates it regresses on are noisy, most of all in
 * talking frames) and blurred (folds sit at slightly different places on different people). The apexes of the
 * labelled clips — each the mean of a clip's most expressive frames, so their AUs are estimated far more
 * reliably — sharpen it: per texel, a ridge regression of the apex ratio images on the apex AUs, pulled
 * towards the frame-level coefficients (the prior) where the apexes say little.
 */
function refine(prior: Float64Array, design: 'side' | 'mid'): Float64Array {
  const G = new Float64Array(K * K);
  const B = new Float64Array(K * N);
  for (const a of apexes) {
    for (const side of [0, 1] as const) {
      const x = ACTION_UNITS.map((_, k) =>
        design === 'mid' ? (a.xr[k + 1]! + a.xl[k + 1]!) / 2 : side === 0 ? a.xr[k + 1]! : a.xl[k + 1]!,
      );
      const y = a.y[side]!;
      for (let p = 0; p < K; p++) {
        for (let q = 0; q < K; q++) G[p * K + q]! += x[p]! * x[q]!;
        for (let i = 0; i < N; i++) B[p * N + i]! += x[p]! * (y[i]! - prior[i]!); // less the intercept
      }
    }
  }
  let diag = 0;
  for (let p = 0; p < K; p++) diag += G[p * K + p]! / K;
  const mu = APEX_PRIOR * diag;
  for (let p = 0; p < K; p++) {
    G[p * K + p]! += mu;
    for (let i = 0; i < N; i++) B[p * N + i]! += mu * prior[(p + 1) * N + i]!;
  }
  const inv = invert(G, K);
  const out = Float64Array.from(prior);
  for (let p = 0; p < K; p++) {
    for (let i = 0; i < N; i++) {
      let v = 0;
      for (let q = 0; q < K; q++) v += inv[p * K + q]! * B[q * N + i]!;
      out[(p + 1) * N + i] = v;
    }
  }
  return out;
}
const maps: Float32Array[] = ACTION_UNITS.map((_, k) => {
  const m = new Float32Array(N);
  for (let row = 0; row < GRID_H; row++) {
    for (let col = 0; col < GRID_W; col++) {
      const i = row * GRID_W + col;
      if (!inFace[i]) continue;
      const w = sideWeight(texelUV(col, row)[0]);
      // Per unit intensity → at intensity 5.
      m[i] = 5 * (w * Sside[(k + 1) * N + i]! + (1 - w) * Smid[(k + 1) * N + i]!);
    }
  }
  return fadeAtEdge(smooth(m));
});

/**
 * Towards the face's outline (the edge of the mesh, not the eye openings) the maps fade to nothing over
 * FADE texels, so shading never steps at the border between the face and what surrounds it.
 */
function fadeAtEdge(m: Float32Array): Float32Array {
  // Off-face texels reachable from the grid's border are outside; the rest (eye openings) are holes.
  const outside = new Uint8Array(N);
  const stack: number[] = [];
  for (let row = 0; row < GRID_H; row++)
    for (let col = 0; col < GRID_W; col++)
      if ((row === 0 || col === 0 || row === GRID_H - 1) && !inFace[row * GRID_W + col]) stack.push(row * GRID_W + col);
  while (stack.length) {
    const i = stack.pop()!;
    if (outside[i] || inFace[i]) continue;
    outside[i] = 1;
    const row = Math.floor(i / GRID_W);
    const col = i % GRID_W;
    if (row > 0) stack.push(i - GRID_W);
    if (row < GRID_H - 1) stack.push(i + GRID_W);
    if (col > 0) stack.push(i - 1);
    if (col < GRID_W - 1) stack.push(i + 1);
  }
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (!inFace[i]) continue;
    const row = Math.floor(i / GRID_W);
    const col = i % GRID_W;
    let d = FADE;
    for (let dr = -FADE; dr <= FADE; dr++)
      for (let dc = -FADE; dc <= FADE; dc++) {
        const r = row + dr;
        const c = col + dc;
        // The midline column mirrors onto itself: only the grid's left, top and bottom edges are outside.
        if (r < 0 || r >= GRID_H || c < 0 || (c < GRID_W && outside[r * GRID_W + c]))
          d = Math.min(d, Math.hypot(dr, dc));
      }
    out[i] = Math.max(-BOUND, Math.min(BRIGHT, m[i]! * Math.min(1, d / FADE)));
  }
  return out;
}

/** A small Gaussian (σ = 0.7 texel) over the face texels, then the bound. */
function smooth(m: Float32Array): Float32Array {
  const out = new Float32Array(N);
  const k = [0.24, 0.52, 0.24];
  const tmp = new Float32Array(N);
  for (let row = 0; row < GRID_H; row++)
    for (let col = 0; col < GRID_W; col++) {
      let s = 0;
      let w = 0;
      for (let d = -1; d <= 1; d++) {
        const c = col + d;
        if (c < 0 || c >= GRID_W || !inFace[row * GRID_W + c]) continue;
        s += k[d + 1]! * m[row * GRID_W + c]!;
        w += k[d + 1]!;
      }
      tmp[row * GRID_W + col] = w ? s / w : 0;
    }
  for (let row = 0; row < GRID_H; row++)
    for (let col = 0; col < GRID_W; col++) {
      const i = row * GRID_W + col;
      if (!inFace[i]) continue;
      let s = 0;
      let w = 0;
      for (let d = -1; d <= 1; d++) {
        const r = row + d;
        if (r < 0 || r >= GRID_H || !inFace[r * GRID_W + col]) continue;
        s += k[d + 1]! * tmp[r * GRID_W + col]!;
        w += k[d + 1]!;
      }
      out[i] = Math.max(-BOUND, Math.min(BOUND, w ? s / w : 0));
    }
  return out;
}

const scales = maps.map((m) => Math.max(1e-6, ...m.map(Math.abs)) / 127);
const q = new Int8Array(K * N);
maps.forEach((m, k) => m.forEach((v, i) => (q[k * N + i] = Math.round(v / scales[k]!))));
ACTION_UNITS.forEach((au, k) => {
  const m = maps[k]!;
  console.log(
    `AU${au}: darkest ${Math.min(...m).toFixed(3)}, brightest ${Math.max(...m).toFixed(3)} (log luminance at intensity 5)`,
  );
});
writeFileSync(
  new URL('../src/render/appearance-data.ts', import.meta.url),
  `// Generated by scripts/build-appearance.ts from ${used} frames of ${persons.size} people. Do not edit by hand.

/**
 * Per action unit (ACTION_UNITS order), the change of log luminance at intensity 5 on a GRID_W × GRID_H grid
 * over the right half of the face's UV map (src/render/appearance.ts): int8 values, row-major, base64, in units
 * of the AU's entry of APPEARANCE_SCALES.
 */
export const APPEARANCE_MAPS = '${Buffer.from(q.buffer).toString('base64')}';
export const APPEARANCE_SCALES: readonly number[] = ${JSON.stringify(scales.map((s) => Number(s.toPrecision(5))))};
`,
);
console.log(
  `wrote src/render/appearance-data.ts (${used} frames, ${((performance.now() - started) / 60000).toFixed(1)} min)`,
);

if (preview) {
  // The maps side by side, mirrored to the whole face: grey = no change, darker = darker skin.
  const cell = 2;
  const cw = 2 * GRID_W * cell;
  const ch = GRID_H * cell;
  const cols = 6;
  const rows = Math.ceil(K / cols);
  const img: RgbaImage = {
    width: cols * cw,
    height: rows * ch,
    data: new Uint8ClampedArray(cols * cw * rows * ch * 4).fill(255),
  };
  maps.forEach((m, k) => {
    const ox = (k % cols) * cw;
    const oy = Math.floor(k / cols) * ch;
    for (let y = 0; y < ch; y++)
      for (let x = 0; x < cw; x++) {
        const col = Math.floor(x / cell);
        const i = Math.floor(y / cell) * GRID_W + (col < GRID_W ? col : 2 * GRID_W - 1 - col);
        const v = inFace[i] ? 128 + 300 * m[i]! : 255;
        const o = ((oy + y) * img.width + ox + x) * 4;
        img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
        img.data[o + 3] = 255;
      }
  });
  await writeImage(preview, img);
}
