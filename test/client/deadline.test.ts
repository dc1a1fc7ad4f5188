// A client's deadline reaches the server, as gRPC carries it into etcd's
// request context: once etcdctl gives up, a proposal still waiting for a
// leader is dropped, never proposed, and a read waiting for ReadIndex stops.
import { describe, expect, it } from 'vitest';
import type { PutResponse, RangeResponse } from '../../src/engine/mvcc/rpc.ts';
import { NONE } from '../../src/engine/raft/types.ts';
import { local } from '../server/request-helpers.ts';
import { b, build, client, ready, run } from './helpers.ts';

/** A 5-member cluster with its leader and one follower cut off from the other three. */
function isolatedOldLeader(seed: number) {
  const ec = build(seed, { nodes: 5 });
  ready(ec);
  const old = ec.cluster.leader()!.id;
  const [mate, ...majority] = ec.ids().filter((id) => id !== old);
  ec.cluster.network.partition([[old, mate!]]);
  // checkQuorum: the old leader steps down and its side knows no leader.
  expect(ec.cluster.runUntil(() => ec.cluster.nodes.get(old)!.rn!.raft.lead === NONE, 5000)).toBe(true);
  const name = (id: string): string => ec.cluster.members.get(id)!.name;
  return { ec, old, mate: mate!, majority, name };
}

describe('client deadline reaches the server', () => {
  it('a put queued for a leader on an isolated old leader is dropped at the client deadline', () => {
    const { ec, old, majority, name } = isolatedOldLeader(901);
    const c = client(ec, { endpoints: [name(old)], commandTimeoutMs: 2000 });
    const put = run<PutResponse>(ec, (cb) => c.put({ key: b('lost'), value: b('x') }, cb));
    expect(put.err?.message).toBe('context deadline exceeded');
    // The majority elects a leader and goes on writing.
    const m = client(ec, { endpoints: majority.map(name) });
    expect(run<PutResponse>(ec, (cb) => m.put({ key: b('kept'), value: b('y') }, cb)).err).toBeUndefined();
    ec.cluster.network.heal();
    ec.cluster.advance(15_000);
    for (const id of ec.ids()) {
      expect(local(ec, id, 'lost')).toBeUndefined();
      expect(local(ec, id, 'kept')).toBe('y');
    }
  });

  it('a linearizable read waiting for ReadIndex ends at the caller\'s deadline, not the server\'s', () => {
    const { ec, old } = isolatedOldLeader(902);
    const start = ec.cluster.now();
    // The service as a caller that gives up 2 s from now sees it (what the client's call path does).
    const svc = ec.connect(old)!.withDeadline!(start + 2000);
    const got = run<RangeResponse>(ec, (cb) => svc.range({ key: b('k') }, cb));
    expect(got.err?.message).toBe('context deadline exceeded');
    expect(got.at - start).toBe(2000);
  });
});
