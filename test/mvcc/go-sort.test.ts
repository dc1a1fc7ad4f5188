// The port of Go's sort.Sort: it must sort whatever the input pattern (each
// exercises a different pdqsort path: insertion, partial insertion, equal
// runs, reversal, pattern breaking, heapsort fallback). The exact tie order is
// checked against real etcd in range.test.ts.
import { describe, expect, it } from 'vitest';
import { goSort } from '../../src/engine/mvcc/go-sort.ts';
import { Prng } from '../../src/engine/util/prng.ts';

const rng = new Prng(7);
const patterns: [string, (n: number) => number[]][] = [
  ['random', (n) => Array.from({ length: n }, () => rng.int(1000))],
  ['few values', (n) => Array.from({ length: n }, () => rng.int(3))],
  ['sorted', (n) => Array.from({ length: n }, (_, i) => i)],
  ['reversed', (n) => Array.from({ length: n }, (_, i) => n - i)],
  ['all equal', (n) => Array.from({ length: n }, () => 5)],
  ['organ pipe', (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - i))],
  ['sawtooth', (n) => Array.from({ length: n }, (_, i) => i % 17)],
  ['sorted with a few swaps', (n) => {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let k = 0; k < 3; k++) {
      const i = rng.int(n);
      const j = rng.int(n);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }],
];

describe('goSort', () => {
  for (const [name, gen] of patterns) {
    it(name, () => {
      for (const n of [0, 1, 2, 11, 12, 13, 49, 50, 51, 200, 3000]) {
        const a = gen(n);
        const want = [...a].sort((x, y) => x - y);
        const got = [...a];
        goSort(got, (x, y) => x < y);
        expect(got, `${name} n=${n}`).toEqual(want);
        const rev = [...a];
        goSort(rev, (x, y) => y < x);
        expect(rev, `${name} n=${n} reversed`).toEqual([...want].reverse());
      }
    });
  }

  it('is deterministic and keeps short inputs stable', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ k: i % 4, id: i }));
    const x = [...items];
    const y = [...items];
    goSort(x, (a, b) => a.k < b.k);
    goSort(y, (a, b) => a.k < b.k);
    expect(x).toEqual(y);
    const short = items.slice(0, 12);
    goSort(short, (a, b) => a.k < b.k);
    expect(short.map((i) => i.id)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  });
});
