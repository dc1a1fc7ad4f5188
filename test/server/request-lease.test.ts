// Leases on the request path: the leader's lessor expires leases and revokes
// them through raft (keys gone on every member in one revision), keep-alives
// through a follower reach the leader, a leader change extends every lease,
// and the same seed and script answer the same way twice.
import { describe, expect, it } from 'vitest';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { LeaseGrantResponse, LeaseKeepAliveResponse, LeaseTimeToLiveResponse } from '../../src/engine/lease/types.ts';
import type { PutResponse, RangeResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, call, followers, local, ready, start, t } from './request-helpers.ts';

function grant(ec: EtcdCluster, via: string, ttl: number): { id: string; at: number } {
  const g = call<LeaseGrantResponse>(ec, (cb) => ec.get(via).leaseGrant({ ID: '0', TTL: ttl }, cb));
  expect(g.err).toBeUndefined();
  expect(g.resp!.TTL).toBe(ttl);
  return { id: g.resp!.ID, at: g.at };
}

function putLeased(ec: EtcdCluster, via: string, key: string, lease: string): void {
  expect(call<PutResponse>(ec, (cb) => ec.get(via).put({ key: b(key), value: b('v'), lease }, cb)).err).toBeUndefined();
}

const everywhere = (ec: EtcdCluster, key: string): boolean[] =>
  ec.ids().filter((id) => ec.cluster.nodes.get(id)!.isUp()).map((id) => local(ec, id, key) !== undefined);

describe('EtcdServer leases', () => {
  it('a lease not kept alive expires on the leader; its keys go on every member in one revision', () => {
    const ec = build(201);
    ready(ec);
    const f = followers(ec)[0]!;
    const { id, at } = grant(ec, f, 5);
    putLeased(ec, f, 'l1', id);
    putLeased(ec, f, 'l2', id);
    ec.cluster.advanceTo(at + 4500);
    expect(everywhere(ec, 'l1')).toEqual([true, true, true]);
    expect(ec.cluster.runUntil(() => everywhere(ec, 'l2').every((x) => !x), 3000)).toBe(true);
    const gone = ec.cluster.now();
    expect(gone).toBeGreaterThanOrEqual(at + 5000);
    expect(gone).toBeLessThan(at + 5000 + 600);
    for (const mid of ec.ids()) {
      const kv = ec.get(mid).sm.kv;
      expect(kv.rev).toBe(4); // puts at 2 and 3, one revision for both deletes
      expect(kv.rangeEvents(4, 4).map((e) => `${e.type} ${t(e.kv.key)}`)).toEqual(['DELETE l1', 'DELETE l2']);
      expect(ec.get(mid).sm.lessor.lookup(id)).toBeUndefined();
    }
    const ttl = call<LeaseTimeToLiveResponse>(ec, (cb) => ec.timeToLive(f, { ID: id, keys: false }, cb));
    expect(ttl.resp).toMatchObject({ ID: id, TTL: -1, grantedTTL: 0 });
  });

  it('keep-alives through a follower reach the leader and keep the lease alive', () => {
    const ec = build(202);
    const leader = ready(ec);
    const f = followers(ec)[1]!;
    const { id, at } = grant(ec, f, 5);
    putLeased(ec, f, 'held', id);
    let lastRenew = 0;
    for (let i = 1; i <= 7; i++) {
      ec.cluster.advanceTo(at + i * 2000);
      const ka = call<LeaseKeepAliveResponse>(ec, (cb) => ec.keepAlive(f, id, cb));
      expect(ka.err).toBeUndefined();
      expect(ka.resp).toMatchObject({ ID: id, TTL: 5, header: { memberId: f } });
      lastRenew = ka.at;
    }
    expect(everywhere(ec, 'held')).toEqual([true, true, true]);
    ec.cluster.advance(1500); // 3.5 s of the renewed 5 s left
    const ttl = call<LeaseTimeToLiveResponse>(ec, (cb) => ec.timeToLive(f, { ID: id, keys: true }, cb));
    expect(ttl.resp!.grantedTTL).toBe(5);
    expect(ttl.resp!.TTL).toBe(3);
    expect(ttl.resp!.keys.map(t)).toEqual(['held']);
    expect(ttl.resp!.header.memberId).toBe(f);
    // The follower's own lessor never ran the lease's clock: the leader's did.
    expect(ec.get(f).sm.lessor.isPrimary()).toBe(false);
    expect(leader.sm.lessor.isPrimary()).toBe(true);
    // Left alone, it expires.
    expect(ec.cluster.runUntil(() => everywhere(ec, 'held').every((x) => !x), 7000)).toBe(true);
    expect(ec.cluster.now()).toBeGreaterThanOrEqual(lastRenew + 5000);
    expect(ec.cluster.now()).toBeLessThan(lastRenew + 5600);
    // A keep-alive for a lease that is gone answers TTL 0, not an error.
    const late = call<LeaseKeepAliveResponse>(ec, (cb) => ec.keepAlive(f, id, cb));
    expect(late.err).toBeUndefined();
    expect(late.resp!.TTL).toBe(0);
  });

  it('a leader change extends leases: one with 1 s left survives the fail-over', () => {
    const ec = build(203);
    const old = ready(ec);
    const f = followers(ec)[0]!;
    const { id, at } = grant(ec, f, 5);
    putLeased(ec, f, 'k', id);
    ec.cluster.advanceTo(at + 4000);
    ec.cluster.crash(old.id);
    const next = ready(ec, 5000);
    expect(next.id).not.toBe(old.id);
    const promoted = ec.cluster.now();
    expect(promoted).toBeGreaterThan(at + 5000); // past the lease's old expiry
    ec.cluster.advanceTo(promoted + 5500);
    expect(everywhere(ec, 'k')).toEqual([true, true]);
    // Promote gave it its TTL again plus the election timeout.
    expect(ec.cluster.runUntil(() => everywhere(ec, 'k').every((x) => !x), 3000)).toBe(true);
    expect(ec.cluster.now()).toBeGreaterThanOrEqual(promoted + 6000);
  });

  it('with no leader, a keep-alive through a follower fails with no leader at the deadline', () => {
    const ec = build(204);
    ready(ec);
    const f = followers(ec)[0]!;
    const { id } = grant(ec, f, 30);
    for (const other of ec.ids()) if (other !== f) ec.cluster.crash(other);
    ec.cluster.advance(3000); // it has lost its leader
    const t0 = ec.cluster.now();
    const ka = call<LeaseKeepAliveResponse>(ec, (cb) => ec.keepAlive(f, id, cb));
    expect(ka.err).toEqual({ message: 'etcdserver: no leader', code: 'Unavailable' });
    expect(ka.at - t0).toBe(7000);
  });
});

