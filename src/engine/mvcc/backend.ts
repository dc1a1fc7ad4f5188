// The backend: etcd's "key" bucket in bbolt, a map from revision to the
// KeyValue written at it (tombstones marked), ordered by revision so that
// compaction, hashing, snapshots and watch catch-up can scan revision ranges.
//
// It also models the database file's size the way operators see it: the file
// grows with writes, compaction frees pages inside it (dbSizeInUse drops) but
// the file keeps its size (dbSize) until a defragment rewrites it.
import { intField, varintSize } from './pbsize.ts';
import { NO_LEASE, leaseVarintSize, type LeaseID } from './lease-id.ts';

/** One stored version of a key (mvccpb.KeyValue as etcd marshals it into the bucket). */
/** The value of tombstones and of puts without one (shared: nobody writes into a stored value). */
export const EMPTY_VALUE = new Uint8Array(0);

export class KvRecord {
  constructor(
    /** Binary string. */
    readonly key: string,
    /** Never changed once stored (it may be a view into the raft entry it came from); empty for a tombstone. */
    readonly value: Uint8Array,
    readonly createRevision: number,
    readonly modRevision: number,
    readonly version: number,
    /** NO_LEASE ('0') for none. */
    readonly lease: LeaseID,
    /** A delete marker (etcd appends 't' to the revision key of these). */
    readonly tombstone: boolean,
  ) {}
}

/** bbolt's page size: the file grows and is measured in whole pages. */
export const PAGE_SIZE = 4096;
/** A fresh etcd 3.4 db: 5 pages on disk, 4 of them in use (meta x2, freelist, root). */
const INITIAL_FILE = 5 * PAGE_SIZE;
const INITIAL_IN_USE = 4 * PAGE_SIZE;
/** Per record: the 17-byte revision key (+1 't' for tombstones) and bbolt's 16-byte leaf element header. */
const ENTRY_OVERHEAD = 17 + 16;
/**
 * Pages are not full (bbolt splits them, etcd fills sequential writes to
 * 90%) and branch pages come on top: calibrated on etcd 3.4.23 (within ~3%), where 10,000
 * puts of 256-byte values under 9-byte keys grow the file by ~3.8 MB.
 */
const PAGE_FILL = 0.8;


/** Size of the marshalled mvccpb.KeyValue (proto3: zero fields are left out). */
function kvSize(r: KvRecord): number {
  let n = 1 + varintSize(r.key.length) + r.key.length;
  if (r.tombstone) return n + 1;
  n += intField(r.createRevision) + intField(r.modRevision) + intField(r.version);
  if (r.lease !== NO_LEASE) n += 1 + leaseVarintSize(r.lease);
  if (r.value.length > 0) n += 1 + varintSize(r.value.length) + r.value.length;
  return n;
}

/** Bytes of db file one record takes, page overhead included. */
export function recordBytes(r: KvRecord): number {
  return Math.ceil((ENTRY_OVERHEAD + kvSize(r)) / PAGE_FILL);
}

function roundToPages(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

/** The first `count` records of a backend at the time it was frozen, in revision order. */
export interface FrozenRecords {
  readonly revs: readonly number[];
  readonly recs: readonly KvRecord[];
  readonly count: number;
}

/**
 * The records as two parallel arrays sorted by revision, not a B-tree:
 * revisions only grow, so a write is an append, a read a binary search, a
 * scan a walk, and compaction one pass. Cheaper and smaller than tree nodes.
 */
export class Backend {
  private revs: number[] = [];
  private recs: KvRecord[] = [];
  private inUse = INITIAL_IN_USE;
  private fileSize = INITIAL_FILE;
  /** A frozen view shares the arrays: the next in-place change copies them first. */
  private shared = false;

  get count(): number {
    return this.revs.length;
  }

  /** The db file's size in bytes (etcd's dbSize). */
  get size(): number {
    return this.fileSize;
  }

  /** Bytes of the file holding live data (etcd's dbSizeInUse). */
  get sizeInUse(): number {
    return roundToPages(this.inUse);
  }

  get(rev: number): KvRecord | undefined {
    const i = this.lowerBound(rev);
    return this.revs[i] === rev ? this.recs[i] : undefined;
  }

  /** Stores a record; revisions only ever grow, so this appends (else it lands in order, replacing an equal one). */
  put(rev: number, r: KvRecord): void {
    const revs = this.revs;
    const n = revs.length;
    if (n === 0 || rev > revs[n - 1]!) {
      revs.push(rev);
      this.recs.push(r);
    } else {
      this.unshare();
      const i = this.lowerBound(rev);
      if (this.revs[i] === rev) this.recs[i] = r;
      else {
        this.revs.splice(i, 0, rev);
        this.recs.splice(i, 0, r);
      }
    }
    this.inUse += recordBytes(r);
    // Freed pages are reused first; the file only grows past its high-water mark.
    const needed = roundToPages(this.inUse) + PAGE_SIZE;
    if (needed > this.fileSize) this.fileSize = needed;
  }

  /** Visits records with from <= rev < to in revision order; stop by returning true. */
  scan(from: number, to: number, fn: (rev: number, r: KvRecord) => boolean | void): void {
    if (from >= to) return;
    const revs = this.revs;
    const recs = this.recs;
    for (let i = this.lowerBound(from); i < revs.length && revs[i]! < to; i++) {
      if (fn(revs[i]!, recs[i]!) === true) return;
    }
  }

  /**
   * The records as they are now, cheaply: a later append leaves the shared
   * prefix alone, and any other change copies the arrays first. Records are
   * never mutated, so the view stays exact for as long as it is kept.
   */
  freeze(): FrozenRecords {
    this.shared = true;
    return { revs: this.revs, recs: this.recs, count: this.revs.length };
  }

  /** Removes the records below rev `to` that are not in keep (compaction); returns how many. */
  removeBelow(to: number, keep: Set<number>): number {
    this.unshare();
    const revs = this.revs;
    const recs = this.recs;
    const n = revs.length;
    let freed = 0;
    let w = 0;
    let i = 0;
    for (; i < n && revs[i]! < to; i++) {
      if (keep.has(revs[i]!)) {
        revs[w] = revs[i]!;
        recs[w++] = recs[i]!;
      } else {
        freed += recordBytes(recs[i]!);
      }
    }
    const removed = i - w;
    if (removed > 0) {
      revs.copyWithin(w, i);
      recs.copyWithin(w, i);
      revs.length = n - removed;
      recs.length = n - removed;
    }
    this.inUse -= freed;
    return removed;
  }

  /** Rewrites the file to its live pages only (etcd's defragment). */
  defragment(): void {
    this.fileSize = roundToPages(this.inUse) + PAGE_SIZE;
  }

  /** Empties the backend (before a restore). */
  reset(): void {
    this.revs = [];
    this.recs = [];
    this.shared = false;
    this.inUse = INITIAL_IN_USE;
    this.fileSize = INITIAL_FILE;
  }

  /** After a restore: a snapshot carries the sender's file size (never below what the data needs). */
  setFileSize(bytes: number): void {
    this.fileSize = Math.max(bytes, roundToPages(this.inUse) + PAGE_SIZE);
  }

  private unshare(): void {
    if (!this.shared) return;
    this.revs = this.revs.slice();
    this.recs = this.recs.slice();
    this.shared = false;
  }

  /** The index of the first revision >= rev (revs.length if none). */
  private lowerBound(rev: number): number {
    const revs = this.revs;
    let lo = 0;
    let hi = revs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (revs[mid]! < rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
