// The MVCC key-value store (etcd mvcc/kvstore.go plus the KV part of its
// applier): a revisioned history of every key, read at any uncompacted
// revision, written through txns that each make one new revision.
//
// An empty store is at revision 1; the first write makes 2. The store answers
// etcdserverpb KV requests (range, put, deleteRange, txn, compact), validating
// them as etcd's gRPC layer does, and throws KvError with etcd's texts.
// Pure and deterministic: it can be a raft state machine's kv part.
import { fromBinary, toBinary } from './binary.ts';
import { Backend, type FrozenRecords, KvRecord } from './backend.ts';
import { ErrCompacted, ErrFutureRev, ErrLeaseNotFound, ErrNoSpace, KvError } from './errors.ts';
import { toEvent, txnEvents } from './events.ts';
import { hashAll, hashKV } from './hash.ts';
import { applyRange } from './kv-range.ts';
import { applyTxn } from './kv-txn.ts';
import { applyDeleteRange, applyPut, applyPutQuietly } from './kv-write.ts';
import { NO_LEASE, type LeaseID } from './lease-id.ts';
import { firstOfMain } from './revision.ts';
import {
  header,
  type CompactionRequest,
  type CompactionResponse,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  type HashKVResult,
  type PutRequest,
  type PutResponse,
  type RangeRequest,
  type RangeResponse,
  type TxnRequest,
  type TxnResponse,
} from './rpc.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import { ReadTxn, WriteTxn, type ReadView, type StoreCore } from './store-txn.ts';
import { TreeIndex } from './tree-index.ts';
import { checkDeleteRequest, checkIntervals, checkPutRequest, checkRangeRequest, checkTxnRequest } from './txn-check.ts';
import {
  DEFAULT_MAX_TXN_OPS,
  DEFAULT_QUOTA_BYTES,
  type CommitObserver,
  type Event,
  type LeaseHooks,
  type StoreOptions,
} from './types.ts';

export class KVStore implements StoreCore {
  readonly index = new TreeIndex();
  readonly backend = new Backend();
  currentRev = 1;
  /** -1 until the first compaction, as in etcd. */
  compactMainRev = -1;
  /** Raft index of the last entry applied to the store (the server sets it; kept in snapshots). */
  consistentIndex = 0;
  lessor: LeaseHooks | undefined;
  readonly maxTxnOps: number;
  readonly quotaBytes: number;
  readonly adoptValues: boolean;

  private readonly observers: CommitObserver[] = [];
  private readonly rtx: ReadTxn = new ReadTxn(this);
  private readonly wtx: WriteTxn = new WriteTxn(this);

  constructor(opts: StoreOptions = {}) {
    this.maxTxnOps = opts.maxTxnOps ?? DEFAULT_MAX_TXN_OPS;
    this.quotaBytes = opts.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.adoptValues = opts.adoptValues ?? false;
  }

  /** The current revision (header revision of reads). */
  get rev(): number {
    return this.currentRev;
  }

  /** The compact revision: reads below it fail (-1 before any compaction). */
  get compactRevision(): number {
    return this.compactMainRev;
  }

  // --- etcdserverpb KV requests -------------------------------------------

  range(r: RangeRequest): RangeResponse {
    checkRangeRequest(r);
    return applyRange(this.rtx, r);
  }

  put(r: PutRequest): PutResponse {
    return this.putWith(r, applyPut);
  }

  /** put() for a member whose answer nobody waits for: the same write, no response built. */
  putQuietly(r: PutRequest): void {
    this.putWith(r, applyPutQuietly);
  }

  private putWith<T>(r: PutRequest, write: (tx: WriteTxn, r: PutRequest) => T): T {
    checkPutRequest(r);
    const lease = r.lease ?? NO_LEASE;
    if (lease !== NO_LEASE && this.lessor && !this.lessor.exists(lease)) throw new KvError(ErrLeaseNotFound);
    const tx = this.wtx.begin();
    try {
      return write(tx, r);
    } finally {
      tx.end();
    }
  }

  deleteRange(r: DeleteRangeRequest): DeleteRangeResponse {
    checkDeleteRequest(r);
    const tx = this.wtx.begin();
    try {
      return applyDeleteRange(tx, r);
    } finally {
      tx.end();
    }
  }

  txn(r: TxnRequest): TxnResponse {
    checkTxnRequest(r, this.maxTxnOps);
    checkIntervals(r.success ?? []);
    checkIntervals(r.failure ?? []);
    return applyTxn(this.rtx, this.wtx, this.lessor, r);
  }

  /**
   * Compacts to rev: superseded versions and tombstones at or below it are
   * removed for good; reads at rev still work. The store revision is unchanged.
   */
  compact(rev: number): CompactionResponse {
    if (rev <= this.compactMainRev) throw new KvError(ErrCompacted);
    if (rev > this.currentRev) throw new KvError(ErrFutureRev);
    this.compactMainRev = rev;
    const keep = this.index.compact(rev);
    this.backend.removeBelow(firstOfMain(rev + 1), keep);
    return { header: header(this.currentRev) };
  }

  compaction(r: CompactionRequest): CompactionResponse {
    return this.compact(r.revision);
  }

  // --- hooks for the watchable store and the lessor -------------------------

