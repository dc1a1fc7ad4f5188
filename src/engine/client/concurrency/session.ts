// clientv3/concurrency Session (etcd 3.4): a lease the client keeps alive so
// that keys written with it (lock and election keys) vanish when the client
// goes away. clientv3's KeepAlive renews every TTL/3 and gives up once the
// lease's last known deadline passes without a renewal, or the server says it
// is gone; here that is a keepAliveOnce loop on the cluster's virtual clock.
import type { Callback, RequestError } from '../../api/service.ts';
import type { LeaseID, LeaseRevokeResponse } from '../../lease/types.ts';
import { NO_LEASE } from '../../lease/types.ts';
import type { Client } from '../client.ts';

/** concurrency's defaultSessionTTL, in seconds. */
export const DEFAULT_SESSION_TTL = 60;

export interface SessionOptions {
  /** Lease TTL in seconds (default 60). */
  ttl?: number;
  /** Reuse this lease instead of granting one (concurrency.WithLease). */
  leaseId?: LeaseID;
}

export class Session {
  /** True once keep-alives have ended (lease lost, orphaned or closed). */
  done = false;
  private readonly doneCbs: (() => void)[] = [];
  /** When the lease expires unless renewed, as the client last learned it. */
  private deadline: number;

  private constructor(
    readonly client: Client,
    readonly lease: LeaseID,
    readonly ttl: number,
  ) {
    this.deadline = this.now() + ttl * 1000;
  }

  /** NewSession: grants the lease (unless given one) and starts keeping it alive. */
  static create(client: Client, opts: SessionOptions, cb: Callback<Session>): void {
    const ttl = opts.ttl ?? DEFAULT_SESSION_TTL;
    if (opts.leaseId !== undefined && opts.leaseId !== NO_LEASE) {
      const s = new Session(client, opts.leaseId, ttl);
      s.keepAlive();
      client.net.after(0, () => cb(undefined, s));
      return;
    }
    client.leaseGrant({ TTL: ttl }, (err, resp) => {
      if (err || !resp) return cb(err);
      const s = new Session(client, resp.ID, ttl);
      s.keepAlive();
      cb(undefined, s);
    });
  }

  /** Session.Done: fn runs once keep-alives end (at once if they already have). */
  onDone(fn: () => void): void {
    if (this.done) this.client.net.after(0, fn);
    else this.doneCbs.push(fn);
  }

  /** Session.Orphan: stops keeping the lease alive; it expires after its TTL. */
  orphan(): void {
    this.end();
  }

  /** Session.Close: orphans the session and revokes its lease (with the TTL as deadline, as etcd does). */
  close(cb: Callback<LeaseRevokeResponse>): void {
    this.end();
    this.client.leaseRevoke({ ID: this.lease }, cb, { timeoutMs: this.ttl * 1000 });
  }

  private now(): number {
    return this.client.net.now();
  }

  /** One renewal now, the next TTL/3 later; transient failures retry on the same beat until the deadline. */
  private keepAlive(): void {
    if (this.done) return;
    if (this.now() >= this.deadline) return this.end();
    const period = Math.max(1, Math.floor((this.ttl * 1000) / 3));
    // The renewal may not outlive the lease: past the deadline the lease is gone anyway.
    const timeoutMs = Math.max(1, Math.min(this.client.commandTimeoutMs, this.deadline - this.now()));
    this.client.keepAliveOnce(
      this.lease,
      (err: RequestError | undefined, resp) => {
        if (this.done) return;
        if (err?.code === 'NotFound') return this.end();
        if (!err && resp) this.deadline = this.now() + resp.TTL * 1000;
        this.client.net.after(period, () => this.keepAlive());
      },
      { timeoutMs },
    );
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    for (const fn of this.doneCbs.splice(0)) fn();
  }
}
