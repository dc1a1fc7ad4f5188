// A small etcd v3 gRPC client over the project's own protos (load.ts), for
// the tools that talk to a real etcd (migrate): unary KV and Lease calls
// with a deadline, errors as etcd's messages. Works from a plain install:
// @grpc/grpc-js and @grpc/proto-loader are runtime dependencies.
import { type Client, type ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { etcdServices } from './load.ts';

/** One key as Range returns it (proto-loader's shapes: bytes as Buffers, int64 as strings). */
export interface KeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: string;
  modRevision: string;
  version: string;
  lease: string;
}

export interface RangeResult {
  header: { revision: string };
  kvs: KeyValue[];
  more: boolean;
}

/** A call that failed; message is the server's (e.g. "etcdserver: requested lease not found"). */
export class EtcdCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdCallError';
  }
}

/** host:port of an endpoint given as http://host:port, host:port, or a comma-separated list (the first). */
export function endpointAddress(url: string): string {
  const first = url.split(',')[0]!.trim();
  const m = /^(?:(\w+):\/\/)?([^/]+?)\/?$/.exec(first);
  if (!m || !/:\d+$/.test(m[2]!)) throw new Error(`invalid endpoint ${JSON.stringify(url)}: want http://HOST:PORT`);
  if (m[1] !== undefined && m[1] !== 'http') throw new Error(`endpoint ${url}: only http:// is supported`);
  return m[2]!;
}

/** How long connecting may take before an endpoint counts as unreachable. */
const DIAL_TIMEOUT_MS = 5000;

type Unary = (req: unknown, opts: { deadline: Date }, cb: (err: ServiceError | null, resp: unknown) => void) => void;

export class EtcdClient {
  private readonly kv: Client;
  private readonly lease: Client;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs = 10_000,
  ) {
    const addr = endpointAddress(endpoint);
    const defs = etcdServices();
    const KV = makeGenericClientConstructor(defs.KV, 'KV');
    const Lease = makeGenericClientConstructor(defs.Lease, 'Lease');
    this.kv = new KV(addr, credentials.createInsecure());
    this.lease = new Lease(addr, credentials.createInsecure());
  }

  /** Resolves once connected; rejects with a plain reason when the endpoint cannot be reached in time. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.kv.waitForReady(new Date(Date.now() + Math.min(this.timeoutMs, DIAL_TIMEOUT_MS)), (err) =>
        err ? reject(new Error(`cannot reach ${this.endpoint}: ${err.message}`)) : resolve(),
      ),
    );
  }

  private call<T>(client: Client, method: string, req: unknown): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method]!.bind(client);
    return new Promise<T>((resolve, reject) =>
      fn(req, { deadline: new Date(Date.now() + this.timeoutMs) }, (err, resp) =>
        err ? reject(new EtcdCallError(method, err.code, err.details || err.message)) : resolve(resp as T),
      ),
    );
  }

  range(req: { key: Buffer; rangeEnd: Buffer; limit?: number; revision?: string }): Promise<RangeResult> {
    return this.call(this.kv, 'Range', req);
  }

  txn(req: { compare?: unknown[]; success: unknown[]; failure?: unknown[] }): Promise<{ succeeded: boolean }> {
    return this.call(this.kv, 'Txn', req);
  }

  leaseGrant(ttl: number, id = '0'): Promise<{ ID: string; TTL: string; error: string }> {
    return this.call(this.lease, 'LeaseGrant', { TTL: String(ttl), ID: id });
  }

  leaseLeases(): Promise<{ leases: { ID: string }[] }> {
    return this.call(this.lease, 'LeaseLeases', {});
  }

  leaseTimeToLive(id: string): Promise<{ ID: string; TTL: string; grantedTTL: string }> {
    return this.call(this.lease, 'LeaseTimeToLive', { ID: id, keys: false });
  }

  close(): void {
    this.kv.close();
    this.lease.close();
  }
}
