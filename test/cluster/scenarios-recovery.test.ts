// End-to-end scenarios on the simulated cluster, part 2: restart recovery from
// disk, snapshot catch-up, learners, removing the leader, leadership transfer.
// Default etcd timings (heartbeat 100 ms, election timeout 1000 ms) and the
// default 1..5 ms network; the election bounds are derived in scenario-helpers.ts.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { ErrLearnerNotReady, ErrRemoved } from '../../src/engine/cluster/errors.ts';
import type { SimNode } from '../../src/engine/cluster/node.ts';
import {
  ELECTION,
  FAILOVER_BOUND,
  FIRST_ELECTION_BOUND,
  HEARTBEAT,
  MAX_LATENCY,
  converged,
  dec,
  electWithin,
  logOf,
  sends,
  sm,
  upNodes,
  view,
  write,
} from './scenario-helpers.ts';

const term = (n: SimNode) => n.rn!.raft.term;
const followerOf = (c: Cluster, except: SimNode[] = []) =>
  [...c.nodes.values()].find((n) => n !== c.leader() && !except.includes(n) && n.isUp())!;

describe('5. restart from disk', () => {
  it("a restarted follower takes term, vote and commit from its disk, restores its state machine from snapshot + log, then catches up", () => {
    const c = new Cluster({ seed: 5, snapshotCount: 10, snapshotCatchUpEntries: 5, traceCapacity: 100_000 });
    electWithin(c, FIRST_ELECTION_BOUND);
    write(c, 'a', 25); // applied in one go: a snapshot at the end of it
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    write(c, 'a2', 4); // a few more, not enough for another snapshot
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const f = followerOf(c);
    const before = { count: sm(c, f.id).count, hash: sm(c, f.id).hash, applied: f.applied };
    expect(before.count).toBe(29);
    c.crash(f.id);
    const hs = { ...f.disk.raft.hardState };
    const down = view(c, f.id);
    expect(down.role).toBe('stopped');
    expect([down.term, down.vote, down.commit]).toEqual([hs.term, hs.vote, hs.commit]);
    expect(hs.commit).toBe(before.applied);
    // The disk holds a snapshot and log entries after it.
    expect(down.snapshotIndex).toBeGreaterThan(0);
    expect(down.snapshotIndex).toBeLessThan(hs.commit);
    expect(down.firstIndex).toBeGreaterThan(1); // compacted: the snapshot is needed

    write(c, 'b', 3); // while it is down (fewer than the catch-up entries)
    c.advance(300);

    const t = c.now();
    expect(c.restart(f.id)).toBeUndefined();
    // Before any message arrives: hard state from disk...
    const r = f.rn!.raft;
    expect([r.term, r.vote, r.raftLog.committed]).toEqual([hs.term, hs.vote, hs.commit]);
    // ...and the state machine rebuilt: snapshot, then the log up to commit re-applied.
    expect(f.applied).toBe(hs.commit);
    expect(sm(c, f.id).lastIndex).toBe(hs.commit);
    expect([sm(c, f.id).count, sm(c, f.id).hash]).toEqual([before.count, before.hash]);
    const logs = c.trace.records().filter((x) => x.kind === 'log' && x.node === f.id && x.t >= t);
    expect(logs.some((x) => x.kind === 'log' && x.text.endsWith(`at commit index ${hs.commit}`))).toBe(true);

    // It catches up with what was written while it was down: a heartbeat, a probe, an append.
    expect(c.runUntil(() => converged(c), HEARTBEAT + 6 * MAX_LATENCY)).toBe(true);
    expect(sm(c, f.id).count).toBe(32);
    expect(sm(c, f.id).hash).toBe(sm(c, c.leader()!.id).hash);
    expect(sends(c, t, 'MsgSnap')).toEqual([]);
  });
});

