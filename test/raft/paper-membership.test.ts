// The Raft paper, §6 (cluster membership changes), as etcd-io/raft does it
// without joint consensus: one single-node change at a time, each taking
// effect when the host applies it. After etcd's raft_test.go conf tests.
import { describe, expect, it } from 'vitest';
import { encodeConfChange } from '../../src/engine/raft/confchange.ts';
import { type ConfChange, type ConfChangeType, type Entry, ErrProposalDropped, NONE, msg } from '../../src/engine/raft/types.ts';
import { Network, drain, newNode } from './harness.ts';
import { acceptAndReply, commitNoopEntry, entry, newStorage, newTestRaft, nextEnts, prop, readMessages, text } from './paper-helpers.ts';

const cc = (type: ConfChangeType, nodeId: string): ConfChange => ({ type, nodeId, context: new Uint8Array(0) });
const ccEntry = (c: ConfChange): Entry => ({ index: 0, term: 0, type: 'EntryConfChange', data: encodeConfChange(c) });
const propCC = (...cs: ConfChange[]) => msg({ type: 'MsgProp', from: '1', to: '1', entries: cs.map(ccEntry) });

function leaderOf(peers: string[]) {
  const s = newStorage(peers);
  const r = newTestRaft('1', 10, 1, s);
  r.becomeCandidate();
  r.becomeLeader();
  commitNoopEntry(r, s);
  return { r, s };
}

describe('§6 applying membership changes', () => {
  it('adding and removing nodes changes the voters, and the quorum with them', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1']));
    expect(r.prs.quorum()).toBe(1);
    r.applyConfChange(cc('ConfChangeAddNode', '2'));
    r.applyConfChange(cc('ConfChangeAddNode', '3'));
    expect(r.prs.confState()).toEqual({ voters: ['1', '2', '3'], learners: [] });
    expect(r.prs.quorum()).toBe(2);
    r.applyConfChange(cc('ConfChangeAddNode', '3')); // adding a member twice changes nothing
    expect(r.prs.ids).toEqual(['1', '2', '3']);
    r.applyConfChange(cc('ConfChangeRemoveNode', '2'));
    expect(r.prs.confState()).toEqual({ voters: ['1', '3'], learners: [] });
    expect(r.prs.quorum()).toBe(2);
    r.applyConfChange(cc('ConfChangeRemoveNode', '3'));
    expect(r.prs.ids).toEqual(['1']);
    expect(r.prs.quorum()).toBe(1);
  });

  it('an added member counts toward the quorum only once the change is applied, not when it is committed', () => {
    const { r, s } = leaderOf(['1', '2', '3']);
    r.step(propCC(cc('ConfChangeAddNode', '4')));
    for (const m of readMessages(r)) if (m.to === '2') r.step(acceptAndReply(m));
    expect(r.raftLog.committed).toBe(2);
    expect(r.prs.confState().voters).toEqual(['1', '2', '3']); // committed, not yet applied

    const applied = nextEnts(r, s);
    expect(applied.map((e) => [e.index, e.type])).toEqual([[2, 'EntryConfChange']]);
    r.applyConfChange(cc('ConfChangeAddNode', '4'));
    expect(r.prs.confState().voters).toEqual(['1', '2', '3', '4']);
    expect(r.prs.progress.get('4')!.next).toBe(3);
    readMessages(r);

    // 2 of 4 is no longer a majority.
    r.step(prop('x'));
    const msgs = readMessages(r);
    expect(msgs.map((m) => m.to)).toEqual(['2', '3', '4']);
    r.step(acceptAndReply(msgs[0]!));
    expect(r.raftLog.committed).toBe(2);
    r.step(acceptAndReply(msgs[1]!));
    expect(r.raftLog.committed).toBe(3);
  });

  it('a removal commits pending entries that now have a majority of the smaller cluster (TestCommitAfterRemoveNode)', () => {
    const s = newStorage(['1', '2']);
    const r = newTestRaft('1', 5, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    r.step(propCC(cc('ConfChangeRemoveNode', '2')));
    expect(nextEnts(r, s)).toEqual([]);
    const ccIndex = r.raftLog.lastIndex();
    expect(ccIndex).toBe(2);

    // While the change is pending, another proposal.
    r.step(prop('hello'));
    // 2 acknowledges the conf change (not 'hello'), committing it.
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: 1, index: ccIndex }));
    const ents = nextEnts(r, s);
    expect(ents.map((e) => [e.index, e.type, text(e)])).toEqual([
      [1, 'EntryNormal', ''],
      [2, 'EntryConfChange', text(ccEntry(cc('ConfChangeRemoveNode', '2')))],
    ]);

    // Applying it lowers the quorum to 1: 'hello' commits at once.
    r.applyConfChange(cc('ConfChangeRemoveNode', '2'));
    expect(nextEnts(r, s).map((e) => [e.index, e.type, text(e)])).toEqual([[3, 'EntryNormal', 'hello']]);
  });

  it('a leader that applied its own removal no longer counts itself toward commits, and drops proposals', () => {
    const { r, s } = leaderOf(['1', '2', '3']);
    r.step(prop('x')); // index 2
    const msgs = readMessages(r);
    nextEnts(r, s);
    r.applyConfChange(cc('ConfChangeRemoveNode', '1'));
    expect(r.prs.confState().voters).toEqual(['2', '3']);

    // With itself counted, 1 + 2 would be a majority; now both 2 and 3 are needed.
    r.step(acceptAndReply(msgs.find((m) => m.to === '2')!));
    expect(r.raftLog.committed).toBe(1);
    r.step(acceptAndReply(msgs.find((m) => m.to === '3')!));
    expect(r.raftLog.committed).toBe(2);

    expect(r.step(prop('y'))).toBe(ErrProposalDropped);
    expect(r.raftLog.lastIndex()).toBe(2);
  });
});

