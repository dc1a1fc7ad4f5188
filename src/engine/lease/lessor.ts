// The lessor: one per member, owning that member's copy of the leases (etcd 3.4
// server/lease/lessor.go). Grant, revoke, checkpoint, attach and detach run when
// a raft entry applies, so every member sees them in the same order. Expiry is
// per member and not replicated: only the primary lessor (the leader's) runs
// lease clocks; the others keep every expiry at "forever" and wait to be
// promoted. The primary finds expired leases, and the server proposes a revoke
// for each through raft. Nothing here reads a clock: callers pass `now`
// (virtual ms).
import {
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  DEFAULT_EXPIRED_RETRY_INTERVAL_MS,
  LEASE_CHECKPOINT_RATE,
  MAX_CHECKPOINT_BATCH,
  REVOKE_BATCH_LIMIT,
} from './config.ts';
import { ErrLeaseExist, ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary } from './errors.ts';
import { compareLeaseIds, isLeaseId } from './id.ts';
import { Lease, keyString } from './lease.ts';
import { spreadExpiries } from './promote.ts';
import { CheckpointQueue, ExpiryQueue } from './queue.ts';
import { decodeLeases, encodeLeases } from './snapshot.ts';
import {
  type Checkpointer,
  type LeaseCheckpoint,
  type LeaseCheckpointRequest,
  type LeaseID,
  type LeaseInfo,
  type LeaseResult,
  type LeaseTimeToLiveResponse,
  type RangeDeleter,
  MAX_LEASE_TTL,
  NO_LEASE,
} from './types.ts';

export interface LessorConfig {
  /** Smallest TTL granted, in seconds (config.ts minLeaseTTL derives etcd's value). */
  minLeaseTTL: number;
  /** How often the primary checkpoints a long lease's remaining TTL (default 5 min). */
  checkpointIntervalMs?: number;
  /** How long an expired lease waits before it is offered for revoking again (default 3 s). */
  expiredLeaseRetryIntervalMs?: number;
  rangeDeleter?: RangeDeleter;
  /** Enables checkpointing (etcd's --experimental-enable-lease-checkpoint). */
  checkpointer?: Checkpointer;
}

/** What TimeToLive answers when the lease is forever (a non-primary lessor): int64(MaxInt64 ns in s). */
const FOREVER_TTL_SECONDS = 9223372036;

function fail<T>(error: string): LeaseResult<T> {
  return { ok: false, error };
}

export class Lessor {
  readonly minLeaseTTL: number;
  private readonly checkpointIntervalMs: number;
  private readonly expiredRetryMs: number;
  private readonly leaseMap = new Map<LeaseID, Lease>();
  /** keyString(key) -> the lease the key is attached to. */
  private readonly itemMap = new Map<string, LeaseID>();
  private readonly expiries = new ExpiryQueue();
  private readonly checkpoints = new CheckpointQueue();
  private primary = false;
  private rd: RangeDeleter | undefined;
  private cp: Checkpointer | undefined;

  constructor(cfg: LessorConfig) {
    if (!Number.isSafeInteger(cfg.minLeaseTTL) || cfg.minLeaseTTL < 0) throw new Error(`invalid minLeaseTTL ${cfg.minLeaseTTL}`);
    this.minLeaseTTL = cfg.minLeaseTTL;
    this.checkpointIntervalMs = cfg.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.expiredRetryMs = cfg.expiredLeaseRetryIntervalMs ?? DEFAULT_EXPIRED_RETRY_INTERVAL_MS;
    if (!(this.expiredRetryMs > 0)) throw new Error('expiredLeaseRetryIntervalMs must be positive');
    this.rd = cfg.rangeDeleter;
    this.cp = cfg.checkpointer;
  }

  /** The store is built after the lessor (it attaches keys while recovering), so it plugs in later. */
  setRangeDeleter(rd: RangeDeleter): void {
    this.rd = rd;
  }

