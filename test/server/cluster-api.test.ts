// The Cluster service served by one member: member list fields, add (learner)
// and promote, remove a follower and the leader, update, and etcd's refusals.
import { describe, expect, it } from 'vitest';
import type { PutResponse } from '../../src/engine/mvcc/rpc.ts';
import {
  type MemberAddResponse,
  type MemberListResponse,
  isStarted,
  memberAdd,
  memberList,
  memberPromote,
  memberRemove,
  memberUpdate,
} from '../../src/engine/server/cluster-api.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { type StatusResponse, hashKV, moveLeader, status } from '../../src/engine/server/maintenance.ts';
import { b, build, call, followers, ready } from './request-helpers.ts';

const list = (ec: EtcdCluster, id: string): MemberListResponse => call<MemberListResponse>(ec, (cb) => memberList(ec.get(id), cb)).resp!;

describe('MemberList', () => {
  it('lists every member sorted by ID with its name, URLs and learner flag, headed by the serving member', () => {
    const ec = build(201);
    ready(ec);
    const f = followers(ec)[0]!;
    const resp = list(ec, f);
    expect(resp.header).toEqual({ clusterId: ec.cluster.clusterId(), memberId: f, revision: 0, raftTerm: ec.get(f).sm.term });
    const ids = [...ec.cluster.members.keys()].sort((x, y) => (BigInt('0x' + x) < BigInt('0x' + y) ? -1 : 1));
    expect(resp.members.map((m) => m.ID)).toEqual(ids);
    for (const m of resp.members) {
      const rec = ec.cluster.members.get(m.ID)!;
      expect(m).toEqual({ ID: rec.id, name: rec.name, peerURLs: rec.peerURLs, clientURLs: rec.clientURLs, isLearner: false });
    }
    expect(resp.members.map((m) => m.name).sort()).toEqual(['etcd0', 'etcd1', 'etcd2']);
  });
});

describe('MemberAdd and MemberPromote', () => {
  it('adds a learner, which starts, catches up and is promoted; a second learner is refused', () => {
    const ec = build(202);
    ready(ec);
    const f = followers(ec)[0]!;
    const add = call<MemberAddResponse>(ec, (cb) => memberAdd(ec.get(f), { peerURLs: ['http://127.0.0.1:2480'], isLearner: true, name: 'etcd3' }, cb));
    expect(add.err).toBeUndefined();
    const id = add.resp!.member.ID;
    expect(add.resp!.member).toMatchObject({ peerURLs: ['http://127.0.0.1:2480'], isLearner: true });
    expect(add.resp!.members.map((m) => m.ID)).toContain(id);
    expect(add.resp!.header.memberId).toBe(f);
    // Adding does not launch it: it stays unstarted until its process runs and catches up.
    ec.cluster.advance(2000);
    expect(isStarted(ec.cluster, id)).toBe(false);
    expect(ec.cluster.restart(id)).toBeUndefined();
    expect(ec.cluster.runUntil(() => isStarted(ec.cluster, id), 5000)).toBe(true);
    expect(list(ec, f).members.find((m) => m.ID === id)).toMatchObject({ name: 'etcd3', isLearner: true });
    // A learner serves Status (and serializable ranges) only.
    expect(call<StatusResponse>(ec, (cb) => status(ec.get(id), cb)).resp!.isLearner).toBe(true);
    const learnerOnly = { message: 'etcdserver: rpc not supported for learner', code: 'Unavailable' };
    expect(call(ec, (cb) => memberList(ec.get(id), cb)).err).toEqual(learnerOnly);
    expect(call(ec, (cb) => hashKV(ec.get(id), {}, cb)).err).toEqual(learnerOnly);
    expect(call(ec, (cb) => moveLeader(ec.cluster.leader() ? ec.get(ec.cluster.leader()!.id) : ec.get(f), { targetID: id }, cb)).err!.message).toBe(
      'etcdserver: bad leader transferee',
    );

    const second = call(ec, (cb) => memberAdd(ec.get(f), { peerURLs: ['http://127.0.0.1:2580'], isLearner: true }, cb));
    expect(second.err).toEqual({ message: 'etcdserver: too many learner members in cluster', code: 'FailedPrecondition' });

    ec.cluster.advance(1000);
    const promoted = call<MemberListResponse>(ec, (cb) => memberPromote(ec.get(f), { ID: id }, cb));
    expect(promoted.err).toBeUndefined();
    expect(promoted.resp!.members.find((m) => m.ID === id)!.isLearner).toBe(false);
    const again = call(ec, (cb) => memberPromote(ec.get(f), { ID: id }, cb));
    expect(again.err).toEqual({ message: 'etcdserver: can only promote a learner member', code: 'FailedPrecondition' });
  });

  it('refuses to promote a learner that is not in sync with the leader', () => {
    const ec = build(203);
    const leader = ready(ec);
    for (let i = 0; i < 20; i++) call(ec, (cb) => leader.put({ key: b(`k${i}`), value: b('v') }, cb));
    const res = ec.cluster.addLearner({ peerURLs: ['http://127.0.0.1:2480'] });
    if (!res.ok) throw new Error(res.error);
    ec.cluster.crash(res.value.id); // never catches up
    ec.cluster.advance(500);
    const p = call(ec, (cb) => memberPromote(leader, { ID: res.value.id }, cb));
    expect(p.err).toEqual({ message: 'etcdserver: can only promote a learner member which is in sync with leader', code: 'FailedPrecondition' });
  });

  it('refuses duplicate peer URLs, unknown members, and voter changes while a voter is unreachable', () => {
    const ec = build(204);
    const leader = ready(ec);
    const [f1, f2] = followers(ec) as [string, string];
    const taken = ec.cluster.members.get(f1)!.peerURLs;
    const dup = call(ec, (cb) => memberAdd(leader, { peerURLs: taken }, cb));
    expect(dup.err).toEqual({ message: 'etcdserver: Peer URLs already exists', code: 'FailedPrecondition' });
    const notFound = { message: 'etcdserver: member not found', code: 'NotFound' };
    expect(call(ec, (cb) => memberRemove(leader, { ID: '1234' }, cb)).err).toEqual(notFound);
    expect(call(ec, (cb) => memberPromote(leader, { ID: '1234' }, cb)).err).toEqual(notFound);
    expect(call(ec, (cb) => memberUpdate(leader, { ID: '1234', peerURLs: ['http://127.0.0.1:9999'] }, cb)).err).toEqual(notFound);
    const upd = call(ec, (cb) => memberUpdate(leader, { ID: f2, peerURLs: taken }, cb));
    expect(upd.err!.message).toBe('etcdserver: Peer URLs already exists');

    ec.cluster.crash(f1);
    const unhealthy = { message: 'etcdserver: unhealthy cluster', code: 'Unavailable' };
    expect(call(ec, (cb) => memberAdd(leader, { peerURLs: ['http://127.0.0.1:2480'] }, cb)).err).toEqual(unhealthy);
    expect(call(ec, (cb) => memberAdd(leader, { peerURLs: ['http://127.0.0.1:2480'], isLearner: true }, cb)).err).toEqual(unhealthy);
    // Removing f2 would leave one of three voters up.
    expect(call(ec, (cb) => memberRemove(leader, { ID: f2 }, cb)).err).toEqual(unhealthy);
    // The member that is down may go.
    expect(call(ec, (cb) => memberRemove(leader, { ID: f1 }, cb)).err).toBeUndefined();
    expect(list(ec, leader.id).members.map((m) => m.ID)).not.toContain(f1);
  });
});

