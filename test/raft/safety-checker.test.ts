// The safety checker must catch each kind of violation it claims to check,
// or the property tests built on it prove nothing.
import { describe, expect, it } from 'vitest';
import { RaftSafetyChecker } from '../../src/engine/check/raft-safety.ts';
import { Network } from './harness.ts';

const observe = (nw: Network) => [...nw.nodes.values()].map((n) => ({ id: n.id, rn: n.rn }));

describe('RaftSafetyChecker', () => {
  it('accepts a normal run', () => {
    const nw = new Network(3);
    const c = new RaftSafetyChecker();
    nw.campaign('1');
    c.check(observe(nw));
    nw.propose('1', 'a');
    nw.tickAll(2);
    c.check(observe(nw));
    expect(c.committedIndex).toBe(5);
  });

  it('catches two leaders in one term', () => {
    const nw = new Network(3);
    const c = new RaftSafetyChecker();
    nw.isolate('3');
    nw.campaign('1');
    c.check(observe(nw));
    const r3 = nw.node('3').rn.raft;
    r3.term = nw.node('1').rn.raft.term - 1;
    r3.becomeCandidate();
    r3.becomeLeader();
    expect(() => c.check(observe(nw))).toThrow(/election safety/);
  });

  it('catches a log that diverges before a shared entry (log matching)', () => {
    const nw = new Network(3);
    const c = new RaftSafetyChecker();
    nw.campaign('1');
    nw.propose('1', 'a');
    c.check(observe(nw));
    // Rewrite node 3's entry 5 in place behind raft's back, keeping its term.
    const s = nw.node('3').storage;
    const e = s.ents[s.ents.length - 1]!;
    s.ents[s.ents.length - 1] = { ...e, data: new TextEncoder().encode('forged') };
    c.forget('3');
    nw.node('1').rn.propose(new TextEncoder().encode('b'));
    expect(() => {
      c.check(observe(nw));
    }).toThrow(/log matching/);
  });

  it('catches a committed entry that a new leader lacks', () => {
    const nw = new Network(3);
    const c = new RaftSafetyChecker();
    nw.campaign('1');
    nw.propose('1', 'a');
    nw.tickAll(1);
    c.check(observe(nw));
    const r2 = nw.node('2').rn.raft;
    r2.raftLog.unstable.entries.length = 0;
    // Pretend 2 lost its entries and became leader anyway.
    nw.node("2").storage.ents.length = 5;
    r2.raftLog.committed = 4;
    c.forget('2');
    r2.term = 5;
    r2.becomeCandidate();
    r2.becomeLeader();
    expect(() => c.check(observe(nw))).toThrow(/leader completeness|committed entry lost|commit index/);
  });

  it('catches two nodes applying different entries at one index', () => {
    const c = new RaftSafetyChecker();
    const enc = new TextEncoder();
    c.observeApply('1', { index: 7, term: 2, type: 'EntryNormal', data: enc.encode('x') });
    expect(() => c.observeApply('2', { index: 7, term: 2, type: 'EntryNormal', data: enc.encode('y') })).toThrow(/state machine safety/);
  });
});

describe('RaftSafetyChecker and deposed leaders', () => {
  it('does not require a deposed leader that has not noticed yet to hold newer commits', () => {
    const nw = new Network(3);
    const c = new RaftSafetyChecker();
    nw.campaign('1');
    c.check(observe(nw));
    nw.isolate('1');
    // 2 and 3 wait out their leader lease, then elect a new leader among themselves.
    for (let i = 0; i < 30 && nw.node('2').rn.raft.state !== 'StateLeader' && nw.node('3').rn.raft.state !== 'StateLeader'; i++) {
      nw.tick('2');
      nw.tick('3');
    }
    const next = nw.node('2').rn.raft.state === 'StateLeader' ? '2' : '3';
    nw.propose(next, 'x');
    c.check(observe(nw));
    expect(c.committedIndex).toBe(6);
    expect(nw.node('1').rn.raft.state).toBe('StateLeader');
    expect(() => c.check(observe(nw))).not.toThrow();
  });
});
