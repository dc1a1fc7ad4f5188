// Regression scenarios for the bugs on etcd's record (etcd-io/etcd issues),
// each played on the simulated cluster and checked for the rule that bug
// broke. #18089 is reproduced on purpose (etcd 3.4.23 has it) and is pinned
// in test/check/fuzz.test.ts; #19179 in test/watch/catchup.test.ts.
import { describe, expect, it } from 'vitest';
import type { RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import type { WatchResponse } from '../../src/engine/mvcc/watch-types.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { RequestError } from '../../src/engine/server/request-errors.ts';
import { b, build, client, ready, run, t } from '../client/helpers.ts';

/** Every live member's (revision, hashKV) after the cluster settles. */
function settled(ec: EtcdCluster): { rev: number; hash: number }[] {
  ec.cluster.advance(3000);
  return ec.ids()
    .filter((id) => ec.cluster.nodes.get(id)!.isUp())
    .map((id) => {
      const kv = ec.get(id).sm.kv;
      return { rev: kv.rev, hash: kv.hashKV(kv.rev).hash };
    });
}

function expectSame(all: { rev: number; hash: number }[]): void {
  for (const x of all) expect(x).toEqual(all[0]);
}

/** The (revision, key) of every event a watch got, in order. */
function eventLog(rs: WatchResponse[]): string[] {
  return rs.flatMap((r) => r.events.map((e) => `${e.kv.modRevision}:${t(e.kv.key)}`));
}

function expectOrderedUnique(log: string[]): void {
  const revs = log.map((x) => Number(x.split(':')[0]));
  for (let i = 1; i < revs.length; i++) expect(revs[i]).toBeGreaterThanOrEqual(revs[i - 1]!);
  expect(new Set(log).size).toBe(log.length);
}

function pumpPuts(ec: EtcdCluster, n: number, key: (i: number) => string): void {
  const c = client(ec);
  let done = 0;
  for (let i = 0; i < n; i++) c.put({ key: b(key(i)), value: b(`v${i}`) }, () => done++);
  ec.cluster.runUntil(() => done === n, 60_000);
}

describe("etcd's bug record, replayed", () => {
  it('#13766: members agree on revision and hash after a crash under a write flood', () => {
    const ec = build(1301);
    ready(ec);
    const c = client(ec);
    const follower = ec.ids().find((id) => id !== ec.cluster.leader()!.id)!;
    let acked = 0;
    for (let i = 0; i < 2000; i++) c.put({ key: b(`k${i % 50}`), value: b(`${i}`) }, (err) => err || acked++);
    ec.cluster.runUntil(() => acked > 700, 20_000);
    ec.cluster.crash(follower);
    ec.cluster.advance(200);
    ec.cluster.restart(follower);
    ec.cluster.runUntil(() => acked === 2000, 60_000);
    expect(acked).toBe(2000);
    const all = settled(ec);
    expect(all[0]!.rev).toBe(2001);
    expectSame(all);
  });

  it('#14370: a single member does not lose an acknowledged write when it crashes at once', () => {
    const ec = build(1302, { nodes: 1 });
    ready(ec);
    const c = client(ec, { endpoints: ['http://localhost:2379'] });
    const put = run(ec, (cb) => c.put({ key: b('k'), value: b('acked') }, cb));
    expect(put.err).toBeUndefined();
    const id = ec.ids()[0]!;
    ec.cluster.crash(id);
    ec.cluster.restart(id);
    ready(ec);
    const got = run<RangeResponse>(ec, (cb) => c.get({ key: b('k') }, cb));
    expect(got.resp!.kvs.map((kv) => t(kv.value))).toEqual(['acked']);
    expect(got.resp!.header.revision).toBe(2);
  });

  it('#14685: a crash right after defragment keeps the revision and the hash', () => {
    const ec = build(1303);
    ready(ec);
    pumpPuts(ec, 300, (i) => `k${i % 30}`);
    const before = settled(ec);
    const c = client(ec);
    const victim = ec.ids()[1]!;
    const ep = ec.cluster.members.get(victim)!.clientURLs[0]!;
    expect(run(ec, (cb) => c.defragment(ep, cb)).err).toBeUndefined();
    ec.cluster.crash(victim);
    ec.cluster.restart(victim);
    const after = settled(ec);
    expectSame(after);
    expect(after[0]).toEqual(before[0]);
  });

  it('#15220: a progress notification never runs ahead of the events on its stream', () => {
    const ec = build(1304);
    ready(ec);
    const c = client(ec);
    const rs: WatchResponse[] = [];
    const w = c.watch({ key: b('p/'), rangeEnd: b('p0') }, (r) => rs.push(r));
    ec.cluster.advance(50);
    let done = 0;
    for (let i = 0; i < 200; i++) {
      c.put({ key: b(`p/${i}`), value: b('v') }, () => done++);
      if (i % 7 === 0) w.requestProgress();
      ec.cluster.advance(i % 3);
    }
    ec.cluster.runUntil(() => done === 200, 20_000);
    ec.cluster.advance(500);
    let seen = 0;
    let progress = 0;
    for (const r of rs) {
      for (const e of r.events) seen = Math.max(seen, e.kv.modRevision);
      if (r.events.length > 0 || r.created || r.canceled) continue;
      // A progress notification says "nothing at or below this revision is still to come".
      progress++;
      expect(r.header.revision).toBeLessThanOrEqual(Math.max(seen, 1));
    }
    expect(progress).toBeGreaterThan(5);
    expect(eventLog(rs)).toHaveLength(200);
  });

  it('#15271: a watch that follows its member through a partition never goes back in time', () => {
    const ec = build(1305);
    ready(ec);
    const leader = ec.cluster.leader()!.id;
    const follower = ec.ids().find((id) => id !== leader)!;
    const c = client(ec);
    const rs: WatchResponse[] = [];
    const watcher = client(ec, { endpoints: [ec.cluster.members.get(follower)!.clientURLs[0]!, ...ec.ids().filter((i) => i !== follower).map((i) => ec.cluster.members.get(i)!.clientURLs[0]!)] });
    watcher.watch({ key: b('w/'), rangeEnd: b('w0') }, (r) => rs.push(r));
    ec.cluster.advance(50);
    pumpPuts(ec, 20, (i) => `w/${i}`);
    ec.cluster.network.isolate(follower);
    let done = 0;
    for (let i = 20; i < 60; i++) c.put({ key: b(`w/${i}`), value: b('v') }, () => done++);
    ec.cluster.runUntil(() => done === 40, 20_000);
    ec.cluster.advance(2000);
    ec.cluster.network.heal();
    ec.cluster.advance(5000);
    const log = eventLog(rs);
    expectOrderedUnique(log);
    expect(log).toHaveLength(60);
  });

  it('#17247: a watch created while writes race its catch-up gets each event exactly once', () => {
    const ec = build(1306);
    ready(ec);
    const c = client(ec);
    pumpPuts(ec, 100, (i) => `d/${i % 10}`);
    const rs: WatchResponse[] = [];
    let done = 0;
    for (let i = 0; i < 100; i++) c.txn({ compare: [], success: [{ requestPut: { key: b(`d/${i % 10}`), value: b('x') } }, { requestPut: { key: b(`e/${i}`), value: b('y') } }], failure: [] }, () => done++);
    c.watch({ key: b('d/'), rangeEnd: b('d0'), startRevision: 50 }, (r) => rs.push(r));
    ec.cluster.runUntil(() => done === 100, 20_000);
    ec.cluster.advance(1000);
    const log = eventLog(rs);
    expectOrderedUnique(log);
    // Revisions 50..101 of the first puts, then one event per txn.
    expect(log).toHaveLength(52 + 100);
  });

  it('#17529: a thousand watchers on one client each get every event under a flood', () => {
    const ec = build(1307);
    ready(ec);
    const c = client(ec);
    const got = new Array<number>(1000).fill(0);
    for (let w = 0; w < 1000; w++) c.watch({ key: b('f/'), rangeEnd: b('f0') }, (r) => (got[w]! += r.events.length));
    ec.cluster.advance(100);
    pumpPuts(ec, 300, (i) => `f/${i}`);
    ec.cluster.advance(2000);
    expect(got.filter((n) => n !== 300)).toEqual([]);
  });

  it('#17780: the revision never decreases after a crash right after a compaction', () => {
    const ec = build(1308);
    ready(ec);
    const c = client(ec);
    pumpPuts(ec, 200, (i) => `c${i % 5}`);
    const compacted = run(ec, (cb) => c.compact({ revision: 150 }, cb));
    expect(compacted.err).toBeUndefined();
    const revs = new Map(ec.ids().map((id) => [id, ec.get(id).sm.kv.rev]));
    for (const id of ec.ids()) {
      ec.cluster.crash(id);
      ec.cluster.restart(id);
    }
    ready(ec);
    ec.cluster.advance(2000);
    for (const id of ec.ids()) {
      expect(ec.get(id).sm.kv.rev).toBeGreaterThanOrEqual(revs.get(id)!);
      expect(ec.get(id).sm.kv.compactRevision).toBe(150);
    }
    expectSame(settled(ec));
  });

  it('#18055: a follower fed two snapshots in a short time converges', () => {
    const ec = build(1309, { snapshotCount: 50, snapshotCatchUpEntries: 10 });
    ready(ec);
    const victim = ec.ids().find((id) => id !== ec.cluster.leader()!.id)!;
    for (let round = 0; round < 2; round++) {
      ec.cluster.network.isolate(victim);
      pumpPuts(ec, 150, (i) => `s${round}/${i}`);
      ec.cluster.network.heal();
      ec.cluster.advance(300);
    }
    const all = settled(ec);
    expect(all).toHaveLength(3);
    expectSame(all);
    expect(all[0]!.rev).toBe(301);
  });

  it('#18667: a txn reading a compacted revision fails the same way on every member, changing nothing', () => {
    const ec = build(1310);
    ready(ec);
    const c = client(ec);
    pumpPuts(ec, 20, (i) => `r${i}`);
    expect(run(ec, (cb) => c.compact({ revision: 15 }, cb)).err).toBeUndefined();
    const r = run<TxnResponse>(ec, (cb) =>
      c.txn({ compare: [], success: [{ requestRange: { key: b('r1'), revision: 10 } }, { requestPut: { key: b('after'), value: b('x') } }], failure: [] }, cb),
    );
    expect(r.err?.message).toBe('etcdserver: mvcc: required revision has been compacted');
    const all = settled(ec);
    expectSame(all);
    expect(all[0]!.rev).toBe(21);
  });

  it('#20221: a watch on a future revision gets nothing older than its start', () => {
    const ec = build(1311);
    ready(ec);
    const c = client(ec);
    pumpPuts(ec, 10, (i) => `u${i}`);
    const rs: WatchResponse[] = [];
    const w = c.watch({ key: b('u'), rangeEnd: b('v'), startRevision: 20, progressNotify: true }, (r) => rs.push(r));
    for (let i = 0; i < 5; i++) w.requestProgress();
    pumpPuts(ec, 15, (i) => `u${i}`);
    ec.cluster.advance(12_000);
    const revs = rs.flatMap((r) => r.events.map((e) => e.kv.modRevision));
    expect(revs).toEqual([20, 21, 22, 23, 24, 25, 26]);
  });

  it('#20418: a leader paused while another is elected serves no stale linearizable read when it resumes', () => {
    const ec = build(1312);
    ready(ec);
    const old = ec.cluster.leader()!.id;
    const c = client(ec);
    expect(run(ec, (cb) => c.put({ key: b('x'), value: b('1') }, cb)).err).toBeUndefined();
    const toOld = client(ec, { endpoints: [ec.cluster.members.get(old)!.clientURLs[0]!] });
    ec.cluster.pause(old);
    ec.cluster.runUntil(() => (ec.cluster.leader()?.id ?? old) !== old, 10_000);
    const others = client(ec, { endpoints: ec.ids().filter((id) => id !== old).map((id) => ec.cluster.members.get(id)!.clientURLs[0]!) });
    expect(run(ec, (cb) => others.put({ key: b('x'), value: b('2') }, cb)).err).toBeUndefined();
    let read: RangeResponse | undefined;
    let readErr: RequestError | undefined;
    toOld.get({ key: b('x') }, (err, resp) => ((readErr = err), (read = resp)));
    ec.cluster.resume(old);
    ec.cluster.runUntil(() => read !== undefined || readErr !== undefined, 20_000);
    expect(readErr).toBeUndefined();
    expect(read!.kvs.map((kv) => t(kv.value))).toEqual(['2']);
  });
});
