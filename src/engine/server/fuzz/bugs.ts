// The planted bugs that live inside the members rather than in the fuzz's
// clients or fault scheduler, hooked into each member as it (re)starts:
// - double-apply: the state machine's consistent-index guard is switched off,
//   so a member restarting from a backend newer than its raft snapshot applies
//   the replayed entries a second time;
// - commit-prior-term: raft's current-term commit rule is switched off, so a
//   leader counts replicas of an earlier term's entry as committing it;
// - lease-early: the leader's expiry scan reads a clock a second ahead, so
//   leases are revoked up to a second before their TTL ran out.
import type { Cluster } from '../../cluster/cluster.ts';
import type { RawNode } from '../../raft/rawnode.ts';
import type { StateMachine } from '../../cluster/statemachine.ts';
import type { EtcdStateMachine } from '../statemachine.ts';
import type { BugKind } from './types.ts';

/** How far ahead the lease-early bug's expiry clock runs (ms). */
const LEASE_CLOCK_AHEAD_MS = 1000;

export class MemberBugs {
  private readonly machines = new WeakSet<StateMachine>();
  private readonly nodes = new WeakSet<RawNode>();

  constructor(
    private readonly c: Cluster,
    private readonly bugs: readonly BugKind[],
  ) {}

  /** Hooks every member's current raft node and state machine not hooked yet. */
  attachAll(): void {
    const doubleApply = this.bugs.includes('double-apply');
    const priorTerms = this.bugs.includes('commit-prior-term');
    const leaseEarly = this.bugs.includes('lease-early');
    if (!doubleApply && !priorTerms && !leaseEarly) return;
    for (const n of this.c.nodes.values()) {
      if (priorTerms && n.rn && !this.nodes.has(n.rn)) {
        this.nodes.add(n.rn);
        n.rn.raft.cfg.unsafeCommitPriorTerms = true;
      }
      const sm = n.sm;
      if (!sm || this.machines.has(sm)) continue;
      this.machines.add(sm);
      if (leaseEarly) {
        const lessor = (sm as EtcdStateMachine).lessor;
        const scan = lessor.findExpiredLeases.bind(lessor);
        lessor.findExpiredLeases = (now, limit) => scan(now + LEASE_CLOCK_AHEAD_MS, limit);
      }
      if (doubleApply) {
        const kv = (sm as EtcdStateMachine).kv;
        const apply = sm.apply.bind(sm);
        sm.apply = (e) => {
          // The guard skips entries at or below the consistent index: make every entry pass it.
          if (kv.consistentIndex >= e.index) kv.consistentIndex = e.index - 1;
          apply(e);
        };
      }
    }
  }
}
