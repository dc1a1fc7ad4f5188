// sorted-btree is CommonJS with `exports.default`. Bundlers (Vite, vitest)
// unwrap that default, Node's own ESM loader (tsx, the benchmarks) does not:
// there the default import is the whole exports object. Accept both.
import BTreeDefault from 'sorted-btree';

type BTreeCtor = typeof BTreeDefault;
const imported = BTreeDefault as unknown as BTreeCtor | { default: BTreeCtor };

export const BTree: BTreeCtor = typeof imported === 'function' ? imported : imported.default;
export type BTree<K, V> = BTreeDefault<K, V>;

/** Byte order for binary strings (and any strings): plain code-unit comparison. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): number {
  return a - b;
}
