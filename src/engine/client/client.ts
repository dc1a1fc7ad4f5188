// A clientv3-like client (etcd 3.4 clientv3) bound to a list of endpoints of
// a simulated EtcdCluster. Endpoints are member names, member IDs or client
// URLs (as in the members' records). Calls go to the pinned endpoint, the
// first one whose member is up; when it goes down the client moves on to the
// next. Every call has a deadline (etcdctl's 5 s --command-timeout by
// default) and fails with "context deadline exceeded" when it passes.
// Read-only calls that fail with Unavailable (the member stopped under them)
// are retried on another endpoint within the deadline, as clientv3's retry
// interceptor does for repeatable RPCs; writes are not (they may have been
// applied). Callbacks run from the cluster's event loop, once.
import {
  type Callback,
  type EtcdEndpoints,
  type EtcdService,
  type MemberListResponse,
  type RequestAuth,
  type RequestError,
  ErrDeadlineExceeded,
  isTxnReadonly,
} from '../api/service.ts';
import type { NodeId } from '../raft/types.ts';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../mvcc/rpc.ts';
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseID,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from '../lease/types.ts';
import { NO_LEASE } from '../lease/types.ts';
import { ErrLeaseNotFound } from '../lease/errors.ts';
import { ClientWatch, type WatchOptions, type ClientWatchCallback } from './watch.ts';

/** etcdctl's default --command-timeout. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/** clientv3's defaultBackoffWaitBetween: the pause before a retry (without its jitter). */
export const RETRY_BACKOFF_MS = 25;
/** grpc's ErrClientConnClosing: a call on a closed client. */
export const ErrClientConnClosing = 'grpc: the client connection is closing';

export interface ClientOptions {
  /** Member names, IDs or client URLs, tried in this order. */
  endpoints: string[];
  /** Deadline of each call in virtual ms (default 5000). */
  commandTimeoutMs?: number;
  /** Who the calls run as (etcd takes it from the auth token); none when auth is off. */
  auth?: RequestAuth;
}

/** Per-call options. */
export interface CallOptions {
  /** This call's deadline in virtual ms (default: the client's command timeout). */
  timeoutMs?: number;
}

/** Something a call did to one member; cb is its completion. */
type Invoke<T> = (s: EtcdService, cb: Callback<T>) => void;

export class Client {
  readonly endpoints: readonly string[];
  readonly commandTimeoutMs: number;
  readonly auth: RequestAuth | undefined;
  /** Index of the pinned endpoint. */
  private pinned = 0;
  private closed = false;
  private readonly watches = new Set<ClientWatch>();

  constructor(
    readonly net: EtcdEndpoints,
    opts: ClientOptions,
  ) {
    if (opts.endpoints.length === 0) throw new Error('etcdclient: no available endpoints');
    this.endpoints = [...opts.endpoints];
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.auth = opts.auth;
  }

  // ---- endpoints ----

  /** The member an endpoint names (by name, ID or client URL), if it is in the cluster. */
  resolve(endpoint: string): NodeId | undefined {
    return this.net.resolve(endpoint);
  }

  /** A connection to an endpoint's member, if it is up. */
  private connectAt(i: number): EtcdService | undefined {
    const id = this.resolve(this.endpoints[i]!);
    return id === undefined ? undefined : this.net.connect(id);
  }

  /** The pinned endpoint's server if it is up, else the next one up (which becomes pinned). */
  pick(): EtcdService | undefined {
    const n = this.endpoints.length;
    for (let k = 0; k < n; k++) {
      const i = (this.pinned + k) % n;
      const s = this.connectAt(i);
      if (s) {
        this.pinned = i;
        return s;
      }
    }
    return undefined;
  }

  /** The endpoint calls go to now (after failing over if the pinned one is down). */
  activeEndpoint(): string | undefined {
    return this.pick() ? this.endpoints[this.pinned] : undefined;
  }

  // ---- KV ----

  get(r: RangeRequest, cb: Callback<RangeResponse>, o?: CallOptions): void {
    this.call((s, done) => s.range(r, done, this.auth), true, cb, o);
  }

  put(r: PutRequest, cb: Callback<PutResponse>, o?: CallOptions): void {
    this.call((s, done) => s.put(r, done, this.auth), false, cb, o);
  }

