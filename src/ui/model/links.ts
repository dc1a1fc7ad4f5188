// The state of every link between members, as plain data for the ring: a
// partition or a one-way cut blocks a direction; a per-link override changes
// its latency or loss. Read-only on the engine's network.
import type { Cluster } from '../../engine/cluster/cluster.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import { pairs } from './ring.ts';

export type Direction = 'ok' | 'cut' | 'partition';

export interface LinkView {
  a: NodeId;
  b: NodeId;
  ab: Direction;
  ba: Direction;
}

export function snapshotLinks(c: Cluster): LinkView[] {
  const ids = [...c.nodes.keys()];
  return pairs(ids).map(([a, b]) => ({
    a,
    b,
    ab: c.network.blocked(a, b) ?? 'ok',
    ba: c.network.blocked(b, a) ?? 'ok',
  }));
}

/** How a link is drawn: open, cut one way, or down both ways. */
export function linkStatus(l: LinkView): 'up' | 'one-way' | 'down' {
  if (l.ab === 'ok' && l.ba === 'ok') return 'up';
  if (l.ab !== 'ok' && l.ba !== 'ok') return 'down';
  return 'one-way';
}

/** Partition presets as node-id groups (the network's partition() argument), given the members and the leader. */
export function partitionPreset(
  preset: 'isolate-leader' | 'minority-leader' | 'split-halves',
  ids: readonly NodeId[],
  leader: NodeId | undefined,
): NodeId[][] {
  const lead = leader ?? ids[0];
  if (lead === undefined) return [];
  const others = ids.filter((id) => id !== lead);
  if (preset === 'isolate-leader') return [[lead]];
  if (preset === 'minority-leader') {
    // The leader keeps the largest minority: its side cannot commit, the other side elects.
    const minority = Math.floor((ids.length - 1) / 2);
    return [[lead, ...others.slice(0, Math.max(0, minority - 1))]];
  }
  const half = Math.ceil(ids.length / 2);
  return [ids.slice(0, half) as NodeId[]];
}
