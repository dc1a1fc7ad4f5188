// A member's state as the bbolt file etcd 3.4 keeps (and streams for
// `etcdctl snapshot save`): the buckets alarm, auth, authRoles, authUsers,
// cluster, key, lease, members, members_removed and meta, with etcd's keys
// and value encodings (protobuf for KeyValue, Lease, User, Role and
// AlarmMember; JSON for members). Real etcd and etcdctl open these files,
// and files they wrote load here. Passwords stay the hashes this store made
// (etcd's are bcrypt), so users keep their names and roles across the two
// but a password only works where it was set.
import { decodeAuthState, encodeAuthState, type AuthState } from '../../auth/snapshot.ts';
import type { PermissionType, Role, User } from '../../auth/types.ts';
import type { MemberInfo } from '../../api/cluster.ts';
import type { AlarmMember, AlarmType } from '../../api/maintenance.ts';
import { decodeLeases, encodeLeases } from '../../lease/snapshot.ts';
import type { PersistedLease } from '../../lease/types.ts';
import { EMPTY_VALUE, KvRecord } from '../../mvcc/backend.ts';
import { fromBinary, toBinary } from '../../mvcc/binary.ts';
import { BoltError, type BoltBucket, ErrInvalid } from '../../mvcc/bolt/format.ts';
import { readBolt } from '../../mvcc/bolt/read.ts';
import { writeBolt } from '../../mvcc/bolt/write.ts';
import { NO_LEASE, leaseFromWords, leaseToWords } from '../../mvcc/lease-id.ts';
import { mainOf, packRev, subOf } from '../../mvcc/revision.ts';
import { decodeSnapshot, encodeSnapshot } from '../../mvcc/snapshot.ts';
import { fromUtf8, idToU64Bytes, utf8 } from '../../util/bytes.ts';
import { CLUSTER_VERSION } from '../version.ts';
import { decodeMemberSnapshot, encodeMemberSnapshot } from '../snapshot.ts';
import { ProtoWriter, allBytes, bytesOf, readProto, uintOf } from './proto.ts';

/** What a member's db file carries: the member image (snapshot.ts), the member list and the removed IDs. */
export interface MemberDb {
  image: Uint8Array;
  members: MemberInfo[];
  removed: string[];
}

const PAGE_SIZE = 4096;
const ALARMS: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];
const PERMS: readonly PermissionType[] = ['READ', 'WRITE', 'READWRITE'];

function u64be(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)));
  return b;
}

function readU64be(b: Uint8Array): number {
  if (b.length !== 8) throw new BoltError(ErrInvalid);
  return Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0));
}

/** etcd's revToBytes: main, '_', sub, and 't' for a tombstone. */
function revKey(main: number, sub: number, tombstone: boolean): Uint8Array {
  const b = new Uint8Array(tombstone ? 18 : 17);
  b.set(u64be(main));
  b[8] = 0x5f;
  b.set(u64be(sub), 9);
  if (tombstone) b[17] = 0x74;
  return b;
}

const leaseWords = (id: string): bigint => {
  const [hi, lo] = leaseToWords(id);
  return (BigInt(hi) << 32n) | BigInt(lo);
};
const leaseOf = (v: bigint): string => (v === 0n ? NO_LEASE : leaseFromWords(Number(v >> 32n), Number(v & 0xffffffffn)));
const hexId = (id: string): string => BigInt('0x' + id).toString(16);

/** Go's json.Marshal of a membership.Member (field order and omitempty as in etcd 3.4). */
function memberJson(m: MemberInfo): string {
  let s = `{"id":${BigInt('0x' + m.ID).toString(10)},"peerURLs":${JSON.stringify(m.peerURLs)}`;
  if (m.isLearner) s += ',"isLearner":true';
  if (m.name !== '') s += `,"name":${JSON.stringify(m.name)}`;
  if (m.clientURLs.length > 0) s += `,"clientURLs":${JSON.stringify(m.clientURLs)}`;
  return s + '}';
}

