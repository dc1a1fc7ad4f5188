// Options and results of one fuzz run (`npm run fuzz`): which faults a seed
// may inject, which deliberate bugs to plant, and what a run reports.

/** The fault families a seed may draw from (the --faults list). */
export const FAULT_KINDS = [
  'crash', // crash a member, restart it later from its own disk
  'pause', // SIGSTOP a member, resume it later
  'partition', // halves, isolated leader, bridge, one-way cuts
  'lossy', // message drop and delay (reordering through jitter)
  'duplicate', // message duplication
  'transfer', // leadership transfer
  'member', // member remove + add (etcd's replace procedure), add + remove
  'compact', // clients compact the MVCC history
  'snapshot', // a low --snapshot-count, so snapshots get sent to followers
  'crash-after-persist', // crash right after persisting a Ready, before its messages go out
  'crash-after-apply', // crash after applying entries, before the applied state (consistent index) is durable
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Deliberately wrong variants, each breaking one rule so that the check
 * guarding that rule must fail (the fuzz's own test proves it does):
 * - stale-read: linearizable gets are served by the member's local store, without ReadIndex;
 * - no-fsync: a crash loses the tail of the member's raft log and hard state that was not synced;
 * - watch-skip: a watch that resumes on another member skips one revision;
 * - double-apply: the consistent-index guard is off, so a restarted member re-applies entries its backend holds;
 * - commit-prior-term: raft's leader commits an earlier term's entry by counting replicas (no current-term rule);
 * - lease-early: the leader's lessor looks for expired leases with a clock a second ahead.
 */
export const BUG_KINDS = ['stale-read', 'no-fsync', 'watch-skip', 'double-apply', 'commit-prior-term', 'lease-early'] as const;
export type BugKind = (typeof BUG_KINDS)[number];

export interface FuzzOptions {
  seed: number;
  /** Initial members (3 or 5); drawn from the seed when absent. */
  nodes?: number;
  /** The fault kinds allowed; absent: each seed draws a random non-empty subset of all. */
  faults?: readonly FaultKind[];
  /** Client operations per seed (default 200). */
  ops?: number;
  bugs?: readonly BugKind[];
  /**
   * Excuse no known bug of etcd 3.4.23 that the engine reproduces on purpose
   * (today one: etcd-io/etcd#18089, a watch starting at a compacted delete misses it).
   */
  strict?: boolean;
}

/** Which check failed. */
export type CheckName =
  | 'raft-safety'
  | 'mvcc-agreement'
  | 'applied-twice'
  | 'lease-expiry'
  | 'linearizability'
  | 'serializable'
  | 'watch-ordered'
  | 'watch-unique'
  | 'watch-atomic'
  | 'watch-reliable'
  | 'watch-resumable'
  | 'watch-bookmarkable'
  | 'watch-prev-kv'
  | 'watch-is-create'
  | 'watch-event'
  | 'liveness'
  | 'convergence';

export interface FuzzFailure {
  check: CheckName;
  /** What went wrong, with enough context to start debugging (possibly several lines). */
  witness: string;
}

export interface FuzzStats {
  nodes: number;
  faultKinds: FaultKind[];
  /** Client operations that completed (successful or not), and how many had unknown outcomes. */
  ops: number;
  unknown: number;
  /** Faults injected, by kind of action. */
  faults: Record<string, number>;
  /** The faults injected, in order ("<virtual ms>ms <kind>"). */
  schedule: string[];
  finalRevision: number;
  leaderChanges: number;
  watches: number;
  watchEvents: number;
  watchResumes: number;
  /** Simulation steps, each followed by a raft safety check. */
  steps: number;
  virtualMs: number;
  /** Search steps of the linearizability check, and its verdict ('unknown' when it ran out of budget). */
  linSteps: number;
  linVerdict: 'linearizable' | 'not-linearizable' | 'unknown';
  /** Short leases a leader revoked as expired, and keep-alives the clients sent. */
  leaseExpiries: number;
  keepAlives: number;
  /** DELETE events of expired leases' keys that watches delivered. */
  expiryEventsWatched: number;
}

export interface FuzzResult {
  seed: number;
  stats: FuzzStats;
  failure?: FuzzFailure;
}

/** Parses "crash,pause" (or "all") into fault kinds; throws on an unknown one. */
export function parseFaults(list: string): FaultKind[] {
  if (list === 'all') return [...FAULT_KINDS];
  if (list === 'none' || list === '') return [];
  const out: FaultKind[] = [];
  for (const f of list.split(',')) {
    const k = f.trim();
    if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new Error(`unknown fault "${k}" (known: ${FAULT_KINDS.join(', ')})`);
    if (!out.includes(k as FaultKind)) out.push(k as FaultKind);
  }
  return out;
}

export function parseBugs(list: string): BugKind[] {
  const out: BugKind[] = [];
  for (const b of list.split(',')) {
    const k = b.trim();
    if (!(BUG_KINDS as readonly string[]).includes(k)) throw new Error(`unknown bug "${k}" (known: ${BUG_KINDS.join(', ')})`);
    if (!out.includes(k as BugKind)) out.push(k as BugKind);
  }
  return out;
}
