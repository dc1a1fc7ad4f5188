// The Raft paper, §5.4 (safety): the election restriction (§5.4.1) and
// committing entries from previous terms (§5.4.2, Figure 8), in the spirit
// of etcd-io/raft's raft_paper_test.go. Pre-vote and check-quorum are off.
import { describe, expect, it } from 'vitest';
import { type Entry, type Message, NONE, msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { RaftNet, ents, logOf, newStorage, newTestRaft, prop, readMessages, rngFor } from './paper-helpers.ts';

const peers5 = ['1', '2', '3', '4', '5'];

describe('§5.4.1 election restriction', () => {
  it.each([
    ['1@1', ents(1, 1), 2],
    ['1@1 2@2', ents(1, 1, 2), 3],
  ])('a vote request carries the term and index of the candidate\'s last entry (log %s)', (_n, es: Entry[], wterm: number) => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2', '3']));
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: wterm - 1, logTerm: 0, index: 0, entries: es }));
    readMessages(r);

    for (let i = 1; i < r.electionTimeout * 2; i++) r.tick();

    const last = es[es.length - 1]!;
    expect(readMessages(r).map((m) => [m.type, m.to, m.term, m.index, m.logTerm])).toEqual([
      ['MsgVote', '2', wterm, last.index, last.term],
      ['MsgVote', '3', wterm, last.index, last.term],
    ]);
  });

  it.each([
    // same last term: the longer log wins
    ['same term, same length', ents(1, 1), 1, 1, false],
    ['same term, candidate longer', ents(1, 1), 1, 2, false],
    ['same term, voter longer', ents(1, 1, 1), 1, 1, true],
    // the later last term wins, whatever the lengths
    ['candidate later term', ents(1, 1), 2, 1, false],
    ['candidate later term, longer', ents(1, 1), 2, 2, false],
    ['candidate later term, shorter', ents(1, 1, 1), 2, 1, false],
    ['voter later term', ents(1, 2), 1, 1, true],
    ['voter later term, candidate longer', ents(1, 2), 1, 2, true],
    ['voter later term and longer', ents(1, 2, 2), 1, 1, true],
    ['voter longer, same term', ents(1, 1, 1), 1, 1, true],
  ])('a voter refuses a candidate whose log is less up to date (%s)', (_n, es, logTerm, index, wreject) => {
    const s = newStorage(['1', '2']);
    s.append(es);
    const r = newTestRaft('1', 10, 1, s);

    r.step(msg({ type: 'MsgVote', from: '2', to: '1', term: 3, logTerm, index }));

    expect(readMessages(r)).toEqual([msg({ type: 'MsgVoteResp', from: '1', to: '2', term: 3, reject: wreject })]);
    expect(r.vote).toBe(wreject ? NONE : '2');
    expect(r.term).toBe(3);
  });

  it('a node that missed committed entries cannot become leader; one that has them all can', () => {
    const nt = new RaftNet(['1', '2', '3'].map((id) => newTestRaft(id, 10, 1, newStorage(['1', '2', '3']))));
    nt.campaign('1');
    nt.isolate('3');
    nt.propose('1', 'committed without 3');
    expect(nt.get('1').raftLog.committed).toBe(2);
    nt.heal();
    nt.isolate('1'); // the leader crashes

    nt.campaign('3');
    expect(nt.get('3').state).toBe('StateCandidate'); // refused by 2, and 1 is down
    expect(nt.get('3').term).toBe(2);
    expect(nt.get('2').term).toBe(2); // 2 adopted the newer term but refused the vote
    expect(nt.get('2').vote).toBe(NONE);

    nt.campaign('2');
    expect(nt.get('2').state).toBe('StateLeader');
    expect(nt.get('2').term).toBe(3);
    // The new leader's log holds the committed entry and 3 is brought up to date.
    expect(logOf(nt.get('3'))).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
    ]);
  });
});

