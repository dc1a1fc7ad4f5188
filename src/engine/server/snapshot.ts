// A member's applied state as one blob: what etcd ships as its bbolt file in
// a raft snapshot (the key, lease, auth and alarm buckets, and the consistent
// index). Each store encodes itself; this frames them:
//
//   "ETCDSM01"  magic and version
//   f64         consistent index (also inside the KV part; here so it can be
//               read without decoding the stores)
//   4 x (varint length, bytes)   kv, lessor, auth, alarms
//
// The alarm part is a varint count, then (member ID as 8 bytes, type byte).
import { CodecError, Reader, Writer } from './codec-io.ts';
import type { AlarmMember, AlarmType } from './internal.ts';

const MAGIC = 'ETCDSM01';
const ALARM_TYPES: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];

export interface MemberImage {
  consistentIndex: number;
  kv: Uint8Array;
  lessor: Uint8Array;
  auth: Uint8Array;
  alarms: AlarmMember[];
}

export function encodeMemberSnapshot(img: MemberImage): Uint8Array {
  const alarms = new Writer(16);
  alarms.uvarint(img.alarms.length);
  for (const a of img.alarms) {
    alarms.id64(a.memberID);
    alarms.u8(ALARM_TYPES.indexOf(a.alarm));
  }
  const parts = [img.kv, img.lessor, img.auth, alarms.finish()];
  // Sized exactly and written in place: the result is store-sized, and a
  // Writer would grow (copy) it for its varint slack and copy it out again.
  let size = MAGIC.length + 8;
  for (const p of parts) size += uvarintSize(p.length) + p.length;
  const out = new Uint8Array(size);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setFloat64(MAGIC.length, img.consistentIndex);
  let o = MAGIC.length + 8;
  for (const p of parts) {
    for (let n = p.length; ; n = Math.floor(n / 128)) {
      if (n <= 0x7f) {
        out[o++] = n;
        break;
      }
      out[o++] = (n & 0x7f) | 0x80;
    }
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function uvarintSize(n: number): number {
  let size = 1;
  for (; n > 0x7f; n = Math.floor(n / 128)) size++;
  return size;
}

function checkMagic(b: Uint8Array): void {
  if (b.length < MAGIC.length + 8) throw new CodecError('not a member snapshot');
  for (let i = 0; i < MAGIC.length; i++) {
    if (b[i] !== MAGIC.charCodeAt(i)) throw new CodecError('not a member snapshot');
  }
}

/** The consistent index a snapshot was taken at, without decoding it. */
export function snapshotConsistentIndex(b: Uint8Array): number {
  checkMagic(b);
  return new DataView(b.buffer, b.byteOffset + MAGIC.length, 8).getFloat64(0);
}

export function decodeMemberSnapshot(b: Uint8Array): MemberImage {
  const consistentIndex = snapshotConsistentIndex(b);
  const rd = new Reader(b);
  rd.pos = MAGIC.length + 8;
  const kv = rd.bytes();
  const lessor = rd.bytes();
  const auth = rd.bytes();
  const ar = new Reader(rd.bytes());
  rd.end();
  const n = ar.uvarint();
  const alarms: AlarmMember[] = [];
  for (let i = 0; i < n; i++) {
    const memberID = ar.id64();
    const alarm = ALARM_TYPES[ar.u8()];
    if (alarm === undefined) throw new CodecError('unknown alarm type in snapshot');
    alarms.push({ memberID, alarm });
  }
  ar.end();
  return { consistentIndex, kv, lessor, auth, alarms };
}
