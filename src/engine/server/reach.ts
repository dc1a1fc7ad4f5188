// Reachability between members as a server sees it over the simulated network.
import type { Cluster } from '../cluster/cluster.ts';
import { NONE, type NodeId } from '../raft/types.ts';
import type { SimNode } from '../cluster/node.ts';
import { ErrTimeout, ErrTimeoutDueToConnectionLost, ErrTimeoutDueToLeaderFail } from './request-errors.ts';

/** Whether peer answers `from` now: both directions open and its process running. */
export function reachable(c: Cluster, from: NodeId, peer: NodeId): boolean {
  const p = c.nodes.get(peer);
  if (!p || p.life !== 'running') return false;
  return !c.network.blocked(from, peer) && !c.network.blocked(peer, from);
}

/** What proposeTimeoutReason reads of a server. */
interface TimeoutView {
  readonly id: NodeId;
  readonly leadElectedTime: number;
  electionTimeout(): number;
  node(): SimNode | undefined;
  reachable(peer: NodeId): boolean;
}

/**
 * parseProposeCtxErr: why a proposal timed out. Started around a recent
 * election: the leader failed; the leader (or, on the leader, its quorum) is
 * out of reach: the connection was lost; else a plain timeout. Reachability
 * is judged now, where etcd asks whether the peer stream has been up since
 * the request started.
 */
export function proposeTimeoutReason(s: TimeoutView, start: number): string {
  const elected = s.leadElectedTime;
  if (start > elected - 2 * s.electionTimeout() && start < elected) return ErrTimeoutDueToLeaderFail;
  const n = s.node();
  const lead = n ? n.rn!.raft.lead : NONE;
  if (lead === NONE) return ErrTimeout;
  if (lead === s.id) {
    const voters = n!.confState.voters;
    const up = voters.filter((v) => v === s.id || s.reachable(v)).length;
    if (up <= voters.length / 2) return ErrTimeoutDueToConnectionLost;
  } else if (!s.reachable(lead)) {
    return ErrTimeoutDueToConnectionLost;
  }
  return ErrTimeout;
}
