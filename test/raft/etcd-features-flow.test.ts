// Replication flow control and log matching (etcd-io/raft: raft_flow_control_test.go,
// TestSendAppendForProgress*, TestLeaderAppResp, TestFastLogRejection, TestHandleMsgApp,
// TestMsgAppRespWaitReset, testdata/replicate_pause.txt).
import { describe, expect, it } from 'vitest';
import type { Raft } from '../../src/engine/raft/raft.ts';
import { msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';
import { ents, logOf, newLeader, newRaft, newStorage, propMsg, readMsgs, types } from './etcd-features-helpers.ts';

const MAX = 8;

function leaderWithReplicatingFollower(): Raft {
  const { r } = newLeader({ voters: ['1', '2'] }, { maxInflightMsgs: MAX, electionTick: 5 });
  r.prs.progress.get('2')!.becomeReplicate();
  return r;
}

describe('flow control (maxInflightMsgs)', () => {
  it('TestMsgAppFlowControlFull: appends fill the window, then nothing more is sent', () => {
    const r = leaderWithReplicatingFollower();
    const pr2 = r.prs.progress.get('2')!;
    for (let i = 0; i < MAX; i++) {
      r.step(propMsg());
      expect(types(readMsgs(r)), `#${i}`).toEqual(['MsgApp']);
    }
    expect(pr2.isPaused()).toBe(true);
    expect(pr2.inflights.count).toBe(MAX);
    for (let i = 0; i < 10; i++) {
      r.step(propMsg());
      expect(readMsgs(r)).toEqual([]);
    }
    expect(r.raftLog.lastIndex()).toBe(1 + MAX + 10);
  });

  it('TestMsgAppFlowControlMoveForward: acks slide the window; stale acks do not', () => {
    const r = leaderWithReplicatingFollower();
    const pr2 = r.prs.progress.get('2')!;
    for (let i = 0; i < MAX; i++) {
      r.step(propMsg());
      readMsgs(r);
    }
    // Entry 1 is the empty entry, 2 the first proposal, sent with it in one MsgApp.
    for (let tt = 2; tt < MAX; tt++) {
      r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: tt }));
      readMsgs(r);
      r.step(propMsg());
      const ms = readMsgs(r);
      expect(types(ms), `#${tt}`).toEqual(['MsgApp']);
      expect(pr2.isPaused(), `#${tt}`).toBe(true);
      for (let i = 0; i < tt; i++) {
        r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: i }));
        expect(pr2.isPaused(), `#${tt}.${i}`).toBe(true);
      }
    }
  });

  it('TestMsgAppFlowControlRecvHeartbeat: a heartbeat response frees exactly one slot', () => {
    const r = leaderWithReplicatingFollower();
    const pr2 = r.prs.progress.get('2')!;
    for (let i = 0; i < MAX; i++) {
      r.step(propMsg());
      readMsgs(r);
    }
    for (let tt = 1; tt < 5; tt++) {
      expect(pr2.isPaused()).toBe(true);
      for (let i = 0; i < tt; i++) {
        r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
        // The follower is behind, so the leader pokes it with an (empty) append.
        const ms = readMsgs(r);
        expect(types(ms)).toEqual(['MsgApp']);
        expect(ms[0]!.entries).toEqual([]);
        expect(pr2.isPaused()).toBe(false);
        expect(pr2.inflights.count).toBe(MAX - 1);
      }
      // One slot ...
      r.step(propMsg());
      expect(types(readMsgs(r))).toEqual(['MsgApp']);
      // ... and just one.
      for (let i = 0; i < 10; i++) {
        r.step(propMsg());
        expect(readMsgs(r)).toEqual([]);
      }
      expect(pr2.isPaused()).toBe(true);
      // Another heartbeat response frees a slot again: the ten queued entries go out in one append.
      const last = r.raftLog.lastIndex();
      r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
      const ms = readMsgs(r);
      expect(ms.map((m) => m.entries.map((e) => e.index))).toEqual([[last - 9, last - 8, last - 7, last - 6, last - 5, last - 4, last - 3, last - 2, last - 1, last]]);
      expect(pr2.isPaused()).toBe(true);
    }
  });

  it('TestSendAppendForProgressProbe: a probing follower gets one append per heartbeat response', () => {
    const { r } = newLeader({ voters: ['1', '2'] });
    const pr2 = r.prs.progress.get('2')!;
    pr2.becomeProbe();
    r.step(propMsg());
    let ms = readMsgs(r);
    expect(ms.map((m) => [m.type, m.index, m.entries.length])).toEqual([['MsgApp', 0, 2]]);
    expect(pr2.probeSent).toBe(true);
    for (let round = 0; round < 3; round++) {
      for (let j = 0; j < 10; j++) {
        r.step(propMsg());
        expect(readMsgs(r)).toEqual([]);
      }
      r.step(msg({ type: 'MsgBeat' }));
      expect(types(readMsgs(r))).toEqual(['MsgHeartbeat']);
      expect(pr2.isPaused()).toBe(true);
    }
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
    ms = readMsgs(r);
    expect(ms.map((m) => [m.type, m.index])).toEqual([['MsgApp', 0]]);
    expect(ms[0]!.entries).toHaveLength(32);
    expect(pr2.isPaused()).toBe(true);
  });

  it('TestSendAppendForProgressReplicate: a replicating follower gets every append at once', () => {
    const { r } = newLeader({ voters: ['1', '2'] });
    r.prs.progress.get('2')!.becomeReplicate();
    for (let i = 0; i < 10; i++) {
      r.step(propMsg());
      expect(types(readMsgs(r))).toEqual(['MsgApp']);
    }
  });

  it('TestMsgAppRespWaitReset: a probing follower is unpaused by its MsgAppResp', () => {
    const { r } = newLeader({ voters: ['1', '2', '3'] });
    r.step(msg({ type: 'MsgBeat' }));
    readMsgs(r);
    // Both followers were probed with entry 1 when the leader was elected.
    for (const id of ['2', '3']) r.prs.progress.get(id)!.probeSent = true;
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: 1 }));
    expect(r.raftLog.committed).toBe(1);
    readMsgs(r);
    r.step(propMsg(''));
    let ms = readMsgs(r);
    expect(ms.map((m) => [m.type, m.to, m.entries.map((e) => e.index)])).toEqual([['MsgApp', '2', [2]]]);
    r.step(msg({ type: 'MsgAppResp', from: '3', to: '1', term: r.term, index: 1 }));
    ms = readMsgs(r);
    expect(ms.map((m) => [m.type, m.to, m.entries.map((e) => e.index)])).toEqual([['MsgApp', '3', [2]]]);
  });

  it('MsgUnreachable moves a replicating follower back to probing from match+1', () => {
    const { r } = newLeader({ voters: ['1', '2'], terms: [1, 2, 3] });
    const pr2 = r.prs.progress.get('2')!;
    pr2.match = 3;
    pr2.becomeReplicate();
    pr2.next = 6;
    r.step(msg({ type: 'MsgUnreachable', from: '2' }));
    expect(pr2.state).toBe('StateProbe');
    expect(pr2.next).toBe(4);
  });
});

