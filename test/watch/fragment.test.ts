// Fragmenting large watch responses, and the protobuf sizes they are
// measured by; both checked against a real etcd 3.4.23.
import { describe, expect, it } from 'vitest';
import { fragments, GRPC_OVERHEAD_BYTES, watchResponseSize, type WatchResponse } from '../../src/engine/mvcc/watch.ts';
import { b, createReq, del, put, world } from './helpers.ts';

const header = (revision: number) => ({ clusterId: '2201b72faabfdd79', memberId: 'ef12a2ed4f459e98', revision, raftTerm: 2 });

describe('watch response sizes', () => {
  it('match the bytes etcdctl watch -w protobuf printed for a put, a put and a delete (with and without --prev-kv)', () => {
    const w = world();
    // Each on its own stream, so both have watch ID 0 as etcdctl's did.
    const plain = w.stream({ header });
    const prev = w.stream({ header });
    plain.create(createReq({ key: 'pk' }));
    prev.create(createReq({ key: 'pk' }, { prevKv: true }));
    plain.drain();
    prev.drain();
    put(w, 'pk', 'hello');
    put(w, 'pk', 'world2');
    del(w, 'pk');
    expect(plain.drain().map(watchResponseSize)).toEqual([48, 49, 39]);
    expect(prev.drain().map(watchResponseSize)).toEqual([48, 68, 59]);
  });

  it('count control fields: created, canceled, a negative watch id, the cancel reason', () => {
    const base: WatchResponse = {
      header: { clusterId: '0', memberId: '0', revision: 0, raftTerm: 0 },
      watchId: 0,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events: [],
    };
    expect(watchResponseSize(base)).toBe(2); // an empty header is still sent
    expect(watchResponseSize({ ...base, created: true, canceled: true })).toBe(6);
    expect(watchResponseSize({ ...base, watchId: -1 })).toBe(13);
    expect(watchResponseSize({ ...base, compactRevision: 300 })).toBe(5);
    expect(watchResponseSize({ ...base, cancelReason: 'abc' })).toBe(7);
    expect(watchResponseSize({ ...base, fragment: true })).toBe(4);
  });
});

describe('fragment', () => {
  /** The run observed on etcd 3.4.23 with --max-request-bytes 1048576. */
  const observed = (fragment: boolean) => {
    const w = world();
    const big = 'x'.repeat(700_000);
    for (let i = 0; i < 3; i++) put(w, `big${i}`, big);
    for (let i = 0; i < 4; i++) put(w, `small${i}`, 'y');
    const s = w.stream({ maxRequestBytes: 1048576 });
    s.create({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]), startRevision: 1, fragment });
    w.ws.syncWatchers();
    return s.drain().map((r) => [r.created, r.fragment, r.header.revision, r.events.map((e) => e.kv.modRevision)]);
  };

  it('a catch-up over the limit is cut where adding an event would reach it; all but the last say fragment (observed)', () => {
    expect(observed(true)).toEqual([
      [true, false, 8, []],
      [false, true, 8, [2, 3]],
      [false, false, 8, [4, 5, 6, 7, 8]],
    ]);
  });

  it('without fragment the same response goes whole (observed)', () => {
    expect(observed(false)).toEqual([
      [true, false, 8, []],
      [false, false, 8, [2, 3, 4, 5, 6, 7, 8]],
    ]);
  });

  it('the limit is max-request-bytes plus gRPC\'s 512 KiB', () => {
    const w = world();
    expect(w.stream().fragmentBytes).toBe(1.5 * 1024 * 1024 + 512 * 1024);
    expect(w.stream({ maxRequestBytes: 100 }).fragmentBytes).toBe(100 + GRPC_OVERHEAD_BYTES);
  });

  const txnOf = (n: number, size: number) => {
    const w = world();
    const s = w.stream({ maxRequestBytes: 1 });
    s.create(createReq({ key: 'k', end: 'l' }, { fragment: true }));
    s.drain();
    w.kv.txn({ success: Array.from({ length: n }, (_, i) => ({ requestPut: { key: b(`k${i}`), value: b('v'.repeat(size)) } })) });
    return s.drain();
  };

  it('a single txn\'s events may be split across fragments; joined, they are the whole revision in order', () => {
    const rs = txnOf(10, 200_000);
    expect(rs.length).toBeGreaterThan(2);
    expect(rs.map((r) => r.fragment)).toEqual([...rs.slice(1).map(() => true), false]);
    expect(rs.flatMap((r) => r.events.map((e) => new TextDecoder().decode(e.kv.key)))).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    for (const r of rs.slice(0, -1)) expect(watchResponseSize(r)).toBeLessThan(512 * 1024 + 1);
  });

  it('an event bigger than the limit still goes, alone; one event is never fragmented', () => {
    const rs = txnOf(2, 600_000);
    expect(rs.map((r) => [r.fragment, r.events.length])).toEqual([
      [true, 1],
      [false, 1],
    ]);
    expect(txnOf(1, 600_000).map((r) => [r.fragment, r.events.length])).toEqual([[false, 1]]);
  });

  it('fragments() leaves a response under the limit alone', () => {
    const rs = txnOf(3, 10);
    expect(rs).toHaveLength(1);
    expect(fragments(rs[0]!, 10_000)).toEqual([rs[0]]);
    expect(fragments(rs[0]!, 10).map((r) => r.events.length)).toEqual([1, 1, 1]);
  });
});
