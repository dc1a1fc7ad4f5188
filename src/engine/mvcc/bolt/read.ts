// Reads a bbolt file into its buckets, checking what bbolt checks on open
// (magic, version, meta checksum) and, since the file may come from anywhere,
// every offset: a damaged or hostile file is a BoltError, never a crash.
import {
  BRANCH_ELEMENT,
  BRANCH_PAGE,
  BUCKET_HEADER,
  BUCKET_LEAF,
  type BoltBucket,
  BoltError,
  DEFAULT_PAGE_SIZE,
  ErrChecksum,
  ErrInvalid,
  ErrVersionMismatch,
  LEAF_ELEMENT,
  LEAF_PAGE,
  MAGIC,
  META_CHECKSUM_AT,
  PAGE_HEADER,
  VERSION,
  fnv64a,
} from './format.ts';

export interface BoltDb {
  pageSize: number;
  /** The file's size as bbolt sees it: high-water page ID × page size. */
  size: number;
  txid: number;
  /** Top-level buckets in name order; nested buckets show as pairs with empty values. */
  buckets: BoltBucket[];
}

interface Meta {
  pageSize: number;
  root: number;
  highWater: number;
  txid: number;
}

const MAX_DEPTH = 64;

function readMeta(b: Uint8Array, at: number): Meta | string {
  if (at + PAGE_HEADER + META_CHECKSUM_AT + 8 > b.length) return ErrInvalid;
  const dv = new DataView(b.buffer, b.byteOffset + at + PAGE_HEADER, META_CHECKSUM_AT + 8);
  if (dv.getUint32(0, true) !== MAGIC) return ErrInvalid;
  if (dv.getUint32(4, true) !== VERSION) return ErrVersionMismatch;
  const sum = fnv64a(b.subarray(at + PAGE_HEADER, at + PAGE_HEADER + META_CHECKSUM_AT));
  if (dv.getBigUint64(META_CHECKSUM_AT, true) !== sum) return ErrChecksum;
  const num = (off: number): number => {
    const v = dv.getBigUint64(off, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  };
  return { pageSize: dv.getUint32(8, true), root: num(16), highWater: num(40), txid: num(48) };
}

class PageReader {
  private readonly dv: DataView;
  private readonly seen = new Set<number>();

  constructor(
    private readonly b: Uint8Array,
    private readonly meta: Meta,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private fail(): never {
    throw new BoltError(ErrInvalid);
  }

  /** The bytes of page id with its overflow pages. */
  private page(id: number): Uint8Array {
    const ps = this.meta.pageSize;
    if (id < 2 || id >= this.meta.highWater || this.seen.has(id)) this.fail();
    this.seen.add(id);
    const at = id * ps;
    if (at + ps > this.b.length) this.fail();
    const overflow = this.dv.getUint32(at + 12, true);
    const end = at + (overflow + 1) * ps;
    if (end > this.b.length || Number(this.dv.getBigUint64(at, true)) !== id) this.fail();
    return this.b.subarray(at, end);
  }

  /** Visits a tree's leaf elements in order; p is a page image (inline ones included). */
  walk(p: Uint8Array, depth: number, visit: (flags: number, key: Uint8Array, value: Uint8Array) => void): void {
    if (depth > MAX_DEPTH || p.length < PAGE_HEADER) this.fail();
    const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const flags = dv.getUint16(8, true);
    const count = dv.getUint16(10, true);
    const slice = (from: number, len: number): Uint8Array => {
      if (from < 0 || len < 0 || from + len > p.length) this.fail();
      return p.subarray(from, from + len);
    };
    if (flags === LEAF_PAGE) {
      if (PAGE_HEADER + count * LEAF_ELEMENT > p.length) this.fail();
      for (let i = 0; i < count; i++) {
        const at = PAGE_HEADER + i * LEAF_ELEMENT;
        const pos = at + dv.getUint32(at + 4, true);
        const ksize = dv.getUint32(at + 8, true);
        visit(dv.getUint32(at, true), slice(pos, ksize), slice(pos + ksize, dv.getUint32(at + 12, true)));
      }
      return;
    }
    if (flags !== BRANCH_PAGE || PAGE_HEADER + count * BRANCH_ELEMENT > p.length) this.fail();
    for (let i = 0; i < count; i++) {
      const at = PAGE_HEADER + i * BRANCH_ELEMENT;
      const child = dv.getBigUint64(at + 8, true);
      if (child > BigInt(this.meta.highWater)) this.fail();
      this.walk(this.page(Number(child)), depth + 1, visit);
    }
  }

  /** A bucket's pairs from its header (and inline page). */
  bucket(value: Uint8Array, depth: number): [Uint8Array, Uint8Array][] {
    if (value.length < BUCKET_HEADER) this.fail();
    const root = new DataView(value.buffer, value.byteOffset, BUCKET_HEADER).getBigUint64(0, true);
    const pairs: [Uint8Array, Uint8Array][] = [];
    const p = root === 0n ? value.subarray(BUCKET_HEADER) : root < BigInt(this.meta.highWater) ? this.page(Number(root)) : this.fail();
    this.walk(p, depth + 1, (flags, k, v) => pairs.push([k, flags & BUCKET_LEAF ? new Uint8Array(0) : v]));
    return pairs;
  }

  rootPage(): Uint8Array {
    return this.page(this.meta.root);
  }
}

/** The buckets of a bbolt file (the views point into b). */
export function readBolt(b: Uint8Array): BoltDb {
  const m0 = readMeta(b, 0);
  // bbolt finds the page size in meta 0, or in meta 1 at the default size when 0 is damaged.
  const ps = typeof m0 === 'string' ? DEFAULT_PAGE_SIZE : m0.pageSize;
  const m1 = readMeta(b, ps);
  const valid = [m0, m1].filter((m): m is Meta => typeof m !== 'string');
  if (valid.length === 0) throw new BoltError(m0 as string);
  const meta = valid.reduce((a, c) => (c.txid > a.txid ? c : a));
  if (meta.pageSize < 512 || meta.pageSize > 65536 || meta.root < 0 || meta.highWater < 0 || meta.highWater * meta.pageSize > b.length) {
    throw new BoltError(ErrInvalid);
  }
  const r = new PageReader(b, meta);
  const buckets: BoltBucket[] = [];
  r.walk(r.rootPage(), 0, (flags, name, value) => {
    if (flags & BUCKET_LEAF) buckets.push({ name, pairs: r.bucket(value, 1) });
  });
  return { pageSize: meta.pageSize, size: meta.highWater * meta.pageSize, txid: meta.txid, buckets };
}
