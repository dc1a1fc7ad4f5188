// One lease as the lessor keeps it (etcd's lease.Lease): granted TTL, last
// checkpointed remaining TTL, expiry on the virtual clock, attached keys.
import type { LeaseID, LeaseInfo } from './types.ts';

/** An expiry that never comes: every lease on a non-primary lessor has it. */
export const FOREVER = Infinity;

/**
 * A key's bytes as a string of char codes 0-255: a Map key that compares (with
 * < and sort) in the same order as the bytes themselves.
 */
export function keyString(key: Uint8Array): string {
  let s = '';
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
  return s;
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Lease {
  readonly id: LeaseID;
  /** Granted TTL in seconds. */
  ttl: number;
  /** Last checkpointed remaining TTL in seconds; 0 = unset, use ttl. */
  remainingTTL = 0;
  /** Virtual ms at which the lease expires. */
  expiry = FOREVER;
  /** Attached keys by keyString. */
  readonly items = new Map<string, Uint8Array>();

  constructor(id: LeaseID, ttl: number) {
    this.id = id;
    this.ttl = ttl;
  }

  /** What a refresh counts from: the checkpointed remaining TTL if set, else the full TTL. */
  getRemainingTTL(): number {
    return this.remainingTTL > 0 ? this.remainingTTL : this.ttl;
  }

  /** Expire extendMs + getRemainingTTL() seconds from now. */
  refresh(now: number, extendMs: number): void {
    this.expiry = now + extendMs + this.getRemainingTTL() * 1000;
  }

  forever(): void {
    this.expiry = FOREVER;
  }

  /** Milliseconds left (negative once past expiry, Infinity if forever). */
  remaining(now: number): number {
    return this.expiry === FOREVER ? FOREVER : this.expiry - now;
  }

  expired(now: number): boolean {
    return this.remaining(now) <= 0;
  }

  /** Attached keys in byte order: revokes delete in the same order on every member. */
  keys(): Uint8Array[] {
    return [...this.items.keys()].sort(byteOrder).map((k) => this.items.get(k)!.slice());
  }

  info(): LeaseInfo {
    return { ID: this.id, TTL: this.ttl, remainingTTL: this.remainingTTL, expiry: this.expiry, keys: this.keys() };
  }
}
