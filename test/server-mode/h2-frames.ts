// A raw HTTP/2 client for the HTTP/2 server's tests: frames by hand, and
// what the server answered, frame by frame.
import type { Socket } from 'node:net';
import { HpackDecoder, encodeHeaders } from '../../src/server/h2/hpack.ts';

/** The client connection preface. */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** One frame: 9-byte header (length, type, flags, stream) and payload. */
export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
  /** Which socket read it came in. */
  read: number;
}

export class RawClient {
  readonly frames: Frame[] = [];
  readonly decoder = new HpackDecoder();
  closed = false;
  private buf = Buffer.alloc(0);
  private reads = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.reads++;
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 9) {
        const len = this.buf.readUIntBE(0, 3);
        if (this.buf.length < 9 + len) break;
        this.frames.push({ type: this.buf[3]!, flags: this.buf[4]!, stream: this.buf.readUInt32BE(5), payload: this.buf.subarray(9, 9 + len), read: this.reads });
        this.buf = this.buf.subarray(9 + len);
      }
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until pred holds for the frames so far (or fails after a while). */
  async until(pred: (fs: Frame[]) => boolean, what: string): Promise<void> {
    const end = Date.now() + 3000;
    while (!pred(this.frames)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.map((f) => [f.type, f.flags, f.stream]))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  send(...bufs: Buffer[]): void {
    this.sock.write(Buffer.concat(bufs));
  }

  of(stream: number, type?: number): Frame[] {
    return this.frames.filter((f) => f.stream === stream && (type === undefined || f.type === type));
  }

  headersOf(f: Frame): Record<string, string> {
    return Object.fromEntries(this.decoder.decode(f.payload));
  }
}

export const settings = (pairs: [number, number][] = []): Buffer => {
  const p = Buffer.alloc(6 * pairs.length);
  pairs.forEach(([id, v], i) => {
    p.writeUInt16BE(id, 6 * i);
    p.writeUInt32BE(v, 6 * i + 2);
  });
  return frame(4, 0, 0, p);
};
export const windowUpdate = (stream: number, inc: number): Buffer => {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(inc);
  return frame(8, 0, stream, p);
};
export const requestHeaders = (path: string, extra: [string, string][] = []): Buffer =>
  encodeHeaders([[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers'], ...extra]);
export const message = (body: Buffer, compressed = 0): Buffer => {
  const p = Buffer.alloc(5);
  p[0] = compressed;
  p.writeUInt32BE(body.length, 1);
  return Buffer.concat([p, body]);
};
/** A whole unary request on stream id: HEADERS, then DATA with END_STREAM. */
export const unaryRequest = (id: number, path: string, body: Buffer): Buffer => Buffer.concat([frame(1, 4, id, requestHeaders(path)), frame(0, 1, id, message(body))]);
