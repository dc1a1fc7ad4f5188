// One member's etcd state machine (etcdserver/server.go applyEntryNormal,
// 3.4): owns the KV store, lessor, auth store and alarms, and applies
// committed EntryNormal entries to them through the applier.
//
// The consistent index is the raft index of the last entry applied to the
// stores; it travels with them (in snapshots, and in the backend copy on the
// node's disk). An entry at or below it is already in the stores and is
// skipped, so a member that restarts with a backend newer than its raft
// snapshot does not apply the replayed entries twice.
//
// Every request's result is kept by request ID (bounded, oldest dropped
// first) for the request path to pick up, as etcd's wait.Trigger hands it to
// the waiting RPC.
import { AuthStore } from '../auth/store.ts';
import type { StateMachine, StateMachineContext, StateMachineFactory } from '../cluster/statemachine.ts';
import { minLeaseTTL } from '../lease/config.ts';
import { Lessor } from '../lease/lessor.ts';
import { encodeLeases } from '../lease/snapshot.ts';
import { KVStore } from '../mvcc/kvstore.ts';
import { WatchableStore } from '../mvcc/watchable-store.ts';
import type { HashKVResult } from '../mvcc/rpc.ts';
import type { Entry } from '../raft/types.ts';
import type { NodeDisk } from '../storage/disk.ts';
import { Prng } from '../util/prng.ts';
import { AlarmStore } from './alarms.ts';
import { ApplierV3, type ApplyResult } from './apply.ts';
import { decodeInternalRaftRequest } from './codec.ts';
import { DecodedEntries } from './decoded-entries.ts';
import { ErrNoSpace } from './errors.ts';
import type { AlarmRequest, InternalRaftRequest, RequestID } from './internal.ts';
import { decodeMemberSnapshot, encodeMemberSnapshot, snapshotConsistentIndex } from './snapshot.ts';

/** Where the backend copy lives on the node's disk. */
export const BACKEND_KEY = 'etcd/backend';
export const DEFAULT_RESULT_CAPACITY = 4096;

export interface EtcdStateMachineOptions {
  /** The cluster ID for response headers (etcd derives it from the initial members); default '0'. */
  clusterId?: string | (() => string);
  /** Virtual time in ms, for lease grants, checkpoints and auth tokens; default always 0. */
  clock?: { now(): number };
  /** Seeds the auth store's randomness (password salts, token letters), forked per member. */
  seed?: number;
  /** Smallest lease TTL in seconds; default etcd's for 100 ms heartbeats and a 1 s election timeout (2). */
  minLeaseTTL?: number;
  /** --quota-backend-bytes (default 2 GiB). */
  quotaBytes?: number;
  /** --max-txn-ops (default 128). */
  maxTxnOps?: number;
  /** --auth-token-ttl in ms (default 300 s). */
  tokenTtlMs?: number;
  /**
   * How many results nobody took are kept for takeResult (default 4096; 0
   * keeps none). A served cluster sets 0: its servers take what they wait
   * for as it is applied, and results kept for nobody would outlive the
   * young generation and cost a copy each.
   */
  resultCapacity?: number;
  /**
   * Write the stores to the node's disk every this many applied entries, like
   * etcd's backend batch commit (0, the default: only raft snapshots persist
   * state). On restart the member starts from that copy.
   */
  backendBatchLimit?: number;
  /**
   * Proposes an alarm through raft. Called during apply when a request did
   * not fit the quota and no NOSPACE alarm is active (etcd raises it from a
   * goroutine): propose later, not from inside this call. Without it the
   * request waits in pendingAlarms for the server to propose.
   */
  proposeAlarm?: (req: AlarmRequest) => void;
  /** Decodings shared with the other members of a simulated cluster (they apply the same entry objects). */
  decodedEntries?: DecodedEntries;
  /**
   * The request path's waiters on this member. A request's waiter is taken
   * before it applies and handed the result after: a waiter takes it, so it
   * is not kept for takeResult. With no waiter and no results kept
   * (resultCapacity 0), the applier need not build the response: a put on a
   * member that did not propose it skips it.
   */
  waiters?: ResultWaiters;
}

