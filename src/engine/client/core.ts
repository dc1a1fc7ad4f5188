// The core of the clientv3-like client (etcd 3.4 clientv3): the call path,
// credentials, KV, Lease, Cluster and Watch; client.ts adds Maintenance and
// Auth. It is bound to a list of endpoints of a simulated EtcdCluster. Endpoints are member names, member IDs or client
// URLs (as in the members' records). Calls go to the pinned endpoint, the
// first one whose member is up; when it goes down the client moves on to the
// next. Every call has a deadline (etcdctl's 5 s --command-timeout by
// default) and fails with "context deadline exceeded" when it passes.
// Read-only calls that fail with Unavailable (the member stopped under them)
// are retried (at most 100 sends) on another endpoint within the deadline, as clientv3's retry
// interceptor does for repeatable RPCs; writes are not (they may have been
// applied). Calls to one named endpoint (maintenance) go to that member only
// and wait for it until the deadline. With a user name and password the
// client authenticates first and sends its token with each call (auth.ts).
// Callbacks run from the cluster's event loop, once.
import {
  type Callback,
  type EtcdEndpoints,
  type EtcdService,
  type MemberAddResponse,
  type MemberListResponse,
  type MemberPromoteResponse,
  type MemberRemoveResponse,
  type MemberUpdateResponse,
  type RequestError,
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
import { DeadlineQueue } from '../util/deadlines.ts';
import { type CallDeadlines, type Invoke, PendingCall } from './pending-call.ts';
import { ClientCredentials } from './auth.ts';
import { ClientWatch, type WatchOptions, type ClientWatchCallback } from './watch.ts';

export { MAX_UNARY_ATTEMPTS, RETRY_BACKOFF_MS, type Invoke } from './pending-call.ts';

/** etcdctl's default --command-timeout. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/** grpc's ErrClientConnClosing: a call on a closed client. */
export const ErrClientConnClosing = 'grpc: the client connection is closing';

export interface ClientOptions {
  /** Member names, IDs or client URLs, tried in this order. */
  endpoints: string[];
  /** Deadline of each call in virtual ms (default 5000). */
  commandTimeoutMs?: number;
  /** With password: authenticate as this user and send the token with every call (clientv3 needs both non-empty). */
  username?: string;
  password?: string;
  /** How long the dial's authentication may take, in virtual ms (etcdctl's --dial-timeout, 2 s). */
  dialTimeoutMs?: number;
}

/** etcdctl's default --dial-timeout. */
export const DEFAULT_DIAL_TIMEOUT_MS = 2000;

/** Per-call options. */
export interface CallOptions {
  /** This call's deadline in virtual ms (default: the client's command timeout). */
  timeoutMs?: number;
}

// The KV calls' invokers, one for every call of a kind: the request rides
// along in the call instead of in a closure made for each call.
const RANGE: Invoke<RangeResponse, RangeRequest> = (s, done, tok, r) => s.range(r, done, tok);
const PUT: Invoke<PutResponse, PutRequest> = (s, done, tok, r) => s.put(r, done, tok);
const DELETE_RANGE: Invoke<DeleteRangeResponse, DeleteRangeRequest> = (s, done, tok, r) => s.deleteRange(r, done, tok);
const TXN: Invoke<TxnResponse, TxnRequest> = (s, done, tok, r) => s.txn(r, done, tok);

/** Options of memberAdd. */
export interface MemberAddOptions extends CallOptions {
  /** The playground's name for the member it starts (a real new member brings its own --name). */
  name?: string;
}


export class ClientCore {
  readonly endpoints: readonly string[];
  readonly commandTimeoutMs: number;
  readonly dialTimeoutMs: number;
  private creds: ClientCredentials | undefined;
  /** Index of the pinned endpoint. */
  private pinned = 0;
  private closed = false;
  private readonly watches = new Set<ClientWatch>();
  /** The deadlines of the calls in flight, in order (calls mostly share one timeout). */
  readonly deadlines: CallDeadlines;

  constructor(
    readonly net: EtcdEndpoints,
    opts: ClientOptions,
  ) {
    if (opts.endpoints.length === 0) throw new Error('etcdclient: no available endpoints');
    this.endpoints = [...opts.endpoints];
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.dialTimeoutMs = opts.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.deadlines = new DeadlineQueue(
      net,
      (call) => !call.done,
      (call) => call.expire(),
    );
    if (opts.username && opts.password) this.setCredentials(opts.username, opts.password);
  }

  /** The user's credentials and token, when the client was given a user name and password. */
  get credentials(): ClientCredentials | undefined {
    return this.creds;
  }

  /** Authenticate as this user from now on (etcdctl asks for a --user's password after building its client). */
  setCredentials(username: string, password: string): void {
    const net = this.net;
    const host = { endpoints: this.endpoints, now: () => net.now(), after: (ms: number, fn: () => void) => net.after(ms, fn), connectAt: (i: number) => this.connectAt(i) };
    this.creds = new ClientCredentials(host, username, password);
  }

  /** The token calls carry now (undefined without credentials, or while auth is off). */
  get token(): string | undefined {
    return this.credentials?.token;
  }

  /**
   * What clientv3.New does before it returns: with credentials, authenticate
   * (within the dial timeout). A wrong password fails here; auth being
   * disabled does not, and comes back as resp.warning (etcdctl logs it). Calls
   * dial by themselves when this was not called.
   */
  dial(cb: Callback<{ warning?: RequestError }>): void {
    const c = this.credentials;
    if (!c) {
      this.net.after(0, () => cb(undefined, {}));
      return;
    }
    c.dial(this.net.now() + this.dialTimeoutMs, (err, warning) => (err ? cb(err) : cb(undefined, { warning })));
  }

  // ---- endpoints ----

  /** The member an endpoint names (by name, ID or client URL), if it is in the cluster. */
  resolve(endpoint: string): NodeId | undefined {
    return this.net.resolve(endpoint);
  }

  /** A connection to an endpoint's member, if it is up. */
  connectAt(i: number): EtcdService | undefined {
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
    this.run(undefined, RANGE, r, true, cb, o);
  }

  put(r: PutRequest, cb: Callback<PutResponse>, o?: CallOptions): void {
    this.run(undefined, PUT, r, false, cb, o);
  }

  del(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, o?: CallOptions): void {
    this.run(undefined, DELETE_RANGE, r, false, cb, o);
  }

  txn(r: TxnRequest, cb: Callback<TxnResponse>, o?: CallOptions): void {
    this.run(undefined, TXN, r, isTxnReadonly(r), cb, o);
  }

  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.compact(r, done, tok), false, cb, o);
  }

  // ---- Lease ----

  leaseGrant(r: Partial<LeaseGrantRequest> & { TTL: number }, cb: Callback<LeaseGrantResponse>, o?: CallOptions): void {
    const req: LeaseGrantRequest = { ID: r.ID ?? NO_LEASE, TTL: r.TTL };
    this.call((s, done, tok) => s.leaseGrant(req, done, tok), false, cb, o);
  }

  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.leaseRevoke(r, done, tok), false, cb, o);
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

  /** MemberAdd: a voter, or a learner, at these peer URLs. */
  memberAdd(peerURLs: string[], isLearner: boolean, cb: Callback<MemberAddResponse>, o?: MemberAddOptions): void {
    const r = { peerURLs: [...peerURLs], isLearner, ...(o?.name !== undefined ? { name: o.name } : {}) };
    this.call((s, done, tok) => s.memberAdd(r, done, tok), false, cb, o);
  }

  memberRemove(id: NodeId, cb: Callback<MemberRemoveResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.memberRemove({ ID: id }, done, tok), false, cb, o);
  }

  memberUpdate(id: NodeId, peerURLs: string[], cb: Callback<MemberUpdateResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.memberUpdate({ ID: id, peerURLs: [...peerURLs] }, done, tok), false, cb, o);
  }

  memberPromote(id: NodeId, cb: Callback<MemberPromoteResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.memberPromote({ ID: id }, done, tok), false, cb, o);
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
    this.run(undefined, invoke, undefined, repeatable, cb, o);
  }

  /**
   * Runs invoke on one endpoint's member only (clientv3's Maintenance calls
   * that name an endpoint dial it directly): while it is down, or not a
   * member at all, the call waits for it until its deadline.
   */
  callAt<T>(endpoint: string, invoke: Invoke<T>, cb: Callback<T>, o?: CallOptions): void {
    this.run(
      () => {
        const id = this.resolve(endpoint);
        return id === undefined ? undefined : this.net.connect(id);
      },
      invoke,
      undefined,
      false,
      cb,
      o,
    );
  }

  /**
   * The call path: dial (authenticate) if not done yet, then invoke on what
   * target() gives. A refused token is renewed once and the call retried.
   */
  private run<T, R>(target: (() => EtcdService | undefined) | undefined, invoke: Invoke<T, R>, req: R, repeatable: boolean, cb: Callback<T>, o?: CallOptions): void {
    const ec = this.net;
    if (this.closed) {
      ec.after(0, () => cb({ message: ErrClientConnClosing, code: 'Unknown' }));
      return;
    }
    const deadline = ec.now() + (o?.timeoutMs ?? this.commandTimeoutMs);
    const call = new PendingCall(this, target, invoke, req, repeatable, cb, deadline, this.credentials);
    call.start();
  }
}
