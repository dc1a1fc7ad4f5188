// Membership at the raft level (etcd-io/raft: TestAddNode, TestRemoveNode, TestStepConfig,
// TestStepIgnoreConfig, TestNewLeaderPendingConfig, TestAddNodeCheckQuorum,
// TestCommitAfterRemoveNode, TestConfChangeCheckBeforeCampaign, confchange_v1_remove_leader).
import { describe, expect, it } from 'vitest';
import { encodeConfChange } from '../../src/engine/raft/confchange.ts';
import { type ConfChange, type Entry, ErrProposalDropped, RaftError, msg } from '../../src/engine/raft/types.ts';
import { Network, drain, newNode } from './harness.ts';
import { newLeader, newRaft, newStorage, readMsgs, text } from './etcd-features-helpers.ts';

const noCtx = new Uint8Array(0);
const cc = (type: ConfChange['type'], nodeId: string): ConfChange => ({ type, nodeId, context: noCtx });
const ccProp = (c: ConfChange) =>
  msg({ type: 'MsgProp', from: '1', to: '1', entries: [{ index: 0, term: 0, type: 'EntryConfChange', data: encodeConfChange(c) }] });
const lastEntry = (es: Entry[]) => es[es.length - 1]!;

describe('membership changes', () => {
  it('TestAddNode: a new voter gets a fresh progress, counted as recently active', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1'] }));
    r.applyConfChange(cc('ConfChangeAddNode', '2'));
    expect(r.prs.confState()).toEqual({ voters: ['1', '2'], learners: [] });
    const pr = r.prs.progress.get('2')!;
    expect([pr.match, pr.next, pr.recentActive, pr.isLearner]).toEqual([0, 1, true, false]);
    // Adding it again changes nothing.
    pr.match = 7;
    r.applyConfChange(cc('ConfChangeAddNode', '2'));
    expect(r.prs.progress.get('2')!.match).toBe(7);
  });

  it('TestRemoveNode: removing voters and learners', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2'], learners: ['3'] }));
    r.applyConfChange(cc('ConfChangeRemoveNode', '2'));
    expect(r.prs.confState()).toEqual({ voters: ['1'], learners: ['3'] });
    r.applyConfChange(cc('ConfChangeRemoveNode', '3'));
    expect(r.prs.confState()).toEqual({ voters: ['1'], learners: [] });
    expect([...r.prs.progress.keys()]).toEqual(['1']);
  });

  it('ConfChangeUpdateNode changes nothing in raft', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    const cs = r.applyConfChange(cc('ConfChangeUpdateNode', '2'));
    expect(cs).toEqual({ voters: ['1', '2'], learners: [] });
  });

  it('TestStepConfig / TestStepIgnoreConfig: one pending conf change at a time; extras become empty entries', () => {
    const { r, logs } = newLeader({ voters: ['1', '2'] });
    const index = r.raftLog.lastIndex();
    r.step(ccProp(cc('ConfChangeAddNode', '3')));
    expect(r.raftLog.lastIndex()).toBe(index + 1);
    expect(r.pendingConfIndex).toBe(index + 1);
    r.step(ccProp(cc('ConfChangeAddNode', '4')));
    const e = lastEntry(r.raftLog.allEntries());
    expect([e.index, e.term, e.type, e.data.length]).toEqual([index + 2, 1, 'EntryNormal', 0]);
    expect(r.pendingConfIndex).toBe(index + 1);
    expect(logs).toContain('1 ignoring conf change at config voters=(1 2): possible unapplied conf change at index 2 (applied to 0)');
  });

  it('once the pending conf change is applied, the next one is accepted', () => {
    const { r } = newLeader({ voters: ['1'] });
    r.step(ccProp(cc('ConfChangeAddNode', '2')));
    expect(r.raftLog.committed).toBe(2);
    r.raftLog.appliedTo(2);
    r.step(ccProp(cc('ConfChangeAddNode', '3')));
    const e = lastEntry(r.raftLog.allEntries());
    expect([e.index, e.type]).toEqual([3, 'EntryConfChange']);
    expect(r.pendingConfIndex).toBe(3);
  });

  it('TestNewLeaderPendingConfig: a new leader treats its whole uncommitted tail as possibly holding a conf change', () => {
    const a = newLeader({ voters: ['1', '2'] }).r;
    expect(a.pendingConfIndex).toBe(0);

    const { r } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    r.appendEntry([{ index: 0, term: 0, type: 'EntryNormal', data: noCtx }]);
    r.becomeCandidate();
    r.becomeLeader();
    expect(r.pendingConfIndex).toBe(1);
    // So a conf change proposed now is neutralised until index 1 is applied.
    r.step(ccProp(cc('ConfChangeAddNode', '3')));
    expect(lastEntry(r.raftLog.allEntries()).type).toBe('EntryNormal');
  });

  it('TestAddNodeCheckQuorum: a newly added node counts as recently active for one check', () => {
    const { r } = newLeader({ voters: ['1'] }, { checkQuorum: true });
    for (let i = 0; i < r.electionTimeout - 1; i++) r.tick();
    r.applyConfChange(cc('ConfChangeAddNode', '2'));
    r.tick();
    expect(r.state).toBe('StateLeader');
    for (let i = 0; i < r.electionTimeout - 1; i++) r.tick();
    expect(r.state).toBe('StateLeader');
    r.tick();
    expect(r.state).toBe('StateFollower');
  });

  it('TestCommitAfterRemoveNode: a smaller quorum lets pending entries commit', () => {
    const { r } = newLeader({ voters: ['1', '2'] });
    r.step(ccProp(cc('ConfChangeRemoveNode', '2')));
    const ccIndex = r.raftLog.lastIndex();
    expect(r.raftLog.committed).toBe(0);
    r.step(msg({ type: 'MsgProp', from: '1', entries: [{ index: 0, term: 0, type: 'EntryNormal', data: new TextEncoder().encode('hello') }] }));
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: ccIndex }));
    let es = r.raftLog.nextEnts();
    expect(es.map((e) => [e.type, e.data.length])).toEqual([
      ['EntryNormal', 0],
      ['EntryConfChange', es[1]!.data.length],
    ]);
    r.raftLog.appliedTo(ccIndex);
    r.applyConfChange(cc('ConfChangeRemoveNode', '2'));
    es = r.raftLog.nextEnts();
    expect(es.map((e) => [e.type, text(e)])).toEqual([['EntryNormal', 'hello']]);
  });

  it('TestConfChangeCheckBeforeCampaign: a node with a committed but unapplied conf change does not campaign', () => {
    const { r, logs } = newRaft('2', newStorage({ voters: ['1', '2', '3'] }), { preVote: true });
    r.becomeFollower(1, '1');
    r.step(
      msg({
        type: 'MsgApp',
        from: '1',
        to: '2',
        term: 1,
        index: 0,
        logTerm: 0,
        commit: 1,
        entries: [{ index: 1, term: 1, type: 'EntryConfChange', data: encodeConfChange(cc('ConfChangeRemoveNode', '3')) }],
      }),
    );
    readMsgs(r);
    r.step(msg({ type: 'MsgHup' }));
    expect(r.state).toBe('StateFollower');
    expect(readMsgs(r)).toEqual([]);
    expect(logs).toContain('2 cannot campaign at term 1 since there are still 1 pending configuration changes to apply');
    // Also a transfer's MsgTimeoutNow is refused until then.
    r.step(msg({ type: 'MsgTimeoutNow', from: '1', to: '2', term: 1 }));
    expect(r.state).toBe('StateFollower');
    r.raftLog.appliedTo(1);
    r.step(msg({ type: 'MsgTimeoutNow', from: '1', to: '2', term: 1 }));
    expect(r.state).toBe('StateCandidate');
    expect(r.term).toBe(2);
  });

  it('a node that is not in the configuration cannot campaign', () => {
    const { r, logs } = newRaft('4', newStorage({ voters: ['1', '2', '3'] }));
    expect(r.promotable()).toBe(false);
    r.step(msg({ type: 'MsgHup' }));
    expect(r.state).toBe('StateFollower');
    expect(logs).toContain('4 is unpromotable and can not campaign');
  });

  it('adding a node through the log: the new, empty member is found by the leader and catches up', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.propose('1', 'a');
    // Node 4 starts with an empty log and no configuration.
    nw.nodes.set('4', newNode('4', []));
    nw.node('1').rn.proposeConfChange(cc('ConfChangeAddNode', '4'));
    nw.send(drain(nw.node('1')));
    const lead = nw.node('1').rn.raft;
    expect(lead.prs.confState().voters).toEqual(['1', '2', '3', '4']);
    expect(lead.prs.quorum()).toBe(3);
    const n4 = nw.node('4').rn.raft;
    expect(n4.raftLog.lastIndex()).toBe(0);
    nw.tick('1');
    expect(n4.raftLog.committed).toBe(lead.raftLog.committed);
    expect(n4.lead).toBe('1');
    expect(n4.prs.confState().voters).toEqual(['1', '2', '3', '4']);
    expect(n4.promotable()).toBe(true);
    expect(nw.node('4').applied.map((e) => e.data)).toContain('a');
    expect(lead.prs.progress.get('4')!.state).toBe('StateReplicate');
  });
});

