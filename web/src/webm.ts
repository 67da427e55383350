/**
 * A small WebM (Matroska) writer for one video track of VP8 or VP9 frames, as WebCodecs' VideoEncoder
 * produces them, and optionally one Opus audio track (WebCodecs' AudioEncoder): EBML header, segment info
 * with the duration, the tracks, and clusters of SimpleBlocks in time order (a new cluster at each video key
 * frame, and before block times would overflow 16 bits). The whole file is
 * assembled in memory at the end, so every size is known and the file needs no seeking fix-ups.
 * Reference: the Matroska specification (RFC 9559) and the WebM container guidelines.
 */

export interface WebmChunk {
  /** Encoded frame data. */
  data: Uint8Array<ArrayBuffer>;
  /** Presentation time in microseconds. */
  timestampUs: number;
  key: boolean;
}

export interface WebmTrack {
  codec: 'V_VP8' | 'V_VP9';
  width: number;
  height: number;
  /** Frame duration in microseconds (for the file's duration). */
  frameDurationUs: number;
}

/** An Opus audio track: its blocks are chunks like the video's, timed from 0 as the video's are. */
export interface WebmAudioTrack {
  codec: 'A_OPUS';
  sampleRate: number;
  channels: number;
  /** The OpusHead the decoder needs (RFC 7845, section 5.1). */
  codecPrivate: Uint8Array;
  chunks: readonly WebmChunk[];
}

type Part = Uint8Array<ArrayBuffer> | number[];

const ID = {
  EBML: [0x1a, 0x45, 0xdf, 0xa3],
  EBMLVersion: [0x42, 0x86],
  EBMLReadVersion: [0x42, 0xf7],
  EBMLMaxIDLength: [0x42, 0xf2],
  EBMLMaxSizeLength: [0x42, 0xf3],
  DocType: [0x42, 0x82],
  DocTypeVersion: [0x42, 0x87],
  DocTypeReadVersion: [0x42, 0x85],
  Segment: [0x18, 0x53, 0x80, 0x67],
  Info: [0x15, 0x49, 0xa9, 0x66],
  TimecodeScale: [0x2a, 0xd7, 0xb1],
  Duration: [0x44, 0x89],
  MuxingApp: [0x4d, 0x80],
  WritingApp: [0x57, 0x41],
  Tracks: [0x16, 0x54, 0xae, 0x6b],
  TrackEntry: [0xae],
  TrackNumber: [0xd7],
  TrackUID: [0x73, 0xc5],
  TrackType: [0x83],
  CodecID: [0x86],
  DefaultDuration: [0x23, 0xe3, 0x83],
  CodecPrivate: [0x63, 0xa2],
  Video: [0xe0],
  PixelWidth: [0xb0],
  PixelHeight: [0xba],
  Audio: [0xe1],
  SamplingFrequency: [0xb5],
  Channels: [0x9f],
  Cluster: [0x1f, 0x43, 0xb6, 0x75],
  Timecode: [0xe7],
  SimpleBlock: [0xa3],
} as const;

/** An EBML variable-length size (8 bytes for anything large, to keep it simple). */
function size(n: number): number[] {
  for (let len = 1; len <= 4; len++) {
    if (n < 2 ** (7 * len) - 1) {
      const out: number[] = [];
      for (let i = len - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
      out[0]! |= 0x80 >> (len - 1);
      return out;
    }
  }
  const out = [0x01];
  for (let i = 6; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  return out;
}

function uint(n: number): number[] {
  const out: number[] = [];
  do {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  return out;
}

function float64(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x);
  return [...b];
}

const text = (s: string): number[] => [...new TextEncoder().encode(s)];
const length = (parts: Part[]): number => parts.reduce((n, p) => n + p.length, 0);

function element(id: readonly number[], ...body: Part[]): Part[] {
  return [[...id, ...size(length(body))], ...body];
}

/** Assembles a WebM file from encoded chunks in presentation order (and an audio track's, if given). */
export function muxWebm(track: WebmTrack, chunks: readonly WebmChunk[], audio?: WebmAudioTrack): Blob {
  const header = element(
    ID.EBML,
    ...element(ID.EBMLVersion, uint(1)),
    ...element(ID.EBMLReadVersion, uint(1)),
    ...element(ID.EBMLMaxIDLength, uint(4)),
    ...element(ID.EBMLMaxSizeLength, uint(8)),
    ...element(ID.DocType, text('webm')),
    ...element(ID.DocTypeVersion, uint(2)),
    ...element(ID.DocTypeReadVersion, uint(2)),
  );
  const last = chunks.at(-1);
  const durationMs = last ? (last.timestampUs + track.frameDurationUs) / 1000 : 0;
  const audioEntry = audio
    ? element(
        ID.TrackEntry,
        ...element(ID.TrackNumber, uint(2)),
        ...element(ID.TrackUID, uint(2)),
        ...element(ID.TrackType, uint(2)),
        ...element(ID.CodecID, text(audio.codec)),
        ...element(ID.CodecPrivate, [...audio.codecPrivate]),
        ...element(
          ID.Audio,
          ...element(ID.SamplingFrequency, float64(audio.sampleRate)),
          ...element(ID.Channels, uint(audio.channels)),
        ),
      )
    : [];
  const info = element(
    ID.Info,
    ...element(ID.TimecodeScale, uint(1_000_000)),
    ...element(ID.Duration, float64(durationMs)),
    ...element(ID.MuxingApp, text('vivify')),
    ...element(ID.WritingApp, text('vivify')),
  );
  const tracks = element(
    ID.Tracks,
    ...element(
      ID.TrackEntry,
      ...element(ID.TrackNumber, uint(1)),
      ...element(ID.TrackUID, uint(1)),
      ...element(ID.TrackType, uint(1)),
      ...element(ID.CodecID, text(track.codec)),
      ...element(ID.DefaultDuration, uint(Math.round(track.frameDurationUs * 1000))),
      ...element(
        ID.Video,
        ...element(ID.PixelWidth, uint(track.width)),
        ...element(ID.PixelHeight, uint(track.height)),
      ),
    ),
    ...audioEntry,
  );
  const clusters: Part[] = [];
  let cluster: Part[] = [];
  let clusterMs = 0;
  const close = (): void => {
    if (cluster.length) clusters.push(...element(ID.Cluster, ...element(ID.Timecode, uint(clusterMs)), ...cluster));
    cluster = [];
  };
  // Video and audio blocks in time order; at the same time the video's (a key frame opens a cluster) first.
  const blocks = [
    ...chunks.map((c) => ({ ...c, track: 1 })),
    ...(audio?.chunks ?? []).map((c) => ({ ...c, track: 2 })),
  ].sort((a, b) => a.timestampUs - b.timestampUs || a.track - b.track);
  for (const c of blocks) {
    const ms = Math.round(c.timestampUs / 1000);
    if (cluster.length === 0 || (c.track === 1 && c.key) || ms - clusterMs > 32000) {
      close();
      clusterMs = ms;
    }
    const rel = ms - clusterMs;
    const block = [0x80 | c.track, (rel >> 8) & 0xff, rel & 0xff, c.key ? 0x80 : 0x00];
    cluster.push(...element(ID.SimpleBlock, block, c.data));
  }
  close();
  const segment = element(ID.Segment, ...info, ...tracks, ...clusters);
  return new Blob(
    [...header, ...segment].map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p))),
    { type: 'video/webm' },
  );
}