describe('6. snapshot catch-up', () => {
  it('a follower far behind is sent a snapshot (MsgSnap) and converges; one slightly behind is not', () => {
    const c = new Cluster({ seed: 6, snapshotCount: 10, snapshotCatchUpEntries: 5, traceCapacity: 200_000 });
    const l = electWithin(c, FIRST_ELECTION_BOUND);
    write(c, 'a', 5);
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const f = followerOf(c);
    c.crash(f.id);
    const fLast = view(c, f.id).lastIndex;
    write(c, 'b', 40); // > snapshotCount * 3
    c.advance(300);
    // The leader compacted past everything the follower has.
    expect(view(c, l.id).firstIndex).toBeGreaterThan(fLast + 1);
    expect(view(c, l.id).snapshotIndex).toBeGreaterThan(fLast);

    const t = c.now();
    expect(c.restart(f.id)).toBeUndefined();
    expect(c.runUntil(() => converged(c), HEARTBEAT + 10 * MAX_LATENCY)).toBe(true);
    const snaps = sends(c, t, 'MsgSnap');
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps.every((m) => m.from === l.id && m.to === f.id)).toBe(true);
    expect(c.trace.records().some((x) => x.kind === 'deliver' && x.type === 'MsgSnap' && x.to === f.id && x.t >= t)).toBe(true);
    // Installed: its disk now starts at a snapshot past its old log.
    const v = view(c, f.id);
    expect(v.snapshotIndex).toBeGreaterThan(fLast);
    expect(v.firstIndex).toBe(v.snapshotIndex + 1);
    expect(sm(c, f.id).count).toBe(45);
    expect(sm(c, f.id).hash).toBe(sm(c, l.id).hash);

    // Missing fewer entries than the leader keeps (5), the log is enough,
    // even when the leader snapshots and compacts meanwhile: bring it to
    // exactly snapshotCount applied entries past its last snapshot first.
    const fill = view(c, l.id).snapshotIndex + 10 - view(c, l.id).applied;
    write(c, 'fill', fill);
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const snapBefore = view(c, l.id).snapshotIndex;
    c.crash(f.id);
    const fLast2 = view(c, f.id).lastIndex;
    write(c, 'c', 3);
    c.advance(300);
    expect(view(c, l.id).snapshotIndex).toBeGreaterThan(snapBefore); // it did snapshot and compact
    expect(view(c, l.id).firstIndex).toBeLessThanOrEqual(fLast2 + 1); // but kept what f lacks
    const t2 = c.now();
    c.restart(f.id);
    expect(c.runUntil(() => converged(c), HEARTBEAT + 10 * MAX_LATENCY)).toBe(true);
    expect(sends(c, t2, 'MsgSnap')).toEqual([]);
    expect(sm(c, f.id).count).toBe(48 + fill);
  });
});

