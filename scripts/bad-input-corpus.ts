/**
 * The bad-input corpus: the kinds of file a big real folder holds — broken, mislabelled, unusual, hostile —
 * made from the public-domain astronaut (assets/astronaut.png) with sharp, ffmpeg and the file system, never
 * committed. Used by the batch tests (test/batch/bad-input.test.ts) and the full sweep of every command
 * (scripts/robustness.ts → docs/results/robustness.md).
 *
 *   node --import tsx scripts/bad-input-corpus.ts DIR     # writes the corpus into DIR and lists it
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import {
  chmodSync,
  mkdirSync,
  openSync,
  closeSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
  writeSync,
  utimesSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { ASTRONAUT, ffmpeg, makeMovingFaceVideo } from '../test/helpers.js';

export { ASTRONAUT };

export type CaseKind = 'image' | 'video' | 'folder' | 'timeline' | 'list';

export interface CorpusCase {
  /** Short name, unique. */
  name: string;
  kind: CaseKind;
  /** Path of the case (a file, a link, a pipe or a folder). */
  file: string;
  /** What it is. */
  what: string;
  /**
   * What a correct tool does with it: `ok` — processes it (the result is right), `error` — refuses it with a
   * one-line reason. Commands that need something else (a video where an image is given) refuse any case.
   */
  expect: 'ok' | 'error';
  /** Issue 12 (defects found by an earlier sweep) case. */
  issue12?: string;
  /** Only reachable through a folder listing (its name cannot be given on a command line). */
  folderOnly?: boolean;
}

