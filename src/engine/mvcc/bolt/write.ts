// Writes buckets as a bbolt file that bbolt (and so etcd and etcdctl) opens:
// meta pages 0 and 1, then each bucket's B+tree (leaves packed up to a page,
// branch pages above them), small buckets inline as bbolt keeps them, and the
// root bucket last. The freelist is not stored, as etcd 3.4 runs bbolt: bbolt
// rebuilds it on open from the pages nothing references, so padding pages
// (to give the file a chosen size) are simply free.
import {
  BRANCH_ELEMENT,
  BRANCH_PAGE,
  BUCKET_HEADER,
  BUCKET_LEAF,
  type BoltBucket,
  DEFAULT_PAGE_SIZE,
  LEAF_ELEMENT,
  LEAF_PAGE,
  MAGIC,
  META_CHECKSUM_AT,
  META_PAGE,
  NO_FREELIST,
  PAGE_HEADER,
  VERSION,
  compareBytes,
  fnv64a,
} from './format.ts';

export interface WriteOptions {
  pageSize?: number;
  /** The file has at least this many pages (the extra ones are free). */
  minPages?: number;
  /** The transaction ID the meta pages carry. */
  txid?: number;
}

interface LeafElement {
  flags: number;
  key: Uint8Array;
  value: Uint8Array;
}

interface Child {
  key: Uint8Array;
  pgid: number;
}

class PageWriter {
  /** Page images by first page ID; an image may span overflow pages. */
  readonly images = new Map<number, Uint8Array>();
  next = 2; // 0 and 1 are the meta pages

  constructor(readonly pageSize: number) {}

  /** A page image of `size` bytes at a newly allocated ID (0 for an inline page). */
  private page(size: number, flags: number, count: number, inline: boolean): { img: Uint8Array; dv: DataView; id: number } {
    const pages = inline ? 1 : Math.ceil(size / this.pageSize);
    const img = new Uint8Array(inline ? size : pages * this.pageSize);
    const dv = new DataView(img.buffer);
    const id = inline ? 0 : this.next;
    if (!inline) {
      this.next += pages;
      this.images.set(id, img);
    }
    dv.setBigUint64(0, BigInt(id), true);
    dv.setUint16(8, flags, true);
    dv.setUint16(10, count, true);
    dv.setUint32(12, pages - 1, true);
    return { img, dv, id };
  }

  static leafSize(elems: readonly LeafElement[]): number {
    let size = PAGE_HEADER;
    for (const e of elems) size += LEAF_ELEMENT + e.key.length + e.value.length;
    return size;
  }

  leaf(elems: readonly LeafElement[], inline = false): { img: Uint8Array; id: number } {
    const p = this.page(PageWriter.leafSize(elems), LEAF_PAGE, elems.length, inline);
    let data = PAGE_HEADER + elems.length * LEAF_ELEMENT;
    elems.forEach((e, i) => {
      const at = PAGE_HEADER + i * LEAF_ELEMENT;
      p.dv.setUint32(at, e.flags, true);
      p.dv.setUint32(at + 4, data - at, true);
      p.dv.setUint32(at + 8, e.key.length, true);
      p.dv.setUint32(at + 12, e.value.length, true);
      p.img.set(e.key, data);
      p.img.set(e.value, data + e.key.length);
      data += e.key.length + e.value.length;
    });
    return p;
  }

  branch(children: readonly Child[]): number {
    let size = PAGE_HEADER;
    for (const c of children) size += BRANCH_ELEMENT + c.key.length;
    const p = this.page(size, BRANCH_PAGE, children.length, false);
    let data = PAGE_HEADER + children.length * BRANCH_ELEMENT;
    children.forEach((c, i) => {
      const at = PAGE_HEADER + i * BRANCH_ELEMENT;
      p.dv.setUint32(at, data - at, true);
      p.dv.setUint32(at + 4, c.key.length, true);
      p.dv.setBigUint64(at + 8, BigInt(c.pgid), true);
      p.img.set(c.key, data);
      data += c.key.length;
    });
    return p.id;
  }

