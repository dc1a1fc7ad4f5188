// EtcdServer: one member's request path (etcdserver/v3_server.go, 3.4).
//
// Writes (and every other request that changes state) are proposed through
// raft at this member (a follower's raft forwards the proposal) and wait, by
// request ID, for this member to apply them; the applier's result answers the
// caller (processInternalRaftRequestOnce). Linearizable reads wait for a
// ReadIndex round (read.ts) and then read this member's store; serializable
// reads read it at once, stale or not. Leases are served by the leader
// (lease-loop.ts). Callbacks always run later from the cluster's event loop,
// never inside the call or inside raft's Ready handling.
import { type RequestAuth, isTxnReadonly } from '../api/service.ts';
import { reachable } from './reach.ts';
import type { ResponseHeader } from '../api/header.ts';
import type { AuthError } from '../auth/errors.ts';
import { checkRangeAuth, checkTxnAuth } from '../auth/request-perm.ts';
import type { AuthInfo } from '../auth/types.ts';
import type { Cluster, TimerHandle } from '../cluster/cluster.ts';
import type { SimNode } from '../cluster/node.ts';
import { promoteExtensionMs, requestTimeoutMs } from '../lease/config.ts';
import { IdGenerator } from '../lease/idgen.ts';
import type { LeaseGrantRequest, LeaseGrantResponse, LeaseRevokeRequest, LeaseRevokeResponse } from '../lease/types.ts';
import { NO_LEASE } from '../lease/types.ts';
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
import { NONE, type NodeId } from '../raft/types.ts';
import type { ApplyResult } from './apply.ts';
import { encodeRequest } from './codec.ts';
import { toApplyError } from './errors.ts';
import type { InternalRequests, RequestID, RequestKind } from './internal.ts';
import { proposeTimeoutReason } from './reach.ts';
import { ReadLoop, isTxnSerializable, notifyBefore } from './read.ts';
import {
  type Callback,
  type RequestError,
  ErrDeadlineExceeded,
  ErrRequestTooLarge,
  ErrStopped,
  fromApplyError,
  requestError,
} from './request-errors.ts';
import type { EtcdStateMachine } from './statemachine.ts';
import { DeadlineQueue } from '../util/deadlines.ts';
import { Completions } from './completions.ts';
import { Proposals } from './proposals.ts';
import { Wait } from './wait.ts';
import { type ServerWatchStream, type WatchCallback, type WatchIdentity, WatchHub } from './watch.ts';

/** --max-request-bytes' default (1.5 MiB): a bigger proposal is refused before raft sees it. */
export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** Who a request runs as (etcd takes it from the auth token); none when auth is off. */
export type { RequestAuth };

/** What a server needs from the EtcdCluster around it. */
export interface ServerHost {
  readonly cluster: Cluster;
  /** The current server of a member (for lease forwarding, etcd's peer HTTP). */
  server(id: NodeId): EtcdServer | undefined;
  maxRequestBytes: number;
}

/** What a waiting request gets: its applied result, or why the server gave up on it. */
type Outcome = ApplyResult | { fail: string };

export class EtcdServer {
  readonly reqIDGen: IdGenerator;
  /** Requests proposed here, waiting for this member to apply them. */
  readonly w = new Wait<Callback<unknown>, Outcome>((cb, x) => this.answer(cb, x));
  readonly readLoop: ReadLoop;
  stopped = false;
  /** The leader this member last saw (etcd's s.getLead()). */
  lead: NodeId = NONE;
  /** When this member last became leader (etcd's leadElectedTime). */
  leadElectedTime = -Infinity;
  private readonly completions = new Completions((fn) => this.after(0, fn));
  private readonly proposals = new Proposals({
    after: (ms, fn) => this.after(ms, fn),
    waiting: (id) => this.w.isRegistered(id),
    propose: (datas) => (datas.length === 1 ? this.cluster.propose(this.id, datas[0]!) : this.cluster.proposeMany(this.id, datas)),
    refuse: (id, err) => this.w.trigger(id, { fail: err }),
    canPropose: () => !this.stopped && this.node()?.rn!.raft.lead !== NONE,
  });
  /** Calls that reached this member while its process was paused: served when it resumes. */
  private held: (() => void)[] = [];
  /** This member's watch streams (watch.ts), made on the first watch. */
  private watches: WatchHub | undefined;
  /** The deadlines of the requests waiting in w, in order (most requests have the same timeout). */
  private readonly deadlines: DeadlineQueue<RequestID>;

