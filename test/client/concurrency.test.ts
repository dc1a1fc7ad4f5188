// clientv3/concurrency on the simulated cluster: sessions keep their lease,
// a mutex hands over in order (on unlock, revoke or expiry), and an election
// reports, changes and hands over its leader.
import { describe, expect, it } from 'vitest';
import { Election, ErrElectionNotLeader, Mutex, Session, sessionKey } from '../../src/engine/client/index.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { RequestError } from '../../src/engine/server/request-errors.ts';
import type { Compare, ResponseHeader, RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, client, ready, run, t } from './helpers.ts';

/** A session on a fresh client. */
function session(ec: EtcdCluster, ttl?: number): Session {
  const r = run<Session>(ec, (cb) => Session.create(client(ec), { ttl }, cb));
  expect(r.err).toBeUndefined();
  return r.resp!;
}

/** Starts a call whose outcome fills in later. */
function pending<T>(fn: (cb: (err: RequestError | undefined, resp?: T) => void) => void): { err?: RequestError; resp?: T; done: boolean } {
  const box: { err?: RequestError; resp?: T; done: boolean } = { done: false };
  fn((err, resp) => Object.assign(box, { err, resp, done: true }));
  return box;
}

describe('Session', () => {
  it('keeps its lease alive past its TTL until orphaned, then reports done when it expires', () => {
    const ec = build(701);
    ready(ec);
    const s = session(ec, 5);
    let doneAt: number | undefined;
    s.onDone(() => (doneAt = ec.cluster.now()));
    ec.cluster.advance(20_000);
    expect(s.done).toBe(false);
    const live = run(ec, (cb) => s.client.leaseTimeToLive({ ID: s.lease, keys: false }, cb));
    expect(live.resp).toMatchObject({ ID: s.lease, grantedTTL: 5 });
    expect((live.resp as { TTL: number }).TTL).toBeGreaterThan(0);
    s.orphan();
    expect(doneAt).toBe(ec.cluster.now());
    ec.cluster.advance(8000);
    const gone = run(ec, (cb) => s.client.keepAliveOnce(s.lease, cb));
    expect(gone.err?.message).toBe('etcdserver: requested lease not found');
  });
});

describe('Mutex', () => {
  it('keys are the prefix and the lease as Go prints %x of the int64 (a sign for negatives)', () => {
    expect(sessionKey('/lock/', '694d7d1e2a2b1c05')).toBe('/lock/694d7d1e2a2b1c05');
    expect(sessionKey('/lock/', 'fffffffffffffffb')).toBe('/lock/-5');
  });

  it('a session locking again reuses its key and its place', () => {
    const ec = build(707);
    ready(ec);
    const s1 = session(ec);
    const m = new Mutex(s1, 'L');
    const first = run<ResponseHeader>(ec, (cb) => m.lock(cb));
    const rev = m.myRev;
    expect(rev).toBe(first.resp!.revision);
    const again = run<ResponseHeader>(ec, (cb) => new Mutex(s1, 'L').lock(cb));
    expect(again.err).toBeUndefined();
    // Nothing was written: the header is the same store revision, and the key keeps its create revision.
    expect(again.resp!.revision).toBe(rev);
    const kv = run<RangeResponse>(ec, (cb) => s1.client.get({ key: b(m.key()) }, cb)).resp!.kvs[0]!;
    expect(kv).toMatchObject({ createRevision: rev, lease: s1.lease, version: 1 });
  });

  it('a second session acquires only after the first unlocks, at a later revision', () => {
    const ec = build(702);
    ready(ec);
    const [s1, s2] = [session(ec), session(ec)];
    const [m1, m2] = [new Mutex(s1, '/lock'), new Mutex(s2, '/lock')];
    const a1 = run<ResponseHeader>(ec, (cb) => m1.lock(cb));
    expect(a1.err).toBeUndefined();
    expect(m1.key()).toBe(`/lock/${sessionKey('', s1.lease)}`);
    const a2 = pending<ResponseHeader>((cb) => m2.lock(cb));
    ec.cluster.advance(3000);
    expect(a2.done).toBe(false);
    // Fencing: isOwner (as in etcd) holds while the key it acquired with is there, and not once it is gone.
    const guard = (cmp: Compare): boolean => run<TxnResponse>(ec, (cb) => s1.client.txn({ compare: [cmp] }, cb)).resp!.succeeded;
    const fence1 = m1.isOwner();
    expect(guard(fence1)).toBe(true);
    expect(run(ec, (cb) => m1.unlock(cb)).err).toBeUndefined();
    expect(guard(fence1)).toBe(false);
    expect(ec.cluster.runUntil(() => a2.done, 2000)).toBe(true);
    expect(a2.err).toBeUndefined();
    expect(a2.resp!.revision).toBeGreaterThan(a1.resp!.revision);
    expect(m2.myRev).toBeGreaterThan(fence1.createRevision!);
    expect(m1.myRev).toBe(-1);
    expect(guard(m2.isOwner())).toBe(true);
    // Both keys were under the prefix; now only the second's is left.
    const keys = run<RangeResponse>(ec, (cb) => s1.client.get({ key: b('/lock/'), rangeEnd: b('/lock0') }, cb));
    expect(keys.resp!.kvs.map((kv) => t(kv.key))).toEqual([m2.key()]);
  });

  it('the waiter acquires when the holder revokes its session', () => {
    const ec = build(703);
    ready(ec);
    const [s1, s2] = [session(ec), session(ec)];
    expect(run(ec, (cb) => new Mutex(s1, 'L').lock(cb)).err).toBeUndefined();
    const a2 = pending<ResponseHeader>((cb) => new Mutex(s2, 'L').lock(cb));
    ec.cluster.advance(2000);
    expect(a2.done).toBe(false);
    expect(run(ec, (cb) => s1.close(cb)).err).toBeUndefined();
    expect(ec.cluster.runUntil(() => a2.done, 2000)).toBe(true);
    expect(a2.err).toBeUndefined();
  });

  it('the waiter acquires only once the holder stops keeping alive and its lease expires', () => {
    const ec = build(704);
    ready(ec);
    const s1 = session(ec, 5);
    const s2 = session(ec);
    expect(run(ec, (cb) => new Mutex(s1, 'L').lock(cb)).err).toBeUndefined();
    const a2 = pending<ResponseHeader>((cb) => new Mutex(s2, 'L').lock(cb));
    // Kept alive, the 5 s lease outlives several TTLs.
    ec.cluster.advance(15_000);
    expect(a2.done).toBe(false);
    s1.orphan();
    const t0 = ec.cluster.now();
    expect(ec.cluster.runUntil(() => a2.done, 20_000)).toBe(true);
    expect(a2.err).toBeUndefined();
    // Not before the lease's remaining TTL could run out.
    expect(ec.cluster.now() - t0).toBeGreaterThan(3000);
  });
});

