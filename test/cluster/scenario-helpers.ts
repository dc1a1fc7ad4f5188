// Shared helpers for the end-to-end scenario tests (scenarios-*.test.ts).
// Only the public Cluster API and plain fields are read.
import { expect } from 'vitest';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import type { SimNode } from '../../src/engine/cluster/node.ts';
import type { NodeSnapshot } from '../../src/engine/cluster/snapshot.ts';
import type { CountingStateMachine } from '../../src/engine/cluster/statemachine.ts';
import type { TraceRecord } from '../../src/engine/cluster/trace.ts';
import type { Entry, MessageType } from '../../src/engine/raft/types.ts';

/** Default etcd timings, in ms. */
export const HEARTBEAT = 100;
export const ELECTION = 1000;
/** The default network's worst one-way delay (DEFAULT_LINK.latencyMax). */
export const MAX_LATENCY = 5;

// Election bounds. With electionTick = ELECTION / HEARTBEAT = 10, a node's
// randomized election timeout is 10..19 ticks; ticks come every HEARTBEAT ms
// at a random phase, so n ticks after any moment take at most n x HEARTBEAT.
// A winning campaign is pre-vote + vote: 4 one-way hops.

/**
 * A first-round initial election. etcd's adjustTicks fast-forwards
 * electionTick - 2 = 8 ticks at the first peer poll (50 ms; at most one real
 * tick before it), so at most 19 - 8 = 11 more ticks are needed, the last
 * one by 11 x HEARTBEAT: 1100 ms + 4 hops = 1120 ms.
 */
export const FIRST_ELECTION_BOUND = 11 * HEARTBEAT + 4 * MAX_LATENCY;

/**
 * A first-round fail-over after the leader's messages stop at t0. A
 * follower's timer was last reset by t0 + MAX_LATENCY (a message in flight)
 * and fires at most 19 ticks later, by t0 + 5 + 1900 ms (just under 2 x the
 * election timeout). By then every other follower's timer has fired too, so
 * none holds a leader lease and the last one to fire wins pre-vote and vote
 * (4 hops) unless a split vote forces another round: 1925 ms. The seeds in
 * these tests all win in the first round, which they check (term + 1).
 */
export const FAILOVER_BOUND = 2 * ELECTION - HEARTBEAT + 5 * MAX_LATENCY;

/**
 * No follower campaigns before its timer reaches 10 ticks after the leader's
 * last message; the leader sends one every tick, so the earliest fail-over
 * election is more than ELECTION - 2 x HEARTBEAT after the leader stops.
 */
export const FAILOVER_MIN = ELECTION - 2 * HEARTBEAT;

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export const sm = (c: Cluster, id: string): CountingStateMachine => c.nodes.get(id)!.sm as CountingStateMachine;

/** The plain-data view of one node. */
export function view(c: Cluster, id: string): NodeSnapshot {
  const v = c.snapshot().nodes.find((n) => n.id === id);
  if (!v) throw new Error(`no node ${id} in snapshot`);
  return v;
}

export const upNodes = (c: Cluster): SimNode[] => [...c.nodes.values()].filter((n) => n.isUp());
export const roles = (c: Cluster): string[] => c.snapshot().nodes.map((n) => n.role);
export const leadersIn = (c: Cluster): NodeSnapshot[] => c.snapshot().nodes.filter((n) => n.role === 'leader');

/** Runs until some node leads; asserts it happened within maxMs and returns the leader. */
export function electWithin(c: Cluster, maxMs: number): SimNode {
  const t0 = c.now();
  expect(c.runUntil(() => c.leader() !== undefined, maxMs)).toBe(true);
  expect(c.now() - t0).toBeLessThanOrEqual(maxMs);
  return c.leader()!;
}

/**
 * The leader has committed and applied its whole log, and every live node
 * follows it at its term with the same last index, commit and applied index.
 */
export function converged(c: Cluster): boolean {
  const l = c.leader();
  if (!l) return false;
  const lv = l.rn!.raft;
  if (lv.raftLog.committed !== lv.raftLog.lastIndex() || l.applied !== lv.raftLog.committed) return false;
  return upNodes(c).every((n) => {
    const r = n.rn!.raft;
    return (
      r.lead === l.id &&
      r.term === lv.term &&
      r.raftLog.lastIndex() === lv.raftLog.lastIndex() &&
      r.raftLog.committed === lv.raftLog.committed &&
      n.applied === l.applied
    );
  });
}

/** Proposes n entries at the current leader (data prefix-i). */
export function write(c: Cluster, prefix: string, n: number): void {
  for (let i = 0; i < n; i++) expect(c.propose(c.leader()!.id, enc(`${prefix}-${i}`))).toBeUndefined();
}

/** The entries a live node holds in its log, from its first index. */
export function logOf(n: SimNode): Entry[] {
  return n.rn!.raft.raftLog.allEntries();
}

export type SendRecord = Extract<TraceRecord, { kind: 'send' }>;

/** Messages sent at or after virtual time `since`, optionally of one type. */
export function sends(c: Cluster, since: number, type?: MessageType): SendRecord[] {
  return c.trace
    .records()
    .filter((r): r is SendRecord => r.kind === 'send' && r.t >= since && (type === undefined || r.type === type));
}
