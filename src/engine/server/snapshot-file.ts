// `etcdctl snapshot save` and `snapshot restore` (clientv3/snapshot, 3.4).
//
// A snapshot is what etcd streams for Maintenance.Snapshot: the member's
// bbolt file (bolt/member-db.ts: its stores, member list and removed members
// in etcd's buckets), then the sha256 of the file. Real etcdctl and etcd read
// these files, and theirs load here. Restore checks the trailer the way etcd
// does: a size that is 32 past a multiple of 512 has a hash, which must match.
// Files of this playground's earlier format (its member image, then the
// member list, zero-padded) still load.
//
// Restoring builds a new cluster from --initial-cluster/--initial-cluster-token
// (new member and cluster IDs) whose members all start from the store: keys
// keep their revisions, leases and auth stay, membership is the new one, and
// the consistent index starts over so the new cluster's log applies.
import { sha256 } from '@noble/hashes/sha2.js';
import { EtcdCluster, type EtcdClusterOptions } from './etcd-cluster.ts';
import type { MemberInfo } from '../api/cluster.ts';
import { MAGIC as BOLT_MAGIC, PAGE_HEADER } from '../mvcc/bolt/format.ts';
import { readMemberDb, writeMemberDb } from './bolt/member-db.ts';
import { Reader } from './codec-io.ts';
import { decodeMemberSnapshot } from './snapshot.ts';
import { BACKEND_KEY } from './statemachine.ts';

const PAGE = 512;
const SHA_SIZE = 32;
const HEADER = 16; // the earlier format's magic and consistent index (snapshot.ts)

/** The bytes `etcdctl snapshot save` writes for a member image, its member list and its removed members. */
export function snapshotBlob(image: Uint8Array, members: readonly MemberInfo[] = [], removed: readonly string[] = []): Uint8Array {
  const db = writeMemberDb(image, members, removed);
  const out = new Uint8Array(db.length + SHA_SIZE);
  out.set(db);
  out.set(sha256(db), db.length);
  return out;
}

/** Whether bytes start like a bbolt file (meta page 0's magic). */
export function isBoltFile(b: Uint8Array): boolean {
  return b.length >= PAGE_HEADER + 4 && new DataView(b.buffer, b.byteOffset + PAGE_HEADER, 4).getUint32(0, true) === BOLT_MAGIC;
}

/** The member list and removed IDs a blob carries after its image at pos (none in blobs without them). */
export function decodeMembers(db: Uint8Array, pos: number): { members: MemberInfo[]; removed: string[] } {
  const none = { members: [], removed: [] };
  if (pos >= db.length) return none;
  const rd = new Reader(db);
  rd.pos = pos;
  const body = rd.bytes();
  if (body.length === 0) return none;
  const r = new Reader(body);
  const n = r.uvarint();
  const out: MemberInfo[] = [];
  for (let i = 0; i < n; i++) {
    const ID = r.str();
    const name = r.str();
    const peerURLs = Array.from({ length: r.uvarint() }, () => r.str());
    const clientURLs = Array.from({ length: r.uvarint() }, () => r.str());
    out.push({ ID, name, peerURLs, clientURLs, isLearner: r.u8() === 1 });
  }
  const removed = r.pos < body.length ? Array.from({ length: r.uvarint() }, () => r.str()) : [];
  r.end();
  return { members: out, removed };
}

/** Go's %v of a []byte: "[1 2 3]". */
function goBytes(b: Uint8Array): string {
  return `[${Array.from(b).join(' ')}]`;
}

/**
 * The member image inside a blob (and the member list after it), or etcd's
 * error (hash check skippable like --skip-hash-check).
 */
export function readSnapshot(blob: Uint8Array, skipHashCheck = false): { image: Uint8Array; members: MemberInfo[]; removed: string[] } | { err: string } {
  const hasHash = blob.length % PAGE === SHA_SIZE;
  if (!hasHash && !skipHashCheck) return { err: 'snapshot missing hash but --skip-hash-check=false' };
  const db = hasHash ? blob.subarray(0, blob.length - SHA_SIZE) : blob;
  if (hasHash && !skipHashCheck) {
    const want = blob.subarray(blob.length - SHA_SIZE);
    const got = sha256(db);
    if (!want.every((x, i) => x === got[i])) return { err: `expected sha256 ${goBytes(want)}, got ${goBytes(got)}` };
  }
  try {
    if (isBoltFile(db)) return readMemberDb(db);
    // The earlier format: the image is self-delimiting (the header, then four
    // length-prefixed parts), the member list follows.
    const rd = new Reader(db);
    rd.pos = HEADER;
    for (let i = 0; i < 4; i++) rd.bytes();
    const image = db.slice(0, rd.pos);
    decodeMemberSnapshot(image);
    return { image, ...decodeMembers(db, rd.pos) };
  } catch (e) {
    return { err: `snapshot is not a valid database: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export interface RestoreOptions extends EtcdClusterOptions {
  /** --skip-hash-check: restore a blob without (or with a wrong) trailer. */
  skipHashCheck?: boolean;
}

/**
 * `etcdctl snapshot restore` for every member of a new cluster, which then
 * starts. Without members or nodes it is etcd's default: one member
 * "default" at http://localhost:2380, token "etcd-cluster".
 */
export function restoreCluster(blob: Uint8Array, opts: RestoreOptions = {}): { cluster: EtcdCluster } | { err: string } {
  const snap = readSnapshot(blob, opts.skipHashCheck);
  if ('err' in snap) return snap;
  const { skipHashCheck: _skip, ...clusterOpts } = opts;
  const nodes = clusterOpts.members || clusterOpts.nodes !== undefined ? clusterOpts.nodes : 1;
  const ec = new EtcdCluster({ ...clusterOpts, nodes });
  // Nothing has run yet: each member's store becomes the snapshot's, with a
  // consistent index of 0 so the new log (its conf changes first) applies.
  for (const id of ec.ids()) {
    const sm = ec.get(id).sm;
    // A restored db's consistent index is its member count (etcd's restore), which a
    // fresh member may have reached already: it must not read as "older than mine".
    sm.kv.consistentIndex = 0;
    sm.restore(snap.image);
    sm.kv.consistentIndex = 0;
    ec.cluster.nodes.get(id)!.disk.put(BACKEND_KEY, sm.snapshot());
  }
  return { cluster: ec };
}