describe('EtcdServer determinism', () => {
  it('the same seed and script give the same responses twice', () => {
    const run = (): string => {
      const ec = build(205);
      ready(ec);
      const out: unknown[] = [];
      const [f1, f2] = followers(ec);
      const log = (tag: string) => (err: unknown, resp?: unknown) => out.push({ tag, at: ec.cluster.now(), err, resp });
      ec.get(f1!).leaseGrant({ ID: '0', TTL: 3 }, (err, resp) => {
        log('grant')(err, resp);
        if (resp) ec.get(f1!).put({ key: b('leased'), value: b('x'), lease: resp.ID }, log('put-leased'));
      });
      for (let i = 0; i < 5; i++) ec.get(i % 2 ? f1! : f2!).put({ key: b(`k${i}`), value: b(`${i}`) }, log(`put${i}`));
      ec.cluster.advance(300);
      ec.cluster.network.isolate(f2!);
      ec.get(f2!).range({ key: b('k'), rangeEnd: b('l') }, log('lin-isolated'));
      ec.get(f2!).range({ key: b('k'), rangeEnd: b('l'), serializable: true }, log('ser-isolated'));
      ec.get(f1!).deleteRange({ key: b('k0') }, log('del'));
      ec.cluster.advance(8000);
      ec.cluster.network.heal();
      const r = start<RangeResponse>(ec, (cb) => ec.get(f2!).range({ key: b('a'), rangeEnd: b('z') }, cb));
      ec.cluster.advance(3000);
      out.push(r.done);
      return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? t(v) : v));
    };
    const a = run();
    expect(a).toContain('etcdserver: request timed out');
    expect(a).toContain('"tag":"ser-isolated"');
    expect(run()).toBe(a);
  });
});
