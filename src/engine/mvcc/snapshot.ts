// The store as bytes, for raft snapshots: what etcd ships as its bbolt file.
// Carries the revisions, the consistent index, the file size and every record
// in revision order; a CRC-32C trailer catches corruption. Decoding only
// parses: the store replays the records into its index (as etcd's restore does).
// Version 2: a lease is its 64-bit pattern as two u32 words (version 1 held a
// float64, which cannot carry every int64 ID).
import { EMPTY_VALUE, KvRecord } from './backend.ts';
import { toBinary } from './binary.ts';
import { crc32c } from './crc32c.ts';
import { NO_LEASE, leaseFromWords, leaseToWords } from './lease-id.ts';
import { mainOf } from './revision.ts';

const MAGIC = 'MVCCSNP2';

export interface StoreImage {
  currentRev: number;
  compactMainRev: number;
  consistentIndex: number;
  dbSize: number;
  /** [packed revision, record] in revision order. */
  records: [number, KvRecord][];
}

export function encodeSnapshot(img: StoreImage): Uint8Array {
  let size = MAGIC.length + 4 * 8 + 4 + 4;
  // Per record: rev, tombstone flag, key; then value, createRevision, version, lease words.
  for (const [, r] of img.records) size += 8 + 1 + 4 + r.key.length + (r.tombstone ? 0 : 4 + r.value.length + 8 + 8 + 4 + 4);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  // Written inline, not through helper closures: a snapshot writes the whole store.
  let o = writeBinary(out, 0, MAGIC);
  dv.setFloat64(o, img.currentRev);
  dv.setFloat64(o + 8, img.compactMainRev);
  dv.setFloat64(o + 16, img.consistentIndex);
  dv.setFloat64(o + 24, img.dbSize);
  dv.setUint32(o + 32, img.records.length);
  o += 36;
  for (const [rev, r] of img.records) {
    dv.setFloat64(o, rev);
    out[o + 8] = r.tombstone ? 1 : 0;
    dv.setUint32(o + 9, r.key.length);
    o = writeBinary(out, o + 13, r.key);
    if (r.tombstone) continue;
    dv.setUint32(o, r.value.length);
    out.set(r.value, o + 4);
    o += 4 + r.value.length;
    dv.setFloat64(o, r.createRevision);
    dv.setFloat64(o + 8, r.version);
    if (r.lease !== NO_LEASE) {
      const [hi, lo] = leaseToWords(r.lease);
      dv.setUint32(o + 16, hi);
      dv.setUint32(o + 20, lo);
    } // else the words stay 0, as leaseToWords(NO_LEASE) gives
    o += 24;
  }
  dv.setUint32(o, crc32c(out.subarray(0, o)));
  return out;
}

const ENCODER = new TextEncoder();

/** Writes a binary string's chars as bytes at o; returns the offset after them. */
function writeBinary(out: Uint8Array, o: number, s: string): number {
  const n = s.length;
  if (n > 32) {
    // Native and several times faster on long strings. An ASCII string's UTF-8
    // is its chars as bytes; any other char takes 2 bytes, so it cannot all
    // fit in n bytes (read < n) and the loop below rewrites the span.
    if (ENCODER.encodeInto(s, out.subarray(o, o + n)).read === n) return o + n;
  }
  for (let i = 0; i < n; i++) out[o++] = s.charCodeAt(i);
  return o;
}

export function decodeSnapshot(b: Uint8Array): StoreImage {
  const corrupt = (why: string) => new Error(`mvcc: corrupt snapshot (${why})`);
  if (b.length < MAGIC.length + 4 * 8 + 8) throw corrupt('too short');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(b.length - 4) !== crc32c(b.subarray(0, b.length - 4))) throw corrupt('checksum mismatch');
  let o = 0;
  const str = (n: number) => {
    if (o + n > b.length - 4) throw corrupt('truncated');
    const s = toBinary(b.subarray(o, o + n));
    o += n;
    return s;
  };
  const f64 = () => {
    const v = dv.getFloat64(o);
    o += 8;
    return v;
  };
  const u32 = () => {
    const v = dv.getUint32(o);
    o += 4;
    return v;
  };
  if (str(MAGIC.length) !== MAGIC) throw corrupt('bad magic');
  const currentRev = f64();
  const compactMainRev = f64();
  const consistentIndex = f64();
  const dbSize = f64();
  const n = u32();
  const records: [number, KvRecord][] = [];
  for (let i = 0; i < n; i++) {
    const rev = f64();
    const tomb = b[o++] === 1;
    const key = str(u32());
    if (tomb) {
      records.push([rev, new KvRecord(key, EMPTY_VALUE, 0, mainOf(rev), 0, NO_LEASE, true)]);
      continue;
    }
    const vlen = u32();
    if (o + vlen > b.length - 4) throw corrupt('truncated');
    // A copy: a view would keep the whole snapshot alive for as long as one value.
    const value = b.slice(o, o + vlen);
    o += vlen;
    const createRevision = f64();
    const version = f64();
    const hi = u32();
    const lease = leaseFromWords(hi, u32());
    records.push([rev, new KvRecord(key, value, createRevision, mainOf(rev), version, lease, false)]);
  }
  if (o !== b.length - 4) throw corrupt('trailing bytes');
  return { currentRev, compactMainRev, consistentIndex, dbSize, records };
}
