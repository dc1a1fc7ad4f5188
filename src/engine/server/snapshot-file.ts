// `etcdctl snapshot save` and `snapshot restore` (clientv3/snapshot, 3.4).
//
// A snapshot is the member's store (its state machine snapshot, as etcd
// streams its bbolt file) padded with zeros to a multiple of 512 bytes (bbolt
// files are whole pages), then the sha256 of those bytes, as etcd appends to
// the stream. Restore checks the trailer the way etcd does: a size that is 32
// past a multiple of 512 has a hash, which must match.
//
// Restoring builds a new cluster from --initial-cluster/--initial-cluster-token
// (new member and cluster IDs) whose members all start from the store: keys
// keep their revisions, leases and auth stay, membership is the new one, and
// the consistent index starts over so the new cluster's log applies.
import { sha256 } from '@noble/hashes/sha2.js';
import { EtcdCluster, type EtcdClusterOptions } from './etcd-cluster.ts';
import { Reader } from './codec-io.ts';
import { decodeMemberSnapshot } from './snapshot.ts';
import { BACKEND_KEY } from './statemachine.ts';

const PAGE = 512;
const SHA_SIZE = 32;
const HEADER = 16; // magic and consistent index (snapshot.ts)

/** The bytes `etcdctl snapshot save` writes for a member image. */
export function snapshotBlob(image: Uint8Array): Uint8Array {
  const padded = Math.ceil(image.length / PAGE) * PAGE;
  const out = new Uint8Array(padded + SHA_SIZE);
  out.set(image);
  out.set(sha256(out.subarray(0, padded)), padded);
  return out;
}

/** Go's %v of a []byte: "[1 2 3]". */
function goBytes(b: Uint8Array): string {
  return `[${Array.from(b).join(' ')}]`;
}

/** The member image inside a blob, or etcd's error (hash check skippable like --skip-hash-check). */
export function readSnapshot(blob: Uint8Array, skipHashCheck = false): { image: Uint8Array } | { err: string } {
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
    return { image };
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
