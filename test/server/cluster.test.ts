// End to end on the simulated cluster: three members running the etcd state
// machine, requests proposed as encoded entries. Every member ends at the
// same revision and KV hash, through crashes, restarts, snapshot catch-up and
// backends saved ahead of raft's snapshot; lease revokes delete their keys in
// one revision everywhere; a NOSPACE alarm raised through raft caps them all.
import { describe, expect, it } from 'vitest';
import { Cluster, type ClusterOptions } from '../../src/engine/cluster/cluster.ts';
import { IdGenerator } from '../../src/engine/lease/idgen.ts';
import { compareIds } from '../../src/engine/util/bytes.ts';
import {
  EtcdStateMachine,
  encodeInternalRaftRequest,
  etcdStateMachineFactory,
  internalRequest,
  type EtcdStateMachineOptions,
  type InternalRequests,
  type RequestKind,
} from '../../src/engine/server/index.ts';
import { FIRST_ELECTION_BOUND, converged, electWithin, sends } from '../cluster/scenario-helpers.ts';
import { b } from './helpers.ts';

/** A cluster whose members run EtcdStateMachine; headers and clock come from the cluster itself. */
function etcdCluster(opts: ClusterOptions, sm: EtcdStateMachineOptions = {}): Cluster {
  return new Cluster({ ...opts, stateMachine: etcdStateMachineFactory(sm) });
}

const smOf = (c: Cluster, id: string): EtcdStateMachine => c.nodes.get(id)!.sm as EtcdStateMachine;
const live = (c: Cluster): string[] => [...c.nodes.values()].filter((n) => n.isUp()).map((n) => n.id);

const ids = new IdGenerator('1', 0);

/** Proposes one request at the leader; returns its request ID. */
function propose<K extends RequestKind>(c: Cluster, kind: K, req: InternalRequests[K], at = c.leader()!.id): string {
  const id = ids.next();
  expect(c.propose(at, encodeInternalRaftRequest(internalRequest(id, kind, req)))).toBeUndefined();
  return id;
}

function settle(c: Cluster): void {
  expect(c.runUntil(() => converged(c), 2000)).toBe(true);
}

/** Every live member's (revision, hashKV, consistent index), which must all be equal. */
function agreed(c: Cluster): { rev: number; hash: number } {
  const views = live(c).map((id) => {
    const sm = smOf(c, id);
    return { rev: sm.kv.rev, hash: sm.hashKV().hash, ci: sm.consistentIndex };
  });
  for (const v of views) expect(v).toEqual(views[0]);
  return views[0]!;
}

