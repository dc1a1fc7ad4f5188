// The reference history of a run: every committed MVCC revision and its
// events, heard from the members' stores as they apply them. Compaction
// erases old revisions from the stores, so the history is recorded while the
// run goes, not read back at the end. The first member to apply a revision
// defines it; every other member must apply exactly the same events there
// (state machine safety at the MVCC level). The same hook feeds the raft
// safety checker the entries each member applies.
import type { RaftSafetyChecker } from '../../check/raft-safety.ts';
import type { EtcdCluster } from '../etcd-cluster.ts';
import type { Event } from '../../mvcc/types.ts';
import type { NodeId } from '../../raft/types.ts';
import type { StateMachine } from '../../cluster/statemachine.ts';
import type { EtcdStateMachine } from '../statemachine.ts';
import { fromUtf8 } from '../../util/bytes.ts';

/** A key-value version in plain strings (keys and values of the fuzz are UTF-8). */
export interface Kv {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: string;
}

export interface RecordedEvent {
  type: 'PUT' | 'DELETE';
  kv: Kv;
}

export function toKv(kv: Event['kv']): Kv {
  return {
    key: fromUtf8(kv.key),
    value: fromUtf8(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
  };
}

export function showKv(kv: Kv | undefined): string {
  if (!kv) return '(none)';
  return `${kv.key}=${JSON.stringify(kv.value)}@c${kv.createRevision}/m${kv.modRevision}/v${kv.version}${kv.lease !== '0' ? `/l${kv.lease}` : ''}`;
}

export function showEvent(e: RecordedEvent): string {
  return e.type === 'DELETE' ? `DELETE ${e.kv.key}@${e.kv.modRevision}` : `PUT ${showKv(e.kv)}`;
}

function canonical(evs: readonly RecordedEvent[]): string {
  return evs.map(showEvent).join(' ; ');
}

/** One key's versions in revision order: null marks a deletion. */
interface Version {
  rev: number;
  kv: Kv | null;
}

export class HistoryRecorder {
  /** revision -> its events, in the order the txn wrote them. */
  readonly revisions = new Map<number, RecordedEvent[]>();
  private readonly canon = new Map<number, { text: string; member: NodeId }>();
  /** The first disagreement seen (mvcc-agreement). */
  failure: string | undefined;
  /** Distinct terms in which some member became leader. */
  readonly leaderTerms = new Set<number>();
  private readonly attached = new WeakSet<StateMachine>();
  private chains: Map<string, Version[]> | undefined;

  constructor(
    private readonly ec: EtcdCluster,
    private readonly safety: RaftSafetyChecker,
  ) {
    ec.cluster.trace.subscribeLifecycle((r) => {
      if (r.kind === 'state' && r.role === 'leader') this.leaderTerms.add(r.term);
    });
    this.attachAll();
  }

  /** Hooks every member's current state machine not hooked yet; call after anything that (re)starts members. */
  attachAll(): void {
    for (const n of this.ec.cluster.nodes.values()) {
      const sm = n.sm;
      if (!sm || this.attached.has(sm)) continue;
      this.attached.add(sm);
      const id = n.id;
      const esm = sm as EtcdStateMachine;
      esm.kv.onCommit((events, rev) => this.committed(id, events, rev));
      const apply = sm.apply.bind(sm);
      sm.apply = (e) => {
        this.safety.observeApply(id, e);
        apply(e);
      };
    }
  }

  private committed(member: NodeId, events: readonly Event[], rev: number): void {
    const evs: RecordedEvent[] = events.map((e) => ({ type: e.type, kv: toKv(e.kv) }));
    const text = canonical(evs);
    const known = this.canon.get(rev);
    if (!known) {
      this.canon.set(rev, { text, member });
      this.revisions.set(rev, evs);
      this.chains = undefined;
    } else if (known.text !== text && this.failure === undefined) {
      this.failure = `revision ${rev}: member ${known.member} applied [${known.text}] but member ${member} applied [${text}]`;
    }
  }

  /**
   * Every client writes unique values, so a value written at two revisions
   * means one request was applied twice (etcd has no exactly-once: nothing
   * dedupes a proposal that reaches raft twice). The first such value, if any.
   */
  appliedTwice(): string | undefined {
    const at = new Map<string, number>();
    for (const rev of [...this.revisions.keys()].sort((a, b) => a - b)) {
      for (const e of this.revisions.get(rev)!) {
        if (e.type !== 'PUT') continue;
        const first = at.get(e.kv.value);
        if (first !== undefined && first !== rev) return `value ${JSON.stringify(e.kv.value)} (one client put) was written at revision ${first} and again at revision ${rev}`;
        at.set(e.kv.value, rev);
      }
    }
    return undefined;
  }

  /** The highest revision recorded (1, the initial revision, when none). */
  lastRevision(): number {
    let m = 1;
    for (const r of this.revisions.keys()) if (r > m) m = r;
    return m;
  }

  /** The first revision in 2..last that no member was heard applying, if any. */
  firstGap(): number | undefined {
    const last = this.lastRevision();
    for (let r = 2; r <= last; r++) if (!this.revisions.has(r)) return r;
    return undefined;
  }

  private versions(): Map<string, Version[]> {
    if (this.chains) return this.chains;
    const chains = new Map<string, Version[]>();
    const revs = [...this.revisions.keys()].sort((a, b) => a - b);
    for (const rev of revs) {
      for (const e of this.revisions.get(rev)!) {
        let c = chains.get(e.kv.key);
        if (!c) chains.set(e.kv.key, (c = []));
        c.push({ rev, kv: e.type === 'PUT' ? e.kv : null });
      }
    }
    return (this.chains = chains);
  }

  /** The version of key live at revision rev (after that revision's writes), if any. */
  at(key: string, rev: number): Kv | undefined {
    const c = this.versions().get(key);
    if (!c) return undefined;
    let lo = 0;
    let hi = c.length; // first index with c[i].rev > rev
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : (c[lo - 1]!.kv ?? undefined);
  }
}
