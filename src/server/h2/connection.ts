// One HTTP/2 server connection (RFC 9113) over a socket: frames in,
// streams to the handler above (the gRPC layer), frames out with flow
// control. What a gRPC server needs and no more: no server push, no
// priorities, a header block decoded whole before its stream opens.
//
// Everything a turn of Node's loop sends leaves in one socket write, in a
// microtask after the code that produced it: a reply made inside a stretch
// of simulation is written only after that stretch's fdatasync (the
// runner's barrier runs before the stretch returns), and a unary reply's
// headers, message and trailers reach the client in one packet.
import type { Duplex } from 'node:stream';
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  ErrorCode,
  FRAME_HEADER_BYTES,
  Flag,
  FrameType,
  MAX_WINDOW,
  PREFACE,
  Setting,
  frame,
  settingsFrame,
  wordsFrame,
} from './frames.ts';
import { type HeaderField, HpackDecoder } from './hpack.ts';
import { H2Stream } from './stream.ts';

/** What we let a client have in flight per stream and per connection before it waits for our WINDOW_UPDATE. */
const RECV_WINDOW = 1 << 20;
/** Consumed bytes are credited back once this many have piled up. */
const CREDIT_AT = RECV_WINDOW / 4;
/** A header block (with its CONTINUATIONs) larger than this ends the connection. */
const MAX_HEADER_BLOCK = 1 << 20;

export interface ConnectionOptions {
  readonly maxConcurrentStreams: number;
  /** A stream opened by the client, with its request headers. */
  onStream(stream: H2Stream, headers: HeaderField[]): void;
}

export class H2Connection {
  readonly streams = new Map<number, H2Stream>();
  /** The client's SETTINGS. */
  peerMaxFrame = DEFAULT_MAX_FRAME;
  peerInitialWindow = DEFAULT_WINDOW;
  /** What we may still send on the connection as a whole. */
  sendWindow = DEFAULT_WINDOW;
  /** Streams with DATA waiting for window, in the order they blocked. */
  readonly blocked = new Set<H2Stream>();
  private readonly decoder = new HpackDecoder();
  private pending: Buffer | undefined;
  private prefaceSeen = false;
  private lastStreamId = 0;
  private recvUnacked = 0;
  /** A header block waiting for its CONTINUATION frames. */
  private headerBlock: { stream: number; endStream: boolean; parts: Buffer[]; size: number } | undefined;
  private out: Buffer[] = [];
  /** Whole unary answers: they go ahead of the rest of the write. */
  private answers: Buffer[] = [];
  /** Our SETTINGS, the first frame of the connection, have been written. */
  private prefaceSent = false;
  private outScheduled = false;
  private goingAway = false;
  private closed = false;
  private onDrained: (() => void) | undefined;

  constructor(
    private readonly sock: Duplex,
    private readonly opts: ConnectionOptions,
    seen?: Buffer,
  ) {
    this.send(
      settingsFrame([
        [Setting.MAX_CONCURRENT_STREAMS, opts.maxConcurrentStreams],
        [Setting.INITIAL_WINDOW_SIZE, RECV_WINDOW],
      ]),
    );
    this.send(wordsFrame(FrameType.WINDOW_UPDATE, 0, RECV_WINDOW - DEFAULT_WINDOW));
    sock.on('data', (chunk: Buffer) => this.received(chunk));
    sock.on('error', () => this.teardown());
    sock.on('close', () => this.teardown());
    sock.on('end', () => this.teardown());
    if (seen && seen.length > 0) this.received(seen);
  }

  /** Queues bytes for the socket; they leave together once the current code is done. */
  send(buf: Buffer): void {
    if (this.closed) return;
    this.out.push(buf);
    this.scheduleFlush();
  }

  /**
   * Queues a unary call's whole answer (its stream's every frame) ahead of
   * the other bytes of this write: a client that gets a put's answer and
   * the watch events it caused in one read handles the answer first, as
   * etcd's separate writes usually have it.
   */
  sendAnswer(buf: Buffer): void {
    if (this.closed) return;
    this.answers.push(buf);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.outScheduled) {
      this.outScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.outScheduled = false;
    const out = this.answers.length === 0 ? this.out : this.prefaceSent ? this.answers.concat(this.out) : this.out.concat(this.answers);
    this.prefaceSent = true;
    this.out = [];
    this.answers = [];
    if (this.closed || out.length === 0) return;
    this.sock.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (this.goingAway && this.streams.size === 0) this.sock.end();
  }

  /** Graceful close: no new streams; the socket ends once the open ones are done. */
  goAway(done?: () => void): void {
    if (this.closed) return done?.();
    this.onDrained = done;
    if (!this.goingAway) {
      this.goingAway = true;
      this.send(wordsFrame(FrameType.GOAWAY, 0, this.lastStreamId, ErrorCode.NO_ERROR));
    }
    this.maybeDrained();
  }

  destroy(): void {
    this.sock.destroy();
    this.teardown();
  }

