// The Raft paper, §5.3 (log replication), rule by rule, in the spirit of
// etcd-io/raft's raft_paper_test.go. Pre-vote and check-quorum are off.
import { describe, expect, it } from 'vitest';
import { type Entry, NONE, msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import {
  RaftNet,
  acceptAndReply,
  commitNoopEntry,
  entry,
  ents,
  logOf,
  newStorage,
  newTestRaft,
  prop,
  readMessages,
  sortMsgs,
  text,
} from './paper-helpers.ts';

const peers3 = ['1', '2', '3'];

describe('§5.3 the leader', () => {
  it('appends a proposal to its log, then sends AppendEntries carrying the preceding index/term to every follower', () => {
    const s = newStorage(peers3);
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    const li = r.raftLog.lastIndex();
    expect(li).toBe(1);

    r.step(prop('some data'));

    expect(r.raftLog.lastIndex()).toBe(li + 1);
    expect(r.raftLog.committed).toBe(li);
    const want = [entry(li + 1, 1, 'some data')];
    expect(sortMsgs(readMessages(r))).toEqual([
      msg({ type: 'MsgApp', from: '1', to: '2', term: 1, index: li, logTerm: 1, entries: want, commit: li }),
      msg({ type: 'MsgApp', from: '1', to: '3', term: 1, index: li, logTerm: 1, entries: want, commit: li }),
    ]);
    // Written to (unstable, to be persisted) storage too.
    expect(r.raftLog.unstableEntries()).toEqual(want);
  });

  it('commits an entry once it is replicated, hands it out to apply, and tells followers the new commit index', () => {
    const s = newStorage(peers3);
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    const li = r.raftLog.lastIndex();
    r.step(prop('some data'));

    for (const m of readMessages(r)) r.step(acceptAndReply(m));

    expect(r.raftLog.committed).toBe(li + 1);
    expect(r.raftLog.nextEnts()).toEqual([entry(li + 1, 1, 'some data')]);
    const msgs = sortMsgs(readMessages(r));
    expect(msgs.map((m) => [m.to, m.type, m.commit])).toEqual([
      ['2', 'MsgApp', li + 1],
      ['3', 'MsgApp', li + 1],
    ]);
  });

  it.each([
    [1, [], true],
    [3, [], false],
    [3, ['2'], true],
    [3, ['2', '3'], true],
    [5, [], false],
    [5, ['2'], false],
    [5, ['2', '3'], true],
    [5, ['2', '3', '4'], true],
    [5, ['2', '3', '4', '5'], true],
  ])('with %i voters and acks from %j, the entry is committed: %s (replicated on a majority)', (size, acceptors, wack) => {
    const peers = Array.from({ length: size }, (_, i) => String(i + 1));
    const s = newStorage(peers);
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    const li = r.raftLog.lastIndex();
    r.step(prop('some data'));
    for (const m of readMessages(r)) if ((acceptors as string[]).includes(m.to)) r.step(acceptAndReply(m));
    expect(r.raftLog.committed).toBe(wack ? li + 1 : li);
  });

  it.each([
    ['empty', []],
    ['1@2', ents(1, 2)],
    ['1@1 2@2', ents(1, 1, 2)],
    ['1@1', ents(1, 1)],
  ])(
    'committing its own entry also commits every preceding entry, from earlier leaders too (prior log %s)',
    (_n, prior: Entry[]) => {
      const s = newStorage(peers3);
      s.append(prior);
      s.setHardState({ term: 2, vote: NONE, commit: 0 });
      const r = newTestRaft('1', 10, 1, s);
      r.becomeCandidate(); // term 3
      r.becomeLeader();
      r.step(prop('some data'));

      for (const m of readMessages(r)) r.step(acceptAndReply(m));

      const li = prior.length;
      expect(r.raftLog.committed).toBe(li + 2);
      // Applied in log order: the old entries, the leader's empty entry, the proposal.
      expect(r.raftLog.nextEnts()).toEqual([...prior, entry(li + 1, 3), entry(li + 2, 3, 'some data')]);
    },
  );

  it('after a rejection it retries with an earlier entry, skipping to the follower\'s hint', () => {
    const s = newStorage(peers3);
    s.append(ents(1, 1, 1, 1, 2, 2));
    s.setHardState({ term: 2, vote: NONE, commit: 0 });
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader(); // empty entry 6 at term 3
    readMessages(r);
    r.step(prop('x')); // entry 7; a new leader first probes right after its last old entry
    const first = readMessages(r).find((m) => m.to === '2')!;
    expect([first.index, first.logTerm, first.entries.map((e) => e.index)]).toEqual([5, 2, [6, 7]]);

    // 2 has only entries 1..2 (both of term 1) and says so.
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: 3, index: 5, reject: true, rejectHint: 2, logTerm: 1 }));

    const retry = readMessages(r);
    expect(retry.map((m) => [m.to, m.type, m.index, m.logTerm, m.entries.map((e) => e.index)])).toEqual([
      ['2', 'MsgApp', 2, 1, [3, 4, 5, 6, 7]],
    ]);
    expect(r.prs.progress.get('2')!.next).toBe(3);
  });

  it('ignores a rejection of an append older than what the follower has since acknowledged', () => {
    const s = newStorage(peers3);
    const r = newTestRaft('1', 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    r.step(prop('a'));
    r.step(prop('b'));
    for (const m of readMessages(r)) if (m.to === '2') r.step(acceptAndReply(m));
    const pr = r.prs.progress.get('2')!;
    expect([pr.state, pr.match, pr.next]).toEqual(['StateReplicate', 3, 4]);
    readMessages(r);

    // A delayed rejection of the probe at index 1.
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: 1, index: 1, reject: true, rejectHint: 0 }));

    expect([pr.state, pr.match, pr.next]).toEqual(['StateReplicate', 3, 4]);
    expect(readMessages(r)).toEqual([]);
  });

  // Figure 7: whatever a follower's log looks like, the leader makes it identical to its own.
  const leaderLog = ents(1, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
  it.each([
    ['a: missing one entry', ents(1, 1, 1, 1, 4, 4, 5, 5, 6, 6)],
    ['b: missing many entries', ents(1, 1, 1, 1, 4, 4)],
    ['c: one extra uncommitted entry', ents(1, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6)],
    ['d: extra entries of a later term', ents(1, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7)],
    ['e: missing entries and extra ones of term 4', ents(1, 1, 1, 1, 4, 4, 4, 4)],
    ['f: a divergent tail of terms 2 and 3', ents(1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3)],
  ])('Figure 7 (%s): the leader brings the follower log into line with its own', (_name, followerLog) => {
    const term = 8;
    const ls = newStorage(peers3);
    ls.append(leaderLog);
    ls.setHardState({ term, vote: NONE, commit: leaderLog.length });
    const lead = newTestRaft('1', 10, 1, ls);
    const fs = newStorage(peers3);
    fs.append(followerLog);
    fs.setHardState({ term: term - 1, vote: NONE, commit: 0 });
    const follower = newTestRaft('2', 10, 1, fs);
    // Node 3 exists only as a vote: the follower's log may be more up to date than the leader's.
    const nt = new RaftNet([lead, follower]);
    nt.campaign('1');
    nt.send(msg({ type: 'MsgVoteResp', from: '3', to: '1', term: term + 1 }));
    expect(lead.state).toBe('StateLeader');
    nt.propose('1', '');

    expect(logOf(follower)).toEqual(logOf(lead));
    expect(logOf(lead)).toEqual([...leaderLog.map((e) => [e.index, e.term]), [11, 9], [12, 9]]);
    expect(follower.raftLog.committed).toBe(lead.raftLog.committed);
    expect(lead.raftLog.committed).toBe(12);
  });
});

