import { describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/index.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { EtcdCluster as Cluster } from '../../src/engine/server/etcd-cluster.ts';
import { derivePath, type PathInput } from '../../src/ui/model/request-path.ts';
import { b, call, ready } from '../server/request-helpers.ts';

type Cb = Parameters<Client['get']>[1];

function setup(): { ec: EtcdCluster; leader: string; follower: string; name: (id: string) => string } {
  const ec = new Cluster({ seed: 3, traceCapacity: 4000 });
  ready(ec);
  ec.cluster.runUntil(() => false, ec.now() + 300);
  const leader = ec.cluster.leader()!.id;
  const follower = ec.ids().find((i) => i !== leader)!;
  return { ec, leader, follower, name: (id) => ec.cluster.nodes.get(id)?.name ?? id };
}

/** Runs one client call against member `at` and derives its path from the trace. */
function traced(ec: EtcdCluster, at: string, fn: (c: Client, cb: Cb) => void, name: (id: string) => string) {
  const cl = new Client(ec, { endpoints: [ec.cluster.members.get(at)!.clientURLs[0]!] });
  const start = ec.now();
  const leader = ec.cluster.leader()!;
  const lastIndex = leader.rn!.raft.raftLog.lastIndex();
  const d = call(ec, (cb: Cb) => fn(cl, cb));
  const input: PathInput = {
    records: ec.cluster.trace.records(),
    start,
    end: d.at,
    entry: at,
    leader: leader.id,
    lastIndex,
    voters: 3,
    name,
    revision: d.resp?.header.revision,
    ok: d.err === undefined,
  };
  return { path: derivePath(input), input, resp: d.resp };
}

describe('request path', () => {
  it('a put through a follower: forward, append at the next index, quorum, commit, apply', () => {
    const { ec, leader, follower, name } = setup();
    const li = ec.cluster.leader()!.rn!.raft.raftLog.lastIndex();
    const { path } = traced(ec, follower, (c, cb) => c.put({ key: b('k'), value: b('v') }, cb as never), name);
    expect(path.kind).toBe('write');
    expect(path.entry).toBe(follower);
    expect(path.leader).toBe(leader);
    expect(path.indexes).toEqual([li + 1]);
    expect(path.steps.map((s) => s.kind)).toEqual(['client', 'forward', 'propose', 'append', 'ack', 'commit', 'apply', 'reply']);
    const text = path.steps.map((s) => s.text).join('\n');
    expect(text).toContain(`${name(follower)} is a follower: it forwards the proposal to leader ${name(leader)} (MsgProp`);
    expect(text).toContain(`at index ${li + 1} (term`);
    expect(text).toMatch(/a quorum \(2 of 3, the leader included\)/);
    expect(text).toMatch(/revision 2$/);
    // Steps are in time order.
    const ats = path.steps.map((s) => s.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
  });

  it('a put on the leader has no forward and replies once the leader commits', () => {
    const { ec, leader, name } = setup();
    const { path } = traced(ec, leader, (c, cb) => c.put({ key: b('k'), value: b('v') }, cb as never), name);
    expect(path.steps.map((s) => s.kind)).toEqual(['client', 'propose', 'append', 'ack', 'commit', 'reply']);
    expect(path.steps[0]!.text).toContain('(the leader)');
  });

  it('a linearizable read on a follower shows its ReadIndex round', () => {
    const { ec, leader, follower, name } = setup();
    const { path } = traced(ec, follower, (c, cb) => c.get({ key: b('k') }, cb), name);
    expect(path.kind).toBe('linearizable-read');
    expect(path.indexes).toEqual([]);
    expect(path.readIndexes).toHaveLength(1);
    expect(path.steps.map((s) => s.kind)).toEqual(['client', 'readindex', 'heartbeat', 'ack', 'readindex', 'read', 'reply']);
    expect(path.steps[1]!.text).toContain(`asks leader ${name(leader)} for a read index (MsgReadIndex`);
  });

  it('a linearizable read on the leader is a heartbeat round; a serializable read is local', () => {
    const { ec, leader, follower, name } = setup();
    const lin = traced(ec, leader, (c, cb) => c.get({ key: b('k') }, cb), name).path;
    expect(lin.kind).toBe('linearizable-read');
    expect(lin.steps.map((s) => s.kind)).toEqual(['client', 'heartbeat', 'ack', 'read', 'reply']);
    ec.cluster.runUntil(() => false, ec.now() + 37);
    const ser = traced(ec, follower, (c, cb) => c.get({ key: b('k'), serializable: true }, cb), name).path;
    expect(ser.kind).toBe('local');
    expect(ser.steps.map((s) => s.kind)).toEqual(['client', 'read', 'reply']);
  });

  it('without an entry member or messages, nothing reached etcd', () => {
    const p = derivePath({ records: [], start: 0, end: 0, voters: 3 });
    expect(p.kind).toBe('none');
    expect(p.steps).toHaveLength(1);
  });
});
