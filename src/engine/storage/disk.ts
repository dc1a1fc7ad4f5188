// A node's disk: everything that survives a crash. In etcd that is the WAL and
// snap files (raft's hard state, log and latest snapshot) plus the bbolt
// backend the state machine writes. Here the raft part is the MemoryStorage
// the host persists each Ready into, and the state machine gets a small
// key/value area. Synchronous, and exportable to plain JSON-safe data so
// IndexedDB or file adapters can save and load a disk behind this interface.
import { MemoryStorage } from '../raft/storage.ts';
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

export class MemoryDisk implements NodeDisk {
  readonly raft: MemoryStorage;
  private kv = new Map<string, Uint8Array>();

  constructor(
    readonly nodeId: NodeId,
    raft: MemoryStorage = new MemoryStorage(),
  ) {
    this.raft = raft;
  }

  get(key: string): Uint8Array | undefined {
    return this.kv.get(key);
  }

  put(key: string, value: Uint8Array): void {
    this.kv.set(key, value);
  }

  delete(key: string): void {
    this.kv.delete(key);
  }

  keys(): string[] {
    return [...this.kv.keys()].sort();
  }

  export(): DiskImage {
    const st = this.raft;
    const snap = st.snap;
    const head = st.ents[0]!;
    const kv: Record<string, string> = {};
    for (const k of this.keys()) kv[k] = toBase64(this.kv.get(k)!);
    return {
      version: 1,
      nodeId: this.nodeId,
      hardState: { ...st.hardState },
      snapshot: {
        data: toBase64(snap.data),
        index: snap.metadata.index,
        term: snap.metadata.term,
        confState: { voters: [...snap.metadata.confState.voters], learners: [...snap.metadata.confState.learners] },
      },
      logOffset: { index: head.index, term: head.term },
      entries: st.ents.slice(1).map((e) => ({ term: e.term, index: e.index, type: e.type, data: toBase64(e.data) })),
      kv,
    };
  }

  static import(img: DiskImage): MemoryDisk {
    if (img.version !== 1) throw new Error(`unsupported disk image version ${String(img.version)}`);
    const st = new MemoryStorage();
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
