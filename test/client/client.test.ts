// The client's request path: endpoints by URL or name, failover past a dead
// member, per-call deadlines, KV calls with their headers, leases, and
// linearizable against serializable reads on a cut-off follower.
import { describe, expect, it } from 'vitest';
import { prefixEnd } from '../../src/engine/client/index.ts';
import type { MemberListResponse } from '../../src/engine/server/cluster-api.ts';
import type { LeaseGrantResponse, LeaseLeasesResponse, LeaseTimeToLiveResponse } from '../../src/engine/lease/types.ts';
import type { DeleteRangeResponse, PutResponse, RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, client, idOf, ready, run, t } from './helpers.ts';

describe('Client endpoints', () => {
  it('resolves client URLs, names and IDs, and pins the first endpoint that is up', () => {
    const ec = build(501);
    ready(ec);
    const c = client(ec);
    expect(c.resolve('http://127.0.0.1:12379/')).toBe(idOf(ec, 'etcd1'));
    expect(c.resolve('etcd2')).toBe(idOf(ec, 'etcd2'));
    expect(c.resolve(idOf(ec, 'etcd0'))).toBe(idOf(ec, 'etcd0'));
    expect(c.resolve('http://127.0.0.1:9999')).toBeUndefined();
    expect(c.activeEndpoint()).toBe('http://127.0.0.1:2379');
  });

  it('fails over past a crashed first endpoint and answers from the next member', () => {
    const ec = build(502);
    ready(ec);
    ec.cluster.crash(idOf(ec, 'etcd0'));
    // If etcd0 led, a proposal made before the others notice is lost with it (as in etcd): wait for a leader.
    ready(ec);
    const c = client(ec);
    const put = run<PutResponse>(ec, (cb) => c.put({ key: b('k'), value: b('v') }, cb));
    expect(put.err).toBeUndefined();
    expect(put.resp!.header.memberId).toBe(idOf(ec, 'etcd1'));
    expect(c.activeEndpoint()).toBe('http://127.0.0.1:12379');
    const ml = run<MemberListResponse>(ec, (cb) => c.memberList(cb));
    expect(ml.err).toBeUndefined();
    expect(ml.resp!.header.memberId).toBe(idOf(ec, 'etcd1'));
    expect(ml.resp!.members).toHaveLength(3);
    // The pinned member dies too: the next call moves on again.
    ec.cluster.crash(idOf(ec, 'etcd1'));
    ec.cluster.restart(idOf(ec, 'etcd0'));
    const get = run<RangeResponse>(ec, (cb) => c.get({ key: b('k'), serializable: true }, cb));
    expect(get.resp!.header.memberId).toBe(idOf(ec, 'etcd2'));
    expect(t(get.resp!.kvs[0]!.value)).toBe('v');
  });

  it('a read whose member stops under it is retried on the next endpoint', () => {
    const ec = build(503);
    const leader = ready(ec);
    // Pin a follower and cut it off so its linearizable read waits, then crash it.
    const f = [...ec.cluster.members.values()].find((m) => m.id !== leader.id)!;
    ec.cluster.network.isolate(f.id);
    const c = client(ec, { endpoints: [f.name, ...[...ec.cluster.members.values()].filter((m) => m !== f).map((m) => m.name)] });
    const box: { resp?: RangeResponse; err?: unknown } = {};
    c.get({ key: b('x') }, (err, resp) => Object.assign(box, { err, resp }));
    ec.cluster.advance(1000);
    expect(box.resp).toBeUndefined();
    ec.cluster.crash(f.id);
    expect(ec.cluster.runUntil(() => box.resp !== undefined || box.err !== undefined, 5000)).toBe(true);
    expect(box.err).toBeUndefined();
    expect(box.resp!.header.memberId).not.toBe(f.id);
  });

  it('a call that cannot finish fails with context deadline exceeded at its timeout', () => {
    const ec = build(504);
    ready(ec);
    for (const id of ec.ids()) ec.cluster.crash(id);
    const c = client(ec);
    const t0 = ec.cluster.now();
    const res = run<PutResponse>(ec, (cb) => c.put({ key: b('k'), value: b('v') }, cb));
    expect(res.err).toEqual({ message: 'context deadline exceeded', code: 'DeadlineExceeded' });
    expect(res.at - t0).toBe(5000);
    // Quorum lost but the member is up: the per-call timeout still wins over the server's 7 s.
    const ec2 = build(505);
    ready(ec2);
    const c2 = client(ec2, { commandTimeoutMs: 2000 });
    ec2.cluster.crash(idOf(ec2, 'etcd1'));
    ec2.cluster.crash(idOf(ec2, 'etcd2'));
    const t1 = ec2.cluster.now();
    const res2 = run<PutResponse>(ec2, (cb) => c2.put({ key: b('k'), value: b('v') }, cb, { timeoutMs: 1500 }));
    expect(res2.err!.message).toBe('context deadline exceeded');
    expect(res2.at - t1).toBe(1500);
  });
});

