import { describe, expect, it } from 'vitest';
import { Cluster, type ClusterOptions } from '../../src/engine/cluster/cluster.ts';
import { CountingStateMachine } from '../../src/engine/cluster/statemachine.ts';
import type { TraceRecord } from '../../src/engine/cluster/trace.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const sm = (c: Cluster, id: string) => c.nodes.get(id)!.sm as CountingStateMachine;
const leaders = (c: Cluster) => [...c.nodes.values()].filter((n) => n.role() === 'leader');
const elect = (c: Cluster, ms = 10_000) => expect(c.runUntil(() => c.leader() !== undefined, ms)).toBe(true);

function converged(c: Cluster): boolean {
  const up = [...c.nodes.values()].filter((n) => n.isUp());
  const l = c.leader();
  return l !== undefined && up.every((n) => n.applied === l.applied && n.rn!.raft.lead === l.id);
}

function run(opts: ClusterOptions, script: (c: Cluster) => void): TraceRecord[] {
  const c = new Cluster({ ...opts, traceCapacity: 1_000_000 });
  script(c);
  return c.trace.records();
}

describe('Cluster', () => {
  it('a 3-node cluster elects exactly one leader within 10 s of virtual time', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const c = new Cluster({ seed });
      expect(c.runUntil(() => leaders(c).length > 0, 10_000)).toBe(true);
      expect(c.now()).toBeLessThan(10_000);
      expect(leaders(c)).toHaveLength(1);
      c.advance(2000);
      expect(leaders(c)).toHaveLength(1);
      const l = c.leader()!;
      for (const n of c.nodes.values()) expect(n.rn!.raft.lead).toBe(l.id);
    }
  });

  it('the same seed gives an identical trace; another seed a different one', () => {
    const script = (c: Cluster) => {
      c.runUntil(() => c.leader() !== undefined, 10_000);
      for (let i = 0; i < 20; i++) c.propose(c.leader()!.id, enc(`v${i}`));
      c.advance(500);
      c.crash(c.leader()!.id);
      c.advance(3000);
      for (const n of c.nodes.values()) if (n.life === 'crashed') c.restart(n.id);
      c.advance(2000);
    };
    const opts = { seed: 1234, network: { latencyMin: 1, latencyMax: 20, dropRate: 0.05 } };
    const a = run(opts, script);
    const b = run(opts, script);
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const other = run({ ...opts, seed: 4321 }, script);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(a));
  });

  it('a trace subscriber does not change the run', () => {
    const go = (listen: boolean) => {
      const c = new Cluster({ seed: 77, traceCapacity: 0 });
      if (listen) c.trace.subscribe(() => {});
      c.runUntil(() => c.leader() !== undefined, 10_000);
      c.propose(c.leader()!.id, enc('x'));
      c.advance(1000);
      return JSON.stringify(c.snapshot());
    };
    expect(go(true)).toBe(go(false));
  });

  it('replicates proposals to every node in the same order and snapshots the log', () => {
    const c = new Cluster({ seed: 11, snapshotCount: 50, snapshotCatchUpEntries: 10 });
    elect(c);
    const l = c.leader()!;
    for (let i = 0; i < 120; i++) expect(c.propose(l.id, enc(`value-${i}`))).toBeUndefined();
    // A follower that knows the leader forwards proposals to it.
    expect(c.runUntil(() => converged(c), 5000)).toBe(true);
    const f = [...c.nodes.values()].find((n) => n !== l)!;
    expect(c.proposeMany(f.id, [enc('a'), enc('b')])).toBeUndefined();
    expect(c.runUntil(() => converged(c) && sm(c, l.id).count === 122, 5000)).toBe(true);
    const hashes = [...c.nodes.keys()].map((id) => sm(c, id).hash);
    expect(new Set(hashes).size).toBe(1);
    for (const n of c.nodes.values()) {
      expect(n.disk.raft.snapshot().metadata.index).toBeGreaterThan(50);
      expect(n.disk.raft.firstIndex()).toBeGreaterThan(1);
    }
  });

  it('a snapshot cut every snapshotCount entries is encoded only when read: a restart reads it', () => {
    let reads = 0;
    class Frozen extends CountingStateMachine {
      freeze(): () => Uint8Array {
        const bytes = this.snapshot();
        return () => {
          reads++;
          return bytes;
        };
      }
    }
    const c = new Cluster({ seed: 12, snapshotCount: 20, snapshotCatchUpEntries: 5, stateMachine: () => new Frozen() });
    elect(c);
    for (let i = 0; i < 60; i++) c.propose(c.leader()!.id, enc(`v${i}`));
    expect(c.runUntil(() => converged(c) && sm(c, c.leader()!.id).count === 60, 5000)).toBe(true);
    for (const n of c.nodes.values()) expect(n.disk.raft.snapshot().metadata.index).toBeGreaterThan(20);
    expect(reads).toBe(0);
    const f = [...c.nodes.values()].find((n) => n !== c.leader())!;
    const want = sm(c, f.id).hash;
    c.crash(f.id);
    expect(c.restart(f.id)).toBeUndefined();
    expect(reads).toBe(1);
    expect(c.runUntil(() => converged(c), 5000)).toBe(true);
    expect(sm(c, f.id).hash).toBe(want);
  });

  it('drops proposals with raft\'s error when there is no leader', () => {
    const c = new Cluster({ seed: 2 });
    const id = [...c.nodes.keys()][0]!;
    expect(c.propose(id, enc('x'))).toBe('raft proposal dropped');
    c.crash(id);
    expect(c.propose(id, enc('x'))).toBe('etcdserver: server stopped');
  });

  it('a crashed leader is replaced; restarted from disk it catches up', () => {
    const c = new Cluster({ seed: 21, snapshotCount: 30, snapshotCatchUpEntries: 5 });
    elect(c);
    const old = c.leader()!;
    for (let i = 0; i < 10; i++) c.propose(old.id, enc(`a${i}`));
    c.advance(200);
    c.crash(old.id);
    expect(old.role()).toBe('stopped');
    expect(c.runUntil(() => c.leader() !== undefined && c.leader() !== old, 10_000)).toBe(true);
    const nl = c.leader()!;
    // Enough new entries that the restarted node needs the new leader's snapshot.
    for (let i = 0; i < 80; i++) c.propose(nl.id, enc(`b${i}`));
    c.advance(500);
    expect(c.restart(old.id)).toBeUndefined();
    expect(old.applied).toBeGreaterThanOrEqual(10); // replayed from its own disk
    expect(c.runUntil(() => converged(c), 10_000)).toBe(true);
    expect(sm(c, old.id).hash).toBe(sm(c, nl.id).hash);
    expect(sm(c, old.id).count).toBe(90);
  });

  it('a paused node buffers messages and catches up on resume', () => {
    const c = new Cluster({ seed: 31 });
    elect(c);
    const l = c.leader()!;
    const f = [...c.nodes.values()].find((n) => n !== l)!;
    c.pause(f.id);
    expect(c.snapshot().nodes.find((n) => n.id === f.id)!.role).toBe('paused');
    for (let i = 0; i < 5; i++) c.propose(l.id, enc(`p${i}`));
    c.advance(300);
    expect(f.inbox.length).toBeGreaterThan(0);
    expect(sm(c, f.id).count).toBe(0);
    c.resume(f.id);
    expect(c.runUntil(() => converged(c), 5000)).toBe(true);
    expect(sm(c, f.id).count).toBe(5);
  });

  it('transfers leadership', () => {
    const c = new Cluster({ seed: 41 });
    elect(c);
    c.advance(500);
    const to = [...c.nodes.keys()].find((id) => id !== c.leader()!.id)!;
    expect(c.transferLeader(to)).toBeUndefined();
    expect(c.runUntil(() => c.leader()?.id === to, 3000)).toBe(true);
  });

  it('serves a linearizable ReadIndex after the node applied up to it', () => {
    const c = new Cluster({ seed: 51 });
    elect(c);
    c.advance(300);
    const f = [...c.nodes.values()].find((n) => n.role() === 'follower')!;
    c.propose(c.leader()!.id, enc('w'));
    let got: [string | undefined, number] | undefined;
    c.readIndex(f.id, enc('req-1'), (err, index) => (got = [err, index]));
    expect(c.runUntil(() => got !== undefined, 2000)).toBe(true);
    expect(got![0]).toBeUndefined();
    expect(f.applied).toBeGreaterThanOrEqual(got![1]);
  });

  it('adds a member that is caught up by snapshot, adds and promotes a learner, removes a member', () => {
    const c = new Cluster({ seed: 61, snapshotCount: 20, snapshotCatchUpEntries: 5 });
    const logs: string[] = [];
    c.trace.subscribe((r) => {
      if (r.kind === 'log') logs.push(r.text);
    });
    elect(c);
    for (let i = 0; i < 60; i++) c.propose(c.leader()!.id, enc(`x${i}`));
    c.advance(500);

    const added = c.addMember();
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(added.value.name).toBe('etcd3');
    expect(c.runUntil(() => converged(c) && c.nodes.get(added.value.id)!.applied > 60, 10_000)).toBe(true);
    expect(c.memberStatus(added.value.id)).toBe('voter');
    expect(logs.some((l) => l.startsWith(`added member ${added.value.id} [http://127.0.0.1:32380] to cluster`))).toBe(true);
    expect(logs.some((l) => l.includes('applying snapshot at index'))).toBe(true);
    expect(sm(c, added.value.id).hash).toBe(sm(c, c.leader()!.id).hash);

    const learner = c.addLearner();
    expect(learner.ok).toBe(true);
    if (!learner.ok) return;
    c.advance(10); // not yet applied: promotion is refused like etcd refuses unknown learners
    expect(c.runUntil(() => c.memberStatus(learner.value.id) === 'learner' && converged(c), 10_000)).toBe(true);
    expect(c.nodes.get(learner.value.id)!.role()).toBe('learner');
    expect(c.promoteMember(added.value.id)).toBe('etcdserver: can only promote a learner member');
    c.advance(200); // let the leader hear the learner's acks
    expect(c.promoteMember(learner.value.id)).toBeUndefined();
    expect(c.runUntil(() => c.memberStatus(learner.value.id) === 'voter', 5000)).toBe(true);
    expect(logs.some((l) => l === `promote member ${learner.value.id} in cluster ${c.clusterId()}`)).toBe(true);

    const victim = [...c.nodes.values()].find((n) => n.id !== c.leader()!.id)!;
    expect(c.removeMember(victim.id)).toBeUndefined();
    expect(c.runUntil(() => victim.life === 'stopped', 5000)).toBe(true);
    expect(logs).toContain('the member has been permanently removed from the cluster');
    expect(c.restart(victim.id)).toBe('etcdserver: the member has been permanently removed from the cluster');
    for (let i = 0; i < 5; i++) c.propose(c.leader()!.id, enc(`y${i}`));
    expect(c.runUntil(() => converged(c), 5000)).toBe(true);
    expect(c.leader()!.confState.voters).toHaveLength(4);
  });

  it('bootstraps like etcd: every member starts, applies all three members and logs them', () => {
    const c = new Cluster({ seed: 1, traceCapacity: 1000 });
    const lines = c.trace.records().flatMap((r) => (r.kind === 'log' ? [`${r.node} ${r.pkg}: ${r.text}`] : []));
    const cid = c.clusterId();
    expect(cid).toBe('168321b71e5db409');
    for (const id of c.nodes.keys()) {
      expect(lines).toContain(`${id} etcdserver: starting member ${id} in cluster ${cid}`);
      for (const m of c.members.values()) {
        expect(lines).toContain(`${id} etcdserver/membership: added member ${m.id} [${m.peerURLs[0]}] to cluster ${cid}`);
      }
      expect(c.nodes.get(id)!.confState.voters).toHaveLength(3);
      expect(c.nodes.get(id)!.applied).toBe(3);
    }
  });

  it('a single-node cluster fast-forwards its election like etcd', () => {
    const c = new Cluster({ seed: 1, nodes: 1 });
    expect(c.runUntil(() => c.leader() !== undefined, 1000)).toBe(true);
    expect(c.now()).toBeLessThanOrEqual(1000);
  });

  it('validates options like etcd', () => {
    expect(() => new Cluster({ nodes: 8 })).toThrow();
    expect(() => new Cluster({ heartbeatInterval: 300, electionTimeout: 1000 })).toThrow(
      '--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]',
    );
  });

  it('snapshot() is plain data', () => {
    const c = new Cluster({ seed: 8 });
    elect(c);
    const s = c.snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(JSON.parse(JSON.stringify(structuredClone(s))));
    expect(s.seed).toBe(8);
    expect(s.nodes.map((n) => n.name)).toEqual(['etcd0', 'etcd1', 'etcd2']);
    expect(s.nodes.filter((n) => n.role === 'leader')).toHaveLength(1);
    expect(s.leader).toBe(c.leader()!.id);
    c.crash(s.nodes[0]!.id);
    const t = c.snapshot();
    expect(t.nodes[0]!.role).toBe('stopped');
    expect(t.nodes[0]!.term).toBeGreaterThan(0); // from its disk
  });
});

describe('lifecycle-only trace listeners', () => {
  it('get state and node records without turning on per-message records', () => {
    const c = new Cluster({ seed: 9, traceCapacity: 0 });
    const kinds = new Set<string>();
    const roles: string[] = [];
    c.trace.subscribeLifecycle((r) => {
      kinds.add(r.kind);
      if (r.kind === 'state' && r.role === 'leader') roles.push(r.node);
    });
    expect(c.trace.on).toBe(false);
    expect(c.runUntil(() => c.leader() !== undefined, 3000)).toBe(true);
    const l = c.leader()!;
    c.crash(l.id);
    expect(roles).toContain(l.id);
    expect([...kinds].sort()).toEqual(['node', 'state']);
    expect(c.trace.records()).toEqual([]);
  });
});
