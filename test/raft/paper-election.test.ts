// The Raft paper, §5.1 (terms) and §5.2 (leader election), rule by rule, in
// the spirit of etcd-io/raft's raft_paper_test.go. Pre-vote and check-quorum
// are off throughout: this is the paper's exact behaviour.
import { describe, expect, it } from 'vitest';
import { NONE, type Message, type MessageType, type NodeId, type StateType, msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { RaftNet, ents, newStorage, newTestRaft, readMessages, sortMsgs } from './paper-helpers.ts';

const paper = { preVote: false, checkQuorum: false };

describe('§5.1 terms', () => {
  it.each<StateType>(['StateFollower', 'StateCandidate', 'StateLeader'])(
    'a %s that sees a higher term adopts it and reverts to follower',
    (state) => {
      const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
      if (state === 'StateFollower') r.becomeFollower(1, '2');
      if (state !== 'StateFollower') r.becomeCandidate();
      if (state === 'StateLeader') r.becomeLeader();
      expect(r.state).toBe(state);
      expect(r.term).toBe(1);

      r.step(msg({ type: 'MsgApp', from: '3', to: '1', term: 2 }));

      expect(r.term).toBe(2);
      expect(r.state).toBe('StateFollower');
      expect(r.lead).toBe('3');
      expect(r.vote).toBe(NONE);
    },
  );

  // Requests and responses alike; only a leader's own messages name it as the new leader.
  const kinds: [MessageType, NodeId][] = [
    ['MsgHeartbeat', '3'],
    ['MsgVote', NONE],
    ['MsgAppResp', NONE],
    ['MsgVoteResp', NONE],
    ['MsgHeartbeatResp', NONE],
  ];
  const states: StateType[] = ['StateFollower', 'StateCandidate', 'StateLeader'];
  const higher = states.flatMap((st) => kinds.map(([t, lead]): [StateType, MessageType, NodeId] => [st, t, lead]));
  it.each(higher)('a %s that receives a %s of a higher term moves to that term as follower (lead %s)', (state, type, lead) => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    if (state === 'StateFollower') r.becomeFollower(1, '2');
    if (state !== 'StateFollower') r.becomeCandidate();
    if (state === 'StateLeader') r.becomeLeader();
    readMessages(r);

    // (A vote request from a candidate whose log is up to date, so the vote is granted.)
    r.step(msg({ type, from: '3', to: '1', term: 5, logTerm: type === 'MsgVote' ? 4 : 0, index: type === 'MsgVote' ? 9 : 0 }));

    expect(r.term).toBe(5);
    expect(r.state).toBe('StateFollower');
    expect(r.lead).toBe(lead);
    expect(r.vote).toBe(type === 'MsgVote' ? '3' : NONE);
  });

  // The paper's receiver answers false; etcd (and this port) drops the request
  // when neither pre-vote nor check-quorum is on. Either way nothing changes.
  it('a request with a stale term is ignored: no state change, no reply', () => {
    const s = newStorage(['1', '2', '3']);
    s.setHardState({ term: 2, vote: NONE, commit: 0 });
    const r = newTestRaft('1', 10, 1, s);
    expect(r.term).toBe(2);

    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, entries: ents(1, 1), commit: 1 }));
    r.step(msg({ type: 'MsgHeartbeat', from: '2', to: '1', term: 1 }));
    r.step(msg({ type: 'MsgVote', from: '3', to: '1', term: 1 }));

    expect(r.msgs).toEqual([]);
    expect(r.term).toBe(2);
    expect(r.lead).toBe(NONE);
    expect(r.vote).toBe(NONE);
    expect(r.raftLog.lastIndex()).toBe(0);
    expect(r.raftLog.committed).toBe(0);
  });

  it('a vote from an earlier term is not counted', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' })); // second election, term 2
    expect(r.term).toBe(2);
    readMessages(r);
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: 1 }));
    expect(r.state).toBe('StateCandidate');
    expect(r.prs.votes.has('2')).toBe(false);
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: 2 }));
    expect(r.state).toBe('StateLeader');
    expect(r.term).toBe(2);
  });
});