describe('Election', () => {
  it('leader, proclaim, resign and observe across two candidates', () => {
    const ec = build(705);
    ready(ec);
    const [s1, s2] = [session(ec), session(ec)];
    const [e1, e2] = [new Election(s1, 'el'), new Election(s2, 'el')];
    const watcher = new Election(session(ec), 'el');
    const seen: string[] = [];
    const obs = watcher.observe((r) => seen.push(t(r.kv.value)));
    ec.cluster.advance(100);
    expect(seen).toEqual([]);
    const noLeader = run(ec, (cb) => watcher.leader(cb));
    expect(noLeader.err?.message).toBe('election: no leader');
    expect(run(ec, (cb) => e1.campaign('a', cb)).err).toBeUndefined();
    const c2 = pending<ResponseHeader>((cb) => e2.campaign('b', cb));
    ec.cluster.advance(2000);
    expect(c2.done).toBe(false);
    expect(t(run<{ kv: { value: Uint8Array } }>(ec, (cb) => e2.leader(cb)).resp!.kv.value)).toBe('a');
    expect(run(ec, (cb) => e1.proclaim('a2', cb)).err).toBeUndefined();
    expect(t(run<{ kv: { value: Uint8Array } }>(ec, (cb) => watcher.leader(cb)).resp!.kv.value)).toBe('a2');
    expect(run(ec, (cb) => e1.resign(cb)).err).toBeUndefined();
    expect(ec.cluster.runUntil(() => c2.done, 2000)).toBe(true);
    expect(c2.err).toBeUndefined();
    expect(t(run<{ kv: { value: Uint8Array } }>(ec, (cb) => watcher.leader(cb)).resp!.kv.value)).toBe('b');
    ec.cluster.advance(200);
    expect(seen).toEqual(['a', 'a2', 'b']);
    obs.cancel();
    expect(run(ec, (cb) => e2.proclaim('b2', cb)).err).toBeUndefined();
    ec.cluster.advance(200);
    expect(seen).toEqual(['a', 'a2', 'b']);
  });

  it('proclaim by a candidate that is not the leader fails with election: not leader', () => {
    const ec = build(706);
    ready(ec);
    const e1 = new Election(session(ec), 'el');
    const never = run(ec, (cb) => e1.proclaim('x', cb));
    expect(never.err?.message).toBe(ErrElectionNotLeader);
    expect(ErrElectionNotLeader).toBe('election: not leader');
    // Was the leader, but its key is gone (deleted behind its back): the guarded put fails.
    expect(run(ec, (cb) => e1.campaign('v', cb)).err).toBeUndefined();
    expect(run(ec, (cb) => e1.session.client.del({ key: b(e1.leaderKey) }, cb)).err).toBeUndefined();
    const lost = run(ec, (cb) => e1.proclaim('w', cb));
    expect(lost.err?.message).toBe('election: not leader');
    const noLeader = run(ec, (cb) => e1.leader(cb));
    expect(noLeader.err?.message).toBe('election: no leader');
  });

  it('campaigning again from the same session keeps its place and proclaims the new value', () => {
    const ec = build(708);
    ready(ec);
    const s1 = session(ec);
    const e = new Election(s1, 'el');
    expect(run(ec, (cb) => e.campaign('x', cb)).err).toBeUndefined();
    const e2 = new Election(s1, 'el');
    expect(run(ec, (cb) => e2.campaign('y', cb)).err).toBeUndefined();
    expect(e2.leaderKey).toBe(e.leaderKey);
    expect(e2.leaderRev).toBe(e.leaderRev);
    const l = run<{ kv: { value: Uint8Array; createRevision: number; version: number } }>(ec, (cb) => e.leader(cb)).resp!.kv;
    expect(t(l.value)).toBe('y');
    expect(l.createRevision).toBe(e.leaderRev);
    expect(l.version).toBe(2);
  });
});
