// Checksums (CRC-32C, hash, hashKV), snapshots, and the commit observer.
import { describe, expect, it } from 'vitest';
import {
  KVStore,
  Crc32c,
  ErrCompacted,
  ErrFutureRev,
  crc32c,
  type Event,
  type LeaseHooks,
  type RangeResponse,
} from '../../src/engine/mvcc/index.ts';
import { FROM_KEY, b, expectKvError, kvRow, t } from './helpers.ts';

/** A deterministic mix of puts, deletes, txns and a compaction. */
function workload(s: KVStore, variant = 0): void {
  for (let i = 0; i < 30; i++) s.put({ key: b(`k${i % 7}`), value: b(`v${i}`), lease: i % 5 === 0 ? '3' : '0' });
  s.deleteRange({ key: b('k2') });
  s.txn({ compare: [{ key: b('k1'), target: 'VERSION', result: 'GREATER', version: 0 }], success: [{ requestPut: { key: b('t'), value: b('x') } }, { requestDeleteRange: { key: b('k3') } }] });
  s.compact(20);
  s.put({ key: b('k2'), value: b(variant === 0 ? 'back' : 'BACK') });
  s.deleteRange({ key: b('k5'), rangeEnd: b('k7') });
}

const everything = (s: KVStore, revision = 0): RangeResponse => s.range({ key: FROM_KEY, rangeEnd: FROM_KEY, revision });

