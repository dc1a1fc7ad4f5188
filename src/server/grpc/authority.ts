// Lets Node's HTTP/2 server take requests whose :authority is a URL.
//
// etcdctl 3.4 dials one endpoint at a time for endpoint status/hashkv,
// defrag and move-leader, and when the endpoint was given with its scheme
// (--endpoints=http://127.0.0.1:2379, as most people write it) grpc-go
// sends ":authority: http://127.0.0.1:2379". Go's server lets that pass;
// nghttp2, under Node's http2, resets the stream (PROTOCOL_ERROR), which
// etcdctl reports as "stream terminated by RST_STREAM". So a connection
// whose first request has such an :authority (h2-gate.ts decides), and
// every TLS one, goes through this wrapper on its way to gRPC: it parses the
// client's frames, decodes every header block (HPACK), strips a scheme
// from :authority, and re-encodes the block in a table-free form (see
// hpack.ts); blocks before the first that needs a change pass as they
// came. Every other frame, and everything the server sends, passes
// through untouched.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { type HeaderField, HpackDecoder, encodeHeaders } from './hpack.ts';

const PREFACE_LEN = 24;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const SETTINGS = 0x4;
const ACK = 0x1;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** SETTINGS_MAX_FRAME_SIZE's default, which Node's server keeps. */
const MAX_FRAME = 16384;

/** "http://host:port/..." -> "host:port"; anything else as it was. */
export function cleanAuthority(v: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)/i.exec(v);
  return m ? m[1]! : v;
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
}

/** The client-to-server half: bytes in, rewritten bytes out. */
export class AuthorityRewriter {
  private buf: Buffer = Buffer.alloc(0);
  private prefaceLeft = PREFACE_LEN;
  /** Set once the stream stopped parsing as frames: everything else goes through untouched. */
  private passthrough = false;
  private readonly hpack = new HpackDecoder();
  /**
   * Set at the first block that needed a change: from then on every block is
   * re-encoded, since the server's HPACK table no longer follows the client's.
   * Until then blocks pass as they came (the common case: nothing to fix).
   */
  private rewriting = false;
  /** A header block waiting for its CONTINUATION frames. */
  private pending: { stream: number; flags: number; priority?: Buffer; parts: Buffer[]; frames: Buffer[] } | undefined;

  /**
   * @param dropSettingsAck the first SETTINGS ACK the client sends answers
   *   the gate's preface (h2-gate.ts), not the server's: it is left out.
   */
  constructor(private dropSettingsAck = false) {}

  feed(chunk: Buffer): Buffer[] {
    if (this.passthrough) return [chunk];
    const out: Buffer[] = [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, this.buf.length);
      out.push(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      this.prefaceLeft -= n;
    }
    while (this.buf.length >= 9) {
      const len = this.buf.readUIntBE(0, 3);
      if (len > MAX_FRAME) {
        // Not a frame the server accepts (or not HTTP/2 at all): hand the bytes over
        // as they are, for the server to refuse, rather than buffer up to 16 MB for it.
        this.passthrough = true;
        out.push(this.buf);
        this.buf = Buffer.alloc(0);
        break;
      }
      if (this.buf.length < 9 + len) break;
      const type = this.buf[3]!;
      const flags = this.buf[4]!;
      const stream = this.buf.readUInt32BE(5) & 0x7fffffff;
      const whole = this.buf.subarray(0, 9 + len);
      this.buf = this.buf.subarray(9 + len);
      if (type === SETTINGS && flags & ACK && this.dropSettingsAck) this.dropSettingsAck = false;
      else if (type === HEADERS) this.headers(flags, stream, whole, out);
      else if (type === CONTINUATION && this.pending?.stream === stream) this.continuation(flags, whole, out);
      else out.push(whole);
    }
    return out;
  }

  private headers(flags: number, stream: number, whole: Buffer, out: Buffer[]): void {
    const p = whole.subarray(9);
    let start = 0;
    let end = p.length;
    if (flags & PADDED) {
      end -= p[0]!;
      start = 1;
    }
    let priority: Buffer | undefined;
    if (flags & PRIORITY) {
      priority = Buffer.from(p.subarray(start, start + 5));
      start += 5;
    }
    this.pending = { stream, flags, priority, parts: [p.subarray(start, end)], frames: [whole] };
    if (flags & END_HEADERS) this.finish(out);
  }

  private continuation(flags: number, whole: Buffer, out: Buffer[]): void {
    this.pending!.parts.push(whole.subarray(9));
    this.pending!.frames.push(whole);
    if (flags & END_HEADERS) this.finish(out);
  }

  /** Decodes the whole block, fixes :authority, and sends it as HEADERS (+ CONTINUATION). */
  private finish(out: Buffer[]): void {
    const { stream, flags, priority, parts, frames } = this.pending!;
    this.pending = undefined;
    const fields: HeaderField[] = [];
    let changed = false;
    for (const [n, v] of this.hpack.decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts))) {
      if (n.toString('latin1') !== ':authority') {
        fields.push([n, v]);
        continue;
      }
      const was = v.toString('latin1');
      const clean = cleanAuthority(was);
      changed ||= clean !== was;
      fields.push([n, clean === was ? v : Buffer.from(clean, 'latin1')]);
    }
    if (!changed && !this.rewriting) {
      out.push(...frames);
      return;
    }
    this.rewriting = true;
    let block = encodeHeaders(fields);
    const head = priority ?? Buffer.alloc(0);
    const room = MAX_FRAME - head.length;
    const firstPart = block.subarray(0, room);
    block = block.subarray(firstPart.length);
    const baseFlags = (flags & END_STREAM) | (priority ? PRIORITY : 0);
    out.push(frame(HEADERS, baseFlags | (block.length === 0 ? END_HEADERS : 0), stream, Buffer.concat([head, firstPart])));
    while (block.length > 0) {
      const part = block.subarray(0, MAX_FRAME);
      block = block.subarray(part.length);
      out.push(frame(CONTINUATION, block.length === 0 ? END_HEADERS : 0, stream, part));
    }
  }
}

/**
 * A client connection as the HTTP/2 server sees it: reads come rewritten
 * from the socket, writes go to the socket as they are.
 */
export class AuthorityFixingSocket extends Duplex {
  private readonly rw: AuthorityRewriter;

  /** dropSettingsAck: see AuthorityRewriter. */
  constructor(
    private readonly socket: Socket,
    dropSettingsAck = false,
  ) {
    super();
    this.rw = new AuthorityRewriter(dropSettingsAck);
    socket.on('data', (chunk: Buffer) => {
      let parts: Buffer[];
      try {
        parts = this.rw.feed(chunk);
      } catch (e) {
        // A block we cannot decode: the connection cannot go on consistently.
        this.destroy(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      for (const p of parts) if (!this.push(p)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (e) => this.destroy(e));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  /**
   * The frames the HTTP/2 session hands over at once (a response's HEADERS
   * and DATA) leave in one write: one syscall and one segment rather than
   * one per frame, each waking the client.
   */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.socket.write(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}
