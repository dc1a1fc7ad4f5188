// Crash points inside a member's host loop: a crash right after a Ready was
// persisted (before its messages go out) and a crash right after applying
// committed entries (before the applied state is durable). First on a bare
// cluster, where the disk's state at the crash is visible, then in fuzz runs,
// where they must strike and every check must still pass, and where
// switching off the consistent-index guard must be caught.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import type { CountingStateMachine } from '../../src/engine/cluster/statemachine.ts';
import { parseBugs, parseFaults, runFuzz, summarize } from '../../src/engine/server/fuzz/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function electedCluster(seed: number): Cluster {
  const c = new Cluster({ seed, traceCapacity: 0 });
  expect(c.runUntil(() => c.leader() !== undefined, 10_000)).toBe(true);
  c.advance(500);
  return c;
}

describe('crash points in the host loop', () => {
  it('after-persist: the leader has the new entry on disk, no follower ever got it', () => {
    const c = electedCluster(3);
    const l = c.leader()!;
    let fired = 0;
    l.crashPoint = { at: 'after-persist', fire: () => (fired++, c.crash(l.id)) };
    const last = l.disk.raft.lastIndex();
    expect(c.propose(l.id, enc('persisted, never sent'))).toBeUndefined();
    expect(fired).toBe(1);
    expect(l.life).toBe('crashed');
    expect(l.crashPoint).toBeUndefined();
    const st = l.disk.raft;
    expect(st.lastIndex()).toBe(last + 1);
    expect(new TextDecoder().decode(st.entries(last + 1, last + 2, Infinity)[0]!.data)).toBe('persisted, never sent');
    c.advance(2000);
    for (const n of c.nodes.values()) if (n !== l) expect(n.disk.raft.lastIndex() < last + 1 || n.disk.raft.term(last + 1) !== st.term(last + 1)).toBe(true);
  });

  it('after-apply: a follower crashes with committed entries unapplied, and replays them all once on restart', () => {
    const c = electedCluster(5);
    const l = c.leader()!;
    const f = [...c.nodes.values()].find((n) => n !== l)!;
    const before = f.applied;
    f.crashPoint = { at: 'after-apply', entries: 2, fire: () => c.crash(f.id) };
    expect(c.proposeMany(l.id, ['a', 'b', 'c', 'd'].map(enc))).toBeUndefined();
    expect(c.runUntil(() => f.life === 'crashed', 2000)).toBe(true);
    // It applied exactly two entries; its disk says more were committed.
    expect(f.applied).toBe(before + 2);
    expect(f.disk.raft.hardState.commit).toBeGreaterThan(f.applied);
    c.restart(f.id);
    expect(c.runUntil(() => f.applied === l.applied && f.isUp(), 5000)).toBe(true);
    const count = (id: string) => (c.nodes.get(id)!.sm as CountingStateMachine).count;
    const hash = (id: string) => (c.nodes.get(id)!.sm as CountingStateMachine).hash;
    expect(count(f.id)).toBe(count(l.id));
    expect(hash(f.id)).toBe(hash(l.id));
  });

  it('a crash point is disarmed when the member stops first', () => {
    const c = electedCluster(7);
    const f = [...c.nodes.values()].find((n) => n !== c.leader())!;
    f.crashPoint = { at: 'after-persist', fire: () => c.crash(f.id) };
    c.crash(f.id);
    expect(f.crashPoint).toBeUndefined();
  });
});

describe('fuzz: crash points strike and every check passes', () => {
  it.each(['crash-after-persist', 'crash-after-apply'] as const)('%s', (kind) => {
    let struck = 0;
    for (const seed of [1, 2]) {
      const r = runFuzz({ seed, nodes: 3, faults: parseFaults(kind), ops: 80 });
      expect(r.failure, summarize(r)).toBeUndefined();
      expect(r.stats.linVerdict).toBe('linearizable');
      struck += r.stats.faults[kind] ?? 0;
    }
    expect(struck).toBeGreaterThan(1);
  });
});

describe('fuzz: a missing consistent-index guard is caught', () => {
  it('double-apply (a restarted member re-applies what its backend holds) fails within 3 seeds', () => {
    let caught: ReturnType<typeof runFuzz> | undefined;
    for (let seed = 1; seed <= 3 && !caught; seed++) {
      const r = runFuzz({ seed, nodes: 3, faults: parseFaults('crash-after-apply'), ops: 80, bugs: parseBugs('double-apply') });
      if (r.failure) caught = r;
    }
    expect(['mvcc-agreement', 'applied-twice', 'convergence']).toContain(caught?.failure?.check);
  });
});
