// A node's disk: everything that survives a crash. In etcd that is the WAL and
// snap files (raft's hard state, log and latest snapshot) plus the bbolt
// backend the state machine writes. Here the raft part is the MemoryStorage
// the host persists each Ready into, and the state machine gets a small
// key/value area. Synchronous, and exportable to plain JSON-safe data so
// IndexedDB or file adapters can save and load a disk behind this interface.
import type { MemoryStorage } from '../raft/storage.ts';
import { type DiskObserver, JournaledStorage } from './journal.ts';
import type { ConfState, EntryType, HardState, NodeId } from '../raft/types.ts';
import { fromBase64, toBase64 } from '../util/bytes.ts';

export interface NodeDisk {
  /** Raft's stable storage: hard state, log entries and latest snapshot. */
  readonly raft: MemoryStorage;
  /** A value the state machine persisted, or undefined. */
  get(key: string): Uint8Array | undefined;
  put(key: string, value: Uint8Array): void;
  delete(key: string): void;
  keys(): string[];
  /** The whole disk as plain data (see DiskImage). */
  export(): DiskImage;
  /**
   * Cheap marks that change whenever the matching part of the disk does, so a
   * saver can write only what changed since its last save (see DiskStamp).
   */
  stamp(): DiskStamp;
  /**
   * Optional: called by the host once it has persisted a Ready, before it
   * sends the Ready's messages (an adapter writes what it gathered).
   */
  flush?(): void;
  /**
   * Optional: makes every write so far durable (a file adapter's fsync). A
   * host that calls it once per Ready, after persisting and before sending,
   * gets etcd's one-fsync-per-Ready; without it the adapter syncs on its own.
   */
  sync?(): void;
}

/**
 * Change marks for a disk's three parts. The log mark uses raft's log
 * matching property: an entry's index and term identify it and everything
 * before it, so (first index, last index, last term) and the hard state pin
 * down the whole stored log. A snapshot is pinned by its index and term.
 */
export interface DiskStamp {
  log: string;
  snapshot: string;
  /** Bumped on every put and delete of the key/value area. */
  kv: number;
}

export interface EntryImage {
  term: number;
  index: number;
  type: EntryType;
  /** base64 */
  data: string;
}

/** A disk as plain, JSON-safe data: bytes are base64 strings. */
export interface DiskImage {
  version: 1;
  /** The node this disk belongs to, so a loader can check it mounts the right one. */
  nodeId: NodeId;
  hardState: HardState;
  snapshot: { data: string; index: number; term: number; confState: ConfState };
  /** Index and term of the last compacted entry (the log's dummy head; may be below the snapshot). */
  logOffset: { index: number; term: number };
  entries: EntryImage[];
  kv: Record<string, string>;
}

// Encoded bytes by array: log entries and snapshots are never mutated once
// written, so a repeated export (a saver's, every few frames) encodes only
// what is new.
const b64 = new WeakMap<Uint8Array, string>();
function cachedBase64(b: Uint8Array): string {
  if (b.length === 0) return '';
  let s = b64.get(b);
  if (s === undefined) b64.set(b, (s = toBase64(b)));
  return s;
}

export class MemoryDisk implements NodeDisk {
  readonly raft: MemoryStorage;
  private kv = new Map<string, Uint8Array>();
  private kvWrites = 0;
  private kvObserver: DiskObserver | undefined;

  constructor(
    readonly nodeId: NodeId,
    raft: MemoryStorage = new JournaledStorage(),
  ) {
    this.raft = raft;
  }

  /**
   * Hands every later write (raft's and the key/value area's) to obs, or
   * stops with undefined. False if this disk's raft storage cannot report
   * its writes (one built around a plain MemoryStorage).
   */
  observe(obs: DiskObserver | undefined): boolean {
    if (!(this.raft instanceof JournaledStorage)) return false;
    this.raft.observer = obs;
    this.kvObserver = obs;
    return true;
  }

  get(key: string): Uint8Array | undefined {
    return this.kv.get(key);
  }

  flush(): void {
    this.kvObserver?.flush?.();
  }

  put(key: string, value: Uint8Array): void {
    this.kv.set(key, value);
    this.kvWrites++;
    this.kvObserver?.kv(key, value);
  }

  delete(key: string): void {
    if (!this.kv.delete(key)) return;
    this.kvWrites++;
    this.kvObserver?.kv(key, undefined);
  }

  stamp(): DiskStamp {
    const st = this.raft;
    const hs = st.hardState;
    const head = st.ents[0]!;
    const last = st.ents[st.ents.length - 1]!;
    const m = st.snap.metadata;
    return {
      log: `${hs.term}/${hs.vote}/${hs.commit}/${head.index}/${head.term}/${last.index}/${last.term}`,
      snapshot: `${m.index}/${m.term}`,
      kv: this.kvWrites,
    };
  }

