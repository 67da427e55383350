/** 8-bit RGBA pixels, row-major, no padding: `data.length === width * height * 4`. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** One decoded video frame. `timestampMs` is `index * 1000 / fps` on the decoder's constant-rate grid. */
export interface VideoFrame extends RgbaImage {
  readonly index: number;
  readonly timestampMs: number;
}

export function createImage(width: number, height: number, data?: Uint8ClampedArray): RgbaImage {
  const expected = width * height * 4;
  if (data && data.length !== expected) {
    throw new RangeError(`Expected ${expected} bytes for a ${width}x${height} RGBA image but received ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8ClampedArray(expected) };
}
