// Compaction (TestKVCompactBad, TestKVCompactReserveLastValue), the db size
// figures it moves, and the space quota.
import { describe, expect, it } from 'vitest';
import {
  KVStore,
  ErrCompacted,
  ErrFutureRev,
  ErrGRPCCompacted,
  ErrGRPCFutureRev,
  ErrGRPCNoSpace,
  ErrNoSpace,
  KV_OVERHEAD,
  putCost,
  txnCost,
} from '../../src/engine/mvcc/index.ts';
import { FROM_KEY, b, expectKvError, keysOf, kvRow, put3 } from './helpers.ts';

const records = (s: KVStore) => {
  const out: string[] = [];
  s.backend.scan(0, Infinity, (rev, r) => {
    out.push(`${Math.floor(rev / 2 ** 21)}${r.tombstone ? 't' : ''}`);
  });
  return out;
};

describe('compaction', () => {
  it('TestKVCompactBad: 0 ok, 1 ok, 1 again compacted, 4 (current) ok, 5 future (etcd 3.4.23 agrees)', () => {
    const s = put3();
    expect(s.compact(0).header.revision).toBe(4);
    s.compact(1);
    expectKvError(() => s.compact(1), ErrCompacted, ErrGRPCCompacted);
    s.compact(4);
    expectKvError(() => s.compact(5), ErrFutureRev, ErrGRPCFutureRev);
    expectKvError(() => s.compact(4), ErrCompacted);
    expectKvError(() => s.compact(2), ErrCompacted);
    expect(s.compactRevision).toBe(4);
    expect(s.rev).toBe(4);
  });

  it('TestKVCompactReserveLastValue: reads right after the compact revision still see the last value', () => {
    const s = new KVStore();
    s.put({ key: b('foo'), value: b('bar0') }); // 2
    s.put({ key: b('foo'), value: b('bar1'), lease: '1' }); // 3
    s.deleteRange({ key: b('foo') }); // 4
    s.put({ key: b('foo'), value: b('bar2') }); // 5
    const cases: [number, ReturnType<typeof kvRow>[]][] = [
      [1, [['foo', 'bar0', 2, 2, 1, '0']]],
      [2, [['foo', 'bar1', 2, 3, 2, '1']]],
      [3, []],
      [4, [['foo', 'bar2', 5, 5, 1, '0']]],
    ];
    for (const [rev, want] of cases) {
      s.compact(rev);
      expect(s.range({ key: b('foo'), revision: rev + 1 }).kvs.map(kvRow), `compact ${rev}`).toEqual(want);
    }
  });

  it('reads at the compact revision work, below it fail; the revision never goes down', () => {
    const s = new KVStore();
    for (let i = 0; i < 5; i++) s.put({ key: b('k'), value: b(`${i}`) }); // 2..6
    s.compact(4);
    expect(kvRow(s.range({ key: b('k'), revision: 4 }).kvs[0]!)).toEqual(['k', '2', 2, 4, 3, '0']);
    expectKvError(() => s.range({ key: b('k'), revision: 3 }), ErrCompacted);
    expectKvError(() => s.compact(3), ErrCompacted);
    expect(s.compactRevision).toBe(4);
  });

  it('removes superseded versions and tombstones at or below the revision; keeps what later reads need', () => {
    const s = new KVStore();
    s.put({ key: b('a'), value: b('1') }); // 2
    s.put({ key: b('a'), value: b('2') }); // 3
    s.put({ key: b('b'), value: b('1') }); // 4
    s.deleteRange({ key: b('b') }); // 5
    s.put({ key: b('c'), value: b('1') }); // 6
    s.deleteRange({ key: b('c') }); // 7
    s.put({ key: b('a'), value: b('3') }); // 8
    expect(records(s)).toEqual(['2', '3', '4', '5t', '6', '7t', '8']);
    s.compact(6);
    // a: 3 is the latest <= 6; b: deleted at 5, gone; c: 6 is live at 6 and its tombstone is above.
    expect(records(s)).toEqual(['3', '6', '7t', '8']);
    expect(s.index.size).toBe(2);
    s.compact(7);
    expect(records(s)).toEqual(['3', '8']);
    expect(s.index.size).toBe(1);
    expect(keysOf(s.range({ key: b('a'), rangeEnd: FROM_KEY, revision: 7 }).kvs)).toEqual(['a']);
    s.compact(8);
    expect(records(s)).toEqual(['8']);
  });

  it('versions and create revisions carry on after compaction', () => {
    const s = new KVStore();
    s.put({ key: b('a'), value: b('1') }); // 2
    s.put({ key: b('a'), value: b('2') }); // 3
    s.compact(3);
    s.put({ key: b('a'), value: b('3') }); // 4
    expect(kvRow(s.range({ key: b('a') }).kvs[0]!)).toEqual(['a', '3', 2, 4, 3, '0']);
  });

  it('compaction leaves the store revision alone and later writes continue from it', () => {
    const s = put3();
    s.deleteRange({ key: b('foo'), rangeEnd: FROM_KEY }); // 5
    s.compact(5);
    expect(records(s)).toEqual([]);
    expect(s.rev).toBe(5);
    expect(s.put({ key: b('x'), value: b('y') }).header.revision).toBe(6);
  });
});

