// Snapshots (etcd-io/raft: raft_snap_test.go, TestSlowNodeRestore, TestProvideSnap,
// TestIgnoreProvidingSnap, TestRestore*, TestRestoreIgnoreSnapshot,
// testdata/slow_follower_after_compaction.txt, snapshot_succeed_via_app_resp*.txt).
import { describe, expect, it } from 'vitest';
import type { Raft } from '../../src/engine/raft/raft.ts';
import { msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { ents, newRaft, newStorage, propMsg, readMsgs, snapshot, types } from './etcd-features-helpers.ts';

const testingSnap = () => snapshot(11, 11, ['1', '2']);

/** A leader at term 12 whose log is just the snapshot at (11, 11) plus its empty entry 12. */
function leaderAfterSnapshot(voters = ['1', '2']): { r: Raft; logs: string[] } {
  const { r, logs } = newRaft('1', newStorage({ voters }));
  r.becomeFollower(11, '0');
  expect(r.restore(snapshot(11, 11, voters))).toBe(true);
  r.becomeCandidate();
  r.becomeLeader();
  readMsgs(r);
  return { r, logs };
}

function compactLeader(nw: Network): number {
  const n1 = nw.node('1');
  const r = n1.rn.raft;
  const applied = r.raftLog.applied;
  n1.storage.createSnapshot(applied, r.prs.confState(), new TextEncoder().encode(`state@${applied}`));
  n1.storage.compact(applied);
  return applied;
}

describe('sending snapshots', () => {
  it('TestSlowNodeRestore: a follower behind the compaction point is restored from a snapshot', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    for (let j = 0; j <= 100; j++) nw.propose('1', `e${j}`);
    const lead = nw.node('1').rn.raft;
    const snapIndex = compactLeader(nw);
    expect(snapIndex).toBe(105);
    expect(lead.raftLog.firstIndex()).toBe(106);

    nw.heal();
    nw.tick('1');
    const follower = nw.node('3');
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap').map((m) => [m.to, m.snapshot!.metadata.index])).toEqual([['3', 105]]);
    expect(follower.storage.snapshot().metadata.index).toBe(105);
    expect(new TextDecoder().decode(follower.storage.snapshot().data)).toBe('state@105');
    expect(follower.rn.raft.raftLog.committed).toBe(lead.raftLog.committed);
    expect(follower.rn.raft.raftLog.applied).toBe(105);
    const pr3 = lead.prs.progress.get('3')!;
    expect([pr3.state, pr3.match, pr3.pendingSnapshot]).toEqual(['StateReplicate', 105, 0]);
    expect(nw.node('1').logs.some((l) => l.startsWith('1 [firstindex: 106, commit: 105] sent snapshot[index: 105, term: 2] to 3'))).toBe(true);

    nw.propose('1', 'after');
    expect(follower.rn.raft.raftLog.committed).toBe(106);
    expect(follower.applied.at(-1)).toEqual({ index: 106, term: 2, data: 'after' });
  });

  it('slow_follower_after_compaction: the probe is rejected, then the leader falls back to a snapshot', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    for (let j = 0; j < 5; j++) nw.propose('1', `e${j}`);
    compactLeader(nw);
    nw.heal();
    nw.delivered = [];
    nw.tick('1');
    const toFrom3 = nw.delivered.filter((m) => m.to === '3' || m.from === '3').map((m) => `${m.type}${m.reject ? '(reject)' : ''}`);
    expect(toFrom3).toEqual(['MsgHeartbeat', 'MsgHeartbeatResp', 'MsgApp', 'MsgAppResp(reject)', 'MsgSnap', 'MsgAppResp', 'MsgApp', 'MsgAppResp']);
  });

  it('TestProvideSnap: a rejection below the first index answers with MsgSnap', () => {
    const { r } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.next = r.raftLog.firstIndex();
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: pr2.next - 1, reject: true }));
    const ms = readMsgs(r);
    expect(types(ms)).toEqual(['MsgSnap']);
    expect(ms[0]!.snapshot!.metadata.index).toBe(11);
    // TestSendingSnapshotSetPendingSnapshot
    expect(pr2.state).toBe('StateSnapshot');
    expect(pr2.pendingSnapshot).toBe(11);
  });

  it('TestIgnoreProvidingSnap: no snapshot for a follower that is not recently active', () => {
    const { r, logs } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.next = r.raftLog.firstIndex() - 1;
    pr2.recentActive = false;
    r.step(propMsg());
    expect(readMsgs(r)).toEqual([]);
    expect(pr2.state).toBe('StateProbe');
    expect(logs).toContain('1 ignore sending snapshot to 2 since it is not recently active');
  });

  it('TestPendingSnapshotPauseReplication: nothing is appended while a snapshot is in flight', () => {
    const { r } = leaderAfterSnapshot();
    r.prs.progress.get('2')!.becomeSnapshot(11);
    r.step(propMsg());
    expect(readMsgs(r)).toEqual([]);
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
    expect(readMsgs(r)).toEqual([]);
  });

  it('TestSnapshotFailure: a failed snapshot resets to probing from match+1, paused', () => {
    const { r } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.next = 1;
    pr2.becomeSnapshot(11);
    r.step(msg({ type: 'MsgSnapStatus', from: '2', reject: true }));
    expect([pr2.state, pr2.pendingSnapshot, pr2.next, pr2.probeSent]).toEqual(['StateProbe', 0, 1, true]);
  });

  it('TestSnapshotSucceed: a delivered snapshot resumes probing after it, paused until the follower answers', () => {
    const { r } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.next = 1;
    pr2.becomeSnapshot(11);
    r.step(msg({ type: 'MsgSnapStatus', from: '2', reject: false }));
    expect([pr2.state, pr2.pendingSnapshot, pr2.next, pr2.probeSent]).toEqual(['StateProbe', 0, 12, true]);
    expect(readMsgs(r)).toEqual([]);
  });

  it('MsgSnapStatus is ignored unless the follower is in StateSnapshot', () => {
    const { r } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.becomeReplicate();
    const before = [pr2.state, pr2.next, pr2.probeSent];
    r.step(msg({ type: 'MsgSnapStatus', from: '2', reject: true }));
    expect([pr2.state, pr2.next, pr2.probeSent]).toEqual(before);
  });

  it('TestSnapshotAbort: a MsgAppResp at or past the snapshot index ends the snapshot state', () => {
    const { r } = leaderAfterSnapshot();
    const pr2 = r.prs.progress.get('2')!;
    pr2.next = 1;
    pr2.becomeSnapshot(11);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 11 }));
    expect(pr2.pendingSnapshot).toBe(0);
    expect(pr2.state).toBe('StateReplicate');
    // It was sent the empty entry 12 straight away (optimistically, hence 13).
    expect(pr2.next).toBe(13);
    expect(pr2.inflights.count).toBe(1);
    expect(readMsgs(r).map((m) => [m.type, m.index, m.entries.map((e) => e.index)])).toEqual([['MsgApp', 11, [12]]]);
  });
});

