// clientv3.GetPrefixRangeEnd: the range end that covers every key with a prefix.

/** The key just past every key starting with prefix; "\0" (all keys) when there is none. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.slice(0, i + 1);
    }
  }
  // All 0xff (or empty): no upper bound.
  return new Uint8Array([0]);
}