describe('removing the leader', () => {
  it('after applying its own removal the leader drops proposals, and the rest elect a new leader', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.node('1').rn.proposeConfChange(cc('ConfChangeRemoveNode', '1'));
    nw.send(drain(nw.node('1')));
    for (const id of ['1', '2', '3']) {
      expect(nw.node(id).rn.raft.prs.confState().voters, id).toEqual(['2', '3']);
    }
    const n1 = nw.node('1').rn.raft;
    expect(n1.state).toBe('StateLeader');
    expect(n1.promotable()).toBe(false);
    let err: unknown;
    try {
      nw.propose('1', 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RaftError);
    expect((err as Error).message).toBe(ErrProposalDropped);

    // The removed node is shut down; the other two time out and elect one of themselves.
    nw.isolate('1');
    for (let i = 0; i < 60 && !['2', '3'].some((id) => nw.node(id).rn.raft.state === 'StateLeader'); i++) {
      nw.tick('2');
      nw.tick('3');
    }
    const newLead = ['2', '3'].find((id) => nw.node(id).rn.raft.state === 'StateLeader');
    expect(newLead).toBeDefined();
    expect(nw.node(newLead!).rn.raft.term).toBe(3);
    nw.propose(newLead!, 'after');
    for (const id of ['2', '3']) expect(nw.node(id).applied.at(-1)!.data, id).toBe('after');
    expect(nw.node('1').applied.map((a) => a.data)).not.toContain('after');
  });

  it('confchange_v1_remove_leader: once applied, the leader no longer counts its own log for commits', () => {
    const { r } = newLeader({ voters: ['1', '2', '3'] });
    r.step(ccProp(cc('ConfChangeRemoveNode', '1')));
    r.step(msg({ type: 'MsgProp', from: '1', entries: [{ index: 0, term: 0, type: 'EntryNormal', data: new TextEncoder().encode('x') }] }));
    expect(r.raftLog.lastIndex()).toBe(3);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 2 }));
    expect(r.raftLog.committed).toBe(2);
    r.raftLog.appliedTo(2);
    r.applyConfChange(cc('ConfChangeRemoveNode', '1'));
    expect(r.state).toBe('StateLeader');
    // Leader (3) + node 2 (3) would be a majority of {1,2,3}, but only {2,3} vote now.
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 3 }));
    expect(r.raftLog.committed).toBe(2);
    r.step(msg({ type: 'MsgAppResp', from: '3', to: '1', term: r.term, index: 3 }));
    expect(r.raftLog.committed).toBe(3);
    expect(r.step(msg({ type: 'MsgProp', from: '1', entries: [{ index: 0, term: 0, type: 'EntryNormal', data: noCtx }] }))).toBe(ErrProposalDropped);
  });

  it('after removing a node, commits need a majority of the remaining voters only', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.node('1').rn.proposeConfChange(cc('ConfChangeRemoveNode', '3'));
    nw.send(drain(nw.node('1')));
    nw.isolate('3');
    nw.isolate('2');
    nw.propose('1', 'alone');
    // Two voters left: node 1 alone cannot commit.
    const lead = nw.node('1').rn.raft;
    expect(lead.raftLog.committed).toBe(lead.raftLog.lastIndex() - 1);
    nw.heal();
    nw.isolate('3');
    nw.tick('1');
    expect(lead.raftLog.committed).toBe(lead.raftLog.lastIndex());
  });
});