  /** Splits items into runs whose size stays within a page (at least one item each). */
  private chunks<T>(items: readonly T[], sizeOf: (t: T) => number): T[][] {
    const out: T[][] = [];
    let run: T[] = [];
    let size = PAGE_HEADER;
    for (const it of items) {
      const s = sizeOf(it);
      if (run.length > 0 && size + s > this.pageSize) {
        out.push(run);
        run = [];
        size = PAGE_HEADER;
      }
      run.push(it);
      size += s;
    }
    if (run.length > 0 || out.length === 0) out.push(run);
    return out;
  }

  /** A B+tree of the elements (sorted by key); returns its root page. */
  tree(elems: readonly LeafElement[]): number {
    let level: Child[] = this.chunks(elems, (e) => LEAF_ELEMENT + e.key.length + e.value.length).map((run) => ({
      key: run[0]?.key ?? new Uint8Array(0),
      pgid: this.leaf(run).id,
    }));
    while (level.length > 1) {
      level = this.chunks(level, (c) => BRANCH_ELEMENT + c.key.length).map((run) => ({ key: run[0]!.key, pgid: this.branch(run) }));
    }
    return level[0]!.pgid;
  }

  /** A bucket's value in its parent: the header, then the bucket's page when it is inline. */
  bucketValue(pairs: readonly [Uint8Array, Uint8Array][]): Uint8Array {
    const elems = pairs.map(([key, value]) => ({ flags: 0, key, value }));
    // bbolt keeps a bucket inline while its single leaf fits in a quarter page.
    if (PageWriter.leafSize(elems) <= this.pageSize / 4) {
      const page = this.leaf(elems, true).img;
      const v = new Uint8Array(BUCKET_HEADER + page.length);
      v.set(page, BUCKET_HEADER);
      return v;
    }
    const v = new Uint8Array(BUCKET_HEADER);
    new DataView(v.buffer).setBigUint64(0, BigInt(this.tree(elems)), true);
    return v;
  }
}

function metaPage(pageSize: number, id: number, root: number, highWater: number, txid: number): Uint8Array {
  const img = new Uint8Array(pageSize);
  const dv = new DataView(img.buffer);
  dv.setBigUint64(0, BigInt(id), true);
  dv.setUint16(8, META_PAGE, true);
  const m = PAGE_HEADER;
  dv.setUint32(m, MAGIC, true);
  dv.setUint32(m + 4, VERSION, true);
  dv.setUint32(m + 8, pageSize, true);
  dv.setBigUint64(m + 16, BigInt(root), true); // root bucket; its sequence stays 0
  dv.setBigUint64(m + 32, NO_FREELIST, true);
  dv.setBigUint64(m + 40, BigInt(highWater), true);
  dv.setBigUint64(m + 48, BigInt(txid), true);
  dv.setBigUint64(m + META_CHECKSUM_AT, fnv64a(img.subarray(m, m + META_CHECKSUM_AT)), true);
  return img;
}

/** A bbolt file holding the buckets (each bucket's pairs sorted by key here). */
export function writeBolt(buckets: readonly BoltBucket[], opts: WriteOptions = {}): Uint8Array {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const w = new PageWriter(pageSize);
  const sorted = [...buckets].sort((a, b) => compareBytes(a.name, b.name));
  const elems: LeafElement[] = sorted.map((b) => ({
    flags: BUCKET_LEAF,
    key: b.name,
    value: w.bucketValue([...b.pairs].sort((x, y) => compareBytes(x[0], y[0]))),
  }));
  const root = w.tree(elems);
  const pages = Math.max(w.next, opts.minPages ?? 0);
  const out = new Uint8Array(pages * pageSize);
  const txid = Math.max(1, opts.txid ?? 1);
  out.set(metaPage(pageSize, 0, root, pages, txid % 2 === 0 ? txid : txid - 1), 0);
  out.set(metaPage(pageSize, 1, root, pages, txid % 2 === 1 ? txid : txid - 1), pageSize);
  for (const [id, img] of w.images) out.set(img, id * pageSize);
  return out;
}
