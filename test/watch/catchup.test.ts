// Unsynced watchers catching up from history: batches of whole revisions,
// watchers per pass, watching from a compacted revision (observed on etcd
// 3.4.23), compaction during catch-up, and snapshot restore.
import { describe, expect, it } from 'vitest';
import { KVStore } from '../../src/engine/mvcc/index.ts';
import { WatchableStore, WatchStream, type WatchResponse } from '../../src/engine/mvcc/watch.ts';
import {
  atomicViolations,
  b,
  createReq,
  del,
  ev,
  eventsOf,
  expected,
  ofWatch,
  prng,
  pump,
  put,
  randomWrite,
  world,
  type Range,
} from './helpers.ts';

const distinctRevs = (r: WatchResponse) => new Set(r.events.map((e) => e.kv.modRevision)).size;

/** A txn putting n keys k0..k(n-1) under prefix: one revision, n events. */
const txnPut = (w: ReturnType<typeof world>, prefix: string, n: number, v: string) =>
  w.kv.txn({ success: Array.from({ length: n }, (_, i) => ({ requestPut: { key: b(`${prefix}${i}`), value: b(v) } })) }).header.revision;

describe('catch-up batches', () => {
  it('etcd\'s default: 1000 revisions per response, all sent at the current revision', () => {
    const w = world();
    for (let i = 0; i < 2500; i++) put(w, `k${i % 7}`, `${i}`);
    const s = w.stream();
    const id = s.create(createReq({ key: 'k', end: 'l' }, { startRevision: 1 }));
    const perPass: number[] = [];
    while (w.ws.unsynced.size > 0) {
      w.ws.syncWatchers();
      perPass.push(...s.drain().filter((r) => r.events.length > 0).map(distinctRevs));
    }
    expect(perPass).toEqual([1000, 1000, 500]);
    put(w, 'k1', 'x');
    const rs = s.drain();
    expect(rs.map((r) => r.events.map(ev))).toEqual([['PUT k1=x@2502']]);
    expect(eventsOf(rs, id)).toHaveLength(1);
  });

  it('a batch ends at a revision boundary, never inside a multi-event txn, whatever the watchers and history', () => {
    const rnd = prng(99);
    const w = world({ watch: { watchBatchMaxRevs: 7, maxWatchersPerSync: 8 } });
    for (let i = 0; i < 1500; i++) {
      if (rnd() < 0.3) txnPut(w, 'p/', 1 + Math.floor(rnd() * 10), `${i}`);
      else randomWrite(w, rnd);
    }
    const ranges: Range[] = [{ key: 'p/', end: 'p0' }, { key: '', end: '\0' }, { key: 'p/3' }, { key: 'a', end: 'f' }];
    const streams = [0, 1, 2, 3].map(() => w.stream({ chanBufLen: 1000 }));
    const specs: { s: number; id: number; range: Range; start: number }[] = [];
    for (let i = 0; i < 60; i++) {
      const s = i % streams.length;
      const range = ranges[i % ranges.length]!;
      const start = 1 + Math.floor(rnd() * w.kv.rev);
      specs.push({ s, id: streams[s]!.create(createReq(range, { startRevision: start })), range, start });
    }
    const got = pump(w.ws, streams);
    let multi = 0;
    for (const sp of specs) {
      const rs = ofWatch(got[sp.s]!, sp.id).filter((r) => r.events.length > 0);
      expect(Math.max(...rs.map(distinctRevs)), JSON.stringify(sp)).toBeLessThanOrEqual(7);
      expect(atomicViolations(rs, w.log, sp.range), JSON.stringify(sp)).toEqual([]);
      expect(eventsOf(got[sp.s]!, sp.id)).toEqual(expected(w.log, sp.range, sp.start));
      multi += rs.filter((r) => r.events.length > distinctRevs(r)).length;
    }
    // The history really had multi-event revisions inside catch-up responses.
    expect(multi).toBeGreaterThan(100);
  });

  it('one pass serves at most maxWatchersPerSync watchers', () => {
    const w = world({ watch: { maxWatchersPerSync: 4 } });
    put(w, 'k', '1');
    const s = w.stream();
    for (let i = 0; i < 10; i++) s.create(createReq({ key: 'k' }, { startRevision: 1 }));
    expect(w.ws.syncWatchers()).toBe(6);
    expect(s.drain().filter((r) => r.events.length > 0)).toHaveLength(4);
    expect(w.ws.syncWatchers()).toBe(2);
    expect(w.ws.syncWatchers()).toBe(0);
    expect(s.drain().filter((r) => r.events.length > 0)).toHaveLength(6);
    expect(w.ws.synced.size).toBe(10);
  });

  it('a watcher with nothing in its range catches up silently and becomes synced', () => {
    const w = world();
    for (let i = 0; i < 10; i++) put(w, 'other', `${i}`);
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 2 }));
    w.ws.syncWatchers();
    expect(w.ws.synced.size).toBe(1);
    put(w, 'k', 'v');
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=v@12']);
  });
});

