// The client's Cluster and Maintenance calls end to end: member add, promote,
// update and remove with etcd's refusals; status, hash and hashKV of a named
// endpoint (and the deadline when it is down); defragment; alarms;
// move-leader; snapshot and its status.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/engine/client/index.ts';
import type {
  AlarmResponse,
  DefragmentResponse,
  HashKVResponse,
  HashResponse,
  MemberAddResponse,
  MemberListResponse,
  MoveLeaderResponse,
  SnapshotResponse,
  StatusResponse,
} from '../../src/engine/api/service.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { snapshotStatus } from '../../src/engine/server/snapshot-status.ts';
import type { PutResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, client, idOf, ready, run } from './helpers.ts';

const EP = ['http://127.0.0.1:2379', 'http://127.0.0.1:12379', 'http://127.0.0.1:22379'];

function put(ec: EtcdCluster, c: Client, k: string, v: string): void {
  expect(run<PutResponse>(ec, (cb) => c.put({ key: b(k), value: b(v) }, cb)).err).toBeUndefined();
}

describe('Client cluster calls', () => {
  it('adds a learner, promotes it, updates its peer URLs and removes it', () => {
    const ec = build(701);
    ready(ec);
    const c = client(ec);
    const add = run<MemberAddResponse>(ec, (cb) => c.memberAdd(['http://127.0.0.1:32380'], true, cb, { name: 'etcd3' }));
    expect(add.err).toBeUndefined();
    const id = add.resp!.member.ID;
    expect(add.resp!.member).toMatchObject({ isLearner: true, peerURLs: ['http://127.0.0.1:32380'] });
    // etcdctl member add only registers it; the member's process is launched separately.
    expect(ec.cluster.restart(id)).toBeUndefined();
    // A second learner is refused; an existing peer URL too.
    expect(run(ec, (cb) => c.memberAdd(['http://127.0.0.1:42380'], true, cb)).err).toEqual({
      message: 'etcdserver: too many learner members in cluster',
      code: 'FailedPrecondition',
    });
    expect(run(ec, (cb) => c.memberAdd(['http://127.0.0.1:32380'], false, cb)).err!.message).toBe('etcdserver: Peer URLs already exists');
    ec.cluster.advance(3000);
    expect(run<MemberListResponse>(ec, (cb) => c.memberPromote(id, cb)).err).toBeUndefined();
    expect(run(ec, (cb) => c.memberPromote(id, cb)).err!.message).toBe('etcdserver: can only promote a learner member');
    const up = run<MemberListResponse>(ec, (cb) => c.memberUpdate(id, ['http://127.0.0.1:32381'], cb));
    expect(up.err).toBeUndefined();
    expect(up.resp!.members.find((m) => m.ID === id)).toMatchObject({ peerURLs: ['http://127.0.0.1:32381'], isLearner: false });
    const rm = run<MemberListResponse>(ec, (cb) => c.memberRemove(id, cb));
    expect(rm.err).toBeUndefined();
    expect(rm.resp!.members.map((m) => m.ID)).not.toContain(id);
    expect(run(ec, (cb) => c.memberRemove(id, cb)).err).toEqual({ message: 'etcdserver: member not found', code: 'NotFound' });
    expect(run(ec, (cb) => c.memberPromote('1234', cb)).err!.message).toBe('etcdserver: member not found');
  });
});

