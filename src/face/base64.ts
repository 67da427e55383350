/**
 * Base64 decoding for the generated data files (model weights stored as text in the source), without Node's
 * Buffer so the browser runs the same code.
 */
const CODES = (() => {
  const t = new Int16Array(128).fill(-1);
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < a.length; i++) t[a.charCodeAt(i)] = i;
  return t;
})();

/** The bytes of a base64 string (standard alphabet, optional padding). */
export function decodeBase64(text: string): Uint8Array {
  const s = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const v = CODES[s.charCodeAt(i)] ?? -1;
    if (v < 0) throw new RangeError(`Expected base64 text but received the character ${JSON.stringify(s[i])}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Little-endian int16 values from base64 text. */
export function decodeInt16(text: string): Int16Array {
  const b = decodeBase64(text);
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const v = b[2 * i]! | (b[2 * i + 1]! << 8);
    out[i] = v >= 0x8000 ? v - 0x10000 : v;
  }
  return out;
}

/** Signed bytes from base64 text. */
export function decodeInt8(text: string): Int8Array {
  const b = decodeBase64(text);
  return new Int8Array(b.buffer, b.byteOffset, b.length);
}
