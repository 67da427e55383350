import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { VivifyError } from '../errors.js';

export const VIDEO_EXTENSIONS = [
  '.mp4',
  '.mov',
  '.m4v',
  '.mkv',
  '.webm',
  '.avi',
  '.gif',
  '.mpg',
  '.mpeg',
  '.ts',
  '.flv',
  '.wmv',
  '.3gp',
];
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

/**
 * Checks that `file` is a regular file before anything opens it: a folder, a named pipe (opening one waits
 * for a writer, forever), a socket or a device is refused with E_INPUT_NOT_FOUND, a missing or unreadable
 * path too. `what` names the expected input in the message ("an image"), `name` the file ("the timeline x.txt").
 */
export async function checkRegularFile(file: string, what = 'a file', name = file): Promise<void> {
  let st: Stats;
  try {
    st = await fs.stat(file);
  } catch (cause) {
    throw new VivifyError('E_INPUT_NOT_FOUND', `cannot read ${name}: ${(cause as Error).message.split('\n')[0]}`, {
      cause,
    });
  }
  if (st.isFile()) return;
  const kind = st.isDirectory()
    ? 'a folder'
    : st.isFIFO()
      ? 'a named pipe'
      : st.isSocket()
        ? 'a socket'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
  throw new VivifyError('E_INPUT_NOT_FOUND', `${name} is ${kind}, not ${what}`);
}

/**
 * Whether a file is a still image or a video: JPEG, PNG and WebP by their first bytes (whatever the
 * name says), anything else a video if its extension is one, else unknown.
 */
export async function mediaKind(file: string): Promise<'image' | 'video'> {
  // A folder, a named pipe (opening one waits for a writer forever), a device: refused before opening.
  const st = await fs.stat(file).catch(() => undefined);
  if (st && !st.isFile()) await checkRegularFile(file, 'an image or a video');
  let head: Buffer;
  try {
    const fh = await fs.open(file, 'r');
    try {
      head = Buffer.alloc(16);
      const { bytesRead } = await fh.read(head, 0, 16, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (cause) {
    const what = (cause as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new VivifyError('E_INPUT_NOT_FOUND', `${file} ${what}: ${(cause as Error).message.split('\n')[0]}`, {
      cause,
    });
  }
  if (head.length === 0) throw new VivifyError('E_INPUT_EMPTY', `${file} is empty (0 bytes)`);
  if (head[0] === 0xff && head[1] === 0xd8) return 'image';
  if (head.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image';
  const ext = path.extname(file).toLowerCase();
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image'; // named like an image: the image decoder says what is wrong
  throw new VivifyError(
    'E_UNSUPPORTED_FORMAT',
    `${file}: not a JPEG, PNG or WebP image, and ${ext || 'no extension'} is not a video extension`,
  );
}
