// Small, fast 32-bit hashes for model states and linearized sets.
// Collisions only cost a full equality check in the cache, never correctness.

/** FNV-1a over UTF-16 code units, seeded so callers can chain fields. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Finalizer of murmur3: spreads the bits of an int (e.g. an operation id). */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Order-dependent combination of two hashes. */
export function combine(a: number, b: number): number {
  return mix32((Math.imul(a, 31) + b) | 0);
}

/** Hash of a number (integers and other finite numbers alike). */
export function hashNumber(n: number): number {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 31) return mix32(n);
  return hashString(String(n));
}
