// Lesson: find the leader, kill it, watch a new one get elected, keep
// writing, and bring the old leader back as a follower.
import { allEndpoints, keyState, leader, nameOf, nodeById, ranOk, term } from './probe.ts';
import type { Lesson } from './types.ts';

export const failover: Lesson = {
  id: 'failover',
  title: 'Leader election and failover',
  summary: 'Kill the leader, watch the election, keep writing, bring the old leader back.',
  steps: [
    {
      title: 'Talk to every member',
      text:
        'etcdctl talks to 127.0.0.1:2379 (etcd0) unless told otherwise. Give it every member\'s client URL, so it can switch ' +
        'to another one when the member it uses goes down.',
      command: ({ world }) => `export ETCDCTL_ENDPOINTS=${allEndpoints(world)}`,
      check: ({ ran }) => ranOk(ran, /^export ETCDCTL_ENDPOINTS=/),
    },
    {
      title: 'Find the leader',
      text:
        'One member leads: it orders every write in its raft log and replicates it. `endpoint status` asks each member about ' +
        'itself: `IS LEADER` marks the leader, `RAFT TERM` is the current election term (every member agrees on it).',
      command: 'etcdctl endpoint status --cluster -w table',
      check: ({ ran }) => ranOk(ran, /^etcdctl .*endpoint status/),
    },
    {
      title: 'Kill the leader',
      text:
        'Crash the leader\'s process. The followers stop hearing its heartbeats; after an election timeout (1 s here, with a ' +
        'random extra so they rarely start together) one of them asks for votes.',
      begin: ({ world, memo }) => {
        const l = leader(world);
        if (l) memo.leader = l.id;
        memo.term = term(world);
      },
      command: ({ world, memo }) => `kill ${nameOf(world, memo.leader ?? leader(world)?.id)}`,
      check: ({ world, memo }) => {
        const n = nodeById(world, memo.leader);
        return n !== undefined && (n.life === 'crashed' || n.life === 'stopped');
      },
      hint: 'If the leader changed before you ran it, the command follows the leader it names at the start of the step.',
    },
    {
      title: 'A new leader',
      text:
        'Watch the Cluster tab: a follower first runs a pre-vote (would the others vote for it?), then becomes a candidate in a ' +
        'new, higher term and wins the votes of a majority: 2 of 3 members is enough, so the cluster keeps working with one ' +
        'member down. `members` shows the new leader and term.',
      command: 'members',
      check: ({ world, memo }) => {
        const l = leader(world);
        return l !== undefined && l.id !== memo.leader && term(world) > Number(memo.term);
      },
      hint: 'An election takes about one to two seconds of simulated time; check that the simulation is not paused.',
    },
    {
      title: 'Writes still work',
      text:
        'With a majority up, writes commit as before. etcdctl finds a member that is up among its endpoints; a follower ' +
        'forwards the write to the new leader.',
      command: 'etcdctl put after-failover still-writable',
      check: ({ world }) => keyState(world, 'after-failover') !== undefined,
    },
    {
      title: 'Bring the old leader back',
      text:
        'Restart the member you killed. It comes back from its disk (its raft log and term), starts as a follower, hears the ' +
        'new leader\'s higher term and catches up on the entries it missed.',
      command: ({ world, memo }) => `restart ${nameOf(world, memo.leader)}`,
      check: ({ world, memo }) => {
        const n = nodeById(world, memo.leader);
        const l = leader(world);
        return n?.isUp() === true && l !== undefined && l !== n && n.rn!.raft.lead === l.id && n.rn!.raft.term === l.rn!.raft.term;
      },
      hint: 'It rejoins once it has heard from the leader: a heartbeat every 100 ms.',
    },
    {
      title: 'Everyone agrees again',
      text:
        'All members report the same leader and term; the restarted one is a follower now, and its raft index catches up with ' +
        'the others. Leadership does not move back by itself.',
      command: 'etcdctl endpoint status --cluster -w table',
      check: ({ ran }) => ranOk(ran, /^etcdctl .*endpoint status/),
    },
  ],
};
