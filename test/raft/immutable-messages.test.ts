// A simulated network may deliver one message object twice (duplication);
// raft must treat what it receives as read-only, as if it were decoded bytes.
import { describe, expect, it } from 'vitest';
import { msg } from '../../src/engine/raft/types.ts';
import { Network } from './harness.ts';

describe('raft never mutates the messages it steps', () => {
  it('a duplicated proposal appends twice without re-stamping the first copy', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const leader = nw.node('1').rn.raft;
    const prop = msg({ type: 'MsgProp', from: '2', entries: [{ term: 0, index: 0, type: 'EntryNormal', data: new Uint8Array([1]) }] });
    leader.step(prop);
    leader.step(prop);
    expect(prop.entries[0]).toMatchObject({ term: 0, index: 0 });
    const ents = leader.raftLog.entries(5, Number.MAX_SAFE_INTEGER);
    expect(ents.map((e) => [e.index, e.term])).toEqual([
      [5, 2],
      [6, 2],
    ]);
  });

  it('a follower forwards a copy of a proposal, leaving the original untouched', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const f = nw.node('2').rn.raft;
    const prop = msg({ type: 'MsgProp', from: '2', entries: [{ term: 0, index: 0, type: 'EntryNormal', data: new Uint8Array([1]) }] });
    f.step(prop);
    expect(prop.to).toBe('0');
    expect(f.msgs.map((m) => [m.type, m.to])).toEqual([['MsgProp', '1']]);
  });
});
