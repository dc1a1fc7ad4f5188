// Raft's per-node configuration, validated like etcd-io/raft's Config.
import type { Storage } from './storage.ts';
import { NONE, type NodeId } from './types.ts';

export interface Config {
  id: NodeId;
  /** Ticks without a leader before a follower campaigns (etcd: election-timeout / heartbeat-interval). */
  electionTick: number;
  /** Ticks between leader heartbeats. */
  heartbeatTick: number;
  storage: Storage;
  /** Last applied index when restarting a node. */
  applied?: number;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
  checkQuorum?: boolean;
  preVote?: boolean;
  disableProposalForwarding?: boolean;
  /**
   * Unsafe, for fault-injection tests only: a leader commits whatever a quorum
   * matched even when that entry is from an earlier term, dropping Raft's
   * current-term commit rule (§5.4.2), so that the safety checks can be shown
   * to catch its absence.
   */
  unsafeCommitPriorTerms?: boolean;
  /** Seeded randomness: an integer in [0, n). Raft never uses any other source. */
  rand: (n: number) => number;
  /** Receives etcd-style log lines, e.g. "8e9e05c52164694d became leader at term 2". */
  logger?: (line: string) => void;
}

export type ResolvedConfig = Required<Omit<Config, 'logger'>> & Pick<Config, 'logger'>;

export function validateConfig(c: Config): ResolvedConfig {
  if (c.id === NONE) throw new Error('cannot use none as id');
  if (c.heartbeatTick <= 0) throw new Error('heartbeat tick must be greater than 0');
  if (c.electionTick <= c.heartbeatTick) throw new Error('election tick must be greater than heartbeat tick');
  const r: ResolvedConfig = {
    applied: 0,
    maxSizePerMsg: 1024 * 1024,
    maxInflightMsgs: 256,
    checkQuorum: true,
    preVote: true,
    disableProposalForwarding: false,
    unsafeCommitPriorTerms: false,
    ...c,
  };
  if (r.maxInflightMsgs <= 0) throw new Error('max inflight messages must be greater than 0');
  return r;
}
