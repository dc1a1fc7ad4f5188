// Pre-vote (etcd-io/raft: TestDisruptiveFollower*, TestNodeWithSmallerTermCanCompleteElection,
// TestPreVoteWithSplitVote, TestPreVoteFromAnyState, testdata/prevote*.txt).
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { Network, drain } from './harness.ts';
import { newRaft, newStorage, readMsgs, types } from './etcd-features-helpers.ts';

const raftOf = (nw: Network, id: string) => nw.node(id).rn.raft;

describe('pre-vote', () => {
  it('a node behind on the log loses the pre-vote and its term does not rise', () => {
    const nw = new Network(3, { checkQuorum: false });
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'a');
    nw.heal();
    expect(raftOf(nw, '1').raftLog.lastIndex()).toBe(5);
    expect(raftOf(nw, '3').raftLog.lastIndex()).toBe(4);

    nw.campaign('3');
    const n3 = raftOf(nw, '3');
    expect(n3.state).toBe('StateFollower');
    expect(n3.term).toBe(2);
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '1').term).toBe(2);
    expect(raftOf(nw, '2').term).toBe(2);
    expect(nw.node('1').logs).toContain('1 [logterm: 2, index: 5, vote: 1] rejected MsgPreVote from 3 [logterm: 2, index: 4] at term 2');
    expect(nw.node('3').logs).toContain('3 received MsgPreVoteResp rejection from 1 at term 2');
    expect(nw.node('3').logs).toContain('3 has received 1 MsgPreVoteResp votes and 2 vote rejections');
    // Only pre-votes went out: no MsgVote was ever sent at term 3.
    expect(nw.delivered.filter((m) => m.from === '3' && m.type === 'MsgVote')).toHaveLength(0);
  });

  it('an up-to-date node wins the pre-vote, then the election', () => {
    const nw = new Network(3, { checkQuorum: false });
    nw.campaign('1');
    nw.isolate('1');
    nw.campaign('2');
    const n2 = raftOf(nw, '2');
    expect(n2.state).toBe('StateLeader');
    expect(n2.term).toBe(3);
    expect(raftOf(nw, '3').lead).toBe('2');
    const logs = nw.node('2').logs;
    const i = logs.indexOf('2 became pre-candidate at term 2');
    const j = logs.indexOf('2 became candidate at term 3');
    const k = logs.indexOf('2 became leader at term 3');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(j).toBeGreaterThan(i);
    expect(k).toBeGreaterThan(j);
    expect(logs).toContain('2 received MsgPreVoteResp from 3 at term 2');
  });

  it('a partitioned node keeps pre-campaigning at its old term and rejoins without disrupting the leader', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'a');
    nw.propose('1', 'b');
    nw.tick('3', 60);
    const n3 = raftOf(nw, '3');
    expect(n3.state).toBe('StatePreCandidate');
    expect(n3.term).toBe(2);
    nw.heal();
    nw.tick('1');
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '1').term).toBe(2);
    expect(n3.state).toBe('StateFollower');
    expect(n3.lead).toBe('1');
    expect(n3.term).toBe(2);
    expect(n3.raftLog.lastIndex()).toBe(6);
    expect(nw.node('3').applied.map((a) => a.data).slice(-2)).toEqual(['a', 'b']);
  });

  it('TestDisruptiveFollowerPreVote: a lagging pre-candidate does not make the leader step down', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: true });
    nw.campaign('1');
    nw.isolate('3');
    for (const d of ['x', 'y', 'z']) nw.propose('1', d);
    nw.heal();
    nw.campaign('3');
    // Both peers are inside their leader lease, so the pre-votes go unanswered.
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '2').state).toBe('StateFollower');
    expect(raftOf(nw, '3').state).toBe('StatePreCandidate');
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).term)).toEqual([2, 2, 2]);
    expect(nw.node('2').logs.some((l) => l.includes('ignored MsgPreVote from 3') && l.includes('lease is not expired'))).toBe(true);
    // A (delayed) heartbeat of the current term turns the pre-candidate back into a follower.
    nw.send([msg({ type: 'MsgHeartbeat', from: '1', to: '3', term: 2 })]);
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '3').state).toBe('StateFollower');
    expect(raftOf(nw, '3').lead).toBe('1');
  });

  it('TestDisruptiveFollower: without pre-vote, a timed-out follower forces the leader to step down', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: false });
    nw.campaign('1');
    const [n1, n2, n3] = ['1', '2', '3'].map((id) => raftOf(nw, id));
    expect([n1.state, n2.state, n3.state]).toEqual(['StateLeader', 'StateFollower', 'StateFollower']);
    n3.randomizedElectionTimeout = n3.electionTimeout + 2;
    for (let i = 0; i < n3.randomizedElectionTimeout - 1; i++) n3.tick();
    expect(n3.state).toBe('StateFollower');
    n3.tick();
    expect([n1.state, n2.state, n3.state]).toEqual(['StateLeader', 'StateFollower', 'StateCandidate']);
    expect([n1.term, n2.term, n3.term]).toEqual([2, 2, 3]);
    // The leader's late heartbeat reaches the candidate, which answers at its higher term.
    nw.send([msg({ type: 'MsgHeartbeat', from: '1', to: '3', term: n1.term }), ...drain(nw.node('3'))]);
    expect([n1.state, n2.state, n3.state]).toEqual(['StateFollower', 'StateFollower', 'StateCandidate']);
    expect([n1.term, n2.term, n3.term]).toEqual([3, 2, 3]);
  });

  it('without pre-vote or check-quorum, a rejoining node with a stale log still bumps everyone\'s term', () => {
    const nw = new Network(3, { checkQuorum: false, preVote: false });
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'a');
    nw.campaign('3');
    nw.campaign('3');
    expect(raftOf(nw, '3').term).toBe(4);
    nw.heal();
    nw.campaign('3');
    // Its log is behind, so it cannot win, but the leader was deposed anyway.
    expect(raftOf(nw, '1').state).toBe('StateFollower');
    expect(raftOf(nw, '1').term).toBe(5);
    expect(raftOf(nw, '2').term).toBe(5);
    // Both peers rejected it (VoteLost), so it is a follower at the new term too.
    expect(raftOf(nw, '3').state).toBe('StateFollower');
    expect(raftOf(nw, '3').term).toBe(5);
    expect(nw.leader()).toBeUndefined();
  });

  it('TestNodeWithSmallerTermCanCompleteElection', () => {
    const nw = new Network(3, { preVote: true, checkQuorum: false });
    nw.partition(['1', '2'], ['3']);
    nw.campaign('1');
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '2').state).toBe('StateFollower');
    nw.campaign('3');
    expect(raftOf(nw, '3').state).toBe('StatePreCandidate');
    nw.campaign('2');
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).term)).toEqual([3, 3, 1]);
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).state)).toEqual(['StateFollower', 'StateLeader', 'StatePreCandidate']);

    // Node 3 comes back just as the leader, 2, crashes.
    nw.heal();
    nw.partition(['2'], ['1', '3']);
    nw.campaign('3');
    // 3's pre-vote at term 2 was rejected by 1 at term 3, which taught it term 3.
    expect(raftOf(nw, '3').term).toBe(3);
    expect(raftOf(nw, '3').state).toBe('StateFollower');
    nw.campaign('1');
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    expect(raftOf(nw, '1').term).toBe(4);
    expect(raftOf(nw, '3').lead).toBe('1');
  });

  it('TestPreVoteWithSplitVote: after a split vote the next round completes', () => {
    const nw = new Network(3, { preVote: true, checkQuorum: false });
    nw.campaign('1');
    nw.isolate('1');
    nw.node('2').rn.campaign();
    nw.node('3').rn.campaign();
    nw.send([...drain(nw.node('2')), ...drain(nw.node('3'))]);
    const n2 = raftOf(nw, '2');
    const n3 = raftOf(nw, '3');
    expect([n2.term, n3.term]).toEqual([3, 3]);
    expect([n2.state, n3.state]).toEqual(['StateCandidate', 'StateCandidate']);
    expect([n2.vote, n3.vote]).toEqual(['2', '3']);

    nw.campaign('2');
    expect([n2.term, n3.term]).toEqual([4, 4]);
    expect([n2.state, n3.state]).toEqual(['StateLeader', 'StateFollower']);
  });

  it('with check-quorum, a follower inside its lease ignores pre-votes; once the lease lapses it grants them', () => {
    const nw = new Network(3, { preVote: true, checkQuorum: true });
    nw.campaign('1');
    nw.isolate('1');
    nw.campaign('2');
    expect(raftOf(nw, '2').state).toBe('StatePreCandidate');
    expect(raftOf(nw, '2').term).toBe(2);
    expect(raftOf(nw, '3').lead).toBe('1');
    // Let node 3's election timer run out without letting it campaign itself.
    const n3 = raftOf(nw, '3');
    n3.randomizedElectionTimeout = 1000;
    nw.tick('3', n3.electionTimeout);
    nw.campaign('2');
    expect(raftOf(nw, '2').state).toBe('StateLeader');
    expect(raftOf(nw, '2').term).toBe(3);
  });
});

