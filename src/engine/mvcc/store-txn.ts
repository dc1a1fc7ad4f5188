// Read and write txns on the store (etcd mvcc/kvstore_txn.go). They work on
// binary strings; the request layer (kv-*.ts) converts bytes at the edge.
//
// A write txn's changes all get main revision beginRev + 1 with sub revisions
// 0, 1, 2, ... in order; reads inside it see its own earlier writes; the store
// revision moves only when the txn ends having changed something.
import { fromBinary, type RangeEnd } from './binary.ts';
import { Backend, EMPTY_VALUE, KvRecord } from './backend.ts';
import { ErrCompacted, ErrFutureRev, KvError } from './errors.ts';
import { NO_LEASE, type LeaseID } from './lease-id.ts';
import { packRev } from './revision.ts';
import type { TreeIndex } from './tree-index.ts';
import type { LeaseHooks, RangeOptions } from './types.ts';

/** The store state the txns work on (implemented by KVStore). */
export interface StoreCore {
  readonly index: TreeIndex;
  readonly backend: Backend;
  currentRev: number;
  /** -1 until the first compaction (etcd's compactMainRev). */
  compactMainRev: number;
  lessor: LeaseHooks | undefined;
  /** Put values are kept as given rather than copied (StoreOptions.adoptValues). */
  readonly adoptValues: boolean;
  /** Called once per write txn that changed something, after the revision moved. */
  committed(changes: readonly KvRecord[], prevs: readonly (KvRecord | undefined)[], rev: number): void;
}

/** A store-level range result (mvcc.RangeResult): records, all matches counted, and the header revision. */
export interface RangeResult {
  records: KvRecord[];
  count: number;
  rev: number;
}

/** What reads need: etcd's mvcc.ReadView. */
export interface ReadView {
  /** Read txn: the current revision. Write txn: the revision before it (etcd's Rev()). */
  rev(): number;
  /** The compact revision: reads below it fail. */
  firstRev(): number;
  range(key: string, end: RangeEnd, ro: RangeOptions): RangeResult;
}

/**
 * Reads [key, end) at ro.rev (or curRev): a future revision or one below the
 * compact revision fails; count is every match, records at most ro.limit.
 */
export function rangeKeys(s: StoreCore, key: string, end: RangeEnd, curRev: number, ro: RangeOptions): RangeResult {
  let rev = ro.rev ?? 0;
  if (rev > curRev) throw new KvError(ErrFutureRev);
  if (rev <= 0) rev = curRev;
  if (rev < s.compactMainRev) throw new KvError(ErrCompacted);
  const records: KvRecord[] = [];
  if (ro.count) {
    return { records, count: s.index.visit(key, end, rev, noop), rev: curRev };
  }
  const revs: number[] = [];
  const count = s.index.revisions(key, end, rev, ro.limit ?? 0, revs);
  for (let i = 0; i < revs.length; i++) records.push(s.backend.get(revs[i]!)!);
  return { records, count, rev: curRev };
}

function noop(): void {}

/** A read txn at the store's current revision. */
export class ReadTxn implements ReadView {
  constructor(private readonly s: StoreCore) {}

  rev(): number {
    return this.s.currentRev;
  }

  firstRev(): number {
    return this.s.compactMainRev;
  }

  range(key: string, end: RangeEnd, ro: RangeOptions): RangeResult {
    return rangeKeys(this.s, key, end, this.s.currentRev, ro);
  }
}

/**
 * The store's write txn. There is one per store, reused: begin() it, write,
 * end() it. Nothing else may write while it is open.
 */
export class WriteTxn implements ReadView {
  private beginRev = 0;
  private open = false;
  private readonly changes: KvRecord[] = [];
  /**
   * How many of changes (and prevs) are this txn's. The arrays are not
   * emptied between txns, only overwritten and cut to size at the end: an
   * array set to length 0 drops its storage, and each txn would allocate it anew.
   */
  private n = 0;
  /** For each change, the version it replaced (for events' prevKv). */
  private readonly prevs: (KvRecord | undefined)[] = [];