describe('7. learners', () => {
  it('a learner never votes or counts, catches up, and is promoted; a lagging one is refused', () => {
    const c = new Cluster({ seed: 17, traceCapacity: 200_000 });
    electWithin(c, FIRST_ELECTION_BOUND);
    write(c, 'a', 10);
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const tAdd = c.now();
    const added = c.addLearner();
    if (!added.ok) throw new Error(added.error);
    const x = c.nodes.get(added.value.id)!;
    c.network.isolate(x.id); // keep it far behind
    expect(c.runUntil(() => c.memberStatus(x.id) === 'learner', 100)).toBe(true);
    write(c, 'b', 20);
    c.advance(300);
    expect(x.applied).toBe(0);
    expect(c.promoteMember(x.id)).toBe(ErrLearnerNotReady);
    expect(ErrLearnerNotReady).toBe('etcdserver: can only promote a learner member which is in sync with leader');
    expect(c.memberStatus(x.id)).toBe('learner');

    // Let it catch up.
    c.network.heal();
    expect(c.runUntil(() => converged(c), HEARTBEAT + 10 * MAX_LATENCY)).toBe(true);
    const xv = view(c, x.id);
    expect([xv.role, xv.membership]).toEqual(['learner', 'learner']);
    expect(sm(c, x.id).count).toBe(30);
    expect(c.leader()!.rn!.raft.prs.voters.has(x.id)).toBe(false);

    // It does not vote: crash the leader; the election involves the two voters only.
    const old = c.leader()!;
    const tCrash = c.now();
    c.crash(old.id);
    expect(c.runUntil(() => c.leader() !== undefined && c.leader() !== old, FAILOVER_BOUND)).toBe(true);
    const nl = c.leader()!;
    expect(nl).not.toBe(x);
    expect(c.runUntil(() => x.rn!.raft.lead === nl.id, HEARTBEAT + MAX_LATENCY)).toBe(true);
    expect(x.role()).toBe('learner');
    expect(term(x)).toBe(term(nl));
    const votes = sends(c, tAdd).filter((m) => ['MsgVote', 'MsgPreVote', 'MsgVoteResp', 'MsgPreVoteResp'].includes(m.type));
    expect(votes.length).toBeGreaterThan(0);
    expect(votes.filter((m) => m.from === x.id || m.to === x.id)).toEqual([]);
    expect(c.now() - tCrash).toBeLessThanOrEqual(FAILOVER_BOUND);

    // It does not count: with the learner down too, the two live voters (2 of 3) still commit.
    c.crash(x.id);
    write(c, 'c', 2);
    c.advance(3 * MAX_LATENCY);
    for (const n of upNodes(c)) expect(sm(c, n.id).count).toBe(32);

    // Back up and in sync, it is promoted and becomes a voter.
    c.restart(old.id);
    c.restart(x.id);
    expect(c.runUntil(() => converged(c), HEARTBEAT + 10 * MAX_LATENCY)).toBe(true);
    c.advance(HEARTBEAT); // a heartbeat round so the leader knows everyone's match
    expect(c.promoteMember(x.id)).toBeUndefined();
    expect(c.runUntil(() => converged(c) && c.memberStatus(x.id) === 'voter', 3 * MAX_LATENCY)).toBe(true);
    expect(view(c, x.id).role).toBe('follower');
    expect(view(c, x.id).membership).toBe('voter');
    for (const n of upNodes(c)) expect([[...n.confState.voters].sort(), n.confState.learners]).toEqual([[...c.nodes.keys()].sort(), []]);
    expect(c.members.get(x.id)!.isLearner).toBe(false);
  });
});

describe('8. removing the leader', () => {
  it('the rest elect a new leader, the removed one stops 1 s after applying, and the cluster keeps committing', () => {
    const c = new Cluster({ seed: 8, traceCapacity: 100_000 });
    const old = electWithin(c, FIRST_ELECTION_BOUND);
    write(c, 'a', 5);
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const oldTerm = term(old);
    const rest = [...c.nodes.values()].filter((n) => n !== old);
    expect(c.removeMember(old.id)).toBeUndefined();
    // Committed in one round trip, applied by the leader: from then on its messages are refused.
    expect(c.runUntil(() => c.memberStatus(old.id) === 'removed', 2 * MAX_LATENCY)).toBe(true);
    const tApplied = c.now();
    // Like etcd, the others still take its messages until they have applied
    // the removal themselves: the commit reaches them with its next append or
    // heartbeat, and they drop it from their member lists.
    const appliedRemoval = (n: SimNode) => !n.confState.voters.includes(old.id) && n.confState.voters.length === 2;
    expect(c.runUntil(() => rest.every(appliedRemoval), HEARTBEAT + MAX_LATENCY)).toBe(true);
    expect(rest.every((n) => n.rn!.raft.lead === old.id)).toBe(true); // no election yet
    // From then on they refuse its messages: a fail-over election follows.
    expect(c.runUntil(() => rest.some((n) => n.role() === 'leader'), FAILOVER_BOUND)).toBe(true);
    expect(c.now() - tApplied).toBeGreaterThan(ELECTION - 2 * HEARTBEAT);
    const nl = c.leader()!;
    expect(rest).toContain(nl);
    expect(term(nl)).toBe(oldTerm + 1);
    // etcd stops a member 1 s after it applies its own removal.
    expect(c.runUntil(() => old.life === 'stopped', ELECTION + 2 * MAX_LATENCY)).toBe(true);
    const stop = c.trace.records().find((r) => r.kind === 'node' && r.node === old.id && r.event === 'stop')!;
    expect(stop.t - tApplied).toBeGreaterThanOrEqual(ELECTION - MAX_LATENCY);
    expect(stop.t - tApplied).toBeLessThanOrEqual(ELECTION);
    expect(view(c, old.id).role).toBe('stopped');
    expect(view(c, old.id).membership).toBe('removed');
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    const remaining = rest.map((n) => n.id).sort();
    for (const n of rest) expect([[...n.confState.voters].sort(), n.confState.learners]).toEqual([remaining, []]);
    expect(c.snapshot().nodes.filter((n) => n.membership === 'voter').map((n) => n.id).sort()).toEqual(remaining);

    write(c, 'b', 5);
    expect(c.runUntil(() => converged(c) && rest.every((n) => sm(c, n.id).count === 10), 3 * MAX_LATENCY)).toBe(true);
    expect(c.restart(old.id)).toBe(ErrRemoved);
    c.advance(3000);
    expect(c.leader()).toBe(nl);
    expect(old.life).toBe('stopped');
  });
});

