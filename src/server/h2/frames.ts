// HTTP/2's wire vocabulary (RFC 9113): frame types, flags, settings and
// error codes, and the 9-byte frame header.

/** The client connection preface. */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
export const FRAME_HEADER_BYTES = 9;

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;
export type Flag = (typeof Flag)[keyof typeof Flag];

export const Setting = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every peer starts with these until its SETTINGS say otherwise. */
export const DEFAULT_WINDOW = 65_535;
export const DEFAULT_MAX_FRAME = 16_384;
export const MAX_WINDOW = 2 ** 31 - 1;

/** Writes a frame header at buf[at..at+9). */
export function putFrameHeader(buf: Buffer, at: number, length: number, type: FrameType, flags: number, stream: number): void {
  buf[at] = (length >>> 16) & 0xff;
  buf[at + 1] = (length >>> 8) & 0xff;
  buf[at + 2] = length & 0xff;
  buf[at + 3] = type;
  buf[at + 4] = flags;
  buf.writeUInt32BE(stream >>> 0, at + 5);
}

/** One whole frame, its payload given in parts. */
export function frame(type: FrameType, flags: number, stream: number, ...payload: Buffer[]): Buffer {
  let n = 0;
  for (const p of payload) n += p.length;
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + n);
  putFrameHeader(out, 0, n, type, flags, stream);
  let at = FRAME_HEADER_BYTES;
  for (const p of payload) at += p.copy(out, at);
  return out;
}

/** A frame whose payload is 32-bit words (WINDOW_UPDATE, RST_STREAM, GOAWAY). */
export function wordsFrame(type: FrameType, stream: number, ...words: number[]): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 4 * words.length);
  putFrameHeader(out, 0, 4 * words.length, type, 0, stream);
  words.forEach((w, i) => out.writeUInt32BE(w >>> 0, FRAME_HEADER_BYTES + 4 * i));
  return out;
}

/** A SETTINGS frame from (id, value) pairs. */
export function settingsFrame(pairs: [Setting, number][]): Buffer {
  const payload = Buffer.allocUnsafe(6 * pairs.length);
  pairs.forEach(([id, v], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(v >>> 0, 6 * i + 2);
  });
  return frame(FrameType.SETTINGS, 0, 0, payload);
}