describe('pre-vote messages never change terms', () => {
  it('granting a pre-vote changes neither term, vote, state nor election timer', () => {
    for (const setup of ['follower', 'pre-candidate', 'candidate', 'leader'] as const) {
      const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }), { preVote: true });
      r.term = 1;
      if (setup === 'follower') r.becomeFollower(1, '3');
      if (setup === 'pre-candidate') r.becomePreCandidate();
      if (setup === 'candidate') r.becomeCandidate();
      if (setup === 'leader') {
        r.becomeCandidate();
        r.becomeLeader();
      }
      readMsgs(r);
      const { term, vote, state, electionElapsed } = r;
      r.step(msg({ type: 'MsgPreVote', from: '2', to: '1', term: term + 1, logTerm: term + 1, index: 42 }));
      const out = readMsgs(r);
      expect(types(out), setup).toEqual(['MsgPreVoteResp']);
      expect(out[0]!.reject, setup).toBe(false);
      expect(out[0]!.term, setup).toBe(term + 1);
      expect([r.term, r.vote, r.state, r.electionElapsed], setup).toEqual([term, vote, state, electionElapsed]);
    }
  });

  it('whereas a real MsgVote at a higher term makes any node a follower at that term', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }));
    r.becomeCandidate();
    r.becomeLeader();
    readMsgs(r);
    r.step(msg({ type: 'MsgVote', from: '2', to: '1', term: 5, logTerm: 5, index: 42 }));
    expect(types(readMsgs(r))).toEqual(['MsgVoteResp']);
    expect([r.state, r.term, r.vote]).toEqual(['StateFollower', 5, '2']);
  });

  it('a granted MsgPreVoteResp (which carries term+1) leaves the pre-candidate at its term until it wins', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3', '4', '5'] }), { preVote: true });
    r.becomeFollower(3, '0');
    r.step(msg({ type: 'MsgHup' }));
    expect(r.state).toBe('StatePreCandidate');
    const sent = readMsgs(r);
    expect(types(sent)).toEqual(['MsgPreVote', 'MsgPreVote', 'MsgPreVote', 'MsgPreVote']);
    expect(sent.map((m) => m.term)).toEqual([4, 4, 4, 4]);
    expect(r.term).toBe(3);
    r.step(msg({ type: 'MsgPreVoteResp', from: '2', to: '1', term: 4 }));
    expect([r.state, r.term, r.vote]).toEqual(['StatePreCandidate', 3, '0']);
    r.step(msg({ type: 'MsgPreVoteResp', from: '3', to: '1', term: 4 }));
    expect([r.state, r.term, r.vote]).toEqual(['StateCandidate', 4, '1']);
    expect(types(readMsgs(r))).toEqual(['MsgVote', 'MsgVote', 'MsgVote', 'MsgVote']);
  });

  it('a rejected pre-vote at a higher term moves the pre-candidate to that term as a follower', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }), { preVote: true });
    r.becomeFollower(3, '0');
    r.step(msg({ type: 'MsgHup' }));
    readMsgs(r);
    r.step(msg({ type: 'MsgPreVoteResp', from: '2', to: '1', term: 7, reject: true }));
    expect([r.state, r.term]).toEqual(['StateFollower', 7]);
  });

  it('a pre-vote from a lower term is rejected with the current term', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }), { preVote: true });
    r.becomeFollower(5, '0');
    r.step(msg({ type: 'MsgPreVote', from: '2', to: '1', term: 4, logTerm: 9, index: 9 }));
    const out = readMsgs(r);
    expect(out.map((m) => [m.type, m.term, m.reject])).toEqual([['MsgPreVoteResp', 5, true]]);
    expect(r.term).toBe(5);
  });
});