describe('§5.3 the follower', () => {
  it.each([
    ['one entry', [entry(1, 1, 'some data')], 1],
    ['two entries', [entry(1, 1, 'some data'), entry(2, 1, 'some data2')], 2],
    ['two entries, other order', [entry(1, 1, 'some data2'), entry(2, 1, 'some data')], 2],
    ['two entries, one committed', [entry(1, 1, 'some data'), entry(2, 1, 'some data2')], 1],
  ])('applies entries once it learns they are committed, in log order (%s, commit %i)', (_n, es, commit) => {
    const r = newTestRaft('1', 10, 1, newStorage(peers3));
    r.becomeFollower(1, '2');

    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, entries: es, commit }));

    expect(r.raftLog.committed).toBe(commit);
    expect(r.raftLog.nextEnts()).toEqual(es.slice(0, commit));
  });

  it('never commits past the last entry the leader has shown it matches', () => {
    const r = newTestRaft('1', 10, 1, newStorage(peers3));
    r.becomeFollower(1, '2');
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, entries: ents(1, 1, 1), commit: 5 }));
    expect(r.raftLog.committed).toBe(2);
    expect(readMessages(r)).toEqual([msg({ type: 'MsgAppResp', from: '1', to: '2', term: 1, index: 2 })]);
  });

  it('commits min(leaderCommit, index of last new entry): its unverified entries beyond the append stay uncommitted', () => {
    const s = newStorage(peers3);
    s.append(ents(1, 1, 1, 1)); // entry 3 may be a leftover of an old leader
    const r = newTestRaft('1', 10, 1, s);
    r.becomeFollower(2, '2');
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 2, index: 1, logTerm: 1, commit: 3 }));
    expect(r.raftLog.committed).toBe(1);
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 2, index: 2, logTerm: 1, commit: 3 }));
    expect(r.raftLog.committed).toBe(2);
  });

  it('never moves its commit index backwards', () => {
    const r = newTestRaft('1', 10, 1, newStorage(peers3));
    r.becomeFollower(1, '2');
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, entries: ents(1, 1, 1, 1), commit: 3 }));
    expect(r.raftLog.committed).toBe(3);
    r.step(msg({ type: 'MsgHeartbeat', from: '2', to: '1', term: 1, commit: 1 }));
    expect(r.raftLog.committed).toBe(3);
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, index: 3, logTerm: 1, commit: 2 }));
    expect(r.raftLog.committed).toBe(3);
    // An append below the commit index is answered with the commit index, never truncates.
    readMessages(r);
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, index: 1, logTerm: 1, entries: ents(2, 1), commit: 1 }));
    expect(readMessages(r)).toEqual([msg({ type: 'MsgAppResp', from: '1', to: '2', term: 1, index: 3 })]);
    expect(logOf(r)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
  });

  // Log [1@1, 2@2], committed 1.
  it.each([
    ['matching the committed prefix (0/0)', 0, 0, 1, false, 0, 0],
    ['matching committed entry 1', 1, 1, 1, false, 0, 0],
    ['matching uncommitted entry 2', 2, 2, 2, false, 0, 0],
    ['entry 2 has another term', 1, 2, 2, true, 1, 1],
    ['entry 3 does not exist', 3, 3, 3, true, 2, 2],
  ])('checks the entry preceding new ones: %s', (_n, logTerm, index, windex, wreject, wrejectHint, wlogterm) => {
    const s = newStorage(peers3);
    s.append(ents(1, 1, 2));
    s.setHardState({ term: 0, vote: NONE, commit: 1 });
    const r = newTestRaft('1', 10, 1, s);
    r.becomeFollower(2, '2');

    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 2, logTerm, index }));

    const want = wreject
      ? msg({ type: 'MsgAppResp', from: '1', to: '2', term: 2, index: windex, reject: true, rejectHint: wrejectHint, logTerm: wlogterm })
      : msg({ type: 'MsgAppResp', from: '1', to: '2', term: 2, index: windex });
    expect(readMessages(r)).toEqual([want]);
    expect(logOf(r)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  // Log [1@1, 2@2].
  it.each([
    ['appends after a match', 2, 2, ents(3, 3), [[1, 1], [2, 2], [3, 3]], ents(3, 3)],
    ['deletes a conflicting entry and all that follow', 1, 1, ents(2, 3, 4), [[1, 1], [2, 3], [3, 4]], ents(2, 3, 4)],
    ['keeps entries that already match', 0, 0, ents(1, 1), [[1, 1], [2, 2]], []],
    ['keeps the matching prefix and replaces from the first conflict', 0, 0, ents(1, 1, 3), [[1, 1], [2, 3]], ents(2, 3)],
    ['replaces the whole log on a conflict at 1', 0, 0, ents(1, 3), [[1, 3]], ents(1, 3)],
  ])('on a valid AppendEntries %s, and persists what is new', (_n, index, logTerm, es, wlog, wunstable) => {
    const s = newStorage(peers3);
    s.append(ents(1, 1, 2));
    const r = newTestRaft('1', 10, 1, s);
    r.becomeFollower(2, '2');

    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 2, logTerm, index, entries: es }));

    expect(logOf(r)).toEqual(wlog);
    expect(r.raftLog.unstableEntries()).toEqual(wunstable);
  });

  it('a repeated AppendEntries changes nothing and gets the same answer', () => {
    const r = newTestRaft('1', 10, 1, newStorage(peers3));
    r.becomeFollower(1, '2');
    r.step(msg({ type: 'MsgApp', from: '2', to: '1', term: 1, entries: ents(1, 1), commit: 1 }));
    readMessages(r);
    const m = () => msg({ type: 'MsgApp', from: '2', to: '1', term: 1, index: 1, logTerm: 1, entries: ents(2, 1, 1), commit: 1 });
    r.step(m());
    const first = readMessages(r);
    r.step(m());
    expect(readMessages(r)).toEqual(first);
    expect(first).toEqual([msg({ type: 'MsgAppResp', from: '1', to: '2', term: 1, index: 3 })]);
    expect(logOf(r)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(r.raftLog.unstableEntries().map((e) => e.index)).toEqual([1, 2, 3]);
    expect(r.raftLog.committed).toBe(1);
  });
});