describe('proposals', () => {
  it('a follower forwards MsgProp to the leader', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.delivered = [];
    nw.propose('2', 'via-2');
    const fwd = nw.delivered.filter((m) => m.type === 'MsgProp');
    expect(fwd.map((m) => [m.from, m.to, m.term])).toEqual([['2', '1', 0]]);
    for (const id of ['1', '2', '3']) expect(nw.node(id).applied.at(-1)).toEqual({ index: 5, term: 2, data: 'via-2' });
  });

  it('with disableProposalForwarding a follower drops the proposal', () => {
    const nw = new Network(3, { disableProposalForwarding: true });
    nw.campaign('1');
    expect(() => nw.node('2').rn.propose(new TextEncoder().encode('x'))).toThrow(ErrProposalDropped);
    expect(nw.node('2').rn.raft.msgs).toEqual([]);
  });

  it('with no leader a proposal throws RaftError(raft proposal dropped)', () => {
    const nw = new Network(3);
    let err: unknown;
    try {
      nw.node('1').rn.propose(new TextEncoder().encode('x'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RaftError);
    expect((err as Error).message).toBe('raft proposal dropped');
    expect(nw.node('1').logs).toContain('1 no leader at term 1; dropping proposal');
  });

  it('a candidate or pre-candidate drops proposals', () => {
    for (const preVote of [false, true]) {
      const { r, logs } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }), { preVote });
      r.step(msg({ type: 'MsgHup' }));
      expect(r.state).toBe(preVote ? 'StatePreCandidate' : 'StateCandidate');
      readMsgs(r);
      expect(r.step(msg({ type: 'MsgProp', from: '1', entries: [{ index: 0, term: 0, type: 'EntryNormal', data: noCtx }] }))).toBe(
        ErrProposalDropped,
      );
      expect(readMsgs(r)).toEqual([]);
      expect(r.raftLog.lastIndex()).toBe(0);
      expect(logs).toContain(`1 no leader at term ${r.term}; dropping proposal`);
    }
  });
});