describe('watching from a compacted revision', () => {
  const setup = () => {
    const w = world();
    put(w, 'foo', 'a'); // 2
    put(w, 'foo', 'b'); // 3
    put(w, 'bar', 'c'); // 4
    del(w, 'foo'); // 5
    w.kv.compact(5);
    return w;
  };

  it('gets created, then canceled with compact_revision = the store\'s, header revision 0, and the watcher is gone (observed)', () => {
    const w = setup();
    const s = w.stream();
    const id = s.create(createReq({ key: 'foo' }, { startRevision: 4 }));
    w.ws.syncWatchers();
    const rs = s.drain();
    expect(rs.map((r) => [r.watchId, r.header.revision, r.created, r.canceled, r.compactRevision, r.cancelReason, r.events.length])).toEqual([
      [id, 5, true, false, 0, '', 0],
      [id, 0, false, true, 5, '', 0],
    ]);
    expect(w.ws.watcherCount()).toBe(0);
    put(w, 'foo', 'later');
    w.ws.syncWatchers();
    expect(s.drain()).toEqual([]);
    // The stream keeps the ID until the client cancels it, as etcd does.
    expect(s.watchIds()).toEqual([id]);
    expect(s.cancel(id)).toBe(true);
    expect(s.drain().map((r) => [r.watchId, r.canceled])).toEqual([[id, true]]);
  });

  it('from the compaction revision itself: allowed, but a DELETE at that revision is gone (observed; etcd #19179)', () => {
    const w = setup();
    const s = w.stream();
    const foo = s.create(createReq({ key: 'foo' }, { startRevision: 5 }));
    const bar = s.create(createReq({ key: 'bar' }, { startRevision: 4 }));
    w.ws.syncWatchers();
    const rs = s.drain();
    expect(eventsOf(rs, foo)).toEqual([]);
    expect(ofWatch(rs, foo).map((r) => r.canceled)).toEqual([false]);
    expect(ofWatch(rs, bar).map((r) => [r.canceled, r.compactRevision])).toEqual([
      [false, 0],
      [true, 5],
    ]);
  });

  it('a PUT at the compaction revision is still delivered', () => {
    const w = world();
    put(w, 'k', '1');
    put(w, 'k', '2'); // 3
    w.kv.compact(3);
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 3 }));
    w.ws.syncWatchers();
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=2@3']);
  });

  it('compaction in the middle of a catch-up: the events sent so far, then the compaction cancel above them', () => {
    const w = world({ watch: { watchBatchMaxRevs: 3 } });
    for (let i = 0; i < 10; i++) put(w, 'k', `${i}`); // 2..11
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 2 }));
    w.ws.syncWatchers(); // 2, 3, 4
    w.kv.compact(8);
    w.ws.syncWatchers();
    w.ws.syncWatchers();
    const rs = ofWatch(s.drain(), id);
    expect(eventsOf(rs, id)).toEqual(['PUT k=0@2', 'PUT k=1@3', 'PUT k=2@4']);
    const last = rs[rs.length - 1]!;
    expect([last.canceled, last.compactRevision]).toEqual([true, 8]);
    expect(last.compactRevision).toBeGreaterThan(4);
    expect(w.ws.watcherCount()).toBe(0);
  });

  it('a compaction cancel that finds the channel full waits for a later pass', () => {
    const w = world();
    put(w, 'k', '1');
    put(w, 'k', '2');
    w.kv.compact(3);
    const s = w.stream({ chanBufLen: 1 });
    s.create(createReq({ key: 'x' }));
    s.create(createReq({ key: 'k' }, { startRevision: 1 }));
    put(w, 'x', '1'); // fills the channel
    w.ws.syncWatchers();
    expect(w.ws.unsynced.size).toBe(1);
    expect(s.drain().map((r) => [r.watchId, r.compactRevision])).toEqual([
      [0, 0],
      [1, 0],
      [0, 0],
    ]);
    w.ws.syncWatchers();
    expect(s.drain().map((r) => [r.watchId, r.canceled, r.compactRevision])).toEqual([[1, true, 3]]);
    expect(w.ws.unsynced.size).toBe(0);
  });
});