  setCheckpointer(cp: Checkpointer | undefined): void {
    this.cp = cp;
  }

  /** True while this member is the leader's lessor: it runs expiry, renewals and checkpoints. */
  isPrimary(): boolean {
    return this.primary;
  }

  /**
   * Applies a grant. ID 0 is an error here: the server picks an ID (IdGenerator)
   * before proposing. A TTL below the minimum is raised to it.
   */
  grant(id: LeaseID, ttl: number, now: number): LeaseResult<LeaseInfo> {
    if (id === NO_LEASE) return fail(ErrLeaseNotFound);
    if (!isLeaseId(id)) throw new Error(`invalid lease id ${JSON.stringify(id)}`);
    if (!Number.isFinite(ttl)) throw new Error(`invalid TTL ${ttl}`);
    if (ttl > MAX_LEASE_TTL) return fail(ErrLeaseTTLTooLarge);
    if (this.leaseMap.has(id)) return fail(ErrLeaseExist);
    const l = new Lease(id, Math.max(Math.trunc(ttl), this.minLeaseTTL));
    if (this.primary) l.refresh(now, 0);
    this.leaseMap.set(id, l);
    this.expiries.registerOrUpdate(id, l.expiry);
    if (this.primary) this.scheduleCheckpointIfNeeded(l, now);
    return { ok: true, value: l.info() };
  }

  /**
   * Applies a revoke: deletes the attached keys (in byte order, one txn through
   * the RangeDeleter), then forgets the lease. An expired lease can still be
   * revoked; that is how expiry ends. If the deleter throws, the lease stays.
   */
  revoke(id: LeaseID): LeaseResult<void> {
    const l = this.leaseMap.get(id);
    if (!l) return fail(ErrLeaseNotFound);
    this.rd?.deleteKeys(l.keys());
    // The store normally detaches each deleted key; drop whatever it did not.
    for (const k of l.items.keys()) if (this.itemMap.get(k) === id) this.itemMap.delete(k);
    this.leaseMap.delete(id);
    this.expiries.unregister(id);
    return { ok: true, value: undefined };
  }

  /**
   * Applies a checkpoint: records the remaining TTL that Promote (on whichever
   * member leads next) and restarts count from. Unknown IDs are ignored.
   */
  checkpoint(id: LeaseID, remainingTTL: number, now: number): void {
    const l = this.leaseMap.get(id);
    if (!l) return;
    l.remainingTTL = remainingTTL;
    if (this.primary) this.scheduleCheckpointIfNeeded(l, now);
  }

  /**
   * Keep-alive: the lease expires TTL seconds from now. Only the primary renews
   * (others answer ErrNotPrimary and the server forwards). An expired lease is
   * not renewed: etcd waits for its pending revoke and answers "not found".
   * With checkpointing on, a checkpointed remaining TTL is cleared first
   * (proposed as remaining_TTL 0), so the renewal counts the full TTL.
   */
  renew(id: LeaseID, now: number): LeaseResult<number> {
    if (!this.primary) return fail(ErrNotPrimary);
    const l = this.leaseMap.get(id);
    if (!l || l.expired(now)) return fail(ErrLeaseNotFound);
    if (this.cp && l.remainingTTL > 0) {
      // etcd blocks until this checkpoint applies; clearing it locally too has the same effect.
      this.cp({ checkpoints: [{ ID: id, remaining_TTL: 0 }] });
      l.remainingTTL = 0;
    }
    l.refresh(now, 0);
    this.expiries.registerOrUpdate(id, l.expiry);
    return { ok: true, value: l.ttl };
  }

