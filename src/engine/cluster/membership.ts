// Runtime membership changes, as etcdctl member add/promote/remove do them in
// etcd 3.4: validate against the current membership, then propose a conf change
// through raft; every member applies it when it commits.
import type { ConfChange, ConfState, NodeId } from '../raft/types.ts';
import type { Cluster } from './cluster.ts';
import type { SimNode } from './node.ts';
import { ErrIDExists, ErrLearnerNotReady, ErrMemberNotFound, ErrMemberNotLearner, ErrNoLeader, ErrPeerURLExists } from './errors.ts';
import {
  type Member,
  decodeMemberContext,
  defaultClientURLs,
  defaultMemberName,
  defaultPeerURLs,
  encodeMemberContext,
  memberId,
} from './member.ts';

export interface AddMemberOptions {
  name?: string;
  peerURLs?: string[];
  /** Propose through this member instead of the leader. */
  via?: NodeId;
  /**
   * Start the new member's process right away (default). etcdctl member add
   * does not: the member stays unstarted until someone launches it.
   */
  start?: boolean;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * etcdctl member add: proposes ConfChangeAddNode, then starts the new member
 * with an empty data dir; the leader catches it up (by snapshot if its log was
 * compacted). The ID mixes in the add time like etcd's NewMember(..., &now).
 */
export function addMember(c: Cluster, opts: AddMemberOptions = {}): Result<Member> {
  return add(c, opts, false);
}

/** etcdctl member add --learner: a non-voting member. */
export function addLearner(c: Cluster, opts: AddMemberOptions = {}): Result<Member> {
  return add(c, opts, true);
}

function add(c: Cluster, opts: AddMemberOptions, isLearner: boolean): Result<Member> {
  const via = opts.via ?? c.leader()?.id;
  if (via === undefined) return { ok: false, error: ErrNoLeader };
  const idx = c.allocIndex();
  const peerURLs = opts.peerURLs ?? defaultPeerURLs(idx);
  for (const [id, m] of c.members) {
    if (c.removed.has(id)) continue;
    if (m.peerURLs.some((u) => peerURLs.includes(u))) return { ok: false, error: ErrPeerURLExists };
  }
  const id = memberId(peerURLs, '', c.unixNow());
  if (c.members.has(id)) return { ok: false, error: ErrIDExists };
  const m: Member = { id, name: opts.name ?? defaultMemberName(idx), peerURLs, clientURLs: defaultClientURLs(idx), isLearner };
  const err = c.proposeConfChange(via, {
    type: isLearner ? 'ConfChangeAddLearnerNode' : 'ConfChangeAddNode',
    nodeId: id,
    context: encodeMemberContext(m),
  });
  if (err !== undefined) return { ok: false, error: err };
  c.spawnJoiningNode(m, opts.start ?? true);
  return { ok: true, value: m };
}

/**
 * etcdctl member promote: a learner becomes a voter through ConfChangeAddNode.
 * Like etcd 3.4, refused unless the learner's log is within 90% of the leader's.
 */
export function promoteMember(c: Cluster, id: NodeId): string | undefined {
  const leader = c.leader();
  if (!leader) return ErrNoLeader;
  const m = c.members.get(id);
  if (!m || c.removed.has(id)) return ErrMemberNotFound;
  if (c.memberStatus(id) !== 'learner') return ErrMemberNotLearner;
  const prs = leader.rn!.status().progress;
  const lm = prs[id]?.match ?? 0;
  const leaderMatch = prs[leader.id]?.match ?? 0;
  if (leaderMatch > 0 && lm / leaderMatch < 0.9) return ErrLearnerNotReady;
  return c.proposeConfChange(leader.id, {
    type: 'ConfChangeAddNode',
    nodeId: id,
    context: encodeMemberContext({ ...m, isLearner: false }),
  });
}

/** etcdctl member remove. The removed member stops itself once it applies the change. */
export function removeMember(c: Cluster, id: NodeId, via?: NodeId): string | undefined {
  const through = via ?? c.leader()?.id;
  if (through === undefined) return ErrNoLeader;
  const status = c.memberStatus(id);
  if (status === 'removed' || status === 'unknown') return ErrMemberNotFound;
  return c.proposeConfChange(through, { type: 'ConfChangeRemoveNode', nodeId: id, context: new Uint8Array(0) });
}

/**
 * What etcd's RaftCluster does when a member applies a conf change: update the
 * member list and log it. Returns true when the node applied its own removal.
 */
export function membershipApplied(c: Cluster, node: SimNode, cc: ConfChange, prev: ConfState): boolean {
  const cid = c.clusterId();
  const id = cc.nodeId;
  const pkg = 'etcdserver/membership';
  let m = c.members.get(id);
  if (!m && cc.type !== 'ConfChangeRemoveNode') {
    // Proposed without addMember (a raw conf change): learn the member from the context.
    m = decodeMemberContext(cc.context);
    if (m) c.members.set(id, m);
  }
  const urls = `[${m?.peerURLs.join(' ') ?? ''}]`;
  switch (cc.type) {
    case 'ConfChangeAddNode':
      if (prev.learners.includes(id)) {
        if (m) m.isLearner = false;
        node.log('N', pkg, `promote member ${id} in cluster ${cid}`);
      } else {
        node.log('I', pkg, `added member ${id} ${urls} to cluster ${cid}`);
      }
      return false;
    case 'ConfChangeAddLearnerNode':
      node.log('I', pkg, `added member ${id} ${urls} to cluster ${cid}`);
      return false;
    case 'ConfChangeRemoveNode':
      node.log('I', pkg, `removed member ${id} from cluster ${cid}`);
      c.removed.add(id);
      return id === node.id;
    case 'ConfChangeUpdateNode': {
      // etcd's UpdateRaftAttributes: the context carries the new peer URLs.
      const upd = decodeMemberContext(cc.context);
      if (m && upd) {
        m.peerURLs = [...upd.peerURLs];
        node.log('I', pkg, `updated member ${id} [${m.peerURLs.join(' ')}] in cluster ${cid}`);
      }
      return false;
    }
  }
}

export type MemberStatus = 'voter' | 'learner' | 'removed' | 'unknown';

/** The membership as applied by the leader (or, without one, by any live node). */
export function memberStatus(c: Cluster, id: NodeId): MemberStatus {
  if (c.removed.has(id)) return 'removed';
  const ref = c.leader() ?? [...c.nodes.values()].find((n) => n.isUp());
  const cs = ref?.confState;
  if (cs?.voters.includes(id)) return 'voter';
  if (cs?.learners.includes(id)) return 'learner';
  return 'unknown';
}

/**
 * etcd stops a member 1 s after it learns of its own removal. Each member's
 * stop is scheduled once per incarnation (epoch), and skipped if the member
 * has crashed, stopped or restarted meanwhile.
 */
export class RemovalStops {
  private readonly scheduled = new Map<NodeId, number>();

  constructor(
    private readonly after: (ms: number, fn: () => void) => void,
    private readonly halt: (node: SimNode) => void,
  ) {}

  schedule(node: SimNode): void {
    const epoch = node.epoch;
    if (this.scheduled.get(node.id) === epoch) return;
    this.scheduled.set(node.id, epoch);
    this.after(1000, () => {
      this.scheduled.delete(node.id);
      if (node.epoch !== epoch || node.life === 'crashed' || node.life === 'stopped') return;
      node.log('E', 'etcdserver', 'the member has been permanently removed from the cluster');
      node.log('I', 'etcdserver', 'the data-dir used by this member must be removed.');
      this.halt(node);
    });
  }
}