describe('db size', () => {
  it('starts as a fresh etcd db: 20480 bytes, 16384 in use', () => {
    const s = new KVStore();
    expect([s.dbSize, s.dbSizeInUse]).toEqual([20480, 16384]);
  });

  it('grows with writes, compaction frees space in use only, defragment shrinks the file', () => {
    const s = new KVStore();
    const value = new Uint8Array(1000);
    for (let i = 0; i < 200; i++) s.put({ key: b('k'), value });
    const grown = s.dbSize;
    expect(grown).toBeGreaterThan(200_000);
    expect(s.dbSizeInUse).toBeLessThanOrEqual(grown);
    s.compact(s.rev);
    expect(s.dbSize).toBe(grown);
    expect(s.dbSizeInUse).toBeLessThan(30_000);
    // Freed pages are reused: more writes do not grow the file until it is full again.
    for (let i = 0; i < 50; i++) s.put({ key: b('k'), value });
    expect(s.dbSize).toBe(grown);
    s.compact(s.rev);
    s.defragment();
    expect(s.dbSize).toBeLessThan(30_000);
    expect(s.dbSize).toBeGreaterThanOrEqual(s.dbSizeInUse);
  });

  it('grows about as fast as etcd 3.4.23 (10,000 puts of 256-byte values: 3,796,992 bytes there)', () => {
    const s = new KVStore();
    const value = new Uint8Array(256).fill(97);
    for (let i = 0; i < 10_000; i++) s.put({ key: b(`key${String(i % 5000).padStart(6, '0')}`), value });
    expect(Math.abs(s.dbSize - 3_796_992) / 3_796_992).toBeLessThan(0.05);
  });

  it('deleting nothing does not grow the db; tombstones do', () => {
    const s = put3();
    const before = s.backend.count;
    const inUse = s.dbSizeInUse;
    s.deleteRange({ key: b('nothing') });
    expect([s.backend.count, s.dbSizeInUse]).toEqual([before, inUse]);
    s.deleteRange({ key: b('foo') });
    expect(s.backend.count).toBe(before + 1);
  });
});

describe('space quota', () => {
  it('is exceeded when size + cost reaches the quota; compaction alone does not help, defragment does', () => {
    const s = new KVStore({ quotaBytes: 64 * 1024 });
    expect(s.quotaExceeded(0)).toBe(false);
    const value = new Uint8Array(1024);
    const req = { key: b('k'), value };
    while (!s.quotaExceeded(putCost(req))) s.put(req);
    expect(s.dbSize + putCost(req)).toBeGreaterThanOrEqual(64 * 1024);
    const err = expectKvError(() => s.checkQuota(putCost(req)), ErrNoSpace, ErrGRPCNoSpace);
    expect(err.code).toBe('ResourceExhausted');
    s.compact(s.rev);
    expect(s.quotaExceeded(putCost(req))).toBe(true);
    s.defragment();
    expect(s.quotaExceeded(putCost(req))).toBe(false);
  });

  it('costs like etcd: kvOverhead plus the encoded put; a txn costs its dearer branch', () => {
    expect(KV_OVERHEAD).toBe(256);
    expect(putCost({ key: b('foo'), value: b('bar') })).toBe(256 + 5 + 5);
    const big = { requestPut: { key: b('k'), value: new Uint8Array(200) } };
    const small = { requestPut: { key: b('k'), value: b('v') } };
    expect(txnCost({ success: [small], failure: [big] })).toBe(putCost(big.requestPut));
    expect(txnCost({ success: [{ requestRange: { key: b('k') } }] })).toBe(0);
  });
});