describe('§5.4.2 committing entries from previous terms', () => {
  it.each([
    [1, 0],
    [2, 0],
    [3, 3],
  ])('a leader only commits by counting replicas for entries of its own term (ack up to %i -> commit %i)', (index, wcommit) => {
    const s = newStorage(['1', '2']);
    s.append(ents(1, 1, 2));
    s.setHardState({ term: 2, vote: NONE, commit: 0 });
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate(); // term 3
    r.becomeLeader(); // empty entry 3 at term 3
    readMessages(r);
    r.step(prop('')); // entry 4

    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index }));

    expect(r.raftLog.committed).toBe(wcommit);
  });

  /**
   * Figure 8, with terms shifted to start at 1. Each MsgApp carries one entry
   * (maxSizePerMsg: 1) so that a message filter can hold back single entries.
   */
  function figure8(): RaftNet {
    const nt = new RaftNet(peers5.map((id) => newTestRaft(id, 10, 1, newStorage(peers5), { maxSizePerMsg: 1 })));
    // (a) S1 leads term 1 and replicates entry 2 to S2 only.
    nt.campaign('1');
    expect(nt.get('1').raftLog.committed).toBe(1);
    for (const id of ['3', '4', '5']) nt.isolate(id);
    nt.propose('1', 'term 1 entry');
    // (b) S1 crashes. S5 is elected for term 2 by S3, S4 and itself, and
    //     accepts an entry at index 2 (its empty entry) that reaches nobody.
    nt.heal();
    nt.isolate('1');
    nt.filter = (m) => (m.from === '5' && m.type === 'MsgApp' ? undefined : m);
    nt.campaign('5');
    expect(nt.get('5').state).toBe('StateLeader');
    expect(nt.get('5').term).toBe(2);
    // (c) S5 crashes, S1 restarts and is elected for term 3 (after a failed try at term 2).
    nt.heal();
    nt.isolate('5');
    nt.filter = undefined;
    nt.get('5').becomeFollower(2, NONE);
    nt.get('1').becomeFollower(1, NONE);
    return nt;
  }

  const dropTerm3 = (m: Message): Message | undefined =>
    m.type === 'MsgApp' ? { ...m, entries: m.entries.filter((e) => e.term !== 3) } : m;

  it('Figure 8 (c)-(d): an old-term entry on a majority is not committed, and a later leader may overwrite it', () => {
    const nt = figure8();
    // S1 replicates its term-1 entry 2 to S3 and S4, but nothing of term 3 gets out.
    nt.filter = dropTerm3;
    nt.campaign('1');
    nt.campaign('1');
    const s1 = nt.get('1');
    expect(s1.state).toBe('StateLeader');
    expect(s1.term).toBe(3);
    for (const id of ['1', '2', '3', '4']) expect(logOf(nt.get(id)).slice(0, 2)).toEqual([[1, 1], [2, 1]]);
    expect(s1.prs.progress.get('3')!.match).toBe(2);
    // Entry 2 is stored on 4 of 5 servers, yet it is from term 1: not committed.
    expect(s1.raftLog.committed).toBe(1);
    for (const id of ['2', '3', '4']) expect(nt.get(id).raftLog.committed).toBe(1);

    // (d) S1 crashes; S5 (last entry from term 2) wins term 4 and overwrites entry 2 everywhere.
    nt.filter = undefined;
    nt.heal();
    nt.isolate('1');
    nt.campaign('5'); // term 3: everybody already voted for S1
    nt.campaign('5'); // term 4
    const s5 = nt.get('5');
    expect(s5.state).toBe('StateLeader');
    expect(s5.term).toBe(4);
    for (const id of ['2', '3', '4', '5']) {
      expect(logOf(nt.get(id))).toEqual([
        [1, 1],
        [2, 2],
        [3, 4],
      ]);
      expect(nt.get(id).raftLog.committed).toBe(3);
    }
  });

  it('Figure 8 (e): once an entry of the leader\'s own term is on a majority, it and all before it are committed for good', () => {
    const nt = figure8();
    const s1 = nt.get('1');
    nt.campaign('1'); // term 2: S3 and S4 already voted for S5 in term 2
    expect(s1.state).toBe('StateCandidate');
    nt.campaign('1'); // term 3
    expect(s1.state).toBe('StateLeader');
    expect(s1.term).toBe(3);
    for (const id of ['1', '2', '3', '4']) {
      expect(logOf(nt.get(id))).toEqual([
        [1, 1],
        [2, 1],
        [3, 3],
      ]);
    }
    expect(s1.raftLog.committed).toBe(3);

    // S5 can no longer win: a majority (S1, S2, S3) has a later last entry than S5's.
    nt.heal();
    nt.isolate('1');
    nt.campaign('5');
    nt.campaign('5');
    expect(nt.get('5').state).toBe('StateFollower');
    expect(nt.get('5').term).toBe(4); // two failed elections, terms 3 and 4
    expect(nt.get('2').raftLog.committed).toBe(3);
    expect(logOf(nt.get('2')).slice(0, 3)).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
    ]);
  });
});

describe('§5.4.3 safety under random partitions and leader changes', () => {
  it('no two nodes ever apply different entries at the same index, and all converge', () => {
    const nw = new Network(5, { preVote: false, checkQuorum: false });
    const rand = rngFor('safety', 20240611);
    const all = [...nw.nodes.keys()];
    const seen = new Map<number, string>(); // index -> term:data of the first node to apply it
    let proposals = 0;
    for (let step = 0; step < 600; step++) {
      const r = rand(100);
      if (r < 5) {
        nw.heal();
        const a = all[rand(5)]!;
        nw.isolate(a);
        if (rand(2) === 0) nw.isolate(all[rand(5)]!);
      } else if (r < 8) {
        nw.heal();
      } else if (r < 12) {
        nw.campaign(all[rand(5)]!);
      } else if (r < 40) {
        const l = nw.leader();
        if (l) {
          try {
            nw.propose(l.id, `p${proposals++}`);
          } catch {
            /* dropped */
          }
        }
      } else {
        nw.tick(all[rand(5)]!);
      }
    }
    nw.heal();
    nw.tickAll(40);
    const l = nw.leader()!;
    expect(l).toBeDefined();
    nw.propose(l.id, 'final');
    nw.tickAll(2);

    for (const n of nw.nodes.values()) {
      for (const e of n.applied) {
        const k = `${e.term}:${e.data}`;
        if (!seen.has(e.index)) seen.set(e.index, k);
        expect(k, `node ${n.id} index ${e.index}`).toBe(seen.get(e.index));
      }
    }
    const final = l.applied.at(-1)!;
    expect(final.data).toBe('final');
    for (const n of nw.nodes.values()) {
      expect(n.applied.map((e) => e.index)).toEqual(Array.from({ length: final.index }, (_, i) => i + 1));
    }
    expect(proposals).toBeGreaterThan(50);
    expect(l.rn.raft.term).toBeGreaterThan(3);
  });
});
