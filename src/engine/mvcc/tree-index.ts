// treeIndex (etcd mvcc/index.go): every key's keyIndex in a B-tree ordered
// by key bytes (binary strings compare in byte order).
import { PAST_ALL_KEYS, type RangeEnd } from './binary.ts';
import { BTree, compareStrings } from './btree.ts';
import { KeyIndex } from './key-index.ts';

export class TreeIndex {
  private tree: BTree<string, KeyIndex> = new BTree<string, KeyIndex>(undefined, compareStrings);
  /**
   * The same keyIndexes by key: the exact lookups every write makes are a
   * hash probe instead of a walk down the tree; the tree serves ranges. Both
   * change together (put of a new key, compact, clear).
   */
  private readonly byKey = new Map<string, KeyIndex>();

  /** Number of keys with any revision held (including deleted, uncompacted ones). */
  get size(): number {
    return this.tree.size;
  }

  keyIndex(key: string): KeyIndex | undefined {
    return this.byKey.get(key);
  }

  /** Revision of key's version visible at main revision atRev, or -1. */
  get(key: string, atRev: number): number {
    const ki = this.byKey.get(key);
    return ki === undefined ? -1 : ki.get(atRev);
  }

  put(key: string, rev: number): void {
    this.putAt(this.byKey.get(key), key, rev);
  }

  /** put() with key's keyIndex already looked up (undefined: the key is new); returns the key's keyIndex. */
  putAt(ki: KeyIndex | undefined, key: string, rev: number): KeyIndex {
    if (ki !== undefined) {
      ki.put(rev);
      return ki;
    }
    const created = new KeyIndex(key, rev);
    this.tree.set(key, created);
    this.byKey.set(key, created);
    return created;
  }

  /** Records a delete; false if the key had no live generation. */
  tombstone(key: string, rev: number): boolean {
    const ki = this.byKey.get(key);
    return ki !== undefined && ki.tombstone(rev);
  }

  /**
   * Visits, in key order, every key in [key, end) alive at atRev with the
   * revision visible then. Returns how many were visited.
   */
  visit(key: string, end: RangeEnd, atRev: number, fn: (key: string, rev: number) => void): number {
    if (end === undefined) {
      const rev = this.get(key, atRev);
      if (rev < 0) return 0;
      fn(key, rev);
      return 1;
    }
    const high = end === '' ? PAST_ALL_KEYS : end;
    if (key >= high) return 0;
    let n = 0;
    this.tree.forRange(key, high, false, (k, ki) => {
      const rev = ki.get(atRev);
      if (rev >= 0) {
        n++;
        fn(k, rev);
      }
    });
    return n;
  }

  /**
   * The revisions of the keys in range alive at atRev, at most limit of them
   * (limit <= 0: all) pushed onto out; returns the total number alive.
   */
  revisions(key: string, end: RangeEnd, atRev: number, limit: number, out: number[]): number {
    if (end === undefined) {
      const rev = this.get(key, atRev);
      if (rev < 0) return 0;
      if (limit <= 0 || out.length < limit) out.push(rev);
      return 1;
    }
    const max = limit > 0 ? limit : Infinity;
    return this.visit(key, end, atRev, (_k, rev) => {
      if (out.length < max) out.push(rev);
    });
  }

  /** The keys in range alive at atRev. */
  keys(key: string, end: RangeEnd, atRev: number): string[] {
    const out: string[] = [];
    this.visit(key, end, atRev, (k) => out.push(k));
    return out;
  }

  /**
   * Compacts every keyIndex at atRev and drops the emptied ones. Returns the
   * revisions <= atRev the backend must keep.
   */
  compact(atRev: number): Set<number> {
    const available = new Set<number>();
    const emptied: string[] = [];
    this.tree.forEach((ki, k) => {
      ki.compact(atRev, available);
      if (ki.isEmpty()) emptied.push(k);
    });
    for (const k of emptied) {
      this.tree.delete(k);
      this.byKey.delete(k);
    }
    return available;
  }

  /** The revisions <= atRev a compaction at atRev would keep. */
  keep(atRev: number): Set<number> {
    const available = new Set<number>();
    this.tree.forEach((ki) => ki.keep(atRev, available));
    return available;
  }

  clear(): void {
    this.tree.clear();
    this.byKey.clear();
  }
}