  constructor(
    readonly host: ServerHost,
    readonly id: NodeId,
    readonly sm: EtcdStateMachine,
    unixMs: number,
  ) {
    this.reqIDGen = new IdGenerator(id, unixMs);
    this.deadlines = new DeadlineQueue<RequestID>(
      // Looked up when used: the cluster is still being built while its first servers are.
      { now: () => this.now(), after: (ms, fn) => this.after(ms, fn), cancel: (t) => this.cluster.cancel(t) },
      (rid) => this.w.isRegistered(rid),
      (rid, start) => this.expire(rid, start),
    );
    this.readLoop = new ReadLoop({
      nextId: () => this.reqIDGen.next(),
      readIndex: (ctx, cb) => this.host.cluster.readIndex(this.id, ctx, (err) => cb(err)),
      after: (ms, fn) => this.after(ms, fn),
      cancel: (t) => this.cluster.cancel(t),
      requestTimeout: () => this.requestTimeout(),
    });
  }

  get cluster(): Cluster {
    return this.host.cluster;
  }

  now(): number {
    return this.cluster.now();
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.cluster.after(ms, fn);
  }

  /** etcd's ReqTimeout(): 5 s for queueing and disk, plus two election timeouts for an election. */
  requestTimeout(): number {
    return requestTimeoutMs(this.cluster.heartbeatInterval, this.cluster.electionTimeout);
  }

  electionTimeout(): number {
    return promoteExtensionMs(this.cluster.heartbeatInterval, this.cluster.electionTimeout);
  }

  /** This member's node, if it is the incarnation this server was built for and is running. */
  node(): SimNode | undefined {
    const n = this.cluster.nodes.get(this.id);
    return n && n.sm === this.sm && n.isUp() ? n : undefined;
  }

  isLeader(): boolean {
    return this.node()?.rn!.raft.state === 'StateLeader';
  }

  /** etcdserverpb.ResponseHeader as v3rpc's header.fill writes it: this member, its store, its applied term. */
  header(revision = this.sm.kv.rev): ResponseHeader {
    return { clusterId: this.cluster.clusterId(), memberId: this.id, revision, raftTerm: this.sm.term };
  }

  /** Runs cb from the event loop, never inside the caller or raft's Ready handling (completions.ts). */
  complete<T>(cb: Callback<T>, err: RequestError | undefined, resp?: T): void {
    this.completions.add(cb, err, resp);
  }

  fail<T>(cb: Callback<T>, message: string): void {
    this.complete(cb, requestError(message));
  }

  // ---- lifecycle (driven by the EtcdCluster) ----

  /** The member crashed or was removed: everything waiting fails with ErrStopped (etcd's s.done). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.proposals.clear();
    const held = this.held;
    this.held = [];
    for (const fn of held) fn(); // each fails with ErrStopped
    this.w.giveUpAll();
    this.readLoop.stop();
    this.watches?.stop();
  }

  /** A paused (SIGSTOPped) process answers nothing: a call made meanwhile is held and runs when it resumes. True if fn was held. */
  holdIfPaused(fn: () => void): boolean {
    if (!this.isPaused()) return false;
    this.held.push(fn);
    return true;
  }

  /** Whether the process is frozen (hot paths ask before building the closure to hold). */
  isPaused = (): boolean => this.cluster.nodes.get(this.id)?.life === 'paused';

  /** The process resumed: held calls run, waiting proposals may go out. */
  resumed(): void {
    const held = this.held;
    this.held = [];
    for (const fn of held) fn();
    this.proposals.retryHeld();
  }

