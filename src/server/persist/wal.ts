// A member's write-ahead log writer: the DiskObserver (engine/storage/
// journal.ts) of one member's disk. Each write the engine's host makes to
// the disk while it persists a Ready (hard state, the Ready's entries, an
// installed snapshot) becomes one record; the records of one Ready go to
// the current segment together, in one write(2), when the host has
// persisted it and before it hands the Ready's messages to the network
// (flush): a kill -9 at any later point finds them in the file, and nothing
// a member said is missing from its log. sync()
// then fsyncs what was written (fdatasync), once for everything since
// the last sync: the server calls it before any reply leaves the process.
//
// Snapshots go to their own snap file, written and synced before the WAL
// records that the snapshot is current. When the log is compacted after a
// snapshot and the segment has grown past etcd's 64 MB, a new segment
// starts with the whole surviving state (metadata, snapshot marker, hard
// state, the entries after the snapshot) and the old segments go.
//
// Like etcd, segments are preallocated, so that fdatasync after an append
// flushes the data and not the file's size: zeros actually written (a
// sparse hole or unwritten extents still change metadata on the first
// write into them, on ext4), PREALLOC bytes at a time, kept ahead of the
// log. The log ends at the first zero length (records.ts).
import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, HardState, Snapshot } from '../../engine/raft/types.ts';
import type { DiskObserver } from '../../engine/storage/journal.ts';
import type { MemoryDisk } from '../../engine/storage/disk.ts';
import { type MemberPaths, listSegments, replaceFile, segmentName, snapName, syncDir, writeAll, writeZeros } from './files.ts';
import {
  type WalMeta,
  entriesRecord,
  kvFileRecord,
  logEnd,
  metaRecord,
  snapFileRecord,
  snapMarkerRecord,
  stateRecord,
} from './records.ts';

/** etcd's wal.SegmentSizeBytes. */
export const SEGMENT_BYTES = 64 * 1000 * 1000;
/**
 * Written zeros kept ahead of the log, and the step they grow by. Measured
 * (ext4, scratch): an append+fdatasync of 300 B costs ~290-310 us growing
 * the file, ~210-220 us inside written zeros; one extension (zeros and the
 * sync after) costs ~1.1-1.5 ms at 1 MiB, ~3.6-4.5 ms at 4 MiB, which is
 * 0.26-0.38 against 0.24-0.31 us per append amortized: larger steps buy
 * nothing but a longer stall and a slower start.
 */
export const PREALLOC = 1 << 20;
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
  /** The log's bytes in the segment: where the next record goes. */
  private size = 0;
  /** The segment's bytes on disk, zeros past size. */
  private allocated = 0;
  private seq = 0;
  private dirty = false;
  /** Records appended since the last flush (see flush). */
  private pending: Uint8Array[] = [];
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
    const path = join(paths.wal, last.name);
    // After the last whole record, not at the end of the file: recovery left zeros (or nothing) past it.
    const { end, tail } = logEnd(readFileSync(path));
    if (tail !== 'end') throw new Error(`wal: ${path} has a damaged tail at offset ${end}; recover it first`);
    w.seq = last.seq;
    w.fd = openSync(path, 'r+');
    w.size = end;
    w.allocated = fstatSync(w.fd).size;
    w.reserve(0);
    fdatasyncSync(w.fd);
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
    this.flush();
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
    this.flush();
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

  /** Gathers a record; flush() writes what one Ready persisted in one write(2). */
  private append(rec: Uint8Array): void {
    if (this.fd < 0 || this.failure) return;
    this.pending.push(rec);
  }

  /**
   * DiskObserver: the host persisted a Ready and is about to send its
   * messages. Its records reach the file now, before anything the member
   * said goes out: a kill -9 from here on finds them there.
   */
  flush(): void {
    const recs = this.pending;
    if (recs.length === 0) return;
    this.pending = [];
    if (this.fd < 0 || this.failure) return;
    const data = recs.length === 1 ? recs[0]! : Buffer.concat(recs);
    try {
      writeAll(this.fd, data, this.size);
      this.reserve(data.length);
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      return;
    }
    this.size += data.length;
    this.allocated = Math.max(this.allocated, this.size);
    this.dirty = true;
    this.stats.records += recs.length;
    this.stats.bytes += data.length;
  }

  /**
   * Starts segment seq with the disk's whole state, made durable before the
   * older segments are removed: it alone is enough to recover from.
   */
  private cut(seq: number): void {
    // The new segment holds the disk's whole state, gathered records included.
    this.pending = [];
    const st = this.disk.raft;
    const snap = st.snapshot().metadata;
    const ents = st.ents.slice(1).filter((e) => e.index > snap.index);
    const parts: Uint8Array[] = [metaRecord(this.meta)];
    if (snap.index > 0) parts.push(snapMarkerRecord({ index: snap.index, term: snap.term, applied: true }));
    parts.push(stateRecord(st.hardState));
    if (ents.length > 0) parts.push(entriesRecord(ents));
    const data = Buffer.concat(parts);
    const name = segmentName(seq, snap.index + 1);
    const pad = roundUp(data.length + PREALLOC) - data.length;
    replaceFile(this.paths.wal, join(this.paths.wal, name), data, pad);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(join(this.paths.wal, name), 'r+');
    this.seq = seq;
    this.size = data.length;
    this.allocated = data.length + pad;
    this.dirty = false;
    for (const s of listSegments(this.paths.wal).segments) if (s.name !== name) unlinkSync(join(this.paths.wal, s.name));
    syncDir(this.paths.wal);
  }

  /**
   * Zeros up to a PREALLOC boundary at least PREALLOC past a record of n bytes
   * at size. Written before the sync that follows, so that sync is the one
   * slower sync per PREALLOC bytes.
   */
  private reserve(n: number): void {
    const need = this.size + n + PREALLOC;
    if (need <= this.allocated) return;
    const to = roundUp(need);
    const from = Math.max(this.allocated, this.size + n);
    writeZeros(this.fd, from, to - from);
    this.allocated = to;
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

const roundUp = (n: number): number => Math.ceil(n / PREALLOC) * PREALLOC;
