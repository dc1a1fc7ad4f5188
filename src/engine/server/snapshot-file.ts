// `etcdctl snapshot save` and `snapshot restore` (clientv3/snapshot, 3.4).
//
// A snapshot is the member's store (its state machine snapshot, as etcd
// streams its bbolt file), then the member list as the member knew it and the
// IDs of the members it saw removed (etcd's "members" and "members_removed"
// buckets are in its bbolt file; `snapshot status` counts them), padded
// with zeros to a multiple of 512 bytes (bbolt files are whole pages), then
// the sha256 of those bytes, as etcd appends to the stream. Restore checks the trailer the way etcd does: a size that is 32
// past a multiple of 512 has a hash, which must match.
//
// Restoring builds a new cluster from --initial-cluster/--initial-cluster-token
// (new member and cluster IDs) whose members all start from the store: keys
// keep their revisions, leases and auth stay, membership is the new one, and
// the consistent index starts over so the new cluster's log applies.
import { sha256 } from '@noble/hashes/sha2.js';
import { EtcdCluster, type EtcdClusterOptions } from './etcd-cluster.ts';
import type { MemberInfo } from '../api/cluster.ts';
import { Reader, Writer } from './codec-io.ts';
import { decodeMemberSnapshot } from './snapshot.ts';
import { BACKEND_KEY } from './statemachine.ts';

const PAGE = 512;
const SHA_SIZE = 32;
const HEADER = 16; // magic and consistent index (snapshot.ts)

/** The bytes `etcdctl snapshot save` writes for a member image, its member list and its removed members. */
export function snapshotBlob(image: Uint8Array, members: readonly MemberInfo[] = [], removed: readonly string[] = []): Uint8Array {
  const list = encodeMembers(members, removed);
  const padded = Math.ceil((image.length + list.length) / PAGE) * PAGE;
  const out = new Uint8Array(padded + SHA_SIZE);
  out.set(image);
  out.set(list, image.length);
  out.set(sha256(out.subarray(0, padded)), padded);
  return out;
}

/**
 * The member list section: a length, then the members, then the removed IDs
 * (left out when there are none, so older blobs read the same; nothing at
 * all reads as zero members from the padding).
 */
function encodeMembers(members: readonly MemberInfo[], removed: readonly string[]): Uint8Array {
  if (members.length === 0 && removed.length === 0) return new Uint8Array(0);
  const w = new Writer(256);
  w.uvarint(members.length);
  for (const m of members) {
    w.str(m.ID);
    w.str(m.name);
    w.uvarint(m.peerURLs.length);
    for (const u of m.peerURLs) w.str(u);
    w.uvarint(m.clientURLs.length);
    for (const u of m.clientURLs) w.str(u);
    w.u8(m.isLearner ? 1 : 0);
  }
  if (removed.length > 0) {
    w.uvarint(removed.length);
    for (const id of removed) w.str(id);
  }
  const body = w.finish();
  const out = new Writer(body.length + 8);
  out.bytes(body);
  return out.finish();
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
    // The image is self-delimiting: the header, then four length-prefixed parts.
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
    sm.restore(snap.image);
    sm.kv.consistentIndex = 0;
    ec.cluster.nodes.get(id)!.disk.put(BACKEND_KEY, sm.snapshot());
  }
  return { cluster: ec };
}