  /** raft's SoftState changed (etcd's raftReadyHandler.updateLeadership). */
  softState(role: string, lead: NodeId): void {
    if (this.stopped || role === 'paused') return; // a frozen process changes nothing
    const newLeader = lead !== NONE && lead !== this.lead;
    this.lead = lead;
    if (role !== 'leader') {
      if (this.sm.lessor.isPrimary()) this.sm.lessor.demote();
    } else if (newLeader) {
      this.leadElectedTime = this.now();
    }
    if (newLeader) this.readLoop.leaderChanged();
    if (lead !== NONE) this.proposals.retryHeld();
  }

  /** The leader applied its no-op entry: everything of older terms is applied, so leases may run here. */
  noopApplied(): void {
    if (!this.stopped && this.isLeader()) this.sm.lessor.promote(this.electionTimeout(), this.now());
  }

  /** The applier's result for a request proposed here, for its waiter (taken from the wait as the request applied). */
  applied(cb: Callback<unknown>, res: ApplyResult): void {
    this.answer(cb, res);
  }

  // ---- requests through raft ----

  // `deadline` (here and below): when the caller gives up, in virtual ms, if it said.

  put(r: PutRequest, cb: Callback<PutResponse>, auth?: RequestAuth, deadline?: number): void {
    this.raftRequest('put', r, cb as Callback<unknown>, auth, deadline);
  }

