// Membership as raft sees it (voters and learners) with each one's progress,
// and the quorum arithmetic for commits, elections and check-quorum.
import { Progress } from './progress.ts';
import type { ConfState, NodeId } from './types.ts';

export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';

export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();
  constructor(readonly maxInflight: number) {}

  confState(): ConfState {
    return { voters: [...this.voters].sort(), learners: [...this.learners].sort() };
  }

  /** The configuration as etcd logs it: voters=(ids) learners=(ids), IDs in decimal, numerically sorted. */
  describe(): string {
    const fmt = (ids: Set<NodeId>) =>
      `(${[...ids]
        .map((id) => BigInt(`0x${id}`))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .join(' ')})`;
    return `voters=${fmt(this.voters)}${this.learners.size > 0 ? ` learners=${fmt(this.learners)}` : ''}`;
  }

  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /**
   * The largest index acknowledged by a quorum of voters. An empty voter set
   * commits nothing it cannot be sure of, so it reports "everything".
   */
  committed(): number {
    const n = this.voters.size;
    if (n === 0) return Number.MAX_SAFE_INTEGER;
    const matches: number[] = [];
    for (const id of this.voters) matches.push(this.progress.get(id)?.match ?? 0);
    matches.sort((a, b) => b - a);
    return matches[this.quorum() - 1]!;
  }

  /** Whether a quorum of voters was recently active (the leader counts itself). */
  quorumActive(self: NodeId): boolean {
    let active = 0;
    for (const id of this.voters) {
      if (id === self || this.progress.get(id)?.recentActive) active++;
    }
    return active >= this.quorum();
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, v: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, v);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    let result: VoteResult = 'VotePending';
    if (granted >= q) result = 'VoteWon';
    else if (rejected > this.voters.size - q) result = 'VoteLost';
    return { granted, rejected, result };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  /** Voters and learners in a stable order, so message order is deterministic. */
  ids: NodeId[] = [];

  /** Call after any membership change. */
  refresh(): void {
    this.ids = [...this.progress.keys()].sort();
  }
}