/** Who waits on a member for the results of the requests it proposed. */
export interface ResultWaiters {
  /** Request id's waiter here, removed; undefined if there is none. */
  take(id: RequestID): unknown;
  /** Hands a taken waiter its request's result. */
  deliver(waiter: unknown, res: ApplyResult): void;
}

/** What a member's state machine is built with (the cluster's StateMachineContext fits). */
/** What a member hands its state machine; tests may build one by hand with less. */
export interface MemberContext {
  nodeId: string;
  disk?: NodeDisk;
  log?: StateMachineContext['log'];
  now?: () => number;
  clusterId?: string;
}

export class EtcdStateMachine implements StateMachine {
  readonly memberId: string;
  readonly kv: KVStore;
  /** Made on the first watch: until then commits build no events for it. */
  private watchableStore: WatchableStore | undefined;
  readonly lessor: Lessor;
  readonly auth: AuthStore;
  readonly alarms = new AlarmStore();
  readonly applier: ApplierV3;
  /** NOSPACE activations waiting to be proposed (when no proposeAlarm hook is set). */
  readonly pendingAlarms: AlarmRequest[] = [];
  /** The term of the last applied entry (etcd's s.Term() in response headers). */
  term = 0;
  private clusterIdOf: () => string;
  private clock: { now(): number };
  private readonly disk: NodeDisk | undefined;
  private readonly log: MemberContext['log'];
  private readonly decoded: DecodedEntries | undefined;
  private readonly resultCapacity: number;
  /**
   * The last resultCapacity results not taken yet, by request ID: a ring of
   * IDs and one of results, ringPos the oldest slot. Kept as rings, not a
   * Map, since nearly every result is taken at once by the waiter or never
   * asked for (on the other members): a map's insert and delete per request
   * cost more than the rare takeResult's scan.
   */
  private readonly ring: (RequestID | undefined)[];
  private readonly ringResults: (ApplyResult | undefined)[];
  private ringPos = 0;
  private readonly batchLimit: number;
  private uncommitted = 0;
  private readonly emptyAuth: Uint8Array;

  constructor(
    ctx: MemberContext,
    private readonly opts: EtcdStateMachineOptions = {},
  ) {
    this.memberId = ctx.nodeId;
    this.disk = ctx.disk;
    this.log = ctx.log;
    // The cluster hands every member its clock and cluster ID; options override (tests).
    const cid = opts.clusterId ?? ctx.clusterId ?? '0';
    this.clusterIdOf = typeof cid === 'string' ? () => cid : cid;
    this.clock = opts.clock ?? { now: ctx.now ?? (() => 0) };
    this.resultCapacity = Math.max(0, opts.resultCapacity ?? DEFAULT_RESULT_CAPACITY);
    this.ring = new Array<RequestID | undefined>(this.resultCapacity).fill(undefined);
    this.ringResults = new Array<ApplyResult | undefined>(this.resultCapacity).fill(undefined);
    this.batchLimit = opts.backendBatchLimit ?? 0;
    this.decoded = opts.decodedEntries;

    this.lessor = new Lessor({ minLeaseTTL: opts.minLeaseTTL ?? minLeaseTTL(100, 1000) });
    // Requests come decoded from raft entries, which nobody changes: values are kept, not copied.
    this.kv = new KVStore({ quotaBytes: opts.quotaBytes, maxTxnOps: opts.maxTxnOps, adoptValues: true });
    this.kv.setLessor(this.lessor);
    this.lessor.setRangeDeleter(this.kv);
    const prng = new Prng(opts.seed ?? 1).fork(`auth/${this.memberId}`);
    this.auth = new AuthStore({ prng, clock: { now: () => this.clock.now() }, tokenTtlMs: opts.tokenTtlMs });
    this.emptyAuth = this.auth.snapshot();
    this.applier = new ApplierV3({
      kv: this.kv,
      lessor: this.lessor,
      auth: this.auth,
      alarms: this.alarms,
      memberId: this.memberId,
      clusterId: () => this.clusterIdOf(),
      now: () => this.clock.now(),
      log: (level, pkg, text) => this.log?.(level, pkg, text),
    });
    // Like etcd opening its db file: start from the backend the disk kept.
    const backend = this.disk?.get(BACKEND_KEY);
    if (backend) this.load(backend);
  }

