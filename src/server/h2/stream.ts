// One HTTP/2 stream of a server connection: the request's DATA goes up to
// its handler, the response goes out as HEADERS, DATA within the flow
// control windows (the rest waits for WINDOW_UPDATE), and trailing HEADERS
// that end it.
import { ErrorCode, FRAME_HEADER_BYTES, Flag, FrameType, frame, putFrameHeader, wordsFrame } from './frames.ts';
import type { H2Connection } from './connection.ts';

/** What the layer above hears from a stream. */
export interface StreamListener {
  /** Request bytes (a DATA frame's payload). */
  onData(chunk: Buffer): void;
  /** The client finished its side. */
  onEnd(): void;
  /** The client reset the stream, or the connection went away: nothing more will be sent. */
  onAbort(): void;
}

export class H2Stream {
  listener: StreamListener | undefined;
  remoteClosed = false;
  localClosed = false;
  recvUnacked = 0;
  /** The DATA being delivered carries END_STREAM: the client is done, even before remoteEnded runs. */
  private remoteEnding = false;
  private headersSent = false;
  /** DATA payload waiting for window, and the trailers that follow it. */
  private queued: Buffer[] = [];
  private trailers: Buffer | undefined;

  constructor(
    private readonly conn: H2Connection,
    readonly id: number,
    public sendWindow: number,
  ) {}

  received(chunk: Buffer, last: boolean): void {
    if (last) this.remoteEnding = true;
    this.listener?.onData(chunk);
  }

  remoteEnded(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.listener?.onEnd();
    if (this.localClosed) this.conn.forget(this);
  }

  /** Reset by the client or lost with the connection. */
  aborted(): void {
    if (this.localClosed && this.remoteClosed) return;
    this.localClosed = true;
    this.remoteClosed = true;
    this.queued = [];
    this.conn.forget(this);
    this.listener?.onAbort();
  }

  /** We reset the stream (RST_STREAM with code). */
  reset(code: ErrorCode): void {
    const wasOpen = !this.localClosed;
    this.localClosed = true;
    this.remoteClosed = true;
    this.queued = [];
    this.conn.send(wordsFrame(FrameType.RST_STREAM, this.id, code));
    this.conn.forget(this);
    if (wasOpen) this.listener?.onAbort();
  }

  /** The response headers (once). */
  headers(block: Buffer): void {
    if (this.localClosed || this.headersSent) return;
    this.headersSent = true;
    this.conn.send(frame(FrameType.HEADERS, Flag.END_HEADERS, this.id, block));
  }

  /** Headers that also end the stream (a response with no body: gRPC's trailers-only). */
  headersOnly(block: Buffer): void {
    if (this.localClosed) return;
    this.headersSent = true;
    this.conn.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, this.id, block));
    this.closeLocal();
  }

  /** Response bytes, from parts; sent as far as the windows allow, the rest queued in order. */
  data(parts: readonly Buffer[], length: number): void {
    if (this.localClosed || this.trailers) return;
    if (this.queued.length === 0 && length <= this.room()) {
      this.take(length);
      this.conn.send(frame(FrameType.DATA, 0, this.id, ...parts));
      return;
    }
    for (const p of parts) if (p.length > 0) this.queued.push(p);
    this.drain();
  }

  /** Trailers that end the stream, after any queued DATA. */
  end(block: Buffer): void {
    if (this.localClosed || this.trailers) return;
    this.trailers = block;
    if (this.queued.length === 0) this.finish();
  }

  /**
   * A whole unary answer: headers, body and trailers as one buffer when the
   * body fits the windows in one frame (the usual case), else piece by piece.
   */
  respond(headerBlock: Buffer, body: readonly Buffer[], bodyLength: number, trailerBlock: Buffer): void {
    if (this.localClosed) return;
    if (this.headersSent || this.queued.length > 0 || bodyLength > this.room()) {
      this.headers(headerBlock);
      this.data(body, bodyLength);
      return this.end(trailerBlock);
    }
    this.headersSent = true;
    this.take(bodyLength);
    const total = 3 * FRAME_HEADER_BYTES + headerBlock.length + bodyLength + trailerBlock.length;
    const out = Buffer.allocUnsafe(total);
    putFrameHeader(out, 0, headerBlock.length, FrameType.HEADERS, Flag.END_HEADERS, this.id);
    let at = FRAME_HEADER_BYTES + headerBlock.copy(out, FRAME_HEADER_BYTES);
    putFrameHeader(out, at, bodyLength, FrameType.DATA, 0, this.id);
    at += FRAME_HEADER_BYTES;
    for (const p of body) at += p.copy(out, at);
    putFrameHeader(out, at, trailerBlock.length, FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, this.id);
    trailerBlock.copy(out, at + FRAME_HEADER_BYTES);
    this.conn.sendAnswer(out);
    this.closeLocal();
  }

  /** Sends queued DATA while the windows allow, then the trailers if they wait. */
  drain(): void {
    while (this.queued.length > 0 && !this.localClosed) {
      const room = this.room();
      if (room <= 0) {
        this.conn.blocked.add(this);
        return;
      }
      const head = this.queued[0]!;
      const n = Math.min(room, head.length);
      const piece = n === head.length ? head : head.subarray(0, n);
      if (n === head.length) this.queued.shift();
      else this.queued[0] = head.subarray(n);
      this.take(n);
      this.conn.send(frame(FrameType.DATA, 0, this.id, piece));
    }
    this.conn.blocked.delete(this);
    if (this.queued.length === 0 && this.trailers && !this.localClosed) this.finish();
  }

  /** Bytes one DATA frame may carry now. */
  private room(): number {
    return Math.min(this.sendWindow, this.conn.sendWindow, this.conn.peerMaxFrame);
  }

  private take(n: number): void {
    this.sendWindow -= n;
    this.conn.sendWindow -= n;
  }

  private finish(): void {
    const block = this.trailers!;
    this.trailers = undefined;
    this.conn.send(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, this.id, block));
    this.closeLocal();
  }

  private closeLocal(): void {
    this.localClosed = true;
    // A client still sending (a stream the server ended first) is told to stop, as grpc-go does.
    if (!this.remoteClosed && !this.remoteEnding) {
      this.remoteClosed = true;
      this.conn.send(wordsFrame(FrameType.RST_STREAM, this.id, ErrorCode.NO_ERROR));
    }
    this.conn.forget(this);
  }
}
