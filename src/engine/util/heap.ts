// A binary min-heap of timed items ordered by (time, seq). seq is a global
// insertion counter, so items due at the same instant run in the order they
// were scheduled: the tie-break that keeps the simulation deterministic.

export interface Timed {
  time: number;
  seq: number;
}

/** Whether x runs before y: (time, seq) order. */
export function before(x: Timed, y: Timed): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export class TimedQueue<T extends Timed> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(a[r]!, a[l]!) ? r : l;
        if (!before(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Keeps only the items keep() accepts, in heap order again (O(n)). */
  retain(keep: (item: T) => boolean): void {
    const a = this.items.filter(keep);
    // Floyd's bottom-up heap construction.
    for (let i = (a.length >> 1) - 1; i >= 0; i--) {
      const item = a[i]!;
      let j = i;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && before(a[r]!, a[l]!) ? r : l;
        if (!before(a[c]!, item)) break;
        a[j] = a[c]!;
        j = c;
      }
      a[j] = item;
    }
    this.items = a;
  }
}