describe('heartbeats', () => {
  it('TestBcastBeat: heartbeats carry no entries and cap the commit index at each follower\'s match', () => {
    const storage = newStorage({ voters: ['1', '2', '3'] });
    storage.applySnapshot({ data: new Uint8Array(0), metadata: { index: 1000, term: 1, confState: { voters: ['1', '2', '3'], learners: [] } } });
    const r = newRaft('1', storage).r;
    r.term = 1;
    r.becomeCandidate();
    r.becomeLeader();
    for (let i = 0; i < 10; i++) r.appendEntry([{ index: 0, term: 0, type: 'EntryNormal', data: new Uint8Array(0) }]);
    readMsgs(r);
    r.raftLog.commitTo(1008);
    const pr2 = r.prs.progress.get('2')!;
    const pr3 = r.prs.progress.get('3')!;
    [pr2.match, pr2.next] = [1005, 1006];
    [pr3.match, pr3.next] = [r.raftLog.lastIndex(), r.raftLog.lastIndex() + 1];
    r.step(msg({ type: 'MsgBeat' }));
    const ms = readMsgs(r);
    expect(ms.map((m) => [m.type, m.to, m.commit, m.index, m.logTerm, m.entries.length])).toEqual([
      ['MsgHeartbeat', '2', 1005, 0, 0, 0],
      ['MsgHeartbeat', '3', 1008, 0, 0, 0],
    ]);
  });

  it('TestRecvMsgBeat: only a leader broadcasts heartbeats on MsgBeat', () => {
    for (const state of ['leader', 'candidate', 'follower'] as const) {
      const r = newRaft('1', newStorage({ voters: ['1', '2', '3'], terms: [1, 1] })).r;
      if (state !== 'follower') r.becomeCandidate();
      if (state === 'leader') r.becomeLeader();
      readMsgs(r);
      r.step(msg({ type: 'MsgBeat' }));
      expect(types(readMsgs(r)), state).toEqual(state === 'leader' ? ['MsgHeartbeat', 'MsgHeartbeat'] : []);
    }
  });

  it('TestHandleHeartbeatResp: a lagging follower is re-sent its append on each heartbeat response, until it acks', () => {
    const { r } = newLeader({ voters: ['1', '2'], terms: [1, 2, 3], hardState: { term: 3 } });
    r.raftLog.commitTo(r.raftLog.lastIndex());
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
    let ms = readMsgs(r);
    expect(types(ms)).toEqual(['MsgApp']);
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
    ms = readMsgs(r);
    expect(types(ms)).toEqual(['MsgApp']);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: ms[0]!.index + ms[0]!.entries.length }));
    readMsgs(r);
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term }));
    expect(readMsgs(r)).toEqual([]);
  });

  it('lagging_commit: a follower whose ack was lost learns the commit only after its next ack', () => {
    const nw = new Network(3);
    nw.campaign('1');
    // Node 3's ack is lost, and so is the leader's follow-up append that carries the new commit.
    let dropAcks = true;
    nw.hook = (m) => !(dropAcks && ((m.type === 'MsgAppResp' && m.from === '3') || (m.type === 'MsgApp' && m.to === '3' && m.entries.length === 0)));
    nw.propose('1', 'x');
    const n3 = nw.node('3').rn.raft;
    expect([n3.raftLog.lastIndex(), n3.raftLog.committed]).toEqual([5, 4]);
    dropAcks = false;
    // The heartbeat's commit is capped at node 3's known match (4).
    nw.delivered = [];
    nw.tick('1');
    const hb = nw.delivered.find((m) => m.type === 'MsgHeartbeat' && m.to === '3')!;
    expect(hb.commit).toBe(4);
    // Its response triggers an (empty) append whose ack finally raises match; the append carries commit 5.
    expect(n3.raftLog.committed).toBe(5);
    expect(nw.delivered.filter((m) => m.type === 'MsgApp' && m.to === '3').map((m) => [m.index, m.commit, m.entries.length])).toEqual([[5, 5, 0]]);
  });
});

