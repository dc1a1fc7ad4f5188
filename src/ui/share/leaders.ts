// A run's fault settings and leader history, which the page needs at start
// (share links) without the headless replay's bare consoles, which would pull
// the whole shell into the page's first download.
import type { Cluster as SimCluster } from '../../engine/cluster/cluster.ts';
import { latencyRange } from '../model/controls.ts';
import type { FaultSettings } from './scenario.ts';

/** Sets the network's defaults as the fault bar would. */
export function applyFaults(cluster: SimCluster, f: FaultSettings | undefined): void {
  if (f?.latency !== undefined) cluster.network.setDefaults(latencyRange(f.latency));
  if (f?.drop !== undefined) cluster.network.setDefaults({ dropRate: f.drop });
}

/** One leadership: who led from when, in which term. */
export interface Leadership {
  t: number;
  leader: string;
  term: number;
}

/** Follows who becomes leader in which term; returns the list (it grows) and the undo. */
export function followLeaders(cluster: SimCluster): { list: Leadership[]; stop: () => void } {
  const list: Leadership[] = [];
  const stop = cluster.trace.subscribeLifecycle((r) => {
    if (r.kind !== 'state' || r.role !== 'leader') return;
    const leader = cluster.nodes.get(r.node)?.name ?? r.node;
    const last = list[list.length - 1];
    if (last && last.leader === leader && last.term === r.term) return;
    list.push({ t: r.t, leader, term: r.term });
  });
  return { list, stop };
}
