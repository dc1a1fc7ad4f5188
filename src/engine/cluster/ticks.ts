// etcd 3.4's adjustTicks: a member that starts fast-forwards its election
// clock, so a fresh cluster elects a leader soon after start rather than a
// whole election timeout later.
import type { NodeId } from '../raft/types.ts';
import type { Network } from './network.ts';
import type { SimNode } from './node.ts';

interface TickHost {
  readonly nodes: Map<NodeId, SimNode>;
  readonly network: Network;
  after(ms: number, fn: () => void): void;
}

/**
 * A single-member cluster fast-forwards to one tick before its election
 * timeout; a multi-member one, once it sees more than one active peer
 * (polled every 50 ms for up to 5 s), to two ticks before.
 */
export function adjustTicks(host: TickHost, node: SimNode, epoch: number, electionTick: number): void {
  const et = electionTick;
  const clusterN = node.confState.voters.length + node.confState.learners.length;
  if (clusterN === 1) {
    node.log('I', 'etcdserver', `${node.id} as single-node; fast-forwarding ${et - 1} ticks (election ticks ${et})`);
    for (let i = 0; i < et - 1; i++) node.tick();
    return;
  }
  let tries = 0;
  const poll = (): void => {
    if (node.epoch !== epoch || !node.isUp()) return;
    const peerN = activePeers(host, node);
    if (peerN > 1) {
      node.log('I', 'etcdserver', `${node.id} initialized peer connection; fast-forwarding ${et - 2} ticks (election ticks ${et}) with ${peerN} active peer(s)`);
      for (let i = 0; i < et - 2; i++) node.tick();
      return;
    }
    if (++tries < 100) host.after(50, poll);
  };
  host.after(50, poll);
}

/** Peers this node has a working connection to (up, and not cut off either way). */
function activePeers(host: TickHost, node: SimNode): number {
  let n = 0;
  for (const id of [...node.confState.voters, ...node.confState.learners]) {
    if (id === node.id) continue;
    const p = host.nodes.get(id);
    if (!p || (p.life !== 'running' && p.life !== 'paused')) continue;
    if (host.network.blocked(node.id, id) || host.network.blocked(id, node.id)) continue;
    n++;
  }
  return n;
}
