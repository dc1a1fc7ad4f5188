// Leadership transfer (etcd-io/raft: TestLeaderTransfer*, TestTransferNonMember,
// TestLearnerCampaign). The harness default has pre-vote and check-quorum on, so
// every transfer here also shows that MsgTimeoutNow's forced campaign passes the lease.
import { describe, expect, it } from 'vitest';
import type { Raft } from '../../src/engine/raft/raft.ts';
import { ErrProposalDropped, RaftError, msg } from '../../src/engine/raft/types.ts';
import { Network, drain } from './harness.ts';
import { networkOf, newRaft, newStorage, readMsgs, types } from './etcd-features-helpers.ts';

const enc = new TextEncoder();
const raftOf = (nw: Network, id: string) => nw.node(id).rn.raft;

function transfer(nw: Network, at: string, to: string): void {
  nw.node(at).rn.transferLeader(to);
  nw.send(drain(nw.node(at)));
}

function expectTransferState(r: Raft, state: string, lead: string): void {
  expect(r.state).toBe(state);
  expect(r.lead).toBe(lead);
  expect(r.leadTransferee).toBe('0');
}

describe('leadership transfer', () => {
  it('TestLeaderTransferToUpToDateNode: to an up-to-date follower, and back', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '2');
    expectTransferState(lead, 'StateFollower', '2');
    expect(raftOf(nw, '2').state).toBe('StateLeader');
    expect(raftOf(nw, '2').term).toBe(3);
    expect(nw.node('1').logs).toContain('1 sends MsgTimeoutNow to 2 immediately as 2 already has up-to-date log');
    expect(nw.node('2').logs).toContain('2 [term 2] received MsgTimeoutNow from 1 and starts an election to get leadership.');
    // The transferee skipped pre-vote and campaigned at once.
    expect(nw.node('2').logs).not.toContain('2 became pre-candidate at term 2');

    nw.propose('1', 'x');
    transfer(nw, '2', '1');
    expectTransferState(lead, 'StateLeader', '1');
    expect(lead.term).toBe(4);
  });

  it('TestLeaderTransferToUpToDateNodeFromFollower: a transfer requested at a follower is forwarded', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const lead = raftOf(nw, '1');
    transfer(nw, '2', '2');
    expectTransferState(lead, 'StateFollower', '2');
    expect(nw.delivered.some((m) => m.type === 'MsgTransferLeader' && m.from === '2' && m.to === '1')).toBe(true);

    nw.propose('1', 'x');
    transfer(nw, '1', '1');
    expectTransferState(lead, 'StateLeader', '1');
  });

  it('a follower without a leader drops a transfer request', () => {
    const nw = new Network(3);
    transfer(nw, '2', '2');
    expect(nw.node('2').logs).toContain('2 no leader at term 1; dropping leader transfer msg');
    expect(nw.leader()).toBeUndefined();
  });

  it('TestLeaderTransferWithCheckQuorum: works although the followers hold the leader lease', () => {
    const nw = new Network(3, { checkQuorum: true, preVote: false });
    nw.campaign('1');
    const lead = raftOf(nw, '1');
    expect(raftOf(nw, '3').electionElapsed).toBeLessThan(raftOf(nw, '3').electionTimeout);
    transfer(nw, '1', '2');
    expectTransferState(lead, 'StateFollower', '2');
    expect(raftOf(nw, '3').lead).toBe('2');
    nw.propose('1', 'x');
    transfer(nw, '2', '1');
    expectTransferState(lead, 'StateLeader', '1');
  });

  it('TestLeaderTransferToSlowFollower: the transferee catches up first, then gets MsgTimeoutNow', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'x');
    nw.heal();
    const lead = raftOf(nw, '1');
    expect(lead.prs.progress.get('3')!.match).toBe(4);
    expect(lead.raftLog.lastIndex()).toBe(5);

    lead.step(msg({ type: 'MsgTransferLeader', from: '3' }));
    expect(lead.leadTransferee).toBe('3');
    const out = drain(nw.node('1'));
    expect(types(out)).toEqual(['MsgApp']);
    nw.send(out);
    expectTransferState(lead, 'StateFollower', '3');
    expect(raftOf(nw, '3').state).toBe('StateLeader');
    expect(nw.node('1').logs).toContain('1 sent MsgTimeoutNow to 3 after received MsgAppResp');
  });

  it('TestLeaderTransferAfterSnapshot: the transferee first installs a snapshot', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'x');
    const n1 = nw.node('1');
    const lead = n1.rn.raft;
    n1.storage.createSnapshot(lead.raftLog.applied, lead.prs.confState(), new Uint8Array(0));
    n1.storage.compact(lead.raftLog.applied);
    nw.heal();
    expect(lead.prs.progress.get('3')!.match).toBe(4);

    let held: ReturnType<typeof msg> | undefined;
    nw.hook = (m) => {
      if (m.type !== 'MsgAppResp' || m.from !== '3' || m.reject) return true;
      held = m;
      return false;
    };
    transfer(nw, '1', '3');
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap' && m.to === '3')).toHaveLength(1);
    expect(lead.state).toBe('StateLeader');
    expect(lead.leadTransferee).toBe('3');
    expect(lead.prs.progress.get('3')!.state).toBe('StateSnapshot');
    expect(held).toBeDefined();
    expect(held!.index).toBe(5);

    nw.hook = undefined;
    nw.send([held!]);
    expectTransferState(lead, 'StateFollower', '3');
    expect(raftOf(nw, '3').state).toBe('StateLeader');
  });

  it('TestLeaderTransferToSelf: ignored', () => {
    const nw = new Network(3);
    nw.campaign('1');
    transfer(nw, '1', '1');
    expectTransferState(raftOf(nw, '1'), 'StateLeader', '1');
    expect(raftOf(nw, '1').term).toBe(2);
    expect(nw.node('1').logs).toContain('1 is already leader. Ignored transferring leadership to self');
  });

  it('TestLeaderTransferToNonExistingNode: ignored', () => {
    const nw = new Network(3);
    nw.campaign('1');
    transfer(nw, '1', '4');
    expectTransferState(raftOf(nw, '1'), 'StateLeader', '1');
    expect(raftOf(nw, '1').term).toBe(2);
  });

  it('TestLeaderTransferTimeout: an unfinished transfer is abandoned after an election timeout', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    nw.tick('1', lead.heartbeatTimeout);
    expect(lead.leadTransferee).toBe('3');
    nw.tick('1', lead.electionTimeout - lead.heartbeatTimeout - 1);
    expect(lead.leadTransferee).toBe('3');
    nw.tick('1');
    expectTransferState(lead, 'StateLeader', '1');
    // Proposals are accepted again.
    nw.propose('1', 'after');
    expect(nw.node('2').applied.at(-1)!.data).toBe('after');
  });

  it('TestLeaderTransferIgnoreProposal: proposals are dropped while a transfer is pending', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    const last = lead.raftLog.lastIndex();
    let err: unknown;
    try {
      nw.node('1').rn.propose(enc.encode('x'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RaftError);
    expect((err as Error).message).toBe(ErrProposalDropped);
    expect(lead.raftLog.lastIndex()).toBe(last);
    expect(lead.prs.progress.get('1')!.match).toBe(last);
    // A proposal forwarded by a follower is dropped too.
    nw.propose('2', 'y');
    expect(lead.raftLog.lastIndex()).toBe(last);
    expect(nw.node('1').logs).toContain('1 [term 2] transfer leadership to 3 is in progress; dropping proposal');
  });

  it('TestLeaderTransferReceiveHigherTermVote: another node winning an election ends the transfer', () => {
    const nw = new Network(3, { preVote: false, checkQuorum: false });
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    nw.campaign('2');
    expectTransferState(lead, 'StateFollower', '2');
  });

  it('TestLeaderTransferRemoveNode: removing the transferee aborts the transfer', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.dropTypes.add('MsgTimeoutNow');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    nw.node('1').rn.applyConfChange({ type: 'ConfChangeRemoveNode', nodeId: '3', context: new Uint8Array(0) });
    expectTransferState(lead, 'StateLeader', '1');
  });

  it('TestLeaderTransferBack: asking for a transfer to the leader itself cancels a pending one', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    transfer(nw, '1', '1');
    expectTransferState(lead, 'StateLeader', '1');
    expect(nw.node('1').logs).toContain('1 [term 2] abort previous transferring leadership to 3');
  });

  it('TestLeaderTransferSecondTransferToAnotherNode: a second transfer to another node replaces the first', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    expect(lead.leadTransferee).toBe('3');
    transfer(nw, '1', '2');
    expectTransferState(lead, 'StateFollower', '2');
    expect(raftOf(nw, '2').state).toBe('StateLeader');
  });

  it('TestLeaderTransferSecondTransferToSameNode: a repeated request does not extend the timeout', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    const lead = raftOf(nw, '1');
    transfer(nw, '1', '3');
    nw.tick('1', lead.heartbeatTimeout);
    transfer(nw, '1', '3');
    expect(nw.node('1').logs).toContain('1 [term 2] transfer leadership to 3 is in progress, ignores request to same node 3');
    nw.tick('1', lead.electionTimeout - lead.heartbeatTimeout);
    expectTransferState(lead, 'StateLeader', '1');
  });

  it('a transfer to a learner is ignored, and a learner ignores MsgTimeoutNow (TestLearnerCampaign)', () => {
    const spec = { voters: ['1', '2'], learners: ['3'] };
    const nw = networkOf([newStorage(spec), newStorage(spec), newStorage(spec)]);
    nw.campaign('1');
    nw.propose('1', 'x');
    const lead = raftOf(nw, '1');
    expect(lead.state).toBe('StateLeader');
    nw.delivered = [];
    transfer(nw, '1', '3');
    expectTransferState(lead, 'StateLeader', '1');
    expect(nw.delivered.filter((m) => m.type === 'MsgTimeoutNow')).toHaveLength(0);
    expect(nw.node('1').logs).toContain('1 is learner. Ignored transferring leadership');

    nw.send([msg({ type: 'MsgTimeoutNow', from: '1', to: '3', term: lead.term })]);
    expect(raftOf(nw, '3').state).toBe('StateFollower');
    expect(raftOf(nw, '3').term).toBe(lead.term);
    expect(nw.node('3').logs).toContain('3 is unpromotable and can not campaign');
  });

  it('TestTransferNonMember: MsgTimeoutNow at a node outside the configuration does nothing', () => {
    const { r } = newRaft('1', newStorage({ voters: ['2', '3', '4'] }));
    r.step(msg({ type: 'MsgTimeoutNow', from: '2', to: '1' }));
    r.step(msg({ type: 'MsgVoteResp', from: '2', to: '1' }));
    r.step(msg({ type: 'MsgVoteResp', from: '3', to: '1' }));
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(0);
    expect(readMsgs(r)).toEqual([]);
  });

  it('a candidate ignores MsgTimeoutNow', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2', '3'] }));
    r.becomeCandidate();
    readMsgs(r);
    r.step(msg({ type: 'MsgTimeoutNow', from: '2', to: '1', term: r.term }));
    expect(r.state).toBe('StateCandidate');
    expect(r.term).toBe(1);
    expect(readMsgs(r)).toEqual([]);
  });
});
