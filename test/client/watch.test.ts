// Watches through the client: ordered events with their headers, a refused or
// compacted watch, and resumption on another endpoint when the serving member
// dies, with neither a gap nor a duplicate.
import { describe, expect, it } from 'vitest';
import { prefixEnd } from '../../src/engine/client/index.ts';
import type { WatchResponse } from '../../src/engine/mvcc/watch-types.ts';
import type { PutResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, client, idOf, ready, run, t } from './helpers.ts';

const evs = (rs: WatchResponse[]): string[] => rs.flatMap((r) => r.events.map((e) => `${e.type} ${t(e.kv.key)}@${e.kv.modRevision}`));

describe('Client watch', () => {
  it('sees every event in order, with the serving member in the header, until canceled', () => {
    const ec = build(601);
    ready(ec);
    const c = client(ec);
    const got: WatchResponse[] = [];
    const w = c.watch({ key: b('p/'), rangeEnd: prefixEnd(b('p/')), prevKv: true, createdNotify: true }, (r) => got.push(r));
    ec.cluster.advance(10);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ created: true, watchId: 0, header: { memberId: idOf(ec, 'etcd0'), revision: 1 } });
    for (let i = 0; i < 5; i++) run(ec, (cb) => c.put({ key: b(`p/${i % 2}`), value: b(`v${i}`) }, cb));
    run(ec, (cb) => c.put({ key: b('q'), value: b('no') }, cb));
    run(ec, (cb) => c.del({ key: b('p/0') }, cb));
    ec.cluster.advance(10);
    expect(evs(got)).toEqual(['PUT p/0@2', 'PUT p/1@3', 'PUT p/0@4', 'PUT p/1@5', 'PUT p/0@6', 'DELETE p/0@8']);
    expect(t(got[3]!.events[0]!.prevKv!.value)).toBe('v0');
    expect(got.at(-1)!.header).toMatchObject({ clusterId: ec.cluster.clusterId(), memberId: idOf(ec, 'etcd0'), revision: 8 });
    w.cancel();
    run(ec, (cb) => c.put({ key: b('p/9'), value: b('late') }, cb));
    ec.cluster.advance(10);
    expect(evs(got)).toHaveLength(6);
    expect(ec.get(idOf(ec, 'etcd0')).sm.watchable.watcherCount()).toBe(0);
  });

  it('resumes on another endpoint after its member crashes, with no gap and no duplicate', () => {
    const ec = build(602);
    ready(ec);
    const writer = client(ec, { endpoints: ['etcd2', 'etcd1'] });
    const c = client(ec);
    const got: WatchResponse[] = [];
    const w = c.watch({ key: b('k') }, (r) => got.push(r));
    ec.cluster.advance(10);
    expect(w.endpoint).toBe('http://127.0.0.1:2379');
    let n = 0;
    const put = (): void => {
      const r = run<PutResponse>(ec, (cb) => writer.put({ key: b('k'), value: b(`v${n++}`) }, cb));
      expect(r.err).toBeUndefined();
    };
    for (let i = 0; i < 3; i++) put();
    ec.cluster.advance(10);
    // etcd0 dies; writes go on while the watch moves (some land before it is re-created).
    ec.cluster.crash(idOf(ec, 'etcd0'));
    ready(ec);
    for (let i = 0; i < 4; i++) put();
    ec.cluster.advance(300);
    for (let i = 0; i < 3; i++) put();
    ec.cluster.advance(300);
    expect(w.resumes).toBe(1);
    expect(w.endpoint).toBe('http://127.0.0.1:12379');
    const values = got.flatMap((r) => r.events.map((e) => t(e.kv.value)));
    expect(values).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
    const revs = got.flatMap((r) => r.events.map((e) => e.kv.modRevision));
    expect(revs).toEqual([...revs].sort((x, y) => x - y));
    expect(got.every((r) => !r.created && !r.canceled)).toBe(true);
    expect(got.at(-1)!.header.memberId).toBe(idOf(ec, 'etcd1'));
  });

  it('resuming on a member that is ahead of what the watch saw catches up from its history', () => {
    const ec = build(604, { nodes: 5 });
    ready(ec);
    const [e0, e1] = ['etcd0', 'etcd1'].map((n) => idOf(ec, n));
    const writer = client(ec, { endpoints: ['etcd3', 'etcd4'] });
    const c = client(ec, { endpoints: ['etcd0', 'etcd1', 'etcd2'] });
    const got: WatchResponse[] = [];
    const w = c.watch({ key: b('k'), prevKv: true }, (r) => got.push(r));
    ec.cluster.advance(10);
    let n = 0;
    const put = (): void => void run(ec, (cb) => writer.put({ key: b('k'), value: b(`v${n++}`) }, cb));
    put();
    ec.cluster.advance(100);
    // etcd0 falls behind (cut off, its watch sees nothing more), then dies.
    ec.cluster.network.isolate(e0!);
    put();
    put();
    ec.cluster.advance(100);
    ec.cluster.crash(e0!);
    ec.cluster.advance(300);
    // Resumed on etcd1, which had v1 and v2: it catches up from history with the prevKvs.
    expect(w.endpoint).toBe('etcd1');
    expect(got.flatMap((r) => r.events.map((e) => `${t(e.kv.value)}<${t(e.prevKv?.value ?? b(''))}`))).toEqual(['v0<', 'v1<v0', 'v2<v1']);
    // Again: etcd1 is cut off and dies; etcd2 has what it missed.
    ec.cluster.network.isolate(e1!);
    put();
    ec.cluster.crash(e1!);
    put();
    ec.cluster.advance(300);
    expect(w.endpoint).toBe('etcd2');
    expect(w.resumes).toBe(2);
    expect(got.flatMap((r) => r.events.map((e) => t(e.kv.value)))).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('a watch from a compacted revision gets the compaction and ends', () => {
    const ec = build(603);
    ready(ec);
    const c = client(ec);
    for (let i = 0; i < 4; i++) run(ec, (cb) => c.put({ key: b('k'), value: b(`v${i}`) }, cb));
    run(ec, (cb) => c.compact({ revision: 4 }, cb));
    const got: WatchResponse[] = [];
    const w = c.watch({ key: b('k'), startRevision: 2 }, (r) => got.push(r));
    ec.cluster.advance(200);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ canceled: true, compactRevision: 4 });
    expect(w.canceled).toBe(true);
  });
});