describe('installing snapshots', () => {
  it('TestRestore: a follower installs a newer snapshot and its configuration', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    expect(r.restore(snapshot(11, 11, ['1', '2', '3']))).toBe(true);
    expect(r.raftLog.lastIndex()).toBe(11);
    expect(r.raftLog.term(11)).toBe(11);
    expect(r.raftLog.committed).toBe(11);
    expect(r.prs.confState()).toEqual({ voters: ['1', '2', '3'], learners: [] });
    expect(r.restore(snapshot(11, 11, ['1', '2', '3']))).toBe(false);
    // Not promotable until the snapshot has been persisted.
    for (let i = 0; i < 3 * r.electionTimeout; i++) r.tick();
    expect(r.state).toBe('StateFollower');
  });

  it('a snapshot whose configuration does not include the node is ignored', () => {
    const { r, logs } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    expect(r.restore(snapshot(11, 11, ['2', '3']))).toBe(false);
    expect(r.raftLog.lastIndex()).toBe(0);
    expect(r.prs.confState().voters).toEqual(['1', '2']);
    expect(logs).toContain('1 attempted to restore snapshot but it is not in the ConfState; should never happen');
    // Through the wire it is answered with the unchanged commit index.
    r.step(msg({ type: 'MsgSnap', from: '2', to: '1', term: 2, snapshot: snapshot(11, 11, ['2', '3']) }));
    expect(readMsgs(r).map((m) => [m.type, m.index, m.reject])).toEqual([['MsgAppResp', 0, false]]);
    expect(r.lead).toBe('2');
  });

  it('a snapshot at or below the commit index is ignored', () => {
    const { r, logs } = newRaft('1', newStorage({ voters: ['1', '2'], terms: [1, 1, 1, 2, 2] }));
    r.becomeFollower(2, '2');
    r.raftLog.commitTo(4);
    expect(r.restore(snapshot(3, 1, ['1', '2']))).toBe(false);
    expect(r.restore(snapshot(4, 2, ['1', '2']))).toBe(false);
    expect([r.raftLog.firstIndex(), r.raftLog.lastIndex(), r.raftLog.committed]).toEqual([1, 5, 4]);
    r.step(msg({ type: 'MsgSnap', from: '2', to: '1', term: 2, snapshot: snapshot(3, 1, ['1', '2']) }));
    expect(readMsgs(r).map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 4]]);
    expect(logs).toContain('1 [commit: 4] ignored snapshot [index: 3, term: 1]');
  });

  it('TestRestoreIgnoreSnapshot: when the log already has the snapshot\'s last entry, commit fast-forwards instead', () => {
    const { r, logs } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    r.raftLog.append(ents(1, 1, 1, 1));
    r.raftLog.commitTo(1);
    expect(r.restore(snapshot(1, 1, ['1', '2']))).toBe(false);
    expect(r.raftLog.committed).toBe(1);
    expect(r.restore(snapshot(2, 1, ['1', '2']))).toBe(false);
    expect(r.raftLog.committed).toBe(2);
    expect(r.raftLog.lastIndex()).toBe(3);
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
    expect(logs).toContain('1 [commit: 1, lastindex: 3, lastterm: 1] fast-forwarded commit to snapshot [index: 2, term: 1]');
  });

  it('a snapshot whose last entry has a different term replaces the log', () => {
    const { r } = newRaft('1', newStorage({ voters: ['1', '2'] }));
    r.raftLog.append(ents(1, 1, 1, 1));
    expect(r.restore(snapshot(2, 2, ['1', '2']))).toBe(true);
    expect([r.raftLog.firstIndex(), r.raftLog.lastIndex(), r.raftLog.committed]).toEqual([3, 2, 2]);
  });

  it('TestRestoreFromSnapMsg: a MsgSnap sets the leader and is acknowledged with the new last index', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1', '2'] }));
    r.step(msg({ type: 'MsgSnap', from: '1', to: '2', term: 2, snapshot: testingSnap() }));
    expect(r.lead).toBe('1');
    expect(r.term).toBe(2);
    expect(readMsgs(r).map((m) => [m.type, m.to, m.index, m.reject])).toEqual([['MsgAppResp', '1', 11, false]]);
  });

  it('a candidate receiving MsgSnap of its term becomes a follower and installs it', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1', '2', '3'] }));
    r.becomeCandidate();
    readMsgs(r);
    r.step(msg({ type: 'MsgSnap', from: '1', to: '2', term: r.term, snapshot: snapshot(11, 1, ['1', '2', '3']) }));
    expect([r.state, r.lead, r.raftLog.lastIndex()]).toEqual(['StateFollower', '1', 11]);
  });

  it('snapshot_succeed_via_app_resp_behind: an ack below the pending snapshot still ends StateSnapshot if the log covers it', () => {
    const { r } = leaderAfterSnapshot(['1', '2', '3']);
    // Entries 13..15 exist; node 3 is sent a snapshot at 11 (first index is 12).
    for (let i = 0; i < 3; i++) r.step(propMsg(`x${i}`));
    readMsgs(r);
    const pr3 = r.prs.progress.get('3')!;
    pr3.becomeSnapshot(15);
    // The follower reports it has 11 (e.g. from an older, concurrently sent snapshot).
    r.step(msg({ type: 'MsgAppResp', from: '3', to: '1', term: r.term, index: 11 }));
    expect(pr3.state).toBe('StateReplicate');
    expect(pr3.match).toBe(11);
    expect(pr3.pendingSnapshot).toBe(0);
    expect(readMsgs(r).map((m) => [m.type, m.to, m.index, m.entries.length])).toEqual([['MsgApp', '3', 11, 4]]);
  });
});
