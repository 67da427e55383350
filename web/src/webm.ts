/**
 * A small WebM (Matroska) writer for one video track of VP8 or VP9 frames, as WebCodecs' VideoEncoder
 * produces them: EBML header, segment info with the duration, one track, and clusters of SimpleBlocks
 * (a new cluster at each key frame, and before block times would overflow 16 bits). The whole file is
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
  Video: [0xe0],
  PixelWidth: [0xb0],
  PixelHeight: [0xba],
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

/** Assembles a WebM file from encoded chunks in presentation order. */
export function muxWebm(track: WebmTrack, chunks: readonly WebmChunk[]): Blob {
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
  );
  const clusters: Part[] = [];
  let cluster: Part[] = [];
  let clusterMs = 0;
  const close = (): void => {
    if (cluster.length) clusters.push(...element(ID.Cluster, ...element(ID.Timecode, uint(clusterMs)), ...cluster));
    cluster = [];
  };
  for (const c of chunks) {
    const ms = Math.round(c.timestampUs / 1000);
    if (cluster.length === 0 || c.key || ms - clusterMs > 32000) {
      close();
      clusterMs = ms;
    }
    const rel = ms - clusterMs;
    const block = [0x81, (rel >> 8) & 0xff, rel & 0xff, c.key ? 0x80 : 0x00];
    cluster.push(...element(ID.SimpleBlock, block, c.data));
  }
  close();
  const segment = element(ID.Segment, ...info, ...tracks, ...clusters);
  return new Blob(
    [...header, ...segment].map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p))),
    { type: 'video/webm' },
  );
}
