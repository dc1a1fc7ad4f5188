import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { Network } from '../../src/engine/cluster/network.ts';
import type { TraceRecord } from '../../src/engine/cluster/trace.ts';
import { Prng } from '../../src/engine/util/prng.ts';

const out: number[] = [];

describe('Network', () => {
  it('partitions into groups; unlisted nodes share one more group', () => {
    const n = new Network(new Prng(1));
    n.partition([['a', 'b'], ['c']]);
    expect(n.blocked('a', 'b')).toBeUndefined();
    expect(n.blocked('a', 'c')).toBe('partition');
    expect(n.blocked('c', 'b')).toBe('partition');
    expect(n.blocked('d', 'e')).toBeUndefined(); // both in the implicit group
    expect(n.blocked('d', 'a')).toBe('partition');
    n.isolate('a');
    expect(n.blocked('b', 'c')).toBeUndefined();
    expect(n.blocked('a', 'b')).toBe('partition');
    n.heal();
    expect(n.blocked('a', 'b')).toBeUndefined();
    expect(n.route('a', 'b', 0, out)).toBe(1);
  });

  it('cuts one direction only, until restored', () => {
    const n = new Network(new Prng(1));
    n.cut('a', 'b');
    expect(n.route('a', 'b', 0, out)).toBe('cut');
    expect(n.route('b', 'a', 0, out)).toBe(1);
    n.restore('a', 'b');
    expect(n.route('a', 'b', 0, out)).toBe(1);
    n.cut('a', 'b');
    n.heal();
    expect(n.route('a', 'b', 0, out)).toBe(1);
  });

  it('draws latency within the link range, per link', () => {
    const n = new Network(new Prng(2), { latencyMin: 10, latencyMax: 20 });
    n.setLink('a', 'c', { latencyMin: 100, latencyMax: 100 });
    for (let i = 0; i < 1000; i++) {
      expect(n.route('a', 'b', 1000, out)).toBe(1);
      expect(out[0]).toBeGreaterThanOrEqual(1010);
      expect(out[0]).toBeLessThan(1020);
      n.route('a', 'c', 1000, out);
      expect(out[0]).toBe(1100);
    }
    n.setLink('a', 'c', undefined);
    n.route('a', 'c', 0, out);
    expect(out[0]).toBeLessThan(20);
  });

  it('drops and duplicates at the configured rates', () => {
    const n = new Network(new Prng(3), { dropRate: 0.25, duplicateRate: 0.5 });
    let dropped = 0;
    let dup = 0;
    for (let i = 0; i < 20000; i++) {
      const r = n.route('a', 'b', 0, out);
      if (r === 'drop-rate') dropped++;
      else if (r === 2) dup++;
    }
    expect(Math.abs(dropped / 20000 - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(dup / (20000 - dropped) - 0.5)).toBeLessThan(0.02);
  });

  it('reorders under jitter unless FIFO', () => {
    const arrivals = (fifo: boolean) => {
      const n = new Network(new Prng(4), { latencyMin: 1, latencyMax: 50, fifo });
      return Array.from({ length: 200 }, (_, i) => (n.route('a', 'b', i, out), out[0]!));
    };
    const inOrder = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);
    expect(inOrder(arrivals(false))).toBe(false);
    expect(inOrder(arrivals(true))).toBe(true);
  });

  it('rejects invalid settings', () => {
    const n = new Network(new Prng(1));
    expect(() => n.setDefaults({ latencyMin: 5, latencyMax: 1 })).toThrow();
    expect(() => n.setDefaults({ dropRate: 2 })).toThrow();
  });
});

describe('Network in a cluster', () => {
  const elect = (c: Cluster) => expect(c.runUntil(() => c.leader() !== undefined, 10_000)).toBe(true);

  it('a partitioned leader loses leadership to the majority side, and drops are traced with reasons', () => {
    const c = new Cluster({ seed: 3 });
    const drops: TraceRecord[] = [];
    c.trace.subscribe((r) => {
      if (r.kind === 'drop') drops.push(r);
    });
    elect(c);
    const old = c.leader()!;
    const rest = [...c.nodes.keys()].filter((id) => id !== old.id);
    c.network.partition([[old.id], rest]);
    const ok = c.runUntil(() => {
      const l = c.leader();
      return l !== undefined && l.id !== old.id && rest.includes(l.id);
    }, 10_000);
    expect(ok).toBe(true);
    // check-quorum makes the isolated old leader step down too.
    expect(c.runUntil(() => old.rn!.raft.state !== 'StateLeader', 5_000)).toBe(true);
    expect(drops.some((d) => d.kind === 'drop' && d.reason === 'partition' && d.from === old.id)).toBe(true);
    c.network.heal();
    const newTerm = c.leader()!.rn!.raft.term;
    c.advance(3000);
    expect(c.leader()!.rn!.raft.term).toBeGreaterThanOrEqual(newTerm);
    expect(old.rn!.raft.lead).toBe(c.leader()!.id);
  });

  it('a one-way cut from the leader triggers an election among the others', () => {
    const c = new Cluster({ seed: 9 });
    elect(c);
    const l = c.leader()!;
    const f = [...c.nodes.keys()].find((id) => id !== l.id)!;
    c.network.cut(l.id, f);
    const drops: string[] = [];
    c.trace.subscribe((r) => {
      if (r.kind === 'drop') drops.push(r.reason);
    });
    c.advance(5000);
    expect(drops).toContain('cut');
    // The cut follower stops hearing heartbeats and campaigns; terms move on.
    expect(c.nodes.get(f)!.rn!.raft.term).toBeGreaterThan(l.rn!.raft.term - 1);
    c.network.restore(l.id, f);
    c.advance(5000);
    const leader = c.leader()!;
    for (const n of c.nodes.values()) expect(n.rn!.raft.lead).toBe(leader.id);
  });

  it('with a drop rate, proposals still commit everywhere', () => {
    const c = new Cluster({ seed: 5, network: { dropRate: 0.2, duplicateRate: 0.1 } });
    elect(c);
    for (let i = 0; i < 30; i++) {
      const l = c.leader();
      if (l) c.propose(l.id, new TextEncoder().encode(`k${i}`));
      c.advance(50);
    }
    c.network.setDefaults({ dropRate: 0, duplicateRate: 0 });
    c.advance(3000);
    const applied = [...c.nodes.values()].map((n) => n.applied);
    expect(new Set(applied).size).toBe(1);
  });
});
