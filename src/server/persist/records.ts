// The on-disk records of a member's write-ahead log and snap files. Every
// record is framed as
//
//   u32 LE length n of (type + body) | u32 LE ~n | u32 LE crc32c of (type + body) | u8 type | body
//
// so a reader can tell a record cut short by a crash (a torn tail,
// repaired by truncating, as etcd's wal.Repair does) from one whose bytes
// changed (a checksum mismatch in the middle of the log: fatal, as in
// etcd). The length's complement keeps a damaged length from passing for
// a torn tail, which would silently drop every record after it.
//
// WAL segments are preallocated with written zeros ahead of the log
// (wal.ts), so the log ends where a record would start and the length and
// its complement are both zero; a record cut short by a crash ends in
// those zeros rather than at the end of the file. The bodies are the
// playground's own little layouts, not etcd's protobufs: nothing but this
// adapter reads them.
import type { ConfState, Entry, HardState, NodeId } from '../../engine/raft/types.ts';
import { crc32c } from '../../engine/mvcc/crc32c.ts';

export const REC_META = 1;
export const REC_ENTRIES = 2;
export const REC_STATE = 3;
export const REC_SNAPSHOT = 4;
export const REC_SNAPDATA = 5;
export const REC_KV = 6;

/** Length, its complement, checksum. */
const PREFIX = 12;
/** The prefix and the type byte. */
const HEADER = PREFIX + 1;

/** Who a WAL belongs to (etcd's WAL metadata: node and cluster ID). */
export interface WalMeta {
  nodeId: NodeId;
  clusterId: NodeId;
  name: string;
}

/** A snapshot marker: the snap file of (index, term) is written and current. */
export interface SnapMarker {
  index: number;
  term: number;
  /** An installed snapshot replaces the whole log; a created one keeps what follows. */
  applied: boolean;
}

/** A small growable byte writer. */
class Out {
  buf = Buffer.allocUnsafe(256);
  len = HEADER;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  /** Indexes and terms: exact as doubles far past any log's length. */
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.len);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  str(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }
  /** The framed record: header filled in over the reserved first bytes. */
  frame(type: number): Buffer {
    const b = this.buf.subarray(0, this.len);
    const n = this.len - PREFIX;
    b[PREFIX] = type;
    b.writeUInt32LE(n, 0);
    b.writeUInt32LE(~n >>> 0, 4);
    b.writeUInt32LE(crc32c(b.subarray(PREFIX)), 8);
    return b;
  }
}

/** A reader over one record's body; a short body throws (the checksum vouched for it, so it is a bug). */
export class In {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  u8(): number {
    return this.b[this.pos++]!;
  }
  u32(): number {
    const v = this.b.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  f64(): number {
    const v = this.b.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    if (this.pos + n > this.b.length) throw new RangeError('record body too short');
    // A copy: the file buffer it came from is large and short-lived.
    const v = new Uint8Array(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return v;
  }
  str(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }
}

const ENTRY_TYPES = ['EntryNormal', 'EntryConfChange'] as const;

export function metaRecord(m: WalMeta): Buffer {
  const o = new Out();
  o.str(JSON.stringify(m));
  return o.frame(REC_META);
}

/** All the entries of one append: one record per Ready, however many entries it carries. */
export function entriesRecord(ents: Entry[]): Buffer {
  const o = new Out();
  o.u32(ents.length);
  for (const e of ents) {
    o.f64(e.term);
    o.f64(e.index);
    o.u8(e.type === 'EntryConfChange' ? 1 : 0);
    o.bytes(e.data);
  }
  return o.frame(REC_ENTRIES);
}

export function stateRecord(hs: HardState): Buffer {
  const o = new Out();
  o.f64(hs.term);
  o.f64(hs.commit);
  o.str(hs.vote);
  return o.frame(REC_STATE);
}

export function snapMarkerRecord(m: SnapMarker): Buffer {
  const o = new Out();
  o.f64(m.index);
  o.f64(m.term);
  o.u8(m.applied ? 1 : 0);
  return o.frame(REC_SNAPSHOT);
}

/** A whole snap file: the snapshot's metadata and data in one record. */
export function snapFileRecord(index: number, term: number, cs: ConfState, data: Uint8Array): Buffer {
  const o = new Out();
  o.f64(index);
  o.f64(term);
  o.str(JSON.stringify(cs));
  o.bytes(data);
  return o.frame(REC_SNAPDATA);
}

/** The state machine's key/value area, all of it (the playground's "db" file). */
export function kvFileRecord(kv: Map<string, Uint8Array>): Buffer {
  const o = new Out();
  o.u32(kv.size);
  for (const [k, v] of kv) {
    o.str(k);
    o.bytes(v);
  }
  return o.frame(REC_KV);
}

export function readMeta(b: In): WalMeta {
  return JSON.parse(b.str()) as WalMeta;
}

export function readEntries(b: In): Entry[] {
  const n = b.u32();
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const term = b.f64();
    const index = b.f64();
    const type = ENTRY_TYPES[b.u8()] ?? 'EntryNormal';
    out.push({ term, index, type, data: b.bytes() });
  }
  return out;
}

export function readState(b: In): HardState {
  const term = b.f64();
  const commit = b.f64();
  return { term, commit, vote: b.str() };
}

export function readSnapMarker(b: In): SnapMarker {
  return { index: b.f64(), term: b.f64(), applied: b.u8() === 1 };
}

export function readSnapFile(b: In): { index: number; term: number; confState: ConfState; data: Uint8Array } {
  const index = b.f64();
  const term = b.f64();
  const confState = JSON.parse(b.str()) as ConfState;
  return { index, term, confState, data: b.bytes() };
}

export function readKvFile(b: In): Map<string, Uint8Array> {
  const n = b.u32();
  const kv = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) kv.set(b.str(), b.bytes());
  return kv;
}