  /** The watchers over kv; snapshots restore through it so they catch up. */
  get watchable(): WatchableStore {
    return (this.watchableStore ??= new WatchableStore(this.kv));
  }

  /** The watch store if any watcher ever opened here (a read that creates nothing). */
  get openWatchable(): WatchableStore | undefined {
    return this.watchableStore;
  }

  setClusterId(id: string | (() => string)): void {
    this.clusterIdOf = typeof id === 'string' ? () => id : id;
  }

  setClock(clock: { now(): number }): void {
    this.clock = clock;
  }

  /** The raft index of the last entry applied to the stores. */
  get consistentIndex(): number {
    return this.kv.consistentIndex;
  }

  /** StateMachine: applies one committed EntryNormal. */
  apply(e: Entry): void {
    if (e.index <= this.kv.consistentIndex) return; // already in the stores
    this.kv.consistentIndex = e.index;
    this.term = e.term;
    // An empty entry is a new leader's no-op: it only moves the index.
    if (e.data.length > 0) this.applyRequest(this.decoded ? this.decoded.request(e.index, e.data) : decodeInternalRaftRequest(e.data), e.index, e.term);
    this.wrote();
  }

  /** StateMachine: conf changes move the consistent index too (etcd sets it for every entry). */
  applyConfChange(e: Entry): void {
    if (e.index <= this.kv.consistentIndex) return;
    this.kv.consistentIndex = e.index;
    this.term = e.term;
    this.wrote();
  }

  /** Applies a decoded request (apply() without the entry bookkeeping) and records its result. */
  applyRequest(r: InternalRaftRequest, index: number, term: number): ApplyResult {
    const waiters = this.opts.waiters;
    const waiter = waiters?.take(r.header.ID);
    const quiet = waiter === undefined && waiters !== undefined && this.resultCapacity === 0;
    const res = this.applier.apply(r, index, term, quiet);
    if (res.err?.message === ErrNoSpace && !this.alarms.has('NOSPACE')) this.raiseNoSpace();
    if (waiter !== undefined) waiters!.deliver(waiter, res);
    else this.keep(r.header.ID, res);
    return res;
  }

  /** The result of request id, removed (undefined if unknown, taken or dropped). */
  takeResult(id: RequestID): ApplyResult | undefined {
    const ring = this.ring;
    const n = this.resultCapacity;
    // Newest first: a result is most likely asked for soon after it was applied.
    for (let k = 1; k <= n; k++) {
      const i = (this.ringPos - k + n) % n;
      if (ring[i] !== id) continue;
      const res = this.ringResults[i];
      ring[i] = undefined;
      this.ringResults[i] = undefined;
      return res;
    }
    return undefined;
  }

  /** Request ID -> result for the last resultCapacity requests not taken yet, oldest first (a copy). */
  get results(): ReadonlyMap<RequestID, ApplyResult> {
    const out = new Map<RequestID, ApplyResult>();
    const n = this.resultCapacity;
    for (let k = 0; k < n; k++) {
      const i = (this.ringPos + k) % n;
      const id = this.ring[i];
      if (id !== undefined) out.set(id, this.ringResults[i]!);
    }
    return out;
  }

  /** The pending alarm proposals, handed over once. */
  drainAlarms(): AlarmRequest[] {
    return this.pendingAlarms.splice(0);
  }

  hashKV(rev = 0): HashKVResult {
    return this.kv.hashKV(rev);
  }

