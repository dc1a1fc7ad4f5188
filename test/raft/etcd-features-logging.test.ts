// etcd-style log lines (the texts of etcd-io/raft's raft.go and node.go, as in
// its testdata/*.txt) and Config validation errors.
import { describe, expect, it } from 'vitest';
import { RawNode } from '../../src/engine/raft/rawnode.ts';
import { MemoryStorage } from '../../src/engine/raft/storage.ts';
import { Network, newNode } from './harness.ts';

const config = (over: object) => ({ id: '1', electionTick: 10, heartbeatTick: 1, storage: new MemoryStorage(), rand: () => 0, ...over });

/** The lines of `logs` that match one of `wanted`, in order (other lines are skipped). */
const subsequence = (logs: string[], wanted: string[]) => logs.filter((l) => wanted.includes(l));

describe('etcd-style log lines', () => {
  it('a pre-vote campaign, as in testdata/prevote.txt', () => {
    const nw = new Network(3);
    nw.campaign('1');
    const want1 = [
      '1 is starting a new election at term 1',
      '1 became pre-candidate at term 1',
      '1 received MsgPreVoteResp from 1 at term 1',
      '1 [logterm: 1, index: 3] sent MsgPreVote request to 2 at term 1',
      '1 [logterm: 1, index: 3] sent MsgPreVote request to 3 at term 1',
      '1 received MsgPreVoteResp from 2 at term 1',
      '1 has received 2 MsgPreVoteResp votes and 0 vote rejections',
      '1 became candidate at term 2',
      '1 received MsgVoteResp from 1 at term 2',
      '1 [logterm: 1, index: 3] sent MsgVote request to 2 at term 2',
      '1 [logterm: 1, index: 3] sent MsgVote request to 3 at term 2',
      '1 received MsgVoteResp from 2 at term 2',
      '1 has received 2 MsgVoteResp votes and 0 vote rejections',
      '1 became leader at term 2',
      'raft.node: 1 elected leader 1 at term 2',
    ];
    expect(subsequence(nw.node('1').logs, want1)).toEqual(want1);
    const want2 = [
      '2 [logterm: 1, index: 3, vote: 0] cast MsgPreVote for 1 [logterm: 1, index: 3] at term 1',
      '2 [term: 1] received a MsgVote message with higher term from 1 [term: 2]',
      '2 became follower at term 2',
      '2 [logterm: 1, index: 3, vote: 0] cast MsgVote for 1 [logterm: 1, index: 3] at term 2',
      'raft.node: 2 elected leader 1 at term 2',
    ];
    expect(subsequence(nw.node('2').logs, want2)).toEqual(want2);
  });

  it('startup and configuration lines', () => {
    const nw = new Network(3);
    const logs = nw.node('3').logs;
    // The order real etcd 3.4.23 prints when bootstrapping a member.
    expect(logs.slice(0, 5)).toEqual([
      '3 switched to configuration voters=()',
      '3 became follower at term 0',
      'newRaft 3 [peers: [], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]',
      '3 became follower at term 1',
      '3 switched to configuration voters=(1)',
    ]);
    expect(logs).toContain('3 switched to configuration voters=(1 2 3)');
  });

  it('leader changes as the node reports them (raft.node: elected / changed / lost)', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.node('1').rn.transferLeader('2');
    nw.send(nw.node('1').rn.ready().messages);
    nw.settle();
    const logs = nw.node('3').logs.filter((l) => l.startsWith('raft.node:'));
    expect(logs).toEqual(['raft.node: 3 elected leader 1 at term 2', 'raft.node: 3 lost leader 1 at term 3', 'raft.node: 3 elected leader 2 at term 3']);
    // A leader that transfers away learns the new leader from its first append.
    expect(nw.node('1').logs.filter((l) => l.startsWith('raft.node:'))).toEqual([
      'raft.node: 1 elected leader 1 at term 2',
      'raft.node: 1 lost leader 1 at term 3',
      'raft.node: 1 elected leader 2 at term 3',
    ]);
  });

  it('a role change without a leader change logs no leader line', () => {
    const nw = new Network(3);
    nw.isolate('1');
    nw.campaign('1');
    expect(nw.node('1').rn.raft.state).toBe('StatePreCandidate');
    nw.heal();
    nw.campaign('2');
    expect(nw.node('2').rn.raft.state).toBe('StateLeader');
    // Node 1 went follower -> pre-candidate -> follower -> follower of 2: only one leader line.
    expect(nw.node('1').logs.filter((l) => l.startsWith('raft.node:'))).toEqual(['raft.node: 1 elected leader 2 at term 2']);
  });

  it('vote rejections and the lease', () => {
    const nw = new Network(3);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'a');
    nw.heal();
    nw.campaign('3');
    expect(nw.node('2').logs).toContain(
      '2 [logterm: 2, index: 5, vote: 1] ignored MsgPreVote from 3 [logterm: 2, index: 4] at term 2: lease is not expired (remaining ticks: 10)',
    );
  });
});

describe('config validation', () => {
  it('rejects bad configurations with etcd\'s messages', () => {
    expect(() => new RawNode(config({ heartbeatTick: 0 }))).toThrow('heartbeat tick must be greater than 0');
    expect(() => new RawNode(config({ heartbeatTick: -1 }))).toThrow('heartbeat tick must be greater than 0');
    expect(() => new RawNode(config({ electionTick: 1, heartbeatTick: 1 }))).toThrow('election tick must be greater than heartbeat tick');
    expect(() => new RawNode(config({ electionTick: 3, heartbeatTick: 5 }))).toThrow('election tick must be greater than heartbeat tick');
    expect(() => new RawNode(config({ id: '0' }))).toThrow('cannot use none as id');
    expect(() => new RawNode(config({ maxInflightMsgs: 0 }))).toThrow('max inflight messages must be greater than 0');
  });

  it('accepts a valid configuration and applies etcd server defaults', () => {
    const rn = new RawNode(config({ electionTick: 2, heartbeatTick: 1 }));
    const c = rn.raft.cfg;
    expect([c.electionTick, c.heartbeatTick, c.maxInflightMsgs, c.maxSizePerMsg]).toEqual([2, 1, 256, 1024 * 1024]);
    expect([c.checkQuorum, c.preVote, c.disableProposalForwarding]).toEqual([true, true, false]);
  });

  it('the randomized election timeout lies in [electionTick, 2*electionTick)', () => {
    let k = 0;
    const rn = new RawNode(config({ rand: (n: number) => k++ % n }));
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      rn.raft.becomeFollower(rn.raft.term + 1, '0');
      seen.add(rn.raft.randomizedElectionTimeout);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});

describe('configuration lines print member IDs in decimal, as etcd does', () => {
  it('matches the line real etcd 3.4.23 logged for the clustering guide cluster', () => {
    const ids = ['140fedbeeb74765d', 'd5dc5f8d75d04e29', '8a0a11c6194fc77'];
    const n = newNode('140fedbeeb74765d', ids);
    expect(n.logs).toContain(
      '140fedbeeb74765d switched to configuration voters=(621673891845438583 1445635409659065949 15410297086126607913)',
    );
  });
});
