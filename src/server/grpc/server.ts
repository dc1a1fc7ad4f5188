// The gRPC server of one member's client port: gRPC over our own HTTP/2
// (../h2), routing each stream by its :path to the service handlers. What
// it adds to HTTP/2 is gRPC's: length-prefixed messages, grpc-timeout
// deadlines, metadata, and the status in the trailers (or alone, for an
// answer without a message), worded as grpc-go words them where etcd's
// clients can see it.
//
// Node's HTTP/2 server and grpc-js cost a unary call more CPU than etcd
// spends on the whole request, and send every answer's trailers in a
// second write; this path costs a fraction of that and sends an answer in
// one packet (see the README's measurements).
import type { Duplex } from 'node:stream';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { H2Connection } from '../h2/connection.ts';
import { type HeaderField, encodeHeaders } from '../h2/hpack.ts';
import type { H2Stream } from '../h2/stream.ts';
import { CallMetadata, type ServiceImpl, type StreamHandler, type UnaryHandler } from './server-call.ts';
import { GrpcStreamCall, GrpcUnaryCall, type Route, statusBlock } from './server-calls.ts';
import { unknownMethodStatus } from './unknown.ts';

export interface GrpcServerOptions {
  /** SETTINGS_MAX_CONCURRENT_STREAMS per connection. */
  readonly maxConcurrentStreams: number;
  /** Messages larger than this are refused in grpc-go's words, before they are buffered. */
  readonly maxRecvBytes: number;
}

/** Node's timers hold at most 2^31-1 ms: a deadline further away is treated as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** A grpc-timeout value ("<digits><unit>") in ms; undefined when malformed. */
export function timeoutMs(v: string): number | undefined {
  const m = /^(\d{1,8})([HMSmun])$/.exec(v);
  return m ? Number(m[1]) * TIMEOUT_UNIT_MS[m[2]!]! : undefined;
}

/**
 * The epoch ms a call's grpc-timeout ends at, Infinity without one; a
 * timeout too long for a timer (weeks away, as a client sends for "no
 * deadline") is none: the call runs until its client gives up.
 */
export function deadlineOf(timeout: string, now: number): number {
  const ms = timeout ? timeoutMs(timeout) : undefined;
  return ms === undefined || ms >= MAX_TIMER_MS ? Infinity : now + ms;
}

/** Request headers that are HTTP/2's or gRPC's own, not the call's metadata. */
const RESERVED = new Set(['content-type', 'te', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'user-agent', 'content-length']);

export class GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly conns = new Set<H2Connection>();

  constructor(private readonly opts: GrpcServerOptions) {}

  addService(def: ServiceDefinition, impl: ServiceImpl): void {
    for (const [name, m] of Object.entries(def) as [string, MethodDefinition<object, object>][]) {
      const fn = impl[name];
      if (!fn) continue;
      this.routes.set(m.path, {
        def: m,
        unary: !m.requestStream && !m.responseStream ? (fn as UnaryHandler) : undefined,
        stream: m.requestStream || m.responseStream ? (fn as StreamHandler) : undefined,
        requestStream: m.requestStream,
      });
    }
  }

  /** Serves an HTTP/2 connection; `seen`: its bytes already read. */
  accept(sock: Duplex, seen?: Buffer): void {
    const conn = new H2Connection(sock, { maxConcurrentStreams: this.opts.maxConcurrentStreams, onStream: (s, h) => this.open(s, h) }, seen);
    this.conns.add(conn);
    sock.once('close', () => this.conns.delete(conn));
  }

  /** GOAWAY on every connection; done once their open streams have ended. */
  tryShutdown(done: () => void): void {
    let left = this.conns.size;
    if (left === 0) return done();
    for (const c of this.conns) c.goAway(() => --left === 0 && done());
  }

  forceShutdown(): void {
    for (const c of this.conns) c.destroy();
    this.conns.clear();
  }

  private open(stream: H2Stream, headers: HeaderField[]): void {
    let path = '';
    let contentType = '';
    let timeout = '';
    let encoding = '';
    const metadata: [string, string | Buffer][] = [];
    for (const [k, v] of headers) {
      if (k === ':path') path = v;
      else if (k === 'content-type') contentType = v;
      else if (k === 'grpc-timeout') timeout = v;
      else if (k === 'grpc-encoding') encoding = v;
      else if (k.charCodeAt(0) !== 58 /* : */ && !RESERVED.has(k)) metadata.push([k, k.endsWith('-bin') ? Buffer.from(v, 'base64') : v]);
    }
    if (!contentType.startsWith('application/grpc')) {
      return stream.headersOnly(encodeHeaders([[':status', '415'], ['content-type', 'text/plain']]));
    }
    const route = this.routes.get(path);
    if (!route) return stream.headersOnly(statusBlock(unknownMethodStatus(path), true));
    const deadline = deadlineOf(timeout, Date.now());
    const md = new CallMetadata(metadata);
    const opts = { maxRecvBytes: this.opts.maxRecvBytes, encoding: encoding || 'identity' };
    stream.listener = route.unary ? new GrpcUnaryCall(stream, route, md, deadline, opts) : new GrpcStreamCall(stream, route, md, opts);
  }
}