describe('9. leadership transfer', () => {
  it('moves leadership at term+1 in three hops without pre-vote; a lagging transferee is caught up first', () => {
    const c = new Cluster({ seed: 9, traceCapacity: 200_000 });
    const l = electWithin(c, FIRST_ELECTION_BOUND);
    write(c, 'a', 5);
    expect(c.runUntil(() => converged(c), 500)).toBe(true);
    c.advance(300);
    const t0term = term(l);
    const to = followerOf(c);
    const t0 = c.now();
    expect(c.transferLeader(to.id)).toBeUndefined();
    // MsgTimeoutNow, MsgVote, MsgVoteResp: three one-way hops, far below an election timeout.
    expect(c.runUntil(() => c.leader() === to, 3 * MAX_LATENCY)).toBe(true);
    expect(c.now() - t0).toBeLessThanOrEqual(3 * MAX_LATENCY);
    expect(term(to)).toBe(t0term + 1);
    expect(sends(c, t0, 'MsgPreVote')).toEqual([]);
    expect(sends(c, t0, 'MsgTimeoutNow').map((m) => [m.from, m.to])).toEqual([[l.id, to.id]]);
    expect(c.runUntil(() => converged(c), HEARTBEAT + 3 * MAX_LATENCY)).toBe(true);
    expect(l.role()).toBe('follower');

    // A transferee 20 entries behind (its inbound link cut for 300 ms).
    const g = followerOf(c);
    c.network.cut(to.id, g.id);
    write(c, 'lag', 20);
    c.advance(300);
    expect(view(c, g.id).lastIndex).toBe(view(c, to.id).lastIndex - 20);
    c.network.restore(to.id, g.id);
    const t1 = c.now();
    const target = view(c, to.id).lastIndex;
    expect(c.transferLeader(g.id)).toBeUndefined();
    // Raft abandons a transfer not done within an election timeout; this one
    // waits at most a heartbeat (to unpause the probe) plus a few round trips.
    expect(c.runUntil(() => c.leader() === g, ELECTION)).toBe(true);
    expect(c.now() - t1).toBeLessThanOrEqual(HEARTBEAT + 10 * MAX_LATENCY);
    expect(term(g)).toBe(t0term + 2);
    const win = sends(c, t1);
    // It had the whole log when it campaigned (a MsgVote carries the candidate's last index).
    const votes = win.filter((m) => m.type === 'MsgVote' && m.from === g.id);
    expect(votes.length).toBeGreaterThan(0);
    expect(votes.every((m) => m.index >= target && m.term === t0term + 2)).toBe(true);
    expect(logOf(g).filter((e) => e.index <= target && dec(e.data).startsWith('lag-'))).toHaveLength(20);
    const firstTimeoutNow = win.find((m) => m.type === 'MsgTimeoutNow')!;
    expect(firstTimeoutNow.to).toBe(g.id);
    const catchUp = win.filter((m) => m.type === 'MsgApp' && m.to === g.id && m.entries > 0 && m.t <= firstTimeoutNow.t);
    expect(catchUp.length).toBeGreaterThan(0);
    expect(win.filter((m) => m.type === 'MsgPreVote')).toEqual([]);
    expect(c.runUntil(() => converged(c), HEARTBEAT + 3 * MAX_LATENCY)).toBe(true);
    for (const n of upNodes(c)) expect(sm(c, n.id).hash).toBe(sm(c, g.id).hash);
    expect(sm(c, g.id).count).toBe(25);
  });
});
