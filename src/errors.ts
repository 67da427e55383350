/**
 * Every runtime failure Vivify knows about is a `VivifyError` with a stable `code`.
 * The CLI prints `error: <message>` for these and exits non-zero; anything else is a bug and
 * prints a stack.
 */
export type VivifyErrorCode =
  | 'E_INPUT_NOT_FOUND'
  | 'E_INPUT_EMPTY'
  | 'E_IMAGE_DECODE'
  | 'E_IMAGE_TOO_LARGE'
  | 'E_IMAGE_ENCODE'
  | 'E_VIDEO_DECODE'
  | 'E_VIDEO_EMPTY'
  | 'E_VIDEO_ENCODE'
  | 'E_FFMPEG_MISSING'
  | 'E_UNSUPPORTED_FORMAT'
  | 'E_MODEL_LOAD'
  | 'E_NO_FACE'
  | 'E_FACE_INDEX'
  | 'E_BAD_TIMELINE'
  | 'E_OUTPUT'
  | 'E_ABORTED'
  | 'E_BUSY'
  | 'E_QUEUE'
  | 'E_USAGE';

export class VivifyError extends Error {
  readonly code: VivifyErrorCode;

  constructor(code: VivifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VivifyError';
    this.code = code;
  }
}

export function isVivifyError(err: unknown, code?: VivifyErrorCode): err is VivifyError {
  return err instanceof VivifyError && (code === undefined || err.code === code);
}

/** Throws E_ABORTED if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VivifyError('E_ABORTED', 'operation was cancelled');
}

/** "Expected X for Y but received Z" — the shape of every argument error. */
export function invalidArgument(expected: string, name: string, received: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describe(received)}`);
}

export function outOfRange(expected: string, name: string, received: unknown): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${describe(received)}`);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Uint8Array).length})`;
  return typeof v;
}