function parseMember(v: Uint8Array): MemberInfo {
  // The ID is a uint64: keep its digits out of JSON.parse's doubles.
  const raw = JSON.parse(fromUtf8(v).replace(/^\{"id":(\d+)/, '{"id":"$1"')) as Record<string, unknown>;
  const list = (x: unknown): string[] => (Array.isArray(x) && x.every((u) => typeof u === 'string') ? x : []);
  if (typeof raw.id !== 'string' || !/^\d+$/.test(raw.id)) throw new BoltError(ErrInvalid);
  return {
    ID: BigInt(raw.id).toString(16),
    name: typeof raw.name === 'string' ? raw.name : '',
    peerURLs: list(raw.peerURLs),
    clientURLs: list(raw.clientURLs),
    isLearner: raw.isLearner === true,
  };
}

function userValue(u: User): Uint8Array {
  const w = new ProtoWriter().bytes(1, utf8(u.name)).bytes(2, u.password);
  for (const r of u.roles) w.bytes(3, utf8(r), true);
  return w.bytes(4, new ProtoWriter().uint(1, u.options.noPassword ? 1 : 0).finish(), true).finish();
}

function roleValue(r: Role): Uint8Array {
  const w = new ProtoWriter().bytes(1, utf8(r.name));
  for (const p of r.keyPermission) {
    w.bytes(2, new ProtoWriter().uint(1, PERMS.indexOf(p.permType)).bytes(2, p.key).bytes(3, p.rangeEnd).finish(), true);
  }
  return w.finish();
}

const str = (s: string): Uint8Array => utf8(s);
const pair = (k: Uint8Array | string, v: Uint8Array | string): [Uint8Array, Uint8Array] => [typeof k === 'string' ? str(k) : k, typeof v === 'string' ? str(v) : v];

/** The member's state as etcd's bbolt file. */
export function writeMemberDb(image: Uint8Array, members: readonly MemberInfo[], removed: readonly string[]): Uint8Array {
  const img = decodeMemberSnapshot(image);
  const kv = decodeSnapshot(img.kv);
  const auth = decodeAuthState(img.auth);
  const keyPairs = kv.records.map(([rev, r]) => {
    const v = new ProtoWriter().bytes(1, fromBinary(r.key));
    if (!r.tombstone) {
      v.uint(2, r.createRevision).uint(3, r.modRevision).uint(4, r.version).bytes(5, r.value);
      if (r.lease !== NO_LEASE) v.uint(6, leaseWords(r.lease));
    }
    return pair(revKey(mainOf(rev), subOf(rev), r.tombstone), v.finish());
  });
  const meta = [pair('consistent_index', u64be(img.consistentIndex))];
  if (kv.compactMainRev > 0) {
    meta.push(pair('finishedCompactRev', revKey(kv.compactMainRev, 0, false)), pair('scheduledCompactRev', revKey(kv.compactMainRev, 0, false)));
  }
  const authPairs = [pair('authRevision', u64be(auth.revision))];
  if (auth.enabled) authPairs.push(pair('authEnabled', Uint8Array.of(1)));
  const buckets: [string, [Uint8Array, Uint8Array][]][] = [
    ['alarm', img.alarms.map((a) => pair(new ProtoWriter().uint(1, BigInt('0x' + a.memberID)).uint(2, ALARMS.indexOf(a.alarm)).finish(), new Uint8Array(0)))],
    ['auth', authPairs],
    ['authRoles', auth.roles.map((r) => pair(r.name, roleValue(r)))],
    ['authUsers', auth.users.map((u) => pair(u.name, userValue(u)))],
    ['cluster', [pair('clusterVersion', CLUSTER_VERSION)]],
    ['key', keyPairs],
    [
      'lease',
      decodeLeases(img.lessor).map((l) => pair(idToU64Bytes(l.ID), new ProtoWriter().uint(1, leaseWords(l.ID)).uint(2, l.TTL).uint(3, l.remainingTTL).finish())),
    ],
    ['members', members.map((m) => pair(hexId(m.ID), memberJson(m)))],
    ['members_removed', removed.map((id) => pair(hexId(id), 'removed'))],
    ['meta', meta],
  ];
  const list: BoltBucket[] = buckets.map(([name, pairs]) => ({ name: str(name), pairs }));
  return writeBolt(list, { pageSize: PAGE_SIZE, minPages: Math.ceil(kv.dbSize / PAGE_SIZE) });
}

function readKeyBucket(pairs: readonly [Uint8Array, Uint8Array][]): [number, KvRecord][] {
  return pairs.map(([k, v]) => {
    if ((k.length !== 17 && k.length !== 18) || k[8] !== 0x5f || (k.length === 18 && k[17] !== 0x74)) throw new BoltError(ErrInvalid);
    const main = readU64be(k.subarray(0, 8));
    const rev = packRev(main, readU64be(k.subarray(9, 17)));
    const f = readProto(v);
    const key = toBinary(bytesOf(f, 1));
    if (k.length === 18) return [rev, new KvRecord(key, EMPTY_VALUE, 0, main, 0, NO_LEASE, true)];
    const num = (field: number) => Number(uintOf(f, field));
    return [rev, new KvRecord(key, bytesOf(f, 5).slice(), num(2), main, num(4), leaseOf(uintOf(f, 6)), false)];
  });
}

function readAuth(b: Map<string, [Uint8Array, Uint8Array][]>): AuthState {
  const flags = new Map((b.get('auth') ?? []).map(([k, v]) => [fromUtf8(k), v]));
  const users: User[] = (b.get('authUsers') ?? []).map(([, v]) => {
    const f = readProto(v);
    return {
      name: fromUtf8(bytesOf(f, 1)),
      password: bytesOf(f, 2).slice(),
      roles: allBytes(f, 3).map(fromUtf8),
      options: { noPassword: uintOf(readProto(bytesOf(f, 4)), 1) === 1n },
    };
  });
  const roles: Role[] = (b.get('authRoles') ?? []).map(([, v]) => {
    const f = readProto(v);
    return {
      name: fromUtf8(bytesOf(f, 1)),
      keyPermission: allBytes(f, 2).map((pb) => {
        const p = readProto(pb);
        return { permType: PERMS[Number(uintOf(p, 1))] ?? 'READ', key: bytesOf(p, 2).slice(), rangeEnd: bytesOf(p, 3).slice() };
      }),
    };
  });
  const enabled = flags.get('authEnabled');
  const rev = flags.get('authRevision');
  return { enabled: enabled?.[0] === 1, revision: rev ? readU64be(rev) : 0, users, roles };
}

/** Leases with the live keys attached to them (etcd re-attaches them from the key bucket on recovery). */
function readLeases(pairs: readonly [Uint8Array, Uint8Array][], records: readonly [number, KvRecord][]): PersistedLease[] {
  const latest = new Map<string, KvRecord>();
  for (const [, r] of records) latest.set(r.key, r);
  const keys = new Map<string, Uint8Array[]>();
  for (const r of latest.values()) {
    if (r.tombstone || r.lease === NO_LEASE) continue;
    const list = keys.get(r.lease) ?? [];
    list.push(fromBinary(r.key));
    keys.set(r.lease, list);
  }
  return pairs.map(([, v]) => {
    const f = readProto(v);
    const ID = leaseOf(uintOf(f, 1));
    return { ID, TTL: Number(uintOf(f, 2)), remainingTTL: Number(uintOf(f, 3)), keys: keys.get(ID) ?? [] };
  });
}

/** A member's state from an etcd bbolt file; throws BoltError (bbolt's or etcd's words) on a bad one. */
export function readMemberDb(file: Uint8Array): MemberDb {
  const db = readBolt(file);
  const b = new Map(db.buckets.map((x) => [fromUtf8(x.name), x.pairs]));
  if (!b.has('key') || !b.has('meta')) throw new BoltError(ErrInvalid);
  const meta = new Map(b.get('meta')!.map(([k, v]) => [fromUtf8(k), v]));
  const ci = meta.get('consistent_index');
  const compacted = meta.get('finishedCompactRev');
  const compactMainRev = compacted ? readU64be(compacted.subarray(0, 8)) : -1;
  const records = readKeyBucket(b.get('key')!);
  const last = records.at(-1);
  const currentRev = Math.max(1, last ? mainOf(last[0]) : 1, compactMainRev);
  const consistentIndex = ci ? readU64be(ci) : 0;
  const alarms: AlarmMember[] = (b.get('alarm') ?? []).map(([k]) => {
    const f = readProto(k);
    return { memberID: uintOf(f, 1).toString(16), alarm: ALARMS[Number(uintOf(f, 2))] ?? 'NONE' };
  });
  const image = encodeMemberSnapshot({
    consistentIndex,
    kv: encodeSnapshot({ currentRev, compactMainRev, consistentIndex, dbSize: db.size, records }),
    lessor: encodeLeases(readLeases(b.get('lease') ?? [], records)),
    auth: encodeAuthState(readAuth(b)),
    alarms,
  });
  return {
    image,
    members: (b.get('members') ?? []).map(([, v]) => parseMember(v)),
    removed: (b.get('members_removed') ?? []).map(([k]) => fromUtf8(k)),
  };
}