  constructor(private readonly s: StoreCore) {}

  begin(): this {
    if (this.open) throw new Error('mvcc: a write txn is already open');
    this.open = true;
    this.beginRev = this.s.currentRev;
    this.n = 0;
    return this;
  }

  rev(): number {
    return this.beginRev;
  }

  firstRev(): number {
    return this.s.compactMainRev;
  }

  /** How many writes this txn has made so far. */
  get changeCount(): number {
    return this.n;
  }

  /** The revision reads see, and a response header carries: this txn's writes count once it made some. */
  readRev(): number {
    return this.n > 0 ? this.beginRev + 1 : this.beginRev;
  }

  range(key: string, end: RangeEnd, ro: RangeOptions): RangeResult {
    return rangeKeys(this.s, key, end, this.readRev(), ro);
  }

  /** Whether put values are kept as given (StoreOptions.adoptValues). */
  get adoptValues(): boolean {
    return this.s.adoptValues;
  }

  /** Puts key = value with lease; returns the write's revision. */
  put(key: string, value: Uint8Array, lease: LeaseID): number {
    const s = this.s;
    const rev = this.beginRev + 1;
    const ki = s.index.keyIndex(key); // looked up once for both the read and the write
    const prevRev = ki === undefined ? -1 : ki.get(rev);
    const prev = prevRev < 0 ? undefined : ki!.latestPutRev === prevRev ? ki!.latestPut : s.backend.get(prevRev);
    // Every version of a key shares the index's copy of its string; the
    // request's copy dies young.
    if (ki !== undefined) key = ki.key;
    // The key's create revision and version carry on within its generation.
    const rec = new KvRecord(key, value, prev ? prev.createRevision : rev, rev, prev ? prev.version + 1 : 1, lease, false);
    const packed = packRev(rev, this.n);
    s.backend.put(packed, rec);
    const index = s.index.putAt(ki, key, packed);
    index.latestPutRev = packed;
    index.latestPut = rec;
    this.record(rec, prev);
    const oldLease = prev ? prev.lease : NO_LEASE;
    if (s.lessor && (oldLease !== NO_LEASE || lease !== NO_LEASE)) {
      const k = [fromBinary(key)];
      if (oldLease !== NO_LEASE) s.lessor.detach(oldLease, k);
      if (lease !== NO_LEASE) s.lessor.attach(lease, k);
    }
    return rev;
  }

  /** Deletes the keys in range alive now; returns how many. Deleting nothing changes nothing. */
  deleteRange(key: string, end: RangeEnd): number {
    const keys = this.s.index.keys(key, end, this.readRev());
    for (let i = 0; i < keys.length; i++) this.delete(keys[i]!);
    return keys.length;
  }

  private delete(key: string): void {
    const s = this.s;
    const rev = this.beginRev + 1;
    const prev = s.backend.get(s.index.get(key, rev));
    const packed = packRev(rev, this.n);
    // etcd stores a bare KeyValue{Key} under the revision marked 't'.
    const rec = new KvRecord(key, EMPTY_VALUE, 0, rev, 0, NO_LEASE, true);
    s.backend.put(packed, rec);
    s.index.tombstone(key, packed);
    this.record(rec, prev);
    if (s.lessor && prev && prev.lease !== NO_LEASE) s.lessor.detach(prev.lease, [fromBinary(key)]);
  }

  private record(rec: KvRecord, prev: KvRecord | undefined): void {
    this.changes[this.n] = rec;
    this.prevs[this.n] = prev;
    this.n++;
  }

  /** Ends the txn: if it wrote anything the store moves to its revision and observers hear of it. */
  end(): void {
    if (!this.open) throw new Error('mvcc: no write txn is open');
    this.open = false;
    if (this.n > 0) {
      if (this.changes.length !== this.n) {
        this.changes.length = this.n;
        this.prevs.length = this.n;
      }
      const rev = this.beginRev + 1;
      this.s.currentRev = rev;
      // Observers get events built before they run, so one may start a new txn.
      this.s.committed(this.changes, this.prevs, rev);
    }
  }
}
