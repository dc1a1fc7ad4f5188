// Store checksums for corruption checks (etcd mvcc/kvstore.go HashByRev and
// backend.Hash). CRC-32C over the backend's records in revision order, so
// every member that applied the same entries gets the same value.
//
// hashKV feeds exactly the bytes etcd's key bucket holds: the 17-byte
// revision key ('t'-marked for tombstones) and the protobuf-marshalled
// mvccpb.KeyValue. Its values therefore equal a real etcd's HashKV for the
// same history (checked against etcd 3.4.23). hash() cannot equal etcd's
// whole-file bbolt hash; it only has to agree between members.
import { Crc32c } from './crc32c.ts';
import type { KvRecord } from './backend.ts';
import { ErrCompacted, ErrFutureRev, KvError } from './errors.ts';
import { NO_LEASE, leaseVarint } from './lease-id.ts';
import { firstOfMain, mainOf, subOf } from './revision.ts';
import type { HashKVResult } from './rpc.ts';
import type { StoreCore } from './store-txn.ts';

/** A protobuf varint of a non-negative number: 7 bits a byte, low first. */
function varint(h: Crc32c, v: number): void {
  while (v >= 0x80) {
    h.byte((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  h.byte(v);
}

/** A proto3 field: zero values are not encoded. */
function varintField(h: Crc32c, tag: number, v: number): void {
  if (v === 0) return;
  h.byte(tag);
  varint(h, v);
}

function bytesField(h: Crc32c, tag: number, s: string): void {
  if (s.length === 0) return;
  h.byte(tag);
  varint(h, s.length);
  h.binary(s);
}

/**
 * One bucket entry: revision key (main, '_', sub, then 't' for a tombstone)
 * and mvccpb.KeyValue (1 key, 2 create_revision, 3 mod_revision, 4 version,
 * 5 value, 6 lease). etcd stores a tombstone as KeyValue{Key} alone.
 */
export function hashRecord(h: Crc32c, rev: number, r: KvRecord): void {
  h.u64(mainOf(rev)).byte(0x5f).u64(subOf(rev));
  if (r.tombstone) h.byte(0x74);
  bytesField(h, 0x0a, r.key);
  if (r.tombstone) return;
  varintField(h, 0x10, r.createRevision);
  varintField(h, 0x18, r.modRevision);
  varintField(h, 0x20, r.version);
  if (r.value.length > 0) {
    h.byte(0x2a);
    varint(h, r.value.length);
    h.bytes(r.value);
  }
  if (r.lease !== NO_LEASE) {
    // int64 lease: the varint of its 64-bit pattern (10 bytes when negative).
    h.byte(0x30);
    leaseVarint(r.lease, (b) => h.byte(b));
  }
}

/**
 * HashKV: the records up to rev (0: the current revision), skipping those a
 * compaction at rev would drop below the compact revision. A rev at or below
 * the compact revision is refused as compacted, above the current one as future.
 */
export function hashKV(s: StoreCore, rev: number): HashKVResult {
  const compactRev = s.compactMainRev;
  const currentRev = s.currentRev;
  if (rev > 0 && rev <= compactRev) throw new KvError(ErrCompacted);
  if (rev > 0 && rev > currentRev) throw new KvError(ErrFutureRev);
  if (rev === 0) rev = currentRev;
  const keep = s.index.keep(rev);
  const lower = firstOfMain(compactRev + 1);
  const h = new Crc32c().binary('key');
  s.backend.scan(0, firstOfMain(rev + 1), (r, rec) => {
    // Below the compact revision only what compaction keeps counts, as in etcd
    // (where physical compaction may still be running).
    if (r < lower && keep.size > 0 && !keep.has(r)) return;
    hashRecord(h, r, rec);
  });
  return { hash: h.sum(), compactRevision: compactRev, revision: currentRev };
}

/**
 * Hash of the whole backend: every record plus the compact revision (etcd's
 * meta bucket). The consistent index is left out, as etcd's DefaultIgnores do.
 */
export function hashAll(s: StoreCore): number {
  const h = new Crc32c().binary('key');
  s.backend.scan(0, Infinity, (r, rec) => hashRecord(h, r, rec));
  h.binary('meta').u64(s.compactMainRev + 1);
  return h.sum();
}
