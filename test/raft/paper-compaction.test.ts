// The Raft paper, §7 (log compaction): snapshots in MemoryStorage, a leader
// sending InstallSnapshot (MsgSnap) to a follower whose next entry was
// compacted away, and a node restoring from a snapshot. After etcd-io/raft's
// storage_test.go and the snapshot tests of raft_test.go.
import { describe, expect, it } from 'vitest';
import type { ConfState, Snapshot } from '../../src/engine/raft/types.ts';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, NONE, RaftError, msg } from '../../src/engine/raft/types.ts';
import { MemoryStorage } from '../../src/engine/raft/storage.ts';
import { Network, drain, newNode } from './harness.ts';
import { ents, logOf, newStorage, newTestRaft, readMessages } from './paper-helpers.ts';

const cs3: ConfState = { voters: ['1', '2', '3'], learners: [] };
const enc = new TextEncoder();

/** A storage holding entries 3@3, 4@4, 5@5 (3 is the dummy left by an earlier compaction). */
function storage345(): MemoryStorage {
  const s = new MemoryStorage();
  s.ents = ents(3, 3, 4, 5);
  return s;
}

function snap(index: number, term: number, cs: ConfState = cs3): Snapshot {
  return { data: enc.encode(`state@${index}`), metadata: { index, term, confState: cs } };
}

const raftErr = (text: string) => expect.objectContaining({ constructor: RaftError, message: text });

describe('§7 MemoryStorage', () => {
  it.each([
    [2, ErrCompacted, 3, 3, 3],
    [3, ErrCompacted, 3, 3, 3],
    [4, undefined, 4, 4, 2],
    [5, undefined, 5, 5, 1],
  ])('compact(%i) discards the log up to that entry (error %s)', (i, werr, windex, wterm, wlen) => {
    const s = storage345();
    if (werr) expect(() => s.compact(i)).toThrow(raftErr(werr));
    else s.compact(i);
    expect([s.ents[0]!.index, s.ents[0]!.term, s.ents.length]).toEqual([windex, wterm, wlen]);
    expect(s.firstIndex()).toBe(windex + 1);
    expect(s.lastIndex()).toBe(5);
  });

  it('terms and entries before the first index report ErrCompacted, beyond the last ErrUnavailable', () => {
    const s = storage345();
    s.compact(4);
    expect(() => s.term(3)).toThrow(raftErr(ErrCompacted));
    expect(s.term(4)).toBe(4); // the dummy keeps the compacted entry's term
    expect(s.term(5)).toBe(5);
    expect(() => s.term(6)).toThrow(raftErr(ErrUnavailable));
    expect(() => s.entries(4, 6, Infinity)).toThrow(raftErr(ErrCompacted));
    expect(s.entries(5, 6, Infinity).map((e) => [e.index, e.term])).toEqual([[5, 5]]);
  });

  it.each([
    [4, 4],
    [5, 5],
  ])('createSnapshot(%i) records the index, term %i, conf state and data', (i, wterm) => {
    const s = storage345();
    const data = enc.encode('data');
    expect(s.createSnapshot(i, cs3, data)).toEqual({ data, metadata: { index: i, term: wterm, confState: cs3 } });
    expect(s.snapshot().metadata.index).toBe(i);
    expect(() => s.createSnapshot(i, cs3, data)).toThrow(raftErr(ErrSnapOutOfDate));
  });

  it('applySnapshot replaces the whole log and refuses an older snapshot', () => {
    const s = storage345();
    s.applySnapshot(snap(10, 7));
    expect([s.firstIndex(), s.lastIndex(), s.term(10)]).toEqual([11, 10, 7]);
    expect(s.initialState().confState).toEqual(cs3);
    expect(() => s.applySnapshot(snap(9, 7))).toThrow(raftErr(ErrSnapOutOfDate));
  });
});

