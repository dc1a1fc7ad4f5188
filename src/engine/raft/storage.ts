// The stable log raft reads from, as etcd-io/raft's Storage interface, plus
// MemoryStorage: the in-memory implementation the host writes each Ready into.
import {
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
  type SnapshotMetadata,
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrUnavailable,
  RaftError,
  emptyHardState,
  emptySnapshot,
} from './types.ts';

export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at least one if any, limited to about maxSize bytes. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  term(i: number): number;
  lastIndex(): number;
  firstIndex(): number;
  snapshot(): Snapshot;
}

export function entrySize(e: Entry): number {
  return e.data.length + 24;
}

/** Keeps a prefix of ents whose total size stays under maxSize (always at least one). */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]!);
    if (size > maxSize) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/** A snapshot whose data is read(), called on first access (read caches its bytes itself). */
function lazySnapshot(read: () => Uint8Array, metadata: SnapshotMetadata): Snapshot {
  return {
    get data() {
      return read();
    },
    metadata,
  };
}

export class MemoryStorage implements Storage {
  hardState: HardState = emptyHardState();
  snap: Snapshot = emptySnapshot();
  /** ents[0] is a dummy entry holding the snapshot's index and term. */
  ents: Entry[] = [{ term: 0, index: 0, type: 'EntryNormal', data: new Uint8Array(0) }];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new RaftError(ErrCompacted);
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    if (this.ents.length === 1) throw new RaftError(ErrUnavailable);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new RaftError(ErrCompacted);
    if (i - offset >= this.ents.length) throw new RaftError(ErrUnavailable);
    return this.ents[i - offset]!.term;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with a snapshot (a follower installing MsgSnap). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new RaftError(ErrSnapOutOfDate);
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'EntryNormal', data: new Uint8Array(0) }];
  }

  /**
   * Records a snapshot of the applied state at index i (i must be applied and
   * in the log). The data may be a function giving the bytes when first read.
   */
  createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array | (() => Uint8Array)): Snapshot {
    if (i <= this.snap.metadata.index) throw new RaftError(ErrSnapOutOfDate);
    const offset = this.ents[0]!.index;
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    const metadata = { index: i, term: this.ents[i - offset]!.term, confState: cs ?? this.snap.metadata.confState };
    this.snap = typeof data === 'function' ? lazySnapshot(data, metadata) : { data, metadata };
    return this.snap;
  }

  /** Discards entries before compactIndex; the entry at compactIndex becomes the dummy. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new RaftError(ErrCompacted);
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const head = this.ents[i]!;
    this.ents = [{ term: head.term, index: head.index, type: 'EntryNormal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /** Appends entries, truncating any conflicting suffix first. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // all already compacted
    let ents = entries;
    if (first > ents[0]!.index) ents = ents.slice(first - ents[0]!.index);
    const offset = ents[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${ents[0]!.index}]`);
    }
    if (offset < this.ents.length) this.ents.length = offset;
    for (const e of ents) this.ents.push(e);
  }
}