describe('§5.3 replication across a cluster', () => {
  it('entries commit with a majority up, are applied in the same order everywhere, and a returning follower catches up', () => {
    const nw = new Network(5, { preVote: false, checkQuorum: false });
    nw.isolate('4');
    nw.isolate('5');
    nw.campaign('1');
    for (const d of ['a', 'b', 'c']) nw.propose('1', d);
    const l = nw.node('1');
    expect(l.rn.raft.raftLog.committed).toBe(9); // 5 bootstrap conf entries, the empty entry, a, b, c
    const applied = (id: string) => nw.node(id).applied.filter((e) => e.index > 5).map((e) => `${e.index}@${e.term}:${e.data}`);
    for (const id of ['1', '2', '3']) expect(applied(id)).toEqual(['6@2:', '7@2:a', '8@2:b', '9@2:c']);
    expect(applied('4')).toEqual([]);

    nw.heal();
    nw.tick('1'); // a heartbeat round reveals the laggards, which are then brought up to date
    for (const id of ['4', '5']) {
      expect(applied(id)).toEqual(['6@2:', '7@2:a', '8@2:b', '9@2:c']);
      expect(nw.node(id).rn.raft.lead).toBe('1');
    }
  });

  it('a client proposal made at a follower is forwarded to the leader, which replicates and commits it', () => {
    const nt = new RaftNet(peers3.map((id) => newTestRaft(id, 10, 1, newStorage(peers3))));
    nt.campaign('1');
    nt.delivered = [];
    nt.propose('2', 'via follower');
    const props = nt.delivered.filter((m) => m.type === 'MsgProp');
    expect(props.length).toBe(2); // the client's, to 2, then 2's forward
    expect(props[1]).toMatchObject({ from: '2', to: '1' });
    for (const id of peers3) {
      const last = nt.get(id).raftLog.allEntries().at(-1)!;
      expect([last.index, last.term, text(last)]).toEqual([2, 1, 'via follower']);
      expect(nt.get(id).raftLog.committed).toBe(2);
    }
  });
});
