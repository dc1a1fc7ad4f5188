// Elections with etcd's options (etcd-io/raft: TestLeaderElectionOverwriteNewerLogs[PreVote],
// TestDuelingPreCandidates, TestPreVoteMigration*, TestCommitWithoutNewTermEntry,
// TestCannotCommitWithoutNewTermEntry, TestLeaderCyclePreVote).
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { logOf, networkOf, newStorage } from './etcd-features-helpers.ts';

const five = ['1', '2', '3', '4', '5'];
const raftOf = (nw: Network, id: string) => nw.node(id).rn.raft;

describe('elections', () => {
  for (const preVote of [false, true]) {
    it(`TestLeaderElectionOverwriteNewerLogs${preVote ? 'PreVote' : ''}: a leader without the newest entries overwrites them`, () => {
      // 1 won term 1 and replicated one entry to 2; 3 won term 2 and wrote one entry
      // nobody else got; 4 and 5 voted for 3 at term 2 but have no log.
      const nw = networkOf(
        [
          newStorage({ voters: five, terms: [1], hardState: { term: 1 } }),
          newStorage({ voters: five, terms: [1], hardState: { term: 1 } }),
          newStorage({ voters: five, terms: [2], hardState: { term: 2 } }),
          newStorage({ voters: five, hardState: { term: 2, vote: '3' } }),
          newStorage({ voters: five, hardState: { term: 2, vote: '3' } }),
        ],
        { preVote, checkQuorum: false },
      );
      const n1 = raftOf(nw, '1');
      // The first campaign fails: a quorum knows term 2. It pushes node 1 to term 2.
      nw.campaign('1');
      expect(n1.state).toBe('StateFollower');
      expect(n1.term).toBe(2);
      nw.campaign('1');
      expect(n1.state).toBe('StateLeader');
      expect(n1.term).toBe(3);
      for (const id of five) {
        expect(logOf(raftOf(nw, id)), id).toEqual([
          [1, 1],
          [2, 3],
        ]);
      }
    });
  }

  it('TestDuelingPreCandidates: a lagging node that pre-campaigns after a partition does not disrupt', () => {
    const nw = new Network(3, { preVote: true, checkQuorum: false });
    nw.partition(['1'], ['3']);
    nw.campaign('1');
    nw.campaign('3');
    expect(raftOf(nw, '1').state).toBe('StateLeader');
    // 3's pre-vote was rejected by 2, whose log is longer.
    expect(raftOf(nw, '3').state).toBe('StateFollower');
    nw.heal();
    nw.campaign('3');
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).state)).toEqual(['StateLeader', 'StateFollower', 'StateFollower']);
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).term)).toEqual([2, 2, 2]);
    // 3 never got the leader's empty entry (nothing was sent to it since).
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).raftLog.lastIndex())).toEqual([4, 4, 3]);
  });

  it('TestLeaderCyclePreVote: each node in turn can campaign and win', () => {
    const nw = new Network(3, { preVote: true, checkQuorum: false });
    for (const c of ['1', '2', '3']) {
      nw.campaign(c);
      for (const id of ['1', '2', '3']) expect(raftOf(nw, id).state, `${c}/${id}`).toBe(id === c ? 'StateLeader' : 'StateFollower');
    }
    expect(raftOf(nw, '3').term).toBe(4);
  });

  it('TestCommitWithoutNewTermEntry: a new leader commits the old entries with its empty entry', () => {
    const nw = new Network(5, { checkQuorum: false });
    nw.campaign('1');
    nw.partition(['1', '2'], ['3', '4', '5']);
    nw.propose('1', 'a');
    nw.propose('1', 'b');
    // Indexes 1-5 are the bootstrap entries, 6 is node 1's empty entry; a and b (7, 8) are on two nodes only.
    expect(raftOf(nw, '1').raftLog.committed).toBe(6);
    expect(raftOf(nw, '2').raftLog.lastIndex()).toBe(8);
    nw.heal();
    nw.campaign('2');
    expect(raftOf(nw, '2').state).toBe('StateLeader');
    expect(raftOf(nw, '2').raftLog.committed).toBe(9);
    expect(nw.node('5').applied.map((a) => a.data).slice(-3)).toEqual(['a', 'b', '']);
  });

  it('TestCannotCommitWithoutNewTermEntry: old-term entries on a quorum are not committed by counting', () => {
    const nw = new Network(5, { checkQuorum: false });
    nw.campaign('1');
    nw.partition(['1', '2'], ['3', '4', '5']);
    nw.propose('1', 'a');
    nw.propose('1', 'b');
    nw.heal();
    nw.dropTypes.add('MsgApp');
    nw.campaign('2');
    const n2 = raftOf(nw, '2');
    expect(n2.state).toBe('StateLeader');
    expect(n2.term).toBe(3);
    expect(n2.raftLog.committed).toBe(6);
    expect(n2.raftLog.lastIndex()).toBe(9);
    nw.dropTypes.clear();
    // The dropped appends left every follower paused in probe state; a heartbeat round resumes them.
    nw.tick('2');
    expect(n2.raftLog.committed).toBe(9);
    nw.propose('2', 'c');
    expect(n2.raftLog.committed).toBe(10);
    expect(nw.node('4').applied.map((a) => a.data).slice(-4)).toEqual(['a', 'b', '', 'c']);
  });
});

describe('pre-vote migration (mixed pre-vote settings during a rolling upgrade)', () => {
  /** n1 leads at term 2; n3 was partitioned without pre-vote and is a candidate at term 4 with a shorter log. */
  function migrationCluster(): Network {
    const nw = new Network(3, { preVote: true, checkQuorum: false });
    raftOf(nw, '3').cfg.preVote = false;
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'some data');
    nw.campaign('3');
    nw.campaign('3');
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).state)).toEqual(['StateLeader', 'StateFollower', 'StateCandidate']);
    expect([1, 2, 3].map((i) => raftOf(nw, String(i)).term)).toEqual([2, 2, 4]);
    raftOf(nw, '3').cfg.preVote = true;
    nw.heal();
    return nw;
  }

  it('TestPreVoteMigrationCanCompleteElection', () => {
    const nw = migrationCluster();
    const [n2, n3] = [raftOf(nw, '2'), raftOf(nw, '3')];
    nw.isolate('1');
    nw.campaign('3');
    nw.campaign('2');
    expect(n2.state).toBe('StateFollower');
    expect(n2.term).toBe(4);
    expect(n3.state).toBe('StatePreCandidate');
    nw.campaign('3');
    nw.campaign('2');
    expect(n2.state).toBe('StateLeader');
    expect(n2.term).toBe(5);
    expect(n3.state).toBe('StateFollower');
  });

  it('TestPreVoteMigrationWithFreeStuckPreCandidate', () => {
    const nw = migrationCluster();
    const [n1, n2, n3] = ['1', '2', '3'].map((id) => raftOf(nw, id));
    nw.campaign('3');
    expect([n1.state, n2.state, n3.state]).toEqual(['StateLeader', 'StateFollower', 'StatePreCandidate']);
    nw.campaign('3');
    expect([n1.state, n2.state, n3.state]).toEqual(['StateLeader', 'StateFollower', 'StatePreCandidate']);
    nw.send([msg({ type: 'MsgHeartbeat', from: '1', to: '3', term: n1.term })]);
    expect(n1.state).toBe('StateFollower');
    expect(n1.term).toBe(n3.term);
    expect(n1.term).toBe(4);
  });
});