describe('crc32c', () => {
  it('matches the standard check value and is incremental', () => {
    expect(crc32c(b('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(new Crc32c().binary('1234').bytes(b('56789')).sum()).toBe(0xe3069283);
  });
});

describe('hash and hashKV', () => {
  it('two stores fed the same operations agree; a different value disagrees', () => {
    const a = new KVStore();
    const c = new KVStore();
    const d = new KVStore();
    workload(a);
    workload(c);
    workload(d, 1);
    expect(a.hash()).toBe(c.hash());
    expect(a.hashKV()).toEqual(c.hashKV());
    for (let rev = 21; rev <= a.rev; rev++) expect(a.hashKV(rev)).toEqual(c.hashKV(rev));
    expect(d.hash()).not.toBe(a.hash());
    expect(d.hashKV().hash).not.toBe(a.hashKV().hash);
    // Up to the revision before they differ, hashKV agrees.
    expect(d.hashKV(a.rev - 2)).toEqual(a.hashKV(a.rev - 2));
  });

  it('hashKV(rev) is unaffected by later writes and reports the compact and current revisions', () => {
    const s = new KVStore();
    for (let i = 0; i < 5; i++) s.put({ key: b(`k${i}`), value: b('v') });
    const h4 = s.hashKV(4);
    s.put({ key: b('k0'), value: b('changed') });
    expect(s.hashKV(4).hash).toBe(h4.hash);
    expect(s.hashKV(0)).toEqual(s.hashKV(s.rev));
    expect(s.hashKV(4)).toMatchObject({ compactRevision: -1, revision: 7 });
    expect(s.hashKV(6).hash).not.toBe(s.hashKV(7).hash);
  });

  it('hashKV refuses a revision at or below the compact revision, and a future one', () => {
    const s = new KVStore();
    for (let i = 0; i < 5; i++) s.put({ key: b('k'), value: b(`${i}`) });
    s.compact(4);
    expectKvError(() => s.hashKV(4), ErrCompacted); // etcd: rev <= compactRev
    expectKvError(() => s.hashKV(3), ErrCompacted);
    expectKvError(() => s.hashKV(7), ErrFutureRev);
    expect(s.hashKV(5).compactRevision).toBe(4);
  });

  it('leases count, negative ones (int64 two\'s complement) included', () => {
    const hashWith = (lease: string) => {
      const s = new KVStore();
      s.put({ key: b('k'), value: b('v'), lease });
      return s.hashKV().hash;
    };
    const hashes = new Set([hashWith('0'), hashWith('5'), hashWith('fffffffffffffffb'), hashWith('10000000000')]);
    expect(hashes.size).toBe(4);
  });

  it('the consistent index is not part of the hash', () => {
    const a = new KVStore();
    const c = new KVStore();
    workload(a);
    workload(c);
    a.consistentIndex = 10;
    c.consistentIndex = 99;
    expect(a.hash()).toBe(c.hash());
  });

  it('compaction changes the whole-store hash', () => {
    const a = new KVStore();
    for (let i = 0; i < 5; i++) a.put({ key: b('k'), value: b(`${i}`) });
    const before = a.hash();
    a.compact(3);
    expect(a.hash()).not.toBe(before);
  });
});

describe('snapshot and restore', () => {
  it('round-trips the whole store: revisions, compact revision, consistent index, history, size', () => {
    const a = new KVStore();
    workload(a);
    a.consistentIndex = 1234;
    const snap = a.snapshot();
    const c = new KVStore();
    c.put({ key: b('junk'), value: b('to be replaced') });
    c.restore(snap);
    expect([c.rev, c.compactRevision, c.consistentIndex, c.dbSize]).toEqual([a.rev, a.compactRevision, 1234, a.dbSize]);
    expect(c.hash()).toBe(a.hash());
    expect(c.hashKV()).toEqual(a.hashKV());
    for (let rev = a.compactRevision; rev <= a.rev; rev++) {
      expect(everything(c, rev).kvs.map(kvRow), `rev ${rev}`).toEqual(everything(a, rev).kvs.map(kvRow));
    }
    expectKvError(() => everything(c, a.compactRevision - 1), ErrCompacted);
    expect(c.snapshot()).toEqual(snap);
    // Both go on identically.
    for (const s of [a, c]) {
      s.put({ key: b('k1'), value: b('after') });
      s.deleteRange({ key: b('k4') });
      s.put({ key: b('k4'), value: b('again') });
    }
    expect(everything(c).kvs.map(kvRow)).toEqual(everything(a).kvs.map(kvRow));
    expect(c.hash()).toBe(a.hash());
  });

  it('a frozen store encodes, when read, exactly the snapshot of its moment, whatever came after', () => {
    const a = new KVStore();
    workload(a);
    a.consistentIndex = 77;
    const then = a.snapshot();
    const frozen = a.freeze();
    // Appends, a delete, a compaction and a defragment after the freeze.
    for (let i = 0; i < 40; i++) a.put({ key: b(`n${i % 9}`), value: b(`w${i}`) });
    a.deleteRange({ key: b('k1') });
    a.compact(a.rev - 5);
    a.defragment();
    a.consistentIndex = 99;
    const frozenLater = a.freeze();
    const later = a.snapshot();
    a.put({ key: b('after'), value: b('both') });
    expect(frozen()).toEqual(then);
    expect(frozen()).toBe(frozen()); // encoded once
    expect(frozenLater()).toEqual(later);
    expect(later).not.toEqual(then);
    // A restore (a reset of the backend) leaves a frozen view alone too.
    const f2 = a.freeze();
    const before = a.snapshot();
    a.restore(then);
    expect(f2()).toEqual(before);
    expect(a.snapshot()).toEqual(then);
  });

  it('empty bytes restore an empty store; corrupt bytes are refused', () => {
    const s = new KVStore();
    workload(s);
    const snap = s.snapshot();
    s.restore(new Uint8Array(0));
    expect([s.rev, s.compactRevision, s.consistentIndex, s.dbSize]).toEqual([1, -1, 0, 20480]);
    expect(everything(s).count).toBe(0);
    const bad = snap.slice();
    bad[40] ^= 1;
    expect(() => new KVStore().restore(bad)).toThrow('mvcc: corrupt snapshot (checksum mismatch)');
    expect(() => new KVStore().restore(snap.subarray(0, 10))).toThrow('mvcc: corrupt snapshot');
  });

  it("restore tells a connected lessor each live key's lease", () => {
    const a = new KVStore();
    a.put({ key: b('x'), value: b('1'), lease: '7' });
    a.put({ key: b('y'), value: b('1'), lease: '8' });
    a.put({ key: b('y'), value: b('2') });
    a.put({ key: b('z'), value: b('1'), lease: '7' });
    a.deleteRange({ key: b('z') });
    const calls: string[] = [];
    const lessor: LeaseHooks = { exists: () => true, attach: (id, ks) => calls.push(`${id} ${ks.map(t).join(',')}`), detach: () => {} };
    const c = new KVStore();
    c.setLessor(lessor);
    c.restore(a.snapshot());
    expect(calls).toEqual(['7 x']);
    expect(c.leaseOf(b('x'))).toBe('7');
    expect(c.leaseOf(b('y'))).toBe('0');
  });
});

describe('commit observer', () => {
  it('hears each committed write txn once, events in revision order, with prevKv', () => {
    const s = new KVStore();
    const heard: [number, Event[]][] = [];
    const stop = s.onCommit((evs, rev) => heard.push([rev, evs]));
    s.put({ key: b('a'), value: b('1') });
    s.put({ key: b('a'), value: b('2'), lease: '4' });
    s.deleteRange({ key: b('zzz') }); // nothing: no event
    s.txn({ success: [{ requestRange: { key: b('a') } }] }); // read-only: no event
    s.deleteRange({ key: b('a'), rangeEnd: FROM_KEY });
    stop();
    s.put({ key: b('b'), value: b('1') });
    expect(heard.map(([rev, evs]) => [rev, evs.map((e) => e.type)])).toEqual([
      [2, ['PUT']],
      [3, ['PUT']],
      [4, ['DELETE']],
    ]);
    const [, [put2]] = heard[1]!;
    expect(kvRow(put2!.kv)).toEqual(['a', '2', 2, 3, 2, '4']);
    expect(kvRow(put2!.prevKv!)).toEqual(['a', '1', 2, 2, 1, '0']);
    expect(heard[0]![1][0]!.prevKv).toBeUndefined();
    const [, [delEv]] = heard[2]!;
    // A DELETE's kv carries only the key and the deleting revision.
    expect(kvRow(delEv!.kv)).toEqual(['a', '', 0, 4, 0, '0']);
    expect(kvRow(delEv!.prevKv!)).toEqual(['a', '2', 2, 3, 2, '4']);
  });

  it('rangeEvents reads stored history by revision, without prevKv', () => {
    const s = new KVStore();
    s.put({ key: b('a'), value: b('1') }); // 2
    s.txn({ success: [{ requestPut: { key: b('b'), value: b('1') } }, { requestDeleteRange: { key: b('a') } }] }); // 3
    s.put({ key: b('c'), value: b('1') }); // 4
    const evs = s.rangeEvents(3, 4);
    expect(evs.map((e) => `${e.type} ${t(e.kv.key)} ${e.kv.modRevision}`)).toEqual(['PUT b 3', 'DELETE a 3', 'PUT c 4']);
    expect(evs.every((e) => e.prevKv === undefined)).toBe(true);
    expect(s.rangeEvents(0, 100)).toHaveLength(4);
  });

  it('an observer may write to the store while being told of a commit', () => {
    const s = new KVStore();
    s.onCommit((evs) => {
      if (t(evs[0]!.kv.key) === 'trigger') s.put({ key: b('echo'), value: b('1') });
    });
    s.put({ key: b('trigger'), value: b('1') });
    expect(s.rev).toBe(3);
    expect(s.range({ key: b('echo') }).kvs[0]!.modRevision).toBe(3);
  });
});

describe('hashKV equals real etcd 3.4.23', () => {
  it('for the same history, at every revision, before and after compactions', () => {
    // etcdctl: put a 1; compaction 2; put b 2; put a xyz; del b; txn { put c 3; del a }.
    const s = new KVStore();
    expect(s.hashKV()).toEqual({ hash: 1084519789, compactRevision: -1, revision: 1 });
    s.put({ key: b('a'), value: b('1') });
    expect(s.hashKV().hash).toBe(2587454935);
    s.compact(2);
    expect(s.hashKV()).toEqual({ hash: 2587454935, compactRevision: 2, revision: 2 });
    s.put({ key: b('b'), value: b('2') });
    s.put({ key: b('a'), value: b('xyz') });
    s.deleteRange({ key: b('b') });
    s.txn({ success: [{ requestPut: { key: b('c'), value: b('3') } }, { requestDeleteRange: { key: b('a') } }] });
    const want: [number, number][] = [[3, 1827592406], [4, 1045280611], [5, 4212546314], [6, 3446795288], [0, 3446795288]];
    for (const [rev, hash] of want) expect(s.hashKV(rev).hash, `rev ${rev}`).toBe(hash);
    s.compact(4);
    expect(s.hashKV(5).hash).toBe(3405340794);
    expect(s.hashKV(6).hash).toBe(2254303120);
    s.compact(5);
    expect(s.hashKV(6)).toEqual({ hash: 1336534505, compactRevision: 5, revision: 6 });
    s.put({ key: b('big'), value: b('q'.repeat(3000)) });
    expect(s.hashKV().hash).toBe(3642030594);
  });
});
