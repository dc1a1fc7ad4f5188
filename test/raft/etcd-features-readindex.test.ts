// ReadIndex, ReadOnlySafe (etcd-io/raft: TestReadOnlyOptionSafe, TestReadOnlyWithLearner,
// TestReadOnlyForNewLeader, TestRaftFreesReadOnlyMem).
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { Network, drain, newNode } from './harness.ts';
import { local, networkOf, newLeader, newStorage, readMsgs, types } from './etcd-features-helpers.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function readIndex(nw: Network, id: string, ctx: string): void {
  nw.node(id).rn.readIndex(enc.encode(ctx));
  nw.send(drain(nw.node(id)));
}

const states = (nw: Network, id: string) => nw.node(id).readStates.map((rs) => [rs.index, dec.decode(rs.requestCtx)]);

describe('ReadIndex (ReadOnlySafe)', () => {
  it('TestReadOnlyOptionSafe: reads at the leader and at followers return the commit index', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const cases: [string, string][] = [
      ['1', 'ctx1'],
      ['2', 'ctx2'],
      ['3', 'ctx3'],
      ['1', 'ctx4'],
      ['2', 'ctx5'],
      ['3', 'ctx6'],
    ];
    let want = 4;
    for (const [id, ctx] of cases) {
      for (let j = 0; j < 10; j++) nw.propose('1', '');
      want += 10;
      nw.node(id).readStates = [];
      readIndex(nw, id, ctx);
      expect(states(nw, id), ctx).toEqual([[want, ctx]]);
    }
    expect(nw.node('1').rn.raft.raftLog.committed).toBe(64);
  });

  it('the read waits for a quorum of heartbeat acks carrying its context', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('1');
    readIndex(nw, '1', 'r');
    expect(states(nw, '1')).toEqual([]);
    const lead = nw.node('1').rn.raft;
    expect(lead.readOnly.readIndexQueue).toHaveLength(1);
    nw.heal();
    nw.tick('1');
    expect(states(nw, '1')).toEqual([[4, 'r']]);
    // TestRaftFreesReadOnlyMem: nothing is left behind.
    expect(lead.readOnly.readIndexQueue).toHaveLength(0);
    expect(lead.readOnly.pendingReadIndex.size).toBe(0);
  });

  it('the leader sends the read context in its heartbeats and serves the read on the first quorum ack', () => {
    const { r } = newLeader({ voters: ['1', '2', '3'] });
    r.raftLog.commitTo(r.raftLog.lastIndex());
    r.step(msg({ type: 'MsgReadIndex', from: '2', entries: [{ index: 0, term: 0, type: 'EntryNormal', data: enc.encode('ctx') }] }));
    const hb = readMsgs(r);
    expect(hb.map((m) => [m.type, m.to, dec.decode(m.context!)])).toEqual([
      ['MsgHeartbeat', '2', 'ctx'],
      ['MsgHeartbeat', '3', 'ctx'],
    ]);
    r.step(msg({ type: 'MsgHeartbeatResp', from: '3', to: '1', term: r.term, context: enc.encode('ctx') }));
    const out = readMsgs(r).filter((m) => m.type === 'MsgReadIndexResp');
    expect(out.map((m) => [m.to, m.index, dec.decode(m.entries[0]!.data)])).toEqual([['2', 1, 'ctx']]);
    expect(r.readStates).toEqual([]);
    // A second ack for the same context does nothing.
    r.step(msg({ type: 'MsgHeartbeatResp', from: '2', to: '1', term: r.term, context: enc.encode('ctx') }));
    expect(readMsgs(r).filter((m) => m.type === 'MsgReadIndexResp')).toEqual([]);
  });

  it('a follower forwards MsgReadIndex to the leader and gets a MsgReadIndexResp', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.propose('1', 'a');
    nw.delivered = [];
    readIndex(nw, '2', 'f');
    const fwd = nw.delivered.filter((m) => m.type === 'MsgReadIndex');
    expect(fwd.map((m) => [m.from, m.to])).toEqual([['2', '1']]);
    const resp = nw.delivered.filter((m) => m.type === 'MsgReadIndexResp');
    expect(resp.map((m) => [m.from, m.to, m.index])).toEqual([['1', '2', 5]]);
    expect(states(nw, '2')).toEqual([[5, 'f']]);
    expect(states(nw, '1')).toEqual([]);
  });

  it('with no leader a follower drops the read', () => {
    const nw = new Network(3);
    readIndex(nw, '2', 'x');
    expect(states(nw, '2')).toEqual([]);
    expect(nw.delivered.filter((m) => m.type === 'MsgReadIndex')).toHaveLength(0);
    expect(nw.node('2').logs).toContain('2 no leader at term 1; dropping index reading msg');
  });

  it('a malformed MsgReadIndexResp is ignored by the follower', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.send([msg({ type: 'MsgReadIndexResp', from: '1', to: '2', term: 2, index: 4 })]);
    expect(states(nw, '2')).toEqual([]);
    expect(nw.node('2').logs).toContain('2 invalid format of MsgReadIndexResp from 1, entries count: 0');
  });

  it('a single-voter leader answers at once', () => {
    const nw = networkOf([newStorage({ voters: ['1'] })]);
    nw.campaign('1');
    nw.propose('1', 'a');
    readIndex(nw, '1', 's');
    expect(states(nw, '1')).toEqual([[2, 's']]);
  });

  it('TestReadOnlyWithLearner: a learner can read through the leader', () => {
    const spec = { voters: ['1'], learners: ['2'] };
    const nw = networkOf([newStorage(spec), newStorage(spec)]);
    nw.campaign('1');
    let want = 1;
    for (const [id, ctx] of [
      ['1', 'ctx1'],
      ['2', 'ctx2'],
      ['1', 'ctx3'],
      ['2', 'ctx4'],
    ] as const) {
      for (let j = 0; j < 10; j++) nw.propose('1', '');
      want += 10;
      nw.node(id).readStates = [];
      readIndex(nw, id, ctx);
      expect(states(nw, id), ctx).toEqual([[want, ctx]]);
    }
  });

  it('heartbeat acks from learners do not make a read quorum', () => {
    const spec = { voters: ['1', '2'], learners: ['3'] };
    const nw = networkOf([newStorage(spec), newStorage(spec), newStorage(spec)]);
    nw.campaign('1');
    nw.propose('1', 'a');
    nw.isolate('2');
    nw.delivered = [];
    readIndex(nw, '1', 'l');
    expect(nw.delivered.some((m) => m.type === 'MsgHeartbeatResp' && m.from === '3')).toBe(true);
    expect(states(nw, '1')).toEqual([]);
    nw.heal();
    nw.tick('1');
    expect(states(nw, '1')).toEqual([[2, 'l']]);
  });

  it('TestReadOnlyForNewLeader: a new leader holds reads until it commits an entry of its term', () => {
    const nw = new Network(3);
    nw.dropTypes.add('MsgApp');
    nw.campaign('1');
    const lead = nw.node('1').rn.raft;
    expect(lead.state).toBe('StateLeader');
    expect(lead.raftLog.committed).toBe(3);
    expect(lead.raftLog.term(3)).toBe(1);
    // A heartbeat tells node 2 who leads (the appends are still being dropped).
    nw.tick('1', lead.heartbeatTimeout);
    expect(nw.node('2').rn.raft.lead).toBe('1');
    expect(lead.raftLog.committed).toBe(3);

    readIndex(nw, '1', 'early');
    readIndex(nw, '2', 'early2');
    expect(states(nw, '1')).toEqual([]);
    expect(states(nw, '2')).toEqual([]);
    expect(lead.pendingReadIndexMessages).toHaveLength(2);
    // Held: no heartbeat round has been started for them.
    expect(lead.readOnly.readIndexQueue).toHaveLength(0);

    nw.dropTypes.clear();
    nw.tick('1', lead.heartbeatTimeout);
    expect(lead.raftLog.committed).toBe(4);
    expect(lead.raftLog.term(4)).toBe(lead.term);
    expect(lead.pendingReadIndexMessages).toHaveLength(0);
    // The held reads are answered with the new commit index, not the stale 3.
    expect(states(nw, '1')).toEqual([[4, 'early']]);
    expect(states(nw, '2')).toEqual([[4, 'early2']]);

    readIndex(nw, '1', 'later');
    expect(states(nw, '1')).toEqual([
      [4, 'early'],
      [4, 'later'],
    ]);
  });

  it('TestReadOnlyForNewLeader (restarted nodes): the leader\'s stale commit index is never served', () => {
    // Node 1 restarts knowing commit 1; nodes 2 and 3 know commit 2 and compacted up to it.
    const nw = new Network(0);
    for (const [id, committed, compact] of [
      ['1', 1, 0],
      ['2', 2, 2],
      ['3', 2, 2],
    ] as const) {
      const s = newStorage({ voters: ['1', '2', '3'], terms: [1, 1], hardState: { term: 1, commit: committed } });
      if (compact) s.compact(compact);
      nw.nodes.set(id, newNode(id, [], { applied: committed }, s));
    }
    nw.settle();
    nw.dropTypes.add('MsgApp');
    nw.campaign('1');
    const lead = nw.node('1').rn.raft;
    expect(lead.state).toBe('StateLeader');
    expect(lead.raftLog.committed).toBe(1);
    readIndex(nw, '1', 'ctx');
    expect(states(nw, '1')).toEqual([]);

    nw.dropTypes.clear();
    nw.tick('1', lead.heartbeatTimeout);
    expect(lead.raftLog.committed).toBe(3);
    expect(lead.raftLog.term(3)).toBe(lead.term);
    expect(states(nw, '1')).toEqual([[3, 'ctx']]);
    nw.propose('1', '');
    readIndex(nw, '1', 'ctx2');
    expect(states(nw, '1')).toEqual([
      [3, 'ctx'],
      [4, 'ctx2'],
    ]);
  });

  it('a candidate ignores MsgReadIndex', () => {
    const nw = new Network(3, { preVote: false });
    nw.isolate('1');
    nw.campaign('1');
    expect(nw.node('1').rn.raft.state).toBe('StateCandidate');
    readIndex(nw, '1', 'c');
    expect(states(nw, '1')).toEqual([]);
    expect(types(nw.node('1').rn.raft.msgs)).toEqual([]);
  });

  it('reads queued in one heartbeat round are all released by its acks, in order', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('1');
    readIndex(nw, '1', 'a');
    nw.heal();
    nw.propose('1', 'x');
    nw.isolate('1');
    readIndex(nw, '1', 'b');
    expect(states(nw, '1')).toEqual([]);
    nw.heal();
    // The next heartbeat carries the last pending context, which confirms both.
    local(nw, '1', { type: 'MsgBeat' });
    expect(states(nw, '1')).toEqual([
      [4, 'a'],
      [5, 'b'],
    ]);
  });
});
