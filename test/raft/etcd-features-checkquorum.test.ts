// Check-quorum and the leader lease (etcd-io/raft: TestLeaderStepdownWhenQuorum*,
// TestLeaderSupersedingWithCheckQuorum, TestFreeStuckCandidateWithCheckQuorum,
// TestLeaderElectionWithCheckQuorum, testdata/checkquorum.txt).
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { newLeader, newRaft, newStorage, readMsgs, types } from './etcd-features-helpers.ts';

const raftOf = (nw: Network, id: string) => nw.node(id).rn.raft;

describe('check-quorum: leader step-down', () => {
  it('TestLeaderStepdownWhenQuorumActive: heartbeat responses keep the leader in office', () => {
    const { r } = newLeader({ voters: ['1', '2', '3'] }, { checkQuorum: true, electionTick: 5 });
    for (let i = 0; i < r.electionTimeout + 1; i++) {
      r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
      r.tick();
    }
    expect(r.state).toBe('StateLeader');
    expect(r.term).toBe(1);
  });

  it('TestLeaderStepdownWhenQuorumLost: a leader hearing from nobody steps down after one election timeout', () => {
    const { r, logs } = newLeader({ voters: ['1', '2', '3'] }, { checkQuorum: true, electionTick: 5 });
    for (let i = 0; i < r.electionTimeout - 1; i++) r.tick();
    expect(r.state).toBe('StateLeader');
    r.tick();
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(1);
    expect(r.lead).toBe('0');
    expect(logs).toContain('1 stepped down to follower since quorum is not active');
  });

  it('without check-quorum an isolated leader stays leader forever', () => {
    const { r } = newLeader({ voters: ['1', '2', '3'] }, { checkQuorum: false, electionTick: 5 });
    for (let i = 0; i < 50; i++) r.tick();
    expect(r.state).toBe('StateLeader');
  });

  it('an isolated leader whose followers were recently active needs two election timeouts', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const n1 = raftOf(nw, '1');
    nw.isolate('1');
    nw.tick('1', 2 * n1.electionTimeout - 1);
    expect(n1.state).toBe('StateLeader');
    nw.tick('1');
    expect(n1.state).toBe('StateFollower');
    expect(n1.term).toBe(2);
    // After stepping down the others can elect a new leader once their leases lapse.
    nw.tickAll(40);
    const l = nw.leader();
    expect(l).toBeDefined();
    expect(['2', '3']).toContain(l!.id);
    expect(l!.rn.raft.term).toBe(3);
  });

  it('a leader with one active follower out of two stays leader', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    nw.tick('1', 50);
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '1').term).toBe(2);
  });
});