  del(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, o?: CallOptions): void {
    this.call((s, done) => s.deleteRange(r, done, this.auth), false, cb, o);
  }

  txn(r: TxnRequest, cb: Callback<TxnResponse>, o?: CallOptions): void {
    this.call((s, done) => s.txn(r, done, this.auth), isTxnReadonly(r), cb, o);
  }

  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, o?: CallOptions): void {
    this.call((s, done) => s.compact(r, done, this.auth), false, cb, o);
  }

  // ---- Lease ----

  leaseGrant(r: Partial<LeaseGrantRequest> & { TTL: number }, cb: Callback<LeaseGrantResponse>, o?: CallOptions): void {
    const req: LeaseGrantRequest = { ID: r.ID ?? NO_LEASE, TTL: r.TTL };
    this.call((s, done) => s.leaseGrant(req, done, this.auth), false, cb, o);
  }

  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, o?: CallOptions): void {
    this.call((s, done) => s.leaseRevoke(r, done, this.auth), false, cb, o);
  }

  /** KeepAliveOnce: one renewal; a lease that is gone is ErrLeaseNotFound (clientv3 turns TTL <= 0 into it). */
  keepAliveOnce(id: LeaseID, cb: Callback<LeaseKeepAliveResponse>, o?: CallOptions): void {
    const invoke: Invoke<LeaseKeepAliveResponse> = (s, done) =>
      s.leaseKeepAlive(id, (err, resp) => {
        if (!err && resp && resp.TTL <= 0) return done({ message: ErrLeaseNotFound, code: 'NotFound' });
        done(err, resp);
      });
    this.call(invoke, true, cb, o);
  }

  leaseTimeToLive(r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>, o?: CallOptions): void {
    this.call((s, done) => s.leaseTimeToLive(r, done), true, cb, o);
  }

  /** LeaseLeases: etcd 3.4 answers from the serving member's own lessor (no forwarding). */
  leaseList(cb: Callback<LeaseLeasesResponse>, o?: CallOptions): void {
    this.call((s, done) => s.leaseLeases(done), true, cb, o);
  }

  // ---- Cluster ----

  memberList(cb: Callback<MemberListResponse>, o?: CallOptions): void {
    this.call((s, done) => s.memberList(done), true, cb, o);
  }

  // ---- Watch ----

  /** Opens a watch; it survives its member's death by resuming on another endpoint. */
  watch(opts: WatchOptions, cb: ClientWatchCallback): ClientWatch {
    const w = new ClientWatch(this, opts, cb, () => this.watches.delete(w));
    this.watches.add(w);
    w.start();
    return w;
  }

  /** Closes the client: its watches end; later calls fail. */
  close(): void {
    this.closed = true;
    for (const w of [...this.watches]) w.cancel();
  }

  // ---- the call path ----

  /**
   * Runs invoke on the pinned endpoint under the call's deadline. With no
   * endpoint up, or a repeatable call failing Unavailable, it tries again
   * after a backoff until the deadline.
   */
  call<T>(invoke: Invoke<T>, repeatable: boolean, cb: Callback<T>, o?: CallOptions): void {
    const ec = this.net;
    let done = false;
    const finish = (err: RequestError | undefined, resp?: T): void => {
      if (done) return;
      done = true;
      cb(err, resp);
    };
    if (this.closed) {
      ec.after(0, () => finish({ message: ErrClientConnClosing, code: 'Unknown' }));
      return;
    }
    const deadline = ec.now() + (o?.timeoutMs ?? this.commandTimeoutMs);
    ec.after(deadline - ec.now(), () => finish({ message: ErrDeadlineExceeded, code: 'DeadlineExceeded' }));
    const attempt = (): void => {
      if (done) return;
      const s = this.pick();
      if (!s) {
        // No connection to any endpoint: gRPC waits for one until the deadline.
        if (ec.now() + RETRY_BACKOFF_MS < deadline) ec.after(RETRY_BACKOFF_MS, attempt);
        return;
      }
      invoke(s, (err, resp) => {
        if (err?.code === 'Unavailable' && repeatable && !done && ec.now() + RETRY_BACKOFF_MS < deadline) {
          ec.after(RETRY_BACKOFF_MS, attempt);
          return;
        }
        finish(err, resp);
      });
    };
    attempt();
  }
}
