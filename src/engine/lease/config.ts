// Lessor tuning, with etcd 3.4's values and the way etcdserver derives the
// timing ones from --heartbeat-interval and --election-timeout.

/** leaseRevokeRate: at most this many expired leases are revoked per second. */
export const LEASE_REVOKE_RATE = 1000;

/** Expired leases handed out per expiry scan (etcd scans every 500 ms, so half the rate). */
export const REVOKE_BATCH_LIMIT = LEASE_REVOKE_RATE / 2;

/** leaseCheckpointRate: at most this many checkpoints are proposed per second. */
export const LEASE_CHECKPOINT_RATE = 1000;

/** maxLeaseCheckpointBatchSize: checkpoints per proposed LeaseCheckpointRequest. */
export const MAX_CHECKPOINT_BATCH = 1000;

/** defaultLeaseCheckpointInterval (5 minutes; not configurable in etcd 3.4.23). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;

/** defaultExpiredleaseRetryInterval: how long an expired lease waits to be offered again. */
export const DEFAULT_EXPIRED_RETRY_INTERVAL_MS = 3000;

/** How often etcd's lessor loop looks for expired leases and due checkpoints. */
export const LESSOR_LOOP_INTERVAL_MS = 500;

/** raft's election ticks for the flags: ElectionMs / TickMs, rounded down. */
export function electionTicks(heartbeatMs: number, electionMs: number): number {
  return Math.floor(electionMs / heartbeatMs);
}

/**
 * The smallest TTL a grant gets, in seconds. etcdserver computes
 * minTTL := time.Duration((3*ElectionTicks)/2) * heartbeat with integer division,
 * then rounds up to whole seconds: 2 s for the defaults (100 ms, 1000 ms), and
 * 7 s (not 8) for 1000 ms / 5000 ms, as etcd 3.4.23 grants.
 */
export function minLeaseTTL(heartbeatMs: number, electionMs: number): number {
  const ms = Math.floor((3 * electionTicks(heartbeatMs, electionMs)) / 2) * heartbeatMs;
  return Math.ceil(ms / 1000);
}

/**
 * How long Promote extends every lease: etcdserver passes its election timeout
 * (ElectionTicks * TickMs), long enough for clients to find the new leader and
 * keep their leases alive before anything can expire.
 */
export function promoteExtensionMs(heartbeatMs: number, electionMs: number): number {
  return electionTicks(heartbeatMs, electionMs) * heartbeatMs;
}

/**
 * etcdserver's ReqTimeout (5 s + 2 election timeouts), which it gives the lessor
 * as the expired-lease retry interval: an expired lease whose revoke has not
 * applied by then is offered for revoking again.
 */
export function requestTimeoutMs(heartbeatMs: number, electionMs: number): number {
  return 5000 + 2 * promoteExtensionMs(heartbeatMs, electionMs);
}