describe('check-quorum: the leader lease on followers', () => {
  it('TestLeaderSupersedingWithCheckQuorum: votes are refused while the lease holds and granted after', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: false });
    nw.campaign('1');
    const [a, b, c] = ['1', '2', '3'].map((id) => raftOf(nw, id));
    expect(a.state).toBe('StateLeader');
    expect(c.state).toBe('StateFollower');

    nw.campaign('3');
    // b heard from the leader within the election timeout: it ignores c's MsgVote.
    expect(c.state).toBe('StateCandidate');
    expect(c.term).toBe(3);
    expect(b.term).toBe(2);
    expect(nw.node('2').logs).toContain(
      '2 [logterm: 2, index: 4, vote: 1] ignored MsgVote from 3 [logterm: 2, index: 4] at term 2: lease is not expired (remaining ticks: 10)',
    );

    b.randomizedElectionTimeout = b.electionTimeout + 1;
    nw.tick('2', b.electionTimeout);
    nw.campaign('3');
    expect(c.state).toBe('StateLeader');
    expect(c.term).toBe(4);
    expect(a.state).toBe('StateFollower');
    expect(a.lead).toBe('3');
  });

  it('TestLeaderElectionWithCheckQuorum: once a follower\'s lease has lapsed it votes for a new candidate, deposing the leader', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: false });
    nw.campaign('1');
    const [a, b, c] = ['1', '2', '3'].map((id) => raftOf(nw, id));
    a.randomizedElectionTimeout = a.electionTimeout + 1;
    b.randomizedElectionTimeout = b.electionTimeout + 2;
    // a (the leader) ignores c's MsgVote, but b's timer has run out so b grants it.
    for (let i = 0; i < b.electionTimeout; i++) b.tick();
    nw.campaign('3');
    expect(c.state).toBe('StateLeader');
    expect(b.lead).toBe('3');
    expect(a.state).toBe('StateFollower');
  });

  it('the lease check applies only with check-quorum', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1', '2', '3'] }), { checkQuorum: false });
    r.becomeFollower(2, '1');
    r.step(msg({ type: 'MsgVote', from: '3', to: '2', term: 3, logTerm: 2, index: 10 }));
    expect(types(readMsgs(r))).toEqual(['MsgVoteResp']);
    expect([r.term, r.vote]).toEqual([3, '3']);

    const q = newRaft('2', newStorage({ voters: ['1', '2', '3'] }), { checkQuorum: true }).r;
    q.becomeFollower(2, '1');
    q.step(msg({ type: 'MsgVote', from: '3', to: '2', term: 3, logTerm: 2, index: 10 }));
    expect(readMsgs(q)).toEqual([]);
    expect([q.term, q.vote, q.lead]).toEqual([2, '0', '1']);
    // ... until the election timer has run out.
    q.electionElapsed = q.electionTimeout;
    q.step(msg({ type: 'MsgVote', from: '3', to: '2', term: 3, logTerm: 2, index: 10 }));
    expect(types(readMsgs(q))).toEqual(['MsgVoteResp']);
    expect([q.term, q.vote]).toEqual([3, '3']);
  });

  it('TestFreeStuckCandidateWithCheckQuorum: a stuck candidate is freed by the leader stepping down to its term', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: false });
    nw.campaign('1');
    const [a, b, c] = ['1', '2', '3'].map((id) => raftOf(nw, id));
    nw.isolate('1');
    nw.campaign('3');
    expect(b.state).toBe('StateFollower');
    expect(c.state).toBe('StateCandidate');
    expect(c.term).toBe(b.term + 1);
    nw.campaign('3');
    expect(b.state).toBe('StateFollower');
    expect(c.state).toBe('StateCandidate');
    expect(c.term).toBe(b.term + 2);

    nw.heal();
    nw.send([msg({ type: 'MsgHeartbeat', from: '1', to: '3', term: a.term })]);
    // c answered the stale heartbeat with its higher term; the leader stepped down to it.
    expect(a.state).toBe('StateFollower');
    expect(a.term).toBe(c.term);
    expect(a.term).toBe(4);

    nw.campaign('3');
    expect(c.state).toBe('StateLeader');
    expect(c.term).toBe(5);
  });
});

describe('stale leaders learn the higher term', () => {
  it('a follower answers a lower-term MsgApp or MsgHeartbeat with a MsgAppResp at its own term (check-quorum or pre-vote)', () => {
    for (const opts of [{ checkQuorum: true }, { preVote: true }]) {
      for (const type of ['MsgApp', 'MsgHeartbeat'] as const) {
        const { r } = newRaft('2', newStorage({ voters: ['1', '2', '3'] }), opts);
        r.becomeFollower(5, '3');
        r.step(msg({ type, from: '1', to: '2', term: 4 }));
        const out = readMsgs(r);
        expect(out.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgAppResp', '1', 5, false]]);
        expect([r.term, r.lead]).toEqual([5, '3']);
      }
    }
  });

  it('without either option, lower-term messages are silently ignored', () => {
    const { r, logs } = newRaft('2', newStorage({ voters: ['1', '2', '3'] }));
    r.becomeFollower(5, '3');
    r.step(msg({ type: 'MsgApp', from: '1', to: '2', term: 4 }));
    expect(readMsgs(r)).toEqual([]);
    expect(logs).toContain('2 [term: 5] ignored a MsgApp message with lower term from 1 [term: 4]');
  });

  it('a stale leader steps down when it hears a MsgAppResp of a higher term', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: true });
    nw.campaign('1');
    nw.isolate('1');
    // The others move on: node 2's timer runs out and it wins term 3.
    for (const id of ['2', '3']) raftOf(nw, id).randomizedElectionTimeout = 1000;
    nw.tick('3', 10);
    nw.campaign('2');
    expect(raftOf(nw, '2').state).toBe('StateLeader');
    expect(raftOf(nw, '2').term).toBe(3);
    const a = raftOf(nw, '1');
    expect(a.state).toBe('StateLeader');
    expect(a.term).toBe(2);
    nw.heal();
    nw.tick('1');
    expect(a.state).toBe('StateFollower');
    expect(a.term).toBe(3);
    expect(nw.node('1').logs).toContain('1 [term: 2] received a MsgAppResp message with higher term from 2 [term: 3]');
    // The next heartbeat of the real leader re-attaches it.
    nw.tick('2');
    expect(a.lead).toBe('2');
  });
});
