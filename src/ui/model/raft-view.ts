// Plain-data copies of what the log-replication view shows: each member's raft
// log (the last entries, with terms), its commit/applied/snapshot marks and,
// on the leader, its progress view of every follower. Read-only: nothing here
// changes the engine, and nothing engine-owned escapes into the result.
import type { Cluster } from '../../engine/cluster/cluster.ts';
import type { SimNode } from '../../engine/cluster/node.ts';
import type { NodeId } from '../../engine/raft/types.ts';

export type EntryKind = 'normal' | 'noop' | 'conf';

export interface EntryView {
  index: number;
  term: number;
  kind: EntryKind;
  /** Payload size in bytes (the details live in the entry; this is for the tooltip). */
  bytes: number;
}

export interface ProgressView {
  id: NodeId;
  match: number;
  next: number;
  state: 'probe' | 'replicate' | 'snapshot';
  /** The leader will not send more right now (probe outstanding, window full, snapshot pending). */
  paused: boolean;
  inflight: number;
  pendingSnapshot: number;
  recentActive: boolean;
  learner: boolean;
}

export interface RaftLogView {
  id: NodeId;
  name: string;
  up: boolean;
  /** First index still in the log (entries below it are in the snapshot). */
  firstIndex: number;
  lastIndex: number;
  /** Last index written to the member's disk (entries above it are not yet persisted). */
  stableIndex: number;
  snapshotIndex: number;
  commit: number;
  applied: number;
  term: number;
  /** The entries in [from, lastIndex] that are still in the log (from = max(firstIndex, lastIndex - window + 1)). */
  entries: EntryView[];
  /** On the leader: its view of every member. */
  progress: ProgressView[] | undefined;
}

const STATE = { StateProbe: 'probe', StateReplicate: 'replicate', StateSnapshot: 'snapshot' } as const;

function entriesOf(n: SimNode, lo: number, hi: number): EntryView[] {
  if (hi < lo) return [];
  try {
    const ents = n.rn ? n.rn.raft.raftLog.slice(lo, hi + 1, Infinity) : n.disk.raft.entries(lo, hi + 1, Infinity);
    return ents.map((e) => ({
      index: e.index,
      term: e.term,
      kind: e.type === 'EntryConfChange' ? 'conf' : e.data.length === 0 ? 'noop' : 'normal',
      bytes: e.data.length,
    }));
  } catch {
    // A compaction raced the bounds: show no entries this frame rather than fail.
    return [];
  }
}

/** The log view of every member, the newest `window` entries each. */
export function snapshotRaftLogs(c: Cluster, window = 40): RaftLogView[] {
  const out: RaftLogView[] = [];
  for (const n of c.nodes.values()) {
    const st = n.disk.raft;
    const r = n.rn?.raft;
    const firstIndex = r ? r.raftLog.firstIndex() : st.firstIndex();
    const lastIndex = r ? r.raftLog.lastIndex() : st.lastIndex();
    const from = Math.max(firstIndex, lastIndex - window + 1);
    let progress: ProgressView[] | undefined;
    if (r && r.state === 'StateLeader') {
      progress = [];
      for (const [id, p] of r.prs.progress) {
        progress.push({
          id,
          match: p.match,
          next: p.next,
          state: STATE[p.state],
          paused: p.isPaused(),
          inflight: p.inflights.count,
          pendingSnapshot: p.pendingSnapshot,
          recentActive: p.recentActive,
          learner: p.isLearner,
        });
      }
    }
    out.push({
      id: n.id,
      name: n.name,
      up: n.rn !== undefined,
      firstIndex,
      lastIndex,
      stableIndex: st.lastIndex(),
      snapshotIndex: st.snapshot().metadata.index,
      commit: r ? r.raftLog.committed : st.initialState().hardState.commit,
      applied: n.applied,
      term: r ? r.term : st.initialState().hardState.term,
      entries: entriesOf(n, from, lastIndex),
      progress,
    });
  }
  return out;
}