  keys(): string[] {
    return [...this.kv.keys()].sort();
  }

  export(): DiskImage {
    const st = this.raft;
    const snap = st.snap;
    const head = st.ents[0]!;
    const kv: Record<string, string> = {};
    for (const k of this.keys()) kv[k] = cachedBase64(this.kv.get(k)!);
    return {
      version: 1,
      nodeId: this.nodeId,
      hardState: { ...st.hardState },
      snapshot: {
        data: cachedBase64(snap.data),
        index: snap.metadata.index,
        term: snap.metadata.term,
        confState: { voters: [...snap.metadata.confState.voters], learners: [...snap.metadata.confState.learners] },
      },
      logOffset: { index: head.index, term: head.term },
      entries: st.ents.slice(1).map((e) => ({ term: e.term, index: e.index, type: e.type, data: cachedBase64(e.data) })),
      kv,
    };
  }

  /** A disk from its image; throws a DiskImageError naming what is wrong with a damaged one. */
  static import(img: DiskImage): MemoryDisk {
    checkDiskImage(img);
    const st = new JournaledStorage();
    st.hardState = { ...img.hardState };
    st.snap = {
      data: fromBase64(img.snapshot.data),
      metadata: {
        index: img.snapshot.index,
        term: img.snapshot.term,
        confState: { voters: [...img.snapshot.confState.voters], learners: [...img.snapshot.confState.learners] },
      },
    };
    st.ents = [
      { term: img.logOffset.term, index: img.logOffset.index, type: 'EntryNormal', data: new Uint8Array(0) },
      ...img.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: fromBase64(e.data) })),
    ];
    const disk = new MemoryDisk(img.nodeId, st);
    for (const [k, v] of Object.entries(img.kv)) disk.put(k, fromBase64(v));
    return disk;
  }
}

/** A disk image that cannot be mounted: torn, truncated or not a disk image at all. */
export class DiskImageError extends Error {
  constructor(what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.name = 'DiskImageError';
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks that x is a whole, self-consistent disk image: the right shapes,
 * a contiguous log right after its offset, a commit index and a snapshot
 * inside the log, well-formed base64. What a torn or hand-edited record
 * breaks shows up here rather than deep in raft.
 */
export function checkDiskImage(x: unknown): asserts x is DiskImage {
  const who = isObj(x) && isStr(x.nodeId) ? `disk of member ${x.nodeId}` : 'disk image';
  const bad = (detail: string): never => {
    throw new DiskImageError(who, detail);
  };
  if (!isObj(x)) return bad('not an object');
  if (x.version !== 1) return bad(`unsupported disk image version ${String(x.version)}`);
  if (!isStr(x.nodeId)) bad('no member ID');
  const hs = x.hardState;
  if (!isObj(hs) || !isNat(hs.term) || !isStr(hs.vote) || !isNat(hs.commit)) return bad('bad hard state');
  const snap = x.snapshot;
  if (!isObj(snap) || !isStr(snap.data) || !B64.test(snap.data) || !isNat(snap.index) || !isNat(snap.term)) return bad('bad snapshot');
  const cs = snap.confState;
  if (!isObj(cs) || !Array.isArray(cs.voters) || !Array.isArray(cs.learners) || ![...cs.voters, ...cs.learners].every(isStr)) {
    return bad('bad snapshot membership');
  }
  const off = x.logOffset;
  if (!isObj(off) || !isNat(off.index) || !isNat(off.term)) return bad('bad log offset');
  if (!Array.isArray(x.entries)) return bad('no log entries');
  const offset = off.index;
  let prevTerm = off.term;
  x.entries.forEach((e: unknown, i: number) => {
    const want = offset + 1 + i;
    if (!isObj(e) || !isNat(e.index) || !isNat(e.term) || !isStr(e.data) || !B64.test(e.data)) bad(`bad log entry at position ${i}`);
    const ent = e as unknown as EntryImage;
    if (ent.index !== want) bad(`log has a gap: entry ${ent.index} where ${want} belongs`);
    if (ent.type !== 'EntryNormal' && ent.type !== 'EntryConfChange') bad(`log entry ${want} has unknown type ${String(ent.type)}`);
    if (ent.term < prevTerm) bad(`log entry ${want} has term ${ent.term} below the previous entry's ${prevTerm}`);
    prevTerm = ent.term;
  });
  const last = offset + x.entries.length;
  if (hs.commit > last) bad(`commit index ${hs.commit} is past the last log entry ${last}`);
  if (snap.index > last) bad(`snapshot at ${snap.index} is past the last log entry ${last}`);
  if (!isObj(x.kv) || !Object.values(x.kv).every((v) => isStr(v) && B64.test(v))) bad('bad key/value area');
}