describe('etcd state machine on a 3-member cluster', () => {
  it('members converge to one revision and hash; results carry the serving member and cluster', () => {
    const c = etcdCluster({ seed: 21 });
    const l = electWithin(c, FIRST_ELECTION_BOUND);
    for (let i = 0; i < 20; i++) propose(c, 'put', { key: b(`key${i}`), value: b(`value${i}`) });
    const txn = propose(c, 'txn', {
      compare: [{ key: b('key1'), target: 'VALUE', value: b('value1') }],
      success: [{ requestPut: { key: b('key1'), value: b('changed') } }, { requestDeleteRange: { key: b('key2') } }],
    });
    const grant = propose(c, 'leaseGrant', { ID: '694d7d1e2a2b1c05', TTL: 60 });
    propose(c, 'put', { key: b('leased'), value: b('x'), lease: '694d7d1e2a2b1c05' });
    settle(c);
    const { rev } = agreed(c);
    expect(rev).toBe(23);
    const res = smOf(c, l.id).takeResult(txn)!;
    expect(res.err).toBeUndefined();
    expect(res.resp!.header).toEqual({ clusterId: c.clusterId(), memberId: l.id, revision: 22, raftTerm: l.rn!.raft.term });
    expect(res.resp).toMatchObject({ succeeded: true });
    // Every member applied the same request under the same ID.
    for (const id of live(c)) expect(smOf(c, id).takeResult(grant)!.resp).toMatchObject({ ID: '694d7d1e2a2b1c05', TTL: 60 });
  });

  it('is deterministic: the same seed and requests give the same bytes on every member', () => {
    const run = (): Uint8Array[] => {
      const c = etcdCluster({ seed: 26 }, { seed: 3 });
      electWithin(c, FIRST_ELECTION_BOUND);
      const gen = new IdGenerator('2', 0);
      const send = <K extends RequestKind>(kind: K, req: InternalRequests[K]) =>
        c.propose(c.leader()!.id, encodeInternalRaftRequest(internalRequest(gen.next(), kind, req)));
      send('authUserAdd', { name: 'root', password: 'pw' });
      send('leaseGrant', { ID: '9', TTL: 30 });
      for (let i = 0; i < 10; i++) send('put', { key: b(`k${i}`), value: b(`${i}`), lease: i % 3 ? '0' : '9' });
      settle(c);
      return live(c).map((id) => smOf(c, id).snapshot());
    };
    const a = run();
    expect(run()).toEqual(a);
  });

  it('a crashed follower restarts and catches up, by log and then by snapshot, to the same hash', () => {
    const c = etcdCluster({ seed: 22, snapshotCount: 10, snapshotCatchUpEntries: 5 });
    const l = electWithin(c, FIRST_ELECTION_BOUND);
    for (let i = 0; i < 8; i++) propose(c, 'put', { key: b(`a${i}`), value: b(`${i}`) });
    settle(c);
    const f = live(c).find((id) => id !== l.id)!;

    // Behind by a few entries: the log catches it up.
    c.crash(f);
    for (let i = 0; i < 3; i++) propose(c, 'put', { key: b(`b${i}`), value: b(`${i}`) });
    c.advance(200);
    expect(c.restart(f)).toBeUndefined();
    settle(c);
    agreed(c);

    // Behind by more than the leader keeps: it is sent a snapshot of the stores.
    c.crash(f);
    for (let i = 0; i < 40; i++) propose(c, 'put', { key: b(`c${i % 7}`), value: b(`${i}`) });
    propose(c, 'compaction', { revision: 30 });
    c.advance(300);
    const t = c.now();
    expect(c.restart(f)).toBeUndefined();
    settle(c);
    expect(sends(c, t, 'MsgSnap').length).toBeGreaterThan(0);
    const { rev } = agreed(c);
    expect(rev).toBe(1 + 8 + 3 + 40);
    expect(smOf(c, f).kv.compactRevision).toBe(30);
  });

  it('a member whose saved backend is ahead of its raft snapshot skips the replayed entries', () => {
    const c = etcdCluster({ seed: 23, snapshotCount: 50, snapshotCatchUpEntries: 5 }, { backendBatchLimit: 3 });
    const l = electWithin(c, FIRST_ELECTION_BOUND);
    for (let i = 0; i < 20; i++) propose(c, 'put', { key: b(`k${i}`), value: b(`${i}`) });
    settle(c);
    const f = live(c).find((id) => id !== l.id)!;
    const before = smOf(c, f).kv.rev;
    c.crash(f);
    expect(c.restart(f)).toBeUndefined();
    // Started from the backend on disk: far past raft's (absent) snapshot, a few entries short at most.
    const restarted = smOf(c, f);
    expect(c.nodes.get(f)!.disk.raft.snapshot().metadata.index).toBe(0);
    expect(restarted.consistentIndex).toBeGreaterThan(15);
    settle(c);
    // Replay applied nothing twice: one revision per put, as on the others.
    expect(agreed(c).rev).toBe(before);
    for (let i = 0; i < 5; i++) propose(c, 'put', { key: b(`k${i}`), value: b('again') });
    settle(c);
    expect(agreed(c).rev).toBe(before + 5);
  });

  it('a lease revoked through raft deletes its keys on every member in the same revision', () => {
    const c = etcdCluster({ seed: 24 });
    electWithin(c, FIRST_ELECTION_BOUND);
    propose(c, 'leaseGrant', { ID: '5', TTL: 60 });
    for (const k of ['x', 'y', 'z']) propose(c, 'put', { key: b(k), value: b('v'), lease: '5' });
    propose(c, 'put', { key: b('plain'), value: b('v') });
    settle(c);
    const revoke = propose(c, 'leaseRevoke', { ID: '5' });
    settle(c);
    const { rev } = agreed(c);
    expect(rev).toBe(6);
    for (const id of live(c)) {
      const sm = smOf(c, id);
      expect(sm.takeResult(revoke)!.resp!.header.revision).toBe(6);
      const evs = sm.kv.rangeEvents(6, 6).map((e) => `${e.type} ${new TextDecoder().decode(e.kv.key)}@${e.kv.modRevision}`);
      expect(evs).toEqual(['DELETE x@6', 'DELETE y@6', 'DELETE z@6']);
      expect(sm.lessor.lookup('5')).toBeUndefined();
    }
  });

  it('NOSPACE: each member proposes its alarm through raft, and then all refuse puts alike', () => {
    // The members propose their alarms a moment later, as etcd does from a goroutine.
    const c: Cluster = etcdCluster(
      { seed: 25 },
      {
        quotaBytes: 7 * 4096,
        proposeAlarm: (req) => c.after(1, () => c.propose(req.memberID, encodeInternalRaftRequest(internalRequest(ids.next(), 'alarm', req)))),
      },
    );
    electWithin(c, FIRST_ELECTION_BOUND);
    for (let i = 0; i < 30; i++) propose(c, 'put', { key: b(`k${i}`), value: new Uint8Array(100) });
    settle(c);
    c.advance(100);
    settle(c);
    const { rev } = agreed(c);
    for (const id of live(c)) {
      const sm = smOf(c, id);
      expect(sm.alarms.get('NOSPACE').map((a) => a.memberID)).toEqual(live(c).sort(compareIds));
      expect(sm.applier.chain.capped).toBe(true);
    }
    const put = propose(c, 'put', { key: b('more'), value: b('v') });
    settle(c);
    expect(agreed(c).rev).toBe(rev);
    for (const id of live(c)) expect(smOf(c, id).takeResult(put)!.err!.message).toBe('etcdserver: mvcc: database space exceeded');
  });
});
