// The Maintenance service served by one member: status, hash/hashKV,
// defragment, alarms, move-leader, and snapshot save/restore.
import { describe, expect, it } from 'vitest';
import type { LeaseGrantResponse } from '../../src/engine/lease/types.ts';
import type { PutResponse, RangeResponse } from '../../src/engine/mvcc/rpc.ts';
import type { AlarmResponse } from '../../src/engine/server/internal.ts';
import {
  type HashKVResponse,
  type HashResponse,
  type SnapshotResponse,
  type StatusResponse,
  alarm,
  alarmText,
  defragment,
  hash,
  hashKV,
  moveLeader,
  snapshot,
  status,
} from '../../src/engine/server/maintenance.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { readSnapshot, restoreCluster } from '../../src/engine/server/snapshot-file.ts';
import { CLUSTER, MEMBER } from './helpers.ts';
import { b, build, call, followers, ready, values } from './request-helpers.ts';

const st = (ec: EtcdCluster, id: string): StatusResponse => call<StatusResponse>(ec, (cb) => status(ec.get(id), cb)).resp!;
const put = (ec: EtcdCluster, id: string, k: string, v: string): PutResponse =>
  call<PutResponse>(ec, (cb) => ec.get(id).put({ key: b(k), value: b(v) }, cb)).resp!;

describe('Status', () => {
  it('reports the member, its store and its raft state; index and size grow with writes', () => {
    const ec = build(301);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const s0 = st(ec, f);
    expect(s0).toMatchObject({ version: '3.4.23', leader: leader.id, errors: [], isLearner: false, header: { memberId: f, revision: 1 } });
    expect(s0.raftTerm).toBe(leader.node()!.rn!.raft.term);
    expect(s0.dbSizeInUse).toBeLessThanOrEqual(s0.dbSize);
    for (let i = 0; i < 10; i++) put(ec, leader.id, `key${i}`, 'x'.repeat(100));
    ec.cluster.advance(300);
    const s1 = st(ec, f);
    expect(s1.raftIndex).toBeGreaterThanOrEqual(s0.raftIndex + 10);
    expect(s1.raftAppliedIndex).toBe(s1.raftIndex);
    expect(s1.dbSize).toBeGreaterThan(s0.dbSize);
    expect(s1.header.revision).toBe(11);
    expect(st(ec, leader.id).leader).toBe(leader.id);
  });

  it('a stopped member answers with "server stopped"', () => {
    const ec = build(302);
    ready(ec);
    const f = followers(ec)[0]!;
    const s = ec.get(f);
    ec.cluster.crash(f);
    expect(call(ec, (cb) => status(s, cb)).err!.message).toBe('etcdserver: server stopped');
  });
});

describe('Hash, HashKV and Defragment', () => {
  it('members that applied the same history hash the same', () => {
    const ec = build(303);
    const leader = ready(ec);
    for (let i = 0; i < 5; i++) put(ec, leader.id, `k${i}`, `v${i}`);
    ec.cluster.advance(300);
    const kv = ec.ids().map((id) => call<HashKVResponse>(ec, (cb) => hashKV(ec.get(id), { revision: 0 }, cb)).resp!);
    expect(new Set(kv.map((r) => r.hash)).size).toBe(1);
    expect(kv[0]!.compactRevision).toBe(-1);
    const h = ec.ids().map((id) => call<HashResponse>(ec, (cb) => hash(ec.get(id), cb)).resp!.hash);
    expect(new Set(h).size).toBe(1);
    const future = call(ec, (cb) => hashKV(leader, { revision: 100 }, cb));
    expect(future.err!.message).toBe('etcdserver: mvcc: required revision is a future revision');
  });

  it('defragment shrinks the db file to its in-use size after a compaction', () => {
    const ec = build(304);
    const leader = ready(ec);
    for (let i = 0; i < 20; i++) put(ec, leader.id, 'k', 'x'.repeat(500));
    const rev = put(ec, leader.id, 'k', 'last').header.revision;
    call(ec, (cb) => leader.compact({ revision: rev }, cb));
    const before = st(ec, leader.id);
    expect(before.dbSizeInUse).toBeLessThan(before.dbSize);
    expect(call(ec, (cb) => defragment(leader, cb)).err).toBeUndefined();
    const after = st(ec, leader.id);
    // The file is rewritten to the pages in use (plus bbolt's meta page); followers keep theirs.
    expect(after.dbSize).toBeLessThan(before.dbSize);
    expect(after.dbSize - after.dbSizeInUse).toBeLessThanOrEqual(2 * 4096);
    expect(st(ec, followers(ec)[0]!).dbSize).toBe(before.dbSize);
  });
});

