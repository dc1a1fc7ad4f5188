// `etcdctl snapshot status` (clientv3/snapshot v3_snapshot.go Status, 3.4):
// etcd opens the file as a bbolt db and walks every bucket in name order,
// feeding a CRC-32C with each bucket's name and then each key and value, and
// counting the pairs; the revision is that of the last key in the "key"
// bucket and the size is the db's size. Snapshots are bbolt files here too
// (bolt/member-db.ts), so this is the same walk over the same bytes, and the
// figures equal what the real etcdctl prints for the file. A file of the
// earlier format is converted first.
//
// etcd does not check the sha256 trailer here (bbolt ignores trailing bytes).
// A file that is not a db is "invalid database" (bbolt's ErrInvalid); an
// empty file makes bbolt try to initialize it through a read-only handle.
import { BoltError, ErrInvalid } from '../mvcc/bolt/format.ts';
import { readBolt } from '../mvcc/bolt/read.ts';
import { Crc32c } from '../mvcc/crc32c.ts';
import { fromUtf8 } from '../util/bytes.ts';
import { writeMemberDb } from './bolt/member-db.ts';
import { isBoltFile, readSnapshot } from './snapshot-file.ts';

/** etcdctl's snapshot.Status. */
export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

/** bbolt.ErrInvalid. */
export const ErrInvalidDatabase = ErrInvalid;

/**
 * The status of a file from Maintenance.Snapshot (what `snapshot save` wrote),
 * or etcdctl's error; path is the file's name as the user gave it.
 */
export function snapshotStatus(blob: Uint8Array, path = 'snapshot.db'): { status: SnapshotStatus } | { err: string } {
  if (blob.length === 0) return { err: `write ${path}: bad file descriptor` };
  let db = blob;
  if (!isBoltFile(blob)) {
    const snap = readSnapshot(blob, true);
    if ('err' in snap) return { err: ErrInvalidDatabase };
    db = writeMemberDb(snap.image, snap.members, snap.removed);
  }
  try {
    const file = readBolt(db);
    const h = new Crc32c();
    let totalKey = 0;
    let revision = 0;
    for (const b of file.buckets) {
      h.bytes(b.name);
      const isKey = fromUtf8(b.name) === 'key';
      for (const [k, v] of b.pairs) {
        h.bytes(k).bytes(v);
        if (isKey && k.length >= 8) revision = Number(new DataView(k.buffer, k.byteOffset, 8).getBigUint64(0));
        totalKey++;
      }
    }
    return { status: { hash: h.sum(), revision, totalKey, totalSize: file.size } };
  } catch (e) {
    if (e instanceof BoltError) return { err: e.message };
    throw e;
  }
}
