import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { VivifyError, invalidArgument } from '../errors.js';
import { writeAtomically } from './atomic.js';
import { checkRegularFile } from './kind.js';
import type { RgbaImage } from '../face/image.js';

/**
 * Largest image Vivify decodes, in pixels: 64 megapixels (8192 × 8192). Larger images — or files that
 * merely claim larger dimensions, as decompression bombs do — are refused with `E_IMAGE_TOO_LARGE`
 * before any pixel is decoded. Override per call with `maxPixels`.
 */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;

/** Encoded formats accepted as input. */
const INPUT_IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;

/** Anything `readImage` accepts: a file path, encoded bytes, or already decoded RGBA pixels. */
export type ImageInput = string | Uint8Array | RgbaImage;

export interface ReadImageOptions {
  /** Refuse images with more pixels than this. Default {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
}

function isRgbaImage(v: unknown): v is RgbaImage {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Partial<RgbaImage>;
  return typeof o.width === 'number' && typeof o.height === 'number' && o.data instanceof Uint8ClampedArray;
}

/**
 * Decodes a JPEG, PNG or WebP (path or bytes) to 8-bit RGBA, honouring EXIF orientation.
 * Raw `RgbaImage` input is validated and returned as is. This is the one place inputs are converted.
 *
 * @example
 * const img = await readImage('portrait.jpg'); // { width, height, data: Uint8ClampedArray }
 */
export async function readImage(input: ImageInput, options: ReadImageOptions = {}): Promise<RgbaImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (isRgbaImage(input)) {
    if (input.data.length !== input.width * input.height * 4) {
      throw invalidArgument(`${input.width * input.height * 4} bytes of RGBA`, 'image.data', input.data);
    }
    return input;
  }
  let bytes: Uint8Array;
  let label: string;
  if (typeof input === 'string') {
    label = input;
    bytes = await readInputFile(input);
  } else if (input instanceof Uint8Array) {
    label = 'image buffer';
    bytes = input;
  } else {
    throw invalidArgument('a path, a Uint8Array or an RgbaImage', 'image', input);
  }
  if (bytes.length === 0) throw new VivifyError('E_INPUT_EMPTY', `${label} is empty (0 bytes)`);

  // Refuse decompression bombs from the header alone, before any decoder allocates for them.
  const claimed = headerDimensions(bytes);
  if (claimed && claimed.width * claimed.height > maxPixels)
    throw tooLarge(label, claimed.width, claimed.height, maxPixels);

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new VivifyError('E_IMAGE_DECODE', `${label} is not a readable image (${firstLine(cause)})`, { cause });
  }
  const format = meta.format ?? 'unknown';
  if (!(INPUT_IMAGE_FORMATS as readonly string[]).includes(format)) {
    throw new VivifyError(
      'E_UNSUPPORTED_FORMAT',
      `${label} is ${format.toUpperCase()}; Vivify reads ${INPUT_IMAGE_FORMATS.map((f) => f.toUpperCase()).join(', ')}`,
    );
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > maxPixels) throw tooLarge(label, w, h, maxPixels);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate()
      .ensureAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoder returned ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    };
  } catch (cause) {
    throw new VivifyError('E_IMAGE_DECODE', `${label} could not be decoded (${firstLine(cause)})`, { cause });
  }
}

function tooLarge(label: string, w: number, h: number, maxPixels: number): VivifyError {
  return new VivifyError(
    'E_IMAGE_TOO_LARGE',
    `${label} claims ${w}x${h} = ${((w * h) / 1e6).toFixed(1)} megapixels; the limit is ${(maxPixels / 1e6).toFixed(1)} (maxPixels)`,
  );
}

/** Width and height as a PNG, JPEG or WebP header states them, or undefined if the header is not one of those. */
export function headerDimensions(b: Uint8Array): { width: number; height: number } | undefined {
  const u32 = (o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const u16 = (o: number): number => (b[o]! << 8) | b[o + 1]!;
  const le16 = (o: number): number => b[o]! | (b[o + 1]! << 8);
  const le24 = (o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { width: u32(16), height: u32(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let o = 2;
    while (o + 9 < b.length) {
      if (b[o] !== 0xff) return undefined;
      const marker = b[o + 1]!;
      if (marker === 0xff) {
        o++;
        continue;
      }
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { height: u16(o + 5), width: u16(o + 7) };
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
        o += 2;
        continue;
      }
      o += 2 + u16(o + 2);
    }
    return undefined;
  }
  const tag = (o: number): string => String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
  if (b.length >= 30 && tag(0) === 'RIFF' && tag(8) === 'WEBP') {
    const kind = tag(12);
    if (kind === 'VP8 ') return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X') return { width: le24(24) + 1, height: le24(27) + 1 };
  }
  return undefined;
}

async function readInputFile(file: string): Promise<Uint8Array> {
  await checkRegularFile(file, 'an image');
  try {
    return await fs.readFile(file);
  } catch (cause) {
    if (cause instanceof VivifyError) throw cause;
    throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${file}: ${firstLine(cause)}`, { cause });
  }
}

export interface WriteImageOptions {
  /** JPEG quality 1–100. Default 92. */
  quality?: number;
}

/** Encodes RGBA pixels as PNG or JPEG (chosen by extension: .png, .jpg, .jpeg). */
export async function encodeImage(
  image: RgbaImage,
  format: 'png' | 'jpeg',
  options: WriteImageOptions = {},
): Promise<Buffer> {
  const s = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: 4 },
  });
  try {
    return format === 'png'
      ? await s.png({ compressionLevel: 6 }).toBuffer()
      : await s
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: options.quality ?? 92, mozjpeg: false })
          .toBuffer();
  } catch (cause) {
    throw new VivifyError('E_IMAGE_ENCODE', `could not encode ${format.toUpperCase()}: ${firstLine(cause)}`, { cause });
  }
}

export function imageFormatForPath(file: string): 'png' | 'jpeg' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  throw new VivifyError('E_UNSUPPORTED_FORMAT', `cannot write ${file}: use a .png, .jpg or .jpeg name`);
}

/** Writes an image atomically (temporary file + rename). */
export async function writeImage(file: string, image: RgbaImage, options: WriteImageOptions = {}): Promise<void> {
  const format = imageFormatForPath(file);
  const bytes = await encodeImage(image, format, options);
  await writeAtomically(file, (tmp) => fs.writeFile(tmp, bytes));
}

export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '').trim();
}
