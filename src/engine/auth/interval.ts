// Key intervals with etcd's "bytes affine" ordering (pkg/adt BytesAffineComparable): an
// empty byte string compares greater than every other, so an empty end means +infinity.
// The range permission cache answers its questions with these, as etcd's interval tree does.

export interface KeyInterval {
  begin: Uint8Array;
  /** Exclusive; empty = +infinity. */
  end: Uint8Array;
}

/** Byte-wise comparison (Go's bytes.Compare). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** adt.BytesAffineComparable.Compare: like bytes.Compare, but empty is the largest value. */
export function compareAffine(a: Uint8Array, b: Uint8Array): number {
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  if (b.length === 0) return -1;
  return compareBytes(a, b);
}

/** adt.NewBytesAffinePoint: the single key k as [k, k+"\0"). */
export function pointInterval(key: Uint8Array): KeyInterval {
  const end = new Uint8Array(key.length + 1);
  end.set(key);
  return { begin: key, end };
}

/**
 * adt's Interval.Compare(q, iv) == 0: q is neither wholly left nor wholly right of iv.
 * Kept literal (not symmetric for inverted intervals) so odd grants such as [z, a), which
 * etcd 3.4 accepts, behave as in etcd: they never cover a real request.
 */
export function overlaps(q: KeyInterval, iv: KeyInterval): boolean {
  const leftOf = compareAffine(q.begin, iv.begin) < 0 && compareAffine(q.end, iv.begin) <= 0;
  if (leftOf) return false;
  return compareAffine(q.begin, iv.end) < 0;
}

/** Sorts by begin in affine order, as etcd's interval tree is ordered. */
export function sortIntervals(ivs: KeyInterval[]): KeyInterval[] {
  return ivs.sort((a, b) => compareAffine(a.begin, b.begin));
}

/**
 * adt intervalTree.Contains: the intervals overlapping q, taken in begin order, must be
 * contiguous and reach from q.begin to q.end. So adjacent grants [a, b) + [b, c) cover
 * [a, c), while a gap anywhere inside q denies it. `sorted` must be sorted by begin.
 */
export function covers(sorted: readonly KeyInterval[], q: KeyInterval): boolean {
  let minBegin: Uint8Array | undefined;
  let maxEnd: Uint8Array | undefined;
  for (const iv of sorted) {
    if (!overlaps(q, iv)) continue;
    if (minBegin === undefined || maxEnd === undefined) {
      minBegin = iv.begin;
      maxEnd = iv.end;
      continue;
    }
    if (compareAffine(maxEnd, iv.begin) < 0) return false;
    if (compareAffine(iv.end, maxEnd) > 0) maxEnd = iv.end;
  }
  if (minBegin === undefined || maxEnd === undefined) return false;
  return compareAffine(maxEnd, q.end) >= 0 && compareAffine(minBegin, q.begin) <= 0;
}

/** adt intervalTree.Intersects: some interval overlaps q. */
export function intersects(ivs: readonly KeyInterval[], q: KeyInterval): boolean {
  return ivs.some((iv) => overlaps(q, iv));
}
