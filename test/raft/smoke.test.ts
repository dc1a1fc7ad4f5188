import { describe, expect, it } from 'vitest';
import { Network } from './harness.ts';

describe('raft smoke', () => {
  it('a 3-node cluster elects a leader, replicates and commits', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const l = nw.leader()!;
    expect(l.id).toBe('1');
    expect(l.rn.raft.term).toBe(2);
    nw.propose('1', 'hello');
    nw.tickAll(2);
    for (const n of nw.nodes.values()) {
      expect(n.applied.map((a) => a.data).at(-1)).toBe('hello');
      expect(n.rn.raft.raftLog.committed).toBe(5);
    }
  });
});
