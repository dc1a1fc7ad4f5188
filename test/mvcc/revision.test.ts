// Revision numbering, versions and generations (etcd kv_test.go, key_index_test.go).
import { describe, expect, it } from 'vitest';
import { KVStore, ErrCompacted, ErrFutureRev, packRev, toRevision } from '../../src/engine/mvcc/index.ts';
import { KeyIndex } from '../../src/engine/mvcc/key-index.ts';
import { b, expectKvError, keysOf, kvRow, put3 } from './helpers.ts';

describe('revision numbering', () => {
  it('an empty store is at revision 1 and the first write makes 2', () => {
    const s = new KVStore();
    expect(s.rev).toBe(1);
    expect(s.range({ key: b('foo') }).header.revision).toBe(1);
    expect(s.put({ key: b('foo'), value: b('bar') }).header.revision).toBe(2);
    expect(s.rev).toBe(2);
  });

  it('each put makes one revision; version counts puts, create revision stays', () => {
    const s = new KVStore();
    for (let i = 0; i < 3; i++) s.put({ key: b('a'), value: b(`v${i}`) });
    expect(s.rev).toBe(4);
    expect(kvRow(s.range({ key: b('a') }).kvs[0]!)).toEqual(['a', 'v2', 2, 4, 3, '0']);
  });

  it('delete then put starts a new generation: version 1 and a new create revision', () => {
    const s = new KVStore();
    s.put({ key: b('a'), value: b('1') }); // 2
    s.put({ key: b('a'), value: b('2') }); // 3
    expect(s.deleteRange({ key: b('a') }).header.revision).toBe(4);
    s.put({ key: b('a'), value: b('3') }); // 5
    expect(kvRow(s.range({ key: b('a') }).kvs[0]!)).toEqual(['a', '3', 5, 5, 1, '0']);
    // History of the old generation is still there, and the gap at the delete.
    expect(kvRow(s.range({ key: b('a'), revision: 3 }).kvs[0]!)).toEqual(['a', '2', 2, 3, 2, '0']);
    expect(s.range({ key: b('a'), revision: 4 }).kvs).toEqual([]);
    expect(s.range({ key: b('a'), revision: 1 }).kvs).toEqual([]);
  });

  it('put3TestKVs: ranging [foo, foo3) at each revision, header always at the current one', () => {
    const s = put3();
    const cases: [number, string[]][] = [
      [-1, ['foo', 'foo1', 'foo2']],
      [0, ['foo', 'foo1', 'foo2']],
      [1, []],
      [2, ['foo']],
      [3, ['foo', 'foo1']],
      [4, ['foo', 'foo1', 'foo2']],
    ];
    for (const [rev, want] of cases) {
      const r = s.range({ key: b('foo'), rangeEnd: b('foo3'), revision: rev });
      expect(keysOf(r.kvs), `rev ${rev}`).toEqual(want);
      expect(r.header.revision).toBe(4);
      expect(r.count).toBe(want.length);
    }
  });

  it('TestKVRangeBadRev: after Compact(4), rev 1 and 2 are compacted, 4 reads, 5 and 100 are future', () => {
    const s = put3();
    s.compact(4);
    const cases: [number, string | undefined][] = [
      [-1, undefined],
      [0, undefined],
      [1, ErrCompacted],
      [2, ErrCompacted],
      [3, ErrCompacted],
      [4, undefined],
      [5, ErrFutureRev],
      [100, ErrFutureRev],
    ];
    for (const [rev, err] of cases) {
      const run = () => s.range({ key: b('foo'), rangeEnd: b('foo3'), revision: rev });
      if (err === undefined) expect(keysOf(run().kvs)).toEqual(['foo', 'foo1', 'foo2']);
      else expectKvError(run, err);
    }
  });

  it('packed revisions order like (main, sub) and unpack', () => {
    expect(packRev(2, 5)).toBeLessThan(packRev(3, 0));
    expect(packRev(3, 0)).toBeLessThan(packRev(3, 1));
    expect(toRevision(packRev(123456, 789))).toEqual({ main: 123456, sub: 789 });
  });
});

/** etcd's keyIndex fixture: {2,4,6(t)} {8,10,12(t)} {(14,0),(14,1),16(t)} {}. */
function fixture(): KeyIndex {
  const ki = new KeyIndex('foo', packRev(2, 0));
  ki.put(packRev(4, 0));
  ki.tombstone(packRev(6, 0));
  ki.put(packRev(8, 0));
  ki.put(packRev(10, 0));
  ki.tombstone(packRev(12, 0));
  ki.put(packRev(14, 0));
  ki.put(packRev(14, 1));
  ki.tombstone(packRev(16, 0));
  return ki;
}

const unpack = (gens: number[][]) => gens.map((g) => g.map((r) => toRevision(r)).map((r) => (r.sub ? `${r.main}.${r.sub}` : `${r.main}`)));

describe('keyIndex', () => {
  it('get after compact(4) (TestKeyIndexGet)', () => {
    const ki = fixture();
    ki.compact(4, new Set());
    const want: [number, string | undefined][] = [
      [17, undefined], [16, undefined], [15, '14.1'], [14, '14.1'], [13, undefined], [12, undefined],
      [11, '10'], [10, '10'], [9, '8'], [8, '8'], [7, undefined], [6, undefined],
      [5, '4'], [4, '4'], [3, undefined], [2, undefined], [1, undefined], [0, undefined],
    ];
    for (const [rev, w] of want) {
      const got = ki.get(rev);
      expect(got < 0 ? undefined : unpack([[got]])[0]![0], `get(${rev})`).toBe(w);
    }
  });

  it('compact keeps the latest revision at or below the compact revision, never a tombstone (TestKeyIndexCompactAndKeep)', () => {
    const rest = ['8,10,12', '14,14.1,16', ''];
    const cases: [number, string[], string[]][] = [
      [1, ['2,4,6', ...rest], []],
      [2, ['2,4,6', ...rest], ['2']],
      [3, ['2,4,6', ...rest], ['2']],
      [4, ['4,6', ...rest], ['4']],
      [5, ['4,6', ...rest], ['4']],
      [6, rest, []],
      [7, rest, []],
      [8, rest, ['8']],
      [9, rest, ['8']],
      [10, ['10,12', '14,14.1,16', ''], ['10']],
      [11, ['10,12', '14,14.1,16', ''], ['10']],
      [12, ['14,14.1,16', ''], []],
      [13, ['14,14.1,16', ''], []],
      [14, ['14.1,16', ''], ['14.1']],
      [15, ['14.1,16', ''], ['14.1']],
      [16, [''], []],
      [17, [''], []],
    ];
    for (const [rev, gens, avail] of cases) {
      const ki = fixture();
      const kept = new Set<number>();
      ki.keep(rev, kept);
      const available = new Set<number>();
      ki.compact(rev, available);
      expect(unpack(ki.generations).map((g) => g.join(',')), `compact(${rev})`).toEqual(gens);
      expect(unpack([[...available]])[0], `available(${rev})`).toEqual(avail);
      expect([...kept], `keep(${rev})`).toEqual([...available]);
    }
    const ki = fixture();
    ki.compact(16, new Set());
    expect(ki.isEmpty()).toBe(true);
  });

  it('a tombstone needs a live generation', () => {
    const ki = new KeyIndex('k', packRev(2, 0));
    expect(ki.tombstone(packRev(3, 0))).toBe(true);
    expect(ki.tombstone(packRev(4, 0))).toBe(false);
    expect(ki.lastRev()).toBe(packRev(3, 0));
  });
});