describe('TestLeaderAppResp', () => {
  const cases: { name: string; index: number; reject: boolean; match: number; next: number; msgs: number; mindex: number; commit: number }[] = [
    { name: 'stale rejection: no reply', index: 3, reject: true, match: 0, next: 3, msgs: 0, mindex: 0, commit: 0 },
    { name: 'rejection: probe one lower', index: 2, reject: true, match: 0, next: 2, msgs: 1, mindex: 1, commit: 0 },
    { name: 'accept: commit and broadcast', index: 2, reject: false, match: 2, next: 4, msgs: 2, mindex: 2, commit: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { r } = newLeader({ voters: ['1', '2', '3'], terms: [1, 1], hardState: { term: 0 } });
      expect(r.term).toBe(1);
      r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: c.index, reject: c.reject, rejectHint: c.index }));
      const pr = r.prs.progress.get('2')!;
      expect([pr.match, pr.next]).toEqual([c.match, c.next]);
      const ms = readMsgs(r);
      expect(ms).toHaveLength(c.msgs);
      for (const m of ms) expect([m.index, m.commit]).toEqual([c.mindex, c.commit]);
    });
  }
});

describe('log matching on followers', () => {
  it('TestFastLogRejection: the hint lets the leader skip a divergent term in one round trip', () => {
    const cases = [
      { leader: [1, 2, 2, 4, 4, 4, 4], follower: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], hint: [7, 3], next: [3, 2] },
      { leader: [1, 2, 2, 3, 4, 4, 4, 5], follower: [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], hint: [8, 3], next: [4, 3] },
      { leader: [1, 1, 1, 1], follower: [1, 2, 2, 4], hint: [1, 1], next: [1, 1] },
      { leader: [1, 1, 1, 1, 1, 1], follower: [1, 2, 2, 4], hint: [1, 1], next: [1, 1] },
      { leader: [1, 1, 1, 1], follower: [1, 2, 2, 4, 4, 4], hint: [1, 1], next: [1, 1] },
      { leader: [1, 1, 1, 4, 5], follower: [1, 1, 1, 4], hint: [4, 4], next: [4, 4] },
      { leader: [2, 5, 5, 5, 5, 5, 5, 5, 5], follower: [2, 4, 4, 4, 4, 4], hint: [6, 4], next: [1, 2] },
      { leader: [2, 2, 2, 2, 2], follower: [2, 4, 4, 4, 4, 4, 4, 4], hint: [1, 2], next: [1, 2] },
      // A stale append below the follower's compaction point: hint term 0, step back by one.
      { leader: [1, 1, 3], follower: [1, 1, 3, 3, 3], compact: 5, hint: [3, 0], next: [2, 1] },
    ];
    for (const [i, c] of cases.entries()) {
      const lastTerm = c.leader[c.leader.length - 1]!;
      const s1 = newStorage({ voters: ['1', '2', '3'], terms: c.leader, hardState: { term: lastTerm - 1, commit: c.leader.length } });
      const n1 = newRaft('1', s1).r;
      n1.becomeCandidate();
      n1.becomeLeader();
      readMsgs(n1);
      const s2 = newStorage({ voters: ['1', '2', '3'], terms: c.follower, hardState: { term: lastTerm, vote: '1', commit: 0 } });
      const n2 = newRaft('2', s2).r;
      if (c.compact) s2.compact(c.compact);

      n2.step(msg({ type: 'MsgHeartbeat', from: '1', to: '2' }));
      let ms = readMsgs(n2);
      expect(types(ms), `#${i}`).toEqual(['MsgHeartbeatResp']);
      n1.step(ms[0]!);
      ms = readMsgs(n1);
      expect(types(ms), `#${i}`).toEqual(['MsgApp']);
      n2.step(ms[0]!);
      ms = readMsgs(n2);
      expect(ms.map((m) => [m.type, m.reject]), `#${i}`).toEqual([['MsgAppResp', true]]);
      expect([ms[0]!.rejectHint, ms[0]!.logTerm], `#${i} hint`).toEqual(c.hint);
      n1.step(ms[0]!);
      ms = readMsgs(n1);
      expect([ms[0]!.index, ms[0]!.logTerm], `#${i} next append`).toEqual(c.next);
    }
  });

  it('TestHandleMsgApp: consistency check, conflict truncation and commit', () => {
    const cases = [
      // previous entry mismatches / is missing: reject
      { m: { term: 2, logTerm: 3, index: 2, commit: 3 }, last: 2, commit: 0, reject: true },
      { m: { term: 2, logTerm: 3, index: 3, commit: 3 }, last: 2, commit: 0, reject: true },
      // match, truncate conflicts, append
      { m: { term: 2, logTerm: 1, index: 1, commit: 1 }, last: 2, commit: 1, reject: false },
      { m: { term: 2, logTerm: 0, index: 0, commit: 1, entries: ents(1, 2) }, last: 1, commit: 1, reject: false },
      { m: { term: 2, logTerm: 2, index: 2, commit: 3, entries: ents(3, 2, 2) }, last: 4, commit: 3, reject: false },
      { m: { term: 2, logTerm: 2, index: 2, commit: 4, entries: ents(3, 2) }, last: 3, commit: 3, reject: false },
      { m: { term: 2, logTerm: 1, index: 1, commit: 4, entries: ents(2, 2) }, last: 2, commit: 2, reject: false },
      // commit is capped at the last new entry
      { m: { term: 2, logTerm: 1, index: 1, commit: 3 }, last: 2, commit: 1, reject: false },
      { m: { term: 2, logTerm: 1, index: 1, commit: 3, entries: ents(2, 2) }, last: 2, commit: 2, reject: false },
      { m: { term: 2, logTerm: 2, index: 2, commit: 3 }, last: 2, commit: 2, reject: false },
      { m: { term: 2, logTerm: 2, index: 2, commit: 4 }, last: 2, commit: 2, reject: false },
    ];
    for (const [i, c] of cases.entries()) {
      const { r } = newRaft('1', newStorage({ voters: ['1'], terms: [1, 2] }));
      r.becomeFollower(2, '0');
      r.step(msg({ type: 'MsgApp', from: '2', to: '1', ...c.m }));
      expect([r.raftLog.lastIndex(), r.raftLog.committed], `#${i}`).toEqual([c.last, c.commit]);
      const ms = readMsgs(r);
      expect(ms.map((m) => [m.type, m.reject]), `#${i}`).toEqual([['MsgAppResp', c.reject]]);
    }
  });

  it('a follower replaces a divergent uncommitted tail with the leader\'s entries', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1', '2', '3'], terms: [1, 1, 2, 2, 2] }));
    r.becomeFollower(3, '1');
    r.raftLog.commitTo(2);
    r.step(msg({ type: 'MsgApp', from: '1', to: '2', term: 3, index: 2, logTerm: 1, entries: ents(3, 3, 3), commit: 4 }));
    expect(logOf(r)).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
      [4, 3],
    ]);
    expect(r.raftLog.committed).toBe(4);
    expect(readMsgs(r).map((m) => [m.type, m.index, m.reject])).toEqual([['MsgAppResp', 4, false]]);
    // An append below the commit index is answered with the commit index, not rejected.
    r.step(msg({ type: 'MsgApp', from: '1', to: '2', term: 3, index: 1, logTerm: 1, entries: ents(2, 1) }));
    expect(readMsgs(r).map((m) => [m.type, m.index, m.reject])).toEqual([['MsgAppResp', 4, false]]);
    expect(logOf(r)).toHaveLength(4);
  });

  it('rewriting a committed entry is a fatal error', () => {
    const { r } = newRaft('2', newStorage({ voters: ['1', '2', '3'], terms: [1, 1, 1] }));
    r.becomeFollower(3, '1');
    r.raftLog.commitTo(3);
    expect(() => r.raftLog.maybeAppend(1, 1, 3, ents(2, 3, 3))).toThrow('entry 2 conflict with committed entry [committed(3)]');
  });
});

