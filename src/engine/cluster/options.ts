// How a simulated cluster is set up: its options, and the options that
// rebuild a cluster from a saved image.
import type { StateMachineFactory } from './statemachine.ts';
import type { InitialMember } from './member.ts';
import type { NetworkOptions } from './network.ts';
import type { ClusterImage, ClusterSettings } from './image.ts';

export interface ClusterOptions {
  seed?: number;
  /** Initial members, 1..7 (default 3). */
  nodes?: number;
  /** ms between ticks: etcd's --heartbeat-interval (default 100). */
  heartbeatInterval?: number;
  /** etcd's --election-timeout in ms (default 1000). */
  electionTimeout?: number;
  /** Applied entries between snapshots (etcd --snapshot-count; default 100 here, 100000 in etcd). */
  snapshotCount?: number;
  /** Entries kept behind a snapshot for slow followers (etcd: 5000; default 20 here). */
  snapshotCatchUpEntries?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  /** etcd's --initial-cluster-token. */
  clusterToken?: string;
  /** Member names (default etcd0, etcd1, ...; a lone node is etcd's "default"). */
  names?: string[];
  /** An explicit --initial-cluster: names and peer URLs decide the member IDs, as in etcd. */
  members?: InitialMember[];
  network?: NetworkOptions;
  /** Trace records kept in the ring buffer (0 = keep none; subscribers still get them). */
  traceCapacity?: number;
  stateMachine?: StateMachineFactory;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
  /** Unix seconds at virtual time 0; etcd mixes the add time into runtime-added member IDs. */
  startUnix?: number;
  /**
   * Start from a saved image instead of bootstrapping: its settings replace
   * the options above, the clock resumes at its time, and the members that
   * were up restart from their own disks (a whole-cluster restart) as the
   * first event.
   */
  restore?: ClusterImage;
}

/** Options that rebuild the cluster an image was taken of (settings and restore). */
export function restoreOptions(img: ClusterImage): ClusterSettings & { restore: ClusterImage } {
  return { ...img.settings, restore: img };
}
