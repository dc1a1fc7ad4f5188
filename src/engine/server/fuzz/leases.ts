// Lease expiry in the fuzz. Every member's lessor is watched: each revoke it
// applies (the first member to apply one fixes its revision), each renewal,
// and each expired lease its expiry scan hands out for revocation. From that:
// - the history gets one lease expiry per short lease, an operation that may
//   take effect any time after the lease's TTL ran out from its grant's call
//   (or never); when a revoke of the lease was applied, its revision is known;
// - the rule that no lease expires early is checked as the leader decides it:
//   not before TTL after the grant was sent, nor before TTL after this
//   leader's last renewal of it, nor before TTL after this member became
//   leader; and a lease the new leader already held when it took over (and
//   has not renewed since) not before TTL plus the extension after that
//   (etcd's Promote extends every lease by the election timeout, so a leader
//   change never cuts one short).
import type { Cluster } from '../../cluster/cluster.ts';
import type { StateMachine } from '../../cluster/statemachine.ts';
import type { NodeId } from '../../raft/types.ts';
import type { Operation } from '../../check/types.ts';
import type { EtcdStateMachine } from '../statemachine.ts';
import type { FuzzInput, FuzzOutput } from './model.ts';
import type { LeaseInfo } from './workload.ts';

/** Client IDs of the expiry operations start here (clients are numbered from 0). */
const EXPIRY_CLIENT = 1000;

export class LeaseObserver {
  /** lease -> the revision its revoke left (as the first member to apply it saw it). */
  readonly revoked = new Map<string, number>();
  /** Revisions written by revokes of short leases (their keys' DELETEs): what expiry deleted. */
  readonly expiryRevisions = new Set<number>();
  /** Short leases some leader handed out as expired. */
  readonly expired = new Set<string>();
  /** The first early expiry seen. */
  failure: string | undefined;
  private readonly attached = new WeakSet<StateMachine>();
  /** member -> when it last became leader. */
  private readonly leaderSince = new Map<NodeId, { term: number; t: number }>();
  /** "member/lease" -> the member's last renewal of the lease. */
  private readonly renewed = new Map<string, number>();
  /** member -> its lessor's last promotion: when, by how much, and the leases it held then. */
  private readonly promoted = new Map<NodeId, { at: number; extendMs: number; leases: Set<string> }>();

  constructor(
    private readonly c: Cluster,
    private readonly leases: ReadonlyMap<string, LeaseInfo>,
  ) {
    c.trace.subscribeLifecycle((r) => {
      if (r.kind !== 'state' || r.role !== 'leader') return;
      if (this.leaderSince.get(r.node)?.term !== r.term) this.leaderSince.set(r.node, { term: r.term, t: r.t });
    });
  }

  /** Hooks every member's current lessor not hooked yet. */
  attachAll(): void {
    for (const n of this.c.nodes.values()) {
      const sm = n.sm;
      if (!sm || this.attached.has(sm)) continue;
      this.attached.add(sm);
      const esm = sm as EtcdStateMachine;
      const lessor = esm.lessor;
      const id = n.id;
      const revoke = lessor.revoke.bind(lessor);
      lessor.revoke = (lease) => {
        const before = esm.kv.rev;
        const r = revoke(lease);
        if (r.ok && !this.revoked.has(lease)) {
          this.revoked.set(lease, esm.kv.rev);
          if (esm.kv.rev > before && this.leases.get(lease)?.kind !== 'long') this.expiryRevisions.add(esm.kv.rev);
        }
        return r;
      };
      const renew = lessor.renew.bind(lessor);
      lessor.renew = (lease, now) => {
        const r = renew(lease, now);
        if (r.ok) this.renewed.set(`${id}/${lease}`, now);
        return r;
      };
      const promote = lessor.promote.bind(lessor);
      lessor.promote = (extendMs, now) => {
        promote(extendMs, now);
        this.promoted.set(id, { at: now, extendMs, leases: new Set(lessor.leases().map((l) => l.ID)) });
      };
      const scan = lessor.findExpiredLeases.bind(lessor);
      lessor.findExpiredLeases = (now, limit) => {
        const ids = scan(now, limit);
        for (const lease of ids) this.expiredAt(id, lease, now);
        return ids;
      };
    }
  }

  private expiredAt(member: NodeId, lease: string, now: number): void {
    const info = this.leases.get(lease);
    if (!info) return;
    this.expired.add(lease);
    if (this.failure !== undefined) return;
    const ttl = info.ttl * 1000;
    const since = this.leaderSince.get(member);
    const renewal = this.renewed.get(`${member}/${lease}`);
    const bounds: [string, number][] = [[`its grant was sent at ${info.grantCall} ms`, info.grantCall + ttl]];
    if (since) bounds.push([`${member} became leader at ${since.t} ms (term ${since.term}), which extends every lease`, since.t + ttl]);
    // The newest refresh counts: a renewal restarts the TTL, even if that ends a new leader's extension sooner.
    const p = this.promoted.get(member);
    if (p?.leases.has(lease) && (renewal === undefined || renewal < p.at)) {
      bounds.push([`${member} took over as leader at ${p.at} ms, extending it by ${p.extendMs} ms`, p.at + p.extendMs + ttl]);
    } else if (renewal !== undefined) bounds.push([`${member} renewed it at ${renewal} ms`, renewal + ttl]);
    for (const [why, earliest] of bounds) {
      if (now < earliest) {
        this.failure = `lease ${lease} (TTL ${info.ttl} s) expired early: ${member} handed it out for revocation at ${now} ms, but ${why}, so not before ${earliest} ms`;
        return;
      }
    }
  }

  /** Short leases granted (by their reply) whose revoke no member applied yet. */
  unexpired(): string[] {
    return [...this.leases].filter(([id, l]) => l.kind !== 'long' && l.granted === true && !this.revoked.has(id)).map(([id]) => id);
  }

  /**
   * One expiry operation per short lease: from the earliest moment the
   * lease could have expired, open-ended. Its revision is settled when a
   * revoke of it was applied (clients never revoke short leases).
   */
  expiryOps(): Operation<FuzzInput, FuzzOutput>[] {
    const out: Operation<FuzzInput, FuzzOutput>[] = [];
    let k = 0;
    for (const [id, info] of this.leases) {
      if (info.kind === 'long') continue;
      const rev = this.revoked.get(id);
      out.push({
        clientId: EXPIRY_CLIENT + k++,
        input: { type: 'leaseExpire', id },
        call: info.grantCall + info.ttl * 1000,
        output: rev === undefined ? { type: 'unknown' } : { type: 'leaseRevoke', revision: rev },
        return: Infinity,
      });
    }
    return out;
  }
}