describe('replicate_pause: a full inflight window pauses, and the stream recovers', () => {
  it('the follower gets exactly maxInflightMsgs appends while its acks are lost, then converges', () => {
    const nw = new Network(3, { maxInflightMsgs: 3 });
    nw.campaign('1');
    const lead = nw.node('1').rn.raft;
    const pr3 = lead.prs.progress.get('3')!;
    expect(pr3.state).toBe('StateReplicate');
    nw.cut.add('3>1');
    nw.delivered = [];
    for (let i = 0; i < 5; i++) nw.propose('1', `p${i}`);
    const apps = nw.delivered.filter((m) => m.type === 'MsgApp' && m.to === '3' && m.entries.length > 0);
    expect(apps.map((m) => m.entries.map((e) => e.index))).toEqual([[5], [6], [7]]);
    expect(pr3.isPaused()).toBe(true);
    expect(pr3.inflights.count).toBe(3);
    expect(lead.raftLog.committed).toBe(9);
    expect(nw.node('3').rn.raft.raftLog.lastIndex()).toBe(7);

    nw.cut.clear();
    nw.tick('1');
    for (const id of ['1', '2', '3']) {
      const r = nw.node(id).rn.raft;
      expect([r.raftLog.lastIndex(), r.raftLog.committed], id).toEqual([9, 9]);
    }
    expect(pr3.match).toBe(9);
    expect(pr3.inflights.count).toBe(0);
    expect(nw.node('3').applied.map((a) => a.data).slice(-5)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('a lost append makes the follower reject the next one; the leader probes back and converges', () => {
    const nw = new Network(3, { maxInflightMsgs: 3 });
    nw.campaign('1');
    const lead = nw.node('1').rn.raft;
    let dropped = 0;
    nw.hook = (m) => !(m.type === 'MsgApp' && m.to === '3' && m.entries.length > 0 && dropped++ === 0);
    nw.delivered = [];
    for (let i = 0; i < 4; i++) nw.propose('1', `p${i}`);
    const rejects = nw.delivered.filter((m) => m.type === 'MsgAppResp' && m.from === '3' && m.reject);
    expect(rejects.map((m) => [m.index, m.rejectHint, m.logTerm])).toEqual([[5, 4, 2]]);
    const pr3 = lead.prs.progress.get('3')!;
    expect(pr3.state).toBe('StateReplicate');
    expect(pr3.match).toBe(8);
    expect(nw.node('3').rn.raft.raftLog.committed).toBe(8);
  });
});