/** One frame read from a file. */
export type Frame =
  | { kind: 'record'; type: number; body: In; end: number }
  /** A record cut short by a crash: the rest of the file holds nothing after it. */
  | { kind: 'torn'; at: number }
  | { kind: 'corrupt'; at: number }
  /** The end of the file, or preallocated zeros from here on. */
  | { kind: 'end' };

/** etcd's minSectorSize: a crash loses whole sectors of an unsynced write. */
const SECTOR = 512;

/** The frame at offset pos of buf. */
export function readFrame(buf: Buffer, pos: number): Frame {
  if (pos >= buf.length) return { kind: 'end' };
  const rest = buf.length - pos;
  // A zero length and complement where a record would start: preallocated space.
  if (rest < 8 || (buf.readUInt32LE(pos) === 0 && buf.readUInt32LE(pos + 4) === 0)) {
    // Data past the zeros can only be writes never synced (a sync would have
    // made the record here durable first): cut off like a torn record.
    return allZero(buf, pos) ? { kind: 'end' } : { kind: 'torn', at: pos };
  }
  if (rest < HEADER) return { kind: 'torn', at: pos };
  const len = buf.readUInt32LE(pos);
  // The length reached the disk and the rest of the header did not.
  if (buf.readUInt32LE(pos + 4) !== ~len >>> 0) return allZero(buf, pos + 4) ? { kind: 'torn', at: pos } : { kind: 'corrupt', at: pos };
  const end = pos + PREFIX + len;
  if (end > buf.length) return { kind: 'torn', at: pos };
  const payload = buf.subarray(pos + PREFIX, end);
  if (crc32c(payload) !== buf.readUInt32LE(pos + 8)) {
    // The last record, part of it never written (etcd's isTornEntry); anything after it is a damaged log.
    const tornTail = (payload.length > 8 && allZero(payload, payload.length - 8)) || zeroSector(buf, pos, end);
    return tornTail && allZero(buf, end) ? { kind: 'torn', at: pos } : { kind: 'corrupt', at: pos };
  }
  return { kind: 'record', type: payload[0]!, body: new In(payload.subarray(1)), end };
}

/** The offset after buf's last whole record, and how the log ends there. */
export function logEnd(buf: Buffer): { end: number; tail: Frame['kind'] } {
  let pos = 0;
  for (;;) {
    const f = readFrame(buf, pos);
    if (f.kind !== 'record') return { end: pos, tail: f.kind };
    pos = f.end;
  }
}

function allZero(b: Buffer, from: number, to = b.length): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** Whether a piece of [from, to) between sector boundaries of the file is all zeros. */
function zeroSector(b: Buffer, from: number, to: number): boolean {
  for (let a = from; a < to; ) {
    const z = Math.min(to, (Math.floor(a / SECTOR) + 1) * SECTOR);
    if (allZero(b, a, z)) return true;
    a = z;
  }
  return false;
}