describe('strict reconfig check', () => {
  it('refuses voter changes that would leave fewer than a quorum of started members', () => {
    const ec = build(208);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    // Two voters that never start (added behind the API's back, crashed at once).
    for (const port of [2480, 2580]) {
      const res = ec.cluster.addMember({ peerURLs: [`http://127.0.0.1:${port}`] });
      if (!res.ok) throw new Error(res.error);
      ec.cluster.crash(res.value.id);
      expect(ec.cluster.runUntil(() => leader.node()!.confState.voters.includes(res.value.id), 5000)).toBe(true);
    }
    const unstarted = list(ec, leader.id).members.filter((m) => m.name === '');
    expect(unstarted).toHaveLength(2);
    expect(unstarted[0]!.clientURLs).toEqual([]);
    const notEnough = { message: 'etcdserver: re-configuration failed due to not enough started members', code: 'FailedPrecondition' };
    expect(call(ec, (cb) => memberRemove(leader, { ID: f }, cb)).err).toEqual(notEnough);
    expect(call(ec, (cb) => memberAdd(leader, { peerURLs: ['http://127.0.0.1:2680'] }, cb)).err).toEqual(notEnough);
    // An unstarted member is down, so it may be removed.
    expect(call(ec, (cb) => memberRemove(leader, { ID: unstarted[0]!.ID }, cb)).err).toBeUndefined();
  });
});

describe('MemberRemove and MemberUpdate', () => {
  it('removes a follower, which stops; the rest keep serving', () => {
    const ec = build(205);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const rm = call<MemberListResponse>(ec, (cb) => memberRemove(leader, { ID: f }, cb));
    expect(rm.err).toBeUndefined();
    expect(rm.resp!.members).toHaveLength(2);
    ec.cluster.advance(2000);
    expect(ec.cluster.nodes.get(f)!.life).toBe('stopped');
    expect(call<PutResponse>(ec, (cb) => leader.put({ key: b('after'), value: b('ok') }, cb)).err).toBeUndefined();
  });

  it('removes the leader through a follower; the others elect a new one', () => {
    const ec = build(206);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const rm = call<MemberListResponse>(ec, (cb) => memberRemove(ec.get(f), { ID: leader.id }, cb));
    expect(rm.err).toBeUndefined();
    expect(rm.resp!.members.map((m) => m.ID)).not.toContain(leader.id);
    expect(ec.cluster.runUntil(() => ec.cluster.leader() !== undefined && ec.cluster.leader()!.id !== leader.id, 10_000)).toBe(true);
    const put = call<PutResponse>(ec, (cb) => ec.get(f).put({ key: b('k'), value: b('v') }, cb));
    expect(put.err).toBeUndefined();
  });

  it('the leader removes itself; the others elect a new one', () => {
    const ec = build(209);
    const leader = ready(ec);
    const rm = call<MemberListResponse>(ec, (cb) => memberRemove(leader, { ID: leader.id }, cb));
    expect(rm.err).toBeUndefined();
    expect(rm.resp!.members).toHaveLength(2);
    expect(ec.cluster.runUntil(() => ec.cluster.leader() !== undefined && ec.cluster.leader()!.id !== leader.id, 10_000)).toBe(true);
    expect(ec.cluster.nodes.get(leader.id)!.life).toBe('stopped');
  });

  it('updates a member peer URLs on every member', () => {
    const ec = build(207);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const urls = [...ec.cluster.members.get(f)!.peerURLs, 'http://localhost:12380'];
    const up = call<MemberListResponse>(ec, (cb) => memberUpdate(leader, { ID: f, peerURLs: urls }, cb));
    expect(up.err).toBeUndefined();
    expect(up.resp!.members.find((m) => m.ID === f)!.peerURLs).toEqual(urls);
    expect(list(ec, f).members.find((m) => m.ID === f)!.peerURLs).toEqual(urls);
  });
});
