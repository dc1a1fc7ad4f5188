// Watch streams on a member's EtcdServer: responses carry the member's header,
// arrive right after the write applies, a lagging member that installs a
// snapshot feeds its watchers what the snapshot brought, auth refuses a
// watch without read permission, and a crash ends the stream.
import { describe, expect, it } from 'vitest';
import type { PutResponse } from '../../src/engine/mvcc/rpc.ts';
import type { WatchResponse } from '../../src/engine/mvcc/watch-types.ts';
import type { RequestError } from '../../src/engine/server/request-errors.ts';
import { b, build, call, followers, ready, t } from './request-helpers.ts';

function collect(): { got: WatchResponse[]; errs: RequestError[]; cb: (err: RequestError | undefined, r?: WatchResponse) => void } {
  const got: WatchResponse[] = [];
  const errs: RequestError[] = [];
  return { got, errs, cb: (err, r) => (err ? errs.push(err) : got.push(r!)) };
}

describe('EtcdServer watch', () => {
  it('delivers events as soon as the member applies them, with its header; a progress request is answered', () => {
    const ec = build(701);
    const leader = ready(ec);
    const f = ec.get(followers(ec)[0]!);
    const { got, cb } = collect();
    const st = f.watch(cb);
    expect(st.create({ key: b('a'), rangeEnd: b('b') })).toBe(0);
    ec.cluster.advance(1);
    expect(got[0]).toMatchObject({ created: true, watchId: 0, header: { memberId: f.id, clusterId: ec.cluster.clusterId() } });
    const put = call<PutResponse>(ec, (done) => leader.put({ key: b('a1'), value: b('x') }, done));
    // The follower applies a little later; the event follows right after, not at the next 100 ms sync.
    const applied = (): boolean => f.sm.kv.rev === put.resp!.header.revision;
    expect(ec.cluster.runUntil(applied, 1000)).toBe(true);
    const at = ec.cluster.now();
    ec.cluster.runUntil(() => got.length === 2, 50);
    expect(ec.cluster.now() - at).toBeLessThan(5);
    expect(got[1]!.events.map((e) => t(e.kv.key))).toEqual(['a1']);
    expect(got[1]!.header).toEqual({ clusterId: ec.cluster.clusterId(), memberId: f.id, revision: 2, raftTerm: f.sm.term });
    st.requestProgress();
    ec.cluster.advance(1);
    expect(got[2]).toMatchObject({ watchId: -1, events: [], header: { revision: 2 } });
  });

  it('a member that installs a snapshot feeds its watchers the events it brought', () => {
    const ec = build(702, { snapshotCount: 10, snapshotCatchUpEntries: 2 });
    const leader = ready(ec);
    const f = ec.get(followers(ec)[0]!);
    const { got, cb } = collect();
    f.watch(cb).create({ key: b('k'), startRevision: 0 });
    ec.cluster.advance(10);
    ec.cluster.network.isolate(f.id);
    for (let i = 0; i < 30; i++) call(ec, (done) => leader.put({ key: b('k'), value: b(`v${i}`) }, done));
    let restored = 0;
    const origRestore = f.sm.watchable.restore.bind(f.sm.watchable);
    f.sm.watchable.restore = (d) => {
      restored++;
      origRestore(d);
    };
    ec.cluster.network.heal();
    expect(ec.cluster.runUntil(() => f.sm.kv.rev === 31, 3000)).toBe(true);
    expect(restored).toBe(1);
    ec.cluster.advance(300);
    // The KV snapshot keeps the uncompacted history: every revision arrives, in order, once.
    const vals = got.flatMap((r) => r.events.map((e) => t(e.kv.value)));
    expect(vals).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
  });

  it('with auth on, a watch outside the user’s read permission is created canceled', () => {
    const ec = build(703);
    const leader = ready(ec);
    const req = (kind: string, r: unknown): void => {
      const res = call(ec, (done) => leader.raftRequest(kind as 'authUserAdd', r as never, done));
      expect(res.err).toBeUndefined();
    };
    req('authUserAdd', { name: 'root', password: 'r' });
    req('authUserGrantRole', { user: 'root', role: 'root' });
    req('authUserAdd', { name: 'bob', password: 'b' });
    req('authRoleAdd', { name: 'r1' });
    req('authRoleGrantPermission', { name: 'r1', perm: { permType: 'READ', key: b('pub/'), rangeEnd: b('pub0') } });
    req('authUserGrantRole', { user: 'bob', role: 'r1' });
    req('authEnable', {});
    const auth = { username: 'bob', authRevision: leader.sm.auth.revision() };
    const { got, cb } = collect();
    const st = leader.watch(cb, auth);
    st.create({ key: b('pub/'), rangeEnd: b('pub0') });
    st.create({ key: b('secret') });
    ec.cluster.advance(1);
    expect(got[0]).toMatchObject({ created: true, canceled: false });
    expect(got[1]).toMatchObject({ created: true, canceled: true, cancelReason: 'rpc error: code = PermissionDenied desc = etcdserver: permission denied' });
  });

  it('a crash ends the member’s streams with server stopped; nothing comes after', () => {
    const ec = build(704);
    const leader = ready(ec);
    const f = ec.get(followers(ec)[0]!);
    const { got, errs, cb } = collect();
    f.watch(cb).create({ key: b('k') });
    ec.cluster.advance(1);
    ec.cluster.crash(f.id);
    ec.cluster.advance(1);
    expect(errs).toEqual([{ message: 'etcdserver: server stopped', code: 'Unavailable' }]);
    call(ec, (done) => leader.put({ key: b('k'), value: b('v') }, done));
    ec.cluster.restart(f.id);
    ec.cluster.advance(500);
    expect(got).toHaveLength(1);
    // A stream opened on a stopped server ends at once.
    const late = collect();
    f.watch(late.cb);
    ec.cluster.advance(1);
    expect(late.errs).toHaveLength(1);
  });
});