  /** A stream is done on both sides (or reset): it leaves the table. */
  forget(s: H2Stream): void {
    this.streams.delete(s.id);
    this.blocked.delete(s);
    this.maybeDrained();
  }

  private maybeDrained(): void {
    if (!this.goingAway || this.streams.size > 0) return;
    if (!this.outScheduled && !this.closed) this.sock.end();
    const done = this.onDrained;
    this.onDrained = undefined;
    done?.();
  }

  /** A connection error: GOAWAY with the code, then the connection ends. */
  private fail(code: ErrorCode): void {
    if (this.closed) return;
    this.send(wordsFrame(FrameType.GOAWAY, 0, this.lastStreamId, code));
    this.flush();
    this.sock.end();
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = undefined;
    const open = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    for (const s of open) s.aborted();
    const done = this.onDrained;
    this.onDrained = undefined;
    done?.();
  }

  private received(chunk: Buffer): void {
    if (this.closed) return;
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (!this.prefaceSeen) {
      const n = Math.min(buf.length, PREFACE.length);
      if (!buf.subarray(0, n).equals(PREFACE.subarray(0, n))) return this.fail(ErrorCode.PROTOCOL_ERROR);
      if (buf.length < PREFACE.length) {
        this.pending = buf;
        return;
      }
      this.prefaceSeen = true;
      buf = buf.subarray(PREFACE.length);
    }
    let at = 0;
    while (!this.closed && buf.length - at >= FRAME_HEADER_BYTES) {
      const length = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
      // We never raise SETTINGS_MAX_FRAME_SIZE: a longer frame is an error, not something to buffer.
      if (length > DEFAULT_MAX_FRAME) return this.fail(ErrorCode.FRAME_SIZE_ERROR);
      if (buf.length - at < FRAME_HEADER_BYTES + length) break;
      const type = buf[at + 3]!;
      const flags = buf[at + 4]!;
      const stream = buf.readUInt32BE(at + 5) & 0x7fffffff;
      const payload = buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
      at += FRAME_HEADER_BYTES + length;
      this.frame(type, flags, stream, payload);
    }
    if (!this.closed && at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    if (this.recvUnacked >= CREDIT_AT) {
      this.send(wordsFrame(FrameType.WINDOW_UPDATE, 0, this.recvUnacked));
      this.recvUnacked = 0;
    }
  }

  private frame(type: number, flags: number, stream: number, payload: Buffer): void {
    // Nothing may come between a header block's frames.
    if (this.headerBlock && type !== FrameType.CONTINUATION) return this.fail(ErrorCode.PROTOCOL_ERROR);
    switch (type) {
      case FrameType.DATA:
        return this.data(flags, stream, payload);
      case FrameType.HEADERS:
        return this.headers(flags, stream, payload);
      case FrameType.CONTINUATION:
        return this.continuation(flags, stream, payload);
      case FrameType.RST_STREAM:
        if (stream === 0 || payload.length !== 4) return this.fail(ErrorCode.PROTOCOL_ERROR);
        return this.streams.get(stream)?.aborted();
      case FrameType.SETTINGS:
        return this.settings(flags, stream, payload);
      case FrameType.PING:
        if (stream !== 0 || payload.length !== 8) return this.fail(ErrorCode.PROTOCOL_ERROR);
        if (!(flags & Flag.ACK)) this.send(frame(FrameType.PING, Flag.ACK, 0, payload));
        return;
      case FrameType.GOAWAY:
        // The client opens no more streams; the ones it has run to their end.
        return;
      case FrameType.WINDOW_UPDATE:
        return this.windowUpdate(stream, payload);
      case FrameType.PUSH_PROMISE:
        return this.fail(ErrorCode.PROTOCOL_ERROR);
      default:
        // PRIORITY and unknown types carry nothing a gRPC server uses.
        return;
    }
  }

  /** The payload without its padding, or undefined when the padding is malformed. */
  private unpad(flags: number, payload: Buffer): Buffer | undefined {
    if (!(flags & Flag.PADDED)) return payload;
    if (payload.length < 1) return undefined;
    const pad = payload[0]!;
    if (pad >= payload.length) return undefined;
    return payload.subarray(1, payload.length - pad);
  }

  private data(flags: number, id: number, payload: Buffer): void {
    if (id === 0 || id > this.lastStreamId) return this.fail(ErrorCode.PROTOCOL_ERROR);
    // Flow control counts the whole frame, padding included.
    this.recvUnacked += payload.length;
    const body = this.unpad(flags, payload);
    if (body === undefined) return this.fail(ErrorCode.PROTOCOL_ERROR);
    const s = this.streams.get(id);
    if (!s || s.remoteClosed) {
      // A stream we already closed (reset, or answered in full): its late bytes are dropped.
      if (!s) return;
      return s.reset(ErrorCode.STREAM_CLOSED);
    }
    const end = (flags & Flag.END_STREAM) !== 0;
    if (!end) {
      s.recvUnacked += payload.length;
      if (s.recvUnacked >= CREDIT_AT) {
        this.send(wordsFrame(FrameType.WINDOW_UPDATE, id, s.recvUnacked));
        s.recvUnacked = 0;
      }
    }
    if (body.length > 0) s.received(body, end);
    if (end) s.remoteEnded();
  }

  private headers(flags: number, id: number, payload: Buffer): void {
    if (id === 0) return this.fail(ErrorCode.PROTOCOL_ERROR);
    let block = this.unpad(flags, payload);
    if (block === undefined) return this.fail(ErrorCode.PROTOCOL_ERROR);
    if (flags & Flag.PRIORITY) {
      if (block.length < 5) return this.fail(ErrorCode.PROTOCOL_ERROR);
      block = block.subarray(5);
    }
    this.headerBlock = { stream: id, endStream: (flags & Flag.END_STREAM) !== 0, parts: [block], size: block.length };
    if (flags & Flag.END_HEADERS) this.headerBlockDone();
  }

  private continuation(flags: number, id: number, payload: Buffer): void {
    const hb = this.headerBlock;
    if (!hb || hb.stream !== id) return this.fail(ErrorCode.PROTOCOL_ERROR);
    hb.parts.push(payload);
    hb.size += payload.length;
    if (hb.size > MAX_HEADER_BLOCK) return this.fail(ErrorCode.PROTOCOL_ERROR);
    if (flags & Flag.END_HEADERS) this.headerBlockDone();
  }

  private headerBlockDone(): void {
    const hb = this.headerBlock!;
    this.headerBlock = undefined;
    let fields: HeaderField[];
    try {
      // Every block is decoded, even one for a stream we refuse: the decoder's table must follow the client's.
      fields = this.decoder.decode(hb.parts.length === 1 ? hb.parts[0]! : Buffer.concat(hb.parts));
    } catch {
      return this.fail(ErrorCode.COMPRESSION_ERROR);
    }
    const id = hb.stream;
    const known = this.streams.get(id);
    if (known) {
      // Trailers from the client: gRPC sends none, but they end its side like END_STREAM.
      if (!hb.endStream) return this.fail(ErrorCode.PROTOCOL_ERROR);
      return known.remoteEnded();
    }
    if (id % 2 === 0 || id <= this.lastStreamId) return this.fail(ErrorCode.PROTOCOL_ERROR);
    this.lastStreamId = id;
    const s = new H2Stream(this, id, this.peerInitialWindow);
    if (this.goingAway || this.streams.size >= this.opts.maxConcurrentStreams) return s.reset(ErrorCode.REFUSED_STREAM);
    this.streams.set(id, s);
    this.opts.onStream(s, fields);
    if (hb.endStream && !s.remoteClosed) s.remoteEnded();
  }

  private settings(flags: number, stream: number, payload: Buffer): void {
    if (stream !== 0) return this.fail(ErrorCode.PROTOCOL_ERROR);
    if (flags & Flag.ACK) return;
    if (payload.length % 6 !== 0) return this.fail(ErrorCode.FRAME_SIZE_ERROR);
    for (let i = 0; i < payload.length; i += 6) {
      const id = payload.readUInt16BE(i);
      const v = payload.readUInt32BE(i + 2);
      if (id === Setting.INITIAL_WINDOW_SIZE) {
        if (v > MAX_WINDOW) return this.fail(ErrorCode.FLOW_CONTROL_ERROR);
        const delta = v - this.peerInitialWindow;
        this.peerInitialWindow = v;
        for (const s of this.streams.values()) s.sendWindow += delta;
      } else if (id === Setting.MAX_FRAME_SIZE) {
        if (v < DEFAULT_MAX_FRAME || v > 16_777_215) return this.fail(ErrorCode.PROTOCOL_ERROR);
        this.peerMaxFrame = v;
      }
      // HEADER_TABLE_SIZE needs nothing: our encoder never indexes.
    }
    this.send(frame(FrameType.SETTINGS, Flag.ACK, 0));
    this.unblock();
  }

  private windowUpdate(stream: number, payload: Buffer): void {
    if (payload.length !== 4) return this.fail(ErrorCode.FRAME_SIZE_ERROR);
    const inc = payload.readUInt32BE(0) & 0x7fffffff;
    if (stream === 0) {
      if (inc === 0 || this.sendWindow + inc > MAX_WINDOW) return this.fail(ErrorCode.FLOW_CONTROL_ERROR);
      this.sendWindow += inc;
      return this.unblock();
    }
    const s = this.streams.get(stream);
    if (!s) return;
    if (inc === 0 || s.sendWindow + inc > MAX_WINDOW) return s.reset(ErrorCode.FLOW_CONTROL_ERROR);
    s.sendWindow += inc;
    s.drain();
  }

  /** Window opened: blocked streams send what now fits, oldest first. */
  private unblock(): void {
    for (const s of [...this.blocked]) {
      if (this.sendWindow <= 0) return;
      s.drain();
    }
  }
}