describe('§7 InstallSnapshot', () => {
  it('a leader sends a snapshot to a follower whose next entry was compacted away, and pauses it', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1']));
    expect(r.restore(snap(11, 11, { voters: ['1', '2'], learners: [] }))).toBe(true);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    const pr = r.prs.progress.get('2')!;
    pr.next = r.raftLog.firstIndex();
    expect(pr.next).toBe(12);

    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index: pr.next - 1, reject: true }));

    const msgs = readMessages(r);
    expect(msgs.map((m) => [m.type, m.to, m.snapshot?.metadata.index, m.snapshot?.metadata.term])).toEqual([['MsgSnap', '2', 11, 11]]);
    expect([pr.state, pr.pendingSnapshot, pr.isPaused()]).toEqual(['StateSnapshot', 11, true]);
    // Nothing more goes to 2 while the snapshot is in flight.
    r.step(msg({ type: 'MsgProp', from: '1', to: '1', entries: ents(0, 0) }));
    expect(readMessages(r).filter((m) => m.to === '2')).toEqual([]);
  });

  it('a follower installs a snapshot: log, commit and membership come from it', () => {
    const r = newTestRaft('2', 10, 1, newStorage(['1', '2']));
    r.step(msg({ type: 'MsgSnap', from: '1', to: '2', term: 2, snapshot: snap(11, 2) }));

    expect(r.lead).toBe('1');
    expect(r.term).toBe(2);
    expect([r.raftLog.firstIndex(), r.raftLog.lastIndex(), r.raftLog.lastTerm(), r.raftLog.committed]).toEqual([12, 11, 2, 11]);
    expect(r.prs.confState()).toEqual(cs3);
    expect(r.raftLog.hasPendingSnapshot()).toBe(true);
    expect(readMessages(r)).toEqual([msg({ type: 'MsgAppResp', from: '2', to: '1', term: 2, index: 11 })]);
  });

  it('a restored node does not campaign before the host has applied the snapshot', () => {
    const r = newTestRaft('1', 10, 1, newStorage(['1', '2']));
    expect(r.restore(snap(11, 11))).toBe(true);
    expect(r.restore(snap(11, 11))).toBe(false); // a second time: already have it
    for (let i = 0; i < 2 * r.electionTimeout; i++) r.tick();
    expect(r.state).toBe('StateFollower');
    expect(r.msgs).toEqual([]);
  });

  it('a snapshot the follower\'s log already covers only moves its commit index', () => {
    const s = newStorage(['1', '2', '3']);
    s.append(ents(1, 1, 1, 1));
    s.setHardState({ term: 1, vote: '1', commit: 1 });
    const r = newTestRaft('2', 10, 1, s);
    expect(r.restore(snap(1, 1))).toBe(false); // at or below commit: stale
    expect(r.raftLog.committed).toBe(1);
    expect(r.restore(snap(2, 1))).toBe(false); // matches the log: fast-forward commit
    expect(r.raftLog.committed).toBe(2);
    expect(logOf(r)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
  });

  it('a follower ignores a snapshot older than its commit index, even one its compacted log cannot check', () => {
    const s = newStorage(['1', '2', '3']);
    s.applySnapshot(snap(10, 2));
    s.append(ents(11, 2, 2, 2));
    s.setHardState({ term: 2, vote: NONE, commit: 12 });
    const r = newTestRaft('2', 10, 1, s);
    r.step(msg({ type: 'MsgSnap', from: '1', to: '2', term: 2, snapshot: snap(5, 1) }));
    expect([r.raftLog.firstIndex(), r.raftLog.lastIndex(), r.raftLog.committed]).toEqual([11, 13, 12]);
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
    expect(readMessages(r)).toEqual([msg({ type: 'MsgAppResp', from: '2', to: '1', term: 2, index: 12 })]);
  });
});

describe('§7 compaction across a cluster', () => {
  it('a follower that fell behind a compacted leader catches up through a snapshot, then through the log', () => {
    const nw = new Network(3, { preVote: false, checkQuorum: false });
    nw.campaign('1');
    nw.isolate('3');
    for (let i = 0; i < 20; i++) nw.propose('1', `v${i}`);
    const l = nw.node('1');
    const applied = l.rn.raft.raftLog.applied;
    expect(applied).toBe(24);
    l.storage.createSnapshot(applied, l.rn.raft.prs.confState(), enc.encode('kv@24'));
    l.storage.compact(applied);
    expect(l.rn.raft.raftLog.firstIndex()).toBe(25);

    nw.heal();
    nw.delivered = [];
    nw.tick('1');

    const snaps = nw.delivered.filter((m) => m.type === 'MsgSnap');
    expect(snaps.map((m) => [m.to, m.snapshot!.metadata.index, m.snapshot!.metadata.term])).toEqual([['3', 24, 2]]);
    const f = nw.node('3');
    expect(f.storage.snapshot().metadata.index).toBe(24);
    expect(new TextDecoder().decode(f.storage.snapshot().data)).toBe('kv@24');
    expect(f.rn.raft.raftLog.committed).toBe(24);
    expect(l.rn.raft.prs.progress.get('3')!.match).toBe(24);

    nw.propose('1', 'after');
    expect(f.applied.at(-1)).toEqual({ index: 25, term: 2, data: 'after' });
    expect(l.rn.raft.prs.progress.get('3')!.state).toBe('StateReplicate');
  });

  it('a node restarted from a snapshot and the log after it resumes where it left off', () => {
    const s = new MemoryStorage();
    s.applySnapshot(snap(10, 3));
    s.append(ents(11, 3, 4, 4));
    s.setHardState({ term: 4, vote: '2', commit: 12 });
    const n = newNode('1', [], { preVote: false, checkQuorum: false, applied: 11 }, s);
    const r = n.rn.raft;
    expect(r.prs.confState()).toEqual(cs3);
    expect([r.term, r.vote, r.raftLog.committed, r.raftLog.applied]).toEqual([4, '2', 12, 11]);
    expect([r.raftLog.firstIndex(), r.raftLog.lastIndex(), r.raftLog.lastTerm()]).toEqual([11, 13, 4]);
    drain(n);
    expect(n.applied.map((e) => e.index)).toEqual([12]); // only what was committed but not yet applied
  });
});