describe('§6 one change at a time', () => {
  it('proposing a conf change records it as the pending one', () => {
    const { r } = leaderOf(['1', '2']);
    const index = r.raftLog.lastIndex();
    r.step(propCC(cc('ConfChangeAddNode', '3')));
    expect(r.raftLog.lastIndex()).toBe(index + 1);
    expect(r.pendingConfIndex).toBe(index + 1);
  });

  it('a second conf change proposed before the first is applied becomes an empty normal entry', () => {
    const { r, s } = leaderOf(['1', '2', '3']);
    r.step(propCC(cc('ConfChangeAddNode', '4'))); // index 2
    r.step(propCC(cc('ConfChangeAddNode', '5'))); // index 3: ignored
    expect(r.raftLog.slice(2, 4, Infinity)).toEqual([
      { index: 2, term: 1, type: 'EntryConfChange', data: encodeConfChange(cc('ConfChangeAddNode', '4')) },
      entry(3, 1),
    ]);
    expect(r.pendingConfIndex).toBe(2);

    // Even once committed: it is the apply that frees the slot.
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    expect(r.raftLog.committed).toBe(3);
    r.step(propCC(cc('ConfChangeAddNode', '6'))); // index 4: ignored, 2 is not applied yet
    expect(r.raftLog.slice(4, 5, Infinity)).toEqual([entry(4, 1)]);

    nextEnts(r, s); // applies up to 3
    r.step(propCC(cc('ConfChangeAddNode', '7')));
    expect(r.raftLog.slice(5, 6, Infinity)[0]!.type).toBe('EntryConfChange');
    expect(r.pendingConfIndex).toBe(5);
  });

  it('of two conf changes in one proposal only the first is kept', () => {
    const { r } = leaderOf(['1', '2', '3']);
    r.step(propCC(cc('ConfChangeAddNode', '4'), cc('ConfChangeRemoveNode', '3')));
    expect(r.raftLog.slice(2, 4, Infinity).map((e) => e.type)).toEqual(['EntryConfChange', 'EntryNormal']);
    expect(r.raftLog.term(3)).toBe(1);
    expect(r.pendingConfIndex).toBe(2);
  });

  it.each([
    [false, 0],
    [true, 1],
  ])('a new leader treats everything already in its log as possibly unapplied conf changes (entry in log: %s)', (add, want) => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2']));
    if (add) r.appendEntry([entry(0, 0)]);
    r.becomeCandidate();
    r.becomeLeader();
    expect(r.pendingConfIndex).toBe(want);
    r.step(propCC(cc('ConfChangeAddNode', '3')));
    const last = r.raftLog.slice(r.raftLog.lastIndex(), r.raftLog.lastIndex() + 1, Infinity)[0]!;
    expect(last.type).toBe(add ? 'EntryNormal' : 'EntryConfChange');
  });

  it('a node does not campaign while a committed conf change is not yet applied', () => {
    const s = newStorage(['1', '2', '3']);
    s.append([{ ...ccEntry(cc('ConfChangeAddNode', '4')), index: 1, term: 1 }]);
    s.setHardState({ term: 1, vote: NONE, commit: 1 });
    const r = newTestRaft('1', 10, 1, s);
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(1);
    expect(r.msgs).toEqual([]);

    r.raftLog.appliedTo(1);
    r.step(msg({ type: 'MsgHup', from: '1', to: '1' }));
    expect(r.state).toBe('StateCandidate');
    expect(r.term).toBe(2);
  });
});

describe('§6 membership across a cluster', () => {
  it('a new node added to a running cluster receives the whole log, and the cluster then needs 3 of 4', () => {
    const nw = new Network(3, { preVote: false, checkQuorum: false });
    nw.campaign('1');
    nw.propose('1', 'before');
    const n4 = newNode('4', [], { preVote: false, checkQuorum: false });
    nw.nodes.set('4', n4);
    const l = nw.node('1');
    l.rn.proposeConfChange(cc('ConfChangeAddNode', '4'));
    nw.send(drain(l));
    expect(l.rn.raft.prs.confState().voters).toEqual(['1', '2', '3', '4']);
    nw.tick('1'); // a heartbeat makes the leader notice that 4 is empty and send it the log

    expect(n4.rn.raft.lead).toBe('1');
    expect(n4.rn.raft.raftLog.lastIndex()).toBe(l.rn.raft.raftLog.lastIndex());
    expect(n4.applied.map((e) => e.data).slice(4, 5)).toEqual(['before']);
    expect(n4.rn.raft.prs.confState().voters).toEqual(['1', '2', '3', '4']);

    nw.isolate('3');
    nw.isolate('4');
    nw.propose('1', 'needs three');
    const idx = l.rn.raft.raftLog.lastIndex();
    expect(l.rn.raft.raftLog.committed).toBe(idx - 1);
    nw.heal();
    nw.tick('1');
    expect(l.rn.raft.raftLog.committed).toBe(idx);
    expect(n4.applied.at(-1)!.data).toBe('needs three');
  });
});
