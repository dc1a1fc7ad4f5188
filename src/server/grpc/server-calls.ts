// One gRPC call on an HTTP/2 stream, as the gRPC server (server.ts) runs
// it: the request messages cut from the stream's bytes and decoded with the
// method's definition (load.ts: checked the way etcd's Go code decodes, a
// refused one arriving as a MalformedRequest), handed to the handler, and
// its answers framed back with the status in the trailers.
import { EventEmitter } from 'node:events';
import type { MethodDefinition } from '@grpc/grpc-js';
import { encodeHeaders, type HeaderField } from '../h2/hpack.ts';
import type { H2Stream, StreamListener } from '../h2/stream.ts';
import type { Wire } from './codec-kv.ts';
import { type CallMetadata, type CallStatus, Code, type StreamCall, type StreamHandler, type UnaryCall, type UnaryHandler } from './server-call.ts';
import { MalformedRequest, tooLargeRequest } from './wire-check.ts';

export interface Route {
  readonly def: MethodDefinition<object, object>;
  readonly unary: UnaryHandler | undefined;
  readonly stream: StreamHandler | undefined;
  readonly requestStream: boolean;
}

export interface CallOptions {
  readonly maxRecvBytes: number;
  /** The request's grpc-encoding ("identity" without one). */
  readonly encoding: string;
}

/** A status as gRPC's trailers; `alone`: the whole answer (trailers-only), so with the response headers too. */
export function statusBlock(st: CallStatus, alone: boolean): Buffer {
  const fields: HeaderField[] = alone ? [[':status', '200'], ['content-type', 'application/grpc']] : [];
  fields.push(['grpc-status', String(st.code)]);
  if (st.details) fields.push(['grpc-message', percentEncode(st.details)]);
  return encodeHeaders(fields);
}

/** gRPC's grpc-message encoding: UTF-8, with bytes outside printable ASCII and '%' as %XX. */
function percentEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

const RESPONSE_HEADERS = encodeHeaders([
  [':status', '200'],
  ['content-type', 'application/grpc'],
]);
const OK_TRAILERS = statusBlock({ code: Code.OK, details: '' }, false);
const OK_ALONE = statusBlock({ code: Code.OK, details: '' }, true);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Cuts length-prefixed messages out of a stream's bytes. A message longer
 * than the limit is reported by its length and its bytes dropped as they
 * come, never buffered.
 */
class Deframer {
  private parts: Buffer[] = [];
  private have = 0;
  /** Bytes of a refused message still to drop. */
  private skip = 0;

  constructor(
    private readonly max: number,
    private readonly onMessage: (compressed: boolean, bytes: Buffer) => void,
    private readonly onTooLarge: (length: number) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.have += chunk.length;
    while (this.have >= 5) {
      const head = this.parts[0]!.length >= 5 ? this.parts[0]! : this.joined();
      const length = head.readUInt32BE(1);
      if (length > this.max) {
        const rest = this.have - 5;
        this.onTooLarge(length);
        this.drop(5 + Math.min(length, rest));
        this.skip = length - Math.min(length, rest);
        continue;
      }
      if (this.have < 5 + length) return;
      const all = this.joined();
      // A copy of exactly the message: the decoded request may keep views of it, never of a whole socket read.
      const bytes = Buffer.from(all.subarray(5, 5 + length));
      this.drop(5 + length);
      this.onMessage(all[0] !== 0, bytes);
    }
  }

  private joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0]!;
  }

  private drop(n: number): void {
    const all = this.joined();
    this.have -= n;
    this.parts = this.have > 0 ? [all.subarray(n)] : [];
  }
}

/** A request the call refuses before any handler sees it. */
class Refused {
  constructor(readonly status: CallStatus) {}
}

/** The request, decoded (a MalformedRequest for bytes etcd would not unmarshal), or Refused. */
function decodeRequest(route: Route, opts: CallOptions, compressed: boolean, bytes: Buffer): Wire | Refused {
  if (compressed) {
    return new Refused(
      opts.encoding === 'identity'
        ? { code: Code.INTERNAL, details: 'grpc: compressed flag set with identity or empty encoding' }
        : { code: Code.UNIMPLEMENTED, details: `grpc: Decompressor is not installed for grpc-encoding "${opts.encoding}"` },
    );
  }
  try {
    return route.def.requestDeserialize(bytes) as Wire;
  } catch (e) {
    return new MalformedRequest(message(e));
  }
}

/** Reads a call's requests from its stream's bytes: each decoded, refused, or (past the limit) stood in for. */
function requestReader(route: Route, opts: CallOptions, deliver: (req: Wire | Refused) => void): Deframer {
  return new Deframer(
    opts.maxRecvBytes,
    (compressed, bytes) => deliver(decodeRequest(route, opts, compressed, bytes)),
    (n) => deliver(tooLargeRequest(n, opts.maxRecvBytes)),
  );
}

