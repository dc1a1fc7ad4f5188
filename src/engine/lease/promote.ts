// Promote's pile-up guard (etcd lessor.go): after a leader change every lease
// gets "remaining + extension", so leases that were spread out can land in the
// same second and exceed the revoke rate. With many leases, the ones beyond
// 3/4 of the rate in a one-second window are pushed later.
import { LEASE_REVOKE_RATE } from './config.ts';
import { compareLeaseIds } from './id.ts';
import type { Lease } from './lease.ts';

/**
 * Delays expiries so at most 3/4 of LEASE_REVOKE_RATE fall in any window that
 * starts at a lease's expiry. Only needed (and only run, like etcd) with at least
 * LEASE_REVOKE_RATE leases. `moved` is told about every lease it re-expires.
 */
export function spreadExpiries(leases: readonly Lease[], now: number, extendMs: number, moved: (l: Lease) => void): void {
  if (leases.length < LEASE_REVOKE_RATE) return;
  // etcd sorts by remaining time with an unstable sort; ties by ID keep it deterministic.
  const sorted = [...leases].sort((a, b) => {
    const x = a.remaining(now);
    const y = b.remaining(now);
    return x < y ? -1 : x > y ? 1 : compareLeaseIds(a.id, b.id);
  });
  const targetPerSecond = Math.floor((3 * LEASE_REVOKE_RATE) / 4);
  let baseWindow = sorted[0]!.remaining(now);
  let nextWindow = baseWindow + 1000;
  let expires = 0;
  for (const l of sorted) {
    const remaining = l.remaining(now);
    if (remaining > nextWindow) {
      baseWindow = remaining;
      nextWindow = baseWindow + 1000;
      expires = 1;
      continue;
    }
    expires++;
    if (expires <= targetPerSecond) continue;
    // The n-th lease of a crowded window waits n/target seconds, less how far
    // past the window's start it already was.
    const delay = Math.trunc(1000 * (expires / targetPerSecond) - (remaining - baseWindow));
    nextWindow = baseWindow + delay;
    l.refresh(now, delay + extendMs);
    moved(l);
  }
}
