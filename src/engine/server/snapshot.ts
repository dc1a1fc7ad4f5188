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
  const w = new Writer(img.kv.length + img.lessor.length + img.auth.length + 64 + 9 * img.alarms.length);
  for (let i = 0; i < MAGIC.length; i++) w.u8(MAGIC.charCodeAt(i));
  const ci = new Uint8Array(8);
  new DataView(ci.buffer).setFloat64(0, img.consistentIndex);
  for (const b of ci) w.u8(b);
  w.bytes(img.kv);
  w.bytes(img.lessor);
  w.bytes(img.auth);
  const alarms = new Writer(16);
  alarms.uvarint(img.alarms.length);
  for (const a of img.alarms) {
    alarms.id64(a.memberID);
    alarms.u8(ALARM_TYPES.indexOf(a.alarm));
  }
  w.bytes(alarms.finish());
  return w.finish();
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