function run(bin: string, args: string[]): void {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${r.stderr}`);
}

/** A 20000×20000 grey PNG, fully valid, written row by row (1.2 MB on disk, 1.2 GB of pixels). */
async function hugePng(file: string, w = 20000, h = 20000): Promise<void> {
  const row = Buffer.alloc(1 + w * 3, 128);
  row[0] = 0;
  const d = zlib.createDeflate({ level: 6 });
  const chunks: Buffer[] = [];
  d.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => d.on('end', r));
  for (let y = 0; y < h; y++) if (!d.write(row)) await new Promise((r) => d.once('drain', r));
  d.end();
  await ended;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  writeFileSync(
    file,
    Buffer.concat([
      PNG_SIGNATURE,
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', Buffer.concat(chunks)),
      pngChunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let c = 0xffffffff;
  for (const x of td) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  td.copy(out, 4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A minimal, valid one-page PDF. */
const PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

/** Moving crops of the astronaut's face, as the tests' driving clips (small and short). */
function movingFace(file: string, { frames = 10, fps = 10, size = 128 } = {}): void {
  makeMovingFaceVideo(file, { frames, fps, size });
}

/**
 * Writes the corpus into `dir`: `images/`, `videos/`, `loops/` (symbolic-link loops, with one good image and
 * one good clip), `timelines/`, `lists/`, and `ok/` (a few good inputs the commands need beside a bad one).
 */
export async function makeBadInputCorpus(dir: string): Promise<CorpusCase[]> {
  const cases: CorpusCase[] = [];
  const add = (c: CorpusCase): void => void cases.push(c);
  const images = path.join(dir, 'images');
  const videos = path.join(dir, 'videos');
  const loops = path.join(dir, 'loops');
  const timelines = path.join(dir, 'timelines');
  const lists = path.join(dir, 'lists');
  const ok = path.join(dir, 'ok');
  for (const d of [images, videos, loops, timelines, lists, ok]) mkdirSync(d, { recursive: true });

  const astro = sharp(ASTRONAUT);
  const png = await astro.clone().png().toBuffer();
  const jpg = await astro.clone().jpeg({ quality: 90 }).toBuffer();
  // Good inputs the commands use beside a bad one.
  writeFileSync(path.join(ok, 'portrait.png'), png);
  movingFace(path.join(ok, 'driver.mp4'));
  writeFileSync(path.join(ok, 'timeline.txt'), 'duration 0.4s\nfps 10\nat 0s neutral\nat 0.3s happy 0.8\n');

  const img = (
    name: string,
    what: string,
    expect: 'ok' | 'error',
    data: Buffer | string | undefined,
    extra: Partial<CorpusCase> = {},
  ): string => {
    const file = path.join(images, name);
    if (data !== undefined) writeFileSync(file, data);
    add({ name: extra.name ?? name, kind: 'image', file, what, expect, ...extra });
    return file;
  };

  img('zero-byte.jpg', 'empty file (0 bytes)', 'error', Buffer.alloc(0));
  img('truncated.jpg', 'JPEG cut at 40% of its bytes', 'error', jpg.subarray(0, Math.floor(jpg.length * 0.4)));
  img('truncated.png', 'PNG cut at 40% of its bytes', 'error', png.subarray(0, Math.floor(png.length * 0.4)));
  img('not-an-image.jpg', 'text named .jpg', 'error', 'this is not an image, just some text\n');
  img('document.jpg', 'a PDF named .jpg', 'error', PDF);
  img('tiff.tif', 'TIFF (not a format Vivify reads)', 'error', await astro.clone().tiff().toBuffer());
  img('cmyk.jpg', 'CMYK JPEG', 'ok', await astro.clone().toColourspace('cmyk').jpeg().toBuffer());
  img('16-bit.png', '16-bit RGB PNG', 'ok', await astro.clone().toColourspace('rgb16').png().toBuffer());
  img('grey.png', 'greyscale PNG', 'ok', await astro.clone().greyscale().png().toBuffer());
  img('palette.png', '8-bit palette PNG', 'ok', await astro.clone().png({ palette: true, colours: 64 }).toBuffer());
  img(
    'transparent.png',
    'RGBA PNG with a transparent border',
    'ok',
    await astro
      .clone()
      .ensureAlpha()
      .extend({ top: 40, bottom: 40, left: 40, right: 40, background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer(),
  );
  img('mislabelled.png', 'a JPEG named .png', 'ok', jpg);
  img('webp.webp', 'WebP', 'ok', await astro.clone().webp().toBuffer());
  // Stored turned a quarter to the left; EXIF orientation 6 says to turn it back.
  img(
    'exif-rotated.jpg',
    'EXIF orientation 6 (stored sideways)',
    'ok',
    await sharp(await astro.clone().rotate(-90).toBuffer())
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer(),
  );
  img(
    '1x1.png',
    '1×1 pixel',
    'error',
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  );
  img(
    '1x4000.png',
    '1×4000 pixels (extreme aspect ratio)',
    'error',
    await sharp({ create: { width: 1, height: 4000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  );
  const huge = path.join(images, 'huge-20000x20000.png');
  await hugePng(huge);
  add({
    name: 'huge-20000x20000.png',
    kind: 'image',
    file: huge,
    what: '20000×20000 PNG (400 megapixels, over the 64-MP limit)',
    expect: 'error',
  });
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  img('bomb-header.png', 'PNG header claiming 100000×100000 (decompression bomb)', 'error', bomb);
  // Two frames of an animated GIF and WebP, each the astronaut.
  const gif = path.join(images, 'animated.gif');
  ffmpeg('-loop', '1', '-i', ASTRONAUT, '-vf', 'scale=256:256', '-frames:v', '4', '-r', '4', gif);
  add({ name: 'animated.gif', kind: 'image', file: gif, what: 'animated GIF (4 frames)', expect: 'error' });
  const webp = path.join(images, 'animated.webp');
  ffmpeg(
    '-loop',
    '1',
    '-i',
    ASTRONAUT,
    '-vf',
    'scale=256:256',
    '-frames:v',
    '4',
    '-r',
    '4',
    '-c:v',
    'libwebp_anim',
    '-loop',
    '0',
    webp,
  );
  add({
    name: 'animated.webp',
    kind: 'image',
    file: webp,
    what: 'animated WebP (4 frames): its first frame is used',
    expect: 'ok',
  });
  const meta = await astro.metadata();
  img(
    'faceless.jpg',
    'photo without a face (the astronaut’s shoulder and flag)',
    'error',
    await astro.clone().extract({ left: 300, top: 300, width: 200, height: 200 }).jpeg().toBuffer(),
  );
  img(
    'two-faces.jpg',
    'two faces side by side',
    'ok',
    await sharp({ create: { width: meta.width! * 2, height: meta.height!, channels: 3, background: '#000' } })
      .composite([
        { input: png, left: 0, top: 0 },
        { input: await astro.clone().flop().png().toBuffer(), left: meta.width!, top: 0 },
      ])
      .jpeg()
      .toBuffer(),
  );
  img(
    'tiny-face.png',
    'astronaut at 48×48 (a face of ~10 px)',
    'error',
    await astro.clone().resize(48, 48).png().toBuffer(),
  );
  img('name with spaces.jpg', 'spaces in the name', 'ok', jpg);
  img('имя 名前 ελληνικά.jpg', 'non-Latin letters in the name', 'ok', jpg);
  img('ctrl-\x1b[31m-name.jpg', 'ESC and a terminal colour command in the name', 'ok', jpg, {
    name: 'ctrl-ESC-name.jpg',
  });
  // A name that is not valid UTF-8 (Latin-1 "é").
  const badName = Buffer.concat([Buffer.from(path.join(images, 'latin1-')), Buffer.from([0xe9]), Buffer.from('.jpg')]);
  const fd = openSync(badName, 'w');
  writeSync(fd, jpg);
  closeSync(fd);
  add({
    name: 'latin1-\\xe9.jpg',
    kind: 'image',
    file: badName.toString('latin1'),
    what: 'file name that is not valid UTF-8 (folder runs only: it cannot be passed as an argument)',
    expect: 'error',
    folderOnly: true,
  });
  const unreadable = img('unreadable.jpg', 'permissions 000 (unreadable unless root)', 'error', jpg);
  chmodSync(unreadable, 0o000);
  const fifo = path.join(images, 'fifo.jpg');
  run('mkfifo', [fifo]);
  add({
    name: 'fifo.jpg',
    kind: 'image',
    file: fifo,
    what: 'named pipe called .jpg (reading it would block forever)',
    expect: 'error',
  });
  mkdirSync(path.join(images, 'folder.jpg'));
  add({
    name: 'folder.jpg',
    kind: 'image',
    file: path.join(images, 'folder.jpg'),
    what: 'a folder named .jpg',
    expect: 'error',
  });
  symlinkSync('missing-target.jpg', path.join(images, 'broken-link.jpg'));
  add({
    name: 'broken-link.jpg',
    kind: 'image',
    file: path.join(images, 'broken-link.jpg'),
    what: 'symbolic link to nothing',
    expect: 'error',
  });
  writeFileSync(path.join(images, 'good.jpg'), jpg);
  symlinkSync('good.jpg', path.join(images, 'alias.jpg'));
  add({
    name: 'good.jpg',
    kind: 'image',
    file: path.join(images, 'good.jpg'),
    what: 'an ordinary good photo',
    expect: 'ok',
  });
  add({
    name: 'alias.jpg',
    kind: 'image',
    file: path.join(images, 'alias.jpg'),
    what: 'symbolic link to good.jpg (the same file twice in a folder)',
    expect: 'ok',
  });
  writeFileSync(path.join(images, '.hidden.jpg'), 'not even an image');

  // Folders with symbolic-link loops (issue 12: scan hangs, or counts one clip 41 times).
  writeFileSync(path.join(loops, 'good.png'), png);
  movingFace(path.join(loops, 'good.mp4'));
  symlinkSync('.', path.join(loops, 'self'));
  symlinkSync('..', path.join(loops, 'parent'));
  add({
    name: 'loops/',
    kind: 'folder',
    file: loops,
    what: 'folder with good.png, good.mp4, self -> . and parent -> ..',
    expect: 'ok',
    issue12: 'scan hangs / counts a clip 41 times',
  });

  // Videos.
  const vid = (
    name: string,
    what: string,
    expect: 'ok' | 'error',
    make: (file: string) => void,
    extra: Partial<CorpusCase> = {},
  ): void => {
    const file = path.join(videos, name);
    make(file);
    add({ name, kind: 'video', file, what, expect, ...extra });
  };
  vid('good.mp4', 'a short moving-face clip', 'ok', (f) => movingFace(f));
  vid('zero-byte.mp4', 'empty file', 'error', (f) => writeFileSync(f, ''));
  vid('truncated.mp4', 'MP4 cut in half', 'error', (f) => {
    movingFace(`${f}.full.mp4`, { frames: 20 });
    const b = readFileSync(`${f}.full.mp4`);
    writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)));
    run('rm', [`${f}.full.mp4`]);
  });
  vid('text.mp4', 'text named .mp4', 'error', (f) => writeFileSync(f, 'not a video\n'));
  vid('audio-only.mp4', 'MP4 with audio and no video stream', 'error', (f) =>
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', f),
  );
  vid('static.mp4', 'the same frame repeated (a still saved as video)', 'ok', (f) =>
    ffmpeg(
      '-loop',
      '1',
      '-i',
      ASTRONAUT,
      '-vf',
      'scale=128:128,format=yuv420p',
      '-frames:v',
      '10',
      '-r',
      '10',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      f,
    ),
  );
  vid('faceless.mp4', 'a clip without a face', 'ok', (f) =>
    ffmpeg(
      '-loop',
      '1',
      '-i',
      ASTRONAUT,
      '-vf',
      "crop=160:160:x='300+n':y=300,format=yuv420p",
      '-frames:v',
      '10',
      '-r',
      '10',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      f,
    ),
  );
  vid(
    'vfr.mp4',
    'variable frame rate: 25 frames at 25 fps, then 25 at 10 fps (3.5 s)',
    'ok',
    (f) =>
      ffmpeg(
        '-loop',
        '1',
        '-framerate',
        '100',
        '-i',
        ASTRONAUT,
        '-vf',
        `crop=320:320:x='60+30*sin(n/4)':y='10+10*cos(n/5)',scale=128:128,format=yuv420p,setpts='if(lt(N,25),4*N,100+10*(N-25))'`,
        '-frames:v',
        '50',
        '-vsync',
        'vfr',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        f,
      ),
    { issue12: 'animate loses the timing of variable-frame-rate drivers' },
  );

  // Leftovers of runs killed with SIGKILL beside the output the commands write (issue 12): one named by this
  // machine's tag and a process that has exited, one in the earlier unowned form, untouched for two days.
  const leftovers = path.join(dir, 'leftovers');
  mkdirSync(leftovers);
  const gone = spawnSync('true').pid;
  const tag = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);
  writeFileSync(path.join(leftovers, `.vivify-tmp-${tag}-${gone}-deadbeef-out.mp4`), Buffer.alloc(48));
  const old = path.join(leftovers, '.vivify-tmp-0badf00d-out.mp4');
  writeFileSync(old, Buffer.alloc(48));
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(old, twoDaysAgo, twoDaysAgo);
  add({
    name: 'leftovers/',
    kind: 'folder',
    file: leftovers,
    what: 'output folder holding temporaries of runs killed with SIGKILL (animate -o leftovers/out.mp4): one of an exited process of this machine, one unowned and two days old',
    expect: 'ok',
    issue12: 'kill -9 leaves temporary files behind',
  });

  // Timelines.
  const garbage = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256));
  garbage.set(Buffer.from('\x1b[2J\x1b[31mat 0s happy\x07\r\n'), 40);
  writeFileSync(path.join(timelines, 'garbage.txt'), garbage);
  add({
    name: 'garbage.txt',
    kind: 'timeline',
    file: path.join(timelines, 'garbage.txt'),
    what: 'timeline of garbage bytes with ESC, BEL and CR',
    expect: 'error',
    issue12: 'the error message echoes raw control characters',
  });
  writeFileSync(path.join(timelines, 'empty.txt'), '');
  add({
    name: 'empty.txt',
    kind: 'timeline',
    file: path.join(timelines, 'empty.txt'),
    what: 'empty timeline',
    expect: 'error',
  });

  // Lists of paths for augment and the batch jobs.
  writeFileSync(
    path.join(lists, 'list.csv'),
    'path,label\n../images/good.jpg,a\n"../images/name with spaces.jpg",b\n../images/missing.jpg,c\n\n"../images/zero-byte.jpg",d\n../images/good.jpg,again\n',
  );
  add({
    name: 'list.csv',
    kind: 'list',
    file: path.join(lists, 'list.csv'),
    what: 'CSV list: quoted names, a missing file, a blank line, a duplicate',
    expect: 'ok',
  });
  writeFileSync(
    path.join(lists, 'list.jsonl'),
    '{"path": "../images/good.jpg"}\nnot json at all\n"../images/grey.png"\n{"other": 1}\n',
  );
  add({
    name: 'list.jsonl',
    kind: 'list',
    file: path.join(lists, 'list.jsonl'),
    what: 'JSONL list with a line that is not JSON and one without a path',
    expect: 'ok',
  });
  writeFileSync(path.join(lists, 'binary.csv'), garbage);
  add({
    name: 'binary.csv',
    kind: 'list',
    file: path.join(lists, 'binary.csv'),
    what: 'a "CSV" of garbage bytes',
    expect: 'error',
  });
  return cases;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node --import tsx scripts/bad-input-corpus.ts DIR');
    process.exit(2);
  }
  const cases = await makeBadInputCorpus(path.resolve(dir));
  for (const c of cases) console.log(`${c.kind.padEnd(8)} ${c.expect.padEnd(5)} ${c.name.padEnd(28)} ${c.what}`);
  console.log(`${cases.length} cases in ${dir}`);
}
