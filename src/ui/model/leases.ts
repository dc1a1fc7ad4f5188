// Leases for the Leases view: each lease's granted TTL, how much of it is
// left (only the primary lessor, the leader's, runs lease clocks; elsewhere a
// lease never expires) and its keys. readLeases copies them out of a lessor;
// leaseRing is the pure part the drawing needs.
import type { Lessor } from '../../engine/lease/lessor.ts';

export interface LeaseEntry {
  id: string;
  ttl: number;
  /** ms left, or undefined when this lessor keeps no clock (not the primary). */
  remainingMs: number | undefined;
  keys: string[];
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function readLeases(lessor: Lessor, now: number, max = 60): LeaseEntry[] {
  return lessor
    .leases()
    .slice(0, max)
    .map((l) => ({
      id: l.ID,
      ttl: l.TTL,
      remainingMs: Number.isFinite(l.expiry) ? Math.max(0, l.expiry - now) : undefined,
      keys: l.keys.map((k) => decoder.decode(k)),
    }));
}

/** The fraction of the granted TTL left, 0..1 (1 when no clock runs). */
export function leaseFraction(l: LeaseEntry): number {
  if (l.remainingMs === undefined) return 1;
  if (!(l.ttl > 0)) return 0;
  return Math.max(0, Math.min(1, l.remainingMs / (l.ttl * 1000)));
}

/** Seconds left as etcdctl's "remaining" shows them (whole seconds, truncated), or '∞'. */
export function leaseSeconds(l: LeaseEntry): string {
  return l.remainingMs === undefined ? '∞' : String(Math.trunc(l.remainingMs / 1000));
}
