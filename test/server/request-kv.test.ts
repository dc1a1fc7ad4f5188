// The request path of each member's EtcdServer: writes through raft with
// their headers, linearizable reads through ReadIndex (never stale, failing
// with etcd's timeout when the member is cut off), serializable reads served
// locally (and really stale), timeouts without quorum, stopped servers.
import { describe, expect, it } from 'vitest';
import type { PutResponse, RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import type { LeaseGrantResponse } from '../../src/engine/lease/types.ts';
import { b, build, call, followers, local, ready, start, t, values } from './request-helpers.ts';

describe('EtcdServer writes', () => {
  it('a put through a follower is applied on every member and answered with its revision', () => {
    const ec = build(101);
    const leader = ready(ec);
    const f = followers(ec)[0]!;
    const res = call<PutResponse>(ec, (cb) => ec.get(f).put({ key: b('foo'), value: b('bar') }, cb));
    expect(res.err).toBeUndefined();
    expect(res.resp!.header).toEqual({
      clusterId: ec.cluster.clusterId(),
      memberId: f,
      revision: 2,
      raftTerm: leader.node()!.rn!.raft.term,
    });
    // The next put gets the next revision.
    const res2 = call<PutResponse>(ec, (cb) => ec.get(f).put({ key: b('foo'), value: b('baz'), prevKv: true }, cb));
    expect(res2.resp!.header.revision).toBe(3);
    expect(values(res2.resp!.prevKv ? [res2.resp!.prevKv] : [])).toEqual(['foo=bar']);
    ec.cluster.advance(500);
    for (const id of ec.ids()) {
      expect(local(ec, id, 'foo')).toBe('baz');
      expect(ec.get(id).sm.kv.rev).toBe(3);
      // The proposer's server took each result; no member keeps any for nobody.
      expect(ec.get(id).sm.results.size).toBe(0);
    }
  });

  it('puts applied together are answered in the order they were proposed, and one callback that throws does not lose the others', () => {
    const ec = build(102);
    const leader = ready(ec);
    const order: string[] = [];
    for (const k of ['a', 'b', 'c', 'd']) {
      leader.put({ key: b(k), value: b('v') }, (err, resp) => {
        order.push(`${k}@${resp?.header.revision}`);
        if (k === 'b') throw new Error('callback failed');
      });
    }
    // The four commit in one batch; b's callback throws out of the event that answers it.
    expect(() => ec.cluster.runUntil(() => order.length === 4, 5000)).toThrow('callback failed');
    expect(ec.cluster.runUntil(() => order.length === 4, 5000)).toBe(true);
    expect(order).toEqual(['a@2', 'b@3', 'c@4', 'd@5']);
  });

  it('members that answer nobody apply ignore_value and ignore_lease puts as the proposer does', () => {
    const ec = build(103);
    const leader = ready(ec);
    const grant = call<LeaseGrantResponse>(ec, (cb) => leader.leaseGrant({ ID: '0', TTL: 60 }, cb));
    call<PutResponse>(ec, (cb) => leader.put({ key: b('k'), value: b('one') }, cb));
    const keep = call<PutResponse>(ec, (cb) => leader.put({ key: b('k'), ignoreValue: true, lease: grant.resp!.ID, prevKv: true }, cb));
    expect(t(keep.resp!.prevKv!.value)).toBe('one');
    call<PutResponse>(ec, (cb) => leader.put({ key: b('k'), value: b('two'), ignoreLease: true }, cb));
    ec.cluster.advance(500);
    for (const id of ec.ids()) {
      const kv = ec.get(id).sm.kv.range({ key: b('k') }).kvs[0]!;
      expect({ id, value: t(kv.value), lease: kv.lease, version: kv.version }).toEqual({ id, value: 'two', lease: grant.resp!.ID, version: 3 });
    }
    // ignore_value on a key that does not exist fails on every member alike: nothing is written.
    const missing = call<PutResponse>(ec, (cb) => leader.put({ key: b('none'), ignoreValue: true }, cb));
    expect(missing.err?.message).toBe('etcdserver: key not found');
    ec.cluster.advance(500);
    for (const id of ec.ids()) expect(local(ec, id, 'none')).toBeUndefined();
  });

  it('a write txn goes through raft; apply errors come back with their text', () => {
    const ec = build(102);
    ready(ec);
    const f = followers(ec)[1]!;
    const txn = call<TxnResponse>(ec, (cb) =>
      ec.get(f).txn({ compare: [{ key: b('k'), target: 'VERSION', version: 0 }], success: [{ requestPut: { key: b('k'), value: b('1') } }] }, cb),
    );
    expect(txn.resp).toMatchObject({ succeeded: true, header: { revision: 2, memberId: f } });
    const bad = call<PutResponse>(ec, (cb) => ec.get(f).put({ key: b('k'), value: b('v'), lease: '123' }, cb));
    expect(bad.err).toEqual({ message: 'etcdserver: requested lease not found', code: 'NotFound' });
    const compacted = call(ec, (cb) => ec.get(f).compact({ revision: 5 }, cb));
    expect(compacted.err!.message).toBe('etcdserver: mvcc: required revision is a future revision');
  });

  it('auth changes go through raft like any other request', () => {
    const ec = build(109);
    ready(ec);
    const f = followers(ec)[0]!;
    const add = call(ec, (cb) => ec.get(f).raftRequest('authUserAdd', { name: 'alice', password: 'pw' }, cb));
    expect(add.err).toBeUndefined();
    expect(add.resp).toMatchObject({ header: { memberId: f, revision: 1 } });
    const again = call(ec, (cb) => ec.get(f).raftRequest('authUserAdd', { name: 'alice', password: 'pw' }, cb));
    expect(again.err!.message).toBe('etcdserver: user name already exists');
    ec.cluster.advance(300);
    for (const id of ec.ids()) expect(ec.get(id).sm.auth.userList().users).toContain('alice');
  });

  it('without quorum a put times out after the request timeout; with no leader it waits for one until its deadline', () => {
    const ec = build(103);
    const leader = ready(ec);
    const [f1, f2] = followers(ec);
    ec.cluster.crash(f1!);
    ec.cluster.crash(f2!);
    const t0 = ec.cluster.now();
    // The leader takes the proposal but can never commit it; it steps down (check quorum) meanwhile.
    const res = call<PutResponse>(ec, (cb) => leader.put({ key: b('k'), value: b('v') }, cb));
    expect(res.resp).toBeUndefined();
    expect(res.err).toEqual({ message: 'etcdserver: request timed out', code: 'Unavailable' });
    expect(res.at - t0).toBe(leader.requestTimeout());
    expect(leader.requestTimeout()).toBe(7000);
    expect(leader.isLeader()).toBe(false);
    // Now there is no leader at all: raft takes no proposal, the request's context expires.
    const t1 = ec.cluster.now();
    const res2 = call<PutResponse>(ec, (cb) => leader.put({ key: b('k2'), value: b('v') }, cb));
    expect(res2.err).toEqual({ message: 'context deadline exceeded', code: 'DeadlineExceeded' });
    expect(res2.at - t1).toBe(7000);
    expect(local(ec, leader.id, 'k')).toBeUndefined();
    // A proposal waiting for a leader goes out once one is elected.
    const pending = start<PutResponse>(ec, (cb) => leader.put({ key: b('k3'), value: b('v3') }, cb));
    ec.cluster.advance(500);
    expect(ec.cluster.restart(f1!)).toBeUndefined();
    expect(ec.cluster.runUntil(() => pending.done !== undefined, 7000)).toBe(true);
    expect(pending.done!.err).toBeUndefined();
    expect(local(ec, leader.id, 'k3')).toBe('v3');
  });

  it("a crashed member's waiting requests fail with server stopped; the restarted member gets a fresh server", () => {
    const ec = build(104);
    ready(ec);
    const f = followers(ec)[0]!;
    const old = ec.get(f);
    ec.cluster.network.isolate(f);
    const put = start<PutResponse>(ec, (cb) => old.put({ key: b('x'), value: b('1') }, cb));
    const read = start<RangeResponse>(ec, (cb) => old.range({ key: b('x') }, cb));
    ec.cluster.advance(100);
    ec.cluster.crash(f);
    ec.cluster.advance(1);
    expect(put.done!.err).toEqual({ message: 'etcdserver: server stopped', code: 'Unavailable' });
    expect(read.done!.err!.message).toBe('etcdserver: server stopped');
    expect(call(ec, (cb) => old.put({ key: b('y'), value: b('1') }, cb)).err!.message).toBe('etcdserver: server stopped');
    ec.cluster.network.heal();
    expect(ec.cluster.restart(f)).toBeUndefined();
    const fresh = ec.get(f);
    expect(fresh).not.toBe(old);
    const ok = call<PutResponse>(ec, (cb) => fresh.put({ key: b('y'), value: b('2') }, cb));
    expect(ok.err).toBeUndefined();
    expect(ok.resp!.header.memberId).toBe(f);
  });
});

describe('EtcdServer on a paused member', () => {
  it('answers nothing while paused and serves the held calls when resumed', () => {
    const ec = build(108);
    ready(ec);
    const f = followers(ec)[0]!;
    ec.cluster.pause(f);
    const put = start<PutResponse>(ec, (cb) => ec.get(f).put({ key: b('p'), value: b('1') }, cb));
    const ser = start<RangeResponse>(ec, (cb) => ec.get(f).range({ key: b('p'), serializable: true }, cb));
    ec.cluster.advance(3000);
    expect(put.done).toBeUndefined();
    expect(ser.done).toBeUndefined();
    ec.cluster.resume(f);
    expect(ec.cluster.runUntil(() => put.done !== undefined && ser.done !== undefined, 3000)).toBe(true);
    expect(put.done!.err).toBeUndefined();
    expect(put.done!.resp!.header.revision).toBe(2);
    // The serializable read ran at resume, before the put was applied here.
    expect(values(ser.done!.resp!.kvs)).toEqual([]);
  });
});

describe('EtcdServer reads', () => {
  it('a linearizable read right after a write sees it on every member; a serializable one may not', () => {
    const ec = build(105);
    const leader = ready(ec);
    const put = call<PutResponse>(ec, (cb) => leader.put({ key: b('a'), value: b('1') }, cb));
    const rev = put.resp!.header.revision;
    // The leader has answered; the followers have not applied the put yet.
    const fs = followers(ec);
    const stale = fs.map((id) => start<RangeResponse>(ec, (cb) => ec.get(id).range({ key: b('a'), serializable: true }, cb)));
    const lin = ec.ids().map((id) => start<RangeResponse>(ec, (cb) => ec.get(id).range({ key: b('a') }, cb)));
    expect(ec.cluster.runUntil(() => lin.every((r) => r.done) && stale.every((r) => r.done), 5000)).toBe(true);
    for (const r of stale) expect(values(r.done!.resp!.kvs)).toEqual([]);
    lin.forEach((r, i) => {
      expect(r.done!.err).toBeUndefined();
      expect(values(r.done!.resp!.kvs)).toEqual(['a=1']);
      expect(r.done!.resp!.header.revision).toBe(rev);
      expect(r.done!.resp!.header.memberId).toBe(ec.ids()[i]);
    });
    // A read-only txn is a read too: linearizable unless all its ranges are serializable.
    const f = fs[0]!;
    const txn = call<TxnResponse>(ec, (cb) => ec.get(f).txn({ success: [{ requestRange: { key: b('a') } }] }, cb));
    expect(values(txn.resp!.responses[0]!.responseRange!.kvs)).toEqual(['a=1']);
    expect(txn.resp!.header.revision).toBe(rev);
  });

  it('an isolated follower never answers a linearizable read with stale data: it times out; a serializable read is stale', () => {
    const ec = build(106);
    const leader = ready(ec);
    expect(call(ec, (cb) => leader.put({ key: b('k'), value: b('old') }, cb)).err).toBeUndefined();
    ec.cluster.advance(300);
    const f = followers(ec)[0]!;
    expect(local(ec, f, 'k')).toBe('old');
    ec.cluster.network.isolate(f);
    expect(call(ec, (cb) => leader.put({ key: b('k'), value: b('new') }, cb)).err).toBeUndefined();
    const t0 = ec.cluster.now();
    const lin = start<RangeResponse>(ec, (cb) => ec.get(f).range({ key: b('k') }, cb));
    const ser = call<RangeResponse>(ec, (cb) => ec.get(f).range({ key: b('k'), serializable: true }, cb));
    expect(values(ser.resp!.kvs)).toEqual(['k=old']);
    expect(ser.at).toBe(t0);
    ec.cluster.advance(6999);
    expect(lin.done).toBeUndefined(); // blocked, not answered with the old value
    ec.cluster.advance(1);
    expect(lin.done!.resp).toBeUndefined();
    expect(lin.done!.err).toEqual({ message: 'etcdserver: request timed out', code: 'Unavailable' });
    // Healed: the follower, which had lost its leader, hears it again. To etcd
    // that is a new leader, so the read in flight fails with the retryable
    // "leader changed"; the retry sees the new value.
    ec.cluster.network.heal();
    const first = call<RangeResponse>(ec, (cb) => ec.get(f).range({ key: b('k') }, cb));
    expect(first.err).toEqual({ message: 'etcdserver: leader changed', code: 'Unavailable' });
    const retry = call<RangeResponse>(ec, (cb) => ec.get(f).range({ key: b('k') }, cb));
    expect(retry.err).toBeUndefined();
    expect(values(retry.resp!.kvs)).toEqual(['k=new']);
  });

  it('range errors are etcd texts', () => {
    const ec = build(107);
    const leader = ready(ec);
    const r = call<RangeResponse>(ec, (cb) => leader.range({ key: b('k'), revision: 9 }, cb));
    expect(r.err!.message).toBe('etcdserver: mvcc: required revision is a future revision');
  });
});