describe('§5.2 leader election', () => {
  it('servers start up as followers with no leader', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(0);
    expect(r.lead).toBe(NONE);
    expect(r.vote).toBe(NONE);
  });

  it('a restarted server starts as follower with its persisted term and vote', () => {
    const s = newStorage(['1', '2', '3']);
    s.setHardState({ term: 5, vote: '2', commit: 0 });
    const r = newTestRaft('1', 10, 1, s);
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(5);
    expect(r.vote).toBe('2');
  });

  it.each([1, 3])('the leader broadcasts empty MsgHeartbeats every heartbeat interval (%i ticks)', (hi) => {
    const r = newTestRaft('1', 10, hi, newStorage(['1', '2', '3']));
    r.becomeCandidate();
    r.becomeLeader();
    for (let i = 0; i < 10; i++) r.appendEntry([{ term: 0, index: 0, type: 'EntryNormal', data: new Uint8Array(0) }]);
    readMessages(r);

    for (let i = 0; i < hi - 1; i++) r.tick();
    expect(r.msgs).toEqual([]);
    r.tick();

    // No entries and no log position; commit is capped at what each follower is known to have (0).
    expect(sortMsgs(readMessages(r))).toEqual([
      msg({ type: 'MsgHeartbeat', from: '1', to: '2', term: 1, commit: 0 }),
      msg({ type: 'MsgHeartbeat', from: '1', to: '3', term: 1, commit: 0 }),
    ]);
  });

  it.each<StateType>(['StateFollower', 'StateCandidate'])(
    'a %s that hears nothing for an election timeout starts an election: term+1, votes for itself, MsgVote to all',
    (state) => {
      const et = 10;
      const r = newTestRaft('1', et, 1, newStorage(['1', '2', '3']));
      if (state === 'StateFollower') r.becomeFollower(1, '2');
      else r.becomeCandidate();
      readMessages(r);

      for (let i = 1; i < 2 * et; i++) r.tick();

      expect(r.term).toBe(2);
      expect(r.state).toBe('StateCandidate');
      expect(r.vote).toBe('1');
      expect(r.prs.votes.get('1')).toBe(true);
      expect(sortMsgs(readMessages(r))).toEqual([
        msg({ type: 'MsgVote', from: '1', to: '2', term: 2, index: 0, logTerm: 0 }),
        msg({ type: 'MsgVote', from: '1', to: '3', term: 2, index: 0, logTerm: 0 }),
      ]);
    },
  );

  const oneRound: [number, Record<string, boolean>, StateType][] = [
    // wins with votes from a majority
    [1, {}, 'StateLeader'],
    [3, { 2: true, 3: true }, 'StateLeader'],
    [3, { 2: true }, 'StateLeader'],
    [5, { 2: true, 3: true, 4: true, 5: true }, 'StateLeader'],
    [5, { 2: true, 3: true, 4: true }, 'StateLeader'],
    [5, { 2: true, 3: true }, 'StateLeader'],
    // back to follower once a majority said no
    [3, { 2: false, 3: false }, 'StateFollower'],
    [5, { 2: false, 3: false, 4: false, 5: false }, 'StateFollower'],
    [5, { 2: true, 3: false, 4: false, 5: false }, 'StateFollower'],
    // neither: still waiting as candidate
    [3, {}, 'StateCandidate'],
    [5, { 2: true }, 'StateCandidate'],
    [5, { 2: false, 3: false }, 'StateCandidate'],
    [5, {}, 'StateCandidate'],
  ];
  it.each(oneRound)('one round of RequestVote, %i voters, votes %j: ends as %s', (size, votes, want) => {
    const peers = Array.from({ length: size }, (_, i) => String(i + 1));
    const r = newTestRaft('1', 10, 1, newStorage(peers));
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    for (const [id, granted] of Object.entries(votes)) {
      r.step(msg({ type: 'MsgVoteResp', from: id, to: '1', term: r.term, reject: !granted }));
    }
    expect(r.state).toBe(want);
    expect(r.term).toBe(1);
  });

  it('each voter counts once per election: a later duplicate answer does not change its vote', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3', '4', '5']));
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: 1 }));
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: 1, reject: true }));
    expect(r.prs.tallyVotes()).toEqual({ granted: 2, rejected: 0, result: 'VotePending' });
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: 1 }));
    expect(r.state).toBe('StateCandidate'); // 2 still counts once
    r.step(msg({ type: 'MsgVoteResp', from: '3', to: '1', term: 1 }));
    expect(r.state).toBe('StateLeader');
  });

  it.each([
    [NONE, '2', false],
    [NONE, '3', false],
    ['2', '2', false],
    ['3', '3', false],
    ['2', '3', true],
    ['3', '2', true],
  ])('a follower votes at most once per term, first come first served (voted %s, asked by %s, reject=%s)', (vote, nvote, reject) => {
    const s = newStorage(['1', '2', '3']);
    s.setHardState({ term: 1, vote, commit: 0 });
    const r = newTestRaft('1', 10, 1, s);

    r.step(msg({ type: 'MsgVote', from: nvote, to: '1', term: 1 }));

    expect(readMessages(r)).toEqual([msg({ type: 'MsgVoteResp', from: '1', to: nvote, term: 1, reject })]);
    expect(r.vote).toBe(vote === NONE ? nvote : vote);
  });

  it.each([1, 2])('a candidate that receives AppendEntries from a leader of term >= its own (%i) becomes its follower', (term) => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    expect(r.state).toBe('StateCandidate');
    expect(r.term).toBe(1);

    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term }));

    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(term);
    expect(r.lead).toBe('2');
  });

  it('a follower stays follower as long as it hears from the leader', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    r.becomeFollower(1, '2');
    for (let i = 0; i < 100; i++) {
      if (i % 5 === 0) r.step(msg({ type: 'MsgHeartbeat', from: '2', to: '1', term: 1 }));
      r.tick();
    }
    expect(readMessages(r).map((m) => m.type)).toEqual(Array(20).fill('MsgHeartbeatResp'));
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(1);
  });

  it('granting a vote restarts the election timer', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    for (let i = 0; i < 9; i++) r.tick();
    expect(r.electionElapsed).toBe(9);
    r.step(msg({ type: 'MsgVote', from: '2', to: '1', term: 1 }));
    expect(r.vote).toBe('2');
    expect(r.electionElapsed).toBe(0);
  });

  it.each<StateType>(['StateFollower', 'StateCandidate'])('a %s election timeout is randomized over [et, 2et)', (state) => {
    const et = 10;
    const r = newTestRaft('1', et, 1, newStorage(['1', '2', '3']));
    const timeouts = new Set<number>();
    for (let round = 0; round < 50 * et; round++) {
      if (state === 'StateFollower') r.becomeFollower(r.term + 1, '2');
      else r.becomeCandidate();
      readMessages(r);
      let time = 0;
      while (readMessages(r).length === 0) {
        r.tick();
        time++;
      }
      timeouts.add(time);
    }
    expect([...timeouts].sort((a, b) => a - b)).toEqual(Array.from({ length: et }, (_, i) => et + i));
  });

  it.each<StateType>(['StateFollower', 'StateCandidate'])(
    'randomized timeouts mean that usually a single %s times out first',
    (state) => {
      const et = 10;
      const peers = ['1', '2', '3', '4', '5'];
      const rs = peers.map((id) => newTestRaft(id, et, 1, newStorage(peers)));
      let conflicts = 0;
      for (let round = 0; round < 1000; round++) {
        for (const r of rs) {
          if (state === 'StateFollower') r.becomeFollower(r.term + 1, NONE);
          else r.becomeCandidate();
          readMessages(r);
        }
        let timedOut = 0;
        while (timedOut === 0) {
          for (const r of rs) {
            r.tick();
            if (readMessages(r).length > 0) timedOut++;
          }
        }
        if (timedOut > 1) conflicts++;
      }
      expect(conflicts / 1000).toBeLessThanOrEqual(0.3);
    },
  );
});