/** An EBML element's ID and size at `at`: the ID's bytes as a number, the data's offset, its size (-1: unknown). */
function readElement(b: Uint8Array, at: number): { id: number; idLength: number; data: number; size: number } {
  const first = b[at]!;
  const idLength = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : 0;
  if (!idLength || at + idLength > b.length) throw new Error('not an EBML element');
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + b[at + i]!;
  const s = at + idLength;
  const lead = b[s]!;
  let len = 1;
  while (len <= 8 && !(lead & (0x80 >> (len - 1)))) len++;
  if (len > 8 || s + len > b.length) throw new Error('bad EBML size');
  let size = lead & (0xff >> len);
  let allOnes = size === 0xff >> len;
  for (let i = 1; i < len; i++) {
    size = size * 256 + b[s + i]!;
    allOnes &&= b[s + i] === 0xff;
  }
  return { id, idLength, data: s + len, size: allOnes ? -1 : size };
}

const idNumber = (id: readonly number[]): number => id.reduce((n, x) => n * 256 + x, 0);

/**
 * A browser's MediaRecorder writes a live WebM: the segment and clusters of unknown size, and no duration,
 * so players show no length and cannot seek to a time. This adds the duration (in the file's own time
 * scale) to its segment info, and returns the file unchanged where it cannot do so safely: a duration
 * already there, no segment info, or a seek head whose positions the insertion would shift.
 */
export function withWebmDuration(file: Uint8Array<ArrayBuffer>, durationMs: number): Uint8Array<ArrayBuffer> {
  try {
    const header = readElement(file, 0);
    if (header.id !== idNumber(ID.EBML) || header.size < 0) return file;
    const segment = readElement(file, header.data + header.size);
    if (segment.id !== idNumber(ID.Segment)) return file;
    const segmentEnd = segment.size < 0 ? file.length : Math.min(file.length, segment.data + segment.size);
    for (let at = segment.data; at < segmentEnd;) {
      const e = readElement(file, at);
      if (e.id === idNumber([0x11, 0x4d, 0x9b, 0x74])) return file; // SeekHead: positions would move
      if (e.id === idNumber(ID.Cluster) || e.size < 0) return file; // no Info before the media
      if (e.id !== idNumber(ID.Info)) {
        at = e.data + e.size;
        continue;
      }
      let scale = 1_000_000;
      for (let c = e.data; c < e.data + e.size;) {
        const child = readElement(file, c);
        if (child.id === idNumber(ID.Duration)) return file;
        if (child.id === idNumber(ID.TimecodeScale)) {
          scale = 0;
          for (let i = 0; i < child.size; i++) scale = scale * 256 + file[child.data + i]!;
        }
        c = child.data + child.size;
      }
      const duration = [...ID.Duration, ...size(8), ...float64((durationMs * 1e6) / (scale || 1_000_000))];
      const info = [...ID.Info, ...size(e.size + duration.length)];
      const infoEnd = e.data + e.size;
      const out = new Uint8Array(file.length - (infoEnd - at) + info.length + e.size + duration.length);
      let w = 0;
      const put = (bytes: ArrayLike<number>): void => {
        out.set(bytes, w);
        w += bytes.length;
      };
      put(file.subarray(0, at));
      put(info);
      put(file.subarray(e.data, infoEnd));
      put(duration);
      put(file.subarray(infoEnd));
      if (segment.size >= 0) {
        // A segment of known size grows by what was added: rewrite its size in the same number of bytes.
        const grown = segment.size + (out.length - file.length);
        const width = segment.data - (header.data + header.size) - segment.idLength;
        if (grown >= 2 ** (7 * width) - 1) return file;
        const s = header.data + header.size + segment.idLength;
        for (let i = width - 1, v = grown; i >= 0; i--, v = Math.floor(v / 256)) out[s + i] = v & 0xff;
        out[s]! |= 0x80 >> (width - 1);
      }
      return out;
    }
    return file;
  } catch {
    return file; // not a file this understands: leave it as the browser made it
  }
}