  /**
   * Attaches keys to a lease (the store calls this on a put with a lease). A key
   * lives in at most one lease: one still attached elsewhere moves here (the
   * store detaches it first anyway, as etcd's mvcc does). A key already on this
   * lease is left as it is: the store re-attaches every live key when it
   * restores, usually after restore() here attached them from the snapshot.
   */
  attach(id: LeaseID, keys: readonly Uint8Array[]): LeaseResult<void> {
    const l = this.leaseMap.get(id);
    if (!l) return fail(ErrLeaseNotFound);
    for (const key of keys) {
      const k = keyString(key);
      const prev = this.itemMap.get(k);
      if (prev === id && l.items.has(k)) continue;
      if (prev !== undefined && prev !== id) this.leaseMap.get(prev)?.items.delete(k);
      l.items.set(k, key.slice());
      this.itemMap.set(k, id);
    }
    return { ok: true, value: undefined };
  }

  /** Detaches keys from a lease (the store calls this on delete, or a put that changes the lease). */
  detach(id: LeaseID, keys: readonly Uint8Array[]): LeaseResult<void> {
    const l = this.leaseMap.get(id);
    if (!l) return fail(ErrLeaseNotFound);
    for (const key of keys) {
      const k = keyString(key);
      if (!l.items.delete(k)) continue;
      if (this.itemMap.get(k) === id) this.itemMap.delete(k);
    }
    return { ok: true, value: undefined };
  }

  /** The lease a key is attached to, or NO_LEASE. */
  getLease(key: Uint8Array): LeaseID {
    return this.itemMap.get(keyString(key)) ?? NO_LEASE;
  }

  /** Whether the lease exists (etcd's Lookup != nil): a put naming a missing lease fails. */
  exists(id: LeaseID): boolean {
    return this.leaseMap.has(id);
  }

  lookup(id: LeaseID): LeaseInfo | undefined {
    return this.leaseMap.get(id)?.info();
  }

  /**
   * All leases, soonest expiry first, as etcd's Leases() (and so `etcdctl lease
   * list`) orders them. Equal expiries (all of them off the primary) go by ID.
   */
  leases(): LeaseInfo[] {
    return [...this.leaseMap.values()]
      .sort((a, b) => (a.expiry < b.expiry ? -1 : a.expiry > b.expiry ? 1 : compareLeaseIds(a.id, b.id)))
      .map((l) => l.info());
  }

  /**
   * LeaseTimeToLive as the leader answers it: TTL is the remaining time in
   * seconds truncated toward zero (int64(Remaining().Seconds()), so 0 just
   * after expiry), and -1 with grantedTTL 0 when the lease does not exist (the
   * v3rpc layer turns "not found" into that; etcdctl prints "already expired").
   */
  timeToLive(id: LeaseID, withKeys: boolean, now: number): Omit<LeaseTimeToLiveResponse, 'header'> {
    const l = this.leaseMap.get(id);
    if (!l) return { ID: id, TTL: -1, grantedTTL: 0, keys: [] };
    const ms = l.remaining(now);
    // `|| 0` turns the -0 that truncating -0.4 s gives into the 0 etcd prints.
    const TTL = ms === Infinity ? FOREVER_TTL_SECONDS : Math.trunc(ms / 1000) || 0;
    return { ID: id, TTL, grantedTTL: l.ttl, keys: withKeys ? l.keys() : [] };
  }

  /**
   * Becomes primary (this member won an election): every lease expires its
   * remaining TTL (checkpointed, else full) plus extendMs from now, so a leader
   * change never cuts a lease short. etcd passes the election timeout.
   */
  promote(extendMs: number, now: number): void {
    this.primary = true;
    for (const l of this.leaseMap.values()) {
      l.refresh(now, extendMs);
      this.expiries.registerOrUpdate(l.id, l.expiry);
      this.scheduleCheckpointIfNeeded(l, now);
    }
    spreadExpiries([...this.leaseMap.values()], now, extendMs, (l) => {
      this.expiries.registerOrUpdate(l.id, l.expiry);
      this.scheduleCheckpointIfNeeded(l, now);
    });
  }