function serialize(route: Route, msg: Wire): Buffer[] {
  const body = route.def.responseSerialize(msg);
  const prefix = Buffer.allocUnsafe(5);
  prefix[0] = 0;
  prefix.writeUInt32BE(body.length, 1);
  return [prefix, body];
}

/** A unary call: one request, one answer or status. */
export class GrpcUnaryCall implements UnaryCall, StreamListener {
  request: Wire = {};
  private started = false;
  private done = false;
  private readonly frames: Deframer;

  constructor(
    private readonly stream: H2Stream,
    private readonly route: Route,
    readonly metadata: CallMetadata,
    private readonly deadline: number,
    opts: CallOptions,
  ) {
    this.frames = requestReader(route, opts, (req) => this.start(req));
  }

  getDeadline(): number {
    return this.deadline;
  }

  onData(chunk: Buffer): void {
    if (!this.started && !this.done) this.frames.push(chunk);
  }

  onEnd(): void {
    // A call that ends without its request gets no answer, as from etcd 3.4
    // (grpc-go's handler returns at the EOF without a status): its client's deadline or reset ends it.
  }

  onAbort(): void {
    this.done = true;
  }

  private start(req: Wire | Refused): void {
    if (this.started || this.done) return;
    this.started = true;
    if (req instanceof Refused) return this.answer(req.status);
    this.request = req;
    try {
      this.route.unary!(this, (err, value) => this.answer(err, value));
    } catch (e) {
      this.answer({ code: Code.UNKNOWN, details: message(e) });
    }
  }

  private answer(err: CallStatus | null, value?: Wire): void {
    if (this.done) return;
    this.done = true;
    if (err) return this.stream.headersOnly(statusBlock(err, true));
    let body: Buffer[];
    try {
      body = serialize(this.route, value ?? {});
    } catch (e) {
      return this.stream.headersOnly(statusBlock({ code: Code.INTERNAL, details: `grpc: error while marshaling: ${message(e)}` }, true));
    }
    this.stream.respond(RESPONSE_HEADERS, body, body[0]!.length + body[1]!.length, OK_TRAILERS);
  }
}

/** A streaming call (Watch, LeaseKeepAlive, Snapshot) as the handlers' event emitter. */
export class GrpcStreamCall extends EventEmitter implements StreamCall, StreamListener {
  request: Wire = {};
  destroyed = false;
  writableEnded = false;
  cancelled = false;
  private started = false;
  private headersSent = false;
  private readonly frames: Deframer;

  constructor(
    private readonly stream: H2Stream,
    private readonly route: Route,
    readonly metadata: CallMetadata,
    opts: CallOptions,
  ) {
    super();
    // A handler ends the call with an error by emitting it, as on a grpc-js call.
    this.on('error', (st: CallStatus) => this.fail(st));
    this.frames = requestReader(route, opts, (req) => this.deliver(req));
    // A client stream's handler starts at once; a server stream's once its one request is in.
    if (route.requestStream) this.start();
  }

  onData(chunk: Buffer): void {
    if (!this.writableEnded) this.frames.push(chunk);
  }

  onEnd(): void {
    if (this.writableEnded) return;
    // A server stream's client that sends no request gets no answer, as from etcd 3.4 (see GrpcUnaryCall.onEnd).
    if (!this.route.requestStream) return;
    this.safely(() => this.emit('end'));
  }

  onAbort(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cancelled = true;
    this.writableEnded = true;
    this.safely(() => {
      this.emit('cancelled');
      this.emit('close');
    });
  }

  write(msg: Wire): boolean {
    if (this.writableEnded) return false;
    let body: Buffer[];
    try {
      body = serialize(this.route, msg);
    } catch (e) {
      this.fail({ code: Code.INTERNAL, details: `grpc: error while marshaling: ${message(e)}` });
      return false;
    }
    this.headersSent = true;
    this.stream.headers(RESPONSE_HEADERS);
    this.stream.data(body, body[0]!.length + body[1]!.length);
    return true;
  }

  end(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    if (this.headersSent) this.stream.end(OK_TRAILERS);
    else this.stream.headersOnly(OK_ALONE);
    this.safely(() => this.emit('close'));
  }

  private fail(st: CallStatus): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    if (this.headersSent) this.stream.end(statusBlock(st, false));
    else this.stream.headersOnly(statusBlock(st, true));
    // The handler's own clean-up listens for the end of the call.
    this.safely(() => this.emit('close'));
  }

  private deliver(req: Wire | Refused): void {
    if (req instanceof Refused) return this.fail(req.status);
    if (this.route.requestStream) return this.safely(() => this.emit('data', req));
    if (this.started) return;
    this.request = req;
    this.start();
  }

  private start(): void {
    this.started = true;
    this.safely(() => this.route.stream!(this));
  }

  /** A handler that throws ends its call, never the connection. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail({ code: Code.UNKNOWN, details: message(e) });
    }
  }
}
