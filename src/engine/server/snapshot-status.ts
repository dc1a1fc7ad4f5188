// `etcdctl snapshot status` (clientv3/snapshot v3_snapshot.go Status, 3.4):
// etcd opens the file as a bbolt db and walks every bucket in name order,
// feeding a CRC-32C with each bucket's name and then each key and value, and
// counting the pairs; the revision is that of the last key in the "key"
// bucket and the size is the db's size. Here the buckets are rebuilt from the
// blob's stores in the same order and with the same pairs etcd 3.4.23 keeps
// (checked by counting on a real one): meta holds the consistent index and,
// after a compaction, the scheduled and finished compact revisions; cluster
// holds the cluster version; auth its revision and, once enabled, the flag;
// one pair per member, removed member, user, role, lease and alarm. So revision, totalKey
// and totalSize agree with etcd's; the hash only fingerprints the blob (the
// key bucket's bytes are etcd's, but other buckets hold JSON and bcrypt
// hashes that cannot be reproduced).
//
// etcd does not check the sha256 trailer here (bbolt ignores trailing bytes).
// A blob that is not a snapshot is "invalid database" (bbolt's ErrInvalid);
// an empty file makes bbolt try to initialize it through a read-only handle.
import type { MemberInfo } from '../api/cluster.ts';
import { decodeAuthState } from '../auth/snapshot.ts';
import { decodeLeases } from '../lease/snapshot.ts';
import { Crc32c } from '../mvcc/crc32c.ts';
import { hashRecord } from '../mvcc/hash.ts';
import { mainOf } from '../mvcc/revision.ts';
import { decodeSnapshot } from '../mvcc/snapshot.ts';
import { utf8 } from '../util/bytes.ts';
import { ETCD_VERSION } from './maintenance.ts';
import { decodeMemberSnapshot } from './snapshot.ts';
import { readSnapshot } from './snapshot-file.ts';

/** etcdctl's snapshot.Status. */
export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

/** bbolt.ErrInvalid. */
export const ErrInvalidDatabase = 'invalid database';

/** The cluster version a settled 3.4 cluster stores. */
const CLUSTER_VERSION = ETCD_VERSION.replace(/\.\d+$/, '.0');

type Pair = [Uint8Array, Uint8Array];

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v));
  return b;
}

/** A revision as etcd's revToBytes: main, '_', sub. */
function revBytes(main: number, sub = 0): Uint8Array {
  const b = new Uint8Array(17);
  b.set(u64(main));
  b[8] = 0x5f;
  b.set(u64(sub), 9);
  return b;
}

function json(v: unknown): Uint8Array {
  return utf8(JSON.stringify(v));
}

/**
 * The status of a blob from Maintenance.Snapshot (what `snapshot save` wrote),
 * or etcdctl's error; path is the file's name as the user gave it.
 */
export function snapshotStatus(blob: Uint8Array, path = 'snapshot.db'): { status: SnapshotStatus } | { err: string } {
  if (blob.length === 0) return { err: `write ${path}: bad file descriptor` };
  const snap = readSnapshot(blob, true);
  if ('err' in snap) return { err: ErrInvalidDatabase };
  let parts;
  try {
    const img = decodeMemberSnapshot(snap.image);
    parts = { img, kv: decodeSnapshot(img.kv), leases: decodeLeases(img.lessor), auth: decodeAuthState(img.auth) };
  } catch {
    return { err: ErrInvalidDatabase };
  }
  const { img, kv, leases, auth } = parts;
  const members: MemberInfo[] = snap.members;
  const meta: Pair[] = [[utf8('consistent_index'), u64(img.consistentIndex)]];
  if (kv.compactMainRev > 0) {
    meta.push([utf8('finishedCompactRev'), revBytes(kv.compactMainRev)]);
    meta.push([utf8('scheduledCompactRev'), revBytes(kv.compactMainRev)]);
  }
  const authPairs: Pair[] = [];
  if (auth.enabled) authPairs.push([utf8('authEnabled'), Uint8Array.of(1)]);
  authPairs.push([utf8('authRevision'), u64(auth.revision)]);
  // Buckets in bbolt's (byte) order of their names.
  const buckets: [string, Pair[]][] = [
    ['alarm', img.alarms.map((a) => [json(a), new Uint8Array(0)] as Pair)],
    ['auth', authPairs],
    ['authRoles', auth.roles.map((r) => [utf8(r.name), json({ name: r.name, perms: r.keyPermission.length })] as Pair)],
    ['authUsers', auth.users.map((u) => [utf8(u.name), json({ name: u.name, roles: u.roles })] as Pair)],
    ['cluster', [[utf8('clusterVersion'), utf8(CLUSTER_VERSION)]]],
    ['key', []],
    ['lease', leases.map((l) => [json(l.ID), json({ TTL: l.TTL, remainingTTL: l.remainingTTL })] as Pair)],
    ['members', members.map((m) => [utf8(m.ID.padStart(16, '0')), json(m)] as Pair)],
    ['members_removed', snap.removed.map((id) => [utf8(id), utf8('removed')] as Pair)],
    ['meta', meta],
  ];
  const h = new Crc32c();
  let totalKey = 0;
  let revision = 0;
  for (const [name, pairs] of buckets) {
    h.binary(name);
    if (name === 'key') {
      for (const [rev, rec] of kv.records) {
        hashRecord(h, rev, rec);
        revision = mainOf(rev);
        totalKey++;
      }
      continue;
    }
    for (const [k, v] of pairs) {
      h.bytes(k).bytes(v);
      totalKey++;
    }
  }
  return { status: { hash: h.sum(), revision, totalKey, totalSize: kv.dbSize } };
}
