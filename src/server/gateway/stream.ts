// A gateway stream as the gRPC stream handlers see a call (grpc/server-call.ts): requests
// arrive as 'data', answers are written with write(), end() finishes, and an
// 'error' carrying a status ends it with that error. Each answer goes to the
// HTTP response as one {"result": ...} line, an error as grpc-gateway's
// {"error": {...}} line; the client going away cancels the call.
import { EventEmitter } from 'node:events';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { CallMetadata, CallStatus, StreamCall } from '../grpc/server-call.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import { messageOut } from './jsonpb.ts';
import { HTTP_STATUS_OF_CODE } from './routes.ts';
import { etcdSchema } from './schema.ts';
import { CORS_HEADERS, writeError } from './reply.ts';

export interface StreamOptions {
  /**
   * End once every request sent before the body ended is answered (the
   * keep-alive loop returns at the client's half-close). A watch stream
   * instead stays open after the body ends, as etcd's does.
   */
  readonly endAfterReplies: boolean;
}

export class GatewayStream extends EventEmitter implements StreamCall {
  /** The request of a server stream (Snapshot). */
  request: Wire = {};
  destroyed = false;
  writableEnded = false;
  cancelled = false;
  private got = 0;
  private sent = 0;
  private halfClosed = false;
  private endSignalled = false;

  constructor(
    private readonly res: ServerResponse,
    readonly metadata: CallMetadata,
    private readonly responseType: string,
    private readonly opts: StreamOptions,
  ) {
    super();
    this.on('error', (err: CallStatus) => this.fail(err.code, err.details, false));
    res.on('close', () => {
      if (this.writableEnded) return;
      this.writableEnded = true;
      this.cancelled = true;
      this.destroyed = true;
      this.emit('cancelled');
      this.emit('close');
    });
  }

  getDeadline(): number {
    return Infinity;
  }

  getPeer(): string {
    return this.res.socket?.remoteAddress ?? '';
  }

  /** One request from the body. */
  received(w: Wire): void {
    if (this.writableEnded) return;
    this.got++;
    this.emit('data', w);
  }

  /** The body ended. */
  halfClose(): void {
    this.halfClosed = true;
    this.maybeEnd();
  }

  write(msg: Wire): boolean {
    if (this.writableEnded) return false;
    this.head(200);
    this.res.write(JSON.stringify({ result: messageOut(etcdSchema(), this.responseType, msg) }) + '\n');
    this.sent++;
    this.maybeEnd();
    return true;
  }

  end(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    this.head(200);
    this.res.end();
  }

  /**
   * Ends the stream with an error: in grpc-gateway's stream form, or
   * (plain, for a body it could not decode) as a unary call's error.
   */
  fail(code: number, message: string, plain: boolean): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    if (plain && !this.res.headersSent) return writeError(this.res, code, message);
    const httpCode = HTTP_STATUS_OF_CODE[code] ?? 500;
    this.head(httpCode);
    this.res.end(JSON.stringify({ error: { grpc_code: code, http_code: httpCode, message, http_status: STATUS_CODES[httpCode] } }) + '\n');
    // The handler's own clean-up listens for the end of the call.
    this.emit('close');
  }

  private head(status: number): void {
    if (this.res.headersSent) return;
    const headers: Record<string, string> = { ...CORS_HEADERS, 'Content-Type': 'application/json' };
    if (status === 200) headers['Grpc-Metadata-Content-Type'] = 'application/grpc';
    this.res.writeHead(status, headers);
  }

  private maybeEnd(): void {
    if (!this.opts.endAfterReplies || !this.halfClosed || this.sent < this.got || this.endSignalled) return;
    this.endSignalled = true;
    setImmediate(() => this.emit('end'));
  }
}
