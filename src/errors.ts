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
  | 'E_AUDIO_DECODE'
  | 'E_AUDIO_SILENT'
  | 'E_AUDIO_TOO_LONG'
  | 'E_TTS'
  | 'E_FFMPEG_MISSING'
  | 'E_UNSUPPORTED_FORMAT'
  | 'E_MODEL_LOAD'
  | 'E_MOUTH_BANK'
  | 'E_NO_FACE'
  | 'E_NO_PERSON'
  | 'E_BAD_SKELETON'
  | 'E_FACE_INDEX'
  | 'E_BAD_TIMELINE'
  | 'E_OUTPUT'
  | 'E_ABORTED'
  | 'E_BUSY'
  | 'E_QUEUE'
  | 'E_USAGE';

export class VivifyError extends Error {
  readonly code: VivifyErrorCode;

  /** `message` is shown as given, except that control characters are escaped (see {@link printable}). */
  constructor(code: VivifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(printable(message), options);
    this.name = 'VivifyError';
    this.code = code;
  }
}

export function isVivifyError(err: unknown, code?: VivifyErrorCode): err is VivifyError {
  return err instanceof VivifyError && (code === undefined || err.code === code);
}

/**
 * Failures of the machine or of the user's files (a full disk, a folder without permission), by the
 * system's error code: the user's to fix, so reported in one line, never as a bug.
 */
const IO_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EFBIG: 'file too large for the file system',
  ENAMETOOLONG: 'name too long',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'something appeared at that path meanwhile',
  ENOTEMPTY: 'something appeared at that path meanwhile',
  EXDEV: 'not on the same file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** "no space left on the device (ENOSPC)" for a system I/O error (one with such a `code`), else undefined. */
export function ioFailureReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code in IO_FAILURES ? `${IO_FAILURES[code]} (${code})` : undefined;
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
  if (typeof v === 'string') return quote(v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Uint8Array).length})`;
  return typeof v;
}

/**
 * Characters that must not reach a terminal raw: C0 and C1 controls and DEL (a terminal takes ESC and
 * U+009B as the start of a command), line and paragraph separators, bidirectional overrides and isolates
 * (which reorder what is shown), the byte-order mark, and halves of surrogate pairs.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|\p{Cs}/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** C0 controls as `\x1b` (or `\n`, `\r`, `\t`), the rest as `\u009b`: escapes that JSON reads the same way. */
function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return (
    NAMED[c] ?? (code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/**
 * `text` with every character a terminal could act on written as an escape (`\x1b`, `\n`, `\u202e`), so
 * a message that contains user content (file names, values, lines of a file) stays one visible line.
 * Everything else, backslashes included, is kept as it is.
 *
 * @example
 * printable('clip\x1b[2J.mp4') // 'clip\\x1b[2J.mp4'
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/**
 * User content quoted in a message: in double quotes, cut to `maxChars` characters (the cut marked
 * with `…`), with backslashes, quotes and unprintable characters escaped. Use it wherever a message
 * repeats what the user gave — an argument, a token of a file — so that garbage input gives a short,
 * readable, one-line message.
 *
 * @example
 * quote('happpy') // '"happpy"'
 * quote('\x1b[31mred') // '"\\x1b[31mred"'
 */
export function quote(text: string, maxChars = 60): string {
  const chars = [...text];
  const cut = chars.length > maxChars ? `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…` : text;
  return `"${printable(cut.replace(/[\\"]/g, '\\$&'))}"`;
}
