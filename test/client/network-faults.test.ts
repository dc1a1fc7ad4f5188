// Two rules the fuzz found the engine breaking: a network that duplicates
// messages must not make one request apply twice, and a member removed while
// it could not hear of it must stop once a peer refuses it.
import { describe, expect, it } from 'vitest';
import type { PutResponse } from '../../src/engine/mvcc/rpc.ts';
import { b, build, client, idOf, ready, run } from './helpers.ts';

describe('network faults', () => {
  it('a put through a follower applies once even when every message is duplicated', () => {
    const ec = build(811);
    ready(ec);
    const leader = ec.cluster.leader()!.id;
    const follower = [...ec.cluster.nodes.keys()].find((id) => id !== leader)!;
    ec.cluster.network.setDefaults({ duplicateRate: 1 });
    const c = client(ec, { endpoints: [ec.cluster.members.get(follower)!.name] });
    const put = run<PutResponse>(ec, (cb) => c.put({ key: b('k'), value: b('v') }, cb));
    expect(put.err).toBeUndefined();
    expect(put.resp!.header.revision).toBe(2);
    ec.cluster.advance(500);
    for (const id of ec.ids()) expect(ec.get(id).sm.kv.rev).toBe(2);
  });

  it('a member removed behind a partition stops when a peer refuses it', () => {
    const ec = build(812);
    ready(ec);
    const c = client(ec);
    const victim = idOf(ec, 'etcd2');
    if (ec.cluster.leader()!.id === victim) ec.cluster.transferLeader(idOf(ec, 'etcd0'));
    ec.cluster.advance(1000);
    ec.cluster.network.isolate(victim);
    expect(run(ec, (cb) => c.memberRemove(victim, cb)).err).toBeUndefined();
    ec.cluster.advance(3000);
    expect(ec.cluster.nodes.get(victim)!.life).not.toBe('stopped');
    ec.cluster.network.heal();
    expect(ec.cluster.runUntil(() => ec.cluster.nodes.get(victim)!.life === 'stopped', 10_000)).toBe(true);
  });
});
