// Plain-data views of a running cluster for the UI. The UI renders only these
// (copied into its reactive state each frame); it never holds engine objects.
import type { NodeId } from '../raft/types.ts';
import type { Cluster } from './cluster.ts';
import type { LinkConditions } from './network.ts';
import type { NodeLife } from './node.ts';
import type { Role } from './trace.ts';

export interface NodeSnapshot {
  id: NodeId;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  role: Role;
  life: NodeLife;
  /** Membership as the leader applied it. */
  membership: 'voter' | 'learner' | 'removed' | 'unknown';
  term: number;
  vote: NodeId;
  lead: NodeId;
  commit: number;
  applied: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  /** Only while the process runs. */
  electionElapsed?: number;
  randomizedElectionTimeout?: number;
  /** Messages buffered while paused. */
  inbox: number;
}

export interface ClusterSnapshot {
  /** Virtual time in ms. */
  time: number;
  seed: number;
  clusterId: NodeId;
  leader: NodeId | undefined;
  nodes: NodeSnapshot[];
  network: { defaults: LinkConditions; partitioned: boolean };
}

export function snapshotCluster(c: Cluster): ClusterSnapshot {
  const nodes: NodeSnapshot[] = [];
  for (const n of c.nodes.values()) {
    const m = c.members.get(n.id);
    const st = n.disk.raft;
    const r = n.rn?.raft;
    const hs = r ? r.hardState() : st.hardState;
    nodes.push({
      id: n.id,
      name: n.name,
      peerURLs: m ? [...m.peerURLs] : [],
      clientURLs: m ? [...m.clientURLs] : [],
      role: n.role(),
      life: n.life,
      membership: c.memberStatus(n.id),
      term: hs.term,
      vote: hs.vote,
      lead: r ? r.lead : '0',
      commit: hs.commit,
      applied: n.applied,
      firstIndex: r ? r.raftLog.firstIndex() : st.firstIndex(),
      lastIndex: r ? r.raftLog.lastIndex() : st.lastIndex(),
      snapshotIndex: st.snapshot().metadata.index,
      electionElapsed: r?.electionElapsed,
      randomizedElectionTimeout: r?.randomizedElectionTimeout,
      inbox: n.inbox.length,
    });
  }
  return {
    time: c.now(),
    seed: c.seed,
    clusterId: c.clusterId(),
    leader: c.leader()?.id,
    nodes,
    network: { defaults: c.network.getDefaults(), partitioned: c.network.partitioned() },
  };
}
