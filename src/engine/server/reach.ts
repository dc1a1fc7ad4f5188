// Reachability between members as a server sees it over the simulated network.
import type { Cluster } from '../cluster/cluster.ts';
import type { NodeId } from '../raft/types.ts';

/** Whether peer answers `from` now: both directions open and its process running. */
export function reachable(c: Cluster, from: NodeId, peer: NodeId): boolean {
  const p = c.nodes.get(peer);
  if (!p || p.life !== 'running') return false;
  return !c.network.blocked(from, peer) && !c.network.blocked(peer, from);
}
