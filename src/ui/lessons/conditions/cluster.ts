// Conditions on the cluster: the leader and term, members' processes, the
// network, membership and the members' raft logs.
import { leader, logTermAt, member, term } from '../probe.ts';
import type { StepContext } from '../types.ts';
import { memoOr, type ConditionKind } from './kinds.ts';

const nodeOf = (ctx: StepContext, v: string | number | boolean | undefined) => member(ctx.world, memoOr(ctx, v));

/** The member runs, and follows the current leader at the leader's term. */
function follows(ctx: StepContext, v: string | number | boolean | undefined): boolean {
  const n = nodeOf(ctx, v);
  const l = leader(ctx.world);
  return n?.isUp() === true && l !== undefined && l !== n && n.rn!.raft.lead === l.id && n.rn!.raft.term === l.rn!.raft.term;
}

export const CLUSTER_KINDS: Record<string, ConditionKind> = {
  /** Some member leads (true), or none does (false). */
  hasLeader: { options: [], test: (ctx, c) => (leader(ctx.world) !== undefined) === (c.hasLeader === true) },
  /** A leader other than the remembered one leads. */
  leaderChanged: {
    options: [],
    test: (ctx, c) => {
      const l = leader(ctx.world);
      return l !== undefined && l.isUp() && l.name !== memoOr(ctx, c.leaderChanged);
    },
  },
  /** The cluster's term is higher than the remembered one. */
  termAbove: { options: [], test: (ctx, c) => term(ctx.world) > Number(memoOr(ctx, c.termAbove)) },
  /** The member's process is down (killed or stopped). */
  down: {
    options: [],
    test: (ctx, c) => {
      const n = nodeOf(ctx, c.down);
      return n !== undefined && (n.life === 'crashed' || n.life === 'stopped');
    },
  },
  follows: { options: [], test: (ctx, c) => follows(ctx, c.follows) },
  /**
   * The member follows the leader and the log entry remembered as uncommitted
   * ("index:term" in the memo entry "entry") now holds another term: the
   * leader overwrote it. With no entry remembered, following is enough.
   */
  replaced: {
    options: ['entry'],
    test: (ctx, c) => {
      if (!follows(ctx, c.replaced)) return false;
      const stray = String(ctx.memo[String(c.entry)] ?? '');
      if (!stray) return true;
      const [index, t] = stray.split(':').map(Number);
      const n = nodeOf(ctx, c.replaced)!;
      return n.rn!.raft.raftLog.committed >= index! && logTermAt(n, index!) !== t;
    },
  },
  /** The network is split (true) or whole again (false). */
  partitioned: { options: [], test: (ctx, c) => ctx.world.etcd.cluster.network.partitioned() === (c.partitioned === true) },
  /** The member (by name) is in the cluster, running; "learner" true/false checks its kind. */
  member: {
    options: ['learner'],
    test: (ctx, c) => {
      const w = ctx.world.etcd.cluster;
      const n = nodeOf(ctx, c.member);
      if (!n || w.removed.has(n.id) || !n.isUp()) return false;
      return c.learner === undefined || w.members.get(n.id)?.isLearner === (c.learner === true);
    },
  },
  /** The member was removed from the cluster. */
  removed: {
    options: [],
    test: (ctx, c) => {
      const n = nodeOf(ctx, c.removed);
      return n !== undefined && ctx.world.etcd.cluster.removed.has(n.id);
    },
  },
  /** Every running member has applied everything the leader committed. */
  caughtUp: {
    options: [],
    test: (ctx) => {
      const l = leader(ctx.world);
      if (!l) return false;
      const commit = l.rn!.raft.raftLog.committed;
      const c = ctx.world.etcd.cluster;
      return [...c.nodes.values()].every((n) => c.removed.has(n.id) || !n.isUp() || (n.rn!.raft.raftLog.applied >= commit));
    },
  },
};