describe('Client maintenance calls', () => {
  it('status, hash and hashKV answer from the named endpoint; hashKV agrees across members', () => {
    const ec = build(702);
    const leader = ready(ec);
    const c = client(ec);
    put(ec, c, 'a', '1');
    put(ec, c, 'b', '2');
    ec.cluster.advance(200);
    const hashes: number[] = [];
    for (const ep of EP) {
      const st = run<StatusResponse>(ec, (cb) => c.status(ep, cb));
      expect(st.err).toBeUndefined();
      expect(st.resp!.header.memberId).toBe(ec.resolve(ep));
      expect(st.resp).toMatchObject({ version: '3.4.23', leader: leader.id, errors: [], isLearner: false });
      expect(st.resp!.raftAppliedIndex).toBe(st.resp!.raftIndex);
      const h = run<HashKVResponse>(ec, (cb) => c.hashKV(ep, 0, cb));
      expect(h.resp!.header.memberId).toBe(ec.resolve(ep));
      expect(h.resp!.header.revision).toBe(3);
      hashes.push(h.resp!.hash);
      expect(run<HashResponse>(ec, (cb) => c.hash(ep, cb)).err).toBeUndefined();
    }
    expect(new Set(hashes).size).toBe(1);
    expect(run(ec, (cb) => c.hashKV(EP[0]!, 100, cb)).err).toEqual({ message: 'etcdserver: mvcc: required revision is a future revision', code: 'OutOfRange' });
  });

  it('a maintenance call to a member that is down waits for it until the deadline, without failing over', () => {
    const ec = build(703);
    ready(ec);
    const c = client(ec);
    ec.cluster.crash(idOf(ec, 'etcd2'));
    const st = run<StatusResponse>(ec, (cb) => c.status(EP[2]!, cb));
    expect(st.err).toEqual({ message: 'context deadline exceeded', code: 'DeadlineExceeded' });
    expect(st.at).toBeGreaterThanOrEqual(5000);
    // Not a member at all: the same.
    expect(run(ec, (cb) => c.defragment('http://127.0.0.1:23799', cb, { timeoutMs: 2000 })).err!.message).toBe('context deadline exceeded');
    // The others still answer.
    expect(run<StatusResponse>(ec, (cb) => c.status(EP[1]!, cb)).resp!.header.memberId).toBe(idOf(ec, 'etcd1'));
  });

  it('defragment shrinks the db file of that member only', () => {
    const ec = build(704);
    ready(ec);
    const c = client(ec);
    for (let i = 0; i < 300; i++) c.put({ key: b(`k${i % 10}`), value: b('x'.repeat(500)) }, () => {});
    ec.cluster.advance(3000);
    const rev = run<PutResponse>(ec, (cb) => c.put({ key: b('last'), value: b('1') }, cb)).resp!.header.revision;
    expect(run(ec, (cb) => c.compact({ revision: rev }, cb)).err).toBeUndefined();
    ec.cluster.advance(500);
    const before = EP.map((ep) => run<StatusResponse>(ec, (cb) => c.status(ep, cb)).resp!);
    expect(before[0]!.dbSizeInUse).toBeLessThan(before[0]!.dbSize);
    const d = run<DefragmentResponse>(ec, (cb) => c.defragment(EP[0]!, cb));
    expect(d.err).toBeUndefined();
    expect(d.resp!.header.memberId).toBe(idOf(ec, 'etcd0'));
    const after = EP.map((ep) => run<StatusResponse>(ec, (cb) => c.status(ep, cb)).resp!);
    expect(after[0]!.dbSize).toBeLessThan(before[0]!.dbSize);
    expect(after[1]!.dbSize).toBe(before[1]!.dbSize);
  });

  it('lists and disarms alarms (all of them with an empty member)', () => {
    const ec = build(705);
    const leader = ready(ec);
    const c = client(ec);
    expect(run<AlarmResponse>(ec, (cb) => c.alarmList(cb)).resp!.alarms).toEqual([]);
    for (const id of ec.ids().slice(0, 2)) {
      const r = run<AlarmResponse>(ec, (cb) => leader.raftRequest('alarm', { action: 'ACTIVATE', memberID: id, alarm: 'NOSPACE' }, cb as never));
      expect(r.err).toBeUndefined();
    }
    expect(run<AlarmResponse>(ec, (cb) => c.alarmList(cb)).resp!.alarms).toHaveLength(2);
    const st = run<StatusResponse>(ec, (cb) => c.status(EP[0]!, cb)).resp!;
    expect(st.errors).toHaveLength(2);
    expect(st.errors[0]).toMatch(/^memberID:\d+ alarm:NOSPACE $/);
    const one = run<AlarmResponse>(ec, (cb) => c.alarmDisarm({ memberID: ec.ids()[0]!, alarm: 'NOSPACE' }, cb));
    expect(one.resp!.alarms).toEqual([{ memberID: ec.ids()[0]!, alarm: 'NOSPACE' }]);
    // One NOSPACE alarm left: writes are still refused.
    expect(run(ec, (cb) => c.put({ key: b('k'), value: b('v') }, cb)).err!.message).toBe('etcdserver: mvcc: database space exceeded');
    const all = run<AlarmResponse>(ec, (cb) => c.alarmDisarm({ memberID: '0', alarm: 'NONE' }, cb));
    expect(all.err).toBeUndefined();
    expect(all.resp!.alarms).toEqual([{ memberID: ec.ids()[1]!, alarm: 'NOSPACE' }]);
    expect(run<AlarmResponse>(ec, (cb) => c.alarmList(cb)).resp!.alarms).toEqual([]);
    put(ec, c, 'k', 'v');
  });

  it('moveLeader hands leadership over from the pinned leader; a follower refuses', () => {
    const ec = build(706);
    const leader = ready(ec);
    const other = ec.ids().find((id) => id !== leader.id)!;
    const onLeader = client(ec, { endpoints: [leader.id] });
    const onOther = client(ec, { endpoints: [other] });
    expect(run(ec, (cb) => onOther.moveLeader(leader.id, cb)).err).toEqual({ message: 'etcdserver: not leader', code: 'FailedPrecondition' });
    expect(run(ec, (cb) => onLeader.moveLeader('1234', cb)).err!.message).toBe('etcdserver: bad leader transferee');
    const mv = run<MoveLeaderResponse>(ec, (cb) => onLeader.moveLeader(other, cb));
    expect(mv.err).toBeUndefined();
    expect(ec.cluster.leader()!.id).toBe(other);
  });

  it('snapshot saves the pinned member store; snapshot status reads revision, keys and size', () => {
    const ec = build(707);
    ready(ec);
    const c = client(ec);
    put(ec, c, 'a', '1');
    put(ec, c, 'b', '2');
    put(ec, c, 'c', '3');
    expect(run(ec, (cb) => c.del({ key: b('b') }, cb)).err).toBeUndefined();
    const snap = run<SnapshotResponse>(ec, (cb) => c.snapshot(cb));
    expect(snap.err).toBeUndefined();
    const st = snapshotStatus(snap.resp!.blob);
    if ('err' in st) throw new Error(st.err);
    // As golden 20-snapshot: revision 5, 10 keys (4 revisions, meta, 3 members, cluster version, auth revision).
    expect(st.status).toMatchObject({ revision: 5, totalKey: 10 });
    const size = run<StatusResponse>(ec, (cb) => c.status(EP[0]!, cb)).resp!.dbSize;
    expect(st.status.totalSize).toBe(size);
    // The same store on a follower gives the same figures.
    const f = client(ec, { endpoints: [EP[1]!] });
    const st1 = snapshotStatus(run<SnapshotResponse>(ec, (cb) => f.snapshot(cb)).resp!.blob);
    expect('status' in st1 && st1.status.hash).toBe(st.status.hash);
  });
});