describe('Alarm', () => {
  it('raises, lists and disarms alarms through raft; status shows them', () => {
    const ec = build(305);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const get = (): AlarmResponse => call<AlarmResponse>(ec, (cb) => alarm(ec.get(f), { action: 'GET', memberID: '0', alarm: 'NONE' }, cb)).resp!;
    expect(get().alarms).toEqual([]);
    call(ec, (cb) => alarm(leader, { action: 'ACTIVATE', memberID: f, alarm: 'NOSPACE' }, cb));
    ec.cluster.advance(300);
    expect(get().alarms).toEqual([{ memberID: f, alarm: 'NOSPACE' }]);
    expect(st(ec, f).errors).toEqual([alarmText({ memberID: f, alarm: 'NOSPACE' })]);
    expect(alarmText({ memberID: '8e9e05c52164694d', alarm: 'NOSPACE' })).toBe('memberID:10276657743932975437 alarm:NOSPACE ');
    const dis = call<AlarmResponse>(ec, (cb) => alarm(ec.get(f), { action: 'DEACTIVATE', memberID: f, alarm: 'NOSPACE' }, cb));
    expect(dis.resp!.alarms).toEqual([{ memberID: f, alarm: 'NOSPACE' }]);
    expect(get().alarms).toEqual([]);
  });
});

describe('MoveLeader', () => {
  it('moves leadership to a voter; only the leader may, and only to a voter', () => {
    const ec = build(306);
    const leader = ready(ec);
    const [f1, f2] = followers(ec) as [string, string];
    expect(call(ec, (cb) => moveLeader(ec.get(f1), { targetID: f2 }, cb)).err).toEqual({ message: 'etcdserver: not leader', code: 'FailedPrecondition' });
    expect(call(ec, (cb) => moveLeader(leader, { targetID: '1234' }, cb)).err).toEqual({
      message: 'etcdserver: bad leader transferee',
      code: 'FailedPrecondition',
    });
    expect(call(ec, (cb) => moveLeader(leader, { targetID: leader.id }, cb)).err).toBeUndefined();
    const mv = call(ec, (cb) => moveLeader(leader, { targetID: f1 }, cb));
    expect(mv.err).toBeUndefined();
    expect(ec.cluster.leader()!.id).toBe(f1);
    expect(st(ec, f2).leader).toBe(f1);
  });

  it('times out when the target cannot take over', () => {
    const ec = build(307);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    ec.cluster.network.isolate(f);
    const mv = call(ec, (cb) => moveLeader(leader, { targetID: f }, cb));
    expect(mv.err).toEqual({ message: 'etcdserver: request timed out, leader transfer took too long', code: 'Unknown' });
  });
});

describe('Snapshot', () => {
  it('restores into a new cluster keeping every key at its revision; the hash check catches corruption', () => {
    const ec = build(308);
    const leader = ready(ec);
    put(ec, leader.id, 'a', '1');
    put(ec, leader.id, 'b', '2');
    put(ec, leader.id, 'a', '3');
    const grant = call<LeaseGrantResponse>(ec, (cb) => leader.leaseGrant({ ID: '0', TTL: 600 }, cb)).resp!;
    ec.cluster.advance(300);
    const f = followers(ec)[0]!;
    const snap = call<SnapshotResponse>(ec, (cb) => snapshot(ec.get(f), cb)).resp!;
    expect(snap.blob.length % 512).toBe(32);
    expect('image' in readSnapshot(snap.blob)).toBe(true);

    const res = restoreCluster(snap.blob);
    if ('err' in res) throw new Error(res.err);
    const rc = res.cluster;
    // etcd's defaults: member "default" at http://localhost:2380, token etcd-cluster.
    expect(rc.ids()).toEqual([MEMBER]);
    expect(rc.cluster.clusterId()).toBe(CLUSTER);
    const rl = ready(rc);
    const got = call<RangeResponse>(rc, (cb) => rl.range({ key: b('a'), rangeEnd: b('c') }, cb)).resp!;
    expect(values(got.kvs)).toEqual(['a=3', 'b=2']);
    expect(got.kvs.map((kv) => kv.modRevision)).toEqual([4, 3]);
    expect(got.header.revision).toBe(4);
    expect(put(rc, rl.id, 'c', 'new').header.revision).toBe(5);
    // Leases survive the restore.
    expect(rl.sm.lessor.exists(grant.ID)).toBe(true);

    const bad = snap.blob.slice();
    bad[20] = bad[20]! ^ 0xff;
    const err = restoreCluster(bad);
    expect('err' in err && err.err).toMatch(/^expected sha256 \[[0-9 ]+\], got \[[0-9 ]+\]$/);
    // --skip-hash-check restores a blob whose trailer is wrong.
    const trailer = snap.blob.slice();
    trailer[trailer.length - 1] = trailer[trailer.length - 1]! ^ 0xff;
    expect('err' in restoreCluster(trailer)).toBe(true);
    expect('cluster' in restoreCluster(trailer, { skipHashCheck: true })).toBe(true);
    const noHash = snap.blob.subarray(0, snap.blob.length - 32);
    expect(restoreCluster(noHash)).toEqual({ err: 'snapshot missing hash but --skip-hash-check=false' });
    const three = restoreCluster(noHash, { skipHashCheck: true, nodes: 3, clusterToken: 'restored' });
    if ('err' in three) throw new Error(three.err);
    const l3 = ready(three.cluster);
    expect(values(call<RangeResponse>(three.cluster, (cb) => l3.range({ key: b('a') }, cb)).resp!.kvs)).toEqual(['a=3']);
  });
});
