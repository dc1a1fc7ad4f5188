// A member's write-ahead log writer: the DiskObserver (engine/storage/
// journal.ts) of one member's disk. Each write the engine's host makes to
// the disk while it persists a Ready (hard state, the Ready's entries, an
// installed snapshot) becomes one record appended to the current segment
// at once, with one write(2): a kill -9 at any later point finds it in the
// file, and since the host persists before it hands the Ready's messages
// to the network, nothing a member said is missing from its log. sync()
// then fsyncs what was written (fdatasync), once for everything since
// the last sync: the server calls it before any reply leaves the process.
//
// Snapshots go to their own snap file, written and synced before the WAL
// records that the snapshot is current. When the log is compacted after a
// snapshot and the segment has grown past etcd's 64 MB, a new segment
// starts with the whole surviving state (metadata, snapshot marker, hard
// state, the entries after the snapshot) and the old segments go.
import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, HardState, Snapshot } from '../../engine/raft/types.ts';
import type { DiskObserver } from '../../engine/storage/journal.ts';
import type { MemoryDisk } from '../../engine/storage/disk.ts';
import { type MemberPaths, listSegments, replaceFile, segmentName, snapName, syncDir, writeAll } from './files.ts';
import {
  type WalMeta,
  entriesRecord,
  kvFileRecord,
  metaRecord,
  snapFileRecord,
  snapMarkerRecord,
  stateRecord,
} from './records.ts';

/** etcd's wal.SegmentSizeBytes. */
export const SEGMENT_BYTES = 64 * 1000 * 1000;
/** etcd's default --max-snapshots. */
const KEEP_SNAPS = 5;

/** Counters for the figures (fsyncs/s and so on). */
export interface WalStats {
  records: number;
  bytes: number;
  fsyncs: number;
}

export class MemberWal implements DiskObserver {
  private fd = -1;
  private size = 0;
  private seq = 0;
  private dirty = false;
  /** A failed write: the engine's call must not throw, so the next sync does (etcd exits on a WAL error). */
  private failure: Error | undefined;
  readonly stats: WalStats = { records: 0, bytes: 0, fsyncs: 0 };

  private constructor(
    private readonly paths: MemberPaths,
    private readonly disk: MemoryDisk,
    private readonly meta: WalMeta,
    private readonly segmentBytes: number,
  ) {}

  /** A new WAL holding everything disk has now (a fresh member, or one that has no files yet). */
  static create(paths: MemberPaths, disk: MemoryDisk, meta: WalMeta, segmentBytes = SEGMENT_BYTES): MemberWal {
    mkdirSync(paths.wal, { recursive: true, mode: 0o700 });
    mkdirSync(paths.snap, { recursive: true, mode: 0o700 });
    const w = new MemberWal(paths, disk, meta, segmentBytes);
    const snap = disk.raft.snapshot();
    if (snap.metadata.index > 0) w.writeSnapFile(snap);
    if (disk.keys().length > 0) w.kv();
    w.cut(0);
    return w;
  }

  /** Appends to the last segment of a WAL recovery just read (and repaired). */
  static reopen(paths: MemberPaths, disk: MemoryDisk, meta: WalMeta, segmentBytes = SEGMENT_BYTES): MemberWal {
    const w = new MemberWal(paths, disk, meta, segmentBytes);
    const last = listSegments(paths.wal).segments.pop();
    if (!last) return MemberWal.create(paths, disk, meta, segmentBytes);
    w.seq = last.seq;
    w.fd = openSync(join(paths.wal, last.name), 'a');
    w.size = fstatSync(w.fd).size;
    return w;
  }

  // ---- DiskObserver ----

  hardState(hs: HardState): void {
    this.append(stateRecord(hs));
  }

  entries(ents: Entry[]): void {
    this.append(entriesRecord(ents));
  }

  snapshot(snap: Snapshot, how: 'applied' | 'created'): void {
    this.writeSnapFile(snap);
    this.append(snapMarkerRecord({ index: snap.metadata.index, term: snap.metadata.term, applied: how === 'applied' }));
  }

  compacted(): void {
    if (this.size > this.segmentBytes) this.cut(this.seq + 1);
  }

  kv(): void {
    const all = new Map<string, Uint8Array>();
    for (const k of this.disk.keys()) all.set(k, this.disk.get(k)!);
    replaceFile(this.paths.snap, this.paths.db, kvFileRecord(all));
  }

  // ---- durability ----

  /** The segment's fd when something was appended since the last sync (for a sync of several WALs at once). */
  unsyncedFd(): number | undefined {
    if (this.failure) throw this.failure;
    return this.dirty && this.fd >= 0 ? this.fd : undefined;
  }

  /** Records that unsyncedFd's data was made durable elsewhere. */
  markSynced(): void {
    this.dirty = false;
    this.stats.fsyncs++;
  }

  /** fdatasync of what was appended since the last sync; false if there was nothing. */
  sync(): boolean {
    if (this.failure) throw this.failure;
    if (!this.dirty || this.fd < 0) return false;
    fdatasyncSync(this.fd);
    this.dirty = false;
    this.stats.fsyncs++;
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    this.sync();
    closeSync(this.fd);
    this.fd = -1;
  }

  private append(rec: Uint8Array): void {
    if (this.fd < 0 || this.failure) return;
    try {
      writeAll(this.fd, rec);
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      return;
    }
    this.size += rec.length;
    this.dirty = true;
    this.stats.records++;
    this.stats.bytes += rec.length;
  }

  /**
   * Starts segment seq with the disk's whole state, made durable before the
   * older segments are removed: it alone is enough to recover from.
   */
  private cut(seq: number): void {
    const st = this.disk.raft;
    const snap = st.snapshot().metadata;
    const ents = st.ents.slice(1).filter((e) => e.index > snap.index);
    const parts: Uint8Array[] = [metaRecord(this.meta)];
    if (snap.index > 0) parts.push(snapMarkerRecord({ index: snap.index, term: snap.term, applied: true }));
    parts.push(stateRecord(st.hardState));
    if (ents.length > 0) parts.push(entriesRecord(ents));
    const data = Buffer.concat(parts);
    const name = segmentName(seq, snap.index + 1);
    replaceFile(this.paths.wal, join(this.paths.wal, name), data);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(join(this.paths.wal, name), 'a');
    this.seq = seq;
    this.size = data.length;
    this.dirty = false;
    for (const s of listSegments(this.paths.wal).segments) if (s.name !== name) unlinkSync(join(this.paths.wal, s.name));
    syncDir(this.paths.wal);
  }

  private writeSnapFile(snap: Snapshot): void {
    const m = snap.metadata;
    replaceFile(this.paths.snap, join(this.paths.snap, snapName(m.term, m.index)), snapFileRecord(m.index, m.term, m.confState, snap.data));
    // etcd's purge keeps the newest --max-snapshots files.
    const snaps = readdirSync(this.paths.snap)
      .filter((n) => n.endsWith('.snap'))
      .sort();
    for (const n of snaps.slice(0, Math.max(0, snaps.length - KEEP_SNAPS))) unlinkSync(join(this.paths.snap, n));
  }
}