  /** Keeps a result nobody here took, for takeResult. */
  private keep(id: RequestID, res: ApplyResult): void {
    if (this.resultCapacity === 0) return;
    // The slot of the oldest result, dropped if still there, takes this one.
    const pos = this.ringPos;
    this.ring[pos] = id;
    this.ringResults[pos] = res;
    this.ringPos = pos + 1 === this.resultCapacity ? 0 : pos + 1;
  }

  private raiseNoSpace(): void {
    this.log?.('W', 'etcdserver', 'applying raft message exceeded backend quota');
    const req: AlarmRequest = { action: 'ACTIVATE', memberID: this.memberId, alarm: 'NOSPACE' };
    if (this.opts.proposeAlarm) this.opts.proposeAlarm(req);
    else this.pendingAlarms.push(req);
  }

  /** Counts a write toward the next backend commit (snapshot() commits). */
  private wrote(): void {
    if (this.batchLimit > 0 && ++this.uncommitted >= this.batchLimit) this.snapshot();
  }

  private commit(bytes: Uint8Array): void {
    this.uncommitted = 0;
    this.disk?.put(BACKEND_KEY, bytes);
  }

  // ---- snapshots ----

  /** StateMachine: every store and the consistent index as one blob. */
  snapshot(): Uint8Array {
    const bytes = this.freezeStores()();
    // etcd commits its backend when it snapshots.
    if (this.batchLimit > 0) this.commit(bytes);
    return bytes;
  }

  /**
   * StateMachine: snapshot()'s blob as of now, encoded when first read. The
   * KV store (by far the largest part) is frozen, not copied; leases, auth
   * and alarms are small and encoded at once.
   */
  freeze(): () => Uint8Array {
    if (this.batchLimit > 0) {
      const bytes = this.snapshot();
      return () => bytes;
    }
    return this.freezeStores();
  }

  private freezeStores(): () => Uint8Array {
    const consistentIndex = this.kv.consistentIndex;
    const kv = this.kv.freeze();
    const lessor = this.lessor.snapshot();
    const auth = this.auth.snapshot();
    const alarms = this.alarms.get('NONE');
    let bytes: Uint8Array | undefined;
    return () => (bytes ??= encodeMemberSnapshot({ consistentIndex, kv: kv(), lessor, auth, alarms }));
  }

  /**
   * StateMachine: replaces the state with a raft snapshot's. A snapshot that is
   * not newer than the stores (a restart whose disk backend is ahead of the
   * raft snapshot) is ignored, as etcd keeps such a backend.
   */
  restore(d: Uint8Array): void {
    if (d.length === 0) {
      this.reset();
      return;
    }
    if (this.kv.consistentIndex > 0 && snapshotConsistentIndex(d) <= this.kv.consistentIndex) return;
    this.load(d);
    if (this.batchLimit > 0) this.commit(d);
  }

  private load(d: Uint8Array): void {
    const img = decodeMemberSnapshot(d);
    // Leases first: the KV store re-attaches its keys to them.
    this.lessor.restore(img.lessor);
    this.auth.restore(img.auth);
    (this.watchableStore ?? this.kv).restore(img.kv);
    this.alarms.load(img.alarms);
    this.applier.restoreAlarms();
  }

  private reset(): void {
    this.lessor.restore(encodeLeases([]));
    this.auth.restore(this.emptyAuth);
    (this.watchableStore ?? this.kv).restore(new Uint8Array(0));
    this.alarms.load([]);
    this.applier.restoreAlarms();
    this.term = 0;
  }
}

/** A StateMachineFactory for the simulated cluster: `new Cluster({ stateMachine: etcdStateMachineFactory(opts) })`. */
export function etcdStateMachineFactory(opts: EtcdStateMachineOptions = {}): StateMachineFactory {
  const shared = { decodedEntries: new DecodedEntries(), ...opts };
  return (ctx) => new EtcdStateMachine(ctx, shared);
}
