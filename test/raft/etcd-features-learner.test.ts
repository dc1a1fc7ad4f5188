// Learners (etcd-io/raft: TestLearnerElectionTimeout, TestLearnerPromotion,
// TestLearnerCanVote, TestLearnerLogReplication, TestLearnerReceiveSnapshot,
// TestAddLearner, TestRestoreWithLearner, TestRestoreLearnerPromotion).
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { drain } from './harness.ts';
import { local, networkOf, newRaft, newStorage, propMsg, readMsgs, snapshot, types } from './etcd-features-helpers.ts';

const learnerSpec = { voters: ['1'], learners: ['2'] };
const noCtx = new Uint8Array(0);

describe('learners', () => {
  it('TestLearnerElectionTimeout: a learner never campaigns', () => {
    const { r } = newRaft('2', newStorage(learnerSpec));
    r.becomeFollower(1, '0');
    expect(r.isLearner).toBe(true);
    r.randomizedElectionTimeout = r.electionTimeout;
    for (let i = 0; i < 5 * r.electionTimeout; i++) r.tick();
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(1);
    expect(readMsgs(r)).toEqual([]);
  });

  it('a learner asked to campaign refuses', () => {
    const { r, logs } = newRaft('2', newStorage(learnerSpec), { preVote: true });
    r.becomeFollower(1, '0');
    r.step(msg({ type: 'MsgHup' }));
    expect(r.state).toBe('StateFollower');
    expect(readMsgs(r)).toEqual([]);
    expect(logs).toContain('2 is unpromotable and can not campaign');
  });

  it('TestLearnerCanVote: a learner asked to vote does vote', () => {
    const { r } = newRaft('2', newStorage(learnerSpec));
    r.becomeFollower(1, '0');
    r.step(msg({ type: 'MsgVote', from: '1', to: '2', term: 2, logTerm: 11, index: 11 }));
    const out = readMsgs(r);
    expect(types(out)).toEqual(['MsgVoteResp']);
    expect(out[0]!.reject).toBe(false);
    expect(r.vote).toBe('1');
  });

  it('a candidate neither asks learners for votes nor counts theirs', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'], learners: ['4'] }));
    r.step(msg({ type: 'MsgHup' }));
    expect(r.state).toBe('StateCandidate');
    expect(readMsgs(r).map((m) => [m.type, m.to])).toEqual([
      ['MsgVote', '2'],
      ['MsgVote', '3'],
    ]);
    r.step(msg({ type: 'MsgVoteResp', from: '4', to: '1', term: r.term }));
    expect(r.state).toBe('StateCandidate');
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1', term: r.term }));
    expect(r.state).toBe('StateLeader');
  });

  it('TestLearnerLogReplication: a learner receives and commits the log', () => {
    const nw = networkOf([newStorage(learnerSpec), newStorage(learnerSpec)]);
    const [n1, n2] = [nw.node('1').rn.raft, nw.node('2').rn.raft];
    nw.campaign('1');
    expect(n1.state).toBe('StateLeader');
    expect(n2.isLearner).toBe(true);
    local(nw, '1', { type: 'MsgBeat' });
    nw.propose('1', 'somedata');
    expect(n1.raftLog.committed).toBe(2);
    expect(n2.raftLog.committed).toBe(2);
    expect(n1.prs.progress.get('2')!.match).toBe(2);
    expect(nw.node('2').applied.map((a) => a.data)).toEqual(['', 'somedata']);
  });

  it('a learner\'s acknowledgement does not count towards the commit quorum', () => {
    const spec = { voters: ['1', '2'], learners: ['3'] };
    const nw = networkOf([newStorage(spec), newStorage(spec), newStorage(spec)]);
    nw.campaign('1');
    nw.propose('1', 'a');
    const n1 = nw.node('1').rn.raft;
    expect(n1.raftLog.committed).toBe(2);
    nw.isolate('2');
    nw.propose('1', 'b');
    expect(n1.prs.progress.get('3')!.match).toBe(3);
    expect(n1.raftLog.committed).toBe(2);
    nw.heal();
    local(nw, '1', { type: 'MsgBeat' });
    expect(n1.raftLog.committed).toBe(3);
  });

  it('TestLearnerPromotion: a learner campaigns only after ConfChangeAddNode promotes it', () => {
    const nw = networkOf([newStorage(learnerSpec), newStorage(learnerSpec)], { preVote: false, checkQuorum: false });
    const [n1, n2] = [nw.node('1').rn.raft, nw.node('2').rn.raft];
    nw.campaign('1');
    expect(n1.state).toBe('StateLeader');
    nw.campaign('2');
    expect(n2.state).toBe('StateFollower');
    expect(nw.node('2').logs).toContain('2 is unpromotable and can not campaign');

    nw.node('1').rn.proposeConfChange({ type: 'ConfChangeAddNode', nodeId: '2', context: noCtx });
    nw.send(drain(nw.node('1')));
    // Both applied the conf change (the harness applies committed conf changes).
    expect(n1.prs.confState()).toEqual({ voters: ['1', '2'], learners: [] });
    expect(n2.prs.confState()).toEqual({ voters: ['1', '2'], learners: [] });
    expect(n2.isLearner).toBe(false);
    expect(n1.prs.progress.get('2')!.isLearner).toBe(false);

    nw.campaign('2');
    expect(n2.state).toBe('StateLeader');
    expect(n1.state).toBe('StateFollower');
    expect(n1.lead).toBe('2');
  });

  it('promotion keeps the learner\'s progress, and the promoted node now counts for commit', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1'], learners: ['2'] }));
    r.becomeCandidate();
    r.becomeLeader();
    r.step(propMsg('a'));
    expect(r.raftLog.committed).toBe(2);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 2 }));
    expect(r.prs.progress.get('2')!.match).toBe(2);
    r.applyConfChange({ type: 'ConfChangeAddNode', nodeId: '2', context: noCtx });
    expect(r.prs.progress.get('2')!.match).toBe(2);
    expect([...r.prs.voters].sort()).toEqual(['1', '2']);
    expect(r.prs.learners.size).toBe(0);
    // From now on node 2's ack is needed.
    r.step(propMsg('b'));
    expect(r.raftLog.committed).toBe(2);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 3 }));
    expect(r.raftLog.committed).toBe(3);
  });

  it('TestAddLearner: a learner is added; adding an existing voter as a learner is ignored', () => {
    const { r, logs } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    r.applyConfChange({ type: 'ConfChangeAddLearnerNode', nodeId: '3', context: noCtx });
    expect(r.isLearner).toBe(false);
    expect(r.prs.confState()).toEqual({ voters: ['1', '2'], learners: ['3'] });
    expect(r.prs.progress.get('3')!.isLearner).toBe(true);

    r.applyConfChange({ type: 'ConfChangeAddLearnerNode', nodeId: '2', context: noCtx });
    expect(r.prs.confState()).toEqual({ voters: ['1', '2'], learners: ['3'] });
    expect(r.prs.progress.get('2')!.isLearner).toBe(false);
    expect(logs).toContain('1 ignored addLearner: do not support changing 2 from raft peer to learner.');

    r.applyConfChange({ type: 'ConfChangeAddLearnerNode', nodeId: '1', context: noCtx });
    expect(r.isLearner).toBe(false);
    expect(r.promotable()).toBe(true);
  });

  it('a node that is added as a learner knows it is one, and a later AddNode promotes it', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1'] }));
    expect(r.promotable()).toBe(false);
    r.applyConfChange({ type: 'ConfChangeAddLearnerNode', nodeId: '2', context: noCtx });
    expect(r.isLearner).toBe(true);
    expect(r.promotable()).toBe(false);
    r.applyConfChange({ type: 'ConfChangeAddNode', nodeId: '2', context: noCtx });
    expect(r.isLearner).toBe(false);
    expect(r.promotable()).toBe(true);
  });

  it('TestRestoreWithLearner / TestRestoreLearnerPromotion / TestRestoreVoterToLearner: snapshots carry learners', () => {
    const s = snapshot(11, 11, ['1', '2'], ['3']);
    const a = newRaft('3', newStorage({ voters: ['1', '2'], learners: ['3'] })).r;
    expect(a.restore(s)).toBe(true);
    expect(a.raftLog.lastIndex()).toBe(11);
    expect(a.prs.confState()).toEqual({ voters: ['1', '2'], learners: ['3'] });
    expect(a.prs.progress.get('3')!.isLearner).toBe(true);
    expect(a.isLearner).toBe(true);
    expect(a.restore(s)).toBe(false);

    const b = newRaft('3', newStorage({ voters: ['1', '2'], learners: ['3'] })).r;
    expect(b.isLearner).toBe(true);
    expect(b.restore(snapshot(11, 11, ['1', '2', '3']))).toBe(true);
    expect(b.isLearner).toBe(false);

    const c = newRaft('3', newStorage({ voters: ['1', '2', '3'] })).r;
    expect(c.isLearner).toBe(false);
    expect(c.restore(s)).toBe(true);
    expect(c.isLearner).toBe(true);
  });

  it('TestLearnerReceiveSnapshot: a learner that is far behind gets a snapshot', () => {
    const s1 = newStorage(learnerSpec);
    s1.applySnapshot(snapshot(11, 11, ['1'], ['2']));
    s1.setHardState({ term: 11, vote: '0', commit: 11 });
    const nw = networkOf([s1, newStorage(learnerSpec)]);
    const [n1, n2] = [nw.node('1').rn.raft, nw.node('2').rn.raft];
    nw.campaign('1');
    expect(n1.state).toBe('StateLeader');
    expect(n1.raftLog.committed).toBe(12);
    local(nw, '1', { type: 'MsgBeat' });
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap' && m.to === '2')).toHaveLength(1);
    expect(n2.raftLog.committed).toBe(n1.raftLog.committed);
    expect(nw.node('2').storage.snapshot().metadata.index).toBe(11);
    expect(n2.isLearner).toBe(true);
    expect(n1.prs.progress.get('2')!.state).toBe('StateReplicate');
    expect(n1.prs.progress.get('2')!.match).toBe(12);
  });
});