describe('Client KV and lease calls', () => {
  it('put, get with range options, txn and delete carry their member headers', () => {
    const ec = build(506);
    ready(ec);
    const c = client(ec);
    const member = idOf(ec, 'etcd0');
    for (const [k, v] of [['a/1', 'x'], ['a/2', 'y'], ['b/1', 'z']]) {
      const r = run<PutResponse>(ec, (cb) => c.put({ key: b(k!), value: b(v!) }, cb));
      expect(r.err).toBeUndefined();
    }
    const get = run<RangeResponse>(ec, (cb) => c.get({ key: b('a/'), rangeEnd: prefixEnd(b('a/')), sortOrder: 'DESCEND', limit: 1 }, cb));
    expect(get.resp!.kvs.map((kv) => t(kv.key))).toEqual(['a/2']);
    expect(get.resp).toMatchObject({ more: true, count: 2 });
    expect(get.resp!.header).toMatchObject({ clusterId: ec.cluster.clusterId(), memberId: member, revision: 4 });
    expect(get.resp!.header.raftTerm).toBeGreaterThan(0);
    const txn = run<TxnResponse>(ec, (cb) =>
      c.txn(
        { compare: [{ key: b('a/1'), target: 'VALUE', value: b('x') }], success: [{ requestPut: { key: b('a/1'), value: b('w') } }], failure: [] },
        cb,
      ),
    );
    expect(txn.resp).toMatchObject({ succeeded: true, header: { revision: 5, memberId: member } });
    const del = run<DeleteRangeResponse>(ec, (cb) => c.del({ key: b('a/'), rangeEnd: prefixEnd(b('a/')), prevKv: true }, cb));
    expect(del.resp!.deleted).toBe(2);
    expect(del.resp!.prevKvs.map((kv) => t(kv.value))).toEqual(['w', 'y']);
    expect(del.resp!.header.revision).toBe(6);
    const all = run<RangeResponse>(ec, (cb) => c.get({ key: b('\0'), rangeEnd: b('\0'), keysOnly: true }, cb));
    expect(all.resp!.kvs.map((kv) => t(kv.key))).toEqual(['b/1']);
    const cmp = run(ec, (cb) => c.compact({ revision: 6 }, cb));
    expect(cmp.err).toBeUndefined();
    const old = run<RangeResponse>(ec, (cb) => c.get({ key: b('b/1'), revision: 3 }, cb));
    expect(old.err).toEqual({ message: 'etcdserver: mvcc: required revision has been compacted', code: 'OutOfRange' });
  });

  it('leases: grant, keepAliveOnce, timeToLive, list and revoke from a follower endpoint', () => {
    const ec = build(507);
    const leader = ready(ec);
    const f = [...ec.cluster.members.values()].find((m) => m.id !== leader.id)!;
    const c = client(ec, { endpoints: [f.name] });
    const g = run<LeaseGrantResponse>(ec, (cb) => c.leaseGrant({ TTL: 10 }, cb));
    expect(g.err).toBeUndefined();
    const id = g.resp!.ID;
    const ka = run(ec, (cb) => c.keepAliveOnce(id, cb));
    expect(ka.resp).toMatchObject({ ID: id, TTL: 10 });
    const ttl = run<LeaseTimeToLiveResponse>(ec, (cb) => c.leaseTimeToLive({ ID: id, keys: false }, cb));
    expect(ttl.resp).toMatchObject({ ID: id, grantedTTL: 10 });
    ec.cluster.advance(200);
    const list = run<LeaseLeasesResponse>(ec, (cb) => c.leaseList(cb));
    expect(list.resp!.leases).toEqual([{ ID: id }]);
    expect(run(ec, (cb) => c.leaseRevoke({ ID: id }, cb)).err).toBeUndefined();
    const gone = run(ec, (cb) => c.keepAliveOnce(id, cb));
    expect(gone.err).toEqual({ message: 'etcdserver: requested lease not found', code: 'NotFound' });
  });

  it('on a cut-off follower a serializable get answers stale at once, a linearizable one times out', () => {
    const ec = build(508);
    const leader = ready(ec);
    const f = [...ec.cluster.members.values()].find((m) => m.id !== leader.id)!;
    const c = client(ec, { endpoints: [f.name] });
    expect(run(ec, (cb) => c.put({ key: b('k'), value: b('old') }, cb)).err).toBeUndefined();
    ec.cluster.advance(300);
    ec.cluster.network.isolate(f.id);
    const lc = client(ec, { endpoints: [leader.id] });
    expect(run(ec, (cb) => lc.put({ key: b('k'), value: b('new') }, cb)).err).toBeUndefined();
    const t0 = ec.cluster.now();
    const ser = run<RangeResponse>(ec, (cb) => c.get({ key: b('k'), serializable: true }, cb));
    expect(t(ser.resp!.kvs[0]!.value)).toBe('old');
    expect(ser.resp!.header.memberId).toBe(f.id);
    expect(ser.at - t0).toBe(0);
    const lin = run<RangeResponse>(ec, (cb) => c.get({ key: b('k') }, cb));
    expect(lin.err!.message).toBe('context deadline exceeded');
    expect(lin.at - t0).toBe(5000);
    // Healed, the linearizable read sees the new value.
    ec.cluster.network.heal();
    const lin2 = run<RangeResponse>(ec, (cb) => c.get({ key: b('k') }, cb));
    expect(t(lin2.resp!.kvs[0]!.value)).toBe('new');
  });
});