describe('§5.2 elections across a cluster (pre-vote off)', () => {
  function cluster(n: number, present: string[]): RaftNet {
    const peers = Array.from({ length: n }, (_, i) => String(i + 1));
    return new RaftNet(present.map((id) => newTestRaft(id, 10, 1, newStorage(peers))));
  }

  it.each([
    [3, ['1', '2', '3'], 'StateLeader'],
    [3, ['1', '2'], 'StateLeader'],
    [3, ['1'], 'StateCandidate'],
    [5, ['1', '2', '3'], 'StateLeader'],
    [5, ['1', '2'], 'StateCandidate'],
  ])('a %i-node cluster with nodes %j up: the candidate ends as %s', (n, up, want) => {
    const nt = cluster(n, up);
    nt.campaign('1');
    expect(nt.get('1').state).toBe(want);
    expect(nt.get('1').term).toBe(1);
    for (const id of up.slice(1)) {
      expect(nt.get(id).state).toBe('StateFollower');
      expect(nt.get(id).lead).toBe(want === 'StateLeader' ? '1' : NONE);
    }
  });

  it('a split vote elects nobody in that term; the next election, in a new term, resolves it', () => {
    const nt = cluster(4, ['1', '2', '3', '4']);
    const [r1, r2] = [nt.get('1'), nt.get('2')];
    r1.becomeCandidate();
    r2.becomeCandidate();
    // 3 hears from 1 first, 4 hears from 2 first: 2 votes each, 3 are needed.
    const req = (from: string, to: string): Message => msg({ type: 'MsgVote', from, to, term: 1 });
    nt.send(req('1', '3'), req('2', '4'), req('1', '4'), req('2', '3'), req('1', '2'), req('2', '1'));
    // Each got 2 of 4 and was refused by the other two: nobody leads term 1
    // (etcd drops a candidate that can no longer win back to follower).
    for (const r of [r1, r2]) {
      const resps = nt.delivered.filter((m) => m.type === 'MsgVoteResp' && m.to === r.id);
      expect(resps.map((m) => m.reject).sort()).toEqual([false, true, true]);
      expect(r.state).toBe('StateFollower');
      expect(r.term).toBe(1);
    }
    expect([...nt.peers.values()].map((r) => r.lead)).toEqual([NONE, NONE, NONE, NONE]);

    nt.campaign('1');
    expect(r1.state).toBe('StateLeader');
    expect(r1.term).toBe(2);
    expect(r2.state).toBe('StateFollower');
    expect(r2.term).toBe(2);
    expect(r2.lead).toBe('1');
  });

  it('a partitioned node that rejoins with a higher term makes the leader step down (the disruption pre-vote prevents)', () => {
    const nw = new Network(3, paper);
    nw.campaign('1');
    expect(nw.leader()!.id).toBe('1');
    expect(nw.node('1').rn.raft.term).toBe(2);

    nw.isolate('3');
    nw.propose('1', 'while 3 was away'); // 3's log is now behind
    nw.campaign('3');
    nw.campaign('3');
    expect(nw.node('3').rn.raft.term).toBe(4);
    expect(nw.node('1').rn.raft.state).toBe('StateLeader');

    nw.heal();
    nw.campaign('3');
    // The leader and 2 adopt term 5 and depose the leader, but refuse 3: its log is stale (§5.4.1).
    const [r1, r2, r3] = ['1', '2', '3'].map((id) => nw.node(id).rn.raft);
    for (const r of [r1!, r2!, r3!]) expect(r.term).toBe(5);
    expect(r1!.state).toBe('StateFollower');
    expect(r3!.state).toBe('StateFollower');
    expect(nw.leader()).toBeUndefined();
    expect(r1!.raftLog.lastIndex()).toBe(5);
    expect(r3!.raftLog.lastIndex()).toBe(4);
  });
});