  /** Stops being primary: leases stop expiring here until the next promote. */
  demote(): void {
    for (const l of this.leaseMap.values()) l.forever();
    this.expiries.clear();
    this.checkpoints.clear();
    this.primary = false;
  }

  /**
   * The primary's expiry scan (etcd runs it every 500 ms): up to `limit` expired
   * leases for the server to revoke through raft. A lease handed out is held
   * back for the retry interval, so it is only offered again if its revoke has
   * not applied by then (a lost proposal, say). Empty unless primary.
   */
  findExpiredLeases(now: number, limit = REVOKE_BATCH_LIMIT): LeaseID[] {
    const out: LeaseID[] = [];
    if (!this.primary) return out;
    while (out.length < limit) {
      const d = this.expiries.peek();
      if (!d || now < d.time) break;
      const l = this.leaseMap.get(d.id);
      if (!l) {
        this.expiries.unregister(d.id);
        continue;
      }
      this.expiries.registerOrUpdate(d.id, now + this.expiredRetryMs);
      if (l.expired(now)) out.push(l.id);
    }
    return out;
  }

  /**
   * The primary's checkpoint scan (also every 500 ms in etcd): due checkpoints
   * go to the Checkpointer in batches; returns the requests it sent.
   */
  checkpointScheduledLeases(now: number): LeaseCheckpointRequest[] {
    const sent: LeaseCheckpointRequest[] = [];
    if (!this.primary || !this.cp) return sent;
    for (let i = 0; i < LEASE_CHECKPOINT_RATE / 2; i++) {
      const checkpoints = this.findDueScheduledCheckpoints(now, MAX_CHECKPOINT_BATCH);
      if (checkpoints.length > 0) {
        const req = { checkpoints };
        sent.push(req);
        this.cp(req);
      }
      if (checkpoints.length < MAX_CHECKPOINT_BATCH) break;
    }
    return sent;
  }

  /** The persisted state of every lease (ID, TTL, remaining TTL, keys). */
  snapshot(): Uint8Array {
    return encodeLeases(
      [...this.leaseMap.values()].map((l) => ({ ID: l.id, TTL: l.ttl, remainingTTL: l.remainingTTL, keys: l.keys() })),
    );
  }

  /**
   * Replaces all leases with a snapshot's (on restart, or a snapshot from the
   * leader). Like etcd's recovery, TTLs below the minimum are raised and every
   * expiry is "forever" until the next promote, which counts from the
   * checkpointed remaining TTLs.
   */
  restore(bytes: Uint8Array): void {
    const leases = decodeLeases(bytes);
    this.leaseMap.clear();
    this.itemMap.clear();
    this.expiries.clear();
    this.checkpoints.clear();
    for (const p of leases) {
      const l = new Lease(p.ID, Math.max(p.TTL, this.minLeaseTTL));
      l.remainingTTL = p.remainingTTL;
      this.leaseMap.set(l.id, l);
      this.attach(l.id, p.keys);
    }
  }

  private scheduleCheckpointIfNeeded(l: Lease, now: number): void {
    if (!this.cp) return;
    if (l.getRemainingTTL() > Math.trunc(this.checkpointIntervalMs / 1000)) {
      this.checkpoints.push(l.id, now + this.checkpointIntervalMs);
    }
  }

  private findDueScheduledCheckpoints(now: number, limit: number): LeaseCheckpoint[] {
    const out: LeaseCheckpoint[] = [];
    while (out.length < limit) {
      const d = this.checkpoints.peek();
      if (!d || d.time > now) break;
      this.checkpoints.pop();
      const l = this.leaseMap.get(d.id);
      if (!l || !(now < l.expiry)) continue;
      const remainingTTL = Math.ceil((l.expiry - now) / 1000);
      // Nothing to record while the lease still has its full TTL ahead.
      if (remainingTTL >= l.ttl) continue;
      out.push({ ID: l.id, remaining_TTL: remainingTTL });
    }
    return out;
  }
}