  /** Hears every committed write txn's events; returns a function that stops it. */
  onCommit(fn: CommitObserver): () => void {
    this.observers.push(fn);
    return () => {
      const i = this.observers.indexOf(fn);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** StoreCore: a write txn ended having changed something. */
  committed(changes: readonly KvRecord[], prevs: readonly (KvRecord | undefined)[], rev: number): void {
    if (this.observers.length === 0) return;
    const events = txnEvents(changes, prevs);
    for (const o of this.observers.slice()) o(events, rev);
  }

  /**
   * Connects the lessor (a lease.Lessor fits as is): puts and deletes then
   * attach and detach keys, and puts check leases exist.
   */
  setLessor(hooks: LeaseHooks | undefined): void {
    this.lessor = hooks;
  }

  /** The lease attached to key now (NO_LEASE: none, or no such key). */
  leaseOf(key: Uint8Array): LeaseID {
    const rev = this.index.get(toBinary(key), this.currentRev);
    return rev < 0 ? NO_LEASE : this.backend.get(rev)!.lease;
  }

  /**
   * Deletes keys in one write txn, one revision for all; returns how many
   * existed. This is the lessor's RangeDeleter: `lessor.setRangeDeleter(kv)`.
   */
  deleteKeys(keys: readonly Uint8Array[]): number {
    const tx = this.wtx.begin();
    let n = 0;
    try {
      for (const k of keys) n += tx.deleteRange(toBinary(k), undefined);
    } finally {
      tx.end();
    }
    return n;
  }

  /** A read view at the current revision. */
  read(): ReadView {
    return this.rtx;
  }

  /** The store's write txn, begun: write with binary strings, then end() it. */
  write(): WriteTxn {
    return this.wtx.begin();
  }

  /**
   * The events of revisions from..to (inclusive) still in the backend, in
   * order, without prevKv: what a catching-up watcher reads (etcd's kvsToEvents).
   */
  rangeEvents(from: number, to: number): Event[] {
    const out: Event[] = [];
    this.backend.scan(firstOfMain(Math.max(from, 0)), firstOfMain(to + 1), (_rev, r) => {
      out.push(toEvent(r, undefined));
    });
    return out;
  }

  // --- checksums, size, quota -------------------------------------------------

  /** Hash of the whole store (etcd's maintenance Hash); excludes the consistent index. */
  hash(): number {
    return hashAll(this);
  }

  /** etcd's HashKV: the kv history up to rev (0: current). */
  hashKV(rev = 0): HashKVResult {
    return hashKV(this, rev);
  }

  /** Size of the db file in bytes; only defragment() makes it smaller. */
  get dbSize(): number {
    return this.backend.size;
  }

  /** Bytes of the file in use; compaction lowers it. */
  get dbSizeInUse(): number {
    return this.backend.sizeInUse;
  }

  /** Rewrites the file to its in-use size. */
  defragment(): void {
    this.backend.defragment();
  }

  /** Whether a request adding about extraBytes would pass the space quota (etcd: size + cost >= quota). */
  quotaExceeded(extraBytes: number): boolean {
    return this.backend.size + extraBytes >= this.quotaBytes;
  }

  /** Throws etcd's "database space exceeded" if quotaExceeded(extraBytes). */
  checkQuota(extraBytes: number): void {
    if (this.quotaExceeded(extraBytes)) throw new KvError(ErrNoSpace);
  }

  // --- snapshots ----------------------------------------------------------------

  /** The whole store as bytes (records, revisions, compact revision, consistent index, size). */
  snapshot(): Uint8Array {
    return this.freeze()();
  }

  /**
   * The store as it is now, encoded only when asked: what snapshot() would
   * return at this moment, however the store changes afterwards. A raft
   * snapshot that is never read (nobody restarts from it, no follower needs
   * it) then costs no encoding, as etcd's backend is already on disk when it
   * snapshots.
   */
  freeze(): () => Uint8Array {
    let view: FrozenRecords | undefined = this.backend.freeze();
    const head = { currentRev: this.currentRev, compactMainRev: this.compactMainRev, consistentIndex: this.consistentIndex, dbSize: this.backend.size };
    let bytes: Uint8Array | undefined;
    return () => {
      if (bytes) return bytes;
      const v = view!;
      const records: [number, KvRecord][] = new Array(v.count);
      for (let i = 0; i < v.count; i++) records[i] = [v.revs[i]!, v.recs[i]!];
      bytes = encodeSnapshot({ ...head, records });
      view = undefined; // the arrays may go once encoded
      return bytes;
    };
  }

  /**
   * Replaces the store with a snapshot (empty bytes: an empty store). The
   * index is rebuilt from the records; a connected lessor is told each live
   * key's lease again, as etcd's restore re-attaches them.
   */
  restore(bytes: Uint8Array): void {
    this.index.clear();
    this.backend.reset();
    this.currentRev = 1;
    this.compactMainRev = -1;
    this.consistentIndex = 0;
    if (bytes.length === 0) return;
    const img = decodeSnapshot(bytes);
    for (const [rev, r] of img.records) {
      this.backend.put(rev, r);
      // A tombstone for a key with no live generation is skipped, as etcd only warns.
      if (r.tombstone) this.index.tombstone(r.key, rev);
      else this.index.put(r.key, rev);
    }
    this.currentRev = img.currentRev;
    this.compactMainRev = img.compactMainRev;
    this.consistentIndex = img.consistentIndex;
    this.backend.setFileSize(img.dbSize);
    if (this.lessor) {
      const lessor = this.lessor;
      this.index.visit('', '', this.currentRev, (k, rev) => {
        const lease = this.backend.get(rev)!.lease;
        if (lease !== NO_LEASE) lessor.attach(lease, [fromBinary(k)]);
      });
    }
  }
}
