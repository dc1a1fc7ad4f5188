// The shapes of a gRPC call as the service handlers (handlers-*.ts) see it,
// whoever carries it: the gRPC server (server.ts) or the JSON gateway
// (../gateway). A unary handler gets the decoded request and answers once
// through its callback; a streaming handler gets an event emitter that
// emits 'data' per request, 'end' at the client's half-close, 'cancelled'
// and 'close' when the client goes away, and takes write() and end(), or an
// emitted 'error' carrying the status that ends it.
import type { EventEmitter } from 'node:events';
import type { Wire } from './codec-kv.ts';

/** gRPC status codes (the wire numbers). */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** How a call ended, when it did not succeed. */
export interface CallStatus {
  readonly code: number;
  readonly details: string;
}

/** A call's metadata: request headers by lower-case key; "-bin" keys hold their decoded bytes. */
export class CallMetadata {
  constructor(private readonly fields: readonly (readonly [string, string | Buffer])[] = []) {}

  static of(entries: Record<string, string>): CallMetadata {
    return new CallMetadata(Object.entries(entries));
  }

  get(key: string): (string | Buffer)[] {
    const out: (string | Buffer)[] = [];
    for (const [k, v] of this.fields) if (k === key) out.push(v);
    return out;
  }
}

export interface UnaryCall {
  readonly request: Wire;
  readonly metadata: CallMetadata;
  /** Epoch ms when the client gives up (its grpc-timeout), Infinity without one. */
  getDeadline(): number;
}

export type UnaryCallback = (err: CallStatus | null, value?: Wire) => void;
export type UnaryHandler = (call: UnaryCall, callback: UnaryCallback) => void;

export interface StreamCall extends EventEmitter {
  /** The request of a server-streaming call (Snapshot). */
  readonly request: Wire;
  readonly metadata: CallMetadata;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly cancelled: boolean;
  write(msg: Wire): boolean;
  end(): void;
}

export type StreamHandler = (call: StreamCall) => void;

/** One service's handlers by method name. */
export type ServiceImpl = Record<string, UnaryHandler | StreamHandler>;
