// bbolt's on-disk format (go.etcd.io/bbolt 1.3, the store under etcd 3.4),
// as far as a snapshot file needs it: fixed-size pages, each starting with a
// 16-byte header (page id, flags, element count, overflow page count); two
// meta pages (0 and 1), the newer valid one naming the root bucket's page;
// buckets as B+trees of branch and leaf pages, or inline in their parent's
// leaf when small. Every integer is little-endian.

export const PAGE_HEADER = 16;
export const BRANCH_ELEMENT = 16; // pos u32, ksize u32, pgid u64
export const LEAF_ELEMENT = 16; // flags u32, pos u32, ksize u32, vsize u32
export const BUCKET_HEADER = 16; // root pgid u64, sequence u64

export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;
/** A leaf element whose value is a bucket header (a nested bucket). */
export const BUCKET_LEAF = 0x01;

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
export const DEFAULT_PAGE_SIZE = 4096;
/** Meta's freelist when the freelist is not stored (etcd 3.4 runs bbolt with NoFreelistSync). */
export const NO_FREELIST = 0xffffffffffffffffn;
/** Offset of the meta's checksum field: the checksum covers the bytes before it. */
export const META_CHECKSUM_AT = 56;

/** bbolt's errors, in its words. */
export const ErrInvalid = 'invalid database';
export const ErrVersionMismatch = 'version mismatch';
export const ErrChecksum = 'checksum error';

export class BoltError extends Error {}

/** One bucket: its name and its key/value pairs in key (byte) order. */
export interface BoltBucket {
  name: Uint8Array;
  pairs: [Uint8Array, Uint8Array][];
}

/** FNV-1a, 64 bits: bbolt's meta checksum. */
export function fnv64a(b: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < b.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(b[i]!)) * 0x100000001b3n);
  return h;
}

/** Byte order of keys, as bytes.Compare. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