describe('snapshot restore', () => {
  it('synced watchers become unsynced and get exactly what the snapshot brought', () => {
    const rnd = prng(3);
    const leader = new KVStore();
    const w = world();
    // The member and the leader share the first 20 writes.
    for (let i = 0; i < 20; i++) {
      const k = `k${Math.floor(rnd() * 5)}`;
      put(w, k, `${i}`);
      leader.put({ key: b(k), value: b(`${i}`) });
    }
    const range: Range = { key: 'k', end: 'l' };
    const s = w.stream();
    const now = s.create(createReq(range));
    const past = s.create(createReq(range, { startRevision: 10 }));
    const future = s.create(createReq(range, { startRevision: 40 }));
    pump(w.ws, [s]);
    // The member falls behind; the leader writes on and sends a snapshot.
    for (let i = 20; i < 45; i++) leader.put({ key: b(`k${Math.floor(rnd() * 5)}`), value: b(`${i}`) });
    w.ws.restore(leader.snapshot());
    expect(w.kv.rev).toBe(46);
    expect(w.ws.synced.size).toBe(0);
    const [rs] = pump(w.ws, [s]);
    const leaderLog = (from: number) => leader.rangeEvents(from, leader.rev).map(ev);
    expect(eventsOf(rs!, now)).toEqual(leaderLog(22));
    expect(eventsOf(rs!, past)).toEqual(leaderLog(22));
    expect(eventsOf(rs!, future)).toEqual(leaderLog(40));
    expect(w.ws.synced.size).toBe(3);
  });

  it('a future watcher past even the restored revision keeps waiting and gets nothing old', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 100 }));
    const other = new KVStore();
    for (let i = 0; i < 10; i++) other.put({ key: b('k'), value: b(`${i}`) });
    w.ws.restore(other.snapshot());
    w.ws.syncWatchers();
    expect(w.ws.synced.size).toBe(1);
    for (let i = 0; i < 100; i++) put(w, 'k', `n${i}`);
    const evs = eventsOf(s.drain(), id);
    expect(evs[0]).toBe('PUT k=n88@100');
    expect(evs).toHaveLength(12);
  });

  it('a restarted member (fresh stores) has no watchers at all', () => {
    const w = world();
    const s = w.stream();
    s.create(createReq({ key: 'k' }));
    put(w, 'k', '1');
    const kv = new KVStore();
    kv.restore(w.kv.snapshot());
    const ws = new WatchableStore(kv);
    expect([ws.watcherCount(), ws.synced.size, ws.unsynced.size]).toEqual([0, 0, 0]);
    const s2 = new WatchStream(ws);
    kv.put({ key: b('k'), value: b('2') });
    expect(s2.drain()).toEqual([]);
  });
});