  deleteRange(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, auth?: RequestAuth, deadline?: number): void {
    this.raftRequest('deleteRange', r, cb as Callback<unknown>, auth, deadline);
  }

  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, auth?: RequestAuth, deadline?: number): void {
    this.raftRequest('compaction', r, cb as Callback<unknown>, auth, deadline);
  }

  /** Read-only txns are reads (linearizable unless every op is a serializable range); others go through raft. */
  txn(r: TxnRequest, cb: Callback<TxnResponse>, auth?: RequestAuth, deadline?: number): void {
    if (!isTxnReadonly(r)) {
      this.raftRequest('txn', r, cb as Callback<unknown>, auth, deadline);
      return;
    }
    const exec = (): TxnResponse => this.sm.kv.txn(r);
    const chk = (ai: AuthInfo): AuthError | null => checkTxnAuth(this.sm.auth, ai, r);
    this.read(isTxnSerializable(r), exec, chk, cb, auth, deadline);
  }

  /** A grant without an ID gets one from the request ID generator, positive as an int64. */
  leaseGrant(r: LeaseGrantRequest, cb: Callback<LeaseGrantResponse>, auth?: RequestAuth, deadline?: number): void {
    const req = r.ID === NO_LEASE ? { ...r, ID: this.reqIDGen.nextLeaseId() } : r;
    this.raftRequest('leaseGrant', req, cb as Callback<unknown>, auth, deadline);
  }

  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, auth?: RequestAuth, deadline?: number): void {
    this.raftRequest('leaseRevoke', r, cb as Callback<unknown>, auth, deadline);
  }

  /**
   * processInternalRaftRequestOnce: any request kind (auth changes included),
   * answered with the applied response or etcd's error. The wait ends at the
   * member's request timeout or the caller's deadline, whichever is first
   * (etcd's context.WithTimeout over the gRPC context); a proposal still
   * queued for a leader then is dropped unproposed. One already handed to
   * raft cannot be recalled and may yet commit, as in etcd.
   */
  raftRequest<K extends RequestKind>(kind: K, req: InternalRequests[K], cb: Callback<unknown>, auth?: RequestAuth, deadline?: number): void {
    if (this.stopped) return this.fail(cb, ErrStopped);
    if (this.isPaused() && this.holdIfPaused(() => this.raftRequest(kind, req, cb, auth, deadline))) return;
    const id = this.reqIDGen.next();
    const data = encodeRequest(kind, req, id, auth?.username ?? '', auth?.authRevision ?? 0);
    if (data.length > this.host.maxRequestBytes) return this.fail(cb, ErrRequestTooLarge);
    this.w.register(id, cb);
    // The request's deadline: the member's request timeout, or the caller's if sooner.
    const start = this.now();
    const waitMs = Math.min(this.requestTimeout(), deadline === undefined ? Infinity : Math.max(0, deadline - start));
    if (!this.deadlines.add(id, start + waitMs, start)) this.after(waitMs, () => this.expire(id, start));
    const n = this.cluster.nodes.get(this.id);
    this.proposals.add(id, data, n?.rn !== undefined && n.sm === this.sm && n.rn.raft.lead === NONE);
  }

  /** The end of a request's wait (every way out of it runs this): its applied result, or why it failed. */
  private answer(cb: Callback<unknown>, x: Outcome | undefined): void {
    this.deadlines.settle();
    if (!x) return this.fail(cb, ErrStopped);
    if ('fail' in x) return this.fail(cb, x.fail);
    if (x.err) return this.complete(cb, fromApplyError(x.err));
    // The applier filled the header in as of this entry (its term is this member's term now).
    this.complete(cb, undefined, x.resp);
  }

  /** Request id's deadline passed while it was still waiting: GC the wait and tell why it timed out. */
  private expire(id: RequestID, start: number): void {
    if (!this.w.isRegistered(id)) return;
    // Still waiting for a leader: Propose itself ran out of time.
    const err = this.proposals.dropHeld(id) ? ErrDeadlineExceeded : proposeTimeoutReason(this, start);
    this.w.trigger(id, { fail: err });
  }

  reachable(peer: NodeId): boolean {
    return reachable(this.cluster, this.id, peer);
  }

  // ---- watch ----

  /** Opens a Watch stream on this member; cb gets its responses as they go out, or why it ended. */
  watch(cb: WatchCallback, who?: WatchIdentity): ServerWatchStream {
    return (this.watches ??= new WatchHub(this)).open(cb, who);
  }

  // ---- reads ----

  range(r: RangeRequest, cb: Callback<RangeResponse>, auth?: RequestAuth, deadline?: number): void {
    const chk = (ai: AuthInfo): AuthError | null => checkRangeAuth(this.sm.auth, ai, r);
    this.read(r.serializable === true, () => this.sm.kv.range(r), chk, cb, auth, deadline);
  }

  /**
   * linearizableReadNotify: done() once a linearizable read may be served from
   * this member's store, or with context.DeadlineExceeded at the caller's
   * deadline (etcd selects on ctx.Done() beside the notifier). The round
   * itself goes on for the reads that still wait on it.
   */
  linearizableReadNotify(done: (err: RequestError | undefined) => void, deadline?: number): void {
    notifyBefore(this.readLoop, this.cluster, (err) => done(err === undefined ? undefined : requestError(err)), deadline);
  }

  /**
   * A read served by this member's store: at once when serializable, else after
   * a ReadIndex round. Auth is checked at serving time (etcd's doSerialize).
   */
  private read<T extends { header: ResponseHeader }>(
    serializable: boolean,
    exec: () => T,
    chk: (ai: AuthInfo) => AuthError | null,
    cb: Callback<T>,
    auth?: RequestAuth,
    deadline?: number,
  ): void {
    if (this.stopped) return this.fail(cb, ErrStopped);
    if (this.holdIfPaused(() => this.read(serializable, exec, chk, cb, auth, deadline))) return;
    const serve = (): void => {
      if (this.stopped) return this.fail(cb, ErrStopped);
      if (this.sm.auth.isAuthEnabled()) {
        const err = chk({ username: auth?.username ?? '', revision: auth?.authRevision ?? 0 });
        if (err) return this.complete(cb, fromApplyError(toApplyError(err)));
      }
      let resp: T;
      try {
        resp = exec();
      } catch (e) {
        return this.complete(cb, fromApplyError(toApplyError(e)));
      }
      this.complete(cb, undefined, { ...resp, header: this.header(resp.header?.revision || this.sm.kv.rev) });
    };
    if (serializable) serve();
    else this.linearizableReadNotify((err) => (err ? this.complete(cb, err) : serve()), deadline);
  }
}

export { isTxnReadonly, isTxnSerializable };
